"""The Tasks page and /api/v1/tasks/ (issue 11): who sees which tasks, the due-date filters, sorting, paging and
bad query parameters (a clear 400, never a 500)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.cases import services
from tipsom.cases.models import Task
from tipsom.cases.testing import make_case
from tipsom.core.masking import MASKED
from tipsom.core.paging import PAGE_SIZE
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db

TITLE = "Visit Rosa at the shelter"


def _task(case: Any, actor: Any, days: int, *, assignee: Any = None, done: bool = False, title: str = TITLE) -> Task:
    due = timezone.localdate() + timedelta(days=days)
    task = services.task_add(
        actor=actor, case_id=case.pk, title=title, due_on=due, assigned_to_id=(assignee or actor).pk
    )
    if done:
        services.task_complete(actor=actor, task_id=task.pk)
    return task


# --- access (anonymous, unpermitted, other organization, permitted) ---------------------------------------------
class TestTasksPageAccess(AccessCase):
    url_name = "cases:tasks"
    permitted_role = "case_manager"

    def make_object(self, organization: Organization) -> None:
        case = make_case(organization)
        colleague = make_user(organization, roles=("case_manager",))
        _task(case, colleague, 1, title="Not yours to see")
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        # A new case manager has no task of their own; a colleague's is not listed.
        assert b"Not yours to see" not in response.content
        assert "No task here" in response.content.decode()


class TestTasksApiAccess(AccessCase):
    url_name = "api:task-list"
    permitted_role = "case_manager"
    model = Task

    def make_object(self, organization: Organization) -> None:
        case = make_case(organization)
        _task(case, make_user(organization, roles=("case_manager",)), 1)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["results"] == []

    def test_other_organization(self, home_org: Organization) -> None:
        make_case(home_org)
        user = make_user(make_organization("BR"), roles=(self.permitted_role,))
        response = self._client_for(user).get(reverse(self.url_name), {"scope": "mine", "due": "all"})
        assert response.status_code == 200 and response.json()["results"] == []


# --- what the lists show ------------------------------------------------------------------------------------------
@pytest.fixture
def work(home_org: Any, case_manager: Any, supervisor: Any) -> dict[str, Any]:
    """Two cases of the manager with tasks overdue, today, in three days, in a month and one done; a colleague's
    task; another organization's task."""
    first = make_case(home_org, actor=case_manager)
    second = make_case(home_org, actor=case_manager)
    tasks = {
        "overdue": _task(second, case_manager, -2),
        "today": _task(first, case_manager, 0),
        "soon": _task(second, case_manager, 3),
        "later": _task(first, case_manager, 30),
        "done": _task(first, case_manager, -1, done=True),
    }
    colleague = make_user(home_org, roles=("case_manager",))
    tasks["colleague"] = _task(first, case_manager, 1, assignee=colleague)
    other = make_organization("BR")
    stranger = make_user(other, roles=("case_manager",))
    tasks["other"] = _task(make_case(other, actor=stranger), stranger, -3)
    return {"tasks": tasks, "first": first, "second": second, "manager": case_manager, "supervisor": supervisor}


def _page_ids(client: Client, **query: Any) -> list[int]:
    response = client.get(reverse("cases:tasks"), query)
    assert response.status_code == 200, response.content[:400]
    import re

    return [int(pk) for pk in re.findall(r'data-task="(\d+)"', response.content.decode())]


def _api_ids(client: Client, **query: Any) -> list[int]:
    response = client.get(reverse("api:task-list"), query)
    assert response.status_code == 200, response.content[:400]
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ({}, ["overdue", "today", "soon", "later"]),
        ({"due": "open"}, ["overdue", "today", "soon", "later"]),
        ({"due": "overdue"}, ["overdue"]),
        ({"due": "today"}, ["today"]),
        ({"due": "week"}, ["today", "soon"]),
        ({"due": "done"}, ["done"]),
        ({"due": "all"}, ["overdue", "done", "today", "soon", "later"]),
    ],
)
def test_due_filters_page_and_api(work: dict[str, Any], due: dict[str, str], expected: list[str]) -> None:
    client = sign_in(Client(), work["manager"])
    ids = [work["tasks"][name].pk for name in expected]
    assert _page_ids(client, **due) == ids
    assert _api_ids(client, **due) == ids


def test_sorting(work: dict[str, Any]) -> None:
    client = sign_in(Client(), work["manager"])
    tasks = work["tasks"]
    by_due = [tasks[name].pk for name in ("overdue", "today", "soon", "later")]
    assert _page_ids(client, ordering="-due") == by_due[::-1]
    assert _api_ids(client, ordering="-due") == by_due[::-1]
    first_case = [tasks["today"].pk, tasks["later"].pk]
    second_case = [tasks["overdue"].pk, tasks["soon"].pk]
    expected = (
        first_case + second_case if work["first"].case_number < work["second"].case_number else second_case + first_case
    )
    assert _page_ids(client, ordering="case") == expected
    assert _api_ids(client, ordering="case") == expected
    created = [tasks[name].pk for name in ("overdue", "today", "soon", "later")]
    assert _page_ids(client, ordering="-created") == created[::-1]
    assert _api_ids(client, ordering="created") == created


def test_page_links_case_numbers_and_shows_titles_to_the_team(work: dict[str, Any]) -> None:
    client = sign_in(Client(), work["manager"])
    html = client.get(reverse("cases:tasks"), {"due": "overdue"}).content.decode()
    second = work["second"]
    assert f'href="{reverse("cases:detail", kwargs={"pk": second.pk})}">{second.case_number}</a>' in html
    assert TITLE in html  # a case manager may reveal their organization's case text, as on the case page
    assert "overdue" in html


def test_api_masks_titles(work: dict[str, Any]) -> None:
    client = sign_in(Client(), work["manager"])
    rows = client.get(reverse("api:task-list")).json()["results"]
    assert rows and all(row["title"] == MASKED for row in rows)
    assert TITLE not in str(rows)
    assert rows[0]["case_number"] == work["second"].case_number and rows[0]["overdue"] is True


def test_supervisor_sees_the_organizations_tasks(work: dict[str, Any]) -> None:
    client = sign_in(Client(), work["supervisor"])
    assert _page_ids(client) == []  # none assigned to the supervisor
    tasks = work["tasks"]
    mine_and_colleague = {tasks[name].pk for name in ("overdue", "today", "soon", "later", "colleague")}
    assert set(_page_ids(client, scope="organization")) == mine_and_colleague
    assert set(_api_ids(client, scope="organization")) == mine_and_colleague
    assert tasks["other"].pk not in _api_ids(client, scope="organization", due="all")


def test_case_manager_may_not_ask_for_the_organization(work: dict[str, Any]) -> None:
    client = sign_in(Client(), work["manager"])
    page = client.get(reverse("cases:tasks"), {"scope": "organization"})
    assert page.status_code == 400 and "not valid" in page.content.decode()
    api = client.get(reverse("api:task-list"), {"scope": "organization"})
    assert api.status_code == 400 and "scope" in api.json()["extra"]["fields"]


@pytest.mark.parametrize(
    "query",
    [
        {"due": "yesterday"},
        {"ordering": "title"},
        {"ordering": "due_on; DROP TABLE"},
        {"scope": "everyone"},
        {"due": "\u202eoverdue"},
        {"due": ["overdue", "today"], "ordering": "x"},
    ],
)
def test_bad_parameters_are_a_clear_400(work: dict[str, Any], query: dict[str, Any]) -> None:
    client = sign_in(Client(), work["manager"])
    page = client.get(reverse("cases:tasks"), query)
    assert page.status_code == 400 and "Some of the filters are not valid" in page.content.decode()
    assert TITLE not in page.content.decode()
    api = client.get(reverse("api:task-list"), query)
    assert api.status_code == 400, api.content
    assert api.json()["code"] and api.json()["extra"]["fields"]


def test_bad_paging_is_safe(work: dict[str, Any]) -> None:
    client = sign_in(Client(), work["manager"])
    assert client.get(reverse("cases:tasks"), {"page": "999"}).status_code == 200
    assert client.get(reverse("cases:tasks"), {"page": "abc"}).status_code == 200
    response = client.get(reverse("api:task-list"), {"cursor": "garbage"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


def test_page_is_paged(home_org: Any, case_manager: Any) -> None:
    case = make_case(home_org, actor=case_manager)
    due = timezone.localdate() + timedelta(days=1)
    Task.objects.bulk_create(
        Task(case=case, title="Call", due_on=due, assigned_to=case_manager) for _ in range(PAGE_SIZE + 3)
    )
    client = sign_in(Client(), case_manager)
    assert len(_page_ids(client)) == PAGE_SIZE
    assert len(_page_ids(client, page=2)) == 3
    api = client.get(reverse("api:task-list")).json()
    assert len(api["results"]) == PAGE_SIZE and api["next"]
    rest = client.get(api["next"]).json()
    assert len(rest["results"]) == 3


def test_menu_has_tasks_for_caseworkers_only(home_org: Any, case_manager: Any) -> None:
    url = reverse("cases:tasks")
    assert f'href="{url}"' in sign_in(Client(), case_manager).get(reverse("home")).content.decode()
    operator = make_user(home_org, roles=("me_officer",))
    assert f'href="{url}"' not in sign_in(Client(), operator).get(reverse("home")).content.decode()
