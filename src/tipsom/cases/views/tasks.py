"""The Tasks page: the user's tasks across all cases (a supervisor's organization's too), with due-date filters
and sorting (cases.task_filters, shared with /api/v1/tasks/), paged by number."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tipsom.cases import selectors
from tipsom.cases.models import Case
from tipsom.cases.task_filters import DUE_CHOICES, ORDERING_CHOICES, TaskFilterSet, requested_scope
from tipsom.core.filtering import is_valid
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.masking import MASKED
from tipsom.core.paging import PAGE_SIZE, numbered_page, url_with
from tipsom.core.permissions import require_permission


@require_GET
def task_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Case)
    scope = requested_scope(request.GET, request.user)
    tasks = selectors.task_list(user=request.user, scope=scope)
    filterset = TaskFilterSet(request.GET, queryset=tasks, request=request)
    valid = is_valid(filterset)
    page = numbered_page(request, filterset.qs if valid else tasks.none(), per_page=PAGE_SIZE)
    today = timezone.localdate()
    ordering = filterset.chosen("ordering") if valid else "due"
    context = {
        "filter": filterset,
        "page": page,
        "rows": [_row(task, today) for task in page.items],
        "scope": scope,
        "due": filterset.chosen("due") if valid else "open",
        "ordering": ordering,
        "ordering_label": dict(ORDERING_CHOICES).get(ordering, ""),
        "due_links": [(value, label, url_with(request, drop=("page",), due=value)) for value, label in DUE_CHOICES],
        "sort_links": _sort_links(request),
        "may_see_organization": selectors.may_see_organization_tasks(request.user),
    }
    return render(request, "cases/tasks.html", context, status=200 if valid else 400)


def _row(task: Any, today: Any) -> dict[str, Any]:
    overdue = task.done_at is None and task.due_on < today
    return {
        "task": task,
        "title": task.title if task.can_reveal else (MASKED if task.title else ""),
        "overdue": overdue,
        "due_today": task.done_at is None and task.due_on == today,
    }


def _sort_links(request: AuthenticatedHttpRequest) -> dict[str, str]:
    """Each sortable column's link: ascending, or descending when the list is already sorted ascending by it."""
    current = request.GET.get("ordering", "due")
    links = {}
    for column in ("due", "case", "created"):
        target = f"-{column}" if current == column else column
        links[column] = url_with(request, drop=("page",), ordering=target)
    return links
