"""Today's work for the demo caseworkers (`tipsom demo`, the "workload" demo seeder, after the cases and referrals):
the planned cases' tasks fall due around the plan's date (`as_of`), so by the time someone tries the demo they are
all past. This adds, through task_add as each caseworker, tasks due a few days ago, today and in the coming days on
their most recently changed open cases (a child protection officer's: the child cases notified to the agency), so
the home page and the Tasks page show work due, overdue and upcoming.

Idempotent for a day: a caseworker who already has an open task due today is left as they are; a run on a later
day adds that day's work."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.cases import services
from tipsom.cases.demo.plan import CHILD_OFFICER, OWNERS, cases_config
from tipsom.cases.models import CLOSED_STATUSES, Case, Task

# Days from today of the tasks added, spread over the caseworker's cases in turn.
DUE_OFFSETS = (-4, -1, 0, 0, 2, 5, 12)
CASES_PER_USER = 3


@dataclass(frozen=True)
class WorkloadReport:
    tasks: int
    users: int
    skipped: int

    @property
    def summary(self) -> str:
        """The line `tipsom demo` prints."""
        return (
            f"Workload: {self.tasks} tasks due around today for {self.users} caseworkers"
            f" (left as they were: {self.skipped}, with today's tasks already or no open case)."
        )


def _logins() -> list[str]:
    return sorted({login for _org, *people in OWNERS.values() for login in people if login} | {CHILD_OFFICER})


def _open_cases(user: User, login: str) -> list[Case]:
    cases = Case.objects.exclude(status__in=CLOSED_STATUSES)
    if login == CHILD_OFFICER:
        cases = cases.filter(child_protection__notified_organization_id=user.organization_id)
    else:
        cases = cases.filter(case_owner=user)
    return list(cases.order_by("-updated_at", "-pk")[:CASES_PER_USER])


def _titles(language: str) -> list[str]:
    """The demo's task texts in the country's language ("pt-br" takes "pt"), or English."""
    texts = cases_config()["texts"]
    found = texts.get(language) or texts.get(language.split("-")[0]) or texts["en"]
    return list(found["tasks"])


def user_workload(user: User, *, today: date, titles: list[str], seed: int, login: str) -> int:
    """Add the user's tasks around `today`; how many were added (0 when they already have today's)."""
    if Task.objects.filter(assigned_to=user, done_at__isnull=True, due_on=today).exists():
        return 0
    cases = _open_cases(user, login)
    if not cases:
        return 0
    rng = random.Random(f"{seed}:{user.username}:{today.isoformat()}")  # noqa: S311 (synthetic text)
    for index, offset in enumerate(DUE_OFFSETS):
        case = cases[index % len(cases)]
        services.task_add(
            actor=user,
            case_id=case.pk,
            title=rng.choice(titles),
            due_on=today + timedelta(days=offset),
            assigned_to_id=user.pk,
        )
    return len(DUE_OFFSETS)


@transaction.atomic
def workload_load(options: Any) -> WorkloadReport:
    today = timezone.localdate(options.now)
    added = users = skipped = 0
    for country in options.countries:
        prefix = country["code"].lower()
        titles = _titles(country.get("language", "en"))
        for login in _logins():
            user = options.users.get(f"{prefix}.{login}")
            if user is None:
                continue
            count = user_workload(user, today=today, titles=titles, seed=options.seed, login=login)
            if count:
                added += count
                users += 1
            else:
                skipped += 1
    return WorkloadReport(tasks=added, users=users, skipped=skipped)


def seed(options: Any) -> WorkloadReport:
    """The "workload" demo seeder (registered by CasesConfig.ready)."""
    return workload_load(options)
