"""The programme's participants and rosters pages."""

from typing import Any

urlpatterns: list[Any] = []
