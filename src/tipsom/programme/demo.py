"""The programme's demo data (`tipsom demo`): filled in by the demo work of issue 16."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ProgrammeReport:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        counts = ", ".join(f"{kind} {rows}" for kind, rows in self.rows.items())
        return f"Programme: {counts or 'nothing'}."


def seed(options: Any) -> ProgrammeReport:
    return ProgrammeReport()
