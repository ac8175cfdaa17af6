"""Home-page widgets of the grants (registered from plugins.py): for the implementing partner, its grant reports
falling due (and those overdue); for the national coordinator, the grant reports waiting for review. Each is the
day's work, costs one indexed query and reads no name."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.core.permissions import SCOPE_NATIONAL, SCOPE_ORGANIZATION, user_scopes
from tipsom.core.registry import Section
from tipsom.programme.models import GrantReport
from tipsom.programme.selectors.grants import report_is_overdue, reports_due, reports_to_review


def grant_reports_due_widget(user: User) -> dict[str, Any] | None:
    """The grantee's reports (who reports for its own organization: the implementing partner)."""
    if SCOPE_ORGANIZATION not in user_scopes(user, "change", GrantReport):
        return None
    today = timezone.localdate()
    reports = [{"report": report, "overdue": report_is_overdue(report, today)} for report in reports_due(user=user)]
    return {"work": True, "reports": reports}


def grant_reports_to_review_widget(user: User) -> dict[str, Any] | None:
    """Who approves the country's grant reports (the national coordinator)."""
    if SCOPE_NATIONAL not in user_scopes(user, "approve", GrantReport):
        return None
    return {"work": True, "reports": reports_to_review(user=user)}


WIDGETS: list[Any] = [
    Section(
        "programme_grant_reports_due", "programme/grants/widget_reports_due.html", grant_reports_due_widget, weight=-10
    ),
    Section(
        "programme_grant_reports_to_review",
        "programme/grants/widget_reports_to_review.html",
        grant_reports_to_review_widget,
        weight=-10,
    ),
]
