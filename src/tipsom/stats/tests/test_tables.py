"""stats.tables: raw counts in, a protected PublishedTable out; its CSV and XLSX carry the same numbers; an attacker
who solves the published totals for the withheld cells cannot pin any of them down."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import numpy as np
import pytest
from django.utils import translation
from openpyxl import load_workbook
from scipy.optimize import linprog  # type: ignore[import-untyped]

from tipsom.stats.tables import (
    TOTAL,
    Column,
    PublishedTable,
    RawTable,
    publish,
    publish_group,
    table_csv,
    table_xlsx,
)


def raw_grid(counts: dict[tuple[str, str], int], rows: list[str], columns: list[str], **kwargs: Any) -> RawTable:
    return RawTable(
        key=kwargs.pop("key", "t"),
        title="A table",
        chart=kwargs.pop("chart", "stacked"),
        row_header="Row",
        columns=[Column(c, c.upper()) for c in columns],
        rows=[(r, r.upper()) for r in rows],
        counts=counts,
        **kwargs,
    )


def published_numbers(table: PublishedTable) -> list[int]:
    return [c.value for r in table.all_rows() for c in r.cells if c.value is not None]


def assert_no_small_cell(table: PublishedTable, counted: set[str] | None = None) -> None:
    """No published count from 1 to 4 (in the columns that count persons)."""
    keys = [c.key for c in table.columns]
    for row in table.all_rows():
        for key, cell in zip(keys, row.cells, strict=True):
            if counted is None or key in counted:
                assert cell.value is None or not 1 <= cell.value <= 4, (table.key, row.key, key, cell)
            if cell.status:
                assert cell.value is None and cell.display in ("<5", "..")


def attack(table: PublishedTable) -> dict[tuple[str, str], tuple[float, float]]:
    """An attacker's intervals for each withheld cell of a table with row and column totals: the unknowns are the
    withheld cells, the published totals are equations, "<5" lies in [1, 4] and ".." in [5, inf) (a complement is
    never small). Returns (lowest, highest) per withheld cell, by linear programmes of their own."""
    body = [c.key for c in table.columns]
    rows = table.all_rows()
    grid: dict[tuple[str, str], Any] = {(r.key, k): c for r in rows for k, c in zip(body, r.cells, strict=True)}
    unknown = [key for key, cell in grid.items() if cell.value is None]
    index = {key: i for i, key in enumerate(unknown)}
    equations: list[tuple[list[tuple[str, str]], tuple[str, str]]] = []
    data_rows = [r.key for r in table.rows]
    data_columns = [k for k in body if k != TOTAL]
    if TOTAL in body:
        equations += [
            ([(r, c) for c in data_columns], (r, TOTAL)) for r in [*data_rows, *([TOTAL] * bool(table.totals))]
        ]
    if table.totals is not None:
        equations += [([(r, c) for r in data_rows], (TOTAL, c)) for c in body]
    a_eq, b_eq = [], []
    for parts, total in equations:
        row = np.zeros(len(unknown))
        rhs = 0.0
        for part in parts:
            if part in index:
                row[index[part]] += 1
            else:
                rhs -= grid[part].value
        if total in index:
            row[index[total]] -= 1
        else:
            rhs += grid[total].value
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    bounds = [(1, 4) if grid[key].display == "<5" else (5, None) for key in unknown]
    intervals = {}
    for key in unknown:
        ends = []
        for sense in (1, -1):
            c = np.zeros(len(unknown))
            c[index[key]] = sense
            result = linprog(c, A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None, bounds=bounds)
            assert result.status in (0, 3), result.message
            ends.append(math.inf if result.status == 3 else sense * result.fun)
        intervals[key] = (ends[0], ends[1])
    return intervals


def test_a_table_without_small_counts_is_published_as_it_is() -> None:
    counts = {("a", "x"): 10, ("a", "y"): 7, ("b", "x"): 0, ("b", "y"): 12}
    table = publish(raw_grid(counts, ["a", "b"], ["x", "y"], row_totals=True))
    assert [c.key for c in table.columns] == ["x", "y", TOTAL]
    assert [[c.display for c in r.cells] for r in table.all_rows()] == [
        ["10", "7", "17"],
        ["0", "12", "12"],
        ["10", "19", "29"],
    ]
    assert all(c.status == "" for r in table.all_rows() for c in r.cells)
    assert table.totals is not None and table.totals.label == "Total"


def test_one_small_cell_takes_complements_and_cannot_be_recovered() -> None:
    # a/x is 3: alone, it would be its row total minus a/y, or its column total minus b/x and c/x.
    counts = {
        ("a", "x"): 3, ("a", "y"): 9, ("a", "z"): 8,
        ("b", "x"): 6, ("b", "y"): 11, ("b", "z"): 7,
        ("c", "x"): 12, ("c", "y"): 5, ("c", "z"): 20,
    }  # fmt: skip
    table = publish(raw_grid(counts, ["a", "b", "c"], ["x", "y", "z"], row_totals=True))
    cell = {(r.key, k.key): c for r in table.all_rows() for k, c in zip(table.columns, r.cells, strict=True)}
    assert cell[("a", "x")].status == "primary" and cell[("a", "x")].display == "<5"
    secondary = [key for key, c in cell.items() if c.status == "secondary"]
    assert len(secondary) >= 3  # a rectangle at least: one more in its row, its column and the opposite corner
    assert all(cell[key].display == ".." for key in secondary)
    assert_no_small_cell(table)
    # Published numbers are the true ones.
    for (row, column), value in counts.items():
        if cell[(row, column)].value is not None:
            assert cell[(row, column)].value == value
    assert cell[(TOTAL, TOTAL)].value == 81
    for key, (low, high) in attack(table).items():
        assert high - low >= 1, (key, low, high)


def test_a_lone_small_row_in_a_one_column_table_takes_the_smallest_other_row() -> None:
    counts = {("2023", "v"): 2, ("2024", "v"): 9, ("2025", "v"): 30}
    table = publish(raw_grid(counts, ["2023", "2024", "2025"], ["v"], chart="bar"))
    assert [(r.key, r.cells[0].display, r.cells[0].status) for r in table.all_rows()] == [
        ("2023", "<5", "primary"),
        ("2024", "..", "secondary"),
        ("2025", "30", ""),
        (TOTAL, "41", ""),
    ]
    (low, high), (low2, high2) = attack(table).values()
    assert (low, high) == (1, 4) and (low2, high2) == (7, 10)
    assert any("“<5”" in note for note in table.notes)


def test_columns_of_events_are_published_as_they_are_and_medians_follow_their_count() -> None:
    counts = {("2024", "incidents"): 2, ("2024", "dead"): 3, ("2025", "incidents"): 1, ("2025", "dead"): 0}
    table = publish(raw_grid(counts, ["2024", "2025"], ["incidents", "dead"], unprotected=frozenset({"incidents"})))
    displays = [[c.display for c in r.cells] for r in table.all_rows()]
    # The 3 dead of 2024 is withheld, and so is the total (0 beside it gives it back), incidents are not.
    assert displays == [["2", "<5"], ["1", "0"], ["3", "<5"]]

    counts = {("a", "n"): 3, ("b", "n"): 8, ("c", "n"): 9}
    medians = {"a": 12, "b": 30, "c": None, TOTAL: 20}
    raw = raw_grid(counts, ["a", "b", "c"], ["n", "median"], chart="bar", derived={"median": ("n", medians)})
    table = publish(raw)
    assert [[c.display for c in r.cells] for r in table.all_rows()] == [
        ["<5", ".."],
        ["..", ".."],
        ["9", "—"],
        ["20", "20"],
    ]


def test_tables_that_share_a_total_are_protected_together() -> None:
    """Two tables over the same years: their year totals are one cell; what one withholds, the other does too."""
    by_year = raw_grid({("2024", "v"): 3, ("2025", "v"): 40}, ["2024", "2025"], ["v"], key="by_year", chart="bar")
    by_year.shared = {("2024", "v"): ("year", 2024), ("2025", "v"): ("year", 2025), (TOTAL, "v"): "all"}
    by_sex = raw_grid(
        {("2024", "f"): 3, ("2024", "m"): 0, ("2025", "f"): 25, ("2025", "m"): 15},
        ["2024", "2025"],
        ["f", "m"],
        key="by_sex",
        row_totals=True,
    )
    by_sex.shared = {("2024", TOTAL): ("year", 2024), ("2025", TOTAL): ("year", 2025), (TOTAL, TOTAL): "all"}
    first, second = publish_group([by_year, by_sex])
    year_cells = {r.key: r.cells[0] for r in first.all_rows()}
    total_column = {r.key: r.cells[-1] for r in second.all_rows()}
    for key in ("2024", "2025", TOTAL):
        assert (year_cells[key].value, year_cells[key].status) == (total_column[key].value, total_column[key].status)
    assert year_cells["2024"].status == "primary"
    assert_no_small_cell(first)
    assert_no_small_cell(second)


def test_an_empty_table_publishes_zeros_and_a_table_without_rows_nothing() -> None:
    table = publish(raw_grid({}, ["2024"], ["v"], chart="bar"))
    assert [[c.display for c in r.cells] for r in table.all_rows()] == [["0"], ["0"]]
    table = publish(raw_grid({}, [], ["v"], chart="bar"))
    assert table.rows == [] and table.totals is not None and table.totals.cells[0].value == 0


def sample_table() -> PublishedTable:
    counts = {("2024", "v"): 2, ("2025", "v"): 9, ("2026", "v"): 30}
    raw = raw_grid(counts, ["2024", "2025", "2026"], ["v"], chart="bar", key="victims")
    raw.rows = [("2024", "2024"), ("2025", "=SUM(A1)"), ("2026", "2026")]
    return publish(raw)


def test_csv_is_plain_utf8_with_a_header_and_the_published_cells() -> None:
    content = table_csv(sample_table())
    assert not content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert lines[0] == ["Row", "V"]
    assert lines[1] == ["2024", "<5"]
    assert lines[2] == ["'=SUM(A1)", ".."]  # a label never becomes a formula
    assert lines[3:] == [["2026", "30"], ["Total", "41"]]


def test_xlsx_has_title_header_rows_totals_and_notes_right_to_left_in_arabic() -> None:
    table = sample_table()
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "A table"
    assert values[2:7] == [["Row", "V"], ["2024", "<5"], ["'=SUM(A1)", ".."], ["2026", 30], ["Total", 41]]
    assert values[-1][0] == table.notes[-1]
    assert sheet.sheet_view.rightToLeft is False
    with translation.override("ar"):
        sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    assert sheet is not None and sheet.sheet_view.rightToLeft is True


def test_a_shared_cell_must_agree_between_tables() -> None:
    one = raw_grid({("a", "v"): 5}, ["a"], ["v"], key="one", chart="bar", shared={("a", "v"): "k"})
    two = raw_grid({("a", "v"): 6}, ["a"], ["v"], key="two", chart="bar", shared={("a", "v"): "k"})
    with pytest.raises(ValueError, match="differs"):
        publish_group([one, two])
