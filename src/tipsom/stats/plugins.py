"""What the statistics app brings to the lower layers through the registry (read by StatsConfig.ready()): the demo
seeder, and the entries of the dashboard, the exports and the audit words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import user_can
from tipsom.core.registry import DemoSeeder, MenuItem


def entries() -> Iterator[tuple[str, Any, str | None]]:
    from tipsom.stats import audit_labels, demo, plugins_dashboard
    from tipsom.stats.models import VictimFact

    # `tipsom demo`: the facts of every other app's demo data, after all of them.
    yield "demo_seeders", DemoSeeder("stats", demo.seed, weight=90), None
    # The dashboard's menu entry and home-page widget; the GLOTIP tables.
    yield from plugins_dashboard.entries()
    glotip = MenuItem(_("GLOTIP tables"), "stats:glotip", lambda user: user_can(user, "export", VictimFact), 77)
    yield "menu_items", glotip, None
    yield from audit_labels.entries()
    # The HTCDS export of cases, for those who may export cases.
    from tipsom.stats.views.htcds import htcds_menu_entries

    yield from (("menu_items", item, None) for item in htcds_menu_entries())
    # The CTDC upload takes files as large as an import's.
    yield "request_size_limits", _ctdc_upload_limit, "/stats/ctdc/"


def _ctdc_upload_limit() -> int:
    from tipsom.intake.views import upload_size_limit

    return upload_size_limit()
