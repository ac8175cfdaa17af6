"""A reveal reason must be a real reason (audit/reveal.py reveal_reason, the one rule): one table of good and bad
reasons, tried through the service, the person page's reveal (the screen) and the API. A refused reason says why
and reveals and records nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.audit.reveal import reveal_reason
from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization
from tipsom.people.services import person_create

GOOD = [
    "To call her about the hearing",
    "Preparing the referral letter",
    "court order 12",
    "Verificar a identidade por telefone",
    "للاتصال بها بشأن الجلسة",
    "Подготовка к суду",
]
BAD = [
    "",
    "00000",
    "12345 / 678",
    "aaaa",
    "aaaaaaaaaaaaaaaa",
    "asdf",
    "asdfasdfasdf",
    "test",
    "test test test",
    "TEST!!!",
    "qwerty qwerty",
    "abababababab",
    "why not",
    "!!!???...",
    "x" * 3,
]
NAME = "Maria Aparecida Souza"
PERSON: dict[str, Any] = {
    "names": [{"name": NAME}],
    "gender": "Feminine",
    "citizenships": ["BO"],
    "birth_date": "2009-05-14",
    "birth_date_precision": "exact",
}


@pytest.mark.parametrize("reason", GOOD)
def test_a_real_reason_is_kept(reason: str) -> None:
    assert reveal_reason(f"  {reason} ") == reason


@pytest.mark.parametrize("reason", BAD)
def test_a_placeholder_reason_is_refused_with_a_clear_message(reason: str) -> None:
    with pytest.raises(ApplicationError) as raised:
        reveal_reason(reason)
    assert raised.value.code == "reason_required" and raised.value.extra == {"field": "reason"}
    assert "at least 10 letters" in raised.value.message


@pytest.fixture
def manager(db: Any) -> Any:
    return make_user(make_organization("BR"), roles=("case_manager",))


@pytest.fixture
def person(manager: Any) -> Any:
    return person_create(actor=None, organization=manager.organization, **PERSON)


@pytest.mark.parametrize(("reason", "good"), [(r, True) for r in GOOD[:3]] + [(r, False) for r in BAD])
def test_the_screen_reveals_only_with_a_real_reason(manager: Any, person: Any, reason: str, good: bool) -> None:
    client = sign_in(Client(), manager)
    url = reverse("people:reveal", kwargs={"pk": person.pk})
    for htmx in (False, True):
        response = client.post(url, {"reason": reason}, headers={"HX-Request": "true"} if htmx else {})
        content = response.content.decode()
        assert (NAME in content) is good
        if not good:
            assert "at least 10 letters" in content or "This field is required" in content
            assert response.status_code == (200 if htmx else 400)
    assert AuditEvent.objects.filter(action="reveal").exists() is good


@pytest.mark.parametrize(("reason", "good"), [(r, True) for r in GOOD[3:]] + [(r, False) for r in BAD])
def test_the_api_reveals_only_with_a_real_reason(manager: Any, person: Any, reason: str, good: bool) -> None:
    response = sign_in(Client(), manager).post(
        reverse("api:person-reveal", kwargs={"pk": person.pk}), {"reason": reason}, content_type="application/json"
    )
    if good:
        assert response.status_code == 200 and response.json()["names"][0]["name"] == NAME
    else:
        assert response.status_code == 400, response.content
        assert "reason" in response.json()["extra"]["fields"]
        assert NAME not in response.content.decode()
    assert AuditEvent.objects.filter(action="reveal").exists() is good
