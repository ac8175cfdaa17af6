"""`tipsom export <format>`: statistics releases from the server's shell.

    tipsom export ctdc [--k 11] [--output FILE] [--country CC]
    tipsom export synthetic --epsilon E [--output FILE] [--country CC] [--seed N]

Each release reads the counted victims of one country (`--country`, or the one country this deployment serves),
writes its file then renames it into place (with `<output>.report.json` beside it), and is audited.

A subcommand is one function registered with `@subcommand(name, help, arguments)`: `arguments(parser)` adds its
options, the function runs it with the command and the parsed options. The GLOTIP and HTCDS exports
(`tipsom.stats.glotip.glotip_export`, `tipsom.stats.htcds.htcds_export`) are added the same way, below the others.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from tipsom.core.management.base import TipsomCommand
from tipsom.stats.exports import Scope, deployment_country


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
    """Register `tipsom export <name>`: the decorated function runs it."""

    def decorate(
        run: Callable[[TipsomCommand, dict[str, Any]], None],
    ) -> Callable[[TipsomCommand, dict[str, Any]], None]:
        if name in SUBCOMMANDS:
            raise ValueError(f"tipsom export {name} is defined twice")
        SUBCOMMANDS[name] = Subcommand(name, help, arguments, run)
        return run

    return decorate


class Command(TipsomCommand):
    help = "Statistics releases (`tipsom export <format> --help` for each)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name in sorted(SUBCOMMANDS):
            entry = SUBCOMMANDS[name]
            entry.arguments(sub.add_parser(name, help=entry.help, description=entry.help))

    def handle(self, *args: Any, **options: Any) -> None:
        SUBCOMMANDS[options["subcommand"]].run(self, options)


def _common(parser: CommandParser) -> None:
    parser.add_argument("--output", type=Path, help="The file to write (default: <format>-<country>-<date>.csv).")
    parser.add_argument("--country", help="The country whose victims are released (ISO alpha-2).")


def _scope_and_output(options: dict[str, Any], kind: str) -> tuple[Scope, Path]:
    country = deployment_country(options.get("country"))
    output = options.get("output") or Path(f"{kind}-{country}-{timezone.localdate():%Y%m%d}.csv")
    return Scope(country=country), Path(output)


# --- ctdc ----------------------------------------------------------------------------------------------------------
def _ctdc_arguments(parser: CommandParser) -> None:
    parser.add_argument("--k", type=int, default=11, help="Every group of identical quasi-identifiers has k or more.")
    _common(parser)


@subcommand("ctdc", "CTDC global dataset format (codebook v6), k-anonymised.", _ctdc_arguments)
def export_ctdc(command: TipsomCommand, options: dict[str, Any]) -> None:
    from tipsom.stats.ctdc.export import ctdc_export, ctdc_report_lines

    scope, output = _scope_and_output(options, "ctdc")
    started = datetime.datetime.now(tz=datetime.UTC)
    release = ctdc_export(scope, k=options["k"], output=output)
    seconds = (datetime.datetime.now(tz=datetime.UTC) - started).total_seconds()
    for line in ctdc_report_lines(release):
        command.stdout.write(line)
    command.stdout.write(f"{output} ({release.records} records, {seconds:.1f} s); report: {output}.report.json")


# --- synthetic -----------------------------------------------------------------------------------------------------
def _synthetic_arguments(parser: CommandParser) -> None:
    parser.add_argument("--epsilon", type=str, required=True, help="The privacy budget (for example 4; at most 20).")
    parser.add_argument("--seed", type=int, default=None, help="Seed of the risk check's holdout split.")
    _common(parser)


@subcommand("synthetic", "Differentially private synthetic victims (CTDC synthetic codebook v2).", _synthetic_arguments)
def export_synthetic(command: TipsomCommand, options: dict[str, Any]) -> None:
    from tipsom.stats.synthetic import parse_epsilon, synthetic_export, synthetic_report_lines

    epsilon = parse_epsilon(options["epsilon"])
    scope, output = _scope_and_output(options, "synthetic")
    release = synthetic_export(scope, epsilon=epsilon, output=output, seed=options.get("seed"))
    for line in synthetic_report_lines(release):
        command.stdout.write(line)
    command.stdout.write(f"{output} ({release.records} records); report: {output}.report.json")


# --- glotip, htcds -------------------------------------------------------------------------------------------------
# Not yet here: `glotip` (tipsom.stats.glotip.glotip_export) and `htcds` (tipsom.stats.htcds.htcds_export) did not
# exist when this command was written. Add each as a function decorated with @subcommand("glotip", ...) /
# @subcommand("htcds", ...), with its arguments function (use _common for --output and --country).
