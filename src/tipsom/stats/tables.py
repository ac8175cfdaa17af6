"""The one way a statistical table leaves tipsom: raw counts in, a PublishedTable out, protected by
tipsom.core.disclosure; and the writers of a published table (CSV, XLSX). The dashboard's screen, its downloads and
the API all show a PublishedTable, so they always give the same numbers for the same filters.

Who sees protected numbers: everyone, national users included. The dashboard shows exactly what may be published,
so whatever is shown in a briefing, downloaded or read from the API may be passed on, and the screen and the
files never disagree. The facts themselves never leave the system; a user who needs an exact small count finds it
in the case lists their role opens.

Protection. A count from 1 to 4 is withheld ("<5", status "primary"); then more cells (status "secondary", "..")
so that no withheld count can be worked out from what the table publishes: its row totals, column totals and grand
total, and what a reader knows besides (`within`: a column at most another, such as referrals accepted of those
sent). Tables that publish the same cells (the victims by year are the row totals of the victims by sex and age,
by case type and by form) are protected in one call (publish_group, with `shared` keys and cross-table `links`),
so a count withheld in one cannot be read off another. Only counts of persons are protected: a table may name
columns that count events (smuggling incidents: `unprotected`), published as they are, with no row totals. A value
that is not a count (a median) is given with the count it comes from and withheld with it (status "secondary",
display "..").

Limits. Each request is protected on its own: two downloads for different filters (2020-2024 and 2020-2023) may
be subtracted from each other. The filters are coarse (years, region, type of organization, case type, child) and
each table's own cells are protected; protecting every combination of filters at once (a fixed publication cube,
or cell-key perturbation) is not done here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from tipsom.core import disclosure
from tipsom.core.spreadsheets import escape_formula

TOTAL = "total"
CHARTS = ("bar", "stacked", "line", "sankey", "funnel", "doughnut")


@dataclass(frozen=True)
class PublishedCell:
    value: int | None
    display: str
    status: str = ""  # "" | "primary" | "secondary"

    @property
    def suppressed(self) -> bool:
        return bool(self.status)


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: list[PublishedCell]


@dataclass
class PublishedTable:
    """A table as it may be published. For chart == "sankey" the rows are flows (row.key "FROM>TO") and there is
    one column, "value"."""

    key: str
    title: str
    chart: str
    row_header: str
    columns: list[Column]
    rows: list[Row]
    totals: Row | None = None
    notes: list[str] = field(default_factory=list)

    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.totals] if self.totals is not None else [])]

    def as_json(self) -> dict[str, Any]:
        def row(item: Row) -> dict[str, Any]:
            cells = [{"value": c.value, "display": c.display, "status": c.status} for c in item.cells]
            return {"key": item.key, "label": item.label, "cells": cells}

        return {
            "key": self.key,
            "title": self.title,
            "chart": self.chart,
            "row_header": self.row_header,
            "columns": [{"key": c.key, "label": c.label} for c in self.columns],
            "rows": [row(r) for r in self.rows],
            "totals": row(self.totals) if self.totals is not None else None,
            "notes": list(self.notes),
        }


@dataclass
class RawTable:
    """Counts before protection: `counts[(row key, column key)]` (a missing pair is 0), rows and columns in their
    order. `row_totals` adds a Total column (the rows must add up across the columns); `column_totals` adds a
    Total row (the columns must add up down the rows). `unprotected` names the columns that count events, not
    persons (published as they are; such a table has no row totals). `derived` gives, per column key, a value
    that is not a count (a median) and the column of the count it depends on: (source column, {row key: value}),
    with the Total row's value under TOTAL."""

    key: str
    title: str
    chart: str
    row_header: str
    columns: list[Column]
    rows: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]
    row_totals: bool = False
    column_totals: bool = True
    unprotected: frozenset[str] = frozenset()
    derived: dict[str, tuple[str, Mapping[str, int | None]]] = field(default_factory=dict)
    # Columns that a reader knows to be at most another, in every row and the totals: (part, whole).
    within: list[tuple[str, str]] = field(default_factory=list)
    # Cells this table shares with others published with it (publish_group): (row, column) -> a common key.
    shared: dict[tuple[str, str], Hashable] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    total_label: str = ""

    def count(self, row: str, column: str) -> int:
        return int(self.counts.get((row, column), 0))


def publish(raw: RawTable) -> PublishedTable:
    """The published form of one table (linked to no other)."""
    return publish_group([raw])[0]


def publish_group(raws: Sequence[RawTable], links: Iterable[disclosure.Relation] = ()) -> list[PublishedTable]:
    """The published forms of tables that share cells (`RawTable.shared`) or are related by `links`, protected
    together in one call of core.disclosure: a count withheld in one of them cannot be worked out from another."""
    cells: dict[Hashable, int] = {}
    relations: list[disclosure.Relation] = list(links)
    for raw in raws:
        _check(raw)
        for key, value in _cells(raw).items():
            if cells.setdefault(key, value) != value:
                raise ValueError(f"{raw.key}: the shared cell {key!r} differs between tables")
        relations += _relations(raw)
    protected = disclosure.protect(cells, relations)
    return [_published(raw, protected) for raw in raws]


def _check(raw: RawTable) -> None:
    if raw.chart not in CHARTS:
        raise ValueError(f"unknown chart {raw.chart!r}")
    if raw.row_totals and (raw.unprotected or raw.derived):
        raise ValueError("row totals add up counts of persons only")


def _counted(raw: RawTable) -> list[str]:
    return [c.key for c in raw.columns if c.key not in raw.derived]


def _protected_columns(raw: RawTable) -> list[str]:
    return [key for key in _counted(raw) if key not in raw.unprotected]


def _key(raw: RawTable, row: str, column: str) -> Hashable:
    return raw.shared.get((row, column), (raw.key, row, column))


def _value(raw: RawTable, row: str, column: str) -> int:
    rows, columns = [key for key, _label in raw.rows], _counted(raw)
    if row == TOTAL and column == TOTAL:
        return sum(raw.count(r, c) for r in rows for c in columns)
    if row == TOTAL:
        return sum(raw.count(r, column) for r in rows)
    if column == TOTAL:
        return sum(raw.count(row, c) for c in columns)
    return raw.count(row, column)


def _cells(raw: RawTable) -> dict[Hashable, int]:
    """The protected cells of a table, totals included, under their (possibly shared) keys."""
    rows = [key for key, _label in raw.rows] + ([TOTAL] if raw.column_totals else [])
    columns = _protected_columns(raw) + ([TOTAL] if raw.row_totals else [])
    return {_key(raw, r, c): _value(raw, r, c) for r in rows for c in columns}


def _relations(raw: RawTable) -> list[disclosure.Relation]:
    """What a reader knows of a table: each row adds up to its total, each column to its total."""
    rows, columns = [key for key, _label in raw.rows], _protected_columns(raw)
    relations: list[disclosure.Relation] = []
    if raw.row_totals:
        relations += [disclosure.sums(_key(raw, r, TOTAL), [_key(raw, r, c) for c in columns]) for r in rows]
    if raw.column_totals:
        relations += [disclosure.sums(_key(raw, TOTAL, c), [_key(raw, r, c) for r in rows]) for c in columns]
    if raw.row_totals and raw.column_totals:
        relations.append(disclosure.sums(_key(raw, TOTAL, TOTAL), [_key(raw, r, TOTAL) for r in rows]))
        relations.append(disclosure.sums(_key(raw, TOTAL, TOTAL), [_key(raw, TOTAL, c) for c in columns]))
    summed = rows + ([TOTAL] if raw.column_totals else [])
    for part, whole in raw.within:
        relations += [disclosure.within(_key(raw, r, whole), [_key(raw, r, part)]) for r in summed]
    return relations


def _status(protected: disclosure.Protected, key: Hashable) -> str:
    if protected.value(key) is not None:
        return ""
    # Masked (the marks would give cells back): no cell says it is small.
    return "primary" if key in protected.primary and not protected.masked else "secondary"


def _published(raw: RawTable, protected: disclosure.Protected) -> PublishedTable:
    protected_columns = set(_protected_columns(raw))

    def cell(row: str, column: str) -> PublishedCell:
        if column in raw.derived:
            source, values = raw.derived[column]
            derived = values.get(row)
            if derived is None:
                return PublishedCell(None, "—")  # nothing to compute it from
            if _status(protected, _key(raw, row, source)):
                return PublishedCell(None, disclosure.NOT_PUBLISHED, "secondary")
            return PublishedCell(derived, str(derived))
        if column not in protected_columns and column != TOTAL:
            number = _value(raw, row, column)  # counts events, published as it is
            return PublishedCell(number, str(number))
        key = _key(raw, row, column)
        status = _status(protected, key)
        if status:
            return PublishedCell(None, protected.display(key), status)
        number = _value(raw, row, column)
        return PublishedCell(number, str(number))

    columns = list(raw.columns)
    if raw.row_totals:
        columns.append(Column(TOTAL, _("Total")))
    keys = [c.key for c in columns]
    rows = [Row(key, label, [cell(key, column) for column in keys]) for key, label in raw.rows]
    totals = Row(TOTAL, raw.total_label or _("Total"), [cell(TOTAL, c) for c in keys]) if raw.column_totals else None
    notes = list(raw.notes)
    if any(c.status for r in [*rows, *([totals] if totals else [])] for c in r.cells):
        notes.append(
            _(
                "“%(small)s”: a count from 1 to %(largest)s, withheld. “..”: withheld so that a small count cannot "
                "be worked out from the totals."
            )
            % {"small": protected.small_mark, "largest": protected.threshold - 1}
        )
    return PublishedTable(raw.key, raw.title, raw.chart, raw.row_header, columns, rows, totals, notes)


# --- Writers ------------------------------------------------------------------------------------------------------
def table_lines(table: PublishedTable) -> Iterable[list[str | int]]:
    """The table as lines: the header, the rows, the totals; a suppressed cell as its display ("<5", "..")."""
    yield [table.row_header, *[c.label for c in table.columns]]
    for row in table.all_rows():
        yield [row.label, *[c.value if c.value is not None else c.display for c in row.cells]]


def table_csv(table: PublishedTable) -> bytes:
    """Plain UTF-8 (no byte order mark), one header line, then the rows and the totals; suppressed cells as their
    display. Notes are not written: a CSV file is for machines, its columns stay regular."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in table_lines(table):
        writer.writerow([escape_formula(v) if isinstance(v, str) else v for v in line])
    return buffer.getvalue().encode("utf-8")


def table_xlsx(table: PublishedTable) -> bytes:
    """One sheet: the title, the header, the rows, the totals (bold), the notes; right to left in Arabic and
    Urdu."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = (table.key or "table")[:31]
    sheet.sheet_view.rightToLeft = bool(get_language_bidi())
    sheet.append([escape_formula(table.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    for number, line in enumerate(table_lines(table)):
        sheet.append([escape_formula(v) if isinstance(v, str) else v for v in line])
        if number == 0 or (table.totals is not None and number == len(table.rows) + 1):
            for item in sheet[sheet.max_row]:
                item.font = Font(bold=True)
    if table.notes:
        sheet.append([])
        for note in table.notes:
            sheet.append([escape_formula(note)])
    sheet.column_dimensions["A"].width = 32
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
