"""`tipsom report <kind>`: the programme's reports from the server's shell.

    tipsom report donor --country XX --from YYYY-MM-DD --to YYYY-MM-DD [--format xlsx|pdf] [--output FILE]
                        [--pillar N]
    tipsom report iati (--country XX | --all) --from YYYY-MM-DD --to YYYY-MM-DD [--output FILE]

The command reads as the system: the national scope of the country (`--all`: every country), never identities.
Each file is written to a temporary name and renamed into place (nothing is left on an error) and audited
(programme.report.export, programme.iati.export)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from tipsom.core.errors import ApplicationError
from tipsom.core.management.base import Subcommands, SubcommandsCommand, TipsomCommand
from tipsom.core.permissions import SCOPE_GLOBAL, system_reader
from tipsom.organizations.models import Organization
from tipsom.programme.models import Activity, Grant
from tipsom.programme.reports.data import check_format, report_parameters
from tipsom.programme.reports.exports import donor_report_export, iati_export, report_file_name

subcommand = Subcommands("report")


class Command(SubcommandsCommand):
    help = "The programme's reports (`tipsom report <kind> --help` for each)."
    subcommands = subcommand


def _period(parser: CommandParser) -> None:
    parser.add_argument("--from", dest="start", required=True, help="The first day of the period (YYYY-MM-DD).")
    parser.add_argument("--to", dest="end", required=True, help="The last day of the period (YYYY-MM-DD).")


def _organization(country: str) -> Organization:
    organization = Organization.objects.filter(country=country).order_by("pk").first()
    if organization is None:  # report_parameters checked it; a guard for the type
        raise ApplicationError("invalid", _("No organization of this deployment is in %(code)s.") % {"code": country})
    return organization


# --- donor ---------------------------------------------------------------------------------------------------------
def _donor_arguments(parser: CommandParser) -> None:
    parser.add_argument("--country", required=True, help="The country (ISO alpha-2).")
    _period(parser)
    parser.add_argument("--format", default="xlsx", help="xlsx (default) or pdf.")
    parser.add_argument("--pillar", default=None, help="Only this pillar (1 to 6).")
    parser.add_argument("--output", type=Path, help="The file to write (default: donor-report-<country>-...).")


@subcommand("donor", "The donor report of a country (and a pillar) for a period, as XLSX or PDF.", _donor_arguments)
def report_donor(command: TipsomCommand, options: dict[str, Any]) -> None:
    format = check_format(options["format"])
    parameters = report_parameters(
        country=options["country"], start=options["start"], end=options["end"], pillar=options.get("pillar")
    )
    output = Path(options.get("output") or report_file_name(parameters, format))
    reader = system_reader(_organization(parameters.country))
    made = donor_report_export(actor=None, reader=reader, parameters=parameters, format=format, output=output)
    command.stdout.write(f"{output} ({len(made.content)} bytes)")


# --- iati ----------------------------------------------------------------------------------------------------------
def _iati_arguments(parser: CommandParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--country", help="The country (ISO alpha-2).")
    which.add_argument("--all", action="store_true", help="Every country of the deployment.")
    _period(parser)
    parser.add_argument("--output", type=Path, help="The file to write (default: iati-<country>-....xml).")


@subcommand("iati", "The programme's IATI 2.03 activity file (one activity per country) for a period.", _iati_arguments)
def report_iati(command: TipsomCommand, options: dict[str, Any]) -> None:
    if options.get("all"):
        # Every country with a programme: an activity or a grant (an organization alone, say a partner abroad for
        # referrals, is not a programme country).
        countries = sorted(
            set(Activity.objects.order_by().values_list("country", flat=True).distinct())
            | set(Grant.objects.order_by().values_list("country", flat=True).distinct())
        )
        if not countries:
            raise ApplicationError("invalid", _("This deployment has no programme activity or grant yet."))
        parameters = report_parameters(country=countries[0], start=options["start"], end=options["end"])
        reader = system_reader(_organization(countries[0]), scope=SCOPE_GLOBAL)
    else:
        parameters = report_parameters(country=options["country"], start=options["start"], end=options["end"])
        countries = [parameters.country]
        reader = system_reader(_organization(parameters.country))
    label = countries[0] if len(countries) == 1 and not options.get("all") else "all"
    output = Path(options.get("output") or f"iati-{label}-{parameters.start:%Y%m%d}-{parameters.end:%Y%m%d}.xml")
    made, iati = iati_export(
        actor=None, reader=reader, countries=countries, start=parameters.start, end=parameters.end, output=output
    )
    command.stdout.write(
        f"{output} ({iati.activities} activities, {iati.results} results, {iati.transactions} transactions)"
    )
