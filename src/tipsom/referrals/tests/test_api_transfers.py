"""Transfer API: every endpoint tried as anonymous, unpermitted, other-organization and permitted users; who
answers what; refused answers change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.cases.testing import case_actor, make_case
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.referrals import services
from tipsom.referrals.models import Transfer
from tipsom.referrals.tests.test_api_referrals import client_for, post

REASON = "The person moved to Cuiabá, where this NGO runs the shelter."


def make_transfer(source: Organization, target: Organization) -> Transfer:
    """A transfer of a case of `source` to `target`, asked by the case's case manager (its requested_by)."""
    case = make_case(source)
    transfer = services.transfer_request(
        actor=case_actor(case), case_id=case.pk, to_organization_id=target.pk, reason=REASON
    )
    return transfer


def transfer_url(transfer: Transfer, name: str = "detail") -> str:
    return reverse(f"api:transfer-{name}", kwargs={"pk": transfer.pk})


def snapshot(transfer: Transfer) -> tuple[Any, ...]:
    row = Transfer.objects.get(pk=transfer.pk)
    case = Case.objects.get(pk=row.case_id)
    return row.status, row.version, row.response, case.owner_organization_id, AuditEvent.objects.count()


# --- Access: every endpoint ----------------------------------------------------------------------------------
class AskedAccess(AccessCase):
    """Endpoints of a transfer asked of the home organization."""

    permitted_role = "case_manager"
    method = "post"

    def make_object(self, organization: Organization) -> Transfer:
        return make_transfer(make_organization("BR"), organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class AskingAccess(AskedAccess):
    """Endpoints of a transfer the home organization asked for."""

    def make_object(self, organization: Organization) -> Transfer:
        return make_transfer(organization, make_organization("BR"))


class TestTransferListApi(AccessCase):
    url_name = "api:transfer-list"
    permitted_role = "case_manager"
    model = Transfer

    def make_object(self, organization: Organization) -> None:
        make_transfer(organization, make_organization("BR"))
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        assert len(rows) == 1 and rows[0]["status"] == "requested" and rows[0]["case_number"].startswith("BR-")
        assert "reason" not in rows[0] and REASON not in response.content.decode()


class TestTransferRequestApi(AccessCase):
    url_name = "api:transfer-list"
    method = "post"
    permitted_role = "case_manager"
    permitted_status = 201

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        case._target = make_organization("BR")  # type: ignore[attr-defined]
        return case

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"case": obj.pk, "to_organization": obj._target.pk, "reason": REASON}

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        transfer = Transfer.objects.get(pk=body["id"])
        assert (transfer.case_id, transfer.to_organization_id, transfer.status) == (obj.pk, obj._target.pk, "requested")
        assert body["reason"] == REASON
        event = AuditEvent.objects.filter(action="case.transfer_request").latest("sequence")
        assert (event.object_id, event.channel) == (str(transfer.pk), "api")

    def test_other_organization(self, home_org: Organization) -> None:
        case = self.make_object(home_org)
        user = make_user(make_organization("BR"), roles=(self.permitted_role,))
        response = self.request(self._client_for(user), case)
        assert response.status_code == 404, response.content
        assert not Transfer.objects.exists()


class TestTransferDetailAskingApi(AskingAccess):
    url_name = "api:transfer-detail"
    method = "get"

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["reason"] == REASON and body["from_organization"]["id"] == obj.from_organization_id


class TestTransferDetailAskedApi(AskedAccess):
    url_name = "api:transfer-detail"
    method = "get"

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["reason"] == REASON and body["to_organization"]["id"] == obj.to_organization_id


class TestTransferAcceptApi(AskedAccess):
    url_name = "api:transfer-accept"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["status"] == "accepted"
        case = Case.objects.get(pk=obj.case_id)
        assert case.owner_organization_id == obj.to_organization_id
        assert case.person.owner_organization_id == obj.to_organization_id
        assert AuditEvent.objects.filter(action="case.transfer", object_id=str(obj.pk)).count() == 1


class TestTransferDeclineApi(AskedAccess):
    url_name = "api:transfer-decline"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"response": "We have no caseworker free this month."}

    def check_permitted(self, response: Any, obj: Any) -> None:
        row = Transfer.objects.get(pk=obj.pk)
        assert row.status == "declined" and row.response == "We have no caseworker free this month."
        assert Case.objects.get(pk=obj.case_id).owner_organization_id == obj.from_organization_id


class TestTransferCancelApi(AskingAccess):
    url_name = "api:transfer-cancel"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Transfer.objects.get(pk=obj.pk).status == "cancelled"
        assert response.json()["status"] == "cancelled"


# --- Who answers what; refusals change nothing --------------------------------------------------------------
@pytest.fixture
def transfer(db: Any) -> Transfer:
    return make_transfer(make_organization("BR"), make_organization("BR"))


def test_the_asking_organization_cannot_accept(transfer) -> None:
    before = snapshot(transfer)
    response = post(client_for(transfer.requested_by), transfer_url(transfer, "accept"))
    assert response.status_code == 403 and response.json()["code"] == "not_receiver"
    assert snapshot(transfer) == before


def test_the_asked_organization_cannot_cancel(transfer) -> None:
    before = snapshot(transfer)
    asked = make_user(transfer.to_organization, roles=("case_manager",))
    response = post(client_for(asked), transfer_url(transfer, "cancel"))
    assert response.status_code == 403 and response.json()["code"] == "not_sender"
    assert snapshot(transfer) == before


@pytest.mark.parametrize("payload", [{}, {"response": ""}])
def test_decline_without_a_response_is_refused(transfer, payload) -> None:
    before = snapshot(transfer)
    asked = make_user(transfer.to_organization, roles=("case_manager",))
    response = post(client_for(asked), transfer_url(transfer, "decline"), payload)
    assert response.status_code == 400 and "response" in response.json()["extra"]["fields"]
    assert snapshot(transfer) == before


def test_accept_after_cancel_is_refused(transfer) -> None:
    services.transfer_cancel(actor=transfer.requested_by, transfer_id=transfer.pk)
    before = snapshot(transfer)
    asked = make_user(transfer.to_organization, roles=("case_manager",))
    response = post(client_for(asked), transfer_url(transfer, "accept"))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert snapshot(transfer) == before


def test_a_request_to_an_organization_of_another_country_changes_nothing(db: Any) -> None:
    case = make_case(make_organization("BR"))
    counts = Transfer.objects.count(), AuditEvent.objects.count()
    payload = {"case": case.pk, "to_organization": make_organization("CO").pk, "reason": REASON}
    response = post(client_for(case_actor(case)), reverse("api:transfer-list"), payload)
    assert response.status_code == 400 and "to_organization" in response.json()["extra"]["fields"]
    assert (Transfer.objects.count(), AuditEvent.objects.count()) == counts


def test_the_inbox_and_the_national_view(transfer) -> None:
    asked = client_for(make_user(transfer.to_organization, roles=("case_manager",)))
    assert [r["id"] for r in asked.get(reverse("api:transfer-list"), {"box": "received"}).json()["results"]] == [
        transfer.pk
    ]
    asking = client_for(transfer.requested_by)
    assert asking.get(reverse("api:transfer-list"), {"box": "received"}).json()["results"] == []
    coordinator = client_for(make_user(make_organization("BR"), roles=("national_coordinator",)))
    body = coordinator.get(transfer_url(transfer)).json()
    assert body["id"] == transfer.pk and body["reason"] == ""  # the country's view, not the parties' words
    assert post(coordinator, transfer_url(transfer, "accept")).status_code == 404
