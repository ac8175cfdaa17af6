"""`tipsom people reindex`: rewrite the search keys of every person's names (people.PersonNameKey), for names
written before the keys existed or after the index key of the keyring changed. Audited as one command event."""

from typing import Any

from django.core.management.base import CommandParser

from tipsom.core.management.base import TipsomCommand
from tipsom.people.services import person_names_reindex


class Command(TipsomCommand):
    help = "Person registry tools. `reindex` rewrites the search keys of every name (blind indexes only)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("reindex", help="Rewrite the search keys (words and beginnings of words) of every name.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "reindex":
            names, keys = person_names_reindex()
            self.stdout.write(self.style.SUCCESS(f"Search keys rewritten: {names} names, {keys} keys."))
