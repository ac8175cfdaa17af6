"""What the programme app brings to the lower layers through the registry (read by ProgrammeConfig.ready()): menu
entries, home-page widgets, audit words and the demo seeder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import user_can
from tipsom.core.registry import DemoSeeder, MenuItem


def entries() -> Iterator[tuple[str, Any, str | None]]:
    from tipsom.programme import activity_widgets, audit_labels, demo, grant_widgets, results_widgets
    from tipsom.programme.models import Activity, Grant, IndicatorPeriod

    menu = [
        MenuItem(_("Activities"), "programme:activities", lambda u: user_can(u, "view", Activity), 80),
        MenuItem(_("Results framework"), "programme:results", lambda u: user_can(u, "view", IndicatorPeriod), 82),
        MenuItem(_("Grants"), "programme:grants", lambda u: user_can(u, "view", Grant), 84),
        MenuItem(_("Donor report"), "programme:report", lambda u: user_can(u, "export", Activity), 86),
    ]
    for item in menu:
        yield "menu_items", item, None
    for widget in [*activity_widgets.WIDGETS, *results_widgets.WIDGETS, *grant_widgets.WIDGETS]:
        yield "home_widgets", widget, None
    yield from audit_labels.entries()
    # Before the statistics seeder (90): the demo cases that show the training's effect must get their facts.
    yield "demo_seeders", DemoSeeder("programme", demo.seed, weight=80), None
