"""Registration by a frontline identifier: the form, the live recommendation, success, and bad input that saves
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case, ChildProtection, Screening
from tipsom.people.models import Person, PersonContact, PersonName

pytestmark = pytest.mark.django_db


def _payload(**overrides: Any) -> dict[str, Any]:
    """A presumed child from Bolivia, exploited in Brazil, as the identifier fills the form in."""
    payload: dict[str, Any] = {
        "acts": ["recruitment", "transportation"],
        "means": ["DebtBondage"],
        "purposes": ["ForcedLabour"],
        "som_vulnerabilities": [],
        "screening_notes": "Met during a labour inspection of a textile workshop.",
        "name": "Juana Mamani Quispe",
        "name_latin": "",
        "aliases": "Juanita",
        "gender": "Feminine",
        "citizenships": ["BO"],
        "languages": ["spa", "que"],
        "birth_date": "about 15",
        "is_presumed_minor": "on",
        "phone": "+59171234567",
        "case_type": "tip",
        "identified_on": "2026-10-02",
        "region": "BR-SP",
        "origin_country": "BO",
        "destination_country": "BR",
        "exploitation_types": ["ForcedLabour"],
        "industries": ["C_Manufacturing"],
        "means_of_control": ["DebtBondage", "WithholdsDocuments"],
        "recruitment_methods": ["ThroughFriendsOrSocialEvents"],
    }
    payload.update(overrides)
    return payload


# --- Access -------------------------------------------------------------------------------------------------------
class TestRegisterForm(AccessCase):
    url_name = "cases:register"
    permitted_role = "frontline_identifier"
    unpermitted_role = "national_coordinator"  # sees cases, registers none

    def check_permitted(self, response: Any, obj: Any) -> None:
        # The first step asks for the person only; the screening, the case and consent follow.
        content = response.content.decode()
        for name in ("name", "birth_date", "gender", "citizenships", "step", "carried"):
            assert f'name="{name}"' in content
        for name in ("acts", "means", "case_type", "identified_on"):
            assert f'name="{name}"' not in content
        assert 'aria-current="step"' in content and "Step 1 of 4" in content
        assert reverse("cases:screening_preview") in content and 'hx-trigger="change"' in content
        assert "not a decision" in content


class TestRegisterSubmit(AccessCase):
    url_name = "cases:register"
    permitted_role = "frontline_identifier"
    unpermitted_role = "national_coordinator"
    method = "post"
    permitted_status = 302

    def payload(self, obj: Any) -> dict[str, Any]:
        return _payload()

    def check_permitted(self, response: Any, obj: Any) -> None:
        case = Case.objects.get()
        assert response["Location"] == reverse("cases:detail", kwargs={"pk": case.pk})
        assert case.is_child and case.origin_country == "BO" and case.region == "BR-SP"


class TestScreeningPreview(AccessCase):
    url_name = "cases:screening_preview"
    permitted_role = "frontline_identifier"
    unpermitted_role = "national_coordinator"
    method = "post"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"acts": ["recruitment"], "purposes": ["ForcedLabour"], "is_presumed_minor": "on"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert 'data-recommendation="likely_child_victim"' in content
        assert "not a decision" in content
        assert "<html" not in content  # a fragment for HTMX


# --- Registering --------------------------------------------------------------------------------------------------
@pytest.fixture
def identifier(home_org: Any) -> Any:
    return make_user(home_org, roles=("frontline_identifier",))


def _post(user: User, data: dict[str, Any], url: str | None = None) -> Any:
    return sign_in(Client(), user).post(url or reverse("cases:register"), data)


def test_registration_saves_the_person_the_case_and_the_screening(identifier, home_org):
    response = _post(identifier, _payload())
    assert response.status_code == 302
    case = Case.objects.select_related("person").get()
    assert case.owner_organization == home_org and case.case_type == "tip"
    assert case.means_of_control == ["DebtBondage", "WithholdsDocuments"]
    person = case.person
    assert person.is_presumed_minor and person.citizenships == ["BO"] and person.languages == ["spa", "que"]
    assert person.birth_date == str(timezone.localdate().year - 15) and person.birth_date_precision == "estimated"
    assert [(n.kind, n.name) for n in person.names.all()] == [("primary", "Juana Mamani Quispe"), ("alias", "Juanita")]
    assert PersonContact.objects.get(person=person).value == "+59171234567"
    screening = Screening.objects.get(case=case)
    assert screening.recommendation == "likely_child_victim" and screening.acts == ["recruitment", "transportation"]
    assert ChildProtection.objects.get(case=case).age_assessment == "pending"
    assert AuditEvent.objects.filter(action="case.create", object_id=str(case.pk)).exists()


def test_the_recommendation_follows_the_indicators(identifier):
    client = sign_in(Client(), identifier)
    url = reverse("cases:screening_preview")

    def recommendation(data: dict[str, Any]) -> str:
        content = client.post(url, data).content.decode()
        return content.split('data-recommendation="', 1)[1].split('"', 1)[0]

    assert recommendation({}) == "no_indicators"
    assert recommendation({"means": ["DebtBondage"]}) == "possible_victim"
    adult = {"acts": ["recruitment"], "means": ["DebtBondage"], "purposes": ["ForcedLabour"]}
    assert recommendation(adult) == "likely_victim"
    # A child needs no means; the birth date (as typed so far) decides who is a child on the identification day.
    child = {"acts": ["recruitment"], "purposes": ["ForcedLabour"], "identified_on": "2026-10-02"}
    assert recommendation({**child, "birth_date": "2012-05-01"}) == "likely_child_victim"
    assert recommendation({**child, "birth_date": "1990"}) == "possible_victim"
    assert recommendation({"som_vulnerabilities": ["pregnant"]}) == "vulnerable_migrant"
    assert recommendation({"acts": ["bogus"], "purposes": ["NotACode"]}) == "no_indicators"


def _assert_nothing_saved(before: tuple[int, int, int]) -> None:
    assert (Case.objects.count(), Person.objects.count(), PersonName.objects.count()) == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"birth_date": "2011-05-01", "identified_on": "2010-01-01"},
            "identified_on",
            "before the person",
        ),
        ({"identified_on": "2099-01-01"}, "identified_on", "in the future"),
        ({"exploitation_types": ["ForcedLabour", "NotACode"]}, "exploitation_types", "Unknown codes: NotACode"),
        ({"acts": ["recruitment", "kidnapping"]}, "acts", "Unknown codes"),
        ({"citizenships": ["XX"]}, "citizenships", "Unknown country code"),
        ({"name": "Juana\x07 Mamani"}, "name", "control characters"),
        ({"aliases": "Juanita\nJu\x1bana"}, "aliases", "control characters"),
        ({"region": "AR-B"}, "region", "Unknown region"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(identifier, overrides, field, message):
    before = (Case.objects.count(), Person.objects.count(), PersonName.objects.count())
    response = _post(identifier, _payload(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert "Nothing was saved" in response.content.decode()
    _assert_nothing_saved(before)


def test_a_new_case_for_a_person_already_in_the_registry(identifier):
    assert _post(identifier, _payload()).status_code == 302
    person = Person.objects.get()
    client = sign_in(Client(), identifier)
    found = client.get(reverse("cases:register"), {"find": "quispe juana mamani"}).content.decode()
    assert f"?person={person.pk}" in found and "Juana" not in found.split("register-find-person", 1)[1]
    form = client.get(reverse("cases:register"), {"person": person.pk}).content.decode()
    assert 'name="name"' not in form and f'name="person_id" value="{person.pk}"' in form
    data = {
        key: value
        for key, value in _payload(identified_on="2026-11-01").items()
        if key in {"acts", "means", "purposes", "case_type", "identified_on", "exploitation_types"}
    }
    response = client.post(reverse("cases:register"), {**data, "person_id": person.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Person.objects.count() == 1 and Case.objects.filter(person=person).count() == 2


def test_a_person_of_another_organization_cannot_be_chosen(identifier, home_org):
    stranger = make_user(roles=("frontline_identifier",))
    assert _post(stranger, _payload()).status_code == 302
    person = Person.objects.get()
    assert sign_in(Client(), identifier).get(reverse("cases:register"), {"person": person.pk}).status_code == 404
    data = {"case_type": "tip", "identified_on": "2026-11-01", "person_id": person.pk}
    assert _post(identifier, data).status_code == 404
    assert Case.objects.count() == 1
