"""What the justice app brings to the lower layers through the registry (read by JusticeConfig.ready()): menu
entries, the victim case page's Proceedings tab, home-page widgets, audit words and the demo seeder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tipsom.core.registry import DemoSeeder


def entries() -> Iterator[tuple[str, Any, str | None]]:
    from tipsom.justice import audit_labels, demo, report_widgets, widgets

    # Menu entries: each part adds its own line here when its screen exists.
    yield "menu_items", _criminal_cases_menu(), None
    yield "menu_items", _incidents_menu(), None
    for widget in widgets.WIDGETS:
        yield "home_widgets", widget, None
    for widget in report_widgets.WIDGETS:
        yield "home_widgets", widget, None
    yield from audit_labels.entries()
    yield "demo_seeders", DemoSeeder("justice", demo.seed, weight=30), None  # after the cases and referrals


def _criminal_cases_menu() -> Any:
    from django.utils.translation import gettext_lazy as _

    from tipsom.core.permissions import user_can
    from tipsom.core.registry import MenuItem
    from tipsom.justice.models import CriminalCase

    return MenuItem(_("Criminal cases"), "justice:list", lambda u: user_can(u, "view", CriminalCase), 40)


def _incidents_menu() -> Any:
    from django.utils.translation import gettext_lazy as _

    from tipsom.core.permissions import user_can
    from tipsom.core.registry import MenuItem
    from tipsom.justice.models import SmugglingIncident

    return MenuItem(_("Smuggling incidents"), "justice:incidents", lambda u: user_can(u, "view", SmugglingIncident), 42)
