"""The approvals queue opens the decision itself, and its review page is a form in two steps (choose, confirm):
approve and reject, bad input changes nothing, and who may open it (cases.views.approvals)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.cases import services
from tipsom.cases.models import Case, ClosureRequest, StatusDecision
from tipsom.cases.testing import case_actor, make_case
from tipsom.organizations.testing import make_organization

ACTUAL_VICTIM = "ActualVictimOfTrafficking"


def _decision(case: Case) -> StatusDecision:
    return services.case_decide_status(
        actor=case_actor(case),
        case_id=case.pk,
        status=ACTUAL_VICTIM,
        decided_on="2026-10-05",
        deciding_organization_type="NGO",
        basis="Interview",
    )


def _closure(case: Case) -> ClosureRequest:
    return services.case_close(
        actor=case_actor(case), case_id=case.pk, reason="services_completed", closed_on="2026-10-20"
    )


class TestDecisionReviewPage(AccessCase):
    url_name = "cases:decision_review"
    permitted_role = "case_supervisor"
    unpermitted_role = "case_manager"

    def make_object(self, organization: Any) -> Any:
        case = make_case(organization)
        self.decision = _decision(case)
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "decision_id": self.decision.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert obj.case_number in content and 'type="radio"' in content and 'name="step" value="choose"' in content


class TestClosureReviewPage(AccessCase):
    url_name = "cases:closure_review"
    permitted_role = "case_supervisor"
    unpermitted_role = "case_manager"

    def make_object(self, organization: Any) -> Any:
        case = make_case(organization)
        self.request_ = _closure(case)
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "request_id": self.request_.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert obj.case_number.encode() in response.content


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    organization = make_organization("BR")
    case = make_case(organization)
    return {
        "case": case,
        "decision": _decision(case),
        "supervisor": make_user(organization, roles=("case_supervisor",)),
    }


def test_the_queue_links_each_row_to_its_review(world: dict[str, Any]) -> None:
    case, decision = world["case"], world["decision"]
    closing = make_case(case.owner_organization)
    closure = _closure(closing)
    content = sign_in(Client(), world["supervisor"]).get(reverse("cases:approvals")).content.decode()
    decision_url = reverse("cases:decision_review", kwargs={"pk": case.pk, "decision_id": decision.pk})
    closure_url = reverse("cases:closure_review", kwargs={"pk": closing.pk, "request_id": closure.pk})
    assert f'href="{decision_url}"' in content and f'href="{closure_url}"' in content
    assert "0 days" in content


def _post(client: Client, world: dict[str, Any], **data: str) -> Any:
    url = reverse("cases:decision_review", kwargs={"pk": world["case"].pk, "decision_id": world["decision"].pk})
    return client.post(url, data)


@pytest.mark.parametrize("answer", ["approve", "reject"])
def test_review_in_two_steps_approve_and_reject(world: dict[str, Any], answer: str) -> None:
    client = sign_in(Client(), world["supervisor"])
    comment = "The interview notes are missing." if answer == "reject" else ""
    first = _post(client, world, step="choose", decision=answer, comment=comment)
    assert first.status_code == 200
    content = first.content.decode()
    assert 'name="step" value="confirm"' in content and "Confirm your review" in content
    world["decision"].refresh_from_db()
    assert world["decision"].approval == StatusDecision.Approval.PENDING  # nothing saved yet

    back = _post(client, world, step="confirm", decision=answer, comment=comment, back="1")
    assert back.status_code == 200 and 'name="step" value="choose"' in back.content.decode()
    world["decision"].refresh_from_db()
    assert world["decision"].approval == StatusDecision.Approval.PENDING

    done = _post(client, world, step="confirm", decision=answer, comment=comment, confirm="1")
    assert done.status_code == 302 and done["Location"] == reverse("cases:approvals")
    world["decision"].refresh_from_db()
    expected = StatusDecision.Approval.APPROVED if answer == "approve" else StatusDecision.Approval.REJECTED
    assert world["decision"].approval == expected
    world["case"].refresh_from_db()
    assert (world["case"].trafficking_status == ACTUAL_VICTIM) is (answer == "approve")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose approve or reject."),
        ({"decision": "maybe"}, "Select a valid choice"),
        ({"decision": "reject", "comment": "   "}, "Say why you reject it"),
        ({"decision": "reject"}, "Say why you reject it"),
        ({"decision": "approve", "comment": "x" * 301}, "at most 300 characters"),
    ],
)
@pytest.mark.parametrize("step", ["choose", "confirm"])
def test_bad_input_changes_nothing_and_says_why(
    world: dict[str, Any], data: dict[str, str], message: str, step: str
) -> None:
    client = sign_in(Client(), world["supervisor"])
    response = _post(client, world, step=step, **data)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content and "error-summary" in content
    assert 'name="step" value="choose"' in content  # a refused answer is asked again, never confirmed at once
    world["decision"].refresh_from_db()
    assert world["decision"].approval == StatusDecision.Approval.PENDING


def test_one_cannot_review_ones_own_request_nor_one_already_reviewed(world: dict[str, Any]) -> None:
    case = world["case"]
    own = make_user(case.owner_organization, roles=("case_supervisor", "case_manager"))
    mine = make_case(case.owner_organization, actor=own)
    decision = _decision(mine)
    url = reverse("cases:decision_review", kwargs={"pk": mine.pk, "decision_id": decision.pk})
    client = sign_in(Client(), own)
    assert "another supervisor must review it" in client.get(url).content.decode()
    refused = client.post(url, {"step": "confirm", "decision": "approve", "confirm": "1"})
    assert refused.status_code == 409
    decision.refresh_from_db()
    assert decision.approval == StatusDecision.Approval.PENDING

    supervisor = sign_in(Client(), world["supervisor"])
    assert _post(supervisor, world, step="confirm", decision="approve").status_code == 302
    again = _post(supervisor, world, step="confirm", decision="reject", comment="Changed my mind.")
    assert again.status_code == 409 and "not waiting for approval any more" in again.content.decode()
    world["decision"].refresh_from_db()
    assert world["decision"].approval == StatusDecision.Approval.APPROVED


def test_a_decision_of_another_case_is_404(world: dict[str, Any]) -> None:
    other = make_case(world["case"].owner_organization)
    url = reverse("cases:decision_review", kwargs={"pk": other.pk, "decision_id": world["decision"].pk})
    assert sign_in(Client(), world["supervisor"]).get(url).status_code == 404


def test_the_case_page_buttons_still_review_at_once(world: dict[str, Any]) -> None:
    """The compact form on the case page posts without `step`: answered as before (cases.views.case_actions)."""
    response = _post(sign_in(Client(), world["supervisor"]), world, decision="approve", comment="")
    assert response.status_code == 302 and response["Location"].startswith(f"/cases/{world['case'].pk}/")
    world["decision"].refresh_from_db()
    assert world["decision"].approval == StatusDecision.Approval.APPROVED
