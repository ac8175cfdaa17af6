"""The cases app's home-page widgets (registered as `home_widgets` from CasesConfig.ready()): approvals waiting for
a supervisor, child cases notified to a child protection agency, the user's tasks, and the cases they work on.

Each context returns None when the user may not see the widget. Each costs one or two indexed queries (a count
and a short list); none reads a person or decrypts a value. Weights put the work before the profile widgets
(organization 10, roles 20, account 30): approvals first (only supervisors see them), then child cases (only a
child protection agency's staff), then tasks, so each role's main work comes first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.cases import selectors
from tipsom.cases.models import CLOSED_STATUSES, Case
from tipsom.core.permissions import user_can
from tipsom.core.registry import Section
from tipsom.organizations.models import OrganizationFunction

# A decision waiting longer than this is shown as late.
APPROVAL_LATE_DAYS = 7


def approvals_widget(user: User) -> dict[str, Any] | None:
    if not user_can(user, "approve", Case):
        return None
    found = selectors.approvals_waiting(user=user)
    late = timezone.now() - timedelta(days=APPROVAL_LATE_DAYS)
    rows = sorted(
        [{"kind": "decision", "item": item} for item in found["decisions"]]
        + [{"kind": "closure", "item": item} for item in found["closures"]],
        key=lambda row: row["item"].created_at,
    )[: selectors.RECENT_LIMIT]
    for row in rows:
        row["late"] = row["item"].created_at < late
    return {
        "work": True,
        "rows": rows,
        "decisions": found["decisions_total"],
        "closures": found["closures_total"],
        "total": found["decisions_total"] + found["closures_total"],
    }


def _is_child_agency(user: User) -> bool:
    organization = user.organization
    return organization is not None and OrganizationFunction.CHILD_PROTECTION in (organization.functions or [])


def child_cases_widget(user: User) -> dict[str, Any] | None:
    if not user_can(user, "view", Case) or not _is_child_agency(user):
        return None
    tracks = selectors.child_cases_notified(user=user)
    since = timezone.now() - timedelta(days=selectors.NEW_CHILD_DAYS)
    rows = list(tracks.exclude(case__status__in=CLOSED_STATUSES)[: selectors.RECENT_LIMIT])
    new = [track for track in rows if track.notified_at and track.notified_at >= since]
    counts = selectors.child_cases_summary(user=user, since=since)
    return {"work": True, "rows": rows, "new_ids": {track.pk for track in new}, **counts}


def tasks_widget(user: User) -> dict[str, Any] | None:
    if not user_can(user, "change", Case):
        return None
    today = timezone.localdate()
    summary = selectors.task_summary(user=user, today=today)
    tasks = selectors.tasks_to_do_next(user=user, today=today)
    rows = [{"task": task, "overdue": task.due_on < today, "today": task.due_on == today} for task in tasks]
    return {"work": True, "rows": rows, **summary}


def recent_cases_widget(user: User) -> dict[str, Any] | None:
    if not user_can(user, "change", Case):
        return None
    cases = list(selectors.cases_i_work_on(user=user)[: selectors.RECENT_LIMIT])
    return {"work": True, "cases": cases}


WIDGETS = [
    Section("approvals", "cases/widgets/approvals.html", approvals_widget, weight=-60),
    Section("child_cases", "cases/widgets/child_cases.html", child_cases_widget, weight=-50),
    Section("tasks", "cases/widgets/tasks.html", tasks_widget, weight=-40),
    Section("recent_cases", "cases/widgets/recent_cases.html", recent_cases_widget, weight=-20),
]
