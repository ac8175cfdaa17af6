"""Measure the interactive matching check (issue 13), `POST /api/v1/persons/match/`, against a real server (gunicorn),
beside its floors, and how well it finds the true duplicates.

    python bench/run_match_check.py measure --fixture bench/var/matching/check/postgresql/fixture.json \
        --out bench/var/matching/check/postgresql/run.json
    python bench/run_match_check.py report bench/var/matching/check/*/run.json \
        --json bench/results/matching_check.json --md bench/results/matching_check.md

The registry and the held-out queries are bench/generate_match_registry.py's. As the host country's case manager:
- Quality: every query once through the API; a candidate's person is its id where the case manager may see it, else
  the id signed in its access token (read back here with the server's key): the share of queries whose true
  duplicate is among the candidates answered, per pair of scripts. In-process, the block before scoring
  (matching.selectors.block_candidates with no limit): its size, whether the true duplicate shares a key at all and
  its rank (the check scores the first CANDIDATES_READ).
- Speed: run_cases.py's method: a closed loop of 1 and 20 clients (one keep-alive connection each, the queries in
  turn), p50, p95, requests a second, the gunicorn workers' CPU per request; the view's SELECTs captured in-process
  and replayed raw through the driver (all of them, and the block query alone) as the floor; the framework floor
  (/api/v1/bench/floor/) in the same run; EXPLAIN of the block query of each captured query; the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_cases  # noqa: E402  (closed loop, client, server, raw replay, EXPLAIN, machine)
import run_justice  # noqa: E402  (the code's commit, a plan on one line)
from run_cases import CONCURRENCY, percentile  # noqa: E402

PATH = "/api/v1/persons/match/"
USER = "case_manager"  # of an NGO of the host country: most candidates are another organization's (tokens)
TARGET_MS = 50.0  # p95 with 1 client, on both backends (issue 13)
RECALL_TARGET = 0.95  # of the true duplicates among the candidates (issue 13)
LIMITS = {1: (500, 30.0), 20: (1000, 30.0)}
CAPTURED = 60  # queries whose SQL is captured, replayed raw and explained
RECALL_AT = (10, 60, 200, 1000)  # block ranks reported: what a larger CANDIDATES_READ would find


def body_of(query: dict[str, Any]) -> bytes:
    fields = ("names", "birth_date", "sex", "citizenships")
    return json.dumps({field: query[field] for field in fields}, ensure_ascii=False).encode()


def measure_post(bodies: list[bytes], token: str, port: int, clients: int, offset: int = 0) -> run_cases.Sample:
    """run_cases.measure_api for a POST: each client sends the bodies in turn from `offset`."""

    def make_worker() -> Callable[[int], None]:
        client = run_cases.Client("127.0.0.1", port, token)

        def work(number: int) -> None:
            status, answer = client.request("POST", PATH, bodies[(offset + number) % len(bodies)])
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {answer[:200]!r}")

        return work

    return run_cases.closed_loop(clients, make_worker)


# --- In-process: the SQL the view runs, and the blocks -------------------------------------------------------------
def statement_kind(sql: str) -> str:
    """What a captured SELECT reads, from its select list and tables (the block query is the floor the brief
    names): block, frequencies (the exact names' counts), persons, names, visible (the user's scope), settings,
    organizations, other."""
    lowered = sql.lower()
    head = lowered.split(" from ", 1)[0]
    if 'from "matching_matchkey"' in lowered and " group by " in lowered:  # a count or a weighted sum
        return "frequencies" if '"matching_matchkey"."key"' in head else "block"
    if '"people_person"."id" as "pk"' in head:
        return "visible"
    for table, kind in (("people_personname", "names"), ("matching_matchsettings", "settings"),
                        ("organizations_organization", "organizations"), ("people_person", "persons")):  # fmt: skip
        if table in head or f'from "{table}"' in lowered:
            return kind
    return "other"


def capture_sql(fixture: dict[str, Any], queries: list[dict[str, Any]]) -> list[list[str]]:
    """Per query, the SELECTs the view runs for its answer: the view is called in-process twice (the registry size,
    the name forms and the user's grants cached, as in a warm worker) and its queries captured the second time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve
    from rest_framework.test import APIRequestFactory, force_authenticate

    from tipsom.accounts.models import User
    from tipsom.core.permissions import user_can
    from tipsom.people.models import Person

    factory = APIRequestFactory()
    user = User.objects.select_related("organization").get(pk=fixture["users"][USER]["id"])
    user_can(user, "add", Person)
    view = resolve(PATH).func
    statements = []
    for query in queries:
        for _attempt in range(2):  # the second call is the warm one
            request = factory.post(PATH, body_of(query), content_type="application/json")
            force_authenticate(request, user=user)
            with CaptureQueriesContext(connection) as captured:
                response = view(request)
            if response.status_code != 200:
                raise RuntimeError(f"{PATH}: the view answered {response.status_code}: {response.data}")
        statements.append(
            [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        )
    return statements


def blocks(fixture: dict[str, Any]) -> list[dict[str, Any]]:
    """Per query, the block before scoring: the persons of the host sharing a blocking key with it (within a year of
    its birth year), ranked as the check ranks them (most keys in common first), with no CANDIDATES_READ limit."""
    from tipsom.matching import selectors
    from tipsom.matching.keys import forms_of, keys_of
    from tipsom.matching.scoring import date_parts

    read = selectors.CANDIDATES_READ
    selectors.CANDIDATES_READ = 10**9  # block_candidates reads the module's constant when called
    try:
        result = []
        for query in fixture["queries"]:
            forms = [form for form in forms_of(query["names"]) if form.canonical]
            keys = [key for _kind, key in keys_of(forms, query["birth_date"])]  # as scored_candidates reads
            year = date_parts(query["birth_date"])[0]
            began = time.perf_counter()
            ranked = selectors.block_candidates(keys=keys, year=year, country=fixture["country"], exclude=set())
            took = (time.perf_counter() - began) * 1000
            ranks = [ranked.index(pk) + 1 for pk in query["truth"] if pk in ranked]
            result.append({"size": len(ranked), "rank": min(ranks) if ranks else None, "keys": len(keys),
                           "ms": round(took, 2)})  # fmt: skip
    finally:
        selectors.CANDIDATES_READ = read
    return result


def unprepared(connect: Callable[[], Any]) -> Callable[[], Any]:
    """run_cases.raw_connector without psycopg's automatic prepared statements: a replayed query repeats its text
    and would be planned once, while Django's client-side binding plans every query (about 1 ms for the block
    query at 1,000,000 persons), so the floor would leave out work the view cannot avoid."""

    def open_connection() -> Any:
        db = connect()
        if hasattr(db, "prepare_threshold"):
            db.prepare_threshold = None
        return db

    return open_connection


def statement_times(statements: list[list[str]], connect: Callable[[], Any]) -> dict[str, dict[str, float]]:
    """Each captured statement run alone through the driver (the best of three): p50 and p95 per kind."""
    times: dict[str, list[float]] = defaultdict(list)
    db = connect()
    try:
        for variant in statements:
            for sql in variant:
                best = float("inf")
                for _run in range(3):
                    began = time.perf_counter()
                    db.execute(sql).fetchall()
                    best = min(best, (time.perf_counter() - began) * 1000)
                times[statement_kind(sql)].append(best)
    finally:
        db.close()
    return {
        kind: {"p50_ms": round(statistics.median(values), 3), "p95_ms": round(percentile(values, 95), 3),
               "statements": len(values)}
        for kind, values in times.items()
    }  # fmt: skip


# --- Through the server ---------------------------------------------------------------------------------------------
def quality_pass(fixture: dict[str, Any], port: int, server: run_cases.Server) -> tuple[list[dict[str, Any]], float]:
    """Every query once, one after the other: the candidates' persons (ids, or read from their tokens), the true
    duplicate's rank among them, and the time of each request. Returns the answers and the CPU per request."""
    from tipsom.accounts.models import User
    from tipsom.matching.selectors import person_id_of_token

    user = User.objects.get(pk=fixture["users"][USER]["id"])
    client = run_cases.Client("127.0.0.1", port, fixture["users"][USER]["token"])
    answers = []
    cpu_before = server.cpu_seconds()
    for query in fixture["queries"]:
        began = time.perf_counter()
        status, body = client.request("POST", PATH, body_of(query))
        took = (time.perf_counter() - began) * 1000
        if status != 200:
            raise RuntimeError(f"{PATH} {query['names']}: HTTP {status}: {body[:300]!r}")
        data = json.loads(body)
        persons = []
        for candidate in data["candidates"]:
            if candidate["visible"]:
                persons.append(candidate["person"]["id"])
            else:
                persons.append(person_id_of_token(user=user, token=candidate["token"]))
        ranks = [persons.index(pk) + 1 for pk in query["truth"] if pk in persons]
        answers.append(
            {"ms": round(took, 2), "candidates": len(persons), "rank": min(ranks) if ranks else None,
             "visible": sum(1 for c in data["candidates"] if c["visible"]), "warnings": data.get("warnings", []),
             "top_probability": data["candidates"][0]["probability"] if data["candidates"] else None}
        )  # fmt: skip
    cpu = (server.cpu_seconds() - cpu_before) * 1000 / max(len(answers), 1)
    return answers, round(cpu, 2)


def measure(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")
    os.environ["TIPSOM_BENCH_FLOOR"] = "1"  # the floor's URL, for capturing its SQL as the server's
    # The in-process captures share the throttle's history (the database cache) with the server's requests.
    os.environ["TIPSOM_API_USER_RATE"] = "100000000/min"
    import django

    django.setup()
    from django.db import connection

    from tipsom.matching.selectors import CANDIDATES_READ, check_threshold

    run_cases.LIMITS.update({1: (20, 2.0), 20: (40, 2.0)} if args.quick else LIMITS)
    fixture = json.loads(args.fixture.read_text())
    if args.queries:
        fixture["queries"] = fixture["queries"][:: max(1, len(fixture["queries"]) // args.queries)]
    vendor = connection.vendor
    backend = "postgresql" if vendor == "postgresql" else "sqlite"
    connect = unprepared(run_cases.raw_connector())
    queries = fixture["queries"]
    bodies = [body_of(query) for query in queries]
    token = fixture["users"][USER]["token"]
    # The captured queries: spread over the list (the pairs of scripts come in runs).
    captured_queries = queries[:: max(1, len(queries) // CAPTURED)][:CAPTURED]
    floor = run_cases.Scenario("framework floor", USER, "floor", base=run_cases.FLOOR_PATH)
    floor_sql = run_cases.capture_sql(floor, fixture)
    print(f"{backend}: {len(queries)} queries; capturing the SQL of {len(captured_queries)}", flush=True)
    statements = capture_sql(fixture, captured_queries)
    block_sql = [[sql for sql in variant if statement_kind(sql) == "block"] for variant in statements]
    began = time.perf_counter()
    block_list = blocks(fixture)
    print(f"blocks of {len(block_list)} queries in-process: {time.perf_counter() - began:.1f} s", flush=True)
    plans = [run_cases.explain(variant, connect, vendor)[0] for variant in block_sql if variant]
    per_kind = statement_times(statements, connect)
    connection.close()

    measurements: list[dict[str, Any]] = []
    with run_cases.Server(args.port, args.workers, args.threads, args.out.with_suffix(".server.log")) as server:
        probe = run_cases.Client("127.0.0.1", args.port, token)
        for number in range(run_cases.WARMUP_REQUESTS):
            probe.get(floor.path({}))
            probe.request("POST", PATH, bodies[number % len(bodies)])
        load_before = os.getloadavg()[0]
        answers, quality_cpu = quality_pass(fixture, args.port, server)
        quality_load = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        print(f"quality pass: {len(answers)} queries, p50 {statistics.median(a['ms'] for a in answers):.1f} ms, "
              f"cpu {quality_cpu:.1f} ms (load {quality_load[0]}-{quality_load[1]})", flush=True)  # fmt: skip
        for name, kind in (("framework floor", "floor"), ("match check", "check")):
            for clients in CONCURRENCY:
                load_before = os.getloadavg()[0]
                cpu_before = server.cpu_seconds()
                if kind == "floor":
                    api = run_cases.measure_api(floor, token, args.port, clients).summary()
                else:
                    api = measure_post(bodies, token, args.port, clients, offset=clients).summary()
                api["cpu_ms"] = round((server.cpu_seconds() - cpu_before) * 1000 / max(api["requests"], 1), 2)
                raw = run_cases.measure_raw(floor_sql if kind == "floor" else statements, connect, clients).summary()
                entry: dict[str, Any] = {
                    "scenario": name, "kind": kind, "clients": clients, "api": api, "raw": raw,
                    "path": floor.path({}) if kind == "floor" else PATH,
                    "variants": 1 if kind == "floor" else len(queries),
                    "target": TARGET_MS if kind == "check" and clients == 1 else None,
                }  # fmt: skip
                if kind == "check":
                    entry["raw_block"] = run_cases.measure_raw(block_sql, connect, clients).summary()
                entry["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
                measurements.append(entry)
                print(
                    f"{backend:10} {name:16} {clients:>2} clients: api p95 {api['p95_ms']:7.1f} ms p50 "
                    f"{api['p50_ms']:6.1f} ms {api['throughput_rps']:6.1f}/s cpu {api['cpu_ms']:5.1f} ms | raw p50 "
                    f"{raw['p50_ms']:6.1f} p95 {raw['p95_ms']:6.1f} ms"
                    + (f" | block p50 {entry['raw_block']['p50_ms']:.1f} p95 {entry['raw_block']['p95_ms']:.1f} ms"
                       if "raw_block" in entry else "")
                    + f"  (load {entry['load_average'][0]}-{entry['load_average'][1]})",
                    flush=True,
                )  # fmt: skip

    run = {
        "backend": backend,
        "scale": fixture["scale"],
        "country": fixture["country"],
        "persons_in_country": fixture["persons_by_country"].get(fixture["country"]),
        "machine": run_cases.machine(),
        "server": {"command": "tipsom serve (gunicorn gthread)", "workers": args.workers, "threads": args.threads},
        "generation_seconds": fixture.get("seconds"),
        "rows": fixture.get("rows"),
        "candidates_read": CANDIDATES_READ,
        "threshold": check_threshold(),
        "measurements": measurements,
        "quality": {"cpu_ms": quality_cpu, "load_average": quality_load},
        "queries": [
            {key: query.get(key) for key in ("pair", "script", "faults", "truth_faults", "truth")}
            | {"api": answer, "block": block}
            for query, answer, block in zip(queries, answers, block_list, strict=True)
        ],
        "statements": [[statement_kind(sql) for sql in variant] for variant in statements],
        "statement_times": per_kind,
        "sql": statements[0],
        "plans": plans,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": run_justice.commit(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(run, indent=2, ensure_ascii=False))
    print(f"-> {args.out}")


# --- Report ---------------------------------------------------------------------------------------------------------
PAIRS = ["Arab-Latn", "Cyrl-Latn", "Deva-Latn", "Laoo-Latn", "Latn-Latn", "Arab-Arab", "Cyrl-Cyrl", "Deva-Deva",
         "Laoo-Laoo"]  # fmt: skip


def share(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def quality(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Per pair of scripts (and all duplicates): how many queries, the share whose true duplicate the API answered
    (at its threshold, among its candidates), was first, and was in the block (any rank; among the first N)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for query in run["queries"]:
        if query["truth"]:
            groups[query["pair"]].append(query)
            groups["all duplicates"].append(query)
    rows = []
    for pair in [*PAIRS, "all duplicates"]:
        items = groups.get(pair, [])
        if not items:
            continue
        row: dict[str, Any] = {"pair": pair, "queries": len(items)}
        row["recall"] = share([q["api"]["rank"] is not None for q in items])
        row["first"] = share([q["api"]["rank"] == 1 for q in items])
        row["in_block"] = share([q["block"]["rank"] is not None for q in items])
        for n in RECALL_AT:
            row[f"block_top_{n}"] = share([q["block"]["rank"] is not None and q["block"]["rank"] <= n for q in items])
        row["read"] = share([q["block"]["rank"] is not None and q["block"]["rank"] <= run["candidates_read"]
                             for q in items])  # fmt: skip
        sizes = [q["block"]["size"] for q in items]
        row["block_median"], row["block_p95"] = statistics.median(sizes), percentile(sizes, 95)
        row["candidates_mean"] = round(statistics.mean(q["api"]["candidates"] for q in items), 2)
        latencies = [q["api"]["ms"] for q in items]
        row["p50_ms"], row["p95_ms"] = round(statistics.median(latencies), 1), round(percentile(latencies, 95), 1)
        rows.append(row)
    return rows


def alone(run: dict[str, Any]) -> dict[str, Any] | None:
    """The queries with no duplicate in the registry: how often the check still answers candidates (namesakes)."""
    items = [q for q in run["queries"] if not q["truth"]]
    if not items:
        return None
    sizes = [q["block"]["size"] for q in items]
    return {
        "queries": len(items),
        "with_candidates": share([q["api"]["candidates"] > 0 for q in items]),
        "candidates_mean": round(statistics.mean(q["api"]["candidates"] for q in items), 2),
        "block_median": statistics.median(sizes), "block_p95": percentile(sizes, 95),
        "p50_ms": round(statistics.median(q["api"]["ms"] for q in items), 1),
        "p95_ms": round(percentile([q["api"]["ms"] for q in items], 95), 1),
    }  # fmt: skip


def faults(run: dict[str, Any]) -> list[tuple[str, int, float | None, float | None]]:
    """Recall by fault of the pair (of the held-out record or of the registry's: a pair may carry several)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for query in run["queries"]:
        if query["truth"]:
            pair_faults = sorted(set(query["faults"]) | set(query.get("truth_faults") or []))
            for fault in pair_faults or ["none"]:
                groups[fault].append(query)
    return sorted(
        ((fault, len(items), share([q["api"]["rank"] is not None for q in items]),
          share([q["block"]["rank"] is not None for q in items])) for fault, items in groups.items()),
        key=lambda row: -row[1],
    )  # fmt: skip


def entries(run: dict[str, Any]) -> list[dict[str, Any]]:
    """run_cases.entries' shape: the speed (p95, p50, req/s, CPU; floor = the raw SQL's value), then the quality
    (metric "recall", a share; target 0.95 on every pair of scripts)."""
    common = {"backend": run["backend"], "scale": run["scale"]}
    result = list(run_cases.entries({**run, "measurements": run["measurements"]}))
    for entry in result:
        if entry["metric"] == "p95_ms" and not entry["name"].endswith("raw SQL"):
            entry["target"] = TARGET_MS if entry["clients"] == 1 and "match check" in entry["name"] else None
    for m in run["measurements"]:
        if "raw_block" in m:
            for metric in ("p95_ms", "p50_ms"):
                result.append({
                    "name": f"match check, {m['clients']} client{'s' if m['clients'] > 1 else ''}, block query raw SQL",
                    **common, "clients": m["clients"], "path": m["path"], "metric": metric,
                    "value": m["raw_block"][metric], "unit": "ms", "target": None, "floor": None,
                })  # fmt: skip
    for row in quality(run):
        for metric, key, target in (("recall", "recall", RECALL_TARGET), ("recall_in_block", "in_block", None),
                                    ("recall_in_block_read", "read", None)):  # fmt: skip
            result.append({
                "name": f"match check quality, {row['pair']}", **common, "clients": 1, "path": PATH,
                "metric": metric, "value": row[key], "unit": "share of queries", "target": target,
                "floor": None, "queries": row["queries"],
            })  # fmt: skip
    return result


def report_lines(run: dict[str, Any]) -> list[str]:
    m = run["machine"]
    rows = run.get("rows") or {}
    lines = [
        f"## {run['backend']}, {run['scale']:,} persons ({run['persons_in_country']:,} in {run['country']})",
        "",
        f"Run {run['finished_at']} (code at {run.get('commit', '?')}) on {m.get('cpus')} cores ({m.get('cpu', '?')}), "
        f"{m.get('memory_gb', '?')} GB; server: {run['server']['command']}, {run['server']['workers']} workers x "
        f"{run['server']['threads']} threads; generated in {run.get('generation_seconds')} s: "
        + ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in rows.items())
        + f". The check reads at most {run['candidates_read']} candidates (CANDIDATES_READ) and answers those "
        f"scoring at least {run['threshold']:g} (at most 10).",
        "",
        *run_cases.measurement_table(run["measurements"]),
        "",
        "Raw SQL = every SELECT the view runs for its answer, replayed through the driver; block query alone "
        "(matching.selectors.block_candidates):",
        "",
        "| clients | block query raw p50 ms | block query raw p95 ms |",
        "|---:|---:|---:|",
    ]  # fmt: skip
    for measurement in run["measurements"]:
        if "raw_block" in measurement:
            block = measurement["raw_block"]
            lines.append(f"| {measurement['clients']} | {block['p50_ms']:.2f} | {block['p95_ms']:.2f} |")
    if run.get("statement_times"):
        lines += [
            "",
            "Each statement alone (the best of three runs, over the captured queries): what a check reads.",
            "",
            "| statement | per check | p50 ms | p95 ms |",
            "|---|---:|---:|---:|",
        ]
        checks = max(len(run.get("statements", [])), 1)
        for kind, row in sorted(run["statement_times"].items(), key=lambda item: -item[1]["p50_ms"]):
            lines.append(f"| {kind} | {row['statements'] / checks:.1f} | {row['p50_ms']:.2f} | {row['p95_ms']:.2f} |")
    floor = next((x for x in run["measurements"] if x["kind"] == "floor" and x["clients"] == 1), None)
    check = next((x for x in run["measurements"] if x["kind"] == "check" and x["clients"] == 1), None)
    if floor and check:
        lines += [
            "",
            f"Server CPU per request, 1 client: the check {check['api']['cpu_ms']:.1f} ms, the framework floor "
            f"{floor['api']['cpu_ms']:.1f} ms ({check['api']['cpu_ms'] / max(floor['api']['cpu_ms'], 0.01):.1f}x). "
            "On SQLite the server CPU includes the queries (the database runs in the worker).",
        ]
    lines += [
        "",
        "### Quality: the true duplicate among the candidates",
        "",
        "Each query once through the API (1 client, in turn). Recall = the true duplicate among the candidates "
        f"answered (target ≥ {RECALL_TARGET:.0%}); in block = it shares a blocking key with the query (born within "
        "a year, or of unknown year); read = within the CANDIDATES_READ persons the check scores; top N = within the "
        "first N of the block as ranked by keys in common; block = persons sharing a key (median / p95).",
        "",
        "| pair of scripts | queries | recall | first | in block | read | "
        + " | ".join(f"top {n}" for n in RECALL_AT)
        + " | block median / p95 | candidates (mean) | API p50 / p95 ms | target |",
        "|---|---:|---:|---:|---:|---:|" + "---:|" * len(RECALL_AT) + "---:|---:|---:|---|",
    ]
    for row in quality(run):
        met = "met" if row["recall"] >= RECALL_TARGET else "**missed**"
        lines.append(
            f"| {row['pair']} | {row['queries']} | {row['recall']:.1%} | {row['first']:.1%} | {row['in_block']:.1%} | "
            f"{row['read']:.1%} | " + " | ".join(f"{row[f'block_top_{n}']:.1%}" for n in RECALL_AT)
            + f" | {row['block_median']:,.0f} / {row['block_p95']:,} | {row['candidates_mean']:.1f} | "
            f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f} | {met} |"
        )  # fmt: skip
    nobody = alone(run)
    if nobody:
        lines += [
            "",
            f"Queries with no duplicate in the registry ({nobody['queries']}): {nobody['with_candidates']:.1%} "
            f"answered at least one candidate (namesakes), {nobody['candidates_mean']:.1f} on average; block median "
            f"{nobody['block_median']:,.0f}, p95 {nobody['block_p95']:,}; API p50 {nobody['p50_ms']:.1f} ms, p95 "
            f"{nobody['p95_ms']:.1f} ms.",
        ]
    lines += ["", "Recall by the faults of the pair (of the held-out record or of the registry's; a pair may carry "
              "several):", "",
              "| fault | queries | recall | in block |", "|---|---:|---:|---:|"]  # fmt: skip
    for fault, count, recall, in_block in faults(run):
        lines.append(f"| {fault} | {count} | {recall:.1%} | {in_block:.1%} |")
    times = [plan for plan in run.get("plans", [])]
    if times:
        summaries = [run_justice.plan_summary(plan) for plan in times]
        executions = [float(s.split(" ms:")[0]) for s in summaries if " ms:" in s]
        prefix = "EXPLAIN (ANALYZE, BUFFERS)" if run["backend"] == "postgresql" else "EXPLAIN QUERY PLAN"
        lines += ["", f"{prefix} of the block query of {len(times)} captured queries"
                  + (f": execution median {statistics.median(executions):.1f} ms, max {max(executions):.1f} ms"
                     if executions else "") + "; the first:", "", "```", times[0], "```"]  # fmt: skip
    return lines


def report(args: argparse.Namespace) -> None:
    runs = [json.loads(Path(p).read_text()) for p in args.runs if Path(p).exists()]
    runs.sort(key=lambda r: r["backend"] != "postgresql")
    data = [entry for run in runs for entry in entries(run)]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Matching: the registration check (issue 13)",
        "",
        f"`POST {PATH}` through gunicorn as a case manager of the host country, closed loop, no think time, the "
        "held-out queries in turn. Targets: p95 ≤ 50 ms with 1 client on both backends, and ≥ 95 % of the true "
        "duplicates among the candidates. Load avg = the machine's 1-minute load average before and after the "
        'measurement (2 cores). See bench/README.md, "Matching: the registration check".',
        "",
    ]
    for run in runs:
        lines += [*report_lines(run), ""]
    args.md.write_text("\n".join(lines))
    print(f"-> {args.json}, {args.md}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="measure one backend (TIPSOM_DATABASE_URL)")
    m.add_argument("--fixture", type=Path, required=True)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--port", type=int, default=8768)
    m.add_argument("--workers", type=int, default=4)
    m.add_argument("--threads", type=int, default=2)
    m.add_argument("--queries", type=int, help="only about this many of the queries (spread over them)")
    m.add_argument("--quick", action="store_true", help="a few requests per measurement: does it run?")
    r = sub.add_parser("report", help="merge runs into the results JSON and markdown")
    r.add_argument("runs", nargs="+")
    r.add_argument("--json", type=Path, default=Path("bench/results/matching_check.json"))
    r.add_argument("--md", type=Path, default=Path("bench/results/matching_check.md"))
    args = parser.parse_args()
    measure(args) if args.command == "measure" else report(args)


if __name__ == "__main__":
    main()
