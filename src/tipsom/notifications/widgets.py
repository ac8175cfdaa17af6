"""The notifications app's home-page widget (registered from NotificationsConfig.ready()): the unread count and the
latest unread notifications. Every signed-in user has an inbox, so it is always shown; two queries over the inbox
index (user, read_at, id)."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.models import User
from tipsom.core.registry import Section
from tipsom.notifications import kinds
from tipsom.notifications.selectors import notification_list, notification_unread_count

LIMIT = 5


def notifications_widget(user: User) -> dict[str, Any] | None:
    if not user.is_authenticated:
        return None
    unread = notification_unread_count(user=user)
    latest = list(notification_list(user=user).filter(read_at__isnull=True).order_by("-pk")[:LIMIT]) if unread else []
    return {
        "work": True,
        "unread": unread,
        "items": [{"notification": item, "message": kinds.render(item)} for item in latest],
    }


WIDGET = Section("notifications", "notifications/widgets/latest.html", notifications_widget, weight=-10)
