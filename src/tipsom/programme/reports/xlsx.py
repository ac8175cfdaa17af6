"""The donor report as a workbook: a sheet per section (its table from the first row, the total in bold, the notes
under it) and a native bar chart (openpyxl.chart) beside each table that has one. A withheld count is written as
its mark ("<5", ".."): a gap in the chart, never a zero. Every text goes through escape_formula."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import IO

from django.utils.translation import get_language_bidi
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tipsom.core.spreadsheets import escape_formula
from tipsom.programme.reports.data import Cell, DonorReport, Section, Withheld, cell_text, date_text

HEADER_ROW = 1
SHEET_TITLE_LENGTH = 31  # Excel's limit
BOLD = Font(bold=True)


def sheet_title(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\) that no other sheet has."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:SHEET_TITLE_LENGTH] or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name = base[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(name.lower())
    return name


def _value(cell: Cell) -> object:
    if isinstance(cell, Withheld):
        return cell.mark
    if isinstance(cell, str):
        return escape_formula(cell)
    return cell


def _write_section(workbook: Workbook, section: Section, title: str) -> None:
    sheet = workbook.create_sheet(title)
    sheet.sheet_view.rightToLeft = get_language_bidi()
    for column, header in enumerate(section.columns, start=1):
        cell = sheet.cell(HEADER_ROW, column, escape_formula(header.label))
        cell.font = BOLD
        width = max([len(header.label), *(len(cell_text(row[column - 1])) for row in section.all_rows)] or [8])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    for index, row in enumerate(section.all_rows):
        excel_row = HEADER_ROW + 1 + index
        is_total = section.total is not None and index == len(section.rows)
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(excel_row, column, _value(value))
            spec = section.columns[column - 1]
            if spec.numeric and isinstance(value, Decimal):
                cell.number_format = "#,##0.00" if spec.decimals else "#,##0"
            elif spec.numeric and isinstance(value, int):
                cell.number_format = "#,##0"
            if is_total or index in section.heading_rows:
                cell.font = BOLD
    last_row = HEADER_ROW + len(section.all_rows)
    for offset, note in enumerate(section.notes, start=2):
        sheet.cell(last_row + offset, 1, escape_formula(note))
    if section.chart is not None and section.chart_rows() and not section.heading_rows:
        _chart(sheet, section, len(section.columns) + 2)


def _chart(sheet: object, section: Section, anchor_column: int) -> None:
    """A bar chart of the section's rows (not the total), one series per value column."""
    assert section.chart is not None
    spec = section.chart
    first, last = HEADER_ROW + 1, HEADER_ROW + len(section.rows)
    chart = BarChart()
    chart.type = "bar"  # horizontal: long labels read well
    chart.title = spec.title
    chart.height = max(7.5, 0.6 * len(section.rows) + 3)
    chart.width = 18
    for column in spec.value_columns:
        data = Reference(sheet, min_col=column + 1, min_row=HEADER_ROW, max_row=last)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=spec.label_column + 1, min_row=first, max_row=last))
    chart.legend = chart.legend if len(spec.value_columns) > 1 else None
    sheet.add_chart(chart, f"{get_column_letter(anchor_column)}{HEADER_ROW + 1}")  # type: ignore[attr-defined]


def write_report_xlsx(report: DonorReport, stream: IO[bytes]) -> None:
    """Write the report's workbook to `stream`: a cover sheet (country, period, pillar), then a sheet per section."""
    workbook = Workbook()
    cover = workbook.active
    assert cover is not None
    taken: set[str] = set()
    cover.title = sheet_title(report.title, taken)
    cover.sheet_view.rightToLeft = get_language_bidi()
    cover.cell(1, 1, escape_formula(report.title)).font = Font(bold=True, size=14)
    from django.utils.translation import gettext as _

    for row, (label, value) in enumerate(
        [
            (_("Country"), f"{report.country_name} ({report.country})"),
            (_("Period"), report.period_label),
            (_("Pillar"), report.pillar_label),
            (_("Made on"), date_text(report.generated_at.date())),
        ],
        start=3,
    ):
        cover.cell(row, 1, escape_formula(label)).font = BOLD
        cover.cell(row, 2, escape_formula(value))
    cover.column_dimensions["A"].width = 24
    cover.column_dimensions["B"].width = 60
    for section in report.sections:
        _write_section(workbook, section, sheet_title(section.title, taken))
    workbook.save(stream)


def report_xlsx_bytes(report: DonorReport) -> bytes:
    buffer = io.BytesIO()
    write_report_xlsx(report, buffer)
    return buffer.getvalue()
