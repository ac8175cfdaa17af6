"""Matching's home-page widgets (registered from plugins.py): the access requests waiting for the organization's
answer, and the possible duplicates waiting for a reviewer. Each is the day's work ("work": True), costs one or two
indexed queries and reads no name. The selectors are imported when called: this module is read at start-up
(plugins.py), the names module they need only at the first request."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.models import User
from tipsom.core.listing import capped_count
from tipsom.core.permissions import user_can
from tipsom.core.registry import Section
from tipsom.matching.models import AccessRequest, CandidatePair

SHOWN = 5


def access_requests_widget(user: User) -> dict[str, Any] | None:
    """Requests other organizations sent to the user's, oldest first; left out when none waits."""
    if not user_can(user, "change", AccessRequest):
        return None
    from tipsom.matching.selectors import access_request_inbox

    waiting = list(access_request_inbox(user=user)[: SHOWN + 1])
    if not waiting:
        return None
    return {"work": True, "requests": waiting[:SHOWN], "more": len(waiting) > SHOWN}


def duplicates_widget(user: User) -> dict[str, Any] | None:
    """How many pairs wait for a review (counted up to a cap)."""
    if not user_can(user, "change", CandidatePair):
        return None
    from tipsom.matching.selectors import pair_list

    return {"work": True, "count": capped_count(pair_list(user=user))}


def access_requests_badge(user: User) -> int | None:
    """The menu's count beside "Access requests": the requests waiting for the organization's answer."""
    if not user_can(user, "change", AccessRequest):
        return None
    from tipsom.matching.selectors import access_request_inbox

    return access_request_inbox(user=user).count() or None


WIDGETS: list[Any] = [
    Section("matching_access_requests", "matching/widgets/access_requests.html", access_requests_widget, weight=-20),
    Section("matching_duplicates", "matching/widgets/duplicates.html", duplicates_widget, weight=-10),
]
