"""What the statistics app brings to the lower layers through the registry (read by StatsConfig.ready()): the demo
seeder, and the entries of the dashboard, the exports and the audit words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tipsom.core.registry import DemoSeeder


def entries() -> Iterator[tuple[str, Any, str | None]]:
    from tipsom.stats import demo

    # `tipsom demo`: the facts of every other app's demo data, after all of them.
    yield "demo_seeders", DemoSeeder("stats", demo.seed, weight=90), None
