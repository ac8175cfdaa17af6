"""A supervisor's approval or rejection comment is free text about a victim: stored encrypted (the raw scan in
tests/test_raw_scan.py proves it is not in the database file) and shown like the decision's basis: in clear
to the case's team, masked for everyone else (the national coordinator), on the case page and in the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.cases import services
from tipsom.cases.models import ACTUAL_VICTIM, ClosureRequest, StatusDecision
from tipsom.core.masking import MASK_CHAR

pytestmark = pytest.mark.django_db

DECISION_COMMENT = "Confirmed with the neighbour Eudoxiana"
CLOSURE_COMMENT = "Wait: aunt Filomena still to be heard"


@pytest.fixture
def reviewed(case_manager: Any, supervisor: Any, home_org: Any, case_data: dict[str, Any]) -> Any:
    person = {"names": [{"name": "Maria Flores Condori"}], "citizenships": ["BO"]}
    case = services.case_register(actor=case_manager, organization=home_org, person=person, **case_data)
    decision = services.case_decide_status(
        actor=case_manager,
        case_id=case.pk,
        status=ACTUAL_VICTIM,
        decided_on="2026-10-03",
        deciding_organization_type="NGO",
        basis="Statement taken at the shelter.",
    )
    services.decision_review(actor=supervisor, decision_id=decision.pk, approve=True, comment=DECISION_COMMENT)
    closure = services.case_close(
        actor=case_manager, case_id=case.pk, reason="services_completed", closed_on="2026-10-20"
    )
    services.closure_review(actor=supervisor, request_id=closure.pk, approve=False, comment=CLOSURE_COMMENT)
    return case


def _stored(table: str, pk: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT approval_comment FROM {table} WHERE id = %s", [pk])  # noqa: S608 (fixed names)
        return cursor.fetchone()[0]


def test_the_comments_are_encrypted_at_rest(reviewed: Any) -> None:
    decision = StatusDecision.objects.get(case=reviewed, status=ACTUAL_VICTIM)
    closure = ClosureRequest.objects.get(case=reviewed)
    assert decision.approval_comment == DECISION_COMMENT and closure.approval_comment == CLOSURE_COMMENT
    for table, pk, comment in (
        ("cases_statusdecision", decision.pk, DECISION_COMMENT),
        ("cases_closurerequest", closure.pk, CLOSURE_COMMENT),
    ):
        stored = _stored(table, pk)
        assert stored.startswith("enc1:") and comment not in stored and "Eudoxiana" not in stored


def test_the_team_reads_the_comments_and_the_coordinator_sees_them_masked(reviewed: Any, case_manager: Any) -> None:
    coordinator = make_user(case_manager.organization, roles=("national_coordinator",))
    pages = {
        "identification": DECISION_COMMENT,
        "overview": CLOSURE_COMMENT,
    }
    for tab, comment in pages.items():
        url = reverse("cases:tab", kwargs={"pk": reviewed.pk, "tab": tab})
        assert comment in sign_in(Client(), case_manager).get(url).content.decode()
        shown = sign_in(Client(), coordinator).get(url)
        assert shown.status_code == 200
        assert comment not in shown.content.decode() and MASK_CHAR in shown.content.decode()


def test_the_api_masks_the_comment_like_the_basis(reviewed: Any, case_manager: Any) -> None:
    coordinator = make_user(case_manager.organization, roles=("national_coordinator",))
    response = sign_in(Client(), coordinator).get(reverse("api:case-decisions", kwargs={"pk": reviewed.pk}))
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [row["approval_comment"] for row in rows if row["status"] == ACTUAL_VICTIM] == [MASK_CHAR * 6]
    assert DECISION_COMMENT not in json.dumps(body)
