"""Reads for the inbox. A notification belongs to one user and nobody else reads it: no role or permission is
involved, so these start from the user's own rows rather than from `.restrict()`."""

from __future__ import annotations

from django.db.models import QuerySet

from tipsom.accounts.models import User
from tipsom.notifications.models import Notification


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications (newest first by the caller's paging)."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def notification_unread_count(*, user: User) -> int:
    """One COUNT over the inbox index (user, read_at)."""
    return notification_list(user=user).filter(read_at__isnull=True).count()
