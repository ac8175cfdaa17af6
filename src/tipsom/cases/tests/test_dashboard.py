"""The home page's widgets per role (issue 11): what each role sees and does not see, the counts, and that another
organization's work is never counted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import make_user, sign_in
from tipsom.cases import services
from tipsom.cases.testing import make_case
from tipsom.cases.widgets import approvals_widget, child_cases_widget, recent_cases_widget, tasks_widget
from tipsom.core.context import action_context
from tipsom.notifications.models import Notification
from tipsom.notifications.widgets import notifications_widget
from tipsom.organizations.testing import make_organization
from tipsom.referrals.testing import make_referral
from tipsom.referrals.widgets import inbox_widget, outbox_widget

pytestmark = pytest.mark.django_db

ACTUAL = "ActualVictimOfTrafficking"


def _task(case: Any, actor: Any, days: int, *, assignee: Any = None, done: bool = False) -> Any:
    due = timezone.localdate() + timedelta(days=days)
    assignee = assignee or actor
    task = services.task_add(
        actor=actor, case_id=case.pk, title="Call the shelter", due_on=due, assigned_to_id=assignee.pk
    )
    if done:
        services.task_complete(actor=actor, task_id=task.pk)
    return task


def _home(user: Any) -> str:
    client = sign_in(Client(), user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _widgets(html: str) -> list[str]:
    import re

    return re.findall(r'data-widget="([a-z_]+)"', html)


@pytest.fixture
def busy_manager(home_org: Any, case_manager: Any) -> Any:
    """A case manager with two overdue tasks, one due today, one in three days, one in a month, one done, and a
    colleague's task (not theirs)."""
    case = make_case(home_org, actor=case_manager)
    for days in (-5, -1, 0, 3, 30):
        _task(case, case_manager, days)
    _task(case, case_manager, -2, done=True)
    colleague = make_user(home_org, roles=("case_manager",))
    _task(case, case_manager, -3, assignee=colleague)
    return case_manager


def test_case_manager_sees_tasks_first_and_no_approvals(busy_manager: Any) -> None:
    html = _home(busy_manager)
    widgets = _widgets(html)
    assert widgets[0] == "tasks"
    assert "recent_cases" in widgets and "referrals_waiting" in widgets and "notifications" in widgets
    assert "approvals" not in widgets and "child_cases" not in widgets
    assert widgets.index("tasks") < widgets.index("referrals_waiting") < widgets.index("recent_cases")


def test_task_counts(busy_manager: Any) -> None:
    context = tasks_widget(busy_manager)
    assert context is not None
    assert (context["overdue"], context["today"], context["week"], context["open"]) == (2, 1, 2, 5)
    # Listed: today's, then the most recently overdue, then the next ones due.
    days = [(row["task"].due_on - timezone.localdate()).days for row in context["rows"]]
    assert days == [0, -1, -5, 3, 30]
    assert [row["overdue"] for row in context["rows"]] == [False, True, True, False, False]
    html = _home(busy_manager)
    assert f'href="{reverse("cases:tasks")}?due=overdue"' in html
    assert "Call the shelter" in html  # the title, shown as on the case page to those who may reveal the case's text


def test_other_organization_tasks_not_counted(busy_manager: Any) -> None:
    other = make_organization("BR")
    stranger = make_user(other, roles=("case_manager",))
    context = tasks_widget(stranger)
    assert context is not None and context["open"] == 0 and context["rows"] == []
    # Nor a task assigned to the manager on a case they can no longer see (another organization's).
    foreign = make_case(other, actor=stranger)
    _task(foreign, stranger, -1)
    assert tasks_widget(busy_manager)["overdue"] == 2  # type: ignore[index]


def test_supervisor_sees_approvals_first_with_waiting_time(home_org: Any, case_manager: Any, supervisor: Any) -> None:
    case = make_case(home_org, actor=case_manager)
    services.case_decide_status(
        actor=case_manager,
        case_id=case.pk,
        status=ACTUAL,
        decided_on="2026-10-03",
        deciding_organization_type="NGO",
        basis="Statement.",
    )
    other_org = make_organization("BR")
    other_case = make_case(other_org)
    services.case_decide_status(
        actor=make_user(other_org, roles=("case_manager",)),
        case_id=other_case.pk,
        status=ACTUAL,
        decided_on="2026-10-03",
        deciding_organization_type="NGO",
        basis="Statement.",
    )
    context = approvals_widget(supervisor)
    assert context is not None
    assert (context["decisions"], context["closures"], context["total"]) == (1, 0, 1)
    # Their organization's overdue tasks (the case manager's), none of the other organization's.
    task = _task(case, case_manager, -1)
    _task(other_case, case_actor_of(other_case), -1)
    tasks = tasks_widget(supervisor)
    assert tasks is not None and (tasks["open"], tasks["overdue"], tasks["team_overdue"]) == (0, 0, 1)
    assert task.case_id == case.pk
    assert "team_overdue" not in (tasks_widget(case_manager) or {})
    assert 'data-count="team_overdue"' in _home(supervisor)
    assert 'data-count="team_overdue"' not in _home(case_manager)
    assert [row["item"].case.case_number for row in context["rows"]] == [case.case_number]
    html = _home(supervisor)
    assert _widgets(html)[0] == "approvals"
    assert "waiting for" in html and case.case_number in html and other_case.case_number not in html


def test_child_protection_officer_sees_child_cases_first(
    home_org: Any, case_manager: Any, cp_agency: Any, cp_officer: Any, child_person: Any
) -> None:
    child = make_case(home_org, actor=case_manager, child=True)
    services.child_notify(actor=case_manager, case_id=child.pk, organization_id=cp_agency.pk)
    make_case(home_org, actor=case_manager, child=True)  # not notified: not theirs
    context = child_cases_widget(cp_officer)
    assert context is not None
    assert (context["open"], context["new"], context["no_guardian"]) == (1, 1, 1)
    assert [track.case_id for track in context["rows"]] == [child.pk]
    html = _home(cp_officer)
    assert _widgets(html)[0] == "child_cases"
    assert child.case_number in html
    # The shelter's case manager is no child protection agency: no such widget.
    assert child_cases_widget(case_manager) is None


def test_referrals_waiting_and_sent(home_org: Any, case_manager: Any) -> None:
    other = make_organization("BR")
    now = timezone.now()
    case = make_case(home_org, actor=case_manager)
    their_case = make_case(other)
    make_referral(their_case, other, home_org, due_at=now + timedelta(days=1))  # waiting for us
    make_referral(their_case, other, home_org, due_at=now - timedelta(hours=2))  # waiting, late
    make_referral(their_case, other, home_org, due_at=now, state="accepted")  # answered
    make_referral(case, home_org, other, due_at=now + timedelta(days=1))  # we sent, not answered
    make_referral(case, home_org, other, due_at=now - timedelta(days=3), state="expired", overdue=True)
    third = make_organization("BR")
    make_referral(make_case(third), third, other, due_at=now)  # neither ours nor to us
    inbox = inbox_widget(case_manager)
    outbox = outbox_widget(case_manager)
    assert inbox is not None and outbox is not None
    assert (inbox["waiting"], inbox["late"]) == (2, 1)
    assert [row["late"] for row in inbox["rows"]] == [True, False]
    assert (outbox["not_answered"], outbox["overdue"], outbox["open"]) == (1, 1, 1)
    # The other organization sees its side.
    them = make_user(other, roles=("case_manager",))
    assert inbox_widget(them)["waiting"] == 2  # type: ignore[index]  # ours and the third organization's
    assert outbox_widget(them)["not_answered"] == 2  # type: ignore[index]


def test_recent_cases_are_the_ones_i_work_on(home_org: Any, case_manager: Any) -> None:
    mine = make_case(home_org, actor=case_manager)
    colleague_case = make_case(home_org)  # a colleague's: not mine
    context = recent_cases_widget(case_manager)
    assert context is not None
    assert [case.pk for case in context["cases"]] == [mine.pk]
    services.case_team_set(
        actor=case_actor_of(colleague_case), case_id=colleague_case.pk, version=None, user_ids=[case_manager.pk]
    )
    assert {case.pk for case in recent_cases_widget(case_manager)["cases"]} == {mine.pk, colleague_case.pk}  # type: ignore[index]


def case_actor_of(case: Any) -> Any:
    from tipsom.cases.testing import case_actor

    return case_actor(case)


def test_notifications_widget(home_org: Any, case_manager: Any) -> None:
    Notification.objects.create(user=case_manager, kind="unknown.kind", params={})
    Notification.objects.create(user=case_manager, kind="unknown.kind", params={}, read_at=timezone.now())
    Notification.objects.create(user=make_user(home_org), kind="unknown.kind", params={})
    context = notifications_widget(case_manager)
    assert context is not None and context["unread"] == 1 and len(context["items"]) == 1


@pytest.mark.parametrize(("role", "others"), [("me_officer", ["stats_victims"]), ("auditor", [])])
def test_roles_without_case_work_see_no_work_widgets(home_org: Any, role: str, others: list[str]) -> None:
    # The M&E officer's home shows the national statistics (issue 15), and no case work.
    user = make_user(home_org, roles=(role,))
    widgets = _widgets(_home(user))
    # The programme's widgets (issue 16) are the M&E officer's own work, not case work.
    assert [name for name in widgets if not name.startswith("programme_")] == ["notifications", *others]
    assert ("programme_follow_ups_due" in widgets) == (role == "me_officer")


def test_an_investigator_sees_the_justice_work_but_no_victim_case_work(home_org: Any) -> None:
    investigator = make_user(home_org, roles=("investigator",))
    widgets = _widgets(_home(investigator))
    case_work = {"approvals", "child_cases", "tasks", "recent_cases", "referrals_waiting", "referrals_sent"}
    assert not case_work & set(widgets)
    assert {"notifications", "justice_hearings", "justice_cooperation_overdue"} <= set(widgets)


def test_national_coordinator_sees_referrals_but_no_tasks(home_org: Any) -> None:
    coordinator = make_user(home_org, roles=("national_coordinator",))
    widgets = _widgets(_home(coordinator))
    assert "tasks" not in widgets and "recent_cases" not in widgets and "approvals" not in widgets
    assert "referrals_waiting" in widgets


def test_widget_queries_are_few(busy_manager: Any, supervisor: Any, cp_officer: Any) -> None:
    """Each widget costs at most two queries, whatever the number of rows (no N+1). Within a request, the user's
    grants and whether their organization is on other organizations' cases are read once (warmed up here)."""
    widgets = (
        tasks_widget,
        approvals_widget,
        child_cases_widget,
        recent_cases_widget,
        inbox_widget,
        outbox_widget,
        notifications_widget,
    )
    for user in (busy_manager, supervisor, cp_officer):
        with action_context(channel="web"):
            for widget in widgets:
                widget(user)
            for widget in widgets:
                with CaptureQueriesContext(connection) as queries:
                    widget(user)
                assert len(queries) <= 2, (widget.__name__, [q["sql"] for q in queries])


def test_demo_workload_gives_work_due_around_today(home_org: Any, case_manager: Any) -> None:
    from tipsom.cases.demo.workload import user_workload

    make_case(home_org, actor=case_manager)
    today = timezone.localdate()
    added = user_workload(case_manager, today=today, titles=["Call the family"], seed=1, login="shelter.case")
    assert added == 7
    context = tasks_widget(case_manager)
    assert context is not None
    assert (context["overdue"], context["today"], context["week"], context["open"]) == (2, 2, 4, 7)
    # Run again the same day: nothing added twice.
    assert user_workload(case_manager, today=today, titles=["Call the family"], seed=1, login="shelter.case") == 0
