"""The session engine (settings.SESSION_ENGINE): Django's database sessions, whose sliding expiry is written at
most once a minute instead of on every request.

A session ends after SESSION_COOKIE_AGE of inactivity. Saving it on every request (SESSION_SAVE_EVERY_REQUEST)
costs a database write per page; here a session read from the database is marked for saving (which moves its
expiry to now + SESSION_COOKIE_AGE) only when its expiry was last moved more than REFRESH_SECONDS ago. A user
idle for the whole age is still signed out: at worst REFRESH_SECONDS earlier than with a write per request, never
later. An expired session is not read at all, as before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.utils import timezone

REFRESH_SECONDS = 60


def _expiry_due(row: Any, data: dict[str, Any]) -> bool:
    """Whether the session's expiry was last moved REFRESH_SECONDS ago or more. A session with an expiry of its
    own (set_expiry) keeps Django's rule: saved on every request."""
    moved_at = row.expire_date - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return "_session_expiry" in data or timezone.now() - moved_at >= timedelta(seconds=REFRESH_SECONDS)


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        row = self._get_session_from_db()  # type: ignore[attr-defined]  # Django's, missing from django-stubs
        if row is None:
            return {}
        data = self.decode(row.session_data)
        if _expiry_due(row, data):
            self.modified = True  # SessionMiddleware saves it, with the expiry moved to now + SESSION_COOKIE_AGE
        return data

    async def aload(self) -> dict[str, Any]:
        row = await self._aget_session_from_db()  # type: ignore[attr-defined]  # as above
        if row is None:
            return {}
        data = self.decode(row.session_data)
        if _expiry_due(row, data):
            self.modified = True
        return data
