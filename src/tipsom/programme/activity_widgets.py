"""Home-page widgets of the programme (activity_widgets)."""

from typing import Any

WIDGETS: list[Any] = []
