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
    yield "menu_items", _provisions_menu(), None
    yield "menu_items", _stats_menu(), None
    for widget in widgets.WIDGETS:
        yield "home_widgets", widget, None
    for widget in report_widgets.WIDGETS:
        yield "home_widgets", widget, None
    # The victim case page's Proceedings tab (victims part): the criminal cases the victim takes part in.
    yield "case_tabs", _proceedings_tab(), None
    for pattern in _proceedings_urls():
        yield "case_urls", pattern, None
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


def _provisions_menu() -> Any:
    from django.utils.translation import gettext_lazy as _

    from tipsom.core.permissions import user_can
    from tipsom.core.registry import MenuItem
    from tipsom.justice.models import LegalProvision

    return MenuItem(_("Laws"), "justice:provisions", lambda u: user_can(u, "change", LegalProvision), 70)


def _stats_menu() -> Any:
    from django.utils.translation import gettext_lazy as _

    from tipsom.core.registry import MenuItem
    from tipsom.justice.selectors.stats import user_sees_national

    # The national view of the year's justice counts (rapporteurs, coordinators); others reach it by its address.
    return MenuItem(_("Justice statistics"), "justice:stats", user_sees_national, 72)


def _proceedings_tab() -> Any:
    from django.utils.translation import gettext_lazy as _

    from tipsom.core.registry import CaseTab

    return CaseTab("proceedings", _("Proceedings"), "cases:proceedings", weight=20)


def _proceedings_urls() -> list[Any]:
    from django.urls import path

    from tipsom.justice.views import case_tab

    return [path("proceedings/", case_tab.case_proceedings_view, name="proceedings")]
