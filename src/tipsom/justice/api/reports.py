"""Justice API: reports."""

from typing import Any

from tipsom.core.registry import ApiRoute

routes: list[ApiRoute] = []
paths: list[Any] = []
