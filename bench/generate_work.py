"""The daily work generate_cases.py adds to its cases (issue 11): name search keys, staff, tasks, child tracks.

- **Name search keys** (people.PersonNameKey): for every name, exactly the rows the people services write
  (people.models.name_search_keys_write calls people.keys.name_search_keys(name, name_latin)), computed through that
  public function, cached per distinct full name.
- **Staff** (through the services, audited): in the showcase country a case supervisor (with an API token) in the
  NGO, and caseworkers besides the case manager, so that each has a caseload: STAFF["ngo"] in the NGO and
  STAFF["child"] in the child protection agency, with the bench users among them. Their organization's cases get
  a case owner among them (round robin); other organizations' cases keep none.
- **Tasks** (cases.Task): 1 to 3 on every open case (about 2), with an encrypted title, due dates spread around the
  real today (overdue, today, this week, later), 30 % already done; assigned to the case owner (none where the
  case has no owner, as a task nobody took yet).

The keys are computed by people.keys.name_search_keys itself, with its keyed hash (core.crypto.blind_index)
memoized for the run: the same words and beginnings of words recur in a million names, and the hash is a pure
function of its input and the keyring, so the keys are the ones the services write, 20 times faster. On
PostgreSQL the key table's indexes and constraints are dropped during the load and made again at the end (one
sort per index instead of 20 million random insertions and foreign-key checks); making them again checks them.
- **Child tracks** (cases.ChildProtection): every child case notified to its country's child protection agency, as
  child_notify does, most with the assessments not started.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import secrets
import time
from typing import Any

from django.db import connection
from django.utils import timezone

from tipsom.accounts.models import Role
from tipsom.accounts.services import api_token_create, user_create
from tipsom.cases.models import ChildProtection, Task
from tipsom.organizations.models import Organization
from tipsom.people import keys as people_keys
from tipsom.people.keys import name_search_keys
from tipsom.people.models import PersonNameKey

# Caseworkers per showcase organization (the bench user included): the NGO's open cases spread over them.
STAFF = {"ngo": 100, "child": 20}
TASKS_PER_OPEN_CASE = (1, 2, 3)  # chosen evenly: about 2
DONE_SHARE = 0.3
TASK_TITLES = [
    "Call back about the shelter place", "Accompany to the health appointment", "Request the identity documents",
    "Prepare the hearing with the lawyer", "Follow up the referral", "Home visit", "Update the support plan",
    "Check the school enrolment", "Renew the temporary residence", "Family tracing interview",
]  # fmt: skip


def setup_staff(organizations: dict[str, dict[str, Organization]], country: str, users: dict[str, Any]) -> dict:
    """The supervisor (with a token, in `users`) and the caseworkers; returns {organization id: [user ids]}."""
    roles = {role.slug: role for role in Role.objects.all()}
    ngo = organizations[country]["ngo"]
    supervisor = user_create(
        actor=None, username=f"bench.{country.lower()}.case_supervisor", full_name="Bench case supervisor",
        password=secrets.token_urlsafe(24), organization=ngo, roles=[roles["case_supervisor"]],
    )  # fmt: skip
    _instance, token = api_token_create(actor=supervisor)
    users["case_supervisor"] = {"id": supervisor.pk, "username": supervisor.username, "token": token,
                                "organization": ngo.pk}  # fmt: skip
    staff: dict[int, list[int]] = {}
    for kind, count in STAFF.items():
        organization = organizations[country][kind]
        bench_user = users["case_manager" if kind == "ngo" else "child_protection_officer"]
        role = roles["case_manager" if kind == "ngo" else "child_protection_officer"]
        ids = [bench_user["id"]]
        for number in range(1, count):
            user = user_create(
                actor=None, username=f"bench.{country.lower()}.{kind}.{number}", full_name=f"Bench {kind} {number}",
                password=secrets.token_urlsafe(24), organization=organization, roles=[role],
            )  # fmt: skip
            ids.append(user.pk)
        staff[organization.pk] = ids
    return staff


def memoize_blind_index() -> None:
    """people.keys calls blind_index by its module's name: memoize it there (see the module's docstring)."""
    people_keys.blind_index = functools.lru_cache(maxsize=None)(people_keys.blind_index)  # type: ignore[assignment]


def key_indexes_drop(model: Any = PersonNameKey) -> list[str]:
    """PostgreSQL: drop a key table's secondary indexes, unique and foreign-key constraints (the name search keys',
    or another model's: the match keys of bench/generate_match_registry.py); returns the statements that make them
    again (key_indexes_restore). Nothing on SQLite."""
    if connection.vendor != "postgresql":
        return []
    table = model._meta.db_table
    restore = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype IN ('u', 'f') ORDER BY contype DESC",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    restore += [definition for _name, definition in indexes]
    restore += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]
    return restore


def key_indexes_restore(statements: list[str]) -> None:
    if not statements:
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for statement in statements:
            cursor.execute(statement)
    print(f"key indexes and constraints made again: {time.monotonic() - started:.0f}s", flush=True)


class Work:
    """Adds the work rows of each generated case, through generate_cases.Writer (COPY or executemany)."""

    def __init__(self, writer: Any, encrypt: Any, staff: dict[int, list[int]], rng: random.Random) -> None:
        self.keys = writer(PersonNameKey)
        self.tasks = writer(Task)
        self.tracks = writer(ChildProtection)
        self.writers = (self.keys, self.tasks, self.tracks)
        self.encrypt, self.staff, self.rng = encrypt, staff, rng
        self.turn: dict[int, int] = {}
        self.key_id = self.task_id = self.track_id = 1
        self.today = timezone.localdate()  # what the widgets and the Tasks page call today

    def case_owner(self, organization_id: int) -> int | None:
        """A caseworker of the organization in turn, or None where the bench made none."""
        ids = self.staff.get(organization_id)
        if not ids:
            return None
        turn = self.turn.get(organization_id, 0)
        self.turn[organization_id] = turn + 1
        return ids[turn % len(ids)]

    def name(self, person_id: int, name_id: int, full_name: str, latin: str) -> None:
        """The search keys of a name, as name_search_keys_write stores them."""
        for kind, key in sorted(name_search_keys(full_name, latin)):
            self.keys.add({"id": self.key_id, "person_id": person_id, "name_id": name_id, "kind": kind, "key": key})
            self.key_id += 1

    def case(self, case: dict[str, Any], created_at: dt.datetime, child_agency: int | None) -> None:
        """The tasks of an open case and the child track of a child case."""
        rng = self.rng
        if case["status"] in ("Active", "FollowUp"):
            for _n in range(rng.choice(TASKS_PER_OPEN_CASE)):
                done = rng.random() < DONE_SHARE
                # Open tasks: about a third overdue, a few today, most within the next five weeks.
                due = self.today + dt.timedelta(days=rng.randint(-60, -1) if done else rng.randint(-14, 35))
                done_at = (
                    dt.datetime.combine(due, dt.time(15), tzinfo=dt.UTC) + dt.timedelta(hours=rng.randint(-48, 48))
                    if done
                    else None
                )
                self.tasks.add(
                    {
                        "id": self.task_id, "case_id": case["id"], "created_by_id": case["case_owner_id"],
                        "created_at": dt.datetime.combine(
                            min(due, self.today) - dt.timedelta(days=rng.randint(1, 40)), dt.time(10), tzinfo=dt.UTC
                        ),
                        "title": self.encrypt(rng.choice(TASK_TITLES), Task, "title"), "due_on": due,
                        "assigned_to_id": case["case_owner_id"], "done_at": done_at,
                    }
                )  # fmt: skip
                self.task_id += 1
        if case["is_child"] and child_agency is not None:
            age_pending = rng.random() < 0.1
            self.tracks.add(
                {
                    "id": self.track_id, "case_id": case["id"], "notified_organization_id": child_agency,
                    "notified_at": created_at + dt.timedelta(hours=rng.randint(1, 72)), "guardian_name": "",
                    "guardian_organization_id": None, "guardian_appointed_on": None,
                    "best_interests": rng.choice(["not_started", "not_started", "in_progress", "completed"]),
                    "best_interests_completed_on": None, "family_tracing": "not_started",
                    "age_assessment": "pending" if age_pending else "not_needed", "updated_at": created_at,
                }
            )  # fmt: skip
            self.track_id += 1

    def flush(self) -> None:
        for writer in self.writers:
            writer.flush()

    def counts(self) -> dict[str, int]:
        return {"name_keys": self.keys.count, "tasks": self.tasks.count, "child_tracks": self.tracks.count}


def models() -> tuple[Any, ...]:
    """The tables whose id sequences generate_cases.finish sets past the explicit ids."""
    return (PersonNameKey, Task, ChildProtection)
