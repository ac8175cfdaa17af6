"""What the audit screen says about justice records (registered from plugins.py)."""

from collections.abc import Iterator
from typing import Any


def entries() -> Iterator[tuple[str, Any, str | None]]:
    yield from ()
