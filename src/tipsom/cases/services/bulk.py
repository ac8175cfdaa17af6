"""Many cases, or many rows of existing cases, written at once: for loading records kept elsewhere (a legacy
register, the synthetic cases of `tipsom demo`).

The one-by-one services take about 15 ms a call (permission, row lock, audit chain): too slow for tens of thousands
of rows. These check every row as those services check it (the same validators, the same rules), write the rows
with bulk inserts, and record one summary audit event per call instead of one per row. Identifying values are
encrypted and blind-indexed by the model fields, as always. They check no permission: they are for commands run
by an operator on the server, never for a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.cases.models import (
    ACTUAL_VICTIM,
    NOT_A_VICTIM,
    POSSIBLE_VICTIM,
    STATUS_CLOSED,
    STATUS_CLOSED_REFERRED,
    STATUS_FOLLOW_UP,
    Case,
    CaseOrganization,
    ChildProtection,
    ClosureReason,
    ClosureRequest,
    Consent,
    JournalEntry,
    Screening,
    ServiceDelivery,
    StatusDecision,
)
from tipsom.cases.services.case import (
    CASE_FIELDS,
    age_assessment_initial,
    approval_required,
    case_fields_validate,
    case_numbers_next,
    deciding_type_of,
    earliest_birth,
    is_child_at,
    screening_fields_validate,
    screening_recommendation,
)
from tipsom.cases.services.parts import (
    RETURN_SERVICE,
    Approval,
    approval_state,
    assessment_row,
    child_update_apply,
    consent_row,
    event_row,
    plan_item_row,
    required_date,
    service_row,
    task_row,
)
from tipsom.cases.services.status import child_step_problems, child_steps_error
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError
from tipsom.matching.keys import match_keys_write
from tipsom.organizations.models import OrganizationFunction
from tipsom.people.models import Person
from tipsom.people.services import person_fields_validate

# The case's own fields an import gives: its owner is who registered it.
IMPORT_CASE_FIELDS = tuple(name for name in CASE_FIELDS if name != "case_owner")


@dataclass(frozen=True)
class CaseImport:
    """One case to register with what was done on it, each part in the fields its one-by-one service takes.

    `created_by` registered the case, owns it and wrote its parts. `decision` and `closure` may carry
    `approved_by` and `approved_at` when a supervisor approved them (where the country asks for approval; without
    them they wait for one). `child_updates` and `services` name organizations as Organization rows, `tasks` may
    carry `done_at`."""

    organization: Any
    created_by: Any
    person: dict[str, Any]  # person_create fields
    case: dict[str, Any]  # case_register fields (without person, screening, case_owner)
    screening: dict[str, Any] | None = None
    events: Sequence[dict[str, Any]] = ()  # event_add
    consents: Sequence[dict[str, Any]] = ()  # consent_record
    child_notified_organization: Any = None  # child_notify: the agency
    child_notified_at: datetime | None = None
    child_updates: Sequence[dict[str, Any]] = ()  # child_update
    decision: dict[str, Any] | None = None  # case_decide_status
    assessments: Sequence[dict[str, Any]] = ()  # assessment_add
    plan_items: Sequence[dict[str, Any]] = ()  # plan_item_add
    services: Sequence[dict[str, Any]] = ()  # service_add, with `provider`
    tasks: Sequence[dict[str, Any]] = ()  # task_add, with `assigned_to` and `done_at`
    journal: Sequence[str] = ()  # journal_add
    follow_up: bool = False  # case_set_status(FollowUp)
    closure: dict[str, Any] | None = None  # case_close


@dataclass(frozen=True)
class CaseWorkImport:
    """Consents and services delivered to add to an existing, open case, written by `created_by`."""

    case: Case
    created_by: Any
    consents: Sequence[dict[str, Any]] = ()
    services: Sequence[dict[str, Any]] = ()


@dataclass(frozen=True)
class CaseWorkRows:
    """The rows case_work_bulk_add wrote for one CaseWorkImport, in its order."""

    case: Case
    consents: list[Consent]
    services: list[ServiceDelivery]


@dataclass
class _Rows:
    """Rows waiting for their bulk insert, by model, in order."""

    by_model: dict[type[models.Model], list[Any]] = field(default_factory=dict)

    def add(self, row: Any) -> Any:
        self.by_model.setdefault(type(row), []).append(row)
        return row

    def write(self) -> dict[str, int]:
        for model, rows in self.by_model.items():
            model._default_manager.bulk_create(rows, batch_size=500)
        return {model._meta.model_name or "": len(rows) for model, rows in self.by_model.items()}


def _prefixed(errors: dict[str, str], prefix: str) -> dict[str, str]:
    return {f"{prefix}.{name}": message for name, message in errors.items()}


def _raise(problems: dict[str, str]) -> None:
    if problems:
        raise ApplicationError("invalid", _("Some records are not valid."), {"fields": problems})


def _child_track(errors: check.Errors, record: CaseImport, case: Case, person: Person, rows: _Rows) -> Any:
    """The child track of a child's case: started, the agency notified, then each update in turn (as
    child_notify and child_update do). Returns the track, or None for an adult's case."""
    if not case.is_child:
        if record.child_notified_organization is not None or record.child_updates:
            errors["child_protection"] = _("This case is not on the child track.")
        return None
    track = rows.add(ChildProtection(case=case, age_assessment=age_assessment_initial(person)))
    agency = record.child_notified_organization
    if agency is not None:
        functions = agency.functions or []
        if (
            agency.country != case.country
            or not agency.is_active
            or OrganizationFunction.CHILD_PROTECTION not in (functions)
        ):
            errors["child_protection.organization"] = _("Choose a child protection agency of this country.")
        if agency.pk != case.owner_organization_id:
            rows.add(
                CaseOrganization(
                    case=case,
                    organization=agency,
                    reason=CaseOrganization.Reason.CHILD_PROTECTION,
                    added_by=record.created_by,
                )
            )
        track.notified_organization = agency
        track.notified_at = record.child_notified_at
        case.version += 1
    for index, update in enumerate(record.child_updates):
        problems = check.Errors()
        child_update_apply(problems, update, case, track)
        errors.update(_prefixed(problems, f"child_updates.{index}"))
        case.version += 1
    return track


def _decision(errors: check.Errors, data: dict[str, Any], case: Case, created_by: Any, rows: _Rows) -> None:
    check.reject_unknown(
        data, ("status", "decided_on", "deciding_organization_type", "basis", "approved_by", "approved_at")
    )
    status = check.code(errors, "decision.status", "vic_TraffickingStatus", data.get("status"))
    needed = status == ACTUAL_VICTIM and approval_required("actual_victim")
    state, approver, approved_at = approval_state(errors, "decision", data, created_by, needed=needed)
    rows.add(
        StatusDecision(
            case=case,
            created_by=created_by,
            status=status,
            approval=state,
            approved_by=approver,
            approved_at=approved_at,
            decided_on=required_date(
                errors,
                "decision.decided_on",
                data.get("decided_on"),
                not_before=case.identified_on,
                not_before_message=_("A decision cannot be dated before the identification."),
            ),
            deciding_organization_type=check.code(
                errors,
                "decision.deciding_organization_type",
                "vic_TraffickingStatusDecisionMakingOrg",
                data.get("deciding_organization_type"),
            ),
            basis=check.text(
                errors, "decision.basis", data.get("basis", ""), required=status in (ACTUAL_VICTIM, NOT_A_VICTIM)
            ),
        )
    )
    if state != Approval.PENDING:
        case.trafficking_status = status
    case.version += 1 + (state == Approval.APPROVED)


def _closure(errors: check.Errors, data: dict[str, Any], case: Case, created_by: Any, track: Any, rows: _Rows) -> None:
    check.reject_unknown(data, ("status", "reason", "closed_on", "approved_by", "approved_at"))
    status = data.get("status", STATUS_CLOSED)
    if status not in (STATUS_CLOSED, STATUS_CLOSED_REFERRED):
        errors["closure.status"] = _("A case closes as Closed or ClosedReferred.")
    reason = check.choice(errors, "closure.reason", ClosureReason, data.get("reason"))
    closed = required_date(
        errors,
        "closure.closed_on",
        data.get("closed_on"),
        not_before=case.identified_on,
        not_before_message=_("A case cannot close before it was identified."),
    )
    if case.is_child and track is not None:
        problems = list(child_step_problems(track).values())
        if problems:
            errors["closure"] = _("A child's case cannot close yet: %(problems)s") % {"problems": " ".join(problems)}
    state, approver, approved_at = approval_state(
        errors, "closure", data, created_by, needed=approval_required("closure")
    )
    rows.add(
        ClosureRequest(
            case=case,
            created_by=created_by,
            status=status,
            reason=reason,
            closed_on=closed,
            approval=state,
            approved_by=approver,
            approved_at=approved_at,
        )
    )
    if state != Approval.PENDING:
        case.status, case.closure_reason, case.closed_on = status, reason, closed
    case.version += 1 + (state == Approval.APPROVED)


def _case_parts(errors: check.Errors, record: CaseImport, case: Case, person: Person, rows: _Rows) -> None:
    """Every part of one imported case, in the order its services would have written them; `case.version` counts
    the changes as they would have."""
    actor = record.created_by
    born = earliest_birth(person)
    rows.add(
        StatusDecision(
            case=case,
            created_by=actor,
            status=POSSIBLE_VICTIM,
            decided_on=case.identified_on,
            deciding_organization_type=deciding_type_of(record.organization),
            basis="",
            approval=Approval.NOT_NEEDED,
        )
    )
    if record.screening is not None:
        if not isinstance(record.screening, dict):
            errors["screening"] = _("Give the screening's answers.")
        else:
            screening = screening_fields_validate(
                record.screening, errors, identified_on=case.identified_on, born=born, case_type=case.case_type
            )
            keys = ("acts", "means", "purposes", "som_vulnerabilities")
            recommendation = screening_recommendation(is_child=case.is_child, **{k: screening[k] for k in keys})
            rows.add(Screening(case=case, created_by=actor, recommendation=recommendation, **screening))
    parts: list[tuple[str, Sequence[Any], Any]] = [
        ("events", record.events, lambda e, d: event_row(e, d, case, born, actor)),
    ]
    latest: dict[str, date] = {}
    parts.append(("consents", record.consents, lambda e, d: consent_row(e, d, case, actor, latest)))
    for name, items, build in parts:
        for index, data in enumerate(items):
            problems = check.Errors()
            rows.add(build(problems, dict(data)))
            errors.update(_prefixed(problems, f"{name}.{index}"))
            case.version += 1
    track = _child_track(errors, record, case, person, rows)
    on_case = {case.owner_organization_id}
    if track is not None and track.notified_organization_id is not None:
        on_case.add(track.notified_organization_id)
    if record.decision is not None:
        _decision(errors, dict(record.decision), case, actor, rows)
    later: list[tuple[str, Sequence[Any], Any]] = [
        ("assessments", record.assessments, lambda e, d: assessment_row(e, d, case, actor)),
        ("plan_items", record.plan_items, lambda e, d: plan_item_row(e, d, case, actor)),
        ("services", record.services, lambda e, d: service_row(e, d, case, actor)),
        ("tasks", record.tasks, lambda e, d: task_row(e, d, case, actor, on_case)),
    ]
    for name, items, build in later:
        for index, data in enumerate(items):
            problems = check.Errors()
            row = rows.add(build(problems, dict(data)))
            case.version += 1 + (name == "tasks" and row.done_at is not None)
            if name == "services" and row.support_type == RETURN_SERVICE and case.is_child and track is not None:
                missing = child_step_problems(track, for_return=True)
                if missing:
                    problems["support_type"] = " ".join(missing.values())
            errors.update(_prefixed(problems, f"{name}.{index}"))
    for index, text in enumerate(record.journal):
        problems = check.Errors()
        rows.add(JournalEntry(case=case, created_by=actor, text=check.text(problems, "text", text, required=True)))
        errors.update(_prefixed(problems, f"journal.{index}"))
    if record.follow_up:
        case.status = STATUS_FOLLOW_UP
        case.version += 1
    if record.closure is not None:
        _closure(errors, dict(record.closure), case, actor, track, rows)


@transaction.atomic
def cases_bulk_import(
    *, actor: User | None, records: Sequence[CaseImport], note: dict[str, Any] | None = None
) -> list[Case]:
    """Register many cases, each with its person and what was done on it, checked as case_register and the
    services of each part check them; nothing is written unless every record is valid (the error names each bad
    field as `<record>.<part>.<field>`). Case numbers follow the order of `records`. One `case.bulk_import` audit
    event records how many rows of each kind were written, with `note` (where they came from)."""
    problems: dict[str, str] = {}
    persons: list[tuple[Person, dict[str, list[Any]]]] = []
    for index, record in enumerate(records):
        try:
            fields, person_rows = person_fields_validate(dict(record.person))
        except ApplicationError as error:
            problems.update(_prefixed(error.extra.get("fields") or {"person": error.message}, f"{index}.person"))
            fields, person_rows = {}, {}
        persons.append(
            (Person(owner_organization=record.organization, created_by=record.created_by, **fields), person_rows)
        )
    cases: list[Case] = []
    for index, (record, (person, _person_rows)) in enumerate(zip(records, persons, strict=True)):
        errors = check.Errors()
        check.reject_unknown(record.case, IMPORT_CASE_FIELDS)
        for name in ("case_type", "identified_on"):
            if name not in record.case:
                errors[name] = _("This field is required.")
        organization = record.organization
        owner = record.created_by
        if owner is None or owner.organization_id != organization.pk or not owner.is_active:
            errors["case_owner"] = _("The case owner must be an active user of the case's organization.")
        fields = case_fields_validate(record.case, errors, country=organization.country, person=person)
        identified = fields.get("identified_on")
        case = Case(
            person=person,
            owner_organization=organization,
            country=organization.country,
            is_child=identified is not None and is_child_at(person, identified),
            case_owner=record.created_by,
            created_by=record.created_by,
            **fields,
        )
        cases.append(case)
        problems.update(_prefixed(errors, str(index)))
    _raise(problems)
    rows = _Rows()
    for index, (record, case, (person, _person_rows)) in enumerate(zip(records, cases, persons, strict=True)):
        errors = check.Errors()
        _case_parts(errors, record, case, person, rows)
        problems.update(_prefixed(errors, str(index)))
    _raise(problems)

    # Rows built before their person or case was saved take its primary key when they are inserted.
    Person.objects.bulk_create([person for person, _rows in persons], batch_size=500)
    parts_of_persons = _Rows()
    for person, collections in persons:
        for items in collections.values():
            for row in items:
                row.person = person
                parts_of_persons.add(row)
    written = {"person": len(persons), **parts_of_persons.write()}
    # Their match keys, so that the registration check finds them; pairs among them come from `tipsom match dedupe`.
    written["match_key"] = match_keys_write(
        [person for person, _rows in persons],
        fresh=True,
        names={person.pk: list(collections.get("names", [])) for person, collections in persons},
    )
    by_year: dict[tuple[str, int], list[Case]] = {}
    for case in cases:
        by_year.setdefault((case.country, case.identified_on.year), []).append(case)
    for (country, year), group in by_year.items():
        for case, number in zip(group, case_numbers_next(country, year, len(group)), strict=True):
            case.case_number = number
    Case.objects.bulk_create(cases, batch_size=500)
    written = {**written, "case": len(cases), **rows.write()}
    if cases:
        audit_record(
            actor=actor,
            action="case.bulk_import",
            object_type="cases.case",
            changes={"rows": written, "first": cases[0].pk, "last": cases[-1].pk, **(note or {})},
        )
    return cases


@transaction.atomic
def case_work_bulk_add(
    *, actor: User | None, records: Sequence[CaseWorkImport], note: dict[str, Any] | None = None
) -> list[CaseWorkRows]:
    """Add consents and services delivered to many open cases, checked as consent_record and service_add check
    them (a consent dated before the one in force is refused, a child's return needs the child track complete);
    each row moves its case's version on as the service would. Returns the rows written for each record, in order.
    One `case.bulk_work` audit event, with `note`."""
    cases = {record.case.pk: record.case for record in records}
    latest: dict[int, dict[str, date]] = {}
    for case_id, purpose, recorded in Consent.objects.filter(case__in=list(cases)).values_list(
        "case_id", "purpose", "recorded_on"
    ):
        known = latest.setdefault(case_id, {})
        known[purpose] = max(recorded, known.get(purpose, recorded))
    problems: dict[str, str] = {}
    rows = _Rows()
    written: list[CaseWorkRows] = []
    touched: dict[int, int] = {}
    for index, record in enumerate(records):
        case = record.case
        errors = check.Errors()
        if case.is_closed and (record.services or any(c.get("given") for c in record.consents)):
            errors["case"] = _("This case is closed. Reopen it before changing it.")
        consents = []
        for position, data in enumerate(record.consents):
            found = check.Errors()
            consents.append(
                rows.add(consent_row(found, dict(data), case, record.created_by, latest.setdefault(case.pk, {})))
            )
            errors.update(_prefixed(found, f"consents.{position}"))
        services = []
        for position, data in enumerate(record.services):
            found = check.Errors()
            service = rows.add(service_row(found, dict(data), case, record.created_by))
            if service.support_type == RETURN_SERVICE and not found:
                refused = child_steps_error(case, _("A child cannot be returned yet: %(problems)s"), for_return=True)
                if refused is not None:
                    found["support_type"] = refused.message
            services.append(service)
            errors.update(_prefixed(found, f"services.{position}"))
        touched[case.pk] = touched.get(case.pk, 0) + len(consents) + len(services)
        problems.update(_prefixed(errors, str(index)))
        written.append(CaseWorkRows(case=case, consents=consents, services=services))
    _raise(problems)
    counts = rows.write()
    by_step: dict[int, list[int]] = {}
    for case_id, step in touched.items():
        by_step.setdefault(step, []).append(case_id)
    for step, ids in by_step.items():
        if step:
            Case.objects.filter(pk__in=ids).update(version=F("version") + step)
    if any(counts.values()):
        audit_record(
            actor=actor,
            action="case.bulk_work",
            object_type="cases.case",
            changes={"rows": counts, "cases": len(cases), **(note or {})},
        )
    return written
