"""The programme API: participants and rosters."""

from typing import Any

paths: list[Any] = []
