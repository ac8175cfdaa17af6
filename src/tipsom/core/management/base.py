"""Base for tipsom's commands: each runs in its own audit context, and ApplicationError ends it cleanly."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

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


Run = Callable[[TipsomCommand, dict[str, Any]], None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    arguments: Callable[[CommandParser], None]
    run: Run


class Subcommands(dict[str, Subcommand]):
    """The subcommands of one command (`tipsom <command> <name>`). Register one with the decorator
    `@subcommands(name, help, arguments)`: `arguments(parser)` adds its options, the decorated function runs it with
    the command and the parsed options."""

    def __init__(self, command: str) -> None:
        super().__init__()
        self.command = command

    def __call__(
        self, name: str, help: str, arguments: Callable[[CommandParser], None] = lambda parser: None
    ) -> Callable[[Run], Run]:
        def decorate(run: Run) -> Run:
            if name in self:
                raise ValueError(f"tipsom {self.command} {name} is defined twice")
            self[name] = Subcommand(name, help, arguments, run)
            return run

        return decorate


class SubcommandsCommand(TipsomCommand):
    """A command made of subcommands (`subcommands`, filled by the module that defines the command)."""

    subcommands: ClassVar[Subcommands]

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name in sorted(self.subcommands):
            entry = self.subcommands[name]
            entry.arguments(sub.add_parser(name, help=entry.help, description=entry.help))

    def handle(self, *args: Any, **options: Any) -> None:
        self.subcommands[options["subcommand"]].run(self, options)
