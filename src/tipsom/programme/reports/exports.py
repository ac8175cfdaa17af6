"""The donor report and the IATI file as files: made for a user (the screen, the API) or for the system (the
command), always audited (programme.report.export, programme.iati.export) with what was exported; a file on disk
is written to a temporary name and renamed (stats.exports.write_atomic): a failure leaves nothing behind."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import transaction

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.core.errors import NotFound
from tipsom.programme.reports.data import DonorReport, ReportParameters, check_format, donor_report, report_countries
from tipsom.programme.reports.iati import IatiFile, iati_file
from tipsom.stats.exports import write_atomic

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "xml": "application/xml",
}


def _write(stream: IO[bytes], content: bytes) -> None:
    stream.write(content)


@dataclass(frozen=True)
class ReportFile:
    name: str
    content: bytes
    content_type: str


def report_bytes(report: DonorReport, format: str) -> bytes:
    from tipsom.programme.reports.pdf import report_pdf_bytes
    from tipsom.programme.reports.xlsx import report_xlsx_bytes

    return report_xlsx_bytes(report) if format == "xlsx" else report_pdf_bytes(report)


def report_file_name(parameters: ReportParameters, format: str) -> str:
    pillar = f"-pillar{parameters.pillar}" if parameters.pillar else ""
    return f"donor-report-{parameters.country}-{parameters.start:%Y%m%d}-{parameters.end:%Y%m%d}{pillar}.{format}"


@transaction.atomic
def donor_report_export(
    *, actor: User | None, reader: User, parameters: ReportParameters, format: str, output: Path | None = None
) -> ReportFile:
    """The report's file in `format` (xlsx, pdf or json), read as `reader` (the actor, or the system for a
    command: actor None), audited; written to `output` when given."""
    format = format if format == "json" else check_format(format)
    report = donor_report(user=reader, parameters=parameters)
    if format == "json":
        import json

        content = json.dumps(report.as_json(), ensure_ascii=False).encode()
        content_type = "application/json"
    else:
        content, content_type = report_bytes(report, format), CONTENT_TYPES[format]
    if output is not None:
        write_atomic(output, lambda stream: _write(stream, content))
    audit_record(
        actor=actor,
        action="programme.report.export",
        object_type="programme.report",
        object_id=parameters.country,
        organization=actor.organization_id if actor is not None else None,
        changes={
            "country": parameters.country,
            "from": parameters.start.isoformat(),
            "to": parameters.end.isoformat(),
            "pillar": parameters.pillar,
            "format": format,
            "numbers": sum(1 for _number in report.numbers()),
        },
    )
    return ReportFile(report_file_name(parameters, format), content, content_type)


@transaction.atomic
def iati_export(
    *,
    actor: User | None,
    reader: User,
    countries: list[str],
    start: datetime.date,
    end: datetime.date,
    output: Path | None = None,
) -> tuple[ReportFile, IatiFile]:
    """The IATI 2.03 activity file of the countries (each one the reader may report), audited; written to
    `output` when given."""
    allowed = set(report_countries(reader))
    if not countries or any(country not in allowed for country in countries):
        raise NotFound()
    made = iati_file(user=reader, countries=countries, start=start, end=end)
    if output is not None:
        write_atomic(output, lambda stream: _write(stream, made.content))
    audit_record(
        actor=actor,
        action="programme.iati.export",
        object_type="programme.iati",
        object_id=",".join(countries)[:64],
        organization=actor.organization_id if actor is not None else None,
        changes={
            "countries": countries,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "activities": made.activities,
            "results": made.results,
            "transactions": made.transactions,
        },
    )
    label = countries[0] if len(countries) == 1 else "all"
    name = f"iati-{label}-{start:%Y%m%d}-{end:%Y%m%d}.xml"
    return ReportFile(name, made.content, CONTENT_TYPES["xml"]), made
