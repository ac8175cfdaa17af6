"""The one text rule in cases: a person's name on the registration screen and API, and a case's free text (a
journal note), holding a direction override or another control character, is refused with a clear message and
nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases import services
from tipsom.cases.models import Case, JournalEntry
from tipsom.core.errors import ApplicationError
from tipsom.people.models import Person

pytestmark = pytest.mark.django_db

SPOOFS = ["Juana \u202eiuqsiuQ", "Juana \u2067Quispe\u2069", "Juana\x1b Quispe"]


def _counts() -> tuple[int, int, int, int]:
    return Case.objects.count(), Person.objects.count(), JournalEntry.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("name", SPOOFS)
def test_the_registration_screen_refuses_a_spoofed_name(identifier: Any, case_data: dict[str, Any], name: str) -> None:
    form = {
        "name": name,
        "gender": "Feminine",
        "citizenships": ["BO"],
        "acts": ["recruitment"],
        "purposes": ["ForcedLabour"],
        **{key: value for key, value in case_data.items() if key != "person"},
    }
    before = _counts()
    response = sign_in(Client(), identifier).post(reverse("cases:register"), form)
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize("name", SPOOFS)
def test_the_api_refuses_a_case_for_a_spoofed_name(identifier: Any, case_data: dict[str, Any], name: str) -> None:
    before = _counts()
    payload = {"person": {"names": [{"name": name}], "citizenships": ["BO"]}, **case_data}
    response = sign_in(Client(), identifier).post(
        reverse("api:case-list"), json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "control characters" in json.dumps(response.json())
    assert _counts() == before


@pytest.mark.parametrize("text", ["Called \u202eLa Paz", "Line one\n\u2066two", "Bell\x07"])
def test_case_text_is_refused_by_the_service_and_the_api(case_manager: Any, child_case: Any, text: str) -> None:
    before = _counts()
    with pytest.raises(ApplicationError) as raised:
        services.journal_add(actor=case_manager, case_id=child_case.pk, text=text)
    assert "control characters" in raised.value.extra["fields"]["text"]
    response = sign_in(Client(), case_manager).post(
        reverse("api:case-journal", kwargs={"pk": child_case.pk}),
        json.dumps({"text": text}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "control characters" in json.dumps(response.json())
    assert _counts() == before


def test_a_note_keeps_its_line_breaks_and_tabs(case_manager: Any, child_case: Any) -> None:
    entry = services.journal_add(actor=case_manager, case_id=child_case.pk, text="First\r\n\tsecond")
    assert entry.text == "First\n\tsecond"
