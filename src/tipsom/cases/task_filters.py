"""The task list's filters and orderings, shared by the Tasks page (views/tasks.py) and /api/v1/tasks/."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tipsom.cases.models import Task
from tipsom.cases.selectors import may_see_organization_tasks, task_due_filter

DUE_CHOICES = [
    ("open", _("All open tasks")),
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("week", _("Due this week")),
    ("done", _("Done")),
    ("all", _("All tasks, open and done")),
]
SCOPE_CHOICES = [("mine", _("Assigned to me")), ("organization", _("My organization's"))]
# What each ordering sorts by; the first column is also the API's cursor position.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "due": ("due_on", "pk"),
    "-due": ("-due_on", "-pk"),
    "case": ("case_number", "pk"),
    "-case": ("-case_number", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
}
ORDERING_CHOICES = [
    ("due", _("Due date, soonest first")),
    ("-due", _("Due date, latest first")),
    ("case", _("Case number")),
    ("-case", _("Case number, descending")),
    ("-created", _("Newest first")),
    ("created", _("Oldest first")),
]
DEFAULTS = {"scope": "mine", "due": "open", "ordering": "due"}


class TaskFilterSet(django_filters.FilterSet):
    """`scope` chooses the rows (views and the API pass the list of that scope); `due` and `ordering` narrow and
    sort them. An unknown value is a form error: the page and the API answer 400."""

    scope = django_filters.ChoiceFilter(label=_("Whose tasks"), choices=SCOPE_CHOICES, method="filter_scope")
    due = django_filters.ChoiceFilter(
        label=pgettext_lazy("when a task is due", "Due"), choices=DUE_CHOICES, method="filter_due"
    )
    ordering = django_filters.ChoiceFilter(label=_("Sort by"), choices=ORDERING_CHOICES, method="filter_ordering")

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # On this form's own fields: a filter's field is built once and may be shared (the API schema builds it).
        user = getattr(self.request, "user", None)
        scopes = SCOPE_CHOICES if user is not None and may_see_organization_tasks(user) else SCOPE_CHOICES[:1]
        choices = {"scope": scopes, "due": DUE_CHOICES, "ordering": ORDERING_CHOICES}
        for name, options in choices.items():
            field = self.form.fields[name]
            field.choices = options
            field.widget = forms.Select(choices=options)

    def chosen(self, name: str) -> str:
        """The valid value of a filter, or its default when not given."""
        data = getattr(self.form, "cleaned_data", {})
        return data.get(name) or DEFAULTS[name]

    def filter_queryset(self, queryset: QuerySet[Task]) -> QuerySet[Task]:
        # The default date filter and order apply when none is given.
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("due"):
            queryset = self.filter_due(queryset, "due", DEFAULTS["due"])
        if not self.form.cleaned_data.get("ordering"):
            queryset = self.filter_ordering(queryset, "ordering", DEFAULTS["ordering"])
        return queryset

    def filter_scope(self, queryset: QuerySet[Task], name: str, value: Any) -> QuerySet[Task]:
        return queryset  # the caller passed the scope's rows

    def filter_due(self, queryset: QuerySet[Task], name: str, value: Any) -> QuerySet[Task]:
        return task_due_filter(queryset, value or DEFAULTS["due"], timezone.localdate())

    def filter_ordering(self, queryset: QuerySet[Task], name: str, value: Any) -> QuerySet[Task]:
        return queryset.order_by(*ORDERINGS[value or DEFAULTS["ordering"]])


def requested_scope(query: Any, user: Any) -> str:
    """The scope asked for in the query ("mine" unless a supervisor asks for "organization"); an invalid value is
    left for the FilterSet to reject."""
    scope = query.get("scope") or "mine"
    return "organization" if scope == "organization" and may_see_organization_tasks(user) else "mine"
