"""What the justice app brings to the lower layers through the registry (read by JusticeConfig.ready()): menu
entries, the victim case page's Proceedings tab, home-page widgets, audit words and the demo seeder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import user_can
from tipsom.core.registry import CaseTab, DemoSeeder, MenuItem


def entries() -> Iterator[tuple[str, Any, str | None]]:
    from tipsom.justice import audit_labels, demo, report_widgets, widgets
    from tipsom.justice.models import CriminalCase, LegalProvision, SmugglingIncident
    from tipsom.justice.selectors.stats import user_sees_national
    from tipsom.justice.views import case_tab

    menu = [
        MenuItem(_("Criminal cases"), "justice:list", lambda u: user_can(u, "view", CriminalCase), 40),
        MenuItem(_("Smuggling incidents"), "justice:incidents", lambda u: user_can(u, "view", SmugglingIncident), 42),
        MenuItem(_("Laws"), "justice:provisions", lambda u: user_can(u, "change", LegalProvision), 70),
        # The national view of the year's justice counts (rapporteurs, coordinators); others reach it by its address.
        MenuItem(_("Justice statistics"), "justice:stats", user_sees_national, 72),
    ]
    for item in menu:
        yield "menu_items", item, None
    for widget in [*widgets.WIDGETS, *report_widgets.WIDGETS]:
        yield "home_widgets", widget, None
    # The victim case page's Proceedings tab: the criminal cases the victim takes part in, under /cases/<pk>/.
    yield "case_tabs", CaseTab("proceedings", _("Proceedings"), "cases:proceedings", weight=20), None
    yield "case_urls", path("proceedings/", case_tab.case_proceedings_view, name="proceedings"), None
    yield from audit_labels.entries()
    yield "demo_seeders", DemoSeeder("justice", demo.seed, weight=30), None  # after the cases and referrals
