"""Batch deduplication: every record against every other through blocking, scored by a Fellegi-Sunter model whose
m and u are estimated from the data itself (Splink on DuckDB), clustered at a threshold.

Names are compared on the normal forms of `matching.names` (order-free canonical ids, Latin forms, consonant
skeletons), computed once per distinct name field and combined per distinct (given, family, other) in DuckDB;
Splink never sees the raw names. Each field has its comparison levels, best first (NAME_LEVELS, BIRTH_LEVELS):

- name: exact (order-free canonical ids equal; term-frequency adjusted: a common name counts for less), core
  (given and family agree, one side has no patronymic or middle name), skeleton_abjad and skeleton_core_abjad
  (consonant skeletons equal, one side in Arabic script, which writes no short vowels), close (given and family
  name each Jaro-Winkler >= 0.94 on their Latin forms, in either order, and the other names agreeing or absent on
  one side), close_cross (>= 0.88 across scripts, on spelling forms: consonants as the skeleton hears them, vowels
  in classes), subset (every word of the shorter name in the longer), core_other_differs, skeleton, skeleton_core,
  similar, different. core, skeleton_abjad, close and similar come in two levels, "_rare" first: the core name is
  held by at most RARE_CORE records on either side (the fuzzy levels' stand-in for the exact level's term
  frequencies: namesakes of a rare name are few); close has a third, close_common (more than COMMON_CORE).
  Skeletons bring candidates; alone they weigh what EM finds them worth, which is little outside Arabic;
- birth_date: exact, swapped (day and month), year_month (one side lacks the day), year (one side knows only the
  year), year_pm1_same_day, year_month_day_differs, year_conflict, year_pm1, different;
- sex and citizenship: same, different, their u measured among namesakes (conditional_u); plus, for lists that
  carry them (`Record.extra`, FEBRL's addresses), one comparison per extra column: exact (term-frequency adjusted),
  close (Jaro-Winkler >= 0.88), different.

A side that is not known (empty name, no or impossible birth date, sex "U") is the null level: it adds nothing.

Candidates come from blocking rules on values derived from the normal forms (BLOCKING_RULES; never a whole-registry
cross join), and on a list's own columns. u is estimated by random sampling, m by EM over two blocks (EM_RULES),
the prior from deterministic rules; a list under MIN_TRAINING_RECORDS keeps DEFAULT_FIELDS. Splink's settings are
written per SQL dialect ("duckdb" or "spark": the two function names that differ), so the same job code runs on
Splink's Spark backend (`dedupe(records, db_api=splink.SparkAPI(spark_session=spark))`), the documented path for
a registry one machine cannot hold. pyspark is not a dependency of tipsom: install it where Spark runs; the
features are computed on the driver (pandas and an in-memory DuckDB), so at that scale compute them per chunk of
records (`features()` is per record) and hand Spark the frame.

Decrypted names stay in memory: DuckDB runs in-memory with `temp_directory` unset, so it cannot spill to disk (a
registry too large for memory fails with DuckDB's out-of-memory error instead of writing temporary files); Splink
writes no file. The only file written is `link_csv`'s output.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
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
from tipsom.matching.names import NamePart, name_forms
from tipsom.matching.names.codes import spelling_form

Progress = Callable[[str, int, int], None]

DEFAULT_THRESHOLD = 0.5
CSV_COLUMNS = ("id", "given_name", "family_name", "other_names", "birth_date", "sex", "citizenship")
OUTPUT_COLUMNS = ("id_l", "id_r", "probability")
MAX_CSV_BYTES = 2 * 1024**3  # a partner's list, not a registry dump: refuse anything larger than 2 GB

ROLE_PARTICLE = "particle"
CORE_ROLES = ("given", "family")

# Level labels, best first, as Splink numbers them from the top (the null level is -1).
NAME_LEVELS = (
    "exact", "core_rare", "core", "skeleton_abjad_rare", "skeleton_abjad", "skeleton_core_abjad", "close_rare",
    "close", "close_common", "close_cross", "subset", "core_other_differs", "skeleton", "skeleton_core",
    "similar_rare", "similar", "different",
)  # fmt: skip
BIRTH_LEVELS = (
    "exact", "swapped", "year_month", "year", "year_pm1_same_day", "year_month_day_differs", "year_conflict",
    "year_pm1", "different",
)  # fmt: skip
SEX_LEVELS = ("same", "different")
CITIZENSHIP_LEVELS = ("shared", "different")
EXTRA_LEVELS = ("exact", "close", "different")

# Below this many records m and u are not estimated (too few pairs for EM): the default model serves.
MIN_TRAINING_RECORDS = 1000
# Duplicate pairs per record assumed when the prior cannot be estimated (registries of victims register again
# and again: about one person in eight more than once).
DUPLICATE_PAIRS_PER_RECORD = 0.15
# The default model: m and u per level, as estimated on the synthetic benchmark of 100,000 records (bench/
# generate_matching.py) with sex's and citizenship's u among namesakes. The starting point of training; the model
# of a list too small to train on.
DEFAULT_FIELDS: dict[str, dict[str, tuple[float, float]]] = {
    "name": {
        "exact": (0.53, 6.8e-05), "core_rare": (0.05, 2e-06), "core": (0.06, 1.4e-05),
        "skeleton_abjad_rare": (0.06, 2e-06), "skeleton_abjad": (0.06, 1.3e-05),
        "skeleton_core_abjad": (0.018, 4.7e-06), "close_rare": (0.08, 5e-06),
        "close": (0.04, 4e-05), "close_common": (0.03, 5e-05), "close_cross": (0.05, 5e-05),
        "subset": (0.001, 1.0e-05),
        "core_other_differs": (0.001, 2.9e-06), "skeleton": (0.01, 1.6e-05), "skeleton_core": (0.0028, 1.2e-05),
        "similar_rare": (0.017, 3.0e-04), "similar": (0.017, 2.7e-03), "different": (0.02, 0.997),
    },
    "birth_date": {
        "exact": (0.53, 5.5e-05), "swapped": (0.027, 1.6e-05), "year_month": (0.049, 1.6e-05),
        "year": (0.22, 3.6e-03), "year_pm1_same_day": (0.093, 8.6e-05), "year_month_day_differs": (0.0014, 1.1e-03),
        "year_conflict": (0.025, 1.3e-02), "year_pm1": (0.019, 3.5e-02), "different": (0.037, 0.947),
    },
    "sex": {"same": (0.99, 0.99), "different": (0.01, 0.01)},
    "citizenship": {"shared": (0.99, 0.98), "different": (0.01, 0.02)},
}  # fmt: skip
# A core name (given and family) held by at most this many records is rare: its close and skeleton levels are apart.
RARE_CORE = 3
# Above this many records the core name is common: its close level stands apart again (a spelling variant or a
# transliteration of a common name, one side knowing only the birth year, is a namesake about as often as not).
COMMON_CORE = 10
# Other names (patronymics, second family names) at least this alike as spelling forms agree (a typo, Mykolaivna and
# Nikolaevna), below it they differ (Ivanovna and Petrovna 0.68, Talantovich and Azamatovich 0.80).
OTHERS_CLOSE = 0.85
DEFAULT_EXTRA = {"exact": (0.8, 0.01), "close": (0.1, 0.02), "different": (0.1, 0.97)}

# Training and prediction budgets: enough pairs for stable estimates at a million records, few enough for the
# 2-minute target on 2 cores.
U_MAX_PAIRS = 2e6
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


def _key(part: NamePart) -> str:
    # Blocking key of a word: its canonical id, else its skeleton (a cross-script spelling the table does not know).
    return part.canonical or "~" + part.skeleton


def _field_row(text: str, position: int) -> dict[str, Any]:
    """What one name field contributes to a record's columns, computed once per distinct value of the field (a
    registry repeats its names). name_forms tags words by the field they came from: (given, family), then other."""
    fields = ["", "", ""]
    fields[position] = text
    forms = name_forms(*fields[: max(2, position + 1)])
    named = [part for part in forms.parts if part.role != ROLE_PARTICLE] or list(forms.parts)
    core = [part for part in named if part.role in CORE_ROLES]
    givens = [part for part in named if part.role == "given"]
    families = [part for part in named if part.role == "family"]
    row: dict[str, Any] = {
        "position": position,
        "text": text,
        "warnings": list(forms.warnings),
        "script": forms.original_script if named else None,
        "words": [_word(part) for part in named],
        "core": [_word(part) for part in core],
        "latin": [part.latin for part in named if part.latin],
        "core_latin": [part.latin for part in core if part.latin],
        "skel": [part.skeleton for part in named if part.skeleton],
        "core_skel": [part.skeleton for part in core if part.skeleton],
        "keys": [_key(part) for part in named],
        "core_keys": [_key(part) for part in core],
        # The other names by their canonical ids where the table knows them (محمود and محمد: Mahmoud, Muhammad).
        "other_norm": [
            spelling_form(part.canonical or part.latin) for part in named if part.role not in CORE_ROLES and part.latin
        ],
    }
    for prefix, part in (
        ("g", givens[0] if givens else None),
        ("f", families[-1] if families else None),
        ("n0", named[0] if named else None),
        ("n1", named[-1] if named else None),
    ):
        row[f"{prefix}_key"] = _key(part) if part else None
        row[f"{prefix}_skel"] = part.skeleton if part else None
        row[f"{prefix}_phon"] = part.phonetic if part else None
        row[f"{prefix}_latin"] = part.latin if part else None
        row[f"{prefix}_norm"] = spelling_form(part.latin) if part else None
        row[f"{prefix}_canon"] = (part.canonical or None) if part else None
    return row


FIELD_LISTS = ("words", "core", "latin", "core_latin", "skel", "core_skel", "keys", "core_keys", "other_norm")
FIELD_PARTS = ("g", "f", "n0", "n1")
PART_FORMS = ("key", "skel", "phon", "latin", "norm", "canon")

# One record's name columns from its three fields (given g, family f, other o) in DuckDB, vectorised: the words
# of all fields and of the given and family roles ("core"; all words when no word has those roles), sorted
# without repeats (order-free); the given name is the first word tagged given, the family name the last tagged
# family (else the first and last words).
NAME_SQL = """
WITH triples AS (
    SELECT DISTINCT g, f, o FROM records
), joined AS (
    SELECT r.g AS tg, r.f AS tf, r.o AS to_,
        {lists},
        coalesce(g.g_key, f.g_key, o.g_key, g.n0_key, f.n0_key, o.n0_key) AS given_key,
        coalesce(g.g_skel, f.g_skel, o.g_skel, g.n0_skel, f.n0_skel, o.n0_skel) AS given_skel,
        coalesce(g.g_latin, f.g_latin, o.g_latin, g.n0_latin, f.n0_latin, o.n0_latin) AS given_latin,
        coalesce(g.g_phon, f.g_phon, o.g_phon, g.n0_phon, f.n0_phon, o.n0_phon) AS given_phon,
        coalesce(g.g_norm, f.g_norm, o.g_norm, g.n0_norm, f.n0_norm, o.n0_norm) AS given_norm,
        CASE WHEN coalesce(g.g_key, f.g_key, o.g_key) IS NOT NULL
            THEN coalesce(g.g_canon, f.g_canon, o.g_canon) ELSE coalesce(g.n0_canon, f.n0_canon, o.n0_canon)
        END AS given_canon,
        coalesce(o.f_key, f.f_key, g.f_key, o.n1_key, f.n1_key, g.n1_key) AS family_key,
        coalesce(o.f_skel, f.f_skel, g.f_skel, o.n1_skel, f.n1_skel, g.n1_skel) AS family_skel,
        coalesce(o.f_latin, f.f_latin, g.f_latin, o.n1_latin, f.n1_latin, g.n1_latin) AS family_latin,
        coalesce(o.f_phon, f.f_phon, g.f_phon, o.n1_phon, f.n1_phon, g.n1_phon) AS family_phon,
        coalesce(o.f_norm, f.f_norm, g.f_norm, o.n1_norm, f.n1_norm, g.n1_norm) AS family_norm,
        CASE WHEN coalesce(o.f_key, f.f_key, g.f_key) IS NOT NULL
            THEN coalesce(o.f_canon, f.f_canon, g.f_canon) ELSE coalesce(o.n1_canon, f.n1_canon, g.n1_canon)
        END AS family_canon,
        list_distinct(list_filter([g.script, f.script, o.script], lambda x: x IS NOT NULL)) AS scripts
    FROM triples r
    LEFT JOIN fields g ON g.position = 0 AND g.text = r.g
    LEFT JOIN fields f ON f.position = 1 AND f.text = r.f
    LEFT JOIN fields o ON o.position = 2 AND o.text = r.o
), cored AS (
    SELECT *,
        CASE WHEN len(core_all) = 0 THEN words_all ELSE core_all END AS core_w,
        CASE WHEN len(core_all) = 0 THEN latin_all ELSE core_latin_all END AS core_l,
        CASE WHEN len(core_all) = 0 THEN skel_all ELSE core_skel_all END AS core_s,
        CASE WHEN len(core_all) = 0 THEN keys_all ELSE core_keys_all END AS core_k
    FROM joined
), named AS (
    SELECT tg, tf, to_,
    nullif(array_to_string(words_all, ' '), '') AS name_canonical,
    nullif(array_to_string(core_w, ' '), '') AS name_core,
    CASE WHEN len(words_all) = 0 THEN NULL ELSE len(words_all) END AS name_ntokens,
    len(list_filter(words_all, lambda x: NOT list_contains(core_w, x))) AS name_nother,
    nullif(array_to_string(latin_all, ' '), '') AS name_latin,
    nullif(array_to_string(core_l, ' '), '') AS core_latin,
    nullif(array_to_string(core_k, ' '), '') AS core_key,
    nullif(array_to_string(skel_all, ' '), '') AS name_skeleton,
    nullif(array_to_string(core_s, ' '), '') AS core_skeleton,
    CASE WHEN len(core_all) = 0 THEN NULL ELSE nullif(array_to_string(other_norm_all, ' '), '') END AS other_norm,
    nullif(given_phon, '') AS given_phon,
    nullif(family_phon, '') AS family_phon,
    given_key || ' ' || left(family_skel, 1) AS bk_given,
    family_key || ' ' || left(given_skel, 1) AS bk_family,
    nullif(given_latin, '') AS given_latin,
    nullif(family_latin, '') AS family_latin,
    nullif(given_norm, '') AS given_norm,
    nullif(family_norm, '') AS family_norm,
    given_canon,
    family_canon,
    least(left(given_skel, 1), left(family_skel, 1)) || greatest(left(given_skel, 1), left(family_skel, 1))
        AS bk_initials,
    CASE WHEN len(scripts) = 0 THEN NULL WHEN len(scripts) = 1 THEN scripts[1] ELSE 'mixed' END AS name_script
FROM cored
)
SELECT n.* EXCLUDE (tg, tf, to_)
FROM records r JOIN named n ON n.tg = r.g AND n.tf = r.f AND n.to_ = r.o
ORDER BY r.row_number
"""


def _name_frame(texts: pd.DataFrame, report: dict[str, int], progress: Progress | None) -> pd.DataFrame:
    """The name columns of every record, in order (texts: columns g, f, o; "" where empty). Computed once per
    distinct field value (Python) and once per distinct combination of the three (DuckDB)."""
    import duckdb

    distinct = [
        (text, position) for position, column in enumerate(("g", "f", "o")) for text in texts[column].unique() if text
    ]
    rows = []
    step = max(1, len(distinct) // 10)
    for index, (text, position) in enumerate(distinct):
        rows.append(_field_row(text, position))
        if progress and index % step == 0:
            progress("names", index, len(distinct))
    if progress:
        progress("names", len(distinct), len(distinct))
    fields = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["position", "text", "warnings", "script"])
    occurrences = {column: texts[column].value_counts() for column in ("g", "f", "o")}
    for row in rows:
        for warning in row["warnings"]:
            count = int(occurrences["gfo"[row["position"]]].get(row["text"], 0))
            report[warning] = report.get(warning, 0) + count
    lists = ",\n        ".join(
        f"list_sort(list_distinct(list_concat(list_concat(coalesce(g.{name}, []), coalesce(f.{name}, [])), "
        f"coalesce(o.{name}, [])))) AS {name}_all"
        for name in FIELD_LISTS
    )
    connection = duckdb.connect(":memory:")
    connection.execute("SET temp_directory = ''")  # decrypted names never spill to disk
    try:
        records = texts.assign(row_number=range(len(texts)))
        connection.register("records", records)
        if rows:
            connection.register("fields", fields)
        else:
            connection.execute(
                "CREATE TABLE fields AS SELECT 0 AS position, '' AS text, NULL::VARCHAR AS script, "
                + ", ".join(f"[]::VARCHAR[] AS {name}" for name in FIELD_LISTS)
                + ", "
                + ", ".join(f"NULL::VARCHAR AS {p}_{k}" for p in FIELD_PARTS for k in PART_FORMS)
                + " WHERE false"
            )
        result = connection.execute(NAME_SQL.format(lists=lists)).df()
    finally:
        connection.close()
    return result


NAME_COLUMNS = (
    "name_canonical", "name_core", "name_ntokens", "name_nother", "name_latin", "core_latin",
 "core_key",
    "name_skeleton", "core_skeleton", "given_phon", "family_phon", "given_latin", "family_latin", "given_norm",
    "family_norm", "other_norm", "given_canon", "family_canon", "bk_given",
    "bk_family",
    "bk_initials", "name_script",
)  # fmt: skip


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def features(
    records: Sequence[Record], *, report: dict[str, int] | None = None, progress: Progress | None = None
) -> pd.DataFrame:
    """One row per record with the columns the model compares. Bad rows stay, with nulls where they are bad, and
    are counted in `report` (empty_name, invalid_birth_date, name warnings such as mixed_scripts). The normal forms
    are computed once per distinct name field; the rest is vectorised (DuckDB, pandas)."""
    report = report if report is not None else {}
    today = timezone.localdate()
    texts = pd.DataFrame(
        [(_clean(r.given_name) or "", _clean(r.family_name) or "", _clean(r.other_names) or "") for r in records],
        columns=["g", "f", "o"],
    )
    names = _name_frame(texts, report, progress)
    frame = pd.DataFrame({"unique_id": [str(record.id) for record in records]})
    for column in NAME_COLUMNS:
        frame[column] = names[column].values if len(names) else None
    empty = int(frame["name_canonical"].isna().sum())
    if empty:
        report["empty_name"] = empty

    dates: dict[str, tuple[int | None, int | None, int | None, bool]] = {}
    birth = [(record.birth_date or "").strip() for record in records]
    for text in set(birth):
        dates[text] = parse_birth_date(text, today=today)
    parsed = [dates[text] for text in birth]
    invalid = sum(1 for value in parsed if not value[3])
    if invalid:
        report["invalid_birth_date"] = invalid
    frame["birth_year"] = pd.array([value[0] for value in parsed], dtype="Int64")
    frame["birth_month"] = pd.array([value[1] for value in parsed], dtype="Int64")
    frame["birth_day"] = pd.array([value[2] for value in parsed], dtype="Int64")
    frame["dob"] = [f"{y:04d}-{m:02d}-{d:02d}" if d else None for y, m, d, _valid in parsed]
    sex = pd.Series([(record.sex or "").strip().upper() for record in records])
    frame["sex"] = sex.where(sex.isin(["M", "F"]), None)
    citizenship = pd.Series([(record.citizenship or "").strip().upper() for record in records])
    frame["citizenship"] = citizenship.where(citizenship.str.fullmatch(r"[A-Z]{2}"), None)
    extra_keys = sorted({key for record in records if record.extra for key in record.extra})
    for key in extra_keys:
        frame[f"x_{key}"] = [_clean(((record.extra or {}).get(key) or "").lower()) for record in records]
    frame["name_ntokens"] = frame["name_ntokens"].astype("Int64")
    frame["name_nother"] = frame["name_nother"].astype("Int64")
    # How many records share the whole name: the rare-name training block reads it.
    frame["name_count"] = frame.groupby("name_canonical", dropna=False)["unique_id"].transform("count").astype("Int64")
    # How many share the core name (given and family): the rare levels read it.
    frame["core_count"] = frame.groupby("name_core", dropna=False)["unique_id"].transform("count").astype("Int64")
    if progress:
        progress("features", len(records), len(records))
    return frame


# --- The model ----------------------------------------------------------------------------------------------------
def _level(sql: str, label: str, **options: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **options}


def _with_defaults(comparison: dict[str, Any], term_frequencies: bool) -> dict[str, Any]:
    """A comparison with DEFAULT_FIELDS' m and u on its levels (the starting point of training, and the model of
    a list too small to train on) and, unless term_frequencies, without its term-frequency adjustments."""
    name = comparison["output_column_name"]
    defaults = DEFAULT_FIELDS.get(name) or DEFAULT_EXTRA
    for level in comparison["comparison_levels"]:
        pair = defaults.get(level["label_for_charts"])
        if pair and not level.get("is_null_level"):
            level["m_probability"], level["u_probability"] = pair
        if not term_frequencies:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return comparison


def _null(*columns: str) -> dict[str, Any]:
    sql = " OR ".join(f'"{column}_l" IS NULL OR "{column}_r" IS NULL' for column in columns)
    return _level(sql, "null", is_null_level=True)


# The two functions whose names differ between DuckDB and Spark (Splink's Spark API registers its jaro_winkler UDF).
DIALECT_FUNCTIONS = {
    "duckdb": {
        "jw": "jaro_winkler_similarity",
        "overlap": "len(list_intersect(string_split({a}, ' '), string_split({b}, ' ')))",
    },
    "spark": {"jw": "jaro_winkler", "overlap": "size(array_intersect(split({a}, ' '), split({b}, ' ')))"},
}


def comparisons(extra_columns: Sequence[str] = (), dialect: str = "duckdb") -> list[dict[str, Any]]:
    """The Fellegi-Sunter comparisons, as Splink comparison dicts in the SQL of `dialect` ("duckdb" or "spark")."""
    functions = DIALECT_FUNCTIONS[dialect]

    def _jw(column: str, threshold: float) -> str:
        return f'{functions["jw"]}("{column}_l", "{column}_r") >= {threshold}'

    # The words of the whole name (name_canonical: sorted, without repeats, joined by spaces).
    overlap = functions["overlap"].format(a='"name_canonical_l"', b='"name_canonical_r"')
    cross = '"name_script_l" <> "name_script_r"'
    abjad = f'{cross} AND (\'Arab\' IN ("name_script_l", "name_script_r"))'

    def names_close(threshold: float, form: str = "latin") -> str:
        same_order = f"least({jw(f'given_{form}')}, {jw(f'family_{form}')})"
        swapped = (
            f'least({functions["jw"]}("given_{form}_l", "family_{form}_r"), '
            f'{functions["jw"]}("family_{form}_l", "given_{form}_r"))'
        )
        return f"greatest({same_order}, {swapped}) >= {threshold}"

    def jw(column: str) -> str:
        return f'{functions["jw"]}("{column}_l", "{column}_r")'

    one_lacks_other = '("name_nother_l" = 0 OR "name_nother_r" = 0)'
    # The close levels compare the given and family names only: the other names (a patronymic, a second family
    # name) must not differ, else it is a namesake with another father as often as not (Бакыт Абдраимов
    # Талантович, Азаматович; Juan David Muñoz Hernández, Castro), which falls to core_other_differs or below.
    others_agree = f"({one_lacks_other} OR {jw('other_norm')} >= {OTHERS_CLOSE})"
    # Two words the table knows as different names are not close however alike their letters (Mahmoud, Muhammad):
    # in neither order do the given and family names' canonical ids (where both sides have one) agree.
    conflict = '(coalesce("{a}_canon_l" <> "{b}_canon_r", false) OR coalesce("{c}_canon_l" <> "{d}_canon_r", false))'
    canon_agree = (
        f"NOT ({conflict.format(a='given', b='given', c='family', d='family')} AND "
        f"{conflict.format(a='given', b='family', c='family', d='given')})"
    )
    rare = f'greatest("core_count_l", "core_count_r") <= {RARE_CORE}'
    uncommon = f'greatest("core_count_l", "core_count_r") <= {COMMON_CORE}'
    name = {
        "output_column_name": "name",
        "comparison_levels": [
            _null("name_canonical"),
            _level('"name_canonical_l" = "name_canonical_r"', "exact", tf_adjustment_column="name_canonical",
                   tf_adjustment_weight=1.0),
            # Given and family names agree and one side has no other names (a patronymic or middle name left out).
            # No term-frequency adjustment here: Splink scales the level's u by the name's frequency, which suits a
            # level of plain equality, not one that also asks for a missing patronymic (its u is far below the
            # names' frequencies, and the adjustment would take 6 bits from every such pair).
            _level(f'"name_core_l" = "name_core_r" AND {one_lacks_other} AND {rare}', "core_rare"),
            _level(f'"name_core_l" = "name_core_r" AND {one_lacks_other}', "core"),
            # Skeletons agree across scripts, one of them Arabic: Arabic writes no short vowels, so its consonants
            # are what a transliteration can be compared on.
            _level(f'{abjad} AND "name_skeleton_l" = "name_skeleton_r" AND {rare}', "skeleton_abjad_rare"),
            _level(f'{abjad} AND "name_skeleton_l" = "name_skeleton_r"', "skeleton_abjad"),
            _level(f'{abjad} AND "core_skeleton_l" = "core_skeleton_r" AND {one_lacks_other}',
                   "skeleton_core_abjad"),
            # Given and family names each close (in either order): a typo, another spelling. Name by name, since
            # Jaro-Winkler of whole names favours a shared beginning (Olha / Olena Bondarenko).
            # A close pair of a rare core name (at most RARE_CORE records on either side have it: a typo makes a
            # name unique, the other side tells how common it is) is more often the same person than one of a
            # common name, where namesakes abound (one side knowing only the birth year); EM weighs each.
            _level(f"{names_close(0.94)} AND {others_agree} AND {canon_agree} AND {rare}", "close_rare"),
            _level(f"{names_close(0.94)} AND {others_agree} AND {canon_agree} AND {uncommon}", "close"),
            _level(f"{names_close(0.94)} AND {others_agree} AND {canon_agree}", "close_common"),
            # Across scripts a transliteration and a person's own spelling differ more (Saengduean, Sengdouane;
            # Iarochevitch, Ярошевич): compared as the skeleton hears them, vowels in classes (spelling_form).
            _level(f"{cross} AND {names_close(0.88, 'norm')} AND {others_agree} AND {canon_agree}", "close_cross"),
            _level(
                'least("name_ntokens_l", "name_ntokens_r") >= 2 AND '
                f'{overlap} = least("name_ntokens_l", "name_ntokens_r")',
                "subset",
            ),
            # Given and family names agree, their other names differ: a namesake with another father as often as not.
            _level('"name_core_l" = "name_core_r"', "core_other_differs"),
            # Skeletons agree otherwise: vowels differ, which is often another name (Mamane and Moumouni;
            # Sisouvanh and Sichan in Lao): weak, as EM finds.
            _level('"name_skeleton_l" = "name_skeleton_r"', "skeleton"),
            _level('"core_skeleton_l" = "core_skeleton_r"', "skeleton_core"),
            _level(f"({_jw('core_skeleton', 0.9)} OR {names_close(0.8)}) AND {rare}", "similar_rare"),
            _level(f"{_jw('core_skeleton', 0.9)} OR {names_close(0.8)}", "similar"),
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
            _level(
                '"birth_year_l" = "birth_year_r" AND "birth_month_l" = "birth_month_r" '
                'AND ("birth_day_l" IS NULL OR "birth_day_r" IS NULL)',
                "year_month",
            ),
            _level('"birth_year_l" = "birth_year_r" AND ("birth_month_l" IS NULL OR "birth_month_r" IS NULL)', "year"),
            _level(
                'abs("birth_year_l" - "birth_year_r") = 1 AND "birth_month_l" = "birth_month_r" '
                'AND "birth_day_l" = "birth_day_r"',
                "year_pm1_same_day",
            ),
            _level('"birth_year_l" = "birth_year_r" AND "birth_month_l" = "birth_month_r"', "year_month_day_differs"),
            _level('"birth_year_l" = "birth_year_r"', "year_conflict"),
            _level('abs("birth_year_l" - "birth_year_r") = 1', "year_pm1"),
            _level("ELSE", "different"),
        ],
    }
    # Sex and citizenship keep the m of DEFAULT_FIELDS (a wrong record now and then): on clean data EM drives the
    # m of a disagreement to zero, which Splink refuses, and which would let one typing error veto a match.
    fixed = {"fix_m_probability": True}
    sex = {
        "output_column_name": "sex",
        "comparison_levels": [
            _null("sex"),
            _level('"sex_l" = "sex_r"', "same", **fixed),
            _level("ELSE", "different", **fixed),
        ],
    }
    citizenship = {
        "output_column_name": "citizenship",
        "comparison_levels": [
            _null("citizenship"),
            _level('"citizenship_l" = "citizenship_r"', "shared", **fixed),
            _level("ELSE", "different", **fixed),
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
# Each rule brings pairs no other brings (measured on the benchmark at 100,000 records): the core name's skeleton
# with the birth year within one (cross-script spellings the table does not know, a year off); the full birth date
# with the phonetic code of either name, or with both names' first consonants (a typo, another spelling); one name's
# key with the other's first consonant and the birth year (a typo in the other); the core name with day and month
# (years two apart). A record without a birth year is not blocked on its name alone: at a registry's scale a name
# by itself never reaches a match probability of one half, so those pairs cost time and are never kept.
BLOCKING_RULES = (
    f'l."core_skeleton" = r."core_skeleton" AND {YEAR_NEAR}',
    'l."dob" = r."dob" AND l."family_phon" = r."family_phon"',
    'l."dob" = r."dob" AND l."given_phon" = r."given_phon"',
    'l."dob" = r."dob" AND l."bk_initials" = r."bk_initials"',
    'l."bk_given" = r."bk_given" AND l."birth_year" = r."birth_year"',
    'l."bk_family" = r."bk_family" AND l."birth_year" = r."birth_year"',
    'l."core_key" = r."core_key" AND l."birth_month" = r."birth_month" AND l."birth_day" = r."birth_day"',
)


def extra_blocking_rules(extra_columns: Sequence[str]) -> list[str]:
    """A list's own columns (an address) bring pairs too, for the records whose names or birth dates are too
    mistyped for the name rules: every two of them equal with one name sounding alike (or the same first consonants),
    every three of them equal, and each with the birth year."""
    columns = sorted(extra_columns)
    names = (
        '(l."bk_initials" = r."bk_initials" OR l."given_phon" = r."given_phon" OR l."family_phon" = r."family_phon")'
    )
    rules = [f'l."{a}" = r."{a}" AND l."{b}" = r."{b}" AND {names}' for a, b in itertools.combinations(columns, 2)]
    rules += [
        " AND ".join(f'l."{column}" = r."{column}"' for column in triple)
        for triple in itertools.combinations(columns, 3)
    ]
    rules += [f'l."{column}" = r."{column}" AND l."birth_year" = r."birth_year"' for column in columns]
    return rules


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


def settings(
    extra_columns: Sequence[str] = (), dialect: str = "duckdb", *, records: int = 0, term_frequencies: bool = True
) -> dict[str, Any]:
    """Splink settings for a deduplication of `features()` rows, starting from the default model (DEFAULT_FIELDS
    and the prior for `records` records)."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": default_prior(records),
        "comparisons": [_with_defaults(c, term_frequencies) for c in comparisons(extra_columns, dialect)],
        "blocking_rules_to_generate_predictions": [*BLOCKING_RULES, *extra_blocking_rules(extra_columns)],
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
    # Splink's warnings are about its own sampling (a training block with few pairs): not the user's business.
    logging.getLogger("splink").setLevel(logging.ERROR)
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
    # A list too small to estimate from keeps the default model, without term frequencies (in a list of twenty
    # every name is "rare" and every pair of namesakes would look like a match).
    trained = len(frame) >= MIN_TRAINING_RECORDS
    model = settings(extra_columns, dialect, records=len(frame), term_frequencies=trained)
    counts["model"] = "estimated" if trained else "default"
    if trained:
        model = _train(table, copy.deepcopy(model), frame, counts, progress)
    linker = Linker(table, model, log_level=logging.ERROR)
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


def _train(
    table: Any, model: dict[str, Any], frame: pd.DataFrame, counts: dict[str, Any], progress: Progress | None
) -> dict[str, Any]:
    """Estimate the model from the records: the prior from deterministic rules, u by random sampling, m by EM;
    then the namesakes' u for sex and citizenship and the floors of m (_adjusted_model). A step that fails (a
    training block without pairs, a level EM never saw) leaves its levels at their defaults."""
    import logging

    from splink import Linker

    defaults = copy.deepcopy(model)
    linker = Linker(table, model, log_level=logging.ERROR)
    steps = 2 + len(EM_RULES)
    if progress:
        progress("training", 0, steps)
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
    )
    if progress:
        progress("training", 1, steps)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(U_MAX_PAIRS, _all_pairs(len(frame))), seed=SEED)
    if progress:
        progress("training", 2, steps)
    for number, rule in enumerate(EM_RULES, start=3):
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=EM_MAX_PAIRS)
        except Exception as error:  # noqa: BLE001
            # Splink leaves a failed session's model half-changed: go back to the model before it.
            counts.setdefault("training_warnings", []).append(str(error).splitlines()[0][:200])
            linker = Linker(table, before, log_level=logging.ERROR)
        if progress:
            progress("training", number, steps)
    agreement_u = conditional_u(frame)
    counts["namesake_agreement"] = agreement_u
    trained = _adjusted_model(linker.misc.save_model_to_json(), agreement_u)
    return _overlay(defaults, trained, len(frame))


def _overlay(defaults: dict[str, Any], trained: dict[str, Any], records: int) -> dict[str, Any]:
    """The default model with every estimated m, u and prior that is a probability put in."""
    estimated = {
        (comparison.get("output_column_name"), level.get("label_for_charts")): level
        for comparison in trained.get("comparisons", [])
        for level in comparison.get("comparison_levels", [])
    }
    for comparison in defaults["comparisons"]:
        for level in comparison["comparison_levels"]:
            found = estimated.get((comparison["output_column_name"], level["label_for_charts"]))
            if not found or level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                value = found.get(key)
                if value is not None and 0 < float(value) <= 1:
                    level[key] = float(value)
    prior = float(trained.get("probability_two_random_records_match") or 0.0)
    # Above one pair in ten, a "prior" is a failed estimate, not a registry.
    defaults["probability_two_random_records_match"] = prior if 0 < prior <= 0.1 else default_prior(records)
    return defaults


def default_prior(records: int) -> float:
    """The prior when it cannot be estimated: DUPLICATE_PAIRS_PER_RECORD pairs per record among all pairs."""
    return min(0.5, 2 * DUPLICATE_PAIRS_PER_RECORD / max(1, records - 1))


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
    for column in ("name_canonical", *extra_columns):
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
