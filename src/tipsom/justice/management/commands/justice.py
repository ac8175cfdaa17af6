"""`tipsom justice provisions [--update]`: load the legal provisions of justice/data/provisions.json (the missing
ones; with --update, also bring changed ones back to the seed). Safe to run again: nothing is created twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from tipsom.core.management.base import TipsomCommand
from tipsom.justice.services.provisions import provisions_seed


class Command(TipsomCommand):
    help = "Justice records from the server's shell: `provisions` loads the seeded laws of the GLO.ACT countries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        provisions = sub.add_parser("provisions", help="Load the seeded legal provisions (idempotent).")
        provisions.add_argument(
            "--update",
            action="store_true",
            help="Also overwrite provisions whose values differ from the seed (an administrator's edits are lost).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["subcommand"])(options)

    def _provisions(self, options: dict[str, Any]) -> None:
        result = provisions_seed(update=options["update"])
        self.stdout.write(
            f"Legal provisions: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
        )
