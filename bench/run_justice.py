"""Measure the criminal case list API (issue 12) against a real server (gunicorn), and the year's GLOTIP justice
counts in-process, each beside its floors in the same run.

    python bench/run_justice.py measure --fixture bench/var/justice/postgresql/fixture.json \
        --out bench/var/justice/postgresql/run.json
    python bench/run_justice.py report bench/var/justice/*/run.json \
        --json bench/results/justice.json --md bench/results/justice.md

The list's method is run_cases.py's (closed loop of 1 and 20 clients, one keep-alive connection each, the view's
SQL captured once in-process and replayed raw through the driver as the floor, EXPLAIN of the first variant, the
gunicorn workers' CPU per request from /proc), with the framework floor (/api/v1/bench/floor/) measured in the
same run. The counts are the statistics selectors (tipsom.justice.selectors.stats) called in-process as the
national rapporteur, timed back to back, beside their own SQL replayed raw and a hand-written raw query of the same
counts (COUNT(DISTINCT person) per stage in the year, by sex, adult or minor, citizenship and offence type).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_cases  # noqa: E402  (bench/run_cases.py: closed loop, client, server, raw replay, report)
from run_cases import CONCURRENCY  # noqa: E402

LIST_TARGET_MS = 100.0  # p95 of the criminal case list with 1 client, on both backends (issue 12)
CPU_RAW_TIMES = 3.0  # the list's CPU per request <= 3 x its raw SQL time (p50) + the framework floor's CPU
COUNTS_TARGET_MS = 1000.0  # the year's GLOTIP counts (issue 12)
# Shorter than the case benchmark's (200 requests or 20 s; 1,000 or 30 s): ten scenarios in about eight minutes.
LIMITS = {1: (200, 10.0), 20: (600, 15.0)}
COUNTS_LIMITS = (30, 20.0)  # the counts: at most this many calls, or seconds (at least 5 calls)
YEAR = 2025  # the last whole year of the generated data (2019 to November 2026)
OLD_YEAR = 2019  # the first
CASES = "/api/v1/justice/cases/"
STATS = "/api/v1/justice/stats/"
STATS_SELECTORS = ["justice_stats"]
# The list's filter parameters (tipsom.justice.api.cases); the values exist in the generated data.
FILTERS = {
    "stage": ("stage", "trial"),
    "offence type": ("offence_type", "som"),
    "opened from": ("opened_from", f"{YEAR}-01-01"),
    "opened to": ("opened_to", f"{YEAR}-12-31"),
}


@dataclass
class Scenario:
    name: str
    user: str  # key of fixture["users"]
    kind: str = "list"  # "list", "stats" (the year's counts) or "floor"
    variants: list[dict[str, str]] = field(default_factory=lambda: [{}])
    base: str = CASES
    target: bool = True

    def path(self, variant: dict[str, str]) -> str:
        query = urllib.parse.urlencode(variant)
        return self.base + (f"?{query}" if query else "")


def filters() -> list[tuple[str, dict[str, str]]]:
    (stage, stage_value), (offence, offence_value) = FILTERS["stage"], FILTERS["offence type"]
    (since, since_value), (until, until_value) = FILTERS["opened from"], FILTERS["opened to"]
    return [
        ("", {}),
        (f" {stage}={stage_value}", {stage: stage_value}),
        (f" {offence}={offence_value}", {offence: offence_value}),
        (f" opened in {YEAR}", {since: since_value, until: until_value}),
        # An old year: every newer case is walked past in id order before the first of the range.
        (f" opened in {OLD_YEAR}", {since: f"{OLD_YEAR}-01-01", until: f"{OLD_YEAR}-12-31"}),
    ]


def scenarios(fixture: dict[str, Any]) -> list[Scenario]:
    result = [Scenario("framework floor", "national_rapporteur", "floor", base=run_cases.FLOOR_PATH, target=False)]
    for label, user in (("investigator, national police unit", "investigator"),
                        ("national rapporteur", "national_rapporteur")):  # fmt: skip
        result += [Scenario(f"case list{name} [{label}]", user, variants=[params]) for name, params in filters()]
    result.append(Scenario("case list [investigator, regional police unit]", "investigator_regional"))
    # The year's counts through the API (one JSON document, not a list): the rapporteur's country, a unit's cases.
    for label, user in (("national rapporteur", "national_rapporteur"), ("investigator, national police unit",
                                                                        "investigator")):  # fmt: skip
        result.append(Scenario(f"GLOTIP counts {YEAR} API [{label}]", user, "stats", [{"year": str(YEAR)}], STATS))
    return result


def capture_sql(scenario: Scenario, fixture: dict[str, Any]) -> list[list[str]]:
    """Per variant, the SELECTs the view runs for its data, as executable text (run_cases.capture_sql's method):
    the user's grants are looked up first, as the request's overhead."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve
    from rest_framework.test import APIRequestFactory, force_authenticate

    from tipsom.accounts.models import User
    from tipsom.core.permissions import user_can
    from tipsom.justice.models import CriminalCase

    factory = APIRequestFactory()
    statements = []
    for variant in scenario.variants:
        user = User.objects.select_related("organization").get(pk=fixture["users"][scenario.user]["id"])
        user_can(user, "view", CriminalCase)
        path = scenario.path(variant)
        request = factory.get(path)
        force_authenticate(request, user=user)
        match = resolve(urllib.parse.urlsplit(path).path)
        with CaptureQueriesContext(connection) as captured:
            response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 200:
            raise RuntimeError(f"{scenario.name}: the view answered {response.status_code}: {response.data}")
        selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        statements.append(selects)
    return statements


def check_answer(scenario: Scenario, variant: dict[str, str], status: int, body: bytes) -> int:
    if status != 200:
        raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: HTTP {status}: {body[:300]!r}")
    data = json.loads(body)
    if scenario.kind == "stats":
        if not data.get("persons"):
            raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: no counts: {body[:300]!r}")
        return 1
    if not data.get("results"):
        raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: no rows")
    return len(data["results"])


# --- The year's GLOTIP counts ----------------------------------------------------------------------------------
def counts_floor_sql(vendor: str, country: str, year: int) -> list[str]:
    """The raw query of the year's counts: persons (once per stage and cell) brought into formal contact,
    prosecuted and convicted, by sex, adult or minor, own or foreign citizenship and offence type; offences
    recorded by type; smuggling incidents with their dead, missing and injured."""
    start, end = f"{year}-01-01", f"{year + 1}-01-01"
    first_citizenship = "p.citizenships ->> 0" if vendor == "postgresql" else "json_extract(p.citizenships, '$[0]')"
    statements = []
    for column, offence_type, joins in (
        ("s.formal_contact_on", "c.offence_type", ""),
        ("s.prosecuted_on", "c.offence_type", ""),
        # Convicted: the offence type convicted of, on the charges convicted in the year.
        ("ch.convicted_on", "ch.convicted_type", " JOIN justice_charge ch ON ch.suspect_id = s.id"),
    ):
        statements.append(
            f"SELECT p.gender, CASE WHEN s.age_at_offence IS NULL THEN 'unknown' WHEN s.age_at_offence < 18 "  # noqa: S608
            f"THEN 'minor' ELSE 'adult' END AS age, CASE WHEN {first_citizenship} = '{country}' THEN 'national' "
            f"ELSE 'foreign' END AS citizenship, {offence_type} AS offence_type, COUNT(DISTINCT s.person_id) "
            f"FROM justice_suspect s JOIN justice_criminalcase c ON c.id = s.criminal_case_id{joins} "
            f"JOIN people_person p ON p.id = s.person_id "
            f"WHERE c.country = '{country}' AND {column} >= '{start}' AND {column} < '{end}' "
            f"GROUP BY 1, 2, 3, 4"
        )
    statements.append(
        f"SELECT o.offence_type, COUNT(*) FROM justice_offence o WHERE o.country = '{country}' "  # noqa: S608
        f"AND o.recorded_on >= '{start}' AND o.recorded_on < '{end}' GROUP BY 1"
    )
    statements.append(
        f"SELECT COUNT(*), SUM(dead), SUM(missing), SUM(injured) FROM justice_smugglingincident "  # noqa: S608
        f"WHERE country = '{country}' AND occurred_on >= '{start}' AND occurred_on < '{end}'"
    )
    return statements


def stats_selectors() -> list[tuple[str, Callable[..., Any]]]:
    """The statistics selectors of the year (tipsom.justice.selectors.stats): justice_stats(user=, year=)."""
    try:
        from tipsom.justice.selectors import stats
    except ImportError:
        return []
    return [(name, getattr(stats, name)) for name in STATS_SELECTORS if hasattr(stats, name)]


def call_selector(function: Callable[..., Any], user: Any, year: int) -> Any:
    return function(user=user, year=year)


def timed(function: Callable[[], Any]) -> dict[str, Any]:
    max_calls, max_seconds = COUNTS_LIMITS
    latencies: list[float] = []
    started = time.perf_counter()
    while len(latencies) < max_calls and (time.perf_counter() - started < max_seconds or len(latencies) < 5):
        began = time.perf_counter()
        function()
        latencies.append((time.perf_counter() - began) * 1000)
    return {
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(run_cases.percentile(latencies, 95), 2),
        "calls": len(latencies),
    }


def measure_counts(fixture: dict[str, Any], connect: Callable[[], Any], vendor: str) -> dict[str, Any]:
    """The year's counts as the national rapporteur: each statistics selector, the whole set, the selectors' SQL
    replayed raw, and the hand-written raw query."""

    old_limits = dict(run_cases.LIMITS)
    run_cases.LIMITS[1] = COUNTS_LIMITS  # the raw replays below: as many calls as the selectors get
    try:
        return _measure_counts(fixture, connect, vendor)
    finally:
        run_cases.LIMITS.update(old_limits)


def _measure_counts(fixture: dict[str, Any], connect: Callable[[], Any], vendor: str) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from tipsom.accounts.models import User

    user = User.objects.select_related("organization").get(pk=fixture["users"]["national_rapporteur"]["id"])
    country = user.organization.country
    result: dict[str, Any] = {"year": YEAR, "country": country, "user": "national_rapporteur", "selectors": []}
    captured_all: list[str] = []
    for name, function in stats_selectors():
        try:
            with CaptureQueriesContext(connection) as captured:
                answer = call_selector(function, user, YEAR)
        except Exception as exc:  # noqa: BLE001 (a selector that fails is reported, the run goes on)
            result["selectors"].append({"name": name, "error": repr(exc)[:300]})
            print(f"counts {name}: error {exc!r}", flush=True)
            continue
        if answer is None:
            continue
        sql = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        captured_all += sql
        took = timed(lambda f=function: call_selector(f, user, YEAR))
        raw = run_cases.measure_raw([sql], connect, 1).summary() if sql else None
        plans = run_cases.explain(sql, connect, vendor)
        entry = {"name": name, "statements": len(sql), **took, "raw": raw, "sql": sql, "plans": plans}
        result["selectors"].append(entry)
        print(f"counts {name}: p50 {took['p50_ms']:.1f} ms p95 {took['p95_ms']:.1f} ms ({len(sql)} statements, "
              f"raw p50 {raw['p50_ms'] if raw else float('nan'):.1f} ms)", flush=True)  # fmt: skip
        reset_queries()
    measured = [s for s in result["selectors"] if "p50_ms" in s]
    if len(measured) > 1:

        def everything() -> None:
            for name, function in stats_selectors():
                if any(s["name"] == name for s in measured):
                    call_selector(function, user, YEAR)

        result["all_selectors"] = timed(everything)
        result["all_selectors_raw"] = run_cases.measure_raw([captured_all], connect, 1).summary()
        result["plans_selectors"] = run_cases.explain(captured_all, connect, vendor)
    floor = counts_floor_sql(vendor, country, YEAR)
    result["floor"] = run_cases.measure_raw([floor], connect, 1).summary()
    result["floor_sql"] = floor
    result["floor_plans"] = run_cases.explain(floor, connect, vendor)
    db = connect()
    try:
        result["floor_answer_rows"] = [len(db.execute(sql).fetchall()) for sql in floor]
    finally:
        db.close()
    print(f"counts, raw query (floor): p50 {result['floor']['p50_ms']:.1f} ms p95 {result['floor']['p95_ms']:.1f} ms",
          flush=True)  # fmt: skip
    return result


# --- The run --------------------------------------------------------------------------------------------------
def measure(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")
    os.environ["TIPSOM_BENCH_FLOOR"] = "1"  # the floor's URL, for capturing its SQL as the server's
    import django

    django.setup()
    from django.db import connection

    run_cases.LIMITS.update({1: (20, 1.0), 20: (40, 1.0)} if args.quick else LIMITS)
    fixture = json.loads(args.fixture.read_text())
    vendor = connection.vendor
    backend = "postgresql" if vendor == "postgresql" else "sqlite"
    connect = run_cases.raw_connector()
    load_before = os.getloadavg()[0]
    counts = measure_counts(fixture, connect, vendor) if not args.no_counts else None
    if counts is not None:
        counts["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    plan = scenarios(fixture)
    if args.only:
        plan = [s for s in plan if s.kind == "floor" or any(word in s.name for word in args.only)]
    sql = {s.name: capture_sql(s, fixture) for s in plan}
    connection.close()
    results: list[dict[str, Any]] = []
    plans: dict[str, list[str]] = {}
    if not args.no_lists:
        # The lists with 1 and 20 clients; the year's counts (seconds each) with 1 client only.
        for kinds, concurrency in ((("floor", "list"), args.clients), (("stats",), [1])):
            part = [s for s in plan if s.kind in kinds]
            if not part:
                continue
            measured, explained = run_cases.measure_scenarios(
                backend=backend, plan=part, fixture=fixture, sql=sql, connect=connect, vendor=vendor, args=args,
                concurrency=[c for c in CONCURRENCY if c in concurrency], check=check_answer, width=62,
            )  # fmt: skip
            results += measured
            plans.update(explained)
    for m in results:  # issue 12's targets: with 1 client, on both backends, the list's p95 and the counts'
        targets = {"list": LIST_TARGET_MS, "stats": COUNTS_TARGET_MS}
        m["target"] = targets.get(m["kind"]) if m["clients"] == 1 else None
    run = {
        "backend": backend,
        "scale": fixture["scale"],
        "machine": run_cases.machine(),
        "server": {"command": "tipsom serve (gunicorn gthread)", "workers": args.workers, "threads": args.threads},
        "generation_seconds": fixture.get("seconds"),
        "rows": fixture.get("rows"),
        "attrition": fixture.get("attrition"),
        "measurements": results,
        "plans": plans,
        "sql": {name: statements[0] for name, statements in sql.items()},
        "counts": counts,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(run, indent=2, ensure_ascii=False))
    print(f"-> {args.out}")


def commit() -> str:
    """The code measured: the checkout's commit (the tree may hold other work in progress)."""
    try:
        return subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


# --- Report ---------------------------------------------------------------------------------------------------
def ratios(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Per list scenario with 1 client: the server's CPU per request against issue 12's allowance, 3 x its own raw
    SQL time (p50) + the framework floor's CPU; issue 10's (2 x the floor's CPU + the raw SQL) beside it."""
    rows = []
    for row in run_cases.ratios(run):
        if row["kind"] != "list":
            continue
        allowed = round(CPU_RAW_TIMES * row["raw_p50_ms"] + row["floor_cpu_ms"], 2)
        rows.append({**row, "allowed_ms": allowed, "met": row["cpu_ms"] <= allowed,
                     "issue10_allowed_ms": round(2 * row["floor_cpu_ms"] + row["raw_p50_ms"], 2)})  # fmt: skip
    return rows


def entries(run: dict[str, Any]) -> list[dict[str, Any]]:
    """run_cases.entries' shape; the CPU entries carry issue 12's allowance as their target, and the counts follow
    (target: p95 <= 1 s; floor: the selectors' own SQL replayed raw)."""
    allowed = {(row["scenario"], 1): row["allowed_ms"] for row in ratios(run)}
    result = []
    for entry in run_cases.entries(run):
        scenario = entry["name"].rsplit(", ", 1)[0]
        if entry["metric"] == "cpu_ms":
            entry["target"] = allowed.get((scenario, entry["clients"]))
        result.append(entry)
    counts = run.get("counts") or {}
    common = {"backend": run["backend"], "scale": run["scale"], "clients": 1, "path": None}
    year = counts.get("year")
    items = [(f"GLOTIP justice counts {year}, {s['name']}, national rapporteur", s, s.get("raw"))
             for s in counts.get("selectors", []) if "p50_ms" in s]  # fmt: skip
    if counts.get("all_selectors"):
        items.append((f"GLOTIP justice counts {year}, all selectors, national rapporteur", counts["all_selectors"],
                      counts.get("all_selectors_raw")))  # fmt: skip
    for name, took, raw in items:
        for metric in ("p95_ms", "p50_ms"):
            result.append({
                "name": name, **common, "metric": metric, "value": took[metric], "unit": "ms",
                "target": COUNTS_TARGET_MS if metric == "p95_ms" else None,
                "floor": raw[metric] if raw else None,
            })  # fmt: skip
    if counts.get("floor"):
        for metric in ("p95_ms", "p50_ms"):
            result.append({
                "name": f"GLOTIP justice counts {year}, raw SQL (hand-written)", **common, "metric": metric,
                "value": counts["floor"][metric], "unit": "ms", "target": None, "floor": None,
            })  # fmt: skip
    return result


def ratio_lines(run: dict[str, Any]) -> list[str]:
    rows = ratios(run)
    if not rows:
        return []
    lines = [
        "",
        f"Framework floor (`{run_cases.FLOOR_PATH}`, 50 rows through the same middleware, knox and throttles), "
        f"1 client: server CPU {rows[0]['floor_cpu_ms']:.2f} ms per request. Issue 12's target: the list's server "
        f"CPU per request ≤ {CPU_RAW_TIMES:g} x its raw SQL p50 + the floor's CPU; issue 10's (≤ 2 x the floor's "
        "CPU + the raw SQL p50) beside it. On SQLite the server CPU includes the queries (the database runs in the "
        "worker).",
        "",
        "| scenario (1 client) | server CPU ms/req | x floor CPU | raw SQL p50 ms | allowed (3 x raw + floor) ms "
        "| issue 12 | allowed (2 x floor + raw) ms | issue 10 |",
        "|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['scenario']} | {row['cpu_ms']:.2f} | {row['ratio']:.2f} | {row['raw_p50_ms']:.2f} | "
            f"{row['allowed_ms']:.2f} | {'met' if row['met'] else '**missed**'} | {row['issue10_allowed_ms']:.2f} | "
            f"{'met' if row['cpu_ms'] <= row['issue10_allowed_ms'] else '**missed**'} |"
        )
    return lines


def counts_lines(run: dict[str, Any]) -> list[str]:
    counts = run.get("counts")
    if not counts:
        return []
    lines = [
        "",
        f"### GLOTIP justice counts for {counts['year']} ({counts['country']}, as the national rapporteur)",
        "",
        "In-process, back to back (at most 30 calls or 20 s); raw = the selector's own SELECTs replayed through the "
        "driver. Target: ≤ 1 s. Load average "
        f"{'–'.join(str(x) for x in counts.get('load_average', []))}.",
        "",
        "| selector | statements | p50 ms | p95 ms | calls/s | raw SQL p50 ms | raw SQL p95 ms | target ≤ 1 s |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    measured = [s for s in counts.get("selectors", []) if "p50_ms" in s]
    if counts.get("all_selectors"):
        measured.append({"name": "all of them", "statements": sum(s["statements"] for s in measured),
                         **counts["all_selectors"], "raw": counts.get("all_selectors_raw")})  # fmt: skip
    for s in measured:
        raw = s.get("raw") or {}
        lines.append(
            f"| {s['name']} | {s['statements']} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | "
            f"{1000 / s['p50_ms'] if s['p50_ms'] else float('inf'):.1f} | {raw.get('p50_ms', float('nan')):.1f} | "
            f"{raw.get('p95_ms', float('nan')):.1f} | {'met' if s['p95_ms'] <= COUNTS_TARGET_MS else '**missed**'} |"
        )
    for s in counts.get("selectors", []):
        if "error" in s:
            lines.append(f"| {s['name']} | | error: {s['error']} | | | | | |")
    floor = counts.get("floor")
    if floor:
        lines.append(
            f"| raw SQL written by hand ({len(counts['floor_sql'])} statements: formal contact, prosecuted, "
            f"convicted, offences, incidents) | {len(counts['floor_sql'])} | {floor['p50_ms']:.1f} | "
            f"{floor['p95_ms']:.1f} | {1000 / floor['p50_ms'] if floor['p50_ms'] else float('inf'):.1f} | | | "
            f"{'met' if floor['p95_ms'] <= COUNTS_TARGET_MS else '**missed**'} |"
        )
    return lines


def plan_summary(plan: str) -> str:
    """An EXPLAIN's time and the scans it chose, on one line: where a statement's time goes."""
    match = re.search(r"Execution Time: ([\d.]+) ms", plan)
    scans = []
    for line in plan.splitlines():
        text = line.rsplit(" | ", 1)[-1]  # SQLite's rows: id | parent | unused | detail
        text = text.strip().removeprefix("->").strip()
        if "Scan" in text or text.startswith(("SCAN", "SEARCH")):
            node = text.split("  (cost=")[0].split(" (cost=")[0]
            rows = re.search(r"actual time=[\d.]+\.\.([\d.]+) rows=(\d+) loops=(\d+)", text)
            scans.append(f"{node}" + (f" ({rows.group(2)} rows x {rows.group(3)})" if rows else ""))
    head = f"{float(match.group(1)):.0f} ms: " if match else ""
    return head + "; ".join(dict.fromkeys(scans))


def plan_lines(run: dict[str, Any]) -> list[str]:
    """Per statement of the year's counts (the API's, as the rapporteur and the investigator) and of each list
    that missed its target: the plan's time and its scans (bench/var/justice/<backend>/run.json keeps them whole)."""
    missed = {m["scenario"] for m in run["measurements"] if m["target"] and m["api"]["p95_ms"] > m["target"]}
    wanted = [name for name in run.get("plans", {}) if name in missed or "counts" in name]
    if not wanted:
        return []
    prefix = "EXPLAIN (ANALYZE, BUFFERS)" if run["backend"] == "postgresql" else "EXPLAIN QUERY PLAN"
    lines = ["", f"{prefix} of the first variant's statements, once, for the counts and each missed target:", ""]
    for name in wanted:
        lines.append(f"- **{name}**")
        for number, plan in enumerate(run["plans"][name], 1):
            sql = run["sql"][name][number - 1]
            if "accounts_" in sql or "knox_" in sql:
                continue  # the user's grants: the request's overhead
            lines.append(f"  {number}. `{main_table(sql)}`: {plan_summary(plan)}")
    return lines


def main_table(sql: str) -> str:
    """The first table the statement reads (its outermost FROM, or the sub-query's)."""
    match = re.search(r'FROM "?(\w+)"?', sql)
    return match.group(1) if match else "?"


def report(args: argparse.Namespace) -> None:
    runs = [json.loads(Path(p).read_text()) for p in args.runs if Path(p).exists()]
    runs.sort(key=lambda r: r["backend"] != "postgresql")
    data = [entry for run in runs for entry in entries(run)]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Criminal justice benchmark (issue 12)",
        "",
        "The criminal case list API (`GET /api/v1/justice/cases/`) through gunicorn, closed loop, no think time; raw "
        "SQL = the view's data queries replayed through the DB driver (the floor). Target: p95 ≤ 100 ms with 1 "
        "client. Load avg = the machine's 1-minute load average before and after the measurement (2 cores: above "
        '2, other work competed for the CPU). See bench/README.md, "Criminal justice (issue 12)".',
        "",
    ]
    for run in runs:
        m = run["machine"]
        rows = run.get("rows") or {}
        attrition = run.get("attrition") or {}
        lines += [
            f"## {run['backend']}, {run['scale']:,} offences",
            "",
            f"Run {run['finished_at']} (code at {run.get('commit', '?')}) on {m.get('cpus')} cores "
            f"({m.get('cpu', '?')}), {m.get('memory_gb', '?')} GB; "
            f"server: {run['server']['command']}, {run['server']['workers']} workers x {run['server']['threads']} "
            f"threads; generated in {run.get('generation_seconds')} s: "
            + ", ".join(f"{count:,} {name}" for name, count in rows.items())
            + (f". Suspects {attrition.get('suspects', 0):,}, charged {attrition.get('charged', 0):,}, convicted "
               f"{attrition.get('convicted', 0):,}; cases by stage {attrition.get('stages')}." if attrition else "."),
            "",
            *run_cases.measurement_table(run["measurements"]),
            *ratio_lines(run),
            *counts_lines(run),
            *plan_lines(run),
        ]  # fmt: skip
        lines.append("")
    args.md.write_text("\n".join(lines))
    print(f"-> {args.json}, {args.md}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="measure one backend (TIPSOM_DATABASE_URL)")
    m.add_argument("--fixture", type=Path, required=True)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--port", type=int, default=8767)
    m.add_argument("--workers", type=int, default=4)
    m.add_argument("--threads", type=int, default=2)
    m.add_argument("--clients", type=int, nargs="*", default=list(CONCURRENCY), help="default: 1 20")
    m.add_argument("--only", nargs="*", help="run only the list scenarios whose name holds one of these words")
    m.add_argument("--quick", action="store_true", help="a few requests per measurement: does it run?")
    m.add_argument("--no-counts", action="store_true", help="skip the GLOTIP counts")
    m.add_argument("--no-lists", action="store_true", help="skip the list API (the counts only)")
    r = sub.add_parser("report", help="merge runs into the results JSON and markdown table")
    r.add_argument("runs", nargs="+")
    r.add_argument("--json", type=Path, default=Path("bench/results/justice.json"))
    r.add_argument("--md", type=Path, default=Path("bench/results/justice.md"))
    args = parser.parse_args()
    measure(args) if args.command == "measure" else report(args)


if __name__ == "__main__":
    main()
