"""The programme API: activities."""

from typing import Any

paths: list[Any] = []
