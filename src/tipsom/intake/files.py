"""Tabular files brought into tipsom, read as a stream of rows: CSV, XLSX and JSON, whatever produced them (a
register kept in a spreadsheet, an export of ODK Central or KoboToolbox). Generic: it knows files, not tipsom's
fields; the import engine (tipsom.intake.jobs) and the field submissions' import both read through it.

    table = open_table(stream_or_path_or_bytes, file_name="register.csv")    # ApplicationError if it cannot
    table.format, table.encoding, table.delimiter, table.headers
    for number, row in table.rows():        # (row number as a spreadsheet shows it, {heading: text})
        ...

- The format is told by the content, not only the name: an XLSX is a zip holding xl/workbook.xml, JSON starts
  with [ or {, CSV is text. Anything else (an old .xls, a PDF, an image, binary data) is refused, as are an empty
  file, a file without data rows, and one over TIPSOM_IMPORT_MAX_BYTES (default 50 MB).
- CSV: the encoding is detected (a UTF-8 or UTF-16 byte order mark; else UTF-8 if every byte reads as UTF-8;
  else cp1252, the usual Windows spreadsheet export) and `encoding` says which one was used; the delimiter is
  sniffed among , ; tab and |. Quoted values may span lines.
- XLSX: openpyxl in read-only mode (streamed), the first sheet or the one named; dates and times as ISO text,
  whole numbers without ".0", a formula as its text (never evaluated).
- JSON: a list of objects; {"value": [...]} (ODK Central's OData) or {"results": [...]} (KoboToolbox's API).
  Nested objects are flattened to "group/field" paths; a list of scalars becomes "a b c" (a select_multiple);
  a list of objects (a repeat) is kept as its JSON text. JSON is parsed whole (the size limit bounds it).
- Headings come from the first row (first object's keys, then any new key in order). An empty heading is named
  after its column ("Column C"), a repeated one gets " (2)". Rows are numbered as a spreadsheet shows them: the
  heading is row 1, so the first data row is 2 (blank rows are skipped but keep their numbers; in JSON the n-th
  object is row n + 1). Every value is text, stripped of surrounding spaces; an empty cell is "".
- A cell beginning with = + - @ (a formula to a spreadsheet) is kept as text. Files we write escape it again
  (`tipsom.core.spreadsheets.escape_formula`, OWASP's advice on CSV injection); reading strips that escape, so a
  file written by tipsom and read back gives the values it was made from.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tipsom.core.errors import ApplicationError
from tipsom.core.spreadsheets import FORMULA_STARTS

CSV, XLSX, JSON = "csv", "xlsx", "json"
FORMATS = (CSV, XLSX, JSON)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DELIMITERS = ",;\t|"
# csv's default field limit (128 KB) refuses a long note; a cell longer than this is refused as not a table.
csv.field_size_limit(4 * 1024 * 1024)
SNIFF_BYTES = 64 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Signatures of files people upload by mistake, for a message that says what they are.
_KNOWN_OTHERS = (
    (b"\xd0\xcf\x11\xe0", "xls"),  # the old Excel format (OLE2)
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
)

Row = dict[str, str]


def max_bytes() -> int:
    """The largest file an import takes (TIPSOM_IMPORT_MAX_BYTES)."""
    return int(getattr(settings, "TIPSOM_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_large_error(limit: int | None = None) -> ApplicationError:
    limit = limit or max_bytes()
    return ApplicationError(
        "file_too_large",
        _("The file is larger than the %(size)s allowed for an import. Split it into smaller files.")
        % {"size": filesizeformat(limit)},
        {"limit": limit},
        status=413,
    )


def _unsupported(what: str = "") -> ApplicationError:
    messages = {
        "xls": _("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as CSV, then import it."),
        "pdf": _("This is a PDF document, not a table. Import a CSV, XLSX or JSON file."),
        "image": _("This is an image, not a table. Import a CSV, XLSX or JSON file."),
    }
    message = messages.get(what) or _("This file is not a CSV, XLSX or JSON file. Import one of those formats.")
    return ApplicationError("unsupported_format", message, {"formats": list(FORMATS)})


def empty_error() -> ApplicationError:
    return ApplicationError("empty_file", _("The file is empty."))


def no_rows_error() -> ApplicationError:
    return ApplicationError("no_rows", _("The file has headings but no data rows."))


def _unescape(text: str) -> str:
    # The apostrophe escape_formula adds (a failed-rows file imported again) goes; the value stays text anyway.
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


# --- Format and encoding ----------------------------------------------------------------------------------------
def detect_format(head: bytes, file_name: str = "") -> str:
    """CSV, XLSX or JSON from the first bytes of the file (the name only breaks no tie); ApplicationError else."""
    if not head:
        raise empty_error()
    for magic, what in _KNOWN_OTHERS:
        if head.startswith(magic):
            raise _unsupported(what)
    if head.startswith(_ZIP_MAGIC):
        return XLSX  # a zip: whether it is a workbook is checked when it is opened
    encoding = bom_encoding(head)
    text = head.decode(encoding or "utf-8", errors="ignore") if encoding else _decode_head(head)
    if text is None:
        raise _unsupported()
    start = text.lstrip("\ufeff \t\r\n")
    if start[:1] in ("[", "{") and not file_name.lower().endswith((".csv", ".tsv", ".txt")):
        return JSON
    return CSV


def bom_encoding(head: bytes) -> str:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return ""


def _decode_head(head: bytes) -> str | None:
    """The start of a text file without a byte order mark, or None for binary data (NUL bytes: UTF-16 without its
    mark is read as binary too, and refused)."""
    if b"\x00" in head:
        return None
    control = sum(1 for byte in head[:SNIFF_BYTES] if byte < 32 and byte not in (9, 10, 13, 12))
    if control > max(4, len(head[:SNIFF_BYTES]) // 100):
        return None
    return head.decode("utf-8", errors="ignore")


class EncodingSniffer:
    """Feed a text file's bytes in order; `encoding` then says how to read it: its byte order mark's, else UTF-8
    when every byte read as UTF-8, else cp1252 (what Excel and Windows write). Memory does not grow with the file."""

    def __init__(self) -> None:
        self._head = b""
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._utf8_ok = True
        self._cp1252_ok = True

    def feed(self, data: bytes) -> None:
        if len(self._head) < 4:
            self._head += data[: 4 - len(self._head)]
        if self._utf8_ok:
            try:
                self._utf8.decode(data)
            except UnicodeDecodeError:
                self._utf8_ok = False
        if not self._utf8_ok and self._cp1252_ok:
            try:
                data.decode("cp1252")
            except UnicodeDecodeError:
                self._cp1252_ok = False

    @property
    def encoding(self) -> str:
        marked = bom_encoding(self._head)
        if marked:
            return marked
        if self._utf8_ok:
            try:
                self._utf8.decode(b"", final=True)
                return "utf-8"
            except UnicodeDecodeError:
                self._utf8_ok = False
        if self._cp1252_ok:
            return "cp1252"
        raise ApplicationError(
            "unknown_encoding",
            _("The file's text encoding could not be recognised. Save it as CSV UTF-8 and import it again."),
        )


def detect_encoding(stream: IO[bytes]) -> str:
    """The encoding of a seekable text stream, read through once (then rewound)."""
    sniffer = EncodingSniffer()
    stream.seek(0)
    while chunk := stream.read(1024 * 1024):
        sniffer.feed(chunk)
    stream.seek(0)
    return sniffer.encoding


# --- The table --------------------------------------------------------------------------------------------------
@dataclass
class Table:
    """An opened file: its format, how it was read, its headings, and its rows (read again at each call)."""

    format: str
    headers: list[str]
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    _rows: Callable[[], Iterator[tuple[int, Row]]] | None = None

    def rows(self) -> Iterator[tuple[int, Row]]:
        """(row number as a spreadsheet shows it, {heading: text}) for each non-blank data row, in order."""
        if self._rows is None:
            return iter(())
        return self._rows()

    def count(self) -> int:
        """How many data rows (reads the file through)."""
        return sum(1 for _row in self.rows())


def unique_headers(raw: list[Any]) -> list[str]:
    """Headings as text: an empty one named after its column ("Column C"), a repeated one numbered ("Name (2)")."""
    headers: list[str] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(raw):
        text = _unescape(cell_text(value))
        text = " ".join(text.split()) or _("Column %(letter)s") % {"letter": column_letter(index)}
        key = text.casefold()
        if key in seen:
            seen[key] += 1
            text = f"{text} ({seen[key]})"
        else:
            seen[key] = 1
        headers.append(text)
    return headers


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column's name in a spreadsheet."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_text(value: Any) -> str:
    """One cell as text: dates as ISO, whole numbers without a decimal point, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return str(value).strip()


def _row_of(headers: list[str], values: list[Any]) -> Row | None:
    """{heading: text} for one row, None when every cell is empty; cells past the headings are dropped."""
    row = {heading: _unescape(cell_text(value)) for heading, value in zip(headers, values, strict=False)}
    for heading in headers[len(values) :]:
        row[heading] = ""
    return row if any(row.values()) else None


# --- Sources ----------------------------------------------------------------------------------------------------
Source = BinaryIO | IO[bytes] | bytes | str | Path


def _as_stream(source: Source) -> IO[bytes]:
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(source)
    if isinstance(source, (str, Path)):
        return open(source, "rb")  # noqa: SIM115 (the table's rows read it later; closed with the process)
    return source


def _size_of(stream: IO[bytes]) -> int:
    position = stream.tell()
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def open_table(
    source: Source,
    *,
    file_name: str = "",
    sheet: str | None = None,
    encoding: str | None = None,
    file_format: str | None = None,
    limit: int | None = None,
) -> Table:
    """Open a CSV, XLSX or JSON file (a seekable binary stream, bytes or a path) as a Table; ApplicationError with
    a clear message when it cannot be read. `encoding` and `file_format`, when known (a stored import), skip
    their detection; `sheet` names the XLSX sheet to read (the first one otherwise)."""
    stream = _as_stream(source)
    stream.seek(0)
    size = _size_of(stream)
    if size == 0:
        raise empty_error()
    if size > (limit or max_bytes()):
        raise too_large_error(limit)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    found = file_format or detect_format(head, file_name)
    if found == XLSX:
        return _open_xlsx(stream, sheet)
    if found == JSON:
        return _open_json(stream, encoding or detect_encoding(stream))
    return _open_csv(stream, encoding or detect_encoding(stream), head)


def _text(stream: IO[bytes], encoding: str) -> io.TextIOWrapper:
    stream.seek(0)
    # The wrapper must not close the caller's stream when it is collected.
    return io.TextIOWrapper(io.BufferedReader(_Unclosable(stream)), encoding=encoding, newline="", errors="strict")


class _Unclosable(io.RawIOBase):
    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        super().close()


def _open_csv(stream: IO[bytes], encoding: str, head: bytes) -> Table:
    sample = head.decode(encoding, errors="ignore").lstrip("\ufeff")
    delimiter = _sniff_delimiter(sample)

    def reader() -> Iterator[list[str]]:
        text = _text(stream, encoding)
        try:
            yield from csv.reader(text, delimiter=delimiter)
        except csv.Error as error:
            raise ApplicationError(
                "bad_file", _("The CSV file could not be read: %(reason)s.") % {"reason": str(error)[:200]}
            ) from error
        except UnicodeDecodeError as error:
            raise ApplicationError(
                "unknown_encoding",
                _("The file's text encoding could not be recognised. Save it as CSV UTF-8 and import it again."),
            ) from error

    first = next(reader(), None)
    if first is None or not any(cell.strip() for cell in first):
        raise empty_error() if first is None else no_rows_error()
    if first and first[0].startswith("\ufeff"):
        first[0] = first[0][1:]
    headers = unique_headers(first)

    def rows() -> Iterator[tuple[int, Row]]:
        lines = reader()
        next(lines, None)
        for number, values in enumerate(lines, start=2):
            row = _row_of(headers, values)
            if row is not None:
                yield number, row

    table = Table(format=CSV, headers=headers, encoding=_encoding_name(encoding), delimiter=delimiter, _rows=rows)
    _require_rows(table)
    return table


def _encoding_name(encoding: str) -> str:
    return {"utf-8-sig": "utf-8 (BOM)", "utf-16": "utf-16"}.get(encoding, encoding)


def codec_of(encoding_name: str) -> str:
    """The codec for an encoding as a Table names it (ImportJob.encoding keeps that name)."""
    return {"utf-8 (BOM)": "utf-8-sig"}.get(encoding_name, encoding_name)


def _sniff_delimiter(sample: str) -> str:
    """The delimiter among , ; tab | that splits the heading into the most columns while the first rows keep that
    many (csv's own Sniffer is misled by quoted values holding another delimiter)."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]  # the sample's last line may be cut short
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            records = [record for record in csv.reader(lines[:50], delimiter=delimiter) if record][:20]
        except csv.Error:
            continue
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        steady = sum(1 for record in records[1:] if len(record) == width) / max(1, len(records) - 1)
        score = (steady, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _require_rows(table: Table) -> None:
    if next(table.rows(), None) is None:
        raise no_rows_error()


def _open_xlsx(stream: IO[bytes], sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(_Seekable(stream)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise _unsupported()
    except zipfile.BadZipFile as error:
        raise _unsupported() from error
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ApplicationError(
            "bad_file", _("The workbook could not be read. Open it in a spreadsheet, save it again and import it.")
        ) from error
    names = list(workbook.sheetnames)
    if sheet and sheet not in names:
        raise ApplicationError(
            "unknown_sheet",
            _("The workbook has no sheet named %(sheet)s. Its sheets: %(sheets)s.")
            % {"sheet": sheet, "sheets": ", ".join(names)},
            {"sheets": names},
        )
    chosen = sheet or names[0]

    def raw_rows() -> Iterator[tuple[Any, ...]]:
        book = load_workbook(stream, read_only=True, data_only=False)
        try:
            yield from book[chosen].iter_rows(values_only=True)
        finally:
            book.close()

    first = next(raw_rows(), None)
    workbook.close()
    if first is None or not any(cell_text(value) for value in first):
        raise empty_error() if first is None else no_rows_error()
    # Trailing empty headings (a sheet's formatted but unused columns) are not columns.
    values = list(first)
    while values and not cell_text(values[-1]):
        values.pop()
    headers = unique_headers(values)

    def rows() -> Iterator[tuple[int, Row]]:
        lines = raw_rows()
        next(lines, None)
        for number, line in enumerate(lines, start=2):
            row = _row_of(headers, list(line))
            if row is not None:
                yield number, row

    table = Table(format=XLSX, headers=headers, sheet=chosen, sheets=names, _rows=rows)
    _require_rows(table)
    return table


class _Seekable(io.RawIOBase):
    """A view of a stream for zipfile that leaves the stream's own position to the caller."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.inner.seek(offset, whence)

    def tell(self) -> int:
        return self.inner.tell()

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        super().close()


def _open_json(stream: IO[bytes], encoding: str) -> Table:
    from tipsom.core.jsontext import json_loads

    stream.seek(0)
    try:
        text = stream.read().decode(encoding).lstrip("\ufeff")
        data = json_loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApplicationError(
            "bad_file", _("The JSON file could not be read: %(reason)s.") % {"reason": str(error)[:200]}
        ) from error
    items = data
    if isinstance(data, dict):
        items = data.get("value", data.get("results"))
    if not isinstance(items, list):
        raise ApplicationError(
            "bad_file",
            _(
                'The JSON file must hold a list of records, or an object with the list under "value" (ODK Central) '
                'or "results" (KoboToolbox).'
            ),
        )
    records = [flatten(item) if isinstance(item, dict) else None for item in items]
    if any(record is None for record in records):
        raise ApplicationError("bad_file", _("Every entry of the JSON list must be an object (a record)."))
    if not records:
        raise no_rows_error()
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record or {}))
    headers = list(keys)

    def rows() -> Iterator[tuple[int, Row]]:
        for number, record in enumerate(records, start=2):
            row = {heading: _unescape((record or {}).get(heading, "")) for heading in headers}
            if any(row.values()):
                yield number, row

    table = Table(format=JSON, headers=headers, encoding=_encoding_name(encoding), _rows=rows)
    _require_rows(table)
    return table


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """{"group/field": text} of a JSON object: nested objects joined with "/", a list of scalars as words (an ODK
    select_multiple), a list of objects (a repeat) as its JSON text."""
    flat: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}/"))
        elif isinstance(value, list):
            if all(not isinstance(item, (dict, list)) for item in value):
                flat[name] = " ".join(cell_text(item) for item in value)
            else:
                flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = cell_text(value)
    return flat
