"""Home-page widgets of the programme (grant_widgets)."""

from typing import Any

WIDGETS: list[Any] = []
