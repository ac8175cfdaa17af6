"""`ctdc_export`: the counted victims of a scope in CTDC's global dataset format (codebook v6), k-anonymised
(kanon.py), written then renamed into place with its report beside it (`<output>.report.json`), audited.

The facts are read in chunks as plain tuples (never model instances) and each multi-valued group travels as a bit
mask, so that a million victims fit in seconds; the k check is run again, independently, on the exact values about
to be written, and the file is not renamed into place unless it passes."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tipsom.core.errors import ApplicationError
from tipsom.stats.ctdc.codebook import (
    CTDC_COLUMNS,
    DATA_SOURCES,
    GENDERS,
    MISSING,
    QUASI_IDENTIFIERS,
    UNKNOWN_COUNTRY,
    age_band,
    exploit_recorded,
    fact_masks,
    group_cells,
    labour_recorded,
    majority,
    majority_at_exploitation,
    recruiter_words,
    sex_recorded,
)
from tipsom.stats.ctdc.kanon import KAnonymity, k_anonymise, smallest_class
from tipsom.stats.exports import Release, Scope, audit_release, write_atomic
from tipsom.stats.models import VictimFact

CHUNK = 20_000
DEFAULT_K = 11

_FACT_FIELDS = (
    "year",
    "data_source",
    "sex",
    "age",
    "age_band",
    "is_child",
    "child_at_exploitation",
    "citizenship",
    "exploitation_country",
    "exploitation_months",
    "exploitation_types",
    "industries",
    "sex_exploitation_types",
    "means_of_control",
    "recruiter_relations",
)


def victim_frame(facts: QuerySet[VictimFact]) -> pd.DataFrame:
    """The counted victims of `facts`, one row each, in CTDC's codes for the single-valued variables and a bit
    mask per multi-valued group (codebook.GROUPS). Read in chunks of plain tuples."""
    rows = facts.filter(counted=True).order_by("pk").values_list(*_FACT_FIELDS)
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "yearOfRegistration",
            "Datasource",
            "gender",
            "ageBroad",
            "majorityStatus",
            "majorityStatusAtExploit",
            "citizenship",
            "CountryOfExploitation",
            "months",
            "means",
            "exploit",
            "labour",
            "sex",
            "recruiter",
        )
    }
    append = {name: values.append for name, values in columns.items()}
    for (
        year,
        source,
        sex,
        age,
        band,
        is_child,
        child_exploit,
        citizenship,
        country,
        months,
        types,
        industries,
        sex_types,
        means,
        recruiters,
    ) in rows.iterator(chunk_size=CHUNK):
        append["yearOfRegistration"](str(year))
        append["Datasource"](DATA_SOURCES.get(source, MISSING))
        append["gender"](GENDERS.get(sex, "Unknown"))
        append["ageBroad"](age_band(age, band or ""))
        append["majorityStatus"](majority(age, band or "", bool(is_child)))
        append["majorityStatusAtExploit"](majority_at_exploitation(child_exploit))
        append["citizenship"](citizenship or UNKNOWN_COUNTRY)
        append["CountryOfExploitation"](country or UNKNOWN_COUNTRY)
        append["months"](months)
        masks = fact_masks(types or (), industries or (), sex_types or (), means or (), recruiters or ())
        for name, mask in zip(("means", "exploit", "labour", "sex", "recruiter"), masks, strict=True):
            append[name](mask)
    frame = pd.DataFrame({name: np.array(values, dtype=object) for name, values in columns.items() if name != "months"})
    frame["months"] = pd.array(columns["months"], dtype="Int64")
    for name in ("means", "exploit", "labour", "sex", "recruiter"):
        frame[name] = frame[name].astype(np.int64)
    return frame


@dataclass
class _Prepared:
    frame: pd.DataFrame  # the kept records, quasi-identifiers as released
    anonymity: KAnonymity


def _prepare(frame: pd.DataFrame, k: int) -> _Prepared:
    values = {column: frame[column].to_numpy(dtype=object) for column in QUASI_IDENTIFIERS}
    anonymity = k_anonymise(values, k)
    kept = frame.loc[anonymity.keep].copy()
    for column in QUASI_IDENTIFIERS:
        kept[column] = anonymity.released[column][anonymity.keep]
    return _Prepared(kept, anonymity)


def ctdc_lines(frame: pd.DataFrame) -> list[str]:
    """The CSV lines (without the header) of `frame`'s records, in CTDC_COLUMNS order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def cells(*values: str) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()[:-1]

    segments: dict[tuple[Any, ...], str] = {}

    def segment(key: tuple[Any, ...]) -> str:
        found = segments.get(key)
        if found is None:
            means, exploit, labour, sex, recruiter = key
            found = cells(
                *group_cells("means", means, means != 0),
                *group_cells("exploit", exploit, exploit_recorded(exploit)),
                *group_cells("labour", labour, labour_recorded(exploit)),
                *group_cells("sex", sex, sex_recorded(exploit)),
                MISSING,  # isAbduction
                recruiter_words(recruiter, recruiter != 0),
                *group_cells("recruiter", recruiter, recruiter != 0),
            )
            segments[key] = found
        return found

    heads: dict[tuple[str, ...], str] = {}
    lines = []
    for row in zip(
        frame["yearOfRegistration"],
        frame["Datasource"],
        frame["gender"],
        frame["ageBroad"],
        frame["majorityStatus"],
        frame["majorityStatusAtExploit"],
        frame["citizenship"],
        frame["means"],
        frame["exploit"],
        frame["labour"],
        frame["sex"],
        frame["recruiter"],
        frame["CountryOfExploitation"],
        strict=True,
    ):
        head_key = (*row[:6], MISSING, row[6])  # majorityEntry is not recorded
        head = heads.get(head_key)
        if head is None:
            head = heads[head_key] = cells(*head_key)
        tail = heads.get((row[12],))
        if tail is None:
            tail = heads[(row[12],)] = cells(row[12])
        lines.append(f"{head},{segment(tuple(row[7:12]))},{tail}\n")
    return lines


def _released_quasi_identifiers(lines: list[str]) -> list[tuple[str, ...]]:
    """The quasi-identifiers as a reader of the file will see them: each written line parsed back as CSV."""
    positions = [CTDC_COLUMNS.index(column) for column in QUASI_IDENTIFIERS]
    return [tuple(cells[p] for p in positions) for cells in csv.reader(lines)]


def ctdc_export(scope: Scope, *, k: int = DEFAULT_K, output: Path) -> Release:
    """Write the scope's counted victims to `output` in CTDC's codebook v6, k-anonymous over the quasi-identifiers,
    with `<output>.report.json` beside it; audited. Refuses k below 2 (or not an integer)."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise ApplicationError("invalid", _("k must be a whole number, for example 11."))
    if k < 2:
        raise ApplicationError(
            "invalid", _("k must be at least 2: with k = 1 every victim could be alone in the file.")
        )
    output = Path(output)
    frame = victim_frame(scope.facts(VictimFact))
    prepared = _prepare(frame, k)
    lines = ctdc_lines(prepared.frame)
    smallest = smallest_class(_released_quasi_identifiers(lines))
    if lines and smallest < k:
        # Never reached unless the search has a fault: the file is not written.
        raise ApplicationError(
            "failed",
            _("The file failed its k-anonymity check (a class of %(size)s records, k is %(k)s): nothing written.")
            % {"size": smallest, "k": k},
        )
    report = prepared.anonymity.report()
    report["smallest_class_in_file"] = smallest
    report["columns"] = len(CTDC_COLUMNS)
    report["country"] = scope.country
    report["empty"] = not lines
    if report["generalised"].get("yearOfRegistration", {}).get("level"):
        report["note"] = _("Years are written as ranges, such as 2019--2020.")

    def write(stream: IO[bytes]) -> None:
        stream.write((",".join(CTDC_COLUMNS) + "\n").encode())
        for start in range(0, len(lines), CHUNK):
            stream.write("".join(lines[start : start + CHUNK]).encode())

    write_atomic(output, write)
    report_path = Path(f"{output}.report.json")
    write_atomic(report_path, lambda stream: _write_bytes(stream, json.dumps(report, indent=2).encode()))
    release = Release(
        kind="ctdc",
        country=scope.country,
        records=len(lines),
        fields=len(CTDC_COLUMNS),
        parameters={"k": k, "levels": prepared.anonymity.levels, "output": output.name},
        report=report,
    )
    audit_release(scope, release)
    return release


def _write_bytes(stream: IO[bytes], data: bytes) -> None:
    stream.write(data)


def ctdc_report_lines(release: Release) -> list[str]:
    """The command's summary of a CTDC release, in sentences."""
    report = release.report
    if report.get("empty"):
        return [_("No counted victim in this scope: the file has the header only.")]
    lines = [
        _("%(kept)s of %(total)s victims released (%(share)s), %(suppressed)s suppressed, k = %(k)s.")
        % {
            "kept": report["records_kept"],
            "total": report["records"],
            "share": f"{report['share_kept']:.1%}",
            "suppressed": report["records_suppressed"],
            "k": report["k"],
        },
        _("CTDC's method (no generalisation) would have kept %(kept)s (%(share)s).")
        % {"kept": report["ctdc_method_records_kept"], "share": f"{report['ctdc_method_share_kept']:.1%}"},
    ]
    for number, tier in enumerate(report["passes"], start=1):
        generalised = [f"{column}: {entry['to']}" for column, entry in tier["generalised"].items() if entry["level"]]
        lines.append(
            _("Pass %(number)s: %(records)s records, generalised: %(list)s.")
            % {"number": number, "records": tier["records"], "list": "; ".join(generalised) or _("nothing")}
        )
    lines.append(
        _("Smallest group of identical quasi-identifiers in the file: %(n)s.") % {"n": report["smallest_class_in_file"]}
    )
    return lines
