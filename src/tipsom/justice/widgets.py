"""The justice app's home-page widgets (registered from plugins.py)."""

from typing import Any

WIDGETS: list[Any] = []
