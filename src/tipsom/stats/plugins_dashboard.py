"""What the dashboard brings to the lower layers through the registry (chained into stats.plugins.entries()): the
menu entry "Statistics" for whoever may see the national statistics, and their home-page widget (the victims
detected this year and last, as the dashboard shows them: protected the same way)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from tipsom.core.registry import MenuItem, Section


def may_see_dashboard(user: Any) -> bool:
    from tipsom.core.permissions import SCOPE_NATIONAL, user_scopes
    from tipsom.stats.models import VictimFact

    return bool(getattr(user, "is_authenticated", False)) and SCOPE_NATIONAL in user_scopes(user, "view", VictimFact)


def victims_widget(user: Any) -> dict[str, Any] | None:
    """The home widget's context, or None for a user who may not see the national statistics."""
    if not may_see_dashboard(user) or user.organization is None:
        return None
    from tipsom.stats.selectors.dashboard import dashboard_scope, victims_this_year_and_last

    year, cells = victims_this_year_and_last(dashboard_scope(user))
    return {"year": year, "years": cells}


def entries() -> Iterator[tuple[str, Any, str | None]]:
    yield "menu_items", MenuItem(_("Statistics"), "stats:dashboard", may_see_dashboard, 72), None
    yield "home_widgets", Section("stats_victims", "stats/widgets/victims.html", victims_widget, weight=30), None
