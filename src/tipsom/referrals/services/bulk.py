"""Many referrals written at once, with where each got to: for loading referrals kept elsewhere (a legacy register,
the synthetic referrals of `tipsom demo`). Each is checked as referral_send checks it, the rows are written with
bulk inserts and one summary audit event is recorded (the one-by-one services take about 15 ms a call). A
completed referral's service delivered goes on the case through cases' own bulk service. No permission check:
for commands run by an operator on the server, never for a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.cases.models import Case
from tipsom.cases.services import CaseWorkImport, case_work_bulk_add, consent_require
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError
from tipsom.referrals.models import OPEN_STATES, SUPPORT_TYPE, Referral, Service, ServiceType, State, Urgency
from tipsom.referrals.sections import normalise_sections
from tipsom.referrals.services.directory import response_hours
from tipsom.referrals.services.referral import OVERRIDE_MIN, referral_warnings


@dataclass(frozen=True)
class ReferralImport:
    """One referral of a case to a service on tipsom, sent by `created_by` at `sent_at`, and where it got to:
    `state` with the times and people of each step (None where the step did not happen). A completed referral
    gives its `outcome`; `delivered_by` records the service delivered on the case (the receiver, by default)."""

    case: Case
    service: Service
    created_by: Any
    sent_at: datetime
    urgency: str = Urgency.ROUTINE
    sections: Sequence[str] = ()
    message: str = ""
    warning_override: str = ""
    state: str = State.SENT
    responded_at: datetime | None = None
    responded_by: Any = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str = ""
    outcome_notes: str = ""
    decline_reason: str = ""
    revoke_reason: str = ""


def _referral(
    errors: check.Errors, item: ReferralImport, open_to: set[tuple[int, int]], hours: dict[tuple[str, str], int]
) -> Referral:
    """The row of one referral, checked as referral_send checks it (an active service of the case's country,
    consent for its type, a reason for any warning, no second open referral to the same service). `open_to`:
    (case, service) of the open referrals so far; `hours`: the response times read so far."""
    case, service = item.case, item.service
    if service.country != case.country or not service.is_active or not service.organization.is_active:
        errors["service"] = _("Choose an active service of this country.")
    if case.is_closed:
        errors["case"] = _("This case is closed. Reopen it before changing it.")
    urgency = check.choice(errors, "urgency", Urgency, item.urgency)
    if urgency and (case.country, urgency) not in hours:
        hours[(case.country, urgency)] = response_hours(case.country, urgency)
    sections = normalise_sections(list(item.sections))
    if sections is None:
        errors["sections"] = _("Choose sections from the list.")
    state = check.choice(errors, "state", State, item.state)
    if state in OPEN_STATES:
        if (case.pk, service.pk) in open_to:
            errors["service"] = _("This case already has an open referral to this service.")
        open_to.add((case.pk, service.pk))
    try:
        consent_require(case, "referral", SUPPORT_TYPE[ServiceType(service.service_type)])
    except ApplicationError as error:
        errors["consent"] = error.message
    warnings = referral_warnings(service, case)
    override = check.text(errors, "warning_override", item.warning_override, max_length=1000)
    if warnings and len(override) < OVERRIDE_MIN:
        errors["warning_override"] = _("Say why you refer anyway (at least 10 characters).")
    times = [item.sent_at, item.responded_at, item.started_at, item.ended_at]
    known = [moment for moment in times if moment is not None]
    if known != sorted(known) or known[-1] > timezone.now():
        errors["sent_at"] = _("The steps of a referral follow each other, and none is in the future.")
    sender, receiver = item.created_by, item.responded_by
    if sender is None or sender.organization_id != case.owner_organization_id or not sender.is_active:
        errors["created_by"] = _("The sender must be an active user of the case's organization.")
    if receiver is not None and receiver.organization_id != service.organization_id:
        errors["responded_by"] = _("The answer comes from a user of the service's organization.")
    if state == State.COMPLETED and not (item.outcome and item.ended_at):
        errors["outcome"] = _("A completed referral gives its outcome and when it ended.")
    return Referral(
        case=case,
        from_organization=case.owner_organization,
        to_organization=service.organization,
        service=service,
        service_type=service.service_type,
        country=case.country,
        urgency=urgency,
        sections=sections or [],
        message=check.text(errors, "message", item.message),
        state=state,
        warnings=[warning["code"] for warning in warnings],
        warning_override=override if warnings else "",
        due_at=item.sent_at + timedelta(hours=hours[(case.country, urgency)]) if urgency else item.sent_at,
        sent_at=item.sent_at,
        created_by=item.created_by,
        responded_at=item.responded_at,
        responded_by=item.responded_by,
        started_at=item.started_at,
        ended_at=item.ended_at,
        outcome=item.outcome,
        outcome_notes=check.text(errors, "outcome_notes", item.outcome_notes),
        decline_reason=check.text(errors, "decline_reason", item.decline_reason, required=state == State.DECLINED),
        revoke_reason=check.text(errors, "revoke_reason", item.revoke_reason, required=state == State.REVOKED),
    )


@transaction.atomic
def referrals_bulk_import(
    *, actor: User | None, records: Sequence[ReferralImport], note: dict[str, Any] | None = None
) -> list[Referral]:
    """Write many referrals of existing cases, each checked as referral_send checks it; nothing is written unless
    every one is valid (the error names each bad field as `<record>.<field>`). A completed referral's service
    delivered is added to its case (cases.services.case_work_bulk_add). One `referral.bulk_import` audit event
    records how many were written, by state, with `note` (where they came from)."""
    cases = {record.case.pk for record in records}
    open_to = set(Referral.objects.filter(case__in=cases, state__in=OPEN_STATES).values_list("case_id", "service_id"))
    problems: dict[str, str] = {}
    rows: list[Referral] = []
    hours: dict[tuple[str, str], int] = {}
    for index, record in enumerate(records):
        errors = check.Errors()
        rows.append(_referral(errors, record, open_to, hours))
        problems.update({f"{index}.{name}": message for name, message in errors.items()})
    if problems:
        raise ApplicationError("invalid", _("Some records are not valid."), {"fields": problems})
    completed = [(row, record) for row, record in zip(rows, records, strict=True) if row.state == State.COMPLETED]
    deliveries = case_work_bulk_add(
        actor=actor,
        records=[
            CaseWorkImport(
                case=record.case,
                created_by=record.responded_by or record.created_by,
                services=[
                    {
                        "support_type": SUPPORT_TYPE[ServiceType(row.service_type)],
                        "delivered_on": timezone.localdate(row.ended_at),
                        "provider": row.to_organization,
                        "outcome": row.outcome,
                    }
                ],
            )
            for row, record in completed
        ],
        note={"referrals": len(completed), **(note or {})},
    )
    for (row, _record), added in zip(completed, deliveries, strict=True):
        row.delivery = added.services[0]
    Referral.objects.bulk_create(rows, batch_size=500)
    if rows:
        states: dict[str, int] = {}
        for row in rows:
            states[row.state] = states.get(row.state, 0) + 1
        audit_record(
            actor=actor,
            action="referral.bulk_import",
            object_type="referrals.referral",
            changes={"referrals": len(rows), "states": states, "deliveries": len(completed), **(note or {})},
        )
    return rows
