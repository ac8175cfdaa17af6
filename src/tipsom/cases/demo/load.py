"""Loading the demo cases: the first of each country through the case services one step at a time, with the demo
staff as actors (a frontline identifier or a case manager registers, the supervisor approves, the child protection
officer appoints the guardian); the rest through cases_bulk_import, which checks them as those services do and
writes them in bulk. A `demo.cases` audit event per country records how many planned cases were loaded and which
they are; a second run continues from there and never creates a case twice."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Q

from tipsom.audit.models import AuditEvent
from tipsom.audit.services import audit_record
from tipsom.cases import services as cs
from tipsom.cases.demo.plan import CHILD_OFFICER, OWNERS, CaseSpec, case_counts, cases_config, cases_plan
from tipsom.cases.demo.workload import workload_load
from tipsom.cases.models import Case
from tipsom.cases.services import CaseImport, cases_bulk_import

AUDIT_ACTION = "demo.cases"
AUDIT_OBJECT = "demo.cases"
# The first cases of each country go through the services (each step audited as the staff member who took it);
# the rest are written in bulk (cases_bulk_import).
SERVICE_CASES_PER_COUNTRY = 6


def loaded_counts() -> dict[str, int]:
    """How many planned cases each country has had loaded, from the `demo.cases` audit events."""
    counts: dict[str, int] = {}
    events = AuditEvent.objects.filter(action=AUDIT_ACTION, object_type=AUDIT_OBJECT)
    for country, changes in events.values_list("object_id", "changes"):
        counts[country] = max(counts.get(country, 0), int((changes or {}).get("to", 0)))
    return counts


def loaded_cases(code: str, organizations: list[Any], start: int, end: int) -> list[Case]:
    """The loaded demo cases of a country from planned index `start` to `end`, in index order, found by the
    primary keys the `demo.cases` events recorded: a case registered otherwise in the same organizations (a case
    registered from a referral, one a visitor added) is not taken for a planned one. Events of an older version,
    without them, fall back to the country's cases of the demo organizations in order."""
    events = AuditEvent.objects.filter(action=AUDIT_ACTION, object_type=AUDIT_OBJECT, object_id=code)
    loads = [c for c in events.values_list("changes", flat=True) if c and c["from"] < end and c["to"] > start]
    cases = (
        Case.objects.filter(country=code, owner_organization__in=organizations)
        .select_related("owner_organization")
        .order_by("pk")
    )
    if not loads or not all("cases" in load for load in loads):
        return list(cases[start:end])
    base = min(load["from"] for load in loads)
    ranges = Q()
    for load in loads:
        ranges |= Q(pk__range=load["cases"])
    return list(cases.filter(ranges))[start - base : end - base]


def demo_staff(country: dict[str, Any], options: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The country's demo organizations (by key: "shelter") and the staff who work on cases (by login:
    "shelter.case"), from the options' organizations and users; None when they are not as planned."""
    prefix = country["code"].lower()
    orgs = {
        code.removeprefix(f"{prefix}-"): org
        for code, org in options.organizations.items()
        if code.startswith(f"{prefix}-")
    }
    logins = {login for owner in OWNERS.values() for login in owner[1:] if login} | {CHILD_OFFICER}
    users = {login: options.users[f"{prefix}.{login}"] for login in logins if f"{prefix}.{login}" in options.users}
    expected = {login: org for org, *people in OWNERS.values() for login in people if login}
    expected[CHILD_OFFICER] = "child"
    for login, org_key in expected.items():
        user = users.get(login)
        if user is None or org_key not in orgs or user.organization_id != orgs[org_key].pk:
            return None
    return orgs, users


def _execute(spec: CaseSpec, orgs: dict[str, Any], users: dict[str, Any]) -> Case:  # noqa: C901, PLR0912
    org_key, login, supervisor_login = OWNERS[spec.owner]
    actor = users[login]
    case = cs.case_register(
        actor=actor, organization=orgs[org_key], person=spec.person, screening=spec.screening, **spec.case
    )
    for event in spec.events:
        cs.event_add(actor=actor, case_id=case.pk, **event)
    for consent in spec.consents:
        cs.consent_record(actor=actor, case_id=case.pk, **consent)
    if spec.child_notify:
        cs.child_notify(actor=actor, case_id=case.pk, organization_id=orgs["child"].pk)
        for update in spec.child_updates:
            fields = dict(update)
            if "guardian_organization" in fields:
                fields["guardian_organization"] = orgs[fields["guardian_organization"]].pk
            cs.child_update(actor=users[CHILD_OFFICER], case_id=case.pk, **fields)
    if spec.decision:
        decision = cs.case_decide_status(actor=actor, case_id=case.pk, **spec.decision)
        if spec.decision_approved and decision.approval == "pending":
            cs.decision_review(actor=users[str(supervisor_login)], decision_id=decision.pk, approve=True)
    for assessment in spec.assessments:
        cs.assessment_add(actor=actor, case_id=case.pk, **assessment)
    for item in spec.plan_items:
        cs.plan_item_add(actor=actor, case_id=case.pk, **item)
    for service in spec.services:
        fields = dict(service)
        provider = orgs[fields.pop("provider")]
        cs.service_add(actor=actor, case_id=case.pk, provider_id=provider.pk, **fields)
    for task in spec.tasks:
        done = task["done"]
        created = cs.task_add(
            actor=actor, case_id=case.pk, title=task["title"], due_on=task["due_on"], assigned_to_id=actor.pk
        )
        if done:
            cs.task_complete(actor=actor, task_id=created.pk)
    for text in spec.journal:
        cs.journal_add(actor=actor, case_id=case.pk, text=text)
    if spec.follow_up:
        cs.case_set_status(actor=actor, case_id=case.pk, status="FollowUp")
    if spec.closure:
        request = cs.case_close(actor=actor, case_id=case.pk, **spec.closure)
        if spec.closure_approved and request.approval == "pending":
            cs.closure_review(actor=users[str(supervisor_login)], request_id=request.pk, approve=True)
    return case


def _moment(day: str, hour: int = 10) -> datetime:
    """A time on a planned day, for the timestamps the services would take from the clock."""
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=UTC)


def case_import(spec: CaseSpec, orgs: dict[str, Any], users: dict[str, Any]) -> CaseImport:
    """A planned case as cases_bulk_import takes it: the same steps as `_execute` takes through the services, with
    the times the services would have taken from the clock set on the planned days."""
    org_key, login, supervisor_login = OWNERS[spec.owner]
    actor = users[login]
    supervisor = users.get(supervisor_login) if supervisor_login else None
    decision = dict(spec.decision) if spec.decision else None
    if decision is not None and spec.decision_approved:
        decision.update(approved_by=supervisor, approved_at=_moment(decision["decided_on"], 15))
    closure = dict(spec.closure) if spec.closure else None
    if closure is not None and spec.closure_approved:
        closure.update(approved_by=supervisor, approved_at=_moment(closure["closed_on"], 15))
    updates = []
    for update in spec.child_updates:
        fields = dict(update)
        if "guardian_organization" in fields:
            fields["guardian_organization"] = orgs[fields["guardian_organization"]]
        updates.append(fields)
    as_of = cases_config()["as_of"]
    return CaseImport(
        organization=orgs[org_key],
        created_by=actor,
        person=spec.person,
        case=spec.case,
        screening=spec.screening,
        events=spec.events,
        consents=spec.consents,
        child_notified_organization=orgs["child"] if spec.child_notify else None,
        child_notified_at=_moment(spec.case["identified_on"], 11) if spec.child_notify else None,
        child_updates=updates,
        decision=decision,
        assessments=spec.assessments,
        plan_items=spec.plan_items,
        services=[{**service, "provider": orgs[service["provider"]]} for service in spec.services],
        tasks=[
            {
                "title": task["title"],
                "due_on": task["due_on"],
                "assigned_to": actor,
                "done_at": _moment(min(task["due_on"], as_of), 16) if task["done"] else None,
            }
            for task in spec.tasks
        ],
        journal=spec.journal,
        follow_up=spec.follow_up,
        closure=closure,
    )


@dataclass(frozen=True)
class CasesReport:
    created: int
    existing: int
    skipped_countries: tuple[str, ...] = ()
    workload: str = ""  # today's tasks added for the caseworkers (workload.py), its summary

    @property
    def summary(self) -> str:
        """The line `tipsom demo` prints."""
        skipped = f" (skipped, their staff are not as planned: {', '.join(self.skipped_countries)})"
        return (
            f"Cases: {self.created} created, {self.existing} already there"
            + (skipped if self.skipped_countries else "")
            + "."
            + (f" {self.workload}" if self.workload else "")
        )


@transaction.atomic
def cases_load(options: Any, *, service_cases: int = SERVICE_CASES_PER_COUNTRY) -> CasesReport:
    """Load the planned cases each country does not have yet, in one transaction. The first `service_cases` of each
    country go through the case services, one call per step, audited as their staff; the rest through
    cases_bulk_import (one summary audit event per country). `options` are the demo's (seed, cases_per_country,
    countries, organizations, users)."""
    counts = case_counts(options.cases_per_country)
    done = loaded_counts()
    created = existing = 0
    skipped: list[str] = []
    for country in options.countries:
        code = country["code"]
        target, already = counts.get(code, 0), done.get(code, 0)
        existing += min(target, already)
        if target <= already:
            continue
        staff = demo_staff(country, options)
        if staff is None:
            skipped.append(code)
            continue
        orgs, users = staff
        specs = cases_plan([country], seed=options.seed, cases_per_country=target, start={code: already})
        through_services = [spec for spec in specs if spec.index < service_cases]
        loaded = [_execute(spec, orgs, users) for spec in through_services]
        bulk = [spec for spec in specs if spec.index >= service_cases]
        if bulk:
            loaded += cases_bulk_import(
                actor=None,
                records=[case_import(spec, orgs, users) for spec in bulk],
                note={"source": "demo", "country": code, "seed": options.seed},
            )
        created += len(specs)
        audit_record(
            actor=None,
            action=AUDIT_ACTION,
            object_type=AUDIT_OBJECT,
            object_id=code,
            changes={
                "seed": options.seed,
                "from": already,
                "to": target,
                "created": len(specs),
                "through_services": len(through_services),
                "in_bulk": len(bulk),
                "cases": [loaded[0].pk, loaded[-1].pk],  # created one after the other: which cases these are
            },
        )
    return CasesReport(created=created, existing=existing, skipped_countries=tuple(skipped))


def seed(options: Any) -> CasesReport:
    """The "cases" demo seeder (registered by CasesConfig.ready): the planned cases, then today's tasks for their
    caseworkers (workload.py), so that the home page shows work due whenever the demo is loaded."""
    report = cases_load(options)
    return replace(report, workload=workload_load(options).summary)
