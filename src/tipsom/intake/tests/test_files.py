"""Reading files as rows (tipsom.intake.files): formats told by their content, encodings, delimiters, JSON shapes,
row numbers as a spreadsheet shows them, formulas kept as text, and each bad file refused with a clear message."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from openpyxl import Workbook

from tipsom.core.errors import ApplicationError
from tipsom.core.spreadsheets import escape_formula
from tipsom.intake import files

TEXT = 'Nome;Sexo;Nascimento\nJoão Brandão;F;1990\n\nAna Müller;M;=HYPERLINK("http://x","y")\n'


def rows(table):
    return list(table.rows())


@pytest.mark.parametrize(
    ("encoding", "named"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8 (BOM)"), ("utf-16", "utf-16"), ("cp1252", "cp1252")],
)
def test_csv_encodings_are_detected_and_named(encoding, named):
    table = files.open_table(TEXT.encode(encoding), file_name="register.csv")
    assert (table.format, table.encoding, table.delimiter) == ("csv", named, ";")
    assert table.headers == ["Nome", "Sexo", "Nascimento"]
    # The blank line keeps its number: rows are numbered as a spreadsheet shows them (the heading is row 1).
    assert [number for number, _row in rows(table)] == [2, 4]
    assert rows(table)[0][1]["Nome"] == "João Brandão"
    assert rows(table)[1][1]["Nome"] == "Ana Müller"


def test_a_formula_is_kept_as_text_and_escaped_in_what_we_write():
    table = files.open_table(TEXT.encode(), file_name="register.csv")
    value = rows(table)[1][1]["Nascimento"]
    assert value == '=HYPERLINK("http://x","y")'
    assert escape_formula(value) == "'" + value
    for start in "=+-@":
        assert escape_formula(start + "1").startswith("'")
    assert escape_formula("Maria") == "Maria"
    # A file we wrote (the apostrophe in front) reads back as the value it was made from.
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["a"], [escape_formula(value)]])
    again = files.open_table(buffer.getvalue().encode(), file_name="x.csv")
    assert rows(again)[0][1]["a"] == value


@pytest.mark.parametrize(("text", "delimiter"), [("a,b\n1,2\n", ","), ("a\tb\n1\t2\n", "\t"), ("a|b\n1|2\n", "|")])
def test_delimiters_are_sniffed(text, delimiter):
    table = files.open_table(text.encode(), file_name="x.csv")
    assert table.delimiter == delimiter
    assert rows(table) == [(2, {"a": "1", "b": "2"})]


def test_quoted_values_span_lines_and_keep_the_row_count():
    table = files.open_table(b'name,age\n"two\nlines",3\nx,4\n', file_name="x.csv")
    assert rows(table) == [(2, {"name": "two\nlines", "age": "3"}), (3, {"name": "x", "age": "4"})]


def test_empty_and_repeated_headings_are_named():
    table = files.open_table(b"Name,,Name\n1,2,3\n", file_name="x.csv")
    assert table.headers == ["Name", "Column B", "Name (2)"]


def test_xlsx_first_or_named_sheet_dates_numbers_and_formulas():
    workbook = Workbook()
    first = workbook.active
    first.title = "Old"
    first.append(["x"])
    first.append(["1"])
    sheet = workbook.create_sheet("Cases")
    sheet.append(["Name", "Identified", "Count", None])
    sheet.append(["Ana", datetime.date(2024, 5, 2), 3.0])
    sheet.append([])
    naive = datetime.datetime(2024, 5, 3, 10, 30)  # noqa: DTZ001 (a spreadsheet cell has no time zone)
    sheet.append(['=HYPERLINK("http://x")', naive, 2.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    assert files.open_table(data, file_name="r.xlsx").sheet == "Old"
    table = files.open_table(data, file_name="r.xlsx", sheet="Cases")
    assert (table.format, table.sheets, table.headers) == ("xlsx", ["Old", "Cases"], ["Name", "Identified", "Count"])
    assert rows(table) == [
        (2, {"Name": "Ana", "Identified": "2024-05-02", "Count": "3"}),
        (4, {"Name": '=HYPERLINK("http://x")', "Identified": "2024-05-03T10:30:00", "Count": "2.5"}),
    ]
    with pytest.raises(ApplicationError) as refused:
        files.open_table(data, file_name="r.xlsx", sheet="Nope")
    assert refused.value.code == "unknown_sheet" and "Cases" in refused.value.message


@pytest.mark.parametrize(
    "payload",
    [
        [{"a": 1, "g": {"b": "x", "c": ["one", "two"]}}],
        {"value": [{"a": 1, "g": {"b": "x", "c": ["one", "two"]}}]},  # ODK Central's OData
        {"results": [{"a": 1, "g": {"b": "x", "c": ["one", "two"]}}]},  # KoboToolbox's API
    ],
)
def test_json_shapes_are_flattened(payload):
    table = files.open_table(json.dumps(payload).encode(), file_name="export.json")
    assert table.format == "json"
    assert table.headers == ["a", "g/b", "g/c"]
    assert rows(table) == [(2, {"a": "1", "g/b": "x", "g/c": "one two"})]


@pytest.mark.parametrize(
    ("data", "name", "code", "words"),
    [
        (b"", "empty.csv", "empty_file", "empty"),
        (b"Name,Sex\n", "headings.csv", "no_rows", "no data rows"),
        (b"\n\n", "blank.csv", "no_rows", "no data rows"),
        (b"%PDF-1.7 ...", "register.csv", "unsupported_format", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "register.xls", "unsupported_format", ".xls"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "photo.csv", "unsupported_format", "image"),
        (bytes(range(256)) * 4, "data.csv", "unsupported_format", "not a CSV, XLSX or JSON"),
        (b"PK\x03\x04not really a zip", "book.xlsx", "unsupported_format", "not a CSV, XLSX or JSON"),
        (b'{"records": []}', "x.json", "bad_file", "value"),
        (b'[{"a": 1}, 2]', "x.json", "bad_file", "object"),
        (b'[{"a": ', "x.json", "bad_file", "could not be read"),
        (b"[]", "x.json", "no_rows", "no data rows"),
    ],
)
def test_bad_files_are_refused_clearly(data, name, code, words):
    with pytest.raises(ApplicationError) as refused:
        files.open_table(data, file_name=name)
    assert refused.value.code == code
    assert words in refused.value.message


def test_a_file_too_large_is_refused(settings):
    settings.TIPSOM_IMPORT_MAX_BYTES = 100
    with pytest.raises(ApplicationError) as refused:
        files.open_table(b"a\n" + b"1\n" * 100, file_name="x.csv")
    assert refused.value.code == "file_too_large" and refused.value.status_code == 413


def test_undecodable_text_is_refused():
    # Bytes cp1252 leaves undefined, in a file that is not UTF-8 either.
    with pytest.raises(ApplicationError) as refused:
        files.open_table(b"a,b\n\x81\x8d,\x90\n", file_name="x.csv")
    assert refused.value.code == "unknown_encoding"


def test_encoding_sniffer_reads_in_pieces():
    data = ("ação;" * 50000).encode("utf-8")
    sniffer = files.EncodingSniffer()
    for start in range(0, len(data), 1001):  # cuts inside multi-byte characters
        sniffer.feed(data[start : start + 1001])
    assert sniffer.encoding == "utf-8"
    sniffer = files.EncodingSniffer()
    sniffer.feed("ação".encode("cp1252"))
    assert sniffer.encoding == "cp1252"
