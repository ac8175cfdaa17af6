"""Person registry screens: masked lists and pages, search through blind indexes, stale edits, audited reveal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person, PersonContact, PersonDocument, PersonName
from tipsom.people.services import person_create

pytestmark = pytest.mark.django_db

NAME = "Maria Aparecida Souza"
PHONE = "+5565988112233"
DOCUMENT = "MG-12.345.678"
REASON = "Preparing the referral to the shelter"


def _person(organization: Any, **overrides: Any) -> Person:
    data: dict[str, Any] = {
        "names": [{"name": NAME}, {"name": "Cida", "kind": "alias"}],
        "gender": "Feminine",
        "citizenships": ["BR", "BO"],
        "languages": ["por"],
        "birth_date": "2009-05-14",
        "birth_date_precision": "exact",
        "contacts": [{"kind": "phone", "value": PHONE}],
        "documents": [{"doc_type": "national_id", "number": DOCUMENT, "issuing_country": "BR"}],
    }
    data.update(overrides)
    return person_create(actor=None, organization=organization, **data)


# --- Access -------------------------------------------------------------------------------------------------------
class TestPersonList(AccessCase):
    url_name = "people:list"
    permitted_role = "case_manager"

    def make_object(self, organization: Any) -> None:
        self.person = _person(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert reverse("people:detail", kwargs={"pk": self.person.pk}) in content and "Bolivia" in content
        assert NAME not in content and "Souza" not in content and "2009-05-14" not in content

    def test_other_organization_sees_nobody(self, home_org: Any) -> None:
        self.make_object(home_org)
        user = make_user(make_organization("BR"), roles=(self.permitted_role,))
        content = sign_in(Client(), user).get(reverse(self.url_name)).content.decode()
        assert reverse("people:detail", kwargs={"pk": self.person.pk}) not in content


class TestPersonDetail(AccessCase):
    url_name = "people:detail"
    permitted_role = "case_manager"
    model = Person

    def make_object(self, organization: Any) -> Person:
        return _person(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert "Bolivia" in content and "2009" in content  # statistical fields in full (the birth year)
        assert NAME not in content and PHONE not in content and DOCUMENT not in content and "2009-05-14" not in content
        assert "\u2022" in content  # masked values
        assert reverse("people:reveal", kwargs={"pk": obj.pk}) in content


class TestPersonEditForm(AccessCase):
    url_name = "people:edit"
    permitted_role = "case_manager"
    unpermitted_role = "national_coordinator"  # sees persons, changes none

    def make_object(self, organization: Any) -> Person:
        return _person(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert 'name="version" value="1"' in content and 'value="Feminine" selected' in content


class TestPersonEditSubmit(AccessCase):
    url_name = "people:edit"
    permitted_role = "case_manager"
    unpermitted_role = "national_coordinator"
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Any) -> Person:
        return _person(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return _edit_payload(obj, gender="Masculine")

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert (obj.gender, obj.version) == ("Masculine", 2)
        assert AuditEvent.objects.filter(action="person.update", object_id=str(obj.pk)).exists()


class TestPersonRevealForm(AccessCase):
    url_name = "people:reveal"
    permitted_role = "case_manager"
    unpermitted_role = "national_coordinator"  # sees persons, never their identity

    def make_object(self, organization: Any) -> Person:
        return _person(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert 'name="reason"' in content and NAME not in content
        assert not AuditEvent.objects.filter(action="reveal").exists()  # asking is not revealing


class _RevealAccess(AccessCase):
    """POST people:reveal with a reason; each subclass names the record type whose values it reveals."""

    permitted_role = "case_manager"
    unpermitted_role = "national_coordinator"
    method = "post"

    def make_object(self, organization: Any) -> Any:
        return _person(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": getattr(obj, "person_id", obj.pk)}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": REASON}


class TestRevealPerson(_RevealAccess):
    url_name = "people:reveal"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert "2009-05-14" in response.content.decode()
        assert REASON in {e.reason for e in AuditEvent.objects.filter(action="reveal", object_id=str(obj.pk))}


class TestRevealName(_RevealAccess):
    url_name = "people:reveal"
    model = PersonName

    def make_object(self, organization: Any) -> PersonName:
        return _person(organization).names.get(kind="primary")

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert NAME in response.content.decode()
        assert REASON in {e.reason for e in AuditEvent.objects.filter(action="reveal", object_id=str(obj.pk))}


class TestRevealContact(_RevealAccess):
    url_name = "people:reveal"
    model = PersonContact

    def make_object(self, organization: Any) -> PersonContact:
        return _person(organization).contacts.get()

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert PHONE in response.content.decode()
        assert REASON in {e.reason for e in AuditEvent.objects.filter(action="reveal", object_id=str(obj.pk))}


class TestRevealDocument(_RevealAccess):
    url_name = "people:reveal"
    model = PersonDocument

    def make_object(self, organization: Any) -> PersonDocument:
        return _person(organization).documents.get()

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert DOCUMENT in response.content.decode()
        assert REASON in {e.reason for e in AuditEvent.objects.filter(action="reveal", object_id=str(obj.pk))}


def _edit_payload(person: Person, **overrides: Any) -> dict[str, Any]:
    payload = {
        "gender": person.gender,
        "citizenships": person.citizenships,
        "languages": person.languages,
        "is_presumed_minor": "on" if person.is_presumed_minor else "",
        "education": person.education,
        "version": person.version,
    }
    payload.update(overrides)
    return payload


# --- Behaviour ----------------------------------------------------------------------------------------------------
@pytest.fixture
def manager(home_org: Any) -> Any:
    return make_user(home_org, roles=("case_manager",))


def _client(user: User) -> Client:
    return sign_in(Client(), user)


def test_search_by_name_and_by_document(manager, home_org):
    maria = _person(home_org)
    other = _person(home_org, names=[{"name": "Олена Коваленко"}], documents=[], citizenships=["UA"])
    client = _client(manager)

    def found(**params: Any) -> set[int]:
        content = client.get(reverse("people:list"), params).content.decode()
        return {p.pk for p in (maria, other) if reverse("people:detail", kwargs={"pk": p.pk}) in content}

    assert found() == {maria.pk, other.pk}
    assert found(name="souza maria aparecida") == {maria.pk}
    assert found(name="Olena Kovalenko") == {other.pk}  # the Latin form finds a Cyrillic name
    assert found(name="Olena") == {other.pk}  # a word of the name
    assert found(name="kov") == {other.pk}  # the beginning of a word
    assert found(name="Olenka") == set()  # neither a word nor a beginning of one
    assert found(document="mg 12345678") == {maria.pk}
    assert found(citizenship="UA") == {other.pk}
    assert found(gender="Feminine", citizenship="BO") == {maria.pk}


def test_a_stale_edit_answers_409_and_overwrites_nothing(manager, home_org):
    person = _person(home_org)
    url = reverse("people:edit", kwargs={"pk": person.pk})
    stale = _edit_payload(person, gender="Masculine")
    assert _client(manager).post(url, _edit_payload(person, education="PrimaryEducation")).status_code == 302
    response = _client(manager).post(url, stale)
    assert response.status_code == 409
    assert "Someone else changed" in response.content.decode() and "Nothing was saved" in response.content.decode()
    person.refresh_from_db()
    assert (person.gender, person.version) == ("Feminine", 2)


def test_an_unknown_code_in_the_edit_changes_nothing(manager, home_org):
    person = _person(home_org)
    response = _client(manager).post(
        reverse("people:edit", kwargs={"pk": person.pk}), _edit_payload(person, citizenships=["BR", "ZZ"])
    )
    assert response.status_code == 400
    assert "Unknown country code" in " ".join(response.context["form"].errors["citizenships"])
    person.refresh_from_db()
    assert (person.citizenships, person.version) == (["BR", "BO"], 1)


def test_reveal_needs_a_reason_and_is_audited(manager, home_org):
    person = _person(home_org)
    url = reverse("people:reveal", kwargs={"pk": person.pk})
    client = _client(manager)
    refused = client.post(url, {"reason": "why"})
    assert refused.status_code == 400 and NAME not in refused.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()

    partial = client.post(url, {"reason": REASON}, headers={"HX-Request": "true"})
    content = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in content
    assert NAME in content and "Cida" in content and PHONE in content and DOCUMENT in content
    events = [event for event in AuditEvent.objects.filter(action="reveal") if event.reason == REASON]
    assert len(events) == 5  # the person (birth date), two names, a contact, a document
    assert all(NAME not in str(event.changes) for event in events)
    assert partial["Cache-Control"].startswith("max-age=0")


def test_reveal_partial_for_htmx_asks_for_the_reason(manager, home_org):
    person = _person(home_org)
    response = _client(manager).get(reverse("people:reveal", kwargs={"pk": person.pk}), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content
    assert 'name="reason"' in content and 'hx-post="' + reverse("people:reveal", kwargs={"pk": person.pk}) in content


def test_a_coordinator_sees_the_person_but_cannot_reveal(home_org):
    person = _person(home_org)
    coordinator = make_user(home_org, roles=("national_coordinator",))
    client = _client(coordinator)
    detail = client.get(reverse("people:detail", kwargs={"pk": person.pk}))
    assert (
        detail.status_code == 200 and reverse("people:reveal", kwargs={"pk": person.pk}) not in detail.content.decode()
    )
    assert client.post(reverse("people:reveal", kwargs={"pk": person.pk}), {"reason": REASON}).status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_the_list_does_not_grow_in_queries(manager, home_org, django_assert_max_num_queries):
    client = _client(manager)
    _person(home_org)
    client.get(reverse("people:list"))
    # The menu's badges (unread notifications, field submissions waiting for review) are among these queries.
    with django_assert_max_num_queries(13) as few:
        client.get(reverse("people:list"))
    for _index in range(10):
        _person(home_org)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("people:list")).status_code == 200
