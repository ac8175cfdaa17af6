"""The child track that really notifies: the agency's child protection officers get an in-app notification and an
email that names no one; a child case not yet notified says so on its page; an estimated age starts the age
assessment pending."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.cases import services
from tipsom.cases.models import ChildProtection
from tipsom.cases.testing import ADULT_PERSON, CHILD_PERSON, case_actor, make_case
from tipsom.notifications.models import Notification
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(home_org: Any) -> Any:
    return make_case(home_org, child=True)


def test_notifying_the_agency_notifies_its_officers_only_in_app_and_by_email(
    child, home_org, cp_agency, cp_officer, django_capture_on_commit_callbacks
):
    second_officer = make_user(cp_agency, roles=("child_protection_officer",), email="second@agency.example")
    cp_officer.email = "officer@agency.example"
    cp_officer.save()
    agency_manager = make_user(cp_agency, roles=("case_manager",), email="manager@agency.example")
    elsewhere = make_user(make_organization("BR", functions=["child_protection"]), roles=("child_protection_officer",))
    at_home = make_user(home_org, roles=("child_protection_officer",), email="home@ngo.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.child_notify(actor=case_actor(child), case_id=child.pk, organization_id=cp_agency.pk)
    notified = set(Notification.objects.values_list("user_id", flat=True))
    assert notified == {cp_officer.pk, second_officer.pk}
    assert not {agency_manager.pk, elsewhere.pk, at_home.pk} & notified
    notification = Notification.objects.get(user=cp_officer)
    assert notification.kind == "child_case_notified"
    assert notification.params == {"case_number": child.case_number, "organization": home_org.name}
    assert notification.link == reverse("cases:detail", kwargs={"pk": child.pk})
    assert sorted(message.to[0] for message in mail.outbox) == ["officer@agency.example", "second@agency.example"]
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert child.case_number in text and f"/cases/{child.pk}/" in text
        for part in ("Juana", "Mamani", "Quispe", "2011", "BO"):
            assert part not in text  # no name, no birth year, no citizenship: the case number and a link only


def test_the_officer_reads_the_notification_in_their_inbox(child, cp_agency, cp_officer):
    services.child_notify(actor=case_actor(child), case_id=child.pk, organization_id=cp_agency.pk)
    inbox = sign_in(Client(), cp_officer).get(reverse("notifications:inbox")).content.decode()
    assert child.case_number in inbox and "child case" in inbox and "Juana" not in inbox


def test_a_refused_notification_notifies_no_one(child, cp_officer):
    not_an_agency = make_organization("BR")
    make_user(not_an_agency, roles=("child_protection_officer",))
    with pytest.raises(Exception, match="child protection agency"):
        services.child_notify(actor=case_actor(child), case_id=child.pk, organization_id=not_an_agency.pk)
    assert not Notification.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("birth_date", "precision", "presumed", "expected"),
    [
        ("2011", "estimated", False, "pending"),  # "about 15"
        ("2011", "year", False, "pending"),
        ("2011-04", "year_month", False, "pending"),
        ("2011-04-05", "exact", False, "not_needed"),
        ("", "", True, "pending"),
    ],
)
def test_an_estimated_age_puts_the_age_assessment_to_pending(home_org, birth_date, precision, presumed, expected):
    person = {**CHILD_PERSON, "birth_date": birth_date, "birth_date_precision": precision}
    person["is_presumed_minor"] = presumed
    case = make_case(home_org, person=person)
    assert case.is_child
    assert ChildProtection.objects.get(case=case).age_assessment == expected


def test_a_child_case_not_yet_notified_says_so_with_the_button(child, cp_agency, cp_officer):
    client = sign_in(Client(), case_actor(child))
    page = client.get(reverse("cases:detail", kwargs={"pk": child.pk})).content.decode()
    assert "data-child-notify-notice" in page and reverse("cases:child_notify", kwargs={"pk": child.pk}) in page
    assert f'name="organization" value="{cp_agency.pk}"' in page
    response = client.post(
        reverse("cases:child_notify", kwargs={"pk": child.pk}),
        {"organization": cp_agency.pk, "version": child.version},
    )
    assert response.status_code == 302
    assert Notification.objects.filter(user=cp_officer, kind="child_case_notified").exists()
    page = client.get(reverse("cases:detail", kwargs={"pk": child.pk})).content.decode()
    assert "data-child-notify-notice" not in page


def test_an_edit_that_makes_the_case_a_childs_prompts_for_the_notification(home_org, cp_agency):
    born = {**ADULT_PERSON, "birth_date": "2008-06-01"}
    case = make_case(home_org, person=born, identified_on="2026-10-02")
    assert not case.is_child
    client = sign_in(Client(), case_actor(case))
    page = client.get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert "data-child-notify-notice" not in page
    services.case_update(actor=case_actor(case), case_id=case.pk, version=case.version, identified_on="2026-05-01")
    page = client.get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert "data-child-notify-notice" in page


def test_an_adult_case_and_a_reader_without_change_see_no_notice(home_org, child, cp_agency):
    adult = make_case(home_org)
    client = sign_in(Client(), case_actor(adult))
    page = client.get(reverse("cases:detail", kwargs={"pk": adult.pk})).content.decode()
    assert "data-child-notify-notice" not in page
    reader = make_user(home_org, roles=("national_coordinator",))
    response = sign_in(Client(), reader).get(reverse("cases:detail", kwargs={"pk": child.pk}))
    assert "data-child-notify-notice" not in response.content.decode()


class TestNotifyFromTheNotice:
    """The notice's button posts to cases:child_notify: anonymous, unpermitted, other organisation, permitted."""

    def _post(self, client: Client, child: Any, agency: Any) -> Any:
        url = reverse("cases:child_notify", kwargs={"pk": child.pk})
        return client.post(url, {"organization": agency.pk, "version": child.version})

    def test_anonymous(self, child, cp_agency):
        response = self._post(Client(), child, cp_agency)
        assert response.status_code == 302 and "login" in response["Location"]
        assert not Notification.objects.exists()

    def test_unpermitted(self, child, cp_agency, home_org):
        user = make_user(home_org, roles=("national_coordinator",))
        assert self._post(sign_in(Client(), user), child, cp_agency).status_code == 404
        assert not Notification.objects.exists()

    def test_other_organisation(self, child, cp_agency):
        user = make_user(make_organization("BR"), roles=("case_manager",))
        assert self._post(sign_in(Client(), user), child, cp_agency).status_code == 404
        assert not Notification.objects.exists()

    def test_permitted(self, child, cp_agency, cp_officer):
        assert self._post(sign_in(Client(), case_actor(child)), child, cp_agency).status_code == 302
        assert Notification.objects.filter(user=cp_officer).count() == 1


def test_the_case_edit_form_uses_pickers_and_words_for_empty_choices(home_org):
    case = make_case(home_org)
    html = sign_in(Client(), case_actor(case)).get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert re.search(r'<select name="industries"[^>]*data-picker', html)
    assert re.search(r'<select name="transit_countries"[^>]*data-picker', html)
    assert 'type="checkbox" name="industries"' not in html and "---------" not in html


def test_an_age_edited_to_an_estimate_puts_the_assessment_to_pending(home_org):
    from tipsom.people.services import person_update

    person = {**CHILD_PERSON, "birth_date": "2012-04-05", "birth_date_precision": "exact"}
    case = make_case(home_org, person=person)
    track = ChildProtection.objects.get(case=case)
    assert track.age_assessment == "not_needed"
    actor = case_actor(case)
    person_row = case.person
    person_update(
        actor=actor, person_id=person_row.pk, version=person_row.version, birth_date="2012", birth_date_precision="year"
    )
    track.refresh_from_db()
    assert track.age_assessment == "pending"
