"""The programme API: impact."""

from typing import Any

paths: list[Any] = []
