"""`tipsom export <format>`: statistics releases from the server's shell.

    tipsom export ctdc [--k 11] [--output FILE] [--country CC]
    tipsom export synthetic --epsilon E [--output FILE] [--country CC] [--seed N]
    tipsom export glotip --year Y [--format csv|xlsx] [--output FILE] [--country CC]
    tipsom export htcds [--output FILE] [--country CC] [--password-file FILE] [--year-from Y] [--year-to Y]
                        [--status S] [--trafficking-status S]

Each release reads the counted victims of one country (`--country`, or the one country this deployment serves),
writes its file then renames it into place (with `<output>.report.json` beside it), and is audited.

A subcommand is one function registered with `@subcommand(name, help, arguments)`: `arguments(parser)` adds its
options, the function runs it with the command and the parsed options. Add a format by writing such a function.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from tipsom.core.management.base import Subcommands, SubcommandsCommand, TipsomCommand
from tipsom.stats.exports import Scope, deployment_country

subcommand = Subcommands("export")


class Command(SubcommandsCommand):
    help = "Statistics releases (`tipsom export <format> --help` for each)."
    subcommands = subcommand


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


# --- glotip --------------------------------------------------------------------------------------------------------
def _glotip_arguments(parser: CommandParser) -> None:
    parser.add_argument("--year", required=True, help="The year of identification, prosecution or conviction.")
    parser.add_argument("--format", default="csv", help="csv (the data portal's long format) or xlsx (with tables).")
    parser.add_argument("--output", type=Path, help="The file to write (default: glotip-<country>-<year>.<format>).")
    parser.add_argument("--country", help="The country whose figures are released (ISO alpha-2).")


@subcommand(
    "glotip", "UNODC GLOTIP figures: the data portal's long format, or the questionnaire's tables.", _glotip_arguments
)
def export_glotip(command: TipsomCommand, options: dict[str, Any]) -> None:
    from tipsom.stats.glotip import check_format, check_year, glotip_export

    text = str(options["year"]).strip()
    year = check_year(int(text) if text.isdigit() else text)
    format = check_format(options["format"])
    country = deployment_country(options.get("country"))
    output = Path(options.get("output") or f"glotip-{country}-{year}.{format}")
    release = glotip_export(Scope(country=country), year=year, format=format, output=output)
    command.stdout.write(f"{output} ({release.records} rows)")


# --- htcds ---------------------------------------------------------------------------------------------------------
def _htcds_arguments(parser: CommandParser) -> None:
    parser.add_argument("--output", type=Path, help="The archive to write (default: htcds-<country>-<date>.zip).")
    parser.add_argument("--country", help="The country whose cases are exported (ISO alpha-2).")
    parser.add_argument(
        "--password-file",
        type=Path,
        help="A file whose first line is the archive's password (else TIPSOM_HTCDS_PASSWORD, else asked for).",
    )
    parser.add_argument("--year-from", type=int, default=None)
    parser.add_argument("--year-to", type=int, default=None)
    parser.add_argument("--status", default="", help="Only cases with this case status (code).")
    parser.add_argument("--trafficking-status", default="", help="Only cases with this trafficking status (code).")


def _password(options: dict[str, Any]) -> str:
    """Never on the command line (it would stay in the shell's history and the process list)."""
    import getpass
    import os

    if options.get("password_file"):
        return Path(options["password_file"]).read_text(encoding="utf-8").splitlines()[0]
    return os.environ.get("TIPSOM_HTCDS_PASSWORD") or getpass.getpass("Archive password: ")


@subcommand("htcds", "Cases in the HTCDS fields, in an encrypted archive (never with identities).", _htcds_arguments)
def export_htcds(command: TipsomCommand, options: dict[str, Any]) -> None:
    from tipsom.stats.htcds import HtcdsFilters, htcds_export_country

    country = deployment_country(options.get("country"))
    output = Path(options.get("output") or f"htcds-{country}-{timezone.localdate():%Y%m%d}.zip")
    filters = HtcdsFilters(
        year_from=options.get("year_from"),
        year_to=options.get("year_to"),
        status=options.get("status") or "",
        trafficking_status=options.get("trafficking_status") or "",
    )
    archive = htcds_export_country(password=_password(options), output=output, country=country, filters=filters)
    command.stdout.write(f"{output} ({archive.release.records} cases, {archive.release.fields} fields)")
