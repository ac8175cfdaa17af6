"""Base for tipsom's commands: each runs in its own audit context, and ApplicationError ends it cleanly."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tipsom.core.context import action_context
from tipsom.core.errors import ApplicationError


class TipsomCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> Any:
        with action_context(channel="command"):
            try:
                return super().execute(*args, **options)
            except ApplicationError as exc:
                details = "".join(f"\n  {key}: {value}" for key, value in _flatten(exc.extra))
                raise CommandError(f"{exc.message}{details}") from exc


def _flatten(extra: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in extra.items():
        if isinstance(value, dict):
            rows.extend(_flatten(value, f"{prefix}{key}."))
        else:
            rows.append((f"{prefix}{key}", value))
    return rows
