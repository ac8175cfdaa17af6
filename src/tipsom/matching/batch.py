"""Batch deduplication: every record against every other through blocking, scored by a Fellegi-Sunter model whose
m and u are estimated from the data itself (Splink on DuckDB), clustered at a threshold.

Names are compared on the normal forms of `matching.names` (order-free canonical ids, Latin forms, consonant
skeletons), computed here once per distinct name field; Splink never sees the raw names. Each field has its
comparison levels, best first:

- name: exact (order-free canonical ids equal), core (the same without patronymic, middle name or second family
  name), subset (every word of the shorter name in the longer), skeleton (consonant skeletons of the whole name
  equal), skeleton_core, close (Jaro-Winkler >= 0.94 on the Latin forms), similar (skeletons >= 0.9 or Latin >=
  0.85), different; term-frequency adjusted on the exact and core levels (a common name counts for less);
- birth_date: exact, swapped (day and month), year_month, year (one side knows only the year), year_conflict (both
  know the month, it differs), year_pm1, different;
- sex and citizenship: same, different; plus, for lists that carry them (`Record.extra`, FEBRL's addresses), one
  comparison per extra column: exact (term-frequency adjusted), close (Jaro-Winkler >= 0.88), different.

A side that is not known (empty name, no or impossible birth date, sex "U") is the null level: it adds nothing.

Candidates come from blocking rules on values derived from the normal forms (never a whole-registry cross join):
the order-free core name or its skeleton with the birth year within one; the phonetic codes of given and family
name with the same birth year; the full birth date with either name's phonetic code; the canonical name when a side
has no birth year. u is estimated by random sampling, m by EM over two blocks (birth date; core name), the prior
from deterministic rules. Splink's settings are written in DuckDB's SQL dialect with portable functions, so the same
job runs on Splink's Spark backend (`db_api=SparkAPI(spark_session=...)`), the documented path for a registry one
machine cannot hold (pyspark is not a dependency of tipsom: install it where Spark runs).

Decrypted names stay in memory: DuckDB runs in-memory with `temp_directory` unset, so it cannot spill to disk (a
registry too large for memory fails with DuckDB's out-of-memory error instead of writing temporary files); Splink
writes no file. The only file written is `link_csv`'s output.
"""

from __future__ import annotations

import csv
import io
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext

from tipsom.core.errors import ApplicationError
from tipsom.matching.names import NameForms, NamePart, name_forms

Progress = Callable[[str, int, int], None]

DEFAULT_THRESHOLD = 0.9
CSV_COLUMNS = ("id", "given_name", "family_name", "other_names", "birth_date", "sex", "citizenship")
OUTPUT_COLUMNS = ("id_l", "id_r", "probability")
MAX_CSV_BYTES = 2 * 1024**3  # a partner's list, not a registry dump: refuse anything larger than 2 GB

ROLE_PARTICLE = "particle"
CORE_ROLES = ("given", "family")

# Level labels, best first, as Splink numbers them from the top (the null level is -1).
NAME_LEVELS = (
    "exact", "core", "skeleton_cross", "skeleton_core_cross", "close", "subset", "skeleton", "skeleton_core",
    "similar", "different",
)  # fmt: skip
BIRTH_LEVELS = (
    "exact", "swapped", "year_month", "year", "year_pm1_same_day", "year_conflict", "year_pm1", "different",
)  # fmt: skip
SEX_LEVELS = ("same", "different")
CITIZENSHIP_LEVELS = ("shared", "different")
EXTRA_LEVELS = ("exact", "close", "different")

# Training and prediction budgets: enough pairs for stable estimates at a million records, few enough for the
# 2-minute target on 2 cores.
U_MAX_PAIRS = 5e6
EM_MAX_PAIRS = 2e6
SEED = 13


@dataclass
class Record:
    """One person as the batch job reads them. birth_date: ISO "YYYY-MM-DD", "YYYY-MM", "YYYY" or ""; sex: "M",
    "F" or "U"; citizenship: ISO alpha-2 or "". `extra`: further columns a list carries (an address, a postcode),
    compared when present."""

    id: str
    given_name: str = ""
    family_name: str = ""
    other_names: str = ""
    birth_date: str = ""
    sex: str = "U"
    citizenship: str = ""
    extra: dict[str, str] | None = None


@dataclass
class DedupeResult:
    """pairs: id_l, id_r, probability, match_weight and one reason column per field (its level: "exact", "null"...);
    clusters: record id -> cluster id, for the records in a cluster of two or more; parameters: the estimated model
    (prior and m/u per level of each field, JSON-serialisable); counts: records, bad rows, pairs, clusters;
    seconds: time per step."""

    pairs: pd.DataFrame
    clusters: dict[str, str]
    parameters: dict[str, Any]
    counts: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


# --- Features -----------------------------------------------------------------------------------------------------
def parse_birth_date(text: str, *, today: date | None = None) -> tuple[int | None, int | None, int | None, bool]:
    """(year, month, day, valid) of a partial ISO date. An impossible date (2023-02-30), a date in the future or
    before 1900, or anything not ISO gives no date at all and valid=False; an empty one gives none and valid=True."""
    text = (text or "").strip()
    if not text:
        return None, None, None, True
    pieces = text.split("-")
    if len(pieces) > 3 or not all(piece.isdigit() for piece in pieces) or len(pieces[0]) != 4:
        return None, None, None, False
    if any(len(piece) != 2 for piece in pieces[1:]):
        return None, None, None, False
    numbers = [int(piece) for piece in pieces]
    year = numbers[0]
    month = numbers[1] if len(numbers) > 1 else None
    day = numbers[2] if len(numbers) > 2 else None
    today = today or timezone.localdate()
    try:
        earliest = date(year, month or 12, day or 28) if month else date(year, 12, 31)
        date(year, month or 1, day or 1)
    except ValueError:
        return None, None, None, False
    if year < 1900 or date(year, month or 1, day or 1) > today or earliest < date(1900, 1, 1):
        return None, None, None, False
    return year, month, day, True


def _word(part: NamePart) -> str:
    return part.canonical or part.latin or part.text


def _joined(values: Iterable[str]) -> str | None:
    words = sorted({value for value in values if value})
    return " ".join(words) if words else None


class _FieldForms:
    """Normal forms of one name field, computed once per distinct value (a registry repeats its names)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int], NameForms] = {}

    def parts(self, text: str, position: int) -> NameForms:
        key = (text, position)
        forms = self.cache.get(key)
        if forms is None:
            # name_forms tags words by the field they came from: (given, family) and anything after is "other".
            fields = ["", "", ""]
            fields[position] = text
            forms = name_forms(*fields[: max(2, position + 1)])
            self.cache[key] = forms
        return forms


def _name_columns(forms: Sequence[NameForms]) -> dict[str, Any]:
    parts = [part for form in forms for part in form.parts]
    named = [part for part in parts if part.role != ROLE_PARTICLE] or parts
    if not named:
        return {}
    core = [part for part in named if part.role in CORE_ROLES] or named
    givens = [part for part in named if part.role == "given"]
    families = [part for part in named if part.role == "family"]
    given = givens[0] if givens else named[0]
    family = families[-1] if families else named[-1]
    tokens = sorted({_word(part) for part in named})
    # Blocking key of a word: its canonical id, else its skeleton (a cross-script spelling the table does not know).
    keys = sorted({part.canonical or "~" + part.skeleton for part in core})
    pair = sorted({_word(given), _word(family)})
    scripts = {form.original_script for form in forms if form.parts}
    return {
        "name_canonical": " ".join(tokens),
        "name_core": _joined(_word(part) for part in core),
        "name_tokens": tokens,
        "name_ntokens": len(tokens),
        "name_latin": _joined(part.latin for part in named),
        "core_latin": _joined(part.latin for part in core),
        "core_key": " ".join(keys),
        "name_skeleton": _joined(part.skeleton for part in named),
        "core_skeleton": _joined(part.skeleton for part in core),
        "bk_pair": " ".join(pair),
        "bk_phon": _joined((given.phonetic, family.phonetic)),
        "given_phon": given.phonetic or None,
        "family_phon": family.phonetic or None,
        # A word's key (canonical id, else skeleton) with the first two consonants of the other name: brings typos
        # in one of the two names together.
        "bk_given": f"{given.canonical or '~' + given.skeleton} {family.skeleton[:2]}",
        "bk_family": f"{family.canonical or '~' + family.skeleton} {given.skeleton[:2]}",
        "name_script": scripts.pop() if len(scripts) == 1 else "mixed",
    }


NAME_COLUMNS = (
    "name_canonical", "name_core", "name_tokens", "name_ntokens", "name_latin", "core_latin", "core_key",
    "name_skeleton", "core_skeleton", "bk_pair", "bk_phon", "given_phon", "family_phon", "bk_given", "bk_family",
    "name_script",
)  # fmt: skip


def features(
    records: Sequence[Record], *, report: dict[str, int] | None = None, progress: Progress | None = None
) -> pd.DataFrame:
    """One row per record with the columns the model compares. Bad rows stay, with nulls where they are bad, and
    are counted in `report` (empty_name, invalid_birth_date, name warnings such as mixed_scripts)."""
    report = report if report is not None else {}
    cache = _FieldForms()
    today = timezone.localdate()
    extra_keys = sorted({key for record in records if record.extra for key in record.extra})
    rows: list[dict[str, Any]] = []
    total = len(records)
    step = max(1, total // 20)
    for index, record in enumerate(records):
        forms = [
            cache.parts(text, position)
            for position, text in enumerate((record.given_name, record.family_name, record.other_names))
            if text and text.strip()
        ]
        row: dict[str, Any] = {"unique_id": str(record.id)}
        row.update(_name_columns(forms))
        if "name_canonical" not in row:
            report["empty_name"] = report.get("empty_name", 0) + 1
        for form in forms:
            for warning in form.warnings:
                report[warning] = report.get(warning, 0) + 1
        year, month, day, valid = parse_birth_date(record.birth_date, today=today)
        if not valid:
            report["invalid_birth_date"] = report.get("invalid_birth_date", 0) + 1
        row["birth_year"] = year
        row["birth_month"] = month
        row["birth_day"] = day
        row["dob"] = f"{year:04d}-{month:02d}-{day:02d}" if day else None
        sex = (record.sex or "").strip().upper()
        row["sex"] = sex if sex in ("M", "F") else None
        citizenship = (record.citizenship or "").strip().upper()
        row["citizenship"] = citizenship if len(citizenship) == 2 and citizenship.isalpha() else None
        for key in extra_keys:
            value = ((record.extra or {}).get(key) or "").strip().lower()
            row[f"x_{key}"] = value or None
        rows.append(row)
        if progress and (index + 1) % step == 0:
            progress("features", index + 1, total)
    columns = ["unique_id", *NAME_COLUMNS, "birth_year", "birth_month", "birth_day", "dob", "sex", "citizenship"]
    columns += [f"x_{key}" for key in extra_keys]
    frame = pd.DataFrame(rows, columns=columns)
    # How many records share the whole name: the rare-name training block reads it.
    frame["name_count"] = frame.groupby("name_canonical", dropna=False)["unique_id"].transform("count").astype("Int64")
    for column in ("name_ntokens", "birth_year", "birth_month", "birth_day"):  # nullable integers
        frame[column] = frame[column].astype("Int64")
    if progress:
        progress("features", total, total)
    return frame


# --- The model ----------------------------------------------------------------------------------------------------
def _level(sql: str, label: str, **options: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **options}


def _null(*columns: str) -> dict[str, Any]:
    sql = " OR ".join(f'"{column}_l" IS NULL OR "{column}_r" IS NULL' for column in columns)
    return _level(sql, "null", is_null_level=True)


# The two functions whose names differ between DuckDB and Spark (Splink's Spark API registers its jaro_winkler UDF).
DIALECT_FUNCTIONS = {
    "duckdb": {"jw": "jaro_winkler_similarity", "overlap": "len(list_intersect({a}, {b}))"},
    "spark": {"jw": "jaro_winkler", "overlap": "size(array_intersect({a}, {b}))"},
}


def comparisons(extra_columns: Sequence[str] = (), dialect: str = "duckdb") -> list[dict[str, Any]]:
    """The Fellegi-Sunter comparisons, as Splink comparison dicts in the SQL of `dialect` ("duckdb" or "spark")."""
    functions = DIALECT_FUNCTIONS[dialect]

    def _jw(column: str, threshold: float) -> str:
        return f'{functions["jw"]}("{column}_l", "{column}_r") >= {threshold}'

    overlap = functions["overlap"].format(a='"name_tokens_l"', b='"name_tokens_r"')
    cross = '"name_script_l" <> "name_script_r"'
    name = {
        "output_column_name": "name",
        "comparison_levels": [
            _null("name_canonical"),
            _level('"name_canonical_l" = "name_canonical_r"', "exact", tf_adjustment_column="name_canonical",
                   tf_adjustment_weight=1.0),
            _level('"name_core_l" = "name_core_r"', "core", tf_adjustment_column="name_core",
                   tf_adjustment_weight=1.0),
            # Skeletons agree across scripts: the consonants a transliteration keeps (Arabic writes no short vowels).
            _level(f'{cross} AND "name_skeleton_l" = "name_skeleton_r"', "skeleton_cross"),
            _level(f'{cross} AND "core_skeleton_l" = "core_skeleton_r"', "skeleton_core_cross"),
            _level(f"{_jw('name_latin', 0.94)} OR {_jw('core_latin', 0.94)}", "close"),
            _level(
                'least("name_ntokens_l", "name_ntokens_r") >= 2 AND '
                f'{overlap} = least("name_ntokens_l", "name_ntokens_r")',
                "subset",
            ),
            # Skeletons agree in one script: the vowels differ, which in Latin letters is often another name
            # (Mamane and Moumouni): weaker than across scripts, as EM finds.
            _level('"name_skeleton_l" = "name_skeleton_r"', "skeleton"),
            _level('"core_skeleton_l" = "core_skeleton_r"', "skeleton_core"),
            _level(f"{_jw('core_skeleton', 0.9)} OR {_jw('name_latin', 0.85)}", "similar"),
            _level("ELSE", "different"),
        ],
    }  # fmt: skip
    birth = {
        "output_column_name": "birth_date",
        "comparison_levels": [
            _null("birth_year"),
            _level('"dob_l" = "dob_r"', "exact"),
            _level(
                '"birth_year_l" = "birth_year_r" AND "birth_month_l" = "birth_day_r" '
                'AND "birth_day_l" = "birth_month_r"',
                "swapped",
            ),
            _level('"birth_year_l" = "birth_year_r" AND "birth_month_l" = "birth_month_r"', "year_month"),
            _level('"birth_year_l" = "birth_year_r" AND ("birth_month_l" IS NULL OR "birth_month_r" IS NULL)', "year"),
            _level(
                'abs("birth_year_l" - "birth_year_r") = 1 AND "birth_month_l" = "birth_month_r" '
                'AND "birth_day_l" = "birth_day_r"',
                "year_pm1_same_day",
            ),
            _level('"birth_year_l" = "birth_year_r"', "year_conflict"),
            _level('abs("birth_year_l" - "birth_year_r") = 1', "year_pm1"),
            _level("ELSE", "different"),
        ],
    }
    sex = {
        "output_column_name": "sex",
        "comparison_levels": [_null("sex"), _level('"sex_l" = "sex_r"', "same"), _level("ELSE", "different")],
    }
    citizenship = {
        "output_column_name": "citizenship",
        "comparison_levels": [
            _null("citizenship"),
            _level('"citizenship_l" = "citizenship_r"', "shared"),
            _level("ELSE", "different"),
        ],
    }
    result = [name, birth, sex, citizenship]
    for column in extra_columns:
        result.append(
            {
                "output_column_name": column,
                "comparison_levels": [
                    _null(column),
                    _level(
                        f'"{column}_l" = "{column}_r"', "exact", tf_adjustment_column=column, tf_adjustment_weight=1.0
                    ),
                    _level(_jw(column, 0.88), "close"),
                    _level("ELSE", "different"),
                ],
            }  # fmt: skip
        )
    return result


LEVELS_OF = {"name": NAME_LEVELS, "birth_date": BIRTH_LEVELS, "sex": SEX_LEVELS, "citizenship": CITIZENSHIP_LEVELS}

YEAR_NEAR = 'abs(l."birth_year" - r."birth_year") <= 1'
BLOCKING_RULES = (
    f'l."core_key" = r."core_key" AND {YEAR_NEAR}',
    f'l."core_skeleton" = r."core_skeleton" AND {YEAR_NEAR}',
    'l."bk_phon" = r."bk_phon" AND l."birth_year" = r."birth_year"',
    'l."dob" = r."dob" AND l."family_phon" = r."family_phon"',
    'l."dob" = r."dob" AND l."given_phon" = r."given_phon"',
    'l."core_key" = r."core_key" AND (l."birth_year" IS NULL OR r."birth_year" IS NULL)',
    'l."bk_given" = r."bk_given" AND l."birth_year" = r."birth_year"',
    'l."bk_family" = r."bk_family" AND l."birth_year" = r."birth_year"',
    'l."core_key" = r."core_key" AND l."birth_month" = r."birth_month" AND l."birth_day" = r."birth_day"',
)
# Rules that admit almost no false positives, for the prior (probability two random records match); their recall
# among true pairs is a guess (cross-script pairs outside the equivalents table, typos and partial dates escape them).
DETERMINISTIC_RULES = ('l."name_canonical" = r."name_canonical" AND l."dob" = r."dob"',)
DETERMINISTIC_RECALL = 0.4
# EM blocks: each trains the fields it does not block on.
# EM blocks. A rule's own columns are not trained by it. The birth date block trains the name, sex and citizenship
# (pairs of random people born the same day: their names, sexes and countries are independent). The birth date is
# trained among records that share a rare whole name (at most RARE_NAME records have it) with the same sex and
# country: mostly duplicates, so the levels their birth dates reach are the m of the birth date. Not in a block of
# common names: namesakes outnumber duplicates there, and since names belong to a language and a sex, sex and country
# agree for namesakes as for duplicates, so EM took "same country, same sex" for the sign of a match.
RARE_NAME = 3
EM_RULES = (
    'l."dob" = r."dob"',
    f'l."name_canonical" = r."name_canonical" AND l."name_count" <= {RARE_NAME} AND l."sex" = r."sex" '
    'AND l."citizenship" = r."citizenship"',
)


def settings(extra_columns: Sequence[str] = (), dialect: str = "duckdb") -> dict[str, Any]:
    """Splink settings for a deduplication of `features()` rows."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons(extra_columns, dialect),
        "blocking_rules_to_generate_predictions": list(BLOCKING_RULES),
        # The gamma columns (each field's level) come with the compared columns; the mw_ columns are the weights.
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
    }


def duckdb_api() -> Any:
    """An in-memory DuckDB connection that never spills to disk (decrypted data stays in memory)."""
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect(":memory:")
    connection.execute("SET temp_directory = ''")
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=connection)


# The least m a level keeps: EM on clean data drives the m of a disagreement to zero (a synthetic duplicate never
# changes sex), which would make one wrongly recorded sex or citizenship veto a match.
M_FLOOR = 0.001
M_FLOOR_DISAGREE = 0.01
CONDITIONAL_SAMPLE = 20_000


def conditional_u(frame: pd.DataFrame, *, sample: int = CONDITIONAL_SAMPLE) -> dict[str, float]:
    """How often sex and citizenship agree between different persons who share a name: among pairs of records
    with the same core name born at least 5 years apart (almost never the same person). Names belong to a sex and a
    country, so among namesakes sex and citizenship agree far more often than among random pairs: their u there, not
    the random pairs' u, says how much an agreement adds once the names agree (Fellegi-Sunter assumes the fields
    independent; these are not)."""
    columns = ["unique_id", "name_core", "birth_year", "sex", "citizenship"]
    known = frame[columns].dropna(subset=["name_core", "birth_year"])
    if known.empty:
        return {}
    left = known.sample(n=min(sample, len(known)), random_state=SEED)
    pairs = left.merge(known, on="name_core", suffixes=("_l", "_r"))
    pairs = pairs[
        (pairs["unique_id_l"] != pairs["unique_id_r"]) & ((pairs["birth_year_l"] - pairs["birth_year_r"]).abs() >= 5)
    ]
    result: dict[str, float] = {}
    for column in ("sex", "citizenship"):
        both = pairs[pairs[f"{column}_l"].notna() & pairs[f"{column}_r"].notna()]
        if len(both) >= 100:
            result[column] = float((both[f"{column}_l"] == both[f"{column}_r"]).mean())
    return result


def _adjusted_model(model: dict[str, Any], agreement_u: dict[str, float]) -> dict[str, Any]:
    """The trained model with the namesakes' u for sex and citizenship and the m floors (see M_FLOOR)."""
    for comparison in model.get("comparisons", []):
        name = comparison.get("output_column_name")
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            label = level.get("label_for_charts")
            disagree = name in ("sex", "citizenship") and label == "different"
            if level.get("m_probability") is not None:
                level["m_probability"] = max(float(level["m_probability"]), M_FLOOR_DISAGREE if disagree else M_FLOOR)
            if name in agreement_u and level.get("u_probability") is not None:
                agree = min(max(agreement_u[name], 0.01), 0.99)
                level["u_probability"] = 1 - agree if disagree else agree
    return model


def _parameters(linker: Any) -> dict[str, Any]:
    """prior and, per field, level -> [m, u] (JSON-serialisable), from the trained Splink model."""
    model = linker.misc.save_model_to_json()
    fields: dict[str, dict[str, list[float]]] = {}
    for comparison in model.get("comparisons", []):
        levels: dict[str, list[float]] = {}
        for level in comparison.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is None or u is None:
                continue
            levels[str(level.get("label_for_charts"))] = [float(m), float(u)]
        fields[str(comparison.get("output_column_name"))] = levels
    return {"prior": float(model.get("probability_two_random_records_match") or 0.0), "fields": fields}


def _reasons(frame: pd.DataFrame, fields: Sequence[str], extra_columns: Sequence[str]) -> pd.DataFrame:
    """The gamma columns (Splink's level numbers, else = 0, null = -1) as level labels."""
    for name in fields:
        column = f"gamma_{name}"
        if column not in frame:
            continue
        labels = LEVELS_OF.get(name) or (EXTRA_LEVELS if name in extra_columns else ())
        top = len(labels) - 1
        mapping = {top - position: label for position, label in enumerate(labels)}
        mapping[-1] = "null"
        frame[name] = frame[column].map(mapping).fillna("null")
        weight = f"mw_{name}"
        if weight in frame:
            tf = frame[f"mw_tf_adj_{name}"] if f"mw_tf_adj_{name}" in frame else 0.0
            frame[f"weight_{name}"] = (frame[weight] + tf).round(2)
    return frame


def dedupe(
    records: Sequence[Record],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
    new_ids: Iterable[str] | None = None,
    db_api: Any = None,
) -> DedupeResult:
    """Deduplicate `records`: the pairs with a match probability of at least `threshold`, their clusters, and the
    model estimated from these records. With `new_ids` (incremental), the model is still estimated on every record,
    but only pairs with at least one record of `new_ids` are predicted (new against the rest, and new against new).
    `db_api`: a Splink database API (default: DuckDB in memory; `splink.SparkAPI(spark_session=...)` for Spark)."""
    import logging

    from splink import Linker

    if not 0 < threshold < 1:
        raise ApplicationError("invalid_threshold", gettext("The threshold must be between 0 and 1."))
    logging.getLogger("splink").setLevel(logging.WARNING)
    seconds: dict[str, float] = {}
    counts: dict[str, Any] = {"records": len(records)}
    started = time.perf_counter()
    report: dict[str, int] = {}
    frame = features(records, report=report, progress=progress)
    counts["bad_rows"] = report
    seconds["features"] = time.perf_counter() - started
    empty = pd.DataFrame(columns=["id_l", "id_r", "probability", "match_weight", *LEVELS_OF])
    if frame["name_canonical"].notna().sum() < 2:
        return DedupeResult(empty, {}, {}, {**counts, "pairs": 0, "clusters": 0}, seconds)

    extra_columns = [column for column in frame.columns if column.startswith("x_")]
    api = db_api if db_api is not None else duckdb_api()
    step = time.perf_counter()
    table = api.register(frame, table_name="tipsom_records")
    dialect = "spark" if api.sql_dialect.sql_dialect_str == "spark" else "duckdb"
    linker = Linker(table, settings(extra_columns, dialect), log_level=logging.WARNING)
    training_steps = 2 + len(EM_RULES)
    if progress:
        progress("training", 0, training_steps)
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
    )
    if progress:
        progress("training", 1, training_steps)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(U_MAX_PAIRS, _all_pairs(len(frame))), seed=SEED)
    if progress:
        progress("training", 2, training_steps)
    for number, rule in enumerate(EM_RULES, start=3):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=EM_MAX_PAIRS)
        except Exception as error:  # noqa: BLE001
            # A block with no pairs (a tiny list) leaves the levels it would train at Splink's defaults.
            counts.setdefault("training_warnings", []).append(str(error).splitlines()[0][:200])
        if progress:
            progress("training", number, training_steps)
    agreement_u = conditional_u(frame)
    counts["namesake_agreement"] = agreement_u
    linker = Linker(table, _adjusted_model(linker.misc.save_model_to_json(), agreement_u), log_level=logging.WARNING)
    seconds["training"] = time.perf_counter() - step

    step = time.perf_counter()
    if progress:
        progress("predicting", 0, 1)
    if new_ids is not None:
        wanted = {str(value) for value in new_ids}
        is_new = frame["unique_id"].isin(wanted)
        counts["new_records"] = int(is_new.sum())
        predictions = _predict_incremental(api, linker, frame, is_new, threshold, extra_columns)
    else:
        predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    pairs = predictions.as_pandas_dataframe()
    if progress:
        progress("predicting", 1, 1)
    seconds["predicting"] = time.perf_counter() - step

    step = time.perf_counter()
    clusters: dict[str, str] = {}
    if len(pairs):
        if progress:
            progress("clustering", 0, 1)
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        ).as_pandas_dataframe()
        sizes = clustered["cluster_id"].value_counts()
        shared = clustered[clustered["cluster_id"].map(sizes) > 1]
        clusters = dict(zip(shared["unique_id"].astype(str), shared["cluster_id"].astype(str), strict=True))
        if progress:
            progress("clustering", 1, 1)
    seconds["clustering"] = time.perf_counter() - step

    fields = [*LEVELS_OF, *extra_columns]
    pairs = _reasons(pairs, fields, extra_columns)
    pairs = pairs.rename(columns={"unique_id_l": "id_l", "unique_id_r": "id_r", "match_probability": "probability"})
    keep = ["id_l", "id_r", "probability", "match_weight"]
    keep += [column for name in fields for column in (name, f"weight_{name}") if column in pairs]
    pairs = pairs[keep].sort_values("probability", ascending=False, kind="stable").reset_index(drop=True)
    pairs["id_l"] = pairs["id_l"].astype(str)
    pairs["id_r"] = pairs["id_r"].astype(str)
    counts["pairs"] = len(pairs)
    counts["clusters"] = len(set(clusters.values()))
    counts["records_in_clusters"] = len(clusters)
    parameters = _parameters(linker)
    seconds["total"] = time.perf_counter() - started
    return DedupeResult(pairs, clusters, parameters, counts, seconds)


def _all_pairs(count: int) -> float:
    return max(1.0, count * (count - 1) / 2)


def _predict_incremental(
    api: Any, linker: Any, frame: pd.DataFrame, is_new: pd.Series, threshold: float, extra_columns: Sequence[str]
) -> Any:
    """New records against the others, and against each other; the term frequencies are the whole registry's."""
    if not is_new.any():
        return api.register(
            pd.DataFrame({"unique_id_l": pd.Series(dtype=str), "unique_id_r": pd.Series(dtype=str),
                          "match_probability": pd.Series(dtype=float), "match_weight": pd.Series(dtype=float)})
        )  # fmt: skip
    for column in ("name_canonical", "name_core", *extra_columns):
        linker.table_management.compute_tf_table(column)
    new = api.register(frame[is_new].reset_index(drop=True), table_name="tipsom_new")
    old = api.register(frame[~is_new].reset_index(drop=True), table_name="tipsom_old")
    between = linker.inference.predict_between(
        new, old, threshold_match_probability=threshold, warning_mode="never"
    ).as_pandas_dataframe()
    within = linker.inference.predict_within(
        new, threshold_match_probability=threshold, warning_mode="never"
    ).as_pandas_dataframe()
    return api.register(pd.concat([between, within], ignore_index=True))


# --- CSV lists ----------------------------------------------------------------------------------------------------
def read_csv(path: str | Path) -> list[Record]:
    """The records of a CSV list (UTF-8, header with at least CSV_COLUMNS; extra columns are ignored). Raises
    ApplicationError for a file that is missing, empty, not UTF-8, without a required column, or with a repeated id."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise ApplicationError("csv_too_large", gettext("The list is larger than 2 GB."), {"file": str(path)})
        raw = path.read_bytes()
    except OSError as error:
        raise ApplicationError(
            "csv_unreadable", gettext("The list cannot be read."), {"file": str(path), "error": error.strerror or ""}
        ) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ApplicationError(
            "csv_not_utf8",
            gettext("The list is not UTF-8 text: save it as CSV UTF-8."),
            {"file": str(path), "byte": error.start},
        ) from error
    if not text.strip():
        raise ApplicationError("csv_empty", gettext("The list is empty."), {"file": str(path)})
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [column.strip() for column in reader.fieldnames or []]
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise ApplicationError(
            "csv_columns",
            gettext("The list lacks required columns: %(columns)s.") % {"columns": ", ".join(missing)},
            {"file": str(path), "required": ", ".join(CSV_COLUMNS)},
        )
    reader.fieldnames = header
    records: list[Record] = []
    seen: set[str] = set()
    try:
        for line, row in enumerate(reader, start=2):
            record_id = (row.get("id") or "").strip()
            if not record_id:
                raise ApplicationError(
                    "csv_id", gettext("A row has no id (line %(line)s).") % {"line": line}, {"file": str(path)}
                )
            if record_id in seen:
                raise ApplicationError(
                    "csv_id",
                    gettext("The id %(id)s appears twice (line %(line)s).") % {"id": record_id[:40], "line": line},
                    {"file": str(path)},
                )
            seen.add(record_id)
            records.append(
                Record(
                    id=record_id,
                    given_name=row.get("given_name") or "",
                    family_name=row.get("family_name") or "",
                    other_names=row.get("other_names") or "",
                    birth_date=row.get("birth_date") or "",
                    sex=row.get("sex") or "U",
                    citizenship=row.get("citizenship") or "",
                )
            )
    except csv.Error as error:
        raise ApplicationError(
            "csv_malformed", gettext("The list is not valid CSV: %(error)s.") % {"error": error}, {"file": str(path)}
        ) from error
    if not records:
        raise ApplicationError("csv_empty", gettext("The list has a header but no rows."), {"file": str(path)})
    return records


def write_pairs(path: str | Path, pairs: pd.DataFrame) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTPUT_COLUMNS)
        for id_l, id_r, probability in pairs[list(OUTPUT_COLUMNS)].itertuples(index=False):
            writer.writerow((id_l, id_r, f"{probability:.6f}" if math.isfinite(probability) else ""))


def link_csv(
    input_path: str | Path,
    output_path: str | Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
) -> DedupeResult:
    """Deduplicate a CSV list (no database involved) and write `id_l, id_r, probability` for the pairs judged the
    same person. A malformed list raises ApplicationError before anything is written."""
    output = Path(output_path)
    if Path(input_path).resolve() == output.resolve():
        raise ApplicationError("csv_same_file", gettext("The output would overwrite the input."))
    if not output.parent.is_dir():
        raise ApplicationError("csv_output", gettext("The output's folder does not exist."), {"file": str(output)})
    records = read_csv(input_path)
    result = dedupe(records, threshold=threshold, progress=progress)
    step = time.perf_counter()
    write_pairs(output, result.pairs)
    result.seconds["writing"] = time.perf_counter() - step
    return result
