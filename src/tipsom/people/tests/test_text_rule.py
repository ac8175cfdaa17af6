"""The one text rule in the person registry: a name (or contact, or document number) holding a direction
override or another control character is refused with a clear message, by the service and the API, and
nothing changes. (The registration screen is tested in cases/tests/test_text_rule.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import sign_in
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError
from tipsom.people.models import Person, PersonName
from tipsom.people.services import person_create, person_update

pytestmark = pytest.mark.django_db

# "Maria" written with a right-to-left override reads "airaM" on screen but is stored otherwise: a spoof.
SPOOFS = ["Mar\u202eia", "Ma\u2066ria\u2069", "Ma\u202aria", "Mar\x1bia", "Mar\x85ia"]


def _counts() -> tuple[int, int, int]:
    return Person.objects.count(), PersonName.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("name", SPOOFS)
def test_the_service_refuses_a_spoofed_name_and_registers_nobody(home_org: Any, name: str) -> None:
    before = _counts()
    with pytest.raises(ApplicationError) as raised:
        person_create(actor=None, organization=home_org, names=[{"name": name}])
    assert raised.value.code == "invalid"
    assert "control characters" in raised.value.extra["fields"]["names.0.name"]
    assert _counts() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"names": [{"name": "Maria", "name_latin": "Mar\u202eia"}]}, "names.0.name_latin"),
        ({"contacts": [{"kind": "phone", "value": "+55\u202e119"}]}, "contacts.0.value"),
        ({"contacts": [{"kind": "address", "value": "Rua A\n\u2067Bairro"}]}, "contacts.0.value"),
        ({"documents": [{"doc_type": "passport", "number": "AB\u202e123"}]}, "documents.0.number"),
    ],
)
def test_the_service_refuses_spoofed_text_in_every_identity_part(
    case_manager: Any, home_org: Any, person_data: dict[str, Any], data: dict[str, Any], field: str
) -> None:
    person = person_create(actor=None, organization=home_org, **person_data)
    before = _counts()
    with pytest.raises(ApplicationError) as raised:
        person_update(actor=case_manager, person_id=person.pk, version=1, **data)
    assert field in raised.value.extra["fields"]
    assert _counts() == before and Person.objects.get(pk=person.pk).version == 1


def test_an_address_keeps_its_line_breaks(case_manager: Any, home_org: Any, person_data: dict[str, Any]) -> None:
    person = person_create(actor=None, organization=home_org, **person_data)
    person_update(
        actor=case_manager,
        person_id=person.pk,
        version=1,
        contacts=[{"kind": "address", "value": " Rua A, 10 \r\n Bairro Sul "}],
    )
    assert person.contacts.get().value == "Rua A, 10\nBairro Sul"


@pytest.mark.parametrize("name", SPOOFS[:2])
def test_the_api_refuses_a_spoofed_name_and_changes_nothing(
    case_manager: Any, home_org: Any, person_data: dict[str, Any], name: str
) -> None:
    person = person_create(actor=None, organization=home_org, **person_data)
    names = [(row.kind, row.name) for row in person.names.all()]
    before = _counts()
    response = sign_in(Client(), case_manager).patch(
        reverse("api:person-detail", kwargs={"pk": person.pk}),
        json.dumps({"version": 1, "names": [{"name": name}]}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and "control characters" in json.dumps(body["extra"])
    assert _counts() == before
    assert [(row.kind, row.name) for row in Person.objects.get(pk=person.pk).names.all()] == names
