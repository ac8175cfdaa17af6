"""Transfers of case ownership: request, accept (the case and its person move), decline, cancel."""

from __future__ import annotations

from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.cases.services import case_close, case_register
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person
from tipsom.referrals.models import Referral, Transfer
from tipsom.referrals.selectors.referral import (
    access_referral_by_id,
    access_transfer_by_id,
    case_owner_history,
    case_transfers,
    transfer_inbox,
)
from tipsom.referrals.services import (
    referral_accept,
    referral_decline,
    referral_revoke,
    transfer_accept,
    transfer_cancel,
    transfer_decline,
    transfer_request,
)
from tipsom.referrals.tests.factories import (
    World,
    audit_actions,
    case_fields,
    make_service,
    make_world,
    notified,
    send,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


def refused(call: Any, code: str, status: int) -> ApplicationError:
    before = snapshot()
    with pytest.raises(ApplicationError) as caught:
        call()
    assert (caught.value.code, caught.value.status_code) == (code, status), caught.value.message
    assert snapshot() == before
    return caught.value


def request(world: World, **fields: Any) -> Transfer:
    fields.setdefault("to_organization_id", world.provider.pk)
    fields.setdefault("reason", "She moved to their city")
    return transfer_request(actor=fields.pop("actor", world.manager), case_id=world.case.pk, **fields)


def test_request_records_audits_and_tells_the_receiver(world: World) -> None:
    transfer = request(world)
    assert transfer.status == Transfer.Status.REQUESTED
    assert (transfer.from_organization_id, transfer.to_organization_id) == (world.home.pk, world.provider.pk)
    assert transfer.country == "BR" and transfer.requested_by == world.manager
    assert audit_actions(transfer) == ["case.transfer_request"]
    event = AuditEvent.objects.get(action="case.transfer_request")
    assert event.changes == {"case": world.case.pk, "from": world.home.pk, "to": world.provider.pk}
    [note] = notified(world.receiver, "transfer_requested")
    assert note.params["case_number"] == world.case.case_number and "moved" not in str(note.params)
    assert not notified(world.manager)
    assert list(transfer_inbox(user=world.receiver)) == [transfer]
    assert list(transfer_inbox(user=world.manager)) == []


@pytest.mark.parametrize("target", ["other_country", "own", "inactive", "missing", "garbage"])
def test_request_to_another_active_organization_of_the_country_only(world: World, target: str) -> None:
    organization_id: Any = {
        "other_country": lambda: make_organization("AR").pk,
        "own": lambda: world.home.pk,
        "inactive": lambda: make_organization("BR", is_active=False).pk,
        "missing": lambda: 999999,
        "garbage": lambda: "x",
    }[target]()
    error = refused(lambda: request(world, to_organization_id=organization_id), "invalid", 400)
    assert "to_organization" in error.extra["fields"]


def test_request_needs_a_reason(world: World) -> None:
    error = refused(lambda: request(world, reason=" "), "invalid", 400)
    assert "reason" in error.extra["fields"]


def test_pending_transfer_blocks_a_second(world: World) -> None:
    first = request(world)
    error = refused(lambda: request(world, to_organization_id=make_organization("BR").pk), "conflict", 409)
    assert error.extra == {"code": "transfer_pending"}
    transfer_cancel(actor=world.manager, transfer_id=first.pk)
    assert request(world).pk != first.pk


def test_person_with_another_case_at_the_owner_is_refused(world: World) -> None:
    case_register(actor=world.identifier, organization=world.home, person_id=world.case.person_id, **case_fields())
    refused(lambda: request(world), "person_has_other_cases", 409)


def test_accept_is_refused_when_the_person_got_another_case_meanwhile(world: World) -> None:
    transfer = request(world)
    case_register(actor=world.identifier, organization=world.home, person_id=world.case.person_id, **case_fields())
    refused(lambda: transfer_accept(actor=world.receiver, transfer_id=transfer.pk), "person_has_other_cases", 409)
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.REQUESTED


def test_a_decision_waiting_for_a_supervisor_is_settled_first(world: World) -> None:
    from tipsom.cases.services import case_decide_status, decision_review

    transfer = request(world)
    decision = case_decide_status(
        actor=world.manager,
        case_id=world.case.pk,
        status="ActualVictimOfTrafficking",
        decided_on=world.case.identified_on,
        deciding_organization_type="NGO",
        basis="Interview and documents",
    )
    refused(lambda: transfer_accept(actor=world.receiver, transfer_id=transfer.pk), "approval_pending", 409)
    transfer_cancel(actor=world.manager, transfer_id=transfer.pk)
    refused(lambda: request(world), "approval_pending", 409)
    decision_review(actor=world.supervisor, decision_id=decision.pk, approve=True)
    assert request(world).status == Transfer.Status.REQUESTED


def test_the_old_owners_open_tasks_wait_for_the_new_owner(world: World) -> None:
    from tipsom.cases.models import Task
    from tipsom.cases.services import task_add, task_complete

    mine = task_add(
        actor=world.manager,
        case_id=world.case.pk,
        title="Call back",
        due_on="2030-01-01",
        assigned_to_id=world.manager.pk,
    )
    done = task_add(
        actor=world.manager, case_id=world.case.pk, title="Intake", due_on="2030-01-01", assigned_to_id=world.manager.pk
    )
    task_complete(actor=world.manager, task_id=done.pk)
    transfer = transfer_accept(actor=world.receiver, transfer_id=request(world).pk)
    assert Task.objects.get(pk=mine.pk).assigned_to_id is None
    assert Task.objects.get(pk=done.pk).assigned_to_id == world.manager.pk  # the record of who did it stays
    event = AuditEvent.objects.get(action="case.transfer", object_id=str(transfer.pk))
    assert event.changes["tasks_unassigned"] == 1


def test_closed_case_is_refused(world: World, settings: Any) -> None:
    settings.TIPSOM_CASE_APPROVALS = []
    case_close(actor=world.manager, case_id=world.case.pk, reason="referred", closed_on=world.case.identified_on)
    refused(lambda: request(world), "case_closed", 409)


def test_only_the_owner_requests(world: World) -> None:
    from tipsom.cases.models import CaseOrganization

    agency = make_organization("BR", functions=["child_protection"])
    CaseOrganization.objects.create(case=world.case, organization=agency, reason="child_protection")
    officer = make_user(agency, roles=("child_protection_officer",))
    assert Case.objects.restrict(officer, "change").filter(pk=world.case.pk).exists()
    refused(lambda: request(world, actor=officer), "not_owner", 403)


def test_outsiders_cannot_request(world: World) -> None:
    for actor in (world.receiver, make_user(world.home, roles=("me_officer",))):
        refused(lambda actor=actor: request(world, actor=actor), "not_found", 404)


def test_accept_moves_case_and_person(world: World) -> None:
    world.case.team.add(world.manager)
    transfer = request(world)
    transfer = transfer_accept(actor=world.receiver, transfer_id=transfer.pk)
    assert transfer.status == Transfer.Status.ACCEPTED and transfer.responded_by == world.receiver
    assert transfer.responded_at is not None
    case = Case.objects.get(pk=world.case.pk)
    assert (case.owner_organization_id, case.case_owner_id) == (world.provider.pk, world.receiver.pk)
    assert case.version == world.case.version + 1
    assert list(case.team.all()) == []
    assert Person.objects.get(pk=case.person_id).owner_organization_id == world.provider.pk
    # The old owner's staff no longer see the case; the new owner's do.
    for user in (world.manager, world.supervisor, world.identifier):
        assert not Case.objects.restrict(user, "view").filter(pk=case.pk).exists()
    assert Case.objects.restrict(world.provider_supervisor, "change").filter(pk=case.pk).exists()
    assert [entry["organization"] for entry in case_owner_history(case)] == [world.home, world.provider]
    assert audit_actions(transfer) == ["case.transfer_request", "case.transfer"]
    assert notified(world.manager, "transfer_accepted")
    # The requester still sees the transfer itself (its history), not the case.
    assert access_transfer_by_id(world.manager, transfer.pk).pk == transfer.pk
    assert list(case_transfers(case)) == [transfer]


def test_open_referrals_go_with_the_case(world: World) -> None:
    shelter = send(world)
    closed = send(world, service_id=make_service(world.provider, "medical").pk)
    referral_decline(actor=world.receiver, referral_id=closed.pk, reason="No doctor this week")
    third = make_organization("BR")
    taker = make_user(third, roles=("case_manager",))
    transfer_accept(actor=taker, transfer_id=request(world, to_organization_id=third.pk).pk)
    shelter.refresh_from_db()
    assert (shelter.from_organization_id, shelter.version) == (third.pk, 2)
    assert Referral.objects.get(pk=closed.pk).from_organization_id == world.home.pk  # history stays
    assert AuditEvent.objects.get(action="case.transfer").changes["referrals"] == 1
    # The old owner no longer sees the open referral; the new owner follows it and hears its answer.
    with pytest.raises(NotFound):
        access_referral_by_id(world.manager, shelter.pk)
    refused(lambda: referral_revoke(actor=world.manager, referral_id=shelter.pk, reason="Not ours"), "not_found", 404)
    referral_accept(actor=world.receiver, referral_id=shelter.pk)
    assert notified(taker, "referral_accepted") and not notified(world.manager, "referral_accepted")
    assert referral_revoke(actor=taker, referral_id=shelter.pk, reason="She left").state == "revoked"


def test_history_follows_each_move(world: World) -> None:
    assert [entry["organization"] for entry in case_owner_history(world.case)] == [world.home]
    transfer_accept(actor=world.receiver, transfer_id=request(world).pk)
    third = make_organization("BR")
    back = transfer_request(
        actor=world.receiver, case_id=world.case.pk, to_organization_id=third.pk, reason="Closer to her family"
    )
    transfer_accept(actor=make_user(third, roles=("case_manager",)), transfer_id=back.pk)
    case = Case.objects.get(pk=world.case.pk)
    assert [entry["organization"] for entry in case_owner_history(case)] == [world.home, world.provider, third]


def test_partner_on_the_case_keeps_its_place_unless_it_takes_over(world: World) -> None:
    from tipsom.cases.models import CaseOrganization

    partner = make_organization("BR")
    CaseOrganization.objects.create(case=world.case, organization=partner, reason="partner")
    CaseOrganization.objects.create(case=world.case, organization=world.provider, reason="partner")
    transfer_accept(actor=world.receiver, transfer_id=request(world).pk)
    assert list(CaseOrganization.objects.filter(case=world.case).values_list("organization_id", flat=True)) == [
        partner.pk
    ]


def test_decline_needs_a_response(world: World) -> None:
    transfer = request(world)
    error = refused(
        lambda: transfer_decline(actor=world.receiver, transfer_id=transfer.pk, response=""), "invalid", 400
    )
    assert "response" in error.extra["fields"]
    transfer = transfer_decline(actor=world.receiver, transfer_id=transfer.pk, response="We are full")
    assert transfer.status == Transfer.Status.DECLINED and transfer.response == "We are full"
    assert Case.objects.get(pk=world.case.pk).owner_organization_id == world.home.pk
    assert notified(world.manager, "transfer_declined")
    assert "full" not in str(AuditEvent.objects.get(action="case.transfer_decline").changes)


def test_only_the_receiver_answers_and_only_the_sender_cancels(world: World) -> None:
    transfer = request(world)
    refused(lambda: transfer_accept(actor=world.manager, transfer_id=transfer.pk), "not_receiver", 403)
    refused(
        lambda: transfer_decline(actor=world.supervisor, transfer_id=transfer.pk, response="No"), "not_receiver", 403
    )
    refused(lambda: transfer_cancel(actor=world.receiver, transfer_id=transfer.pk), "not_sender", 403)
    stranger = make_user(make_organization("BR"), roles=("case_manager",))
    refused(lambda: transfer_accept(actor=stranger, transfer_id=transfer.pk), "not_found", 404)
    with pytest.raises(NotFound):
        access_transfer_by_id(stranger, transfer.pk)
    transfer = transfer_cancel(actor=world.supervisor, transfer_id=transfer.pk)
    assert transfer.status == Transfer.Status.CANCELLED
    assert notified(world.receiver, "transfer_cancelled")
    assert audit_actions(transfer) == ["case.transfer_request", "case.transfer_cancel"]


@pytest.mark.parametrize("first", ["accept", "decline", "cancel"])
@pytest.mark.parametrize("second", ["accept", "decline", "cancel"])
def test_answering_twice_is_refused(world: World, first: str, second: str) -> None:
    transfer = request(world)
    calls = {
        "accept": lambda: transfer_accept(actor=world.receiver, transfer_id=transfer.pk),
        "decline": lambda: transfer_decline(actor=world.receiver, transfer_id=transfer.pk, response="No room"),
        "cancel": lambda: transfer_cancel(actor=world.manager, transfer_id=transfer.pk),
    }
    calls[first]()
    refused(calls[second], "invalid_transition", 409)
