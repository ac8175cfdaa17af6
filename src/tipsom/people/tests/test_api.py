"""Person API: who reaches each endpoint, statistical reads, blind-index filters, locking, and the audited reveal."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person, PersonContact, PersonDocument, PersonName
from tipsom.people.services import person_create

PERSON: dict[str, Any] = {
    "names": [{"name": "Maria Aparecida Souza"}, {"name": "Cida", "kind": "alias"}],
    "gender": "Feminine",
    "citizenships": ["BO"],
    "birth_date": "2009-05-14",
    "birth_date_precision": "exact",
    "contacts": [{"kind": "phone", "value": "+5565988112233"}],
    "documents": [{"doc_type": "national_id", "number": "MG-12.345.678", "issuing_country": "BR"}],
}
IDENTIFYING = ("Maria", "Aparecida", "Cida", "2009-05-14", "+5565988112233", "MG-12.345.678")


def _person(organization: Organization, **overrides: Any) -> Person:
    return person_create(actor=None, organization=organization, **{**PERSON, **overrides})


def _no_identity(response: Any) -> None:
    text = response.content.decode()
    assert not [value for value in IDENTIFYING if value in text], text[:300]


class PersonAccess(AccessCase):
    permitted_role = "case_manager"

    def make_object(self, organization: Organization) -> Person:
        return _person(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestPersonListApi(AccessCase):
    url_name = "api:person-list"
    permitted_role = "case_manager"
    model = Person

    def make_object(self, organization: Organization) -> None:
        _person(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        assert len(rows) == 1 and rows[0]["citizenships"] == ["BO"] and rows[0]["identity_masked"] is True
        _no_identity(response)

    def test_other_organization(self, home_org: Organization) -> None:
        _person(home_org)
        user = make_user(make_organization("BR"), roles=(self.permitted_role,))
        response = self._client_for(user).get(reverse(self.url_name))
        assert response.status_code == 200 and response.json()["results"] == []


class TestPersonDetailApi(PersonAccess):
    url_name = "api:person-detail"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["birth_year"] == 2009 and response.json()["gender"] == "Feminine"
        _no_identity(response)


class TestPersonUpdateApi(PersonAccess):
    url_name = "api:person-detail"
    method = "patch"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "languages": ["spa"]}

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert (obj.languages, obj.version, response.json()["version"]) == (["spa"], 2, 2)


class TestPersonRevealApi(PersonAccess):
    url_name = "api:person-reveal"
    method = "post"
    model: ClassVar[type[models.Model] | None] = PersonName

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "Preparing the referral letter"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert [n["name"] for n in body["names"]] == ["Maria Aparecida Souza", "Cida"]
        assert body["birth_date"] == "2009-05-14"


class TestPersonRevealContactsApi(TestPersonRevealApi):
    url_name = "api:person-reveal"
    model = PersonContact

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "Calling for the follow-up", "fields": ["contacts"]}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json() == {"id": obj.pk, "contacts": [{"kind": "phone", "value": "+5565988112233"}]}


class TestPersonRevealDocumentsApi(TestPersonRevealApi):
    url_name = "api:person-reveal"
    model = PersonDocument

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "Checking the identity card", "fields": ["documents"]}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["documents"][0]["number"] == "MG-12.345.678"


# --- Behaviour ----------------------------------------------------------------------------------------------
@pytest.fixture
def manager(db: Any) -> Any:
    return make_user(make_organization("BR"), roles=("case_manager",))


def _patch(client: Client, person: Person, data: Any) -> Any:
    url = reverse("api:person-detail", kwargs={"pk": person.pk})
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_filters_search_by_blind_index_and_statistics(manager: Any) -> None:
    maria = _person(manager.organization)
    _person(
        manager.organization,
        names=[{"name": "Олена Петренко"}],
        citizenships=["UA"],
        gender="Feminine",
        documents=[{"doc_type": "passport", "number": "FA 123456"}],
    )
    _person(
        manager.organization, names=[{"name": "Ram Bahadur"}], citizenships=["NP"], gender="Masculine", documents=[]
    )
    client = sign_in(Client(), manager)

    def ids(**params: Any) -> set[int]:
        response = client.get(reverse("api:person-list"), params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(name="souza maria aparecida") == {maria.pk}
    assert len(ids(name="Olena Petrenko")) == 1  # the Latin form of a Cyrillic name
    assert ids(document="mg12345678") == {maria.pk}
    assert len(ids(citizenship="NP", gender="Masculine")) == 1
    assert ids(name="Nobody Here") == set()
    bad = client.get(reverse("api:person-list"), {"gender": "Robot"})
    assert bad.status_code == 400 and "gender" in bad.json()["extra"]["fields"]


def test_stale_patch_is_a_409_and_changes_nothing(manager: Any) -> None:
    person = _person(manager.organization)
    client = sign_in(Client(), manager)
    assert _patch(client, person, {"version": 1, "education": "PrimaryEducation"}).status_code == 200
    events = AuditEvent.objects.count()
    response = _patch(client, person, {"version": 1, "languages": ["que"]})
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    person.refresh_from_db()
    assert (person.languages, person.version, AuditEvent.objects.count()) == ([], 2, events)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"languages": ["que"]}, "version"),
        ({"version": 1, "gender": "Robot"}, "gender"),
        ({"version": 1, "citizenships": ["XX"]}, "citizenships"),
        ({"version": 1, "names": [{"name": "Maria\x1b[31m"}]}, "names.0.name"),
        ({"version": 1, "birth_date": "2031-01-01", "birth_date_precision": "exact"}, "birth_date"),
        ({"version": 1, "nickname": "Cida"}, "nickname"),
    ],
)
def test_bad_changes_are_a_400_naming_the_field(manager: Any, data: dict[str, Any], field: str) -> None:
    person = _person(manager.organization)
    response = _patch(sign_in(Client(), manager), person, data)
    assert response.status_code == 400, response.content
    assert field in response.json()["extra"]["fields"], response.json()
    person.refresh_from_db()
    assert person.version == 1 and person.names.values_list("name", flat=True).first() == "Maria Aparecida Souza"


def test_a_reveal_is_audited_with_its_reason(manager: Any) -> None:
    person = _person(manager.organization)
    client = sign_in(Client(), manager)
    url = reverse("api:person-reveal", kwargs={"pk": person.pk})
    short = client.post(url, {"reason": "why"}, content_type="application/json")
    assert short.status_code == 400 and "reason" in short.json()["extra"]["fields"]
    assert not AuditEvent.objects.filter(action="reveal").exists()
    response = client.post(
        url, {"reason": "Referral to the shelter", "fields": ["names", "birth_date"]}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["names"][1]["name"] == "Cida"
    assert "contacts" not in response.json()
    events = AuditEvent.objects.filter(action="reveal").order_by("sequence")
    assert {e.reason for e in events} == {"Referral to the shelter"}
    assert {(e.object_type, tuple(e.changes["fields"])) for e in events} == {
        ("people.person", ("birth_date",)),
        ("people.personname", ("name", "name_latin")),
    }
    assert all("Maria" not in json.dumps(e.changes) for e in events)


def test_coordinators_cannot_reveal(manager: Any) -> None:
    person = _person(manager.organization)
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    client = sign_in(Client(), coordinator)
    assert client.get(reverse("api:person-detail", kwargs={"pk": person.pk})).status_code == 200
    response = client.post(
        reverse("api:person-reveal", kwargs={"pk": person.pk}),
        {"reason": "Just curious"},
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not AuditEvent.objects.filter(action="reveal").exists()
