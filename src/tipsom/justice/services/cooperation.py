"""International cooperation in a criminal case: mutual legal assistance and extradition requests (outgoing and
incoming) and joint investigation teams, with their dates, status and deadline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record, describe_changes
from tipsom.core import validation as check
from tipsom.core.errors import NotFound
from tipsom.justice.models import (
    CooperationKind,
    CooperationRequest,
    CooperationStatus,
    CriminalCase,
    Direction,
)
from tipsom.justice.services.common import criminal_case_for
from tipsom.organizations import geography

STALE_REQUEST = gettext_noop(
    "Someone else changed this cooperation request after you opened it. Reload it and apply your change again."
)
REQUEST_FIELDS = (
    "kind",
    "direction",
    "countries",
    "authority",
    "subject",
    "status",
    "sent_on",
    "deadline",
    "answered_on",
    "starts_on",
    "ends_on",
)
ANSWER_STATUSES = (CooperationStatus.ANSWERED, CooperationStatus.REFUSED)


def _values(errors: check.Errors, data: dict[str, Any], record: CriminalCase) -> dict[str, Any]:
    """The checked values of the fields given in `data`."""
    values: dict[str, Any] = {}
    if "kind" in data:
        values["kind"] = check.choice(errors, "kind", CooperationKind, data["kind"])
    if "direction" in data:
        values["direction"] = check.choice(errors, "direction", Direction, data["direction"])
    if "status" in data:
        values["status"] = check.choice(errors, "status", CooperationStatus, data["status"])
    if "countries" in data:
        countries = geography.valid_countries(errors, "countries", data["countries"])
        if record.country in countries:
            errors["countries"] = _("Name the other countries, not the case's own.")
        elif "countries" not in errors and not countries:
            errors["countries"] = _("Name at least one other country.")
        values["countries"] = countries
    if "authority" in data:
        values["authority"] = check.line(errors, "authority", data["authority"], required=True, max_length=200)
    if "subject" in data:
        values["subject"] = check.line(errors, "subject", data["subject"], max_length=300)
    # Dates sent and answered have happened; a deadline and a team's period may lie ahead.
    for name in ("sent_on", "answered_on"):
        if name in data:
            values[name] = check.a_date(errors, name, data[name], required=False)
    for name in ("deadline", "starts_on", "ends_on"):
        if name in data:
            values[name] = check.future_date(errors, name, data[name])
    return values


def _rules(errors: check.Errors, request: CooperationRequest) -> None:
    """The rules between the dates and the status, on the request as it would be saved."""
    sent, answered = request.sent_on, request.answered_on
    if request.deadline and sent and request.deadline < sent and "deadline" not in errors:
        errors["deadline"] = _("The deadline cannot be before the date sent.")
    if answered and not sent and "sent_on" not in errors:
        errors["sent_on"] = _("Give the date sent before the date answered.")
    elif answered and sent and answered < sent and "answered_on" not in errors:
        errors["answered_on"] = _("The answer cannot come before the request was sent.")
    if request.status in ANSWER_STATUSES and not answered and "answered_on" not in errors:
        errors["answered_on"] = _("Give the date of the answer.")
    if request.kind == CooperationKind.JIT:
        if request.starts_on and request.ends_on and request.ends_on < request.starts_on and "ends_on" not in errors:
            errors["ends_on"] = _("A joint investigation team cannot end before it starts.")
    elif (request.starts_on or request.ends_on) and "starts_on" not in errors:
        errors["starts_on"] = _("Only a joint investigation team has a period.")
    if request.status != CooperationStatus.DRAFT and not sent and "sent_on" not in errors:
        errors["sent_on"] = _("Give the date the request was sent or received.")
    errors.raise_if_any()


def _audit(
    actor: User, action: str, request: CooperationRequest, record: CriminalCase, changes: dict[str, Any]
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=request,
        organization=record.owner_organization_id,
        changes={"criminal_case": record.reference, **changes},
    )


@transaction.atomic
def cooperation_request_create(
    *,
    actor: User,
    criminal_case: Any,
    kind: str,
    direction: str,
    countries: list[str],
    authority: str,
    subject: str = "",
    status: str = CooperationStatus.DRAFT,
    sent_on: Any = None,
    deadline: Any = None,
    answered_on: Any = None,
    starts_on: Any = None,
    ends_on: Any = None,
) -> CooperationRequest:
    """Record a request for mutual legal assistance or extradition, or a joint investigation team."""
    record = criminal_case_for(actor, criminal_case, "change")
    errors = check.Errors()
    data = {
        "kind": kind,
        "direction": direction,
        "countries": countries,
        "authority": authority,
        "subject": subject,
        "status": status,
        "sent_on": sent_on,
        "deadline": deadline,
        "answered_on": answered_on,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    values = _values(errors, data, record)
    request = CooperationRequest(criminal_case=record, created_by=actor, **values)
    _rules(errors, request)
    request.save()
    _audit(actor, "justice.cooperation.create", request, record, describe_changes(request, REQUEST_FIELDS))
    return request


def _request_of(actor: User, cooperation_request: Any) -> tuple[CooperationRequest, CriminalCase]:
    found = CooperationRequest.objects.filter(pk=check.pk_of(cooperation_request)).first()
    if found is None:
        raise NotFound()
    return found, criminal_case_for(actor, found.criminal_case_id, "change")


@transaction.atomic
def cooperation_request_update(
    *, actor: User, cooperation_request: Any, version: int | None = None, **fields: Any
) -> CooperationRequest:
    """Change a cooperation request (only the fields given); the rules are checked on the result."""
    check.reject_unknown(fields, REQUEST_FIELDS)
    request, record = _request_of(actor, cooperation_request)
    check.check_version(request, version, _(STALE_REQUEST))
    errors = check.Errors()
    values = _values(errors, fields, record)
    errors.raise_if_any()
    update = check.model_update(request, values, check=lambda changed: _rules(errors, changed))
    if update:
        _audit(
            actor,
            "justice.cooperation.update",
            request,
            record,
            describe_changes(request, update.fields, update.before),
        )
    return request


@transaction.atomic
def cooperation_request_answer(
    *,
    actor: User,
    cooperation_request: Any,
    answered_on: Any,
    status: str = CooperationStatus.ANSWERED,
    version: int | None = None,
) -> CooperationRequest:
    """Record the answer to a request: answered (or refused) on a date, not before it was sent."""
    errors = check.Errors()
    if status not in ANSWER_STATUSES:
        errors["status"] = _("An answer is either answered or refused.")
    if answered_on in (None, ""):
        errors["answered_on"] = _("Give the date of the answer.")
    request, _record = _request_of(actor, cooperation_request)
    errors.raise_if_any()
    return cooperation_request_update(
        actor=actor, cooperation_request=request, version=version, status=status, answered_on=answered_on
    )
