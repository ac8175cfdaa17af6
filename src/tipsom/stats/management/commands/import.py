"""`tipsom import <format>`: external datasets from the server's shell.

    tipsom import ctdc FILE [--name NAME] [--country CC]

`ctdc` loads a CTDC-format CSV (the global dataset, or a redistributed copy) for the comparison views, and prints
its summary: rows read and imported, malformed rows by line number, shares by gender, data source and form of
exploitation. The same file again is recognised and not imported twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from tipsom.core.management.base import TipsomCommand
from tipsom.stats.exports import deployment_country


class Command(TipsomCommand):
    help = "Imports external datasets (`tipsom import ctdc --help`)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        ctdc = sub.add_parser("ctdc", help="A CTDC-format CSV, for comparison.", description="A CTDC-format CSV.")
        ctdc.add_argument("file", type=Path)
        ctdc.add_argument("--name", default="", help="The dataset's name (default: the file's name).")
        ctdc.add_argument("--country", help="The country that imports it (ISO alpha-2).")

    def handle(self, *args: Any, **options: Any) -> None:
        from tipsom.stats.ctdc.importer import ctdc_import, ctdc_summary_lines

        country = deployment_country(options.get("country"))
        started = timezone.now()
        dataset = ctdc_import(actor=None, country=country, path=options["file"], name=options["name"])
        again = dataset.imported_at < started
        for line in ctdc_summary_lines(dataset, again=again):
            self.stdout.write(line)
