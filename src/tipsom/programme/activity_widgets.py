"""The programme's home-page widgets of activities (registered from plugins.py): for the M&E officer, the follow-up
actions of cooperation meetings that are overdue or due within 30 days; for an implementing partner, the latest
activities its organization reported. Each costs one indexed query."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.models import User
from tipsom.core.permissions import SCOPE_NATIONAL, SCOPE_ORGANIZATION, user_scopes
from tipsom.core.registry import Section
from tipsom.programme.models import Activity, FollowUpAction
from tipsom.programme.selectors.activities import DUE_DAYS, follow_ups_due, is_overdue, organization_activities


def follow_ups_due_widget(user: User) -> dict[str, Any] | None:
    """Who records the country's activities (a national scope to change follow-up actions)."""
    if SCOPE_NATIONAL not in user_scopes(user, "change", FollowUpAction):
        return None
    actions = follow_ups_due(user=user)
    return {
        "work": True,
        "days": DUE_DAYS,
        "actions": [{"action": action, "overdue": is_overdue(action)} for action in actions],
    }


def organization_activities_widget(user: User) -> dict[str, Any] | None:
    """An organization that reports its own activities (an implementing partner), not a national reader."""
    scopes = user_scopes(user, "add", Activity)
    if SCOPE_ORGANIZATION not in scopes or SCOPE_NATIONAL in scopes:
        return None
    return {"work": True, "activities": organization_activities(user=user)}


WIDGETS: list[Any] = [
    Section("programme_follow_ups_due", "programme/widgets/follow_ups_due.html", follow_ups_due_widget, weight=-10),
    Section(
        "programme_my_activities", "programme/widgets/my_activities.html", organization_activities_widget, weight=-10
    ),
]
