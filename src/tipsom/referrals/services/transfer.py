"""Transfers of case ownership: requested by the owner, accepted or declined by the receiving organization.

On acceptance the case (and its person) move to the new organization, which names itself the case owner; the
old owner no longer sees the case. The transfers are the history of owners."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.cases.models import Case, CaseOrganization, ClosureRequest, StatusDecision, Task
from tipsom.cases.services.case import access_case, require_open
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.permissions import access_by_id, user_can
from tipsom.organizations.models import Organization
from tipsom.referrals.models import OPEN_STATES, Referral, Transfer

STALE = gettext_noop("Someone else answered this transfer after you opened it. Reload it.")  # translated where raised


def _notify(transfer: Transfer, organization_id: int, kind: str) -> None:
    from tipsom.notifications.services import notify_organization

    other = transfer.to_organization if organization_id == transfer.from_organization_id else transfer.from_organization
    notify_organization(
        organization_id=organization_id,
        kind=kind,
        params={"case_number": transfer.case.case_number, "organization": other.name, "transfer": transfer.pk},
        link=reverse("referrals:transfer_detail", kwargs={"pk": transfer.pk}),
        action="change",
        model=Transfer,
    )


def _audit(actor: User, action: str, transfer: Transfer, **changes: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=transfer,
        organization=transfer.from_organization_id,
        changes={
            "case": transfer.case_id,
            "from": transfer.from_organization_id,
            "to": transfer.to_organization_id,
            **changes,
        },
    )


def _require_no_other_cases(case: Case) -> None:
    """A case moves with its person: refused while the person has another case with the same owner."""
    others = Case.objects.filter(person_id=case.person_id, owner_organization_id=case.owner_organization_id)
    if others.exclude(pk=case.pk).exists():
        raise ApplicationError(
            "person_has_other_cases",
            _(
                "This person has other cases with your organization; a case moves with its person, so transfer "
                "those cases first or instead."
            ),
            status=409,
        )


def _require_no_pending_approval(case: Case) -> None:
    """A status decision or closure waiting for the owner's supervisor is settled before the case moves: the new
    owner's supervisors could not review a request they did not see made."""
    pending = StatusDecision.Approval.PENDING
    if (
        StatusDecision.objects.filter(case=case, approval=pending).exists()
        or ClosureRequest.objects.filter(case=case, approval=pending).exists()
    ):
        raise ApplicationError(
            "approval_pending",
            _(
                "A status decision or closure of this case waits for a supervisor; have it reviewed before the case "
                "is transferred."
            ),
            status=409,
        )


@transaction.atomic
def transfer_request(*, actor: User, case_id: Any, to_organization_id: Any, reason: str) -> Transfer:
    """Ask another organization of the country to take over the case."""
    case = access_case(actor, case_id)
    if not user_can(actor, "add", Transfer):
        raise NotFound()
    require_open(case)
    if actor.organization_id != case.owner_organization_id:
        # An organization on the case's team works on it but does not give it away.
        raise ApplicationError(
            "not_owner", _("Only the organization that owns the case asks to transfer it."), status=403
        )
    errors = check.Errors()
    target = Organization.objects.filter(
        pk=check.pk_of(to_organization_id), country=case.country, is_active=True
    ).first()
    if target is None:
        errors["to_organization"] = _("Choose an active organization of this country.")
    elif target.pk == case.owner_organization_id:
        errors["to_organization"] = _("The case already belongs to this organization.")
    reason = check.text(errors, "reason", reason, required=True, max_length=1000)
    errors.raise_if_any()
    assert target is not None  # refused above otherwise
    if Transfer.objects.filter(case=case, status=Transfer.Status.REQUESTED).exists():
        raise Conflict(_("A transfer of this case is already waiting for an answer."), {"code": "transfer_pending"})
    _require_no_other_cases(case)
    _require_no_pending_approval(case)
    transfer = Transfer.objects.create(
        case=case,
        from_organization_id=case.owner_organization_id,
        to_organization=target,
        country=case.country,
        reason=reason,
        requested_by=actor,
    )
    _audit(actor, "case.transfer_request", transfer)
    _notify(transfer, target.pk, "transfer_requested")
    return transfer


def _transfer(actor: User, transfer_id: Any) -> Transfer:
    queryset = Transfer.objects.select_related("case", "from_organization", "to_organization")
    return access_by_id(Transfer, actor, transfer_id, "change", queryset=queryset)


def _answer(transfer: Transfer, status: str, actor: User, **fields: Any) -> None:
    if transfer.status != Transfer.Status.REQUESTED:
        raise ApplicationError(
            "invalid_transition",
            _("This transfer is already %(status)s; nothing was changed.")
            % {"status": transfer.get_status_display().lower()},
            status=409,
        )
    updated = Transfer.objects.filter(pk=transfer.pk, status=Transfer.Status.REQUESTED).update(
        status=status, responded_by=actor, responded_at=timezone.now(), version=F("version") + 1, **fields
    )
    if not updated:
        raise Conflict(_(STALE))
    transfer.refresh_from_db()


def _require_receiver(actor: User, transfer: Transfer) -> None:
    if actor.organization_id != transfer.to_organization_id:
        raise ApplicationError(
            "not_receiver", _("Only the organization asked to take the case answers the transfer."), status=403
        )


@transaction.atomic
def transfer_accept(*, actor: User, transfer_id: Any) -> Transfer:
    transfer = _transfer(actor, transfer_id)
    _require_receiver(actor, transfer)
    _answer(transfer, Transfer.Status.ACCEPTED, actor)
    case = Case.objects.select_for_update(of=("self",)).get(pk=transfer.case_id)
    if case.owner_organization_id != transfer.from_organization_id:
        raise Conflict(_("The case changed hands since this transfer was asked for; nothing was changed."))
    # Another case of the person may have been registered with the owner, or a decision asked for, since.
    _require_no_other_cases(case)
    _require_no_pending_approval(case)
    Case.objects.filter(pk=case.pk).update(
        owner_organization_id=transfer.to_organization_id,
        case_owner=actor,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    # The open referrals the old owner sent go with the case: the new owner follows (and may revoke) them and
    # hears their answers, and the old owner, who no longer sees the case, stops seeing their records.
    handed_over = Referral.objects.filter(
        case=case, from_organization_id=transfer.from_organization_id, state__in=OPEN_STATES
    ).update(from_organization_id=transfer.to_organization_id, version=F("version") + 1)
    # The old owner's staff no longer see the case: their open tasks on it wait for the new owner to assign.
    unassigned = Task.objects.filter(
        case=case, done_at__isnull=True, assigned_to__organization_id=transfer.from_organization_id
    ).update(assigned_to=None)
    case.team.clear()
    CaseOrganization.objects.filter(case=case, organization_id=transfer.to_organization_id).delete()
    person = case.person
    if person.owner_organization_id == transfer.from_organization_id:
        type(person).objects.filter(pk=person.pk).update(
            owner_organization_id=transfer.to_organization_id, version=F("version") + 1
        )
    _audit(actor, "case.transfer", transfer, referrals=handed_over, tasks_unassigned=unassigned)
    _notify(transfer, transfer.from_organization_id, "transfer_accepted")
    return transfer


@transaction.atomic
def transfer_decline(*, actor: User, transfer_id: Any, response: str) -> Transfer:
    transfer = _transfer(actor, transfer_id)
    _require_receiver(actor, transfer)
    errors = check.Errors()
    response = check.text(errors, "response", response, required=True, max_length=1000)
    errors.raise_if_any()
    _answer(transfer, Transfer.Status.DECLINED, actor, response=response)
    _audit(actor, "case.transfer_decline", transfer)
    _notify(transfer, transfer.from_organization_id, "transfer_declined")
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: User, transfer_id: Any) -> Transfer:
    transfer = _transfer(actor, transfer_id)
    if actor.organization_id != transfer.from_organization_id:
        raise ApplicationError(
            "not_sender", _("Only the organization that asked for the transfer cancels it."), status=403
        )
    _answer(transfer, Transfer.Status.CANCELLED, actor)
    _audit(actor, "case.transfer_cancel", transfer)
    _notify(transfer, transfer.to_organization_id, "transfer_cancelled")
    return transfer
