"""Status decisions and case closure, each with a supervisor's approval where the country requires it, and the
steps of the child track that a child's case must complete before it closes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.cases.models import (
    ACTUAL_VICTIM,
    CLOSED_STATUSES,
    NOT_A_VICTIM,
    STATUS_ACTIVE,
    STATUS_CLOSED,
    STATUS_CLOSED_REFERRED,
    STATUS_FOLLOW_UP,
    Case,
    ChildProtection,
    ClosureReason,
    ClosureRequest,
    StatusDecision,
)
from tipsom.cases.services.case import STALE, access_case, approval_required, case_touch, require_open
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, Conflict, NotFound


@transaction.atomic
def case_decide_status(
    *,
    actor: User,
    case_id: Any,
    version: int | None = None,
    status: str,
    decided_on: Any,
    deciding_organization_type: str,
    basis: str = "",
) -> StatusDecision:
    """Record a status decision (Possible, Actual or Not a victim). Where the country asks for it, an
    "Actual victim" decision waits for a supervisor before it becomes the case's status."""
    case = access_case(actor, case_id)
    check.check_version(case, version, _(STALE))
    require_open(case)
    errors = check.Errors()
    status = check.code(errors, "status", "vic_TraffickingStatus", status)
    decided = check.a_date(
        errors,
        "decided_on",
        decided_on,
        not_before=case.identified_on,
        not_before_message=_("A decision cannot be dated before the identification."),
    )
    org_type = check.code(
        errors, "deciding_organization_type", "vic_TraffickingStatusDecisionMakingOrg", deciding_organization_type
    )
    basis = check.text(errors, "basis", basis, required=status in (ACTUAL_VICTIM, NOT_A_VICTIM))
    errors.raise_if_any()
    assert decided is not None  # refused above otherwise
    if case.decisions.filter(approval=StatusDecision.Approval.PENDING).exists():
        raise Conflict(_("A status decision on this case is waiting for approval. Approve or reject it first."))
    pending = status == ACTUAL_VICTIM and approval_required("actual_victim")
    decision = StatusDecision.objects.create(
        case=case,
        created_by=actor,
        status=status,
        decided_on=decided,
        deciding_organization_type=org_type,
        basis=basis,
        approval=StatusDecision.Approval.PENDING if pending else StatusDecision.Approval.NOT_NEEDED,
    )
    if not pending:
        case.trafficking_status = status
    case.version += 1
    case.save()
    audit_record(
        actor=actor,
        action="case.status_decision",
        target=case,
        organization=case.owner_organization_id,
        changes={
            "status": status,
            "decided_on": decided.isoformat(),
            "deciding_organization_type": org_type,
            "approval": decision.approval,
            "basis": "[identifying]" if basis else "",
        },
    )
    return decision


def _supervisor_case(actor: User, case_id: int) -> Case:
    return access_case(actor, case_id, "approve")


def _check_approve(approve: Any) -> None:
    if not isinstance(approve, bool):
        message = _("Say whether you approve or reject.")
        raise ApplicationError("invalid", message, {"fields": {"approve": message}})


def _check_not_own(actor: User | None, record: Any) -> None:
    if actor is not None and record.created_by_id == actor.pk:
        raise ApplicationError(
            "four_eyes", _("A supervisor other than the person who made the request must approve it."), status=409
        )


def _pending_review(
    actor: User,
    model: type[StatusDecision] | type[ClosureRequest],
    record_id: Any,
    approve: Any,
    comment: str,
    not_waiting: str,
) -> tuple[Case, Any, str]:
    """The pending decision or closure a supervisor reviews, read under its case's lock (a second supervisor
    reviewing at the same time sees the first review), with the comment checked (required to reject)."""
    _check_approve(approve)
    case_id = model.objects.filter(pk=check.pk_of(record_id)).values_list("case_id", flat=True).first()
    if case_id is None:
        raise NotFound()
    case = _supervisor_case(actor, case_id)
    record = model.objects.select_for_update().get(pk=check.pk_of(record_id))
    if record.approval != StatusDecision.Approval.PENDING:
        raise Conflict(not_waiting)
    _check_not_own(actor, record)
    errors = check.Errors()
    comment = check.line(errors, "comment", comment, required=not approve)
    errors.raise_if_any()
    return case, record, comment


def _mark_reviewed(record: StatusDecision | ClosureRequest, actor: User, approve: bool, comment: str) -> None:
    record.approval = StatusDecision.Approval.APPROVED if approve else StatusDecision.Approval.REJECTED
    record.approved_by = actor
    record.approved_at = timezone.now()
    record.approval_comment = comment
    record.save()


@transaction.atomic
def decision_review(*, actor: User, decision_id: Any, approve: bool, comment: str = "") -> StatusDecision:
    """A supervisor approves or rejects a pending status decision. Approval makes it the case's status."""
    case, decision, comment = _pending_review(
        actor, StatusDecision, decision_id, approve, comment, _("This decision is not waiting for approval.")
    )
    _mark_reviewed(decision, actor, approve, comment)
    if approve:
        case.trafficking_status = decision.status
    case.version += 1
    case.save()
    audit_record(
        actor=actor,
        action="case.status_decision_review",
        target=case,
        organization=case.owner_organization_id,
        changes={"decision": decision.pk, "status": decision.status, "approval": decision.approval},
    )
    return decision


def child_closure_problems(case: Case, *, for_return: bool = False) -> list[str]:
    """What the child track still lacks before the case may close (or the child return)."""
    if not case.is_child:
        return []
    track = ChildProtection.objects.filter(case=case).first()
    if track is None:
        return [_("The child track has not been started.")]
    if track.age_assessment == ChildProtection.AgeAssessment.ADULT:
        return []
    return list(child_step_problems(track, for_return=for_return).values())


def child_step_problems(track: ChildProtection, *, for_return: bool = False) -> dict[str, str]:
    """{child track field: what it lacks} before closure (or return), for forms to show by the field."""
    problems: dict[str, str] = {}
    if not track.notified_at:
        problems["notified_organization"] = _("The child protection agency has not been notified.")
    if not track.has_guardian:
        problems["guardian_name"] = _("No guardian has been appointed.")
    if track.best_interests != ChildProtection.Assessment.COMPLETED:
        problems["best_interests"] = _("The best-interests assessment is not complete.")
    if not track.tracing_concluded:
        problems["family_tracing"] = _("Family tracing has not concluded.")
    if for_return and track.family_tracing != ChildProtection.Tracing.FAMILY_FOUND:
        found = _("A child returns only to a family that tracing has found.")
        problems["family_tracing"] = f"{problems['family_tracing']} {found}" if "family_tracing" in problems else found
    return problems


def child_steps_error(case: Case, message: str, *, for_return: bool = False) -> ApplicationError | None:
    """The error refusing a child's closure (or return) while the child track is incomplete, or None."""
    problems = child_closure_problems(case, for_return=for_return)
    if not problems:
        return None
    track = ChildProtection.objects.filter(case=case).first()
    fields = child_step_problems(track, for_return=for_return) if track else {"child_protection": problems[0]}
    return ApplicationError(
        "child_steps_incomplete",
        message % {"problems": " ".join(problems)},
        {"problems": problems, "fields": fields},
    )


def _require_child_steps(case: Case) -> None:
    error = child_steps_error(case, _("A child's case cannot close yet: %(problems)s"))
    if error is not None:
        raise error


def _apply_closure(case: Case, request: ClosureRequest) -> None:
    case.status = request.status
    case.closure_reason = request.reason
    case.closed_on = request.closed_on
    case.version += 1
    case.save()


@transaction.atomic
def case_close(
    *,
    actor: User,
    case_id: Any,
    version: int | None = None,
    status: str = STATUS_CLOSED,
    reason: str,
    closed_on: Any,
) -> ClosureRequest:
    """Close a case (Closed, or ClosedReferred when another organization takes over). A child's case needs
    its child track complete. Where the country asks for it, a supervisor approves the closure first."""
    case = access_case(actor, case_id)
    check.check_version(case, version, _(STALE))
    require_open(case)
    errors = check.Errors()
    if status not in (STATUS_CLOSED, STATUS_CLOSED_REFERRED):
        errors["status"] = _("A case closes as Closed or ClosedReferred.")
    reason = check.choice(errors, "reason", ClosureReason, reason)
    closed = check.a_date(
        errors,
        "closed_on",
        closed_on,
        not_before=case.identified_on,
        not_before_message=_("A case cannot close before it was identified."),
    )
    errors.raise_if_any()
    assert closed is not None  # refused above otherwise
    _require_child_steps(case)
    if case.closure_requests.filter(approval=StatusDecision.Approval.PENDING).exists():
        raise Conflict(_("A closure of this case is already waiting for approval."))
    pending = approval_required("closure")
    request = ClosureRequest.objects.create(
        case=case,
        created_by=actor,
        status=status,
        reason=reason,
        closed_on=closed,
        approval=StatusDecision.Approval.PENDING if pending else StatusDecision.Approval.NOT_NEEDED,
    )
    if pending:
        case_touch(case)
    else:
        _apply_closure(case, request)
    audit_record(
        actor=actor,
        action="case.close_request" if pending else "case.close",
        target=case,
        organization=case.owner_organization_id,
        changes={"status": status, "reason": reason, "closed_on": closed.isoformat()},
    )
    return request


@transaction.atomic
def closure_review(*, actor: User, request_id: Any, approve: bool, comment: str = "") -> ClosureRequest:
    """A supervisor approves (the case closes) or rejects a pending closure."""
    case, request, comment = _pending_review(
        actor, ClosureRequest, request_id, approve, comment, _("This closure is not waiting for approval.")
    )
    if approve:
        _require_child_steps(case)
    _mark_reviewed(request, actor, approve, comment)
    if approve:
        _apply_closure(case, request)
    else:
        case_touch(case)
    audit_record(
        actor=actor,
        action="case.close_review",
        target=case,
        organization=case.owner_organization_id,
        changes={"request": request.pk, "approval": request.approval},
    )
    return request


@transaction.atomic
def case_set_status(*, actor: User, case_id: Any, version: int | None = None, status: str) -> Case:
    """Move a case between Active and FollowUp, or reopen a closed one (it becomes Active)."""
    case = access_case(actor, case_id)
    check.check_version(case, version, _(STALE))
    if status not in (STATUS_ACTIVE, STATUS_FOLLOW_UP):
        message = _("Use the closure to close a case.") if status in CLOSED_STATUSES else _("Unknown case status.")
        raise ApplicationError("invalid", message, {"fields": {"status": message}})
    if status == case.status:
        return case
    before = case.status
    reopened = case.is_closed
    case.status = status
    if reopened:
        case.closure_reason = ""
        case.closed_on = None
    case.version += 1
    case.save()
    audit_record(
        actor=actor,
        action="case.reopen" if reopened else "case.status",
        target=case,
        organization=case.owner_organization_id,
        changes={"status": [before, status]},
    )
    return case
