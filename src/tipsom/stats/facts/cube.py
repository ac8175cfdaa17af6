"""The victims cube (stats.models.VictimCount): the counted VictimFact rows counted in advance, by the dashboard's
filters and every breakdown its victim panels and GLOTIP's victim tables need. They read the cube (a sum of `n`
over a few thousand rows) instead of grouping a million facts.

Kept in step by the facts engine (stats.facts.engine), in the transaction that writes the facts:
- `cube_apply(old, new)` after the facts of some sources are replaced: each stored row about to be deleted takes
  one from its keys, each new row adds one (counted rows only), applied as upserts; a count that reaches 0 is
  deleted. A changed case costs three queries.
- `cube_rebuild(country)` after `tipsom stats rebuild`: the cube aggregated again from the facts, one
  INSERT … SELECT … GROUP BY per dimension.
- `cube_differences()` for `tipsom stats check`: the cube against a fresh aggregation of the facts.

Tests that build facts by hand (bypassing the engine) call `cube_rebuild()` after.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction

from tipsom.stats.models import VictimCount, VictimFact

# The dimensions (VictimCount.dimension) and the value of each, from a fact row.
TOTAL = "total"
FORM = "form"
CITIZENSHIP = "citizenship"
FLOW = "flow"  # origin>exploitation: the flows, and the countries of origin or exploitation summed over the other side
DIMENSIONS = (TOTAL, FORM, CITIZENSHIP, FLOW)
BY_SEX_AGE = (TOTAL, FORM)  # the others carry sex and age group as ""

# Age groups: a child at identification or under 18; 18 or over; age unknown.
AGE_CHILD, AGE_ADULT, AGE_UNKNOWN = "C", "A", "U"

KEY_FIELDS = (
    "country",
    "dimension",
    "year",
    "region",
    "organization_type",
    "case_type",
    "is_child",
    "sex",
    "age_group",
    "value",
)
# The fact fields the cube's keys come from (the engine reads them from the rows it is about to delete).
FACT_FIELDS = (
    "counted",
    "country",
    "year",
    "region",
    "organization_type",
    "case_type",
    "is_child",
    "sex",
    "age",
    "citizenship",
    "origin_country",
    "exploitation_country",
    "exploitation_form",
)

Key = tuple[Any, ...]  # KEY_FIELDS


def age_group(is_child: bool, age: int | None) -> str:
    if is_child or (age is not None and age < 18):
        return AGE_CHILD
    return AGE_UNKNOWN if age is None else AGE_ADULT


def flow(origin: str, exploitation: str) -> str:
    return f"{origin}>{exploitation}"


def cube_keys(row: Mapping[str, Any]) -> list[Key]:
    """The cube's keys of one counted fact (as a mapping of FACT_FIELDS): one per dimension."""
    child = bool(row["is_child"])
    group = age_group(child, row["age"])
    values = {
        TOTAL: "",
        FORM: row["exploitation_form"],
        CITIZENSHIP: row["citizenship"],
        FLOW: flow(row["origin_country"], row["exploitation_country"]),
    }
    keys = []
    for dimension, value in values.items():
        sex, age = (row["sex"], group) if dimension in BY_SEX_AGE else ("", "")
        keys.append(
            (
                row["country"],
                dimension,
                int(row["year"]),
                row["region"],
                row["organization_type"],
                row["case_type"],
                child,
                sex,
                age,
                value,
            )
        )
    return keys


def _as_mapping(row: Any) -> Mapping[str, Any]:
    return row if isinstance(row, Mapping) else {name: getattr(row, name) for name in FACT_FIELDS}


def deltas(old_rows: Iterable[Any], new_rows: Iterable[Any]) -> dict[Key, int]:
    """−1 per key of each old counted row, +1 per key of each new one; keys whose changes cancel are left out."""
    change: Counter[Key] = Counter()
    for sign, rows in ((-1, old_rows), (1, new_rows)):
        for row in rows:
            values = _as_mapping(row)
            if values["counted"]:
                for key in cube_keys(values):
                    change[key] += sign
    return {key: n for key, n in change.items() if n}


def _table() -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    return quote(VictimCount._meta.db_table), [quote(name) for name in KEY_FIELDS]


def cube_apply(old_rows: Iterable[Any], new_rows: Iterable[Any]) -> int:
    """Bring the cube in step after the facts of some sources were replaced: `old_rows` the stored rows deleted
    (mappings of FACT_FIELDS), `new_rows` the rows written (VictimFact or mappings). Runs in the caller's
    transaction. Returns the keys changed."""
    change = deltas(old_rows, new_rows)
    if not change:
        return 0
    table, columns = _table()
    n = connection.ops.quote_name("n")
    listed = ", ".join(columns)
    upsert = (
        f"INSERT INTO {table} ({listed}, {n}) VALUES ({', '.join(['%s'] * (len(columns) + 1))}) "  # noqa: S608 (our names)
        f"ON CONFLICT ({listed}) DO UPDATE SET {n} = {table}.{n} + excluded.{n}"
    )
    ordered = sorted(change.items(), key=repr)  # one order for every writer: no deadlock between two
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(upsert, [(*key, delta) for key, delta in ordered])
        fallen = [key for key, delta in ordered if delta < 0]
        if fallen:
            where = " AND ".join(f"{column} = %s" for column in columns)
            sql = f"DELETE FROM {table} WHERE {n} = 0 AND {where}"  # noqa: S608 (our names)
            cursor.executemany(sql, fallen)
    return len(change)


# --- Aggregating the facts ---------------------------------------------------------------------------------------
def _select(dimension: str, country: str | None) -> tuple[str, list[Any]]:
    """SELECT of the cube's rows of one dimension (KEY_FIELDS then n), from the facts."""
    quote = connection.ops.quote_name
    facts = quote(VictimFact._meta.db_table)
    origin, exploitation = quote("origin_country"), quote("exploitation_country")
    age = (
        f"CASE WHEN {quote('is_child')} THEN '{AGE_CHILD}' WHEN {quote('age')} < 18 THEN '{AGE_CHILD}' "
        f"WHEN {quote('age')} IS NOT NULL THEN '{AGE_ADULT}' ELSE '{AGE_UNKNOWN}' END"
    )
    value = {
        TOTAL: "''",
        FORM: quote("exploitation_form"),
        CITIZENSHIP: quote("citizenship"),
        FLOW: f"{origin} || '>' || {exploitation}",
    }[dimension]
    sex, group = (quote("sex"), age) if dimension in BY_SEX_AGE else ("''", "''")
    keys = [quote(name) for name in ("year", "region", "organization_type", "case_type", "is_child")]
    grouped = [quote("country"), *keys]
    if dimension in BY_SEX_AGE:
        grouped += [sex, group]
    if dimension != TOTAL:
        grouped.append(value)
    where = f"{quote('counted')} = %s"
    params: list[Any] = [True]
    if country is not None:
        where += f" AND {quote('country')} = %s"
        params.append(country)
    sql = (
        f"SELECT {quote('country')}, '{dimension}', {', '.join(keys)}, {sex}, {group}, {value}, COUNT(*) "  # noqa: S608
        f"FROM {facts} WHERE {where} GROUP BY {', '.join(grouped)}"
    )
    return sql, params


def cube_rebuild(country: str | None = None) -> int:
    """The cube (of one country, or all) aggregated again from the facts. Returns its rows."""
    table, columns = _table()
    n = connection.ops.quote_name("n")
    with transaction.atomic():
        stored = VictimCount.objects.all() if country is None else VictimCount.objects.filter(country=country)
        stored.delete()  # one DELETE: nothing refers to the cube
        written = 0
        with connection.cursor() as cursor:
            for dimension in DIMENSIONS:
                select, params = _select(dimension, country)
                cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}, {n}) {select}", params)
                written += max(cursor.rowcount, 0)
            # The planner's statistics of the new cube (autovacuum may be off, or not yet come by).
            cursor.execute(f"ANALYZE {table}")
    return written


def aggregated(country: str | None = None) -> dict[Key, int]:
    """The cube as the facts give it now (a fresh aggregation)."""
    out: dict[Key, int] = {}
    with connection.cursor() as cursor:
        for dimension in DIMENSIONS:
            select, params = _select(dimension, country)
            cursor.execute(select, params)
            for *key, count in cursor.fetchall():
                key[2], key[6] = int(key[2]), bool(key[6])
                out[tuple(key)] = int(count)
    return out


def stored(country: str | None = None) -> dict[Key, int]:
    rows = VictimCount.objects.all() if country is None else VictimCount.objects.filter(country=country)
    return {tuple(values[:-1]): values[-1] for values in rows.values_list(*KEY_FIELDS, "n").iterator(chunk_size=20_000)}


def cube_differences(country: str | None = None, limit: int = 20) -> list[str]:
    """How the cube differs from a fresh aggregation of the facts (the first `limit`, then how many in all);
    empty when it agrees."""
    expected, found = aggregated(country), stored(country)
    lines = []
    keys = sorted(set(expected) | set(found), key=repr)
    different = [
        key for key in keys if expected.get(key, 0) != found.get(key, 0) or (key in found) != (key in expected)
    ]
    for key in different[:limit]:
        described = ", ".join(f"{name}={value!r}" for name, value in zip(KEY_FIELDS, key, strict=True))
        lines.append(f"{described}: the cube has {found.get(key, 'no row')}, the facts give {expected.get(key, 0)}")
    if len(different) > limit:
        lines.append(f"… {len(different)} keys differ in all")
    return lines


def cube_rows() -> int:
    return VictimCount.objects.count()
