"""What the statistics app brings to the lower layers through the registry (read by StatsConfig.ready())."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def entries() -> Iterator[tuple[str, Any, str | None]]:
    yield from ()
