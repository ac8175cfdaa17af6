"""Home-page widgets of the results framework (registered from plugins.py): for the national coordinator, the
indicator values awaiting their approval; for the M&E officer, the values returned for revision. Each costs one
indexed query (the country and the status) and reads no name."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.models import User
from tipsom.core.permissions import SCOPE_NATIONAL, user_scopes
from tipsom.core.registry import Section
from tipsom.programme.models import IndicatorPeriod
from tipsom.programme.selectors.results import periods_awaiting_approval, periods_returned


def periods_awaiting_widget(user: User) -> dict[str, Any] | None:
    """Who approves the country's indicator values (the national coordinator)."""
    if SCOPE_NATIONAL not in user_scopes(user, "approve", IndicatorPeriod):
        return None
    return {"work": True, "periods": periods_awaiting_approval(user=user)}


def periods_returned_widget(user: User) -> dict[str, Any] | None:
    """Who enters the country's indicator values (the M&E officer)."""
    if SCOPE_NATIONAL not in user_scopes(user, "change", IndicatorPeriod):
        return None
    return {"work": True, "periods": periods_returned(user=user)}


WIDGETS: list[Any] = [
    Section(
        "programme_periods_awaiting", "programme/widgets/periods_awaiting.html", periods_awaiting_widget, weight=-10
    ),
    Section(
        "programme_periods_returned", "programme/widgets/periods_returned.html", periods_returned_widget, weight=-10
    ),
]
