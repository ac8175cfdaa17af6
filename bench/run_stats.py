"""The statistics benchmark (issue 15): the facts' rebuild and refresh, the dashboard panels and the GLOTIP tables
against the same aggregates in DuckDB, the CTDC export with k-anonymity and the synthetic release.

    python bench/run_stats.py measure --fixture bench/var/stats/postgresql/fixture.json \
        --out bench/var/stats/postgresql/run.json
    python bench/run_stats.py report bench/var/stats/postgresql/run.json bench/var/stats/sqlite/run.json \
        --json bench/results/stats.json --md bench/results/stats.md

Everything runs in this process, on the database of TIPSOM_DATABASE_URL (made by run.sh's stats suite: the cases,
referrals, justice and helpline generators, then generate_stats.py's duplicates). Numbers, not pass/fail: each
measurement carries its target (or null) and the load average around it.

1. Rebuild: `engine.rebuild([kind])` of each kind of facts, timed once (the rows it wrote).
2. Refresh: `engine.refresh()` with nothing changed, then after one case changed through
   `cases.services.case_update` as its owner (the generator's case manager), REPEATS times each (median, p95).
3. Panels: each dashboard panel's function (`PANELS[key].build`, the raw table before protection) and the panel as
   published (`panel_table`, its group protected together), warm, RUNS times, for the national scope of Brazil
   (`Scope(country="BR")`, no user) with the dashboard's default filters (the last five years); and the GLOTIP
   counts (`glotip_counts`), the protected figures (`glotip`) and its tables (`glotip_tables`) for one year.
   Beside each, the same aggregate written by hand in SQL and run by DuckDB over Parquet files of the fact tables
   exported in the same run; DuckDB's numbers are compared with the panel's raw counts (a mismatch is reported).
   Then the same over every country's facts at once (a bench-only scope: about 13 times the rows). Last the HTML
   dashboard, GET /stats/ as the national coordinator through Django's test client (in process, one client).
4. CTDC export with k = 11 (`ctdc_export`) over every country's victims as one file (a bench-only scope whose facts
   are all countries'), and over Brazil's: time, share of records kept, and CTDC's method's share on the same data.
5. The synthetic release (`synthetic_export`) of every country's victims: time and its utility figures.
"""

# ruff: noqa: S608  (the SQL is the bench's own text: table names and constants, no input)
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")

RUNS = 10  # warm runs of each panel and of its DuckDB query (the published panel: 3)
REPEATS = 20  # refreshes
MEMORY_CAP = 12 << 30  # bytes of address space the synthetic release may add
COUNTRY = "BR"
TARGETS = {
    "rebuild_s": 300.0,  # all kinds together
    "refresh_ms": 50.0,
    "panel_ms": 1000.0,
    "duckdb_ratio": 3.0,
    "ctdc_s": 60.0,
    "synthetic_s": 300.0,
}


def commit() -> str:
    import subprocess

    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)  # noqa: S607
    return done.stdout.strip()


def load() -> float:
    return round(os.getloadavg()[0], 2)


def summary(times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "runs": len(times),
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "min_ms": round(ordered[0] * 1000, 2),
    }


def timed(fn: Callable[[], Any], runs: int) -> tuple[dict[str, Any], Any]:
    """Warm (one run first, not counted), then `runs` timed runs; the load average around them."""
    result = fn()
    before = load()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    out = summary(times)
    out["load_average"] = [before, load()]
    return out, result


# --- Setup ---------------------------------------------------------------------------------------------------------
def setup() -> None:
    import django

    django.setup()


def all_countries_scope() -> Any:
    """A bench-only scope: every country's facts (Scope.facts filters one country)."""
    from tipsom.stats.exports import Scope
    from tipsom.stats.facts.engine import current

    class AllCountries(Scope):
        def facts(self, model: Any, action: str = "export") -> Any:
            current()
            return model._default_manager.all()

    return AllCountries(country=COUNTRY)


# --- 1 and 2: rebuild and refresh ----------------------------------------------------------------------------------
def measure_rebuild() -> list[dict[str, Any]]:
    from tipsom.stats.facts import engine

    out = []
    for kind in engine.kinds():
        before = load()
        started = time.perf_counter()
        result = engine.rebuild([kind.name])[0]
        seconds = time.perf_counter() - started
        out.append(
            {"kind": kind.name, "rows": result.rows, "seconds": round(seconds, 2), "load_average": [before, load()]}
        )
        print(f"  rebuild {kind.name}: {result.rows:,} rows in {seconds:.1f}s (load {before}-{load()})", flush=True)
    return out


def measure_refresh(fixture: dict[str, Any]) -> dict[str, Any]:
    from tipsom.accounts.models import User
    from tipsom.cases.models import Case
    from tipsom.cases.services import case_update
    from tipsom.core.context import action_context
    from tipsom.stats.facts import engine
    from tipsom.stats.models import VictimFact

    out: dict[str, Any] = {}
    # Nothing changed (every kind: the audit log's tail after each watermark is read).
    times, results = [], []
    before = load()
    for _ in range(REPEATS):
        started = time.perf_counter()
        results = engine.refresh()
        times.append(time.perf_counter() - started)
    out["nothing_changed"] = {**summary(times), "load_average": [before, load()]}
    out["nothing_changed"]["per_kind_ms"] = {r.kind: round(r.seconds * 1000, 2) for r in results}

    # One changed case: an open case of the case manager's organization, changed through the service as its owner.
    cases = fixture["cases"]
    user = User.objects.get(pk=cases["users"]["case_manager"]["id"])
    ids = [pk for pk, _number in cases["sample_cases"]]
    case = (
        Case.objects.filter(pk__in=ids, status__in=("Active", "FollowUp"))
        .exclude(trafficking_status="NotAVictim")
        .order_by("pk")
        .first()
    )
    if case is None:
        case = Case.objects.filter(owner_organization_id=user.organization_id, status="Active").order_by("pk").first()
    assert case is not None, "no open case of the case manager's organization"
    values = ["AR", "PY"]
    times, update_times, details = [], [], []
    before = load()
    for i in range(REPEATS):
        case.refresh_from_db()
        started = time.perf_counter()
        with action_context(channel="process"):
            case_update(actor=user, case_id=case.pk, version=case.version, destination_country=values[i % 2])
        update_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        results = engine.refresh()
        times.append(time.perf_counter() - started)
        details.append({r.kind: [r.events, r.sources, r.rows] for r in results if r.events or r.rows})
    fact = VictimFact.objects.get(source_id=case.pk)
    assert fact.exploitation_country == values[(REPEATS - 1) % 2], "the refresh did not bring the change"
    out["one_case_changed"] = {
        **summary(times),
        "load_average": [before, load()],
        "case": case.pk,
        "case_update": summary(update_times),
        "last_refresh_events_sources_rows": details[-1],
        "note": "the same case changed each time; events younger than engine.SETTLE (60 s) are read again by each "
        "refresh, so the n-th refresh reads n events, all of this one case",
    }
    print(f"  refresh: nothing {out['nothing_changed']['p50_ms']} ms, one case {out['one_case_changed']['p50_ms']} ms")
    return out


def analyze() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(FACT_TABLES.values())}")
        else:
            for table in FACT_TABLES.values():
                cursor.execute(f"ANALYZE {table}")
    seconds = round(time.perf_counter() - started, 2)
    print(f"  ANALYZE of the fact tables: {seconds}s", flush=True)
    return seconds


# --- 3: the fact tables in Parquet, DuckDB's aggregates --------------------------------------------------------------
FACT_TABLES = {
    "victims": "stats_victimfact",
    "justice": "stats_justicefact",
    "offences": "stats_offencefact",
    "incidents": "stats_incidentfact",
    "contacts": "stats_contactfact",
    "referrals": "stats_referralfact",
}


def export_parquet(directory: Path) -> dict[str, Any]:
    """Each fact table to Parquet through DuckDB, read with the plain driver in chunks (DuckDB's postgres and
    sqlite scanners are extensions downloaded on first use: not here)."""
    import duckdb
    import pandas as pd
    from django.db import connection

    from tipsom.stats import models as stats_models

    out: dict[str, Any] = {}
    db = duckdb.connect()
    for name, table in FACT_TABLES.items():
        model = next(
            m for m in vars(stats_models).values() if getattr(getattr(m, "_meta", None), "db_table", "") == table
        )
        columns = [f.column for f in model._meta.concrete_fields]
        json_columns = {f.column for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"}
        selected = ", ".join(f"CAST({c} AS TEXT)" if c in json_columns else c for c in columns)
        started = time.perf_counter()
        frames = []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {selected} FROM {table}")  # noqa: S608
            while True:
                rows = cursor.fetchmany(100_000)
                if not rows:
                    break
                frames.append(pd.DataFrame.from_records(rows, columns=columns))
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
        for f in model._meta.concrete_fields:  # SQLite gives booleans as integers
            if f.get_internal_type() == "BooleanField" and f.column in frame:
                frame[f.column] = frame[f.column].astype("boolean")
        path = directory / f"{name}.parquet"
        db.register("frame", frame)
        db.execute(f"COPY (SELECT * FROM frame) TO '{path}' (FORMAT PARQUET)")
        db.unregister("frame")
        out[name] = {
            "rows": len(frame),
            "seconds": round(time.perf_counter() - started, 2),
            "bytes": path.stat().st_size,
        }
    db.close()
    return out


def duck(directory: Path) -> Any:
    import duckdb

    db = duckdb.connect()
    for name in FACT_TABLES:
        db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{directory / name}.parquet')")
    return db


def top(counts: dict[str, int], n: int) -> tuple[list[str], dict[str, int]]:
    """dashboard._top, again (the bench does not import private names)."""
    known = sorted((k for k in counts if k != "unknown"), key=lambda k: (-counts[k], k))
    named = known[:n]
    grouped = {k: counts[k] for k in named}
    rest = sum(counts[k] for k in known[n:])
    if rest:
        grouped["other"] = rest
    if counts.get("unknown"):
        grouped["unknown"] = counts["unknown"]
    return named, grouped


def country_code(value: str | None) -> str:
    return value if value not in (None, "", "ZZ") else "unknown"


def duck_panels(country: str | None, year_from: int, year_to: int) -> dict[str, tuple[str, Callable[..., Any]]]:
    """Per panel: the SQL and how its rows become the panel's raw counts {(row, column): n}."""
    where = f"year BETWEEN {year_from} AND {year_to}" + (f" AND country = '{country}'" if country else "")
    victims = f"FROM victims WHERE {where} AND counted"

    def by_year(columns: list[str]) -> Callable[..., Any]:
        return lambda rows: {(str(r[0]), c): r[i + 1] for r in rows for i, c in enumerate(columns)}

    def single(column: str, code: Callable[[Any], str] = lambda v: v or "unknown") -> Callable[..., Any]:
        def convert(rows: list[tuple[Any, ...]]) -> dict[Hashable, int]:
            counts: dict[str, int] = {}
            for value, n in rows:
                counts[code(value)] = counts.get(code(value), 0) + n
            return {(k, column): n for k, n in counts.items()}

        return convert

    def countries(rows: list[tuple[Any, ...]]) -> dict[Hashable, int]:
        counts: dict[str, int] = {}
        for value, n in rows:
            counts[country_code(value)] = counts.get(country_code(value), 0) + n
        return {(k, "victims"): n for k, n in top(counts, 10)[1].items()}

    def flows(rows: list[tuple[Any, ...]]) -> dict[Hashable, int]:
        pairs: dict[tuple[str, str], int] = {}
        origins: dict[str, int] = {}
        destinations: dict[str, int] = {}
        for origin, destination, n in rows:
            a, b = country_code(origin), country_code(destination)
            pairs[(a, b)] = pairs.get((a, b), 0) + n
            origins[a] = origins.get(a, 0) + n
            destinations[b] = destinations.get(b, 0) + n
        named_a, named_b = top(origins, 8)[0], top(destinations, 8)[0]
        out: dict[Hashable, int] = {}
        for (a, b), n in pairs.items():
            a2 = a if a in named_a or a == "unknown" else "other"
            b2 = b if b in named_b or b == "unknown" else "other"
            key = (f"{a2}>{b2}", "value")
            out[key] = out.get(key, 0) + n
        return out

    def referrals(rows: list[tuple[Any, ...]]) -> dict[Hashable, int]:
        names = ("sent", "answered", "accepted", "overdue")
        return {(r[0] or "unknown", names[i]): r[i + 1] for r in rows for i in range(4)}

    stages = ["formal_contact", "prosecuted", "convicted"]
    contact_types = ("victim", "tip", "information")
    in_types = ", ".join(f"'{t}'" for t in contact_types)
    contact_columns = [*contact_types, "other"]
    return {
        "victims": (f"SELECT year, count(*) {victims} GROUP BY year", by_year(["victims"])),
        "sex_age": (
            "SELECT year, count(*) FILTER (sex = 'F' AND NOT is_child AND age IS NOT NULL), "
            "count(*) FILTER (sex = 'F' AND is_child), "
            "count(*) FILTER (sex = 'M' AND NOT is_child AND age IS NOT NULL), "
            "count(*) FILTER (sex = 'M' AND is_child), "
            f"count(*) FILTER (sex IN ('O', 'U') OR (NOT is_child AND age IS NULL)) {victims} GROUP BY year",
            by_year(["women", "girls", "men", "boys", "unknown"]),
        ),
        "forms": (f"SELECT exploitation_form, count(*) {victims} GROUP BY 1", single("victims")),
        "citizenship": (f"SELECT citizenship, count(*) {victims} GROUP BY 1", countries),
        "exploitation_countries": (f"SELECT exploitation_country, count(*) {victims} GROUP BY 1", countries),
        "regions": (f"SELECT region, count(*) {victims} GROUP BY 1", single("victims")),
        "flows": (f"SELECT origin_country, exploitation_country, count(*) {victims} GROUP BY 1, 2", flows),
        "trend_case_type": (
            "SELECT year, count(*) FILTER (case_type = 'tip'), count(*) FILTER (case_type = 'som'), "
            f"count(*) FILTER (case_type = 'both') {victims} GROUP BY year",
            by_year(["tip", "som", "both"]),
        ),
        "trend_form": (
            f"SELECT year, exploitation_form, count(*) {victims} GROUP BY 1, 2",
            lambda rows: {(str(r[0]), r[1]): r[2] for r in rows},
        ),
        "justice": (
            "SELECT year, "
            + ", ".join(f"count(*) FILTER (stage = '{s}')" for s in stages)
            + f" FROM justice WHERE {where} AND counted GROUP BY year",
            by_year(stages),
        ),
        "offences": (
            "SELECT year, count(*) FILTER (offence_type = 'tip'), count(*) FILTER (offence_type = 'som'), "
            f"count(*) FILTER (offence_type NOT IN ('tip', 'som')) FROM offences WHERE {where} GROUP BY year",
            by_year(["tip", "som", "other"]),
        ),
        "incidents": (
            "SELECT year, count(*), coalesce(sum(migrants), 0), coalesce(sum(dead), 0), coalesce(sum(missing), 0), "
            f"coalesce(sum(injured), 0) FROM incidents WHERE {where} GROUP BY year",
            by_year(["incidents", "migrants", "dead", "missing", "injured"]),
        ),
        "contacts": (
            "SELECT year, "
            + ", ".join(f"count(*) FILTER (contact_type = '{t}')" for t in contact_types)
            + f", count(*) FILTER (contact_type NOT IN ({in_types})) FROM contacts WHERE {where} GROUP BY year",
            by_year(contact_columns),
        ),
        "channels": (f"SELECT channel, count(*) FROM contacts WHERE {where} GROUP BY 1", single("contacts")),
        "referrals": (
            "SELECT service_type, count(*), count(*) FILTER (response_hours IS NOT NULL), count(*) FILTER (accepted), "
            f"count(*) FILTER (overdue), median(response_hours) FROM referrals WHERE {where} GROUP BY 1",
            referrals,
        ),
    }


def nonzero(counts: dict[Hashable, Any]) -> dict[Hashable, int]:
    return {k: int(v) for k, v in counts.items() if v}


def measure_panels(db: Any, scope: Any, country: str | None, label: str) -> list[dict[str, Any]]:
    from tipsom.core.context import action_context
    from tipsom.stats.facts.engine import current
    from tipsom.stats.selectors.dashboard import PANELS, DashboardFilters, panel_table

    filters = DashboardFilters.default()
    queries = duck_panels(country, filters.year_from, filters.year_to)
    out = []
    for key, panel in PANELS.items():
        raw_stats, raw = timed(lambda panel=panel: panel.build(scope, filters), RUNS)
        # As in a web request: the facts brought up to date once (engine.current), then only the panel's queries.
        with action_context(channel="web"):
            current()
            query_stats, _raw = timed(lambda panel=panel: panel.build(scope, filters), RUNS)
        published_stats, _table = timed(lambda key=key: panel_table(scope, filters, key), 3)
        sql, convert = queries[key]
        duck_stats, rows = timed(lambda sql=sql: db.execute(sql).fetchall(), RUNS)
        expected = nonzero(convert(rows))
        got = nonzero(raw.counts)
        mismatch = {
            str(k): [got.get(k), expected.get(k)] for k in set(expected) | set(got) if got.get(k) != expected.get(k)
        }
        ratio = raw_stats["p50_ms"] / duck_stats["p50_ms"] if duck_stats["p50_ms"] else None
        entry = {
            "scope": label,
            "panel": key,
            "function": raw_stats,
            "in_request": query_stats,
            "published": published_stats,
            "duckdb": duck_stats,
            "ratio_p50": round(ratio, 2) if ratio else None,
            "cells": len(got),
            "total": sum(v for (_r, c), v in got.items() if isinstance(v, int)) if key != "referrals" else None,
            "duckdb_equal": not mismatch,
            "mismatch": dict(list(mismatch.items())[:10]),
            "sql": sql,
        }
        out.append(entry)
        print(
            f"  {label} {key}: {raw_stats['p50_ms']} ms (p95 {raw_stats['p95_ms']}; in a request "
            f"{query_stats['p50_ms']}), published "
            f"{published_stats['p50_ms']} ms, DuckDB {duck_stats['p50_ms']} ms, x{entry['ratio_p50']}, "
            f"{'equal' if not mismatch else 'MISMATCH ' + str(entry['mismatch'])}",
            flush=True,
        )
    return out


def duck_glotip(db: Any, country: str | None, year: int) -> tuple[list[str], Callable[..., dict[Any, int]]]:
    from tipsom.stats import glotip as g
    from tipsom.stats.models import FactStage

    where = f"year = {year}" + (f" AND country = '{country}'" if country else "")
    age = (
        f"CASE WHEN is_child THEN '{g.CHILD}' WHEN age < 18 THEN '{g.CHILD}' WHEN age IS NOT NULL THEN '{g.ADULT}' "
        f"ELSE '{g.UNKNOWN}' END"
    )
    victims = f"FROM victims WHERE {where} AND counted AND case_type IN ('tip', 'both')"
    queries = [
        f"SELECT exploitation_form, sex, {age} AS a, count(*) {victims} GROUP BY 1, 2, 3",
        f"SELECT citizenship, count(*) {victims} GROUP BY 1",
    ]
    minor = f"CASE WHEN minor THEN '{g.CHILD}' WHEN NOT minor THEN '{g.ADULT}' ELSE '{g.UNKNOWN}' END"
    stages = list(FactStage.values)
    for stage in stages:
        queries.append(
            f"SELECT sex, {minor} AS a, count(*) FROM justice WHERE {where} AND stage = '{stage}' AND counted "
            f"AND person_cluster IN (SELECT person_cluster FROM justice WHERE {where} AND stage = '{stage}' "
            "AND offence_type = 'tip') GROUP BY 1, 2"
        )
    queries.append(f"SELECT count(*) FROM offences WHERE {where} AND offence_type = 'tip'")

    def convert(results: list[list[tuple[Any, ...]]]) -> dict[Any, int]:
        counts: dict[Any, int] = {}

        def add(key: Any, n: int) -> None:
            counts[key] = counts.get(key, 0) + n

        for form, sex, a, n in results[0]:
            category = g.FORM_CATEGORY.get(form, g.UNKNOWN)
            s = g.SEX_OF_CODE.get(sex, g.UNKNOWN)
            add(g.form_key(category, s, a), n)
            add(g.total_key(g.VICTIMS, s, a), n)
        for code, n in results[1]:
            add(g.citizenship_key(g.country_name(code)), n)
        for stage, rows in zip(stages, results[2:5], strict=True):
            for sex, a, n in rows:
                add(g.total_key(g.STAGE_INDICATORS[stage], g.SEX_OF_CODE.get(sex, g.UNKNOWN), a), n)
        counts[g.total_key(g.OFFENCES)] = results[5][0][0]
        return counts

    return queries, convert


def measure_glotip(db: Any, scope: Any, country: str | None, label: str, year: int) -> dict[str, Any]:
    from tipsom.core.context import action_context
    from tipsom.stats.facts.engine import current
    from tipsom.stats.glotip import glotip, glotip_counts, glotip_tables

    counts_stats, counts = timed(lambda: glotip_counts(scope, year=year), RUNS)
    with action_context(channel="web"):
        current()
        query_stats, _counts = timed(lambda: glotip_counts(scope, year=year), RUNS)
    protected_stats, data = timed(lambda: glotip(scope, year=year), 3)
    tables_stats, tables = timed(lambda: glotip_tables(data), 3)
    queries, convert = duck_glotip(db, country, year)
    duck_stats, results = timed(lambda: [db.execute(q).fetchall() for q in queries], RUNS)
    expected = nonzero(convert(results))
    got = nonzero({k: v for k, v in counts.counts.items() if k in expected or v})
    compared = {k: got.get(k) for k in expected}
    mismatch = {str(k): [compared.get(k), v] for k, v in expected.items() if compared.get(k) != v}
    ratio = counts_stats["p50_ms"] / duck_stats["p50_ms"] if duck_stats["p50_ms"] else None
    entry = {
        "scope": label,
        "year": year,
        "counts": counts_stats,
        "counts_in_request": query_stats,
        "protected": protected_stats,
        "tables": tables_stats,
        "tables_count": len(tables),
        "duckdb": duck_stats,
        "ratio_p50": round(ratio, 2) if ratio else None,
        "figures": len(counts.counts),
        "compared": len(expected),
        "duckdb_equal": not mismatch,
        "mismatch": dict(list(mismatch.items())[:10]),
    }
    print(
        f"  {label} GLOTIP {year}: counts {counts_stats['p50_ms']} ms (in a request {query_stats['p50_ms']}), "
        f"protected {protected_stats['p50_ms']} ms, "
        f"tables {tables_stats['p50_ms']} ms, DuckDB {duck_stats['p50_ms']} ms, x{entry['ratio_p50']}, "
        f"{len(expected)} figures {'equal' if not mismatch else 'MISMATCH ' + str(entry['mismatch'])}",
        flush=True,
    )
    return entry


def signed_in_client(user: Any) -> Any:
    """Django's test client with a session of `user` (second factor verified where the user needs one), in process."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tipsom.accounts.services import user_requires_2fa

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user_requires_2fa(user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    client = Client(HTTP_HOST="localhost")
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def measure_http(fixture: dict[str, Any]) -> dict[str, Any]:
    """GET /stats/ (every panel, the default filters) as the national coordinator, in process (Django's test client
    with a signed-in session, second factor verified): one client, warm."""
    from tipsom.accounts.models import User

    user = User.objects.get(pk=fixture["cases"]["users"]["national_coordinator"]["id"])
    client = signed_in_client(user)
    out: dict[str, Any] = {}
    for name, path in (("dashboard", "/stats/"), ("glotip", f"/stats/glotip/?year={glotip_year()}")):
        response = client.get(path)
        if response.status_code != 200:
            out[name] = {"path": path, "status": response.status_code}
            continue
        size = len(response.content)
        stats, _ = timed(lambda path=path: client.get(path), 10)
        stats["req_per_s"] = round(1000 / stats["p50_ms"], 2)
        out[name] = {"path": path, "bytes": size, **stats}
        print(f"  GET {path}: {stats['p50_ms']} ms ({stats['req_per_s']} req/s, one client)", flush=True)
    return out


def glotip_year() -> int:
    return dt.datetime.now(dt.UTC).year - 1


# --- 4 and 5: CTDC and synthetic -------------------------------------------------------------------------------------
def measure_ctdc(scope: Any, label: str, directory: Path) -> dict[str, Any]:
    from tipsom.stats.ctdc.export import ctdc_export

    before = load()
    started = time.perf_counter()
    release = ctdc_export(scope, k=11, output=directory / f"ctdc-{label}.csv")
    seconds = time.perf_counter() - started
    report = release.report
    entry = {
        "scope": label,
        "seconds": round(seconds, 2),
        "load_average": [before, load()],
        "records": report.get("records"),
        "records_kept": report.get("records_kept"),
        "share_kept": report.get("share_kept"),
        "ctdc_method_share_kept": report.get("ctdc_method_share_kept"),
        "generalised": report.get("generalised"),
        "smallest_class_in_file": report.get("smallest_class_in_file"),
        "information_loss": report.get("information_loss"),
    }
    print(
        f"  CTDC {label}: {seconds:.1f}s, {entry['records']} records, kept {entry['share_kept']} "
        f"(CTDC's method {entry['ctdc_method_share_kept']})",
        flush=True,
    )
    return entry


def measure_synthetic(scope: Any, label: str, directory: Path, epsilon: float = 4.0) -> dict[str, Any]:
    from tipsom.stats.synthetic import synthetic_export

    before = load()
    started = time.perf_counter()
    release = synthetic_export(scope, epsilon=epsilon, output=directory / f"synthetic-{label}.csv", seed=15)
    seconds = time.perf_counter() - started
    report = release.report
    utility = report.get("utility", {})
    risk = report.get("risk", {})
    entry = {
        "scope": label,
        "epsilon": epsilon,
        "seconds": round(seconds, 2),
        "synthesis_seconds": report.get("synthesis_seconds"),
        "load_average": [before, load()],
        "real_records": report.get("real_records"),
        "synthetic_records": report.get("synthetic_records"),
        "utility": {
            key: utility.get(key)
            for key in (
                "one_way_mean_mae",
                "one_way_mean_tvd",
                "two_way_mean_tvd",
                "three_way_mean_tvd",
                "three_way_tables_sampled",
            )
        }
        | {"two_way": utility.get("two_way")},
        "risk": {
            "released_unique_match_share": risk.get("released_unique_match_share"),
            "holdout": risk.get("holdout"),
        },
    }
    print(
        f"  synthetic {label}: {seconds:.1f}s (synthesis {entry['synthesis_seconds']}s), "
        f"{entry['synthetic_records']} records, 1-way MAE {entry['utility']['one_way_mean_mae']}, "
        f"TVD 1-way {entry['utility']['one_way_mean_tvd']} 2-way {entry['utility']['two_way_mean_tvd']}",
        flush=True,
    )
    return entry


# --- measure ---------------------------------------------------------------------------------------------------------
def measure(fixture_path: Path, out_path: Path, parts: set[str]) -> None:
    setup()
    from django.db import connection

    from tipsom.stats.exports import Scope

    fixture = json.loads(fixture_path.read_text())
    previous = json.loads(out_path.read_text()) if out_path.exists() else {}
    result: dict[str, Any] = {
        **previous,
        "backend": connection.vendor,
        "scale": fixture["scale"],
        "sources": {
            "cases": fixture["cases"]["rows"]["cases"],
            "referrals": fixture.get("referrals", {}).get("rows", {}).get("referrals"),
            "justice": fixture.get("justice", {}).get("rows"),
            "helpline_contacts": fixture.get("helpline", {}).get("rows", {}).get("contacts"),
            "merged_cases": fixture.get("merged_cases"),
            "pairs": fixture.get("pairs"),
            "counted_removed_by_duplicates": fixture.get("counted_removed_by_duplicates"),
        },
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit(),
    }

    def save() -> None:
        tmp = out_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(result, indent=2, default=str))
        tmp.rename(out_path)

    if "rebuild" in parts:
        print("== rebuild", flush=True)
        result["rebuild"] = measure_rebuild()
        save()
    if "refresh" in parts:
        print("== refresh", flush=True)
        result["refresh"] = measure_refresh(fixture)
        save()
    if "panels" in parts:
        # The planner's statistics of the fact tables, as autovacuum would gather them after a rebuild (it is off on
        # the bench machine's PostgreSQL; a rebuild does not ANALYZE what it wrote: README, statistics).
        result["analyze_seconds"] = analyze()
        save()
    with tempfile.TemporaryDirectory(prefix="stats-bench-", dir=out_path.parent) as tmp:
        directory = Path(tmp)
        if "panels" in parts:
            print("== parquet export", flush=True)
            result["parquet"] = export_parquet(directory)
            db = duck(directory)
            print("== panels", flush=True)
            national = Scope(country=COUNTRY)
            everyone = all_countries_scope()
            result["panels"] = measure_panels(db, national, COUNTRY, COUNTRY)
            result["glotip"] = [measure_glotip(db, national, COUNTRY, COUNTRY, glotip_year())]
            save()
            result["panels"] += measure_panels(db, everyone, None, "all countries")
            result["glotip"].append(measure_glotip(db, everyone, None, "all countries", glotip_year()))
            save()
        if "http" in parts:
            print("== http", flush=True)
            result["http"] = measure_http(fixture)
            save()
        if "ctdc" in parts:
            print("== ctdc", flush=True)
            result["ctdc"] = [measure_ctdc(all_countries_scope(), "all countries", directory)]
            save()
            result["ctdc"].append(measure_ctdc(Scope(country=COUNTRY), COUNTRY, directory))
            save()
        if "synthetic" in parts:
            print("== synthetic", flush=True)
            # pac-synth holds its aggregates in memory (a test of 200,000 random records took 21 GB here): the
            # process is capped so that a blow-up fails this measurement, not the machine.
            import resource

            size = next(
                int(line.split()[1]) * 1024
                for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmSize:")
            )
            resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_CAP, resource.getrlimit(resource.RLIMIT_AS)[1]))
            try:
                result["synthetic"] = [measure_synthetic(all_countries_scope(), "all countries", directory)]
            except BaseException as error:  # noqa: BLE001 (pac-synth's panics; MemoryError)
                if isinstance(error, KeyboardInterrupt):
                    raise
                result["synthetic"] = [{"scope": "all countries", "error": f"{type(error).__name__}: {error}"}]
                print(f"  synthetic failed: {result['synthetic'][0]['error']}", flush=True)
            save()
    result["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    save()
    print(f"-> {out_path}", flush=True)


# --- report ----------------------------------------------------------------------------------------------------------
def entries(run: dict[str, Any]) -> list[dict[str, Any]]:
    backend, scale = run["backend"], run["scale"]
    out: list[dict[str, Any]] = []

    def add(name: str, metric: str, value: Any, unit: str, target: float | None, **extra: Any) -> None:
        out.append(
            {"name": name, "backend": backend, "scale": scale, "metric": metric, "value": value, "unit": unit,
             "target": target, **extra}
        )  # fmt: skip

    # A measurement taken again later (a quieter machine, newer code) is kept beside the run's: "<part>_latest",
    # with its own "commit".
    for suffix in ("", "_latest"):
        rebuild = run.get(f"rebuild{suffix}", [])
        commit_note = {"commit": run[f"rebuild{suffix}_commit"]} if suffix and rebuild else {}
        label = ", again" if suffix else ""
        for r in rebuild:
            add(
                f"rebuild {r['kind']}{label}", "seconds", r["seconds"], "s", None, rows=r["rows"],
                load_average=r["load_average"], **commit_note,
            )  # fmt: skip
        if rebuild:
            total = round(sum(r["seconds"] for r in rebuild), 2)
            add(f"rebuild, every kind{label}", "seconds", total, "s", TARGETS["rebuild_s"], **commit_note)
        refresh = run.get(f"refresh{suffix}", {})
        commit_note = {"commit": run[f"refresh{suffix}_commit"]} if suffix and refresh else {}
        for key, text in (("one_case_changed", "one case changed"), ("nothing_changed", "nothing changed")):
            if key in refresh:
                r = refresh[key]
                target = TARGETS["refresh_ms"] if key == "one_case_changed" else None
                for metric in ("p50_ms", "p95_ms"):
                    add(
                        f"refresh, {text}{label}", metric, r[metric], "ms", target, load_average=r["load_average"],
                        **commit_note,
                    )  # fmt: skip
    for p in run.get("panels", []):
        duck_ms, in_request = p["duckdb"]["p50_ms"], p["in_request"]["p50_ms"]
        extra = {
            "scope": p["scope"], "duckdb_ms": duck_ms, "ratio": p["ratio_p50"],
            "in_request_ms": in_request, "ratio_in_request": round(in_request / duck_ms, 2) if duck_ms else None,
            "ratio_target": TARGETS["duckdb_ratio"], "published_ms": p["published"]["p50_ms"],
            "duckdb_equal": p["duckdb_equal"], "load_average": p["function"]["load_average"],
        }  # fmt: skip
        add(f"panel {p['panel']} ({p['scope']})", "p50_ms", p["function"]["p50_ms"], "ms", TARGETS["panel_ms"], **extra)
        add(f"panel {p['panel']} ({p['scope']})", "p95_ms", p["function"]["p95_ms"], "ms", TARGETS["panel_ms"], **extra)
    for g in run.get("glotip", []):
        duck_ms, in_request = g["duckdb"]["p50_ms"], g["counts_in_request"]["p50_ms"]
        extra = {
            "scope": g["scope"], "year": g["year"], "duckdb_ms": duck_ms, "ratio": g["ratio_p50"],
            "in_request_ms": in_request, "ratio_in_request": round(in_request / duck_ms, 2) if duck_ms else None,
            "ratio_target": TARGETS["duckdb_ratio"], "protected_ms": g["protected"]["p50_ms"],
            "tables_ms": g["tables"]["p50_ms"], "duckdb_equal": g["duckdb_equal"],
            "load_average": g["counts"]["load_average"],
        }  # fmt: skip
        add(f"GLOTIP counts ({g['scope']})", "p50_ms", g["counts"]["p50_ms"], "ms", TARGETS["panel_ms"], **extra)
        add(f"GLOTIP counts ({g['scope']})", "p95_ms", g["counts"]["p95_ms"], "ms", TARGETS["panel_ms"], **extra)
        add(f"GLOTIP protected ({g['scope']})", "p50_ms", g["protected"]["p50_ms"], "ms", TARGETS["panel_ms"])
        add(f"GLOTIP tables ({g['scope']})", "p50_ms", g["tables"]["p50_ms"], "ms", TARGETS["panel_ms"])
    for h in run.get("http", {}).values():
        if "p50_ms" in h:
            add(f"GET {h['path']} (in process, 1 client)", "p50_ms", h["p50_ms"], "ms", None, req_per_s=h["req_per_s"])
    for c in run.get("ctdc", []):
        add(
            f"CTDC export k=11 ({c['scope']})", "seconds", c["seconds"], "s", TARGETS["ctdc_s"], records=c["records"],
            share_kept=c["share_kept"], ctdc_method_share_kept=c["ctdc_method_share_kept"],
            load_average=c["load_average"],
        )  # fmt: skip
    for s in run.get("synthetic", []):
        if "seconds" in s:
            add(
                f"synthetic release ({s['scope']})", "seconds", s["seconds"], "s", TARGETS["synthetic_s"],
                records=s["synthetic_records"], utility=s["utility"], epsilon=s["epsilon"],
                load_average=s["load_average"],
            )  # fmt: skip
    return out


def report(runs: list[Path], json_out: Path, md_out: Path) -> None:
    loaded = [json.loads(p.read_text()) for p in runs if p.exists()]
    results = [e for run in loaded for e in entries(run)]
    json_out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    lines = ["# Statistics benchmark (issue 15)", ""]
    for run in loaded:
        lines += [
            f"## {run['backend']}, {run['scale']:,} victim cases ({run.get('started', '')}, code at "
            f"{run.get('commit', '?')})",
            "",
            f"Sources: {json.dumps(run.get('sources'))}",
            "",
            *[
                f'Measured again ({part}, "again" below): code at {run[f"{part}_latest_commit"]}, '
                f"{run.get(f'{part}_latest_started', '')}."
                for part in ("rebuild", "refresh")
                if f"{part}_latest" in run
            ],
            "",
            "| measurement | value | target | in a request | published | DuckDB p50 | ratio (in a request) "
            "| DuckDB equal | load |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for e in entries(run):
            if e["metric"] == "p95_ms" and e["name"].startswith(("panel", "GLOTIP")):
                continue
            lines.append(
                f"| {e['name']} ({e['metric']}) | {e['value']} {e['unit']} | {e['target'] or ''} | "
                f"{e.get('in_request_ms', '')} | {e.get('published_ms', e.get('protected_ms', ''))} | "
                f"{e.get('duckdb_ms', '')} | {e.get('ratio', '')} "
                f"({e.get('ratio_in_request', '')}) | {e.get('duckdb_equal', '')} | "
                f"{e.get('load_average', '')} |"
            )
        for c in run.get("ctdc", []):
            generalised = ", ".join(f"{k} to {v['to']}" for k, v in c["generalised"].items() if v["level"])
            lines.append(
                f"- CTDC k=11, {c['scope']}: {c['records']:,} records, kept {c['records_kept']:,} "
                f"({c['records_kept'] / max(1, c['records']):.3%}); CTDC's method (no generalisation) "
                f"{c['ctdc_method_share_kept']:.2%}; "
                f"generalised: {generalised or 'nothing'}"
            )
        for x in run.get("synthetic", []):
            if "utility" in x:
                u = x["utility"]
                lines.append(
                    f"- synthetic, {x['scope']}, epsilon {x['epsilon']}: {x['synthetic_records']:,} records from "
                    f"{x['real_records']:,} in {x['seconds']} s (synthesis {x['synthesis_seconds']} s); mean MAE of "
                    f"the 1-way counts {u['one_way_mean_mae']}, mean TVD 1-way {u['one_way_mean_tvd']}, 2-way "
                    f"{u['two_way_mean_tvd']}, 3-way {u['three_way_mean_tvd']} ({u['three_way_tables_sampled']} "
                    "tables sampled)"
                )
        lines.append("")
    md_out.write_text("\n".join(lines) + "\n")
    print(f"-> {json_out}, {md_out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--fixture", type=Path, required=True)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument(
        "--parts", default="rebuild,refresh,panels,http,ctdc,synthetic", help="comma-separated, in this order"
    )
    r = sub.add_parser("report")
    r.add_argument("runs", type=Path, nargs="+")
    r.add_argument("--json", type=Path, required=True)
    r.add_argument("--md", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "measure":
        measure(args.fixture, args.out, set(args.parts.split(",")))
    else:
        report(args.runs, args.json, args.md)


if __name__ == "__main__":
    main()
