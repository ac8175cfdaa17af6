"""Registration in steps (person -> screening -> case -> consent): each step's checks, nothing saved before the
last step, nothing lost when a step has errors or the user goes back, means and purposes asked once, the smuggled
migrant's vulnerabilities for a smuggling case only, and the signed field that carries the earlier steps."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import make_user, sign_in
from tipsom.cases.models import Case, ChildProtection, Consent, Screening
from tipsom.notifications.models import Notification
from tipsom.people.models import Person, PersonName

pytestmark = pytest.mark.django_db

PERSON = {
    "name": "Rosa Quispe Mamani",
    "gender": "Feminine",
    "citizenships": ["BO"],
    "languages": ["spa"],
    "birth_date": "about 14",
}
SCREENING = {
    "case_type": "tip",
    "acts": ["recruitment", "harbouring"],
    "means": ["DebtBondage", "WithholdsDocuments"],
    "purposes": ["ForcedLabour"],
}
CASE = {"identified_on": "2026-10-02", "region": "BR-SP", "origin_country": "BO", "destination_country": "BR"}


def _rows() -> tuple[int, int, int, int, int]:
    return (
        Case.objects.count(),
        Person.objects.count(),
        PersonName.objects.count(),
        Screening.objects.count(),
        Consent.objects.count(),
    )


def _found(pattern: str, html: str) -> str:
    match = re.search(pattern, html)
    assert match is not None, pattern
    return match.group(1)


class Walk:
    """A browser's way through the steps: each answer carries the page's signed `carried` field on."""

    def __init__(self, user: Any, query: str = "") -> None:
        self.client = sign_in(Client(), user)
        self.url = reverse("cases:register") + query
        self.response = self.client.get(self.url)
        assert self.response.status_code == 200

    @property
    def html(self) -> str:
        return self.response.content.decode()

    @property
    def step(self) -> str:
        return _found(r'name="step" value="([a-z]+)"', self.html)

    def post(self, data: dict[str, Any], go: str = "next") -> Any:
        carried = unescape(_found(r'name="carried" value="([^"]*)"', self.html))
        self.response = self.client.post(self.url, {**data, "step": self.step, "carried": carried, "go": go})
        return self.response

    def selected(self, name: str) -> list[str]:
        """The values shown as chosen in the current page for a select or checkboxes named `name`."""
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', self.html, re.S)
        if select:
            return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(1))
        return re.findall(rf'<input type="checkbox" name="{name}" value="([^"]*)"[^>]*checked', self.html)


@pytest.fixture
def walk(identifier: Any) -> Walk:
    return Walk(identifier)


def test_each_step_in_turn_and_nothing_saved_until_the_last(walk, cp_agency, cp_officer):
    before = _rows()
    assert walk.step == "person" and 'name="acts"' not in walk.html
    assert walk.post(PERSON).status_code == 200 and walk.step == "screening"
    # The screening's code lists (16 means, 12 purposes) are searchable pickers, not walls of checkboxes.
    assert 'value="OrganRemoval"' in walk.html and 'value="ForcedBegging"' in walk.html
    assert re.search(r'<select name="means"[^>]*data-picker', walk.html)
    assert re.search(r'<select name="purposes"[^>]*multiple', walk.html)
    assert _rows() == before
    walk.post(SCREENING)
    assert walk.step == "case" and _rows() == before
    # Asked once: the case's means of control and forms of exploitation come filled in from the screening.
    assert walk.selected("means_of_control") == ["DebtBondage", "WithholdsDocuments"]
    assert walk.selected("exploitation_types") == ["ForcedLabour"]
    assert "Step 3 of 4" in walk.html and 'aria-current="step"' in walk.html
    walk.post({**CASE, "means_of_control": ["DebtBondage"], "exploitation_types": ["ForcedLabour"]})
    assert walk.step == "consent" and _rows() == before
    # A child: the last step offers to notify the child protection agency at once, and asks a guardian's consent.
    assert 'name="notify_agency"' in walk.html and cp_agency.name in walk.html
    response = walk.post(
        {
            "data_processing": "given",
            "referral": "given",
            "service_types": ["Shelter", "Legal"],
            "given_by": "guardian",
            "notify_agency": str(cp_agency.pk),
        },
        go="save",
    )
    assert response.status_code == 302, walk.html[:3000]
    case = Case.objects.select_related("person").get()
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": case.pk})
    # The user refined the case's means in the case step: their choice stays; the screening keeps its answers.
    assert case.means_of_control == ["DebtBondage"] and case.exploitation_types == ["ForcedLabour"]
    assert Screening.objects.get(case=case).means == ["DebtBondage", "WithholdsDocuments"]
    assert case.is_child and case.person.birth_date_precision == "estimated"
    assert case.person.birth_date == str(timezone.localdate().year - 14)
    assert ChildProtection.objects.get(case=case).age_assessment == "pending"
    assert ChildProtection.objects.get(case=case).notified_organization == cp_agency
    consents = {c.purpose: c for c in Consent.objects.filter(case=case)}
    assert set(consents) == {"data_processing", "referral"} and consents["referral"].service_types == [
        "Shelter",
        "Legal",
    ]
    notification = Notification.objects.get(user=cp_officer)
    assert notification.kind == "child_case_notified" and notification.params["case_number"] == case.case_number


def test_means_follow_the_screening_until_the_user_refines_them(walk):
    walk.post(PERSON)
    walk.post(SCREENING)
    assert walk.selected("means_of_control") == ["DebtBondage", "WithholdsDocuments"]
    # Back to the screening, the case's fields as shown (untouched): a new answer there fills the case step again.
    shown = {name: walk.selected(name) for name in ("means_of_control", "exploitation_types")}
    walk.post({**CASE, **shown}, go="back")
    assert walk.step == "screening" and walk.selected("means") == ["DebtBondage", "WithholdsDocuments"]
    walk.post({**SCREENING, "means": ["PhysicalThreats"], "purposes": ["SexualExploitation"]})
    assert walk.step == "case"
    assert walk.selected("means_of_control") == ["PhysicalThreats"]
    assert walk.selected("exploitation_types") == ["SexualExploitation"]
    # Refined in the case step, then the screening changed again: the refinement stays.
    walk.post({**CASE, "means_of_control": ["PhysicalThreats", "FalsePromises"], "exploitation_types": []}, go="back")
    walk.post({**SCREENING, "means": ["DebtBondage"]})
    assert walk.selected("means_of_control") == ["PhysicalThreats", "FalsePromises"]


def test_a_step_with_errors_keeps_every_steps_input(walk):
    before = _rows()
    response = walk.post({**PERSON, "name": "", "birth_date": "2099"})
    assert response.status_code == 400 and walk.step == "person"
    errors = response.context["form"].errors
    assert "name" in errors and "future" in " ".join(errors["birth_date"])
    assert 'value="BO"' in walk.html and walk.selected("citizenships") == ["BO"]  # what was typed stays
    walk.post(PERSON)
    walk.post(SCREENING)
    response = walk.post({**CASE, "identified_on": "not a date", "origin_country": "XX"})
    assert response.status_code == 400 and walk.step == "case"
    assert "identified_on" in response.context["form"].errors
    # The earlier steps are still there: back to the person, whose name and age are shown as typed.
    walk.post({**CASE, "identified_on": "not a date"}, go="back")
    walk.post(SCREENING, go="back")
    assert walk.step == "person" and "Rosa Quispe Mamani" in walk.html and "about 14" in walk.html
    # And forward again: the case step still holds what was typed in it.
    walk.post(PERSON)
    walk.post(SCREENING)
    assert 'value="not a date"' in walk.html
    assert _rows() == before


def test_a_progress_link_goes_back_to_a_done_step_only(walk):
    walk.post(PERSON)
    walk.post(SCREENING)
    assert 'value="step:person"' in walk.html and 'value="step:consent"' not in walk.html
    walk.post(CASE, go="step:person")
    assert walk.step == "person" and "Rosa Quispe Mamani" in walk.html
    walk.post(PERSON, go="step:consent")  # not reached yet: checked, then the next step
    assert walk.step == "screening"


def test_the_last_step_checks_every_step_again(walk):
    walk.post(PERSON)
    walk.post(SCREENING)
    walk.post(CASE)
    # A refusal of the service (a consent before the identification is impossible to date, so: a child's own
    # consent) lands on the step of its field, and nothing is written.
    before = _rows()
    response = walk.post({"data_processing": "given", "given_by": "person"}, go="save")
    assert response.status_code == 400 and walk.step == "consent"
    assert "guardian or parent" in " ".join(response.context["form"].errors["given_by"])
    assert _rows() == before
    response = walk.post({"data_processing": "given", "given_by": "guardian"}, go="save")
    assert response.status_code == 302


def test_the_smuggled_migrants_vulnerabilities_are_for_a_smuggling_case_only(walk):
    walk.post(PERSON)
    assert 'data-show-for="case_type"' in walk.html and re.search(r'class="register-som"[^>]*hidden', walk.html)
    response = walk.post({**SCREENING, "som_vulnerabilities": ["pregnant"]})
    assert response.status_code == 400 and walk.step == "screening"
    assert "smuggling of migrants" in " ".join(response.context["form"].errors["som_vulnerabilities"])
    assert not re.search(r'class="register-som"[^>]*hidden', walk.html)  # shown, with its error
    walk.post({**SCREENING, "case_type": "som", "som_vulnerabilities": ["pregnant"]})
    assert walk.step == "case"


def test_a_trafficking_case_posted_at_once_with_som_vulnerabilities_is_refused(identifier):
    before = _rows()
    data = {**PERSON, **SCREENING, **CASE, "som_vulnerabilities": ["pregnant"]}
    response = sign_in(Client(), identifier).post(reverse("cases:register"), data)
    assert response.status_code == 400 and "som_vulnerabilities" in response.context["form"].errors
    assert _rows() == before


def test_posted_at_once_the_case_takes_the_screenings_means(identifier):
    data = {**PERSON, **SCREENING, **CASE}
    assert sign_in(Client(), identifier).post(reverse("cases:register"), data).status_code == 302
    case = Case.objects.get()
    assert case.means_of_control == ["DebtBondage", "WithholdsDocuments"] and case.exploitation_types == [
        "ForcedLabour"
    ]


@pytest.mark.parametrize("carried", ["", "garbage", "eyJ1c2VyIjoxfQ:1abc:def"])
def test_a_tampered_carried_field_is_refused(walk, carried):
    walk.post(PERSON)
    response = walk.client.post(walk.url, {**SCREENING, "step": "screening", "carried": carried, "go": "next"})
    assert response.status_code == 400 and "start again" in response.content.decode()


def test_another_users_carried_field_is_refused(walk, home_org):
    walk.post(PERSON)
    carried = unescape(_found(r'name="carried" value="([^"]*)"', walk.html))
    other = sign_in(Client(), make_user(home_org, roles=("frontline_identifier",)))
    response = other.post(walk.url, {**SCREENING, "step": "screening", "carried": carried})
    assert response.status_code == 400 and Case.objects.count() == 0


def test_no_name_rests_in_the_session(walk):
    """The steps travel in the page, not in the session store (a database table that is not encrypted)."""
    from django.contrib.sessions.models import Session

    walk.post(PERSON)
    walk.post(SCREENING)
    for session in Session.objects.all():
        assert "Rosa" not in str(session.get_decoded())


def test_an_existing_person_skips_the_person_step(identifier):
    Walk(identifier).client.post(reverse("cases:register"), {**PERSON, **SCREENING, **CASE})
    person = Person.objects.get()
    walk = Walk(identifier, f"?person={person.pk}")
    assert walk.step == "screening" and "Step 1 of 3" in walk.html and 'name="name"' not in walk.html
    walk.post(SCREENING)
    walk.post({**CASE, "identified_on": "2026-11-01"})
    assert walk.post({}, go="save").status_code == 302
    assert Case.objects.filter(person=person).count() == 2 and Person.objects.count() == 1


def test_an_adult_is_not_offered_the_child_agency(walk, cp_agency):
    walk.post({**PERSON, "birth_date": "1990-03-04"})
    walk.post({**SCREENING, "case_type": "tip"})
    walk.post(CASE)
    assert walk.step == "consent" and 'name="notify_agency"' not in walk.html
    assert walk.post({}, go="save").status_code == 302
    assert not Case.objects.get().is_child and not mail.outbox


def test_empty_choices_read_as_words(walk):
    walk.post(PERSON)
    walk.post(SCREENING)
    assert "---------" not in walk.html
    assert re.search(r'<select name="origin_country"[^>]*>\s*<option value=""[^>]*>Not known</option>', walk.html)


def test_the_live_recommendation_reads_the_earlier_steps(walk):
    """On the screening step the person's age is in the signed field: a child needs no means."""
    walk.post(PERSON)
    carried = unescape(_found(r'name="carried" value="([^"]*)"', walk.html))
    data = {"acts": ["recruitment"], "purposes": ["ForcedLabour"], "step": "screening"}
    preview = walk.client.post(reverse("cases:screening_preview"), {**data, "carried": carried}).content.decode()
    assert 'data-recommendation="likely_child_victim"' in preview
    tampered = walk.client.post(reverse("cases:screening_preview"), {**data, "carried": "x"}).content.decode()
    assert 'data-recommendation="possible_victim"' in tampered  # an unsigned field is ignored
