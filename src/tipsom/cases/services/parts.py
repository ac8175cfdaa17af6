"""The rows of a case's parts (events, consents, services delivered, assessments, plan items, tasks, the child
track's updates, approvals), each checked, unsaved: one set of rules for the one-by-one services (consent_record,
event_add, assessment_add, plan_item_add, service_add and task_add save the row they get from here) and the bulk
imports (cases_bulk_import and case_work_bulk_add write them in bulk). Each takes the Errors to add problems to and
returns the row (or, for the child track, changes the track in place; child_update still has its own checks)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from tipsom.cases.models import (
    Assessment,
    Case,
    ChildProtection,
    Consent,
    ServiceDelivery,
    StatusDecision,
    SupportPlanItem,
    Task,
    TraffickingEvent,
)
from tipsom.core import validation as check
from tipsom.core.date_formats import format_date
from tipsom.organizations import geography

RETURN_SERVICE = "Return"
Approval = StatusDecision.Approval


def required(value: date | None) -> Any:
    """A required date's check result: None only when the check recorded an error, and then nothing is written."""
    return value


def required_date(
    errors: check.Errors, name: str, value: Any, *, not_before: date | None, not_before_message: str
) -> Any:
    """check.a_date of a required date (see `required`)."""
    return check.a_date(errors, name, value, not_before=not_before, not_before_message=not_before_message)


def event_row(
    errors: check.Errors, data: dict[str, Any], case: Case, born: date | None, created_by: Any
) -> TraffickingEvent:
    check.reject_unknown(data, ("event_type", "country", "place", "start_date", "end_date"))
    before_birth = _("An event cannot be dated before the person's birth.")
    start = check.a_date(
        errors, "start_date", data.get("start_date"), required=False, not_before=born, not_before_message=before_birth
    )
    end = check.a_date(
        errors, "end_date", data.get("end_date"), required=False, not_before=born, not_before_message=before_birth
    )
    if start and end and end < start:
        errors["end_date"] = _("The end cannot come before the start.")
    return TraffickingEvent(
        case=case,
        created_by=created_by,
        event_type=check.code(errors, "event_type", "hte_Type", data.get("event_type")),
        country=geography.valid_country(errors, "country", data.get("country"), required=True),
        place=check.line(errors, "place", data.get("place", "")),
        start_date=start,
        end_date=end,
    )


def consent_row(
    errors: check.Errors, data: dict[str, Any], case: Case, created_by: Any, latest: dict[str, date]
) -> Consent:
    """`latest`: the date of the consent in force per purpose, updated as consents are added in order."""
    check.reject_unknown(data, ("purpose", "given", "recorded_on", "given_by", "service_types"))
    purpose = check.choice(errors, "purpose", Consent.Purpose, data.get("purpose"))
    given_by = check.choice(errors, "given_by", Consent.GivenBy, data.get("given_by"))
    given = data.get("given")
    if not isinstance(given, bool):
        errors["given"] = _("Say whether consent is given or withdrawn.")
    recorded = required_date(
        errors,
        "recorded_on",
        data.get("recorded_on"),
        not_before=case.identified_on,
        not_before_message=_("Consent cannot be dated before the identification."),
    )
    if recorded is not None and purpose:
        if purpose in latest and recorded < latest[purpose]:
            errors["recorded_on"] = _(
                "The consent in force for this purpose is dated %(date)s; date this one on or after it."
            ) % {"date": format_date(latest[purpose])}
        latest[purpose] = max(recorded, latest.get(purpose, recorded))
    types = check.codes(errors, "service_types", "spl_Type", data.get("service_types"))
    if purpose == Consent.Purpose.REFERRAL and given is True and not types and "service_types" not in errors:
        errors["service_types"] = _("Name the types of service the person agreed to share with.")
    if purpose != Consent.Purpose.REFERRAL and types:
        errors["service_types"] = _("Types of service apply to consent for referral only.")
    if case.is_child and given_by == Consent.GivenBy.PERSON:
        errors["given_by"] = _("For a child, a guardian or parent gives or withdraws consent.")
    return Consent(
        case=case,
        created_by=created_by,
        purpose=purpose,
        given=given is True,
        recorded_on=recorded,
        given_by=given_by,
        service_types=types if given else [],
    )


def service_row(errors: check.Errors, data: dict[str, Any], case: Case, created_by: Any) -> ServiceDelivery:
    check.reject_unknown(data, ("support_type", "delivered_on", "provider", "outcome", "notes"))
    provider = data.get("provider")
    if provider is None or provider.country != case.country or not provider.is_active:
        errors["provider"] = _("Choose an organization of this country.")
    return ServiceDelivery(
        case=case,
        created_by=created_by,
        support_type=check.code(errors, "support_type", "spl_Type", data.get("support_type")),
        delivered_on=required_date(
            errors,
            "delivered_on",
            data.get("delivered_on"),
            not_before=case.identified_on,
            not_before_message=_("A service cannot be dated before the identification."),
        ),
        provider=provider,
        outcome=check.choice(errors, "outcome", ServiceDelivery.Outcome, data.get("outcome")),
        notes=check.text(errors, "notes", data.get("notes", "")),
    )


def assessment_row(errors: check.Errors, data: dict[str, Any], case: Case, created_by: Any) -> Assessment:
    check.reject_unknown(data, ("kind", "assessed_on", "level", "needs", "notes"))
    return Assessment(
        case=case,
        created_by=created_by,
        kind=check.choice(errors, "kind", Assessment.Kind, data.get("kind")),
        level=check.choice(errors, "level", Assessment.Level, data.get("level")),
        assessed_on=required_date(
            errors,
            "assessed_on",
            data.get("assessed_on"),
            not_before=case.identified_on,
            not_before_message=_("An assessment cannot be dated before the identification."),
        ),
        needs=check.codes(errors, "needs", "spl_Type", data.get("needs")),
        notes=check.text(errors, "notes", data.get("notes", "")),
    )


def plan_item_row(errors: check.Errors, data: dict[str, Any], case: Case, created_by: Any) -> SupportPlanItem:
    check.reject_unknown(data, ("support_type", "goal", "target_date"))
    return SupportPlanItem(
        case=case,
        created_by=created_by,
        support_type=check.code(errors, "support_type", "spl_Type", data.get("support_type")),
        goal=check.text(errors, "goal", data.get("goal", ""), max_length=1000),
        target_date=check.future_date(errors, "target_date", data.get("target_date")),
    )


def task_row(errors: check.Errors, data: dict[str, Any], case: Case, created_by: Any, on_case: set[int]) -> Task:
    """`on_case`: the organizations working on the case, whose users may be assigned its tasks."""
    check.reject_unknown(data, ("title", "due_on", "assigned_to", "done_at"))
    assignee = data.get("assigned_to")
    if assignee is not None and (assignee.organization_id not in on_case or not assignee.is_active):
        errors["assigned_to"] = _("Assign the task to an active user of an organization on the case.")
    return Task(
        case=case,
        created_by=created_by,
        title=check.line(errors, "title", data.get("title"), required=True),
        due_on=required(check.future_date(errors, "due_on", data.get("due_on"), required=True)),
        assigned_to=assignee,
        done_at=data.get("done_at"),
    )


def child_update_apply(errors: check.Errors, data: dict[str, Any], case: Case, track: ChildProtection) -> None:
    from tipsom.cases.services.child import CHILD_FIELDS

    check.reject_unknown(data, CHILD_FIELDS)
    identified = case.identified_on
    if "guardian_name" in data:
        track.guardian_name = check.line(errors, "guardian_name", data["guardian_name"])
    if "guardian_organization" in data:
        org = data["guardian_organization"]
        if org is not None and (org.country != case.country or not org.is_active):
            errors["guardian_organization"] = _("Choose an organization of this country.")
        track.guardian_organization = org
    for name, message in (
        ("guardian_appointed_on", _("A guardian cannot be appointed before the identification.")),
        ("best_interests_completed_on", _("The assessment cannot be completed before the identification.")),
    ):
        if name in data:
            value = check.a_date(
                errors, name, data[name], required=False, not_before=identified, not_before_message=message
            )
            setattr(track, name, value)
    for name, choices in (
        ("best_interests", ChildProtection.Assessment),
        ("family_tracing", ChildProtection.Tracing),
        ("age_assessment", ChildProtection.AgeAssessment),
    ):
        if name in data:
            setattr(track, name, check.choice(errors, name, choices, data[name]))
    if track.guardian_appointed_on and not (track.guardian_name or track.guardian_organization):
        errors["guardian_name"] = _("Name the guardian or the guardian's organization.")
    if track.best_interests == ChildProtection.Assessment.COMPLETED and not track.best_interests_completed_on:
        errors["best_interests_completed_on"] = _("Give the date the assessment was completed.")
    if "age_assessment" in data:
        case.is_child = track.age_assessment != ChildProtection.AgeAssessment.ADULT


def approval_state(
    errors: check.Errors, kind: str, data: dict[str, Any], created_by: Any, *, needed: bool
) -> tuple[str, Any, Any]:
    """(approval state, approved_by, approved_at) of a decision or closure that says who approved it, if anyone:
    where approval is needed, it waits for a supervisor unless one (not its author) approved it."""
    if not needed:
        return Approval.NOT_NEEDED, None, None
    approver = data.get("approved_by")
    if approver is None:
        return Approval.PENDING, None, None
    if approver.pk == getattr(created_by, "pk", None):
        errors[f"{kind}.approved_by"] = _("A supervisor other than the person who made the request must approve it.")
    return Approval.APPROVED, approver, data.get("approved_at")
