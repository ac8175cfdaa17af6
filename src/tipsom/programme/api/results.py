"""The programme API: results."""

from typing import Any

paths: list[Any] = []
