"""What the cases app brings to notifications: its kinds (a child case notified to a child protection agency) and
the daily digest's tasks past their date (to whom each is assigned). Registered from CasesConfig.ready()."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipsom.cases.models import Task
from tipsom.notifications.services import DigestSource

# What the readers see, in app and by email: the case number, the notifying organization and a link; never a name.
KINDS = {
    "child_case_notified": gettext_lazy(
        "%(organization)s notified your agency of a child case, %(case_number)s: please open it."
    ),
}


def overdue_tasks(now: datetime) -> dict[int, list[dict[str, Any]]]:
    rows = (
        Task.objects.filter(done_at__isnull=True, due_on__lt=timezone.localdate(now), assigned_to__isnull=False)
        .values("assigned_to_id", "case__case_number", "due_on")
        .order_by("due_on", "pk")
    )
    by_user: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_user[row["assigned_to_id"]].append(dict(row))
    return dict(by_user)


def task_line(row: dict[str, Any]) -> str:
    due = formats.date_format(row["due_on"], "SHORT_DATE_FORMAT")
    return _("%(case_number)s · due %(due_on)s") % {"case_number": row["case__case_number"], "due_on": due}


DIGEST = DigestSource(
    name="tasks",
    heading=gettext_lazy("Your tasks past their date:"),
    collect=overdue_tasks,
    line=task_line,
    weight=20,
)
