"""The programme API: grants."""

from typing import Any

paths: list[Any] = []
