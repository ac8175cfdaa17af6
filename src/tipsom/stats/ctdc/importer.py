"""`ctdc_import`: a CTDC-format CSV (the global dataset as CTDC publishes it, or a redistributed copy) loaded as an
external dataset for comparison; `ctdc_comparison`: the shares of a country's counted victims beside it.

What it accepts: UTF-8 with or without a byte-order mark; `-99`, `NA`, `N/A`, `NaN`, `null`, empty, `Unknown` and
`Missing` for a missing value; `--`, an em dash, an en dash or a single `-` in ageBroad (and the generalised bands
and year ranges the tipsom export writes); `;`-joined concatenated fields; a leading index column (unnamed, `""` or
`Unnamed: 0`); column names in any letter case. Rows with the wrong number of cells or a value outside the
codebook are reported with their line number and skipped; exact duplicate rows are kept (a k-anonymised file has
many). The same file again (the same bytes: SHA-256) returns the dataset already imported and writes nothing.

What it refuses, naming the problem, with nothing written (one transaction): an empty file, a file that is not text
(binary, an XLSX or other zip), UTF-16, bytes that are not UTF-8 (Latin-1, Windows-1252: the line is named), and a
header without the required columns (named).

Shares follow CTDC's rule: for a multi-valued group (forms of exploitation, types of labour and of sexual
exploitation, means of control, recruiter relations) the denominator is the records with at least one value in the
group, so shares within a group may add up to more than 100%.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.core.errors import ApplicationError
from tipsom.stats.ctdc.codebook import AGE_BANDS, EXPLOIT, LABOUR, MEANS, RECRUITER, SEX, Group, normalise_dashes
from tipsom.stats.exports import Scope
from tipsom.stats.models import ExternalDataset, ExternalRecord, VictimFact

BATCH = 5000
MALFORMED_KEPT = 1000  # malformed rows listed in the dataset (all are counted)
MISSING_TOKENS = {"", "-99", "na", "n/a", "nan", "null", "none", "unknown", "missing", "not specified"}
INDEX_HEADERS = {"", "unnamed: 0", "index", "id"}

REQUIRED = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
)

GENDER_WORDS = {
    "female": "Female",
    "woman": "Female",
    "f": "Female",
    "male": "Male",
    "man": "Male",
    "m": "Male",
    "transgender/nonconforming": "Transgender/NonConforming",
    "trans/transgender/nonconforming": "Transgender/NonConforming",
    "transgender": "Transgender/NonConforming",
    "nonconforming": "Transgender/NonConforming",
}
SOURCE_WORDS = {"case management": "Case Management", "hotline": "Hotline", "helpline": "Hotline"}
MAJORITY_WORDS = {"minor": "Minor", "adult": "Adult"}
EXPLOIT_NAMES: tuple[str, ...] = ("ForcedLabour", "SexualExploit", "OtherExploit", "ForcedMarriage", "ForcedMilitary")
EXPLOIT_NAMES += ("OrganRemoval", "SlaveryAndPractices")
# The words redistributed copies write in typeOfExploitConcatenated.
EXPLOIT_WORDS = {
    "forcedlabour": "ForcedLabour",
    "forced labour": "ForcedLabour",
    "forced labor": "ForcedLabour",
    "sexualexploit": "SexualExploit",
    "sexual exploitation": "SexualExploit",
    "otherexploit": "OtherExploit",
    "other": "OtherExploit",
    "forcedmarriage": "ForcedMarriage",
    "forced marriage": "ForcedMarriage",
    "forcedmilitary": "ForcedMilitary",
    "forced military": "ForcedMilitary",
    "organremoval": "OrganRemoval",
    "organ removal": "OrganRemoval",
    "slaveryandpractices": "SlaveryAndPractices",
    "slavery and similar practices": "SlaveryAndPractices",
}


class _Malformed(Exception):
    pass


def _missing(value: str) -> bool:
    return value.strip().lower() in MISSING_TOKENS


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _refuse(message: str) -> ApplicationError:
    return ApplicationError("invalid", message)


def _check_kind(path: Path) -> None:
    """Refuse, before reading on, a file that is empty, not text, or in UTF-16."""
    with Path(path).open("rb") as stream:
        head = stream.read(8192)
    if not head.strip():
        raise _refuse(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        raise _refuse(_("This is an XLSX workbook or a zip archive, not a CSV file: open it and save it as CSV UTF-8."))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (head[1:2] == b"\x00" and head[3:4] == b"\x00"):
        raise _refuse(_("The file is in UTF-16: save it as CSV UTF-8."))
    if b"\x00" in head:
        raise _refuse(_("This is not a text file: tipsom imports CTDC data as a CSV file in UTF-8."))


def _lines(path: Path) -> Iterator[str]:
    """The file's lines decoded as UTF-8 (a leading byte-order mark dropped); a line that is not UTF-8 stops the
    import with its number."""
    with Path(path).open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _refuse(
                    _(
                        "Line %(line)s is not UTF-8 (byte 0x%(byte)02X): the file may be in Latin-1 or Windows-1252. "
                        "Save it as CSV UTF-8 and import it again."
                    )
                    % {"line": number, "byte": raw[exc.start]}
                ) from None


def _columns(header: list[str]) -> tuple[dict[str, int], int]:
    """The position of each CTDC column (matched in any letter case) and the number of cells a row must have."""
    names = [name.strip() for name in header]
    if names and names[0].lower() in INDEX_HEADERS:
        names[0] = "\x00index"
    known = {column.lower(): column for column in _ALL_COLUMNS}
    positions = {known[name.lower()]: index for index, name in enumerate(names) if name.lower() in known}
    missing = [column for column in REQUIRED if column not in positions]
    if missing:
        raise _refuse(
            _("This is not a CTDC file: the header lacks the columns %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return positions, len(names)


_ALL_COLUMNS = (
    *REQUIRED,
    "typeOfExploitConcatenated",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
    *MEANS.columns,
    *LABOUR.columns,
    *SEX.columns,
    *RECRUITER.columns,
)


def _year(value: str) -> int | None:
    if _missing(value):
        return None
    text = normalise_dashes(value)
    if "--" in text:  # a range written by a k-anonymised export: no single year
        first, _sep, last = text.partition("--")
        if first.isdigit() and last.isdigit() and 1900 < int(first) <= int(last) < 2200:
            return None
        raise _Malformed(_("yearOfRegistration %(value)s is not a year") % {"value": value})
    try:
        year = int(float(text))
    except ValueError:
        raise _Malformed(_("yearOfRegistration %(value)s is not a year") % {"value": value}) from None
    if not 1900 < year < 2200:
        raise _Malformed(_("yearOfRegistration %(value)s is not a year") % {"value": value})
    return year


def _age(value: str) -> str:
    if _missing(value):
        return ""
    text = normalise_dashes(value).replace(" ", "")
    if text in AGE_BANDS or text in {"18--29", "30--47", "0--17", "18+"}:
        return text
    raise _Malformed(_("ageBroad %(value)s is not an age band") % {"value": value})


def _word(value: str, words: dict[str, str], column: str) -> str:
    if _missing(value):
        return ""
    found = words.get(value.strip().lower())
    if found is None:
        raise _Malformed(_("%(column)s %(value)s is not in the codebook") % {"column": column, "value": value})
    return found


def _country(value: str, column: str) -> str:
    text = value.strip().upper()
    if _missing(value):
        return ""
    if text == "ZZ":
        return "ZZ"
    if len(text) == 2 and text.isalpha():
        return text
    if len(text) > 3 and not any(ch.isdigit() for ch in text):
        return ""  # a region written by a k-anonymised export: no country
    raise _Malformed(_("%(column)s %(value)s is not a country code") % {"column": column, "value": value})


def _binary(value: str, column: str) -> bool | None:
    text = value.strip()
    if _missing(text):
        return None
    if text in ("1", "1.0", "True", "true"):
        return True
    if text in ("0", "0.0", "False", "false"):
        return False
    raise _Malformed(_("%(column)s %(value)s is not 0 or 1") % {"column": column, "value": value})


def _group(cells: list[str], positions: dict[str, int], group: Group) -> list[str]:
    found = []
    for name, column in zip(group.names, group.columns, strict=True):
        if column in positions and _binary(cells[positions[column]], column):
            found.append(name)
    return found


def _exploitation(cells: list[str], positions: dict[str, int]) -> list[str]:
    found = []
    for name in EXPLOIT_NAMES:
        column = "is" + name
        if column in positions and _binary(cells[positions[column]], column):
            found.append(name)
    if not found and "typeOfExploitConcatenated" in positions:
        text = cells[positions["typeOfExploitConcatenated"]]
        if not _missing(text):
            for part in text.split(";"):
                word = part.strip().lower()
                if word and word in EXPLOIT_WORDS and EXPLOIT_WORDS[word] not in found:
                    found.append(EXPLOIT_WORDS[word])
    return found


def _record(dataset: ExternalDataset, line: int, cells: list[str], positions: dict[str, int]) -> ExternalRecord:
    def cell(column: str) -> str:
        return cells[positions[column]]

    age = _age(cell("ageBroad"))
    majority = _word(cell("majorityStatus"), MAJORITY_WORDS, "majorityStatus")
    if not majority and age:
        majority = "Minor" if age in ("0--8", "9--17", "0--17") else "Adult"
    return ExternalRecord(
        dataset=dataset,
        line=line,
        year=_year(cell("yearOfRegistration")),
        data_source=_word(cell("Datasource"), SOURCE_WORDS, "Datasource"),
        gender=_word(cell("gender"), GENDER_WORDS, "gender") or "Unknown",
        age_band=age,
        majority=majority,
        citizenship=_country(cell("citizenship"), "citizenship"),
        exploitation_country=_country(cell("CountryOfExploitation"), "CountryOfExploitation"),
        exploitation_types=_exploitation(cells, positions),
        labour_types=_group(cells, positions, LABOUR),
        sex_types=_group(cells, positions, SEX),
        means_of_control=_group(cells, positions, MEANS),
        recruiter_relations=_group(cells, positions, RECRUITER),
    )


def ctdc_import(*, actor: User | None, country: str, path: Path, name: str = "") -> ExternalDataset:
    """Import the CTDC-format CSV at `path` for `country` (see the module); the same bytes again return the dataset
    already imported (its `imported_at` is older than the call)."""
    path = Path(path)
    if not path.is_file():
        raise _refuse(_("No file at %(path)s.") % {"path": str(path)})
    _check_kind(path)
    sha256 = file_sha256(path)
    existing = ExternalDataset.objects.filter(country=country, sha256=sha256).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        dataset = ExternalDataset.objects.create(
            country=country, name=name or path.name, sha256=sha256, imported_by=actor
        )
        reader = csv.reader(_lines(path))
        try:
            header = next(reader)
        except StopIteration:
            raise _refuse(_("The file is empty.")) from None
        except csv.Error as exc:
            raise _refuse(_("The header is not CSV: %(error)s") % {"error": str(exc)}) from None
        positions, width = _columns(header)
        batch: list[ExternalRecord] = []
        malformed: list[dict[str, Any]] = []
        read = imported = bad = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                read += 1
                bad += 1
                if len(malformed) < MALFORMED_KEPT:
                    malformed.append({"line": reader.line_num, "reason": str(exc)})
                continue
            line = reader.line_num
            if not cells or not any(cell.strip() for cell in cells):
                continue  # a blank line
            read += 1
            try:
                if len(cells) != width:
                    raise _Malformed(
                        _("%(found)s cells where the header has %(width)s") % {"found": len(cells), "width": width}
                    )
                batch.append(_record(dataset, line, cells, positions))
                imported += 1
            except _Malformed as exc:
                bad += 1
                if len(malformed) < MALFORMED_KEPT:
                    malformed.append({"line": line, "reason": str(exc)})
            if len(batch) >= BATCH:
                ExternalRecord.objects.bulk_create(batch)
                batch = []
        ExternalRecord.objects.bulk_create(batch)
        dataset.rows_read = read
        dataset.rows_imported = imported
        dataset.malformed = malformed
        dataset.summary = {**external_shares(dataset), "malformed_rows": bad}
        dataset.save(update_fields=["rows_read", "rows_imported", "malformed", "summary"])
        audit_record(
            actor=actor,
            action="stats.import.ctdc",
            target=dataset,
            changes={"country": country, "rows_read": read, "rows_imported": imported, "malformed": bad},
        )
    return dataset


def _shares(counter: Counter[str], denominator: int) -> dict[str, float]:
    return {key: round(value / denominator, 4) if denominator else 0.0 for key, value in sorted(counter.items())}


def external_shares(dataset: ExternalDataset, *, exploitation_country: str | None = None) -> dict[str, Any]:
    """The shares of an external dataset (or of its rows exploited in one country): gender, data source and
    majority over all records; each multi-valued group over the records with at least one value in it."""
    records = ExternalRecord.objects.filter(dataset=dataset)
    if exploitation_country:
        records = records.filter(exploitation_country=exploitation_country)
    total = records.count()
    result: dict[str, Any] = {"records": total}
    for field, key in (("gender", "gender"), ("data_source", "data_source"), ("majority", "majority")):
        counts: Counter[str] = Counter()
        for value, n in records.values_list(field).annotate(n=Count("id")).values_list(field, "n"):
            counts[value or "Unknown"] += n
        result[key] = _shares(counts, total)
    for field, key in (
        ("exploitation_types", "exploitation"),
        ("labour_types", "labour"),
        ("sex_types", "sex"),
        ("means_of_control", "means_of_control"),
        ("recruiter_relations", "recruiter_relations"),
    ):
        counts = Counter()
        with_value = 0
        for values, n in records.values_list(field).annotate(n=Count("id")).values_list(field, "n"):
            if values:
                with_value += n
                for value in set(values):
                    counts[value] += n
        result[key] = _shares(counts, with_value)
        result[f"{key}_denominator"] = with_value
    return result


def ctdc_summary_lines(dataset: ExternalDataset, *, again: bool) -> list[str]:
    """The command's summary of an import, in sentences."""
    if again:
        return [
            _("This file was imported already (dataset %(id)s, %(when)s): nothing imported again.")
            % {"id": dataset.pk, "when": dataset.imported_at.date().isoformat()}
        ]
    summary = dataset.summary
    lines = [
        _("%(read)s rows read, %(imported)s imported, %(bad)s malformed and skipped.")
        % {"read": dataset.rows_read, "imported": dataset.rows_imported, "bad": summary.get("malformed_rows", 0)}
    ]
    for entry in dataset.malformed[:50]:
        lines.append(_("  line %(line)s: %(reason)s") % {"line": entry["line"], "reason": entry["reason"]})
    if len(dataset.malformed) > 50:
        lines.append(_("  ... and %(n)s more.") % {"n": summary.get("malformed_rows", 0) - 50})

    def shares(title: str, values: dict[str, float], denominator: int | None = None) -> str:
        text = ", ".join(f"{key} {share:.1%}" for key, share in values.items()) or "-"
        if denominator is not None:
            return _("%(title)s (of %(n)s records with one or more): %(text)s") % {
                "title": title,
                "n": denominator,
                "text": text,
            }
        return f"{title}: {text}"

    lines.append(shares(_("Gender"), summary.get("gender", {})))
    lines.append(shares(_("Data source"), summary.get("data_source", {})))
    lines.append(
        shares(_("Form of exploitation"), summary.get("exploitation", {}), summary.get("exploitation_denominator", 0))
    )
    return lines


# --- comparison ----------------------------------------------------------------------------------------------------
_SEX_TO_GENDER = {"F": "Female", "M": "Male", "O": "Transgender/NonConforming", "U": "Unknown"}


def country_shares(scope: Scope) -> dict[str, Any]:
    """The shares of the scope's counted victims in CTDC's categories: gender, majority (minor/adult at
    identification) and form of exploitation (over the victims with one or more)."""
    facts = scope.facts(VictimFact, "view").filter(counted=True)
    total = facts.count()
    genders: Counter[str] = Counter()
    for sex, n in facts.values_list("sex").annotate(n=Count("id")).values_list("sex", "n"):
        genders[_SEX_TO_GENDER.get(sex, "Unknown")] += n
    majority: Counter[str] = Counter()
    for child, n in facts.values_list("is_child").annotate(n=Count("id")).values_list("is_child", "n"):
        majority["Minor" if child else "Adult"] += n
    forms: Counter[str] = Counter()
    with_form = 0
    for types, n in (
        facts.values_list("exploitation_types").annotate(n=Count("id")).values_list("exploitation_types", "n")
    ):
        names = [name for name in EXPLOIT.names_of(EXPLOIT.mask(types or [])) if name != "SexAndLabour"]
        if names:
            with_form += n
            for name in names:
                forms[name] += n
    return {
        "records": total,
        "gender": _shares(genders, total),
        "majority": _shares(majority, total),
        "exploitation": _shares(forms, with_form),
        "exploitation_denominator": with_form,
    }


def ctdc_comparison(dataset: ExternalDataset, scope: Scope) -> dict[str, Any]:
    """For the comparison view: the shares by gender, minor or adult, and form of exploitation of the scope's
    counted victims, of the whole external dataset, and of its rows exploited in the scope's country. Every share
    is a share (no count below the totals), and each comes with its denominator."""

    def pick(shares: dict[str, Any]) -> dict[str, Any]:
        return {
            key: shares[key] for key in ("records", "gender", "majority", "exploitation", "exploitation_denominator")
        }

    return {
        "country": scope.country,
        "dataset": {"id": dataset.pk, "name": dataset.name},
        "national": country_shares(scope),
        "external": pick(external_shares(dataset)),
        "external_same_country": pick(external_shares(dataset, exploitation_country=scope.country)),
    }
