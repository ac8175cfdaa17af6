"""Home-page widgets of the programme (results_widgets)."""

from typing import Any

WIDGETS: list[Any] = []
