"""What the statistics app brings to the lower layers through the registry (read by StatsConfig.ready()): the demo
seeder, and the entries of the dashboard, the exports and the audit words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tipsom.core.registry import DemoSeeder


def entries() -> Iterator[tuple[str, Any, str | None]]:
    from tipsom.stats import demo, plugins_dashboard

    # `tipsom demo`: the facts of every other app's demo data, after all of them.
    yield "demo_seeders", DemoSeeder("stats", demo.seed, weight=90), None
    # The dashboard's menu entry and home-page widget.
    yield from plugins_dashboard.entries()
    # The HTCDS export of cases, for those who may export cases.
    from tipsom.stats.views.htcds import htcds_menu_entries

    yield from (("menu_items", item, None) for item in htcds_menu_entries())
    # The CTDC upload takes files as large as an import's.
    yield "request_size_limits", _ctdc_upload_limit, "/stats/ctdc/"


def _ctdc_upload_limit() -> int:
    from tipsom.intake.views import upload_size_limit

    return upload_size_limit()
