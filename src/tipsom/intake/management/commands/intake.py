"""`tipsom intake <subcommand>`: imports from the server's shell.

    tipsom intake import FILE [--source NAME] [--organization ID|CODE] [--user USERNAME] [--mode all|valid]
                              [--dry-run] [--sheet NAME] [--map field=column ...] [--background]
    tipsom intake resume JOB_ID [--background]

A subcommand is one function registered with `@subcommand(name, help, arguments)`: `arguments(parser)` adds its
options, the function runs it with the command and the parsed options. Add one by writing such a function here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import CommandParser

from tipsom.core.management.base import TipsomCommand


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    arguments: Callable[[CommandParser], None]
    run: Callable[[TipsomCommand, dict[str, Any]], None]


SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(
    name: str, help: str, arguments: Callable[[CommandParser], None] = lambda parser: None
) -> Callable[[Callable[[TipsomCommand, dict[str, Any]], None]], Callable[[TipsomCommand, dict[str, Any]], None]]:
    """Register `tipsom intake <name>`: the decorated function runs it."""

    def decorate(
        run: Callable[[TipsomCommand, dict[str, Any]], None],
    ) -> Callable[[TipsomCommand, dict[str, Any]], None]:
        if name in SUBCOMMANDS:
            raise ValueError(f"tipsom intake {name} is defined twice")
        SUBCOMMANDS[name] = Subcommand(name, help, arguments, run)
        return run

    return decorate


class Command(TipsomCommand):
    help = "Imports from the server's shell (`tipsom intake <subcommand> --help` for each)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name in sorted(SUBCOMMANDS):
            entry = SUBCOMMANDS[name]
            entry.arguments(sub.add_parser(name, help=entry.help, description=entry.help))

    def handle(self, *args: Any, **options: Any) -> None:
        SUBCOMMANDS[options["subcommand"]].run(self, options)
