"""The programme's impact pages."""

from typing import Any

urlpatterns: list[Any] = []
