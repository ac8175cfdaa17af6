"""The programme API: reports."""

from typing import Any

paths: list[Any] = []
