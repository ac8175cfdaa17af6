"""Reads for victim cases, always narrowed to what the user may see. Lists never decrypt the registry."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.db.models import Case as CaseExpression
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.cases.models import (
    CLOSED_STATUSES,
    Attachment,
    Case,
    CaseOrganization,
    ChildProtection,
    ClosureRequest,
    JournalEntry,
    StatusDecision,
    Task,
    case_team_scope,
)
from tipsom.core.fields import encrypted_fields
from tipsom.core.permissions import access_by_id, user_can
from tipsom.organizations.models import Organization
from tipsom.people.models import Person
from tipsom.people.selectors import person_ids_by_name

CASE_NUMBER = re.compile(r"^[A-Za-z]{2}-\d{4}-\d{1,6}$")
# What a user types for a case number, spaces removed and upper-cased (case_number_candidates): with the country
# ("BR-2026-63", "BR2026000063"), the year and serial ("2026-63"), or the serial alone ("63", "000063").
CASE_NUMBER_QUERIES = (
    re.compile(r"^(?P<country>[A-Z]{2})[-/.]?(?P<year>\d{4})[-/.]?(?P<serial>\d{1,6})$"),
    re.compile(r"^(?P<year>\d{4})[-/.](?P<serial>\d{1,6})$"),
    re.compile(r"^#?(?P<serial>\d{1,6})$"),
)
SERIAL_YEARS = 30  # a serial alone is looked for in the cases of this many past years and this one


def _identifying_columns() -> list[str]:
    """The encrypted columns of what a list row joins: deferred, so a list never reads (or decrypts) them."""
    return [f"person__{field.name}" for field in encrypted_fields(Person)] + [
        f"owner_organization__{field.name}" for field in encrypted_fields(Organization)
    ]


def case_list(*, user: User) -> QuerySet[Case]:
    """The cases the user may see, with what a list row shows (no identifying value is read)."""
    return (
        Case.objects.restrict(user, "view")
        .select_related("owner_organization", "person")
        .defer(*_identifying_columns())
    )


def person_cases(*, user: User, person: Person) -> list[Case]:
    """The cases of one person that the user may see, newest first (the person page's Cases section)."""
    return list(case_list(user=user).filter(person=person).order_by("-pk"))


def case_numbers_of_persons(user: User, person_ids: list[int]) -> dict[int, list[str]]:
    """The case numbers of each person's cases that the user may see (the person list's column), in one query."""
    numbers: dict[int, list[str]] = {}
    rows = Case.objects.restrict(user, "view").filter(person_id__in=person_ids).order_by("pk")
    for person_id, number in rows.values_list("person_id", "case_number"):
        numbers.setdefault(person_id, []).append(number)
    return numbers


def persons_on_shared_cases(organization_id: int) -> Q | None:
    """The persons of cases an organization works on without owning them (a notified child protection agency):
    added to the person registry's organization scope (`person_scopes`). None when there are none, so the usual
    list keeps its plain (organization, id) index."""
    shared = CaseOrganization.objects.filter(organization_id=organization_id)
    return Q(pk__in=shared.values("case__person_id")) if shared.exists() else None


def case_allows(user: User, case: Case, action: str) -> bool:
    """Whether the user may `action` this case (for showing buttons; services check again when acting)."""
    return Case.objects.restrict(user, action).filter(pk=case.pk).exists()


def case_number_candidates(query: str) -> list[str] | None:
    """The full case numbers ("BR-2026-000063") a typed case number may mean, or None when the query is not one.
    Accepted: "BR-2026-000063", "br-2026-63", "2026-63" or "2026/63" (the year and serial, in any country), and the
    serial alone ("63", "000063": any year). Separators: "-", "/", ".", a space or none after the country."""
    query = "".join((query or "").split()).upper()
    match = next((m for m in (p.match(query) for p in CASE_NUMBER_QUERIES) if m), None)
    if match is None:
        return None
    parts = match.groupdict()
    serial = int(parts["serial"])
    countries = [parts["country"]] if parts.get("country") else _case_countries()
    if parts.get("year"):
        years = [int(parts["year"])]
    else:
        this_year = timezone.localdate().year
        years = list(range(this_year - SERIAL_YEARS, this_year + 1))
    return [f"{country}-{year:04d}-{serial:06d}" for country in countries for year in years]


def _case_countries() -> list[str]:
    # The countries of the organizations (a short table): cases are numbered in their organization's country.
    countries = Organization.objects.order_by().values_list("country", flat=True).distinct()
    return sorted({country.upper() for country in countries if country})


def case_search(queryset: QuerySet[Case], query: str) -> QuerySet[Case]:
    """By case number in any short form (case_number_candidates: exact values, the index finds them), or by part of
    the person's name through the blind-index keys (people.selectors.person_ids_by_name: no name is decrypted)."""
    query = " ".join((query or "").split())
    if not query:
        return queryset
    numbers = case_number_candidates(query)
    if numbers is not None:
        return queryset.filter(case_number__in=numbers)
    persons = person_ids_by_name(query)
    if persons is None:
        return queryset.none()
    return queryset.filter(person_id__in=persons)


def access_case_by_id(user: User, case_id: Any, action: str = "view") -> Case:
    """One case with everything its page shows, or NotFound."""
    queryset = (
        Case.objects.select_related(
            "owner_organization",
            "person",
            "case_owner",
            "child_protection",
            "child_protection__notified_organization",
            "child_protection__guardian_organization",
        )
        .prefetch_related(
            "person__names",
            "team",
            "organizations__organization",
        )
        .prefetch_related(
            Prefetch("decisions", queryset=StatusDecision.objects.select_related("created_by", "approved_by")),
        )
        .prefetch_related(
            Prefetch("closure_requests", queryset=ClosureRequest.objects.select_related("created_by", "approved_by")),
        )
    )
    return access_by_id(Case, user, case_id, action, queryset=queryset)


def access_case_for_api(user: User, case_id: Any, action: str = "view") -> Case:
    """One case with what its API answer (CaseDetailSerializer) shows, or NotFound: the related records it names
    by id only (owner, organizations, who decided) are not joined, and the person's names are not read. The page's
    query (access_case_by_id) reads them all; for the API that was most of an answer's CPU (issue 10)."""
    queryset = Case.objects.select_related("person", "child_protection").prefetch_related(
        "team", "organizations", "decisions", "closure_requests"
    )
    return access_by_id(Case, user, case_id, action, queryset=queryset)


def case_journal(case: Case) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(case=case).select_related("created_by").order_by("-created_at", "-pk")


def case_attachments(case: Case) -> QuerySet[Attachment]:
    """Attachments without their content (it is decrypted only to download one)."""
    return Attachment.objects.filter(case=case).defer("content").select_related("created_by")


def pending_approvals(*, user: User) -> dict[str, QuerySet[Any]]:
    """Decisions and closures waiting for a supervisor, among the cases the user may approve."""
    if not user_can(user, "approve", Case):
        return {"decisions": StatusDecision.objects.none(), "closures": ClosureRequest.objects.none()}
    cases = Case.objects.restrict(user, "approve").values("pk")
    pending = StatusDecision.Approval.PENDING
    return {
        "decisions": StatusDecision.objects.filter(case__in=cases, approval=pending).select_related("case"),
        "closures": ClosureRequest.objects.filter(case__in=cases, approval=pending).select_related("case"),
    }


# Tasks and the home page's widgets (issue 11) --------------------------------------------------------------------

TASK_WEEK_DAYS = 7  # "due this week": from today to six days ahead
RECENT_LIMIT = 5  # rows a home-page widget lists
NEW_CHILD_DAYS = 14  # a child case notified within these days is "new"


def may_see_organization_tasks(user: User) -> bool:
    """A supervisor (who may approve the organization's cases) sees the organization's tasks, not only their own."""
    return user.organization_id is not None and user_can(user, "approve", Case)


def task_list(*, user: User, scope: str = "mine") -> QuerySet[Task]:
    """Tasks on cases the user may see: assigned to the user ("mine"), or on the cases of the user's organization
    and those it is on the team of ("organization", for supervisors). Each row knows its case number and whether
    the user may read its title (`can_reveal`, as on the case page); no other case column is read."""
    if not user_can(user, "view", Case):
        return Task.objects.none()
    cases = Case.objects.restrict(user, "view")
    if scope == "organization":
        if user.organization_id is None or not may_see_organization_tasks(user):
            return Task.objects.none()
        tasks = Task.objects.filter(case__in=cases.filter(case_team_scope(user.organization_id)).values("pk"))
    else:
        tasks = Task.objects.filter(assigned_to_id=user.pk, case__in=cases.values("pk"))
    revealable = Case.objects.restrict(user, "reveal").filter(pk=OuterRef("case_id"))
    return (
        tasks.select_related("assigned_to")
        .only("pk", "title", "due_on", "done_at", "created_at", "case_id", "assigned_to__full_name")
        .annotate(case_number=F("case__case_number"), can_reveal=Exists(revealable))
    )


def task_due_filter(tasks: QuerySet[Task], due: str, today: date) -> QuerySet[Task]:
    """open (not done, any date), overdue, today, week (today and the next six days), done, all."""
    week_end = today + timedelta(days=TASK_WEEK_DAYS - 1)
    conditions = {
        "open": Q(done_at__isnull=True),
        "overdue": Q(done_at__isnull=True, due_on__lt=today),
        "today": Q(done_at__isnull=True, due_on=today),
        "week": Q(done_at__isnull=True, due_on__gte=today, due_on__lte=week_end),
        "done": Q(done_at__isnull=False),
        "all": Q(),
    }
    return tasks.filter(conditions[due])


def task_summary(*, user: User, today: date) -> dict[str, int]:
    """The counts of the user's open tasks, in one query: overdue, due today, due this week, open. For a
    supervisor also the organization's overdue tasks (`team_overdue`), counted in the same query over the
    organization's tasks (theirs among them: a supervisor's cases are the organization's)."""
    week_end = today + timedelta(days=TASK_WEEK_DAYS - 1)
    supervisor = may_see_organization_tasks(user)
    tasks = task_list(user=user, scope="organization" if supervisor else "mine").filter(done_at__isnull=True)
    mine = Q(assigned_to_id=user.pk) if supervisor else Q()
    extra = {"team_overdue": Count("pk", filter=Q(due_on__lt=today))} if supervisor else {}
    return tasks.aggregate(
        overdue=Count("pk", filter=mine & Q(due_on__lt=today)),
        today=Count("pk", filter=mine & Q(due_on=today)),
        week=Count("pk", filter=mine & Q(due_on__gte=today, due_on__lte=week_end)),
        open=Count("pk", filter=mine),
        **extra,
    )


def cases_i_work_on(*, user: User) -> QuerySet[Case]:
    """Cases the user owns or is on the team of, among those they may see, most recently changed first."""
    on_team = Case.team.through.objects.filter(user_id=user.pk).values("case_id")
    mine = Q(case_owner_id=user.pk) | Q(pk__in=on_team)
    return (
        Case.objects.restrict(user, "view")
        .filter(mine)
        .only("pk", "case_number", "case_type", "status", "is_child", "updated_at")
        .order_by("-updated_at", "-pk")
    )


def child_cases_notified(*, user: User) -> QuerySet[ChildProtection]:
    """The child tracks of cases notified to the user's organization (a child protection agency), among the cases
    the user may see, most recently notified first."""
    if user.organization_id is None or not user_can(user, "view", Case):
        return ChildProtection.objects.none()
    cases = Case.objects.restrict(user, "view").values("pk")
    return (
        ChildProtection.objects.filter(notified_organization_id=user.organization_id, case__in=cases)
        .select_related("case")
        .only(
            "pk",
            "notified_at",
            "best_interests",
            "guardian_appointed_on",
            "age_assessment",
            "case__case_number",
            "case__status",
            "case__case_type",
        )
        .order_by("-notified_at", "-pk")
    )


def approvals_waiting(*, user: User, limit: int = RECENT_LIMIT) -> dict[str, Any]:
    """The longest-waiting decisions and closures for the user to approve, each list with its total (one query
    per kind: the total is a window count over the same rows)."""
    pending = pending_approvals(user=user)
    found: dict[str, Any] = {}
    for kind in ("decisions", "closures"):
        rows = list(
            pending[kind]
            .select_related(None)
            .select_related("case")
            .only("pk", "created_at", "case_id", "case__case_number")
            .annotate(total=Window(Count("pk")))
            .order_by("created_at", "pk")[:limit]
        )
        found[kind] = rows
        found[f"{kind}_total"] = rows[0].total if rows else 0
    return found


def child_cases_summary(*, user: User, since: Any) -> dict[str, int]:
    """Counts of the open child cases notified to the user's organization (one query): all, notified since
    `since`, without a guardian, and whose best-interests assessment has not started."""
    tracks = child_cases_notified(user=user).exclude(case__status__in=CLOSED_STATUSES).order_by()
    return tracks.aggregate(
        open=Count("pk"),
        new=Count("pk", filter=Q(notified_at__gte=since)),
        no_guardian=Count("pk", filter=Q(guardian_appointed_on__isnull=True)),
        best_interests=Count("pk", filter=Q(best_interests=ChildProtection.Assessment.NOT_STARTED)),
    )


def tasks_to_do_next(*, user: User, today: date, limit: int = RECENT_LIMIT) -> list[Task]:
    """The user's open tasks a home page lists first: due today, then the most recently overdue (a task missed
    long ago is counted, not listed before this week's), then the next ones due."""
    rank = CaseExpression(
        When(due_on=today, then=Value(0)),
        When(due_on__lt=today, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    overdue_day = CaseExpression(When(due_on__lt=today, then=F("due_on")), default=None, output_field=DateField())
    return list(
        task_list(user=user)
        .filter(done_at__isnull=True)
        .annotate(rank=rank, overdue_day=overdue_day)
        .order_by("rank", F("overdue_day").desc(nulls_last=True), "due_on", "pk")[:limit]
    )
