"""Navigation by permission: the menu shows only the screens the user may open. Its entries come from the apps
(`menu_items` in tipsom.core.registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.registry import ordered

if TYPE_CHECKING:
    from tipsom.accounts.models import User


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
        return {"menu": [], "work": []}
    menu = [_entry(item, user, request.path) for item in ordered("menu_items") if item.allowed(user)]
    return {"menu": menu, "work": [entry for entry in menu if not entry["personal"]]}
