"""The statistics demo: the facts of every other app's demo data, built once they are all there (the seeder runs
last), so that the dashboard, GLOTIP tables and exports have something to show in every country."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StatsReport:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        counts = ", ".join(f"{kind} {rows}" for kind, rows in self.rows.items())
        return f"Statistics: facts built again ({counts})."


def seed(options: Any) -> StatsReport:
    """The "stats" demo seeder (registered from stats/plugins.py): every fact rebuilt from the demo's records."""
    from tipsom.stats.facts import engine

    return StatsReport({result.kind: result.rows for result in engine.rebuild()})
