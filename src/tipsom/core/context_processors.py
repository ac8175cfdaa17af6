"""Navigation by permission: the menu shows only the screens the user may open. Its entries come from the apps
(`menu_items` in tipsom.core.registry).

The bar must stay on one line at 1366 px in every language, however many apps add entries: the first
`PRIMARY_ENTRIES` work entries (by weight) are in the bar, the others under "More"; personal entries (one's own
inbox) sit beside the account menu, which holds the profile, the language and signing out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.registry import ordered

if TYPE_CHECKING:
    from tipsom.accounts.models import User

# How many work entries the bar shows before "More" (five fit at 1366 px in the longest language, Nepali).
PRIMARY_ENTRIES = 5


def _entry(item: Any, user: User, path: str) -> dict[str, Any]:
    url = reverse(item.url_name)
    # Active on its own pages: /referrals/12/ is under Referrals, /cases/3/referrals/ is not.
    entry = {"label": item.label, "url": url, "personal": item.personal, "active": path.startswith(url)}
    if item.badge is not None:
        # A lazy count: one query, run only when a page shows the navigation bar.
        entry["badge"] = SimpleLazyObject(lambda: item.badge(user))
    return entry


def navigation(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "work": [], "nav_primary": [], "nav_more": [], "nav_personal": []}
    menu = [_entry(item, user, request.path) for item in ordered("menu_items") if item.allowed(user)]
    # One entry is current: the longest address the page is under (/cases/approvals/ is Approvals, not Cases).
    current = max((entry for entry in menu if entry["active"]), key=lambda entry: len(entry["url"]), default=None)
    for entry in menu:
        entry["active"] = entry is current
    work = [entry for entry in menu if not entry["personal"]]
    # With one entry too many, "More" would hold a single entry: show it instead.
    cut = len(work) if len(work) <= PRIMARY_ENTRIES + 1 else PRIMARY_ENTRIES
    return {
        "menu": menu,
        "work": work,
        "nav_primary": work[:cut],
        "nav_more": work[cut:],
        "nav_more_active": any(entry["active"] for entry in work[cut:]),
        "nav_personal": [entry for entry in menu if entry["personal"]],
    }
