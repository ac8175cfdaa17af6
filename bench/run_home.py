"""Measure a caseworker's day (issue 11) against a real server (gunicorn), beside its floors: the home page of three
roles, the Tasks page and /api/v1/tasks/, and search by part of a name, a prefix and a short case number; with the
quality of name search (recall and the number of candidates) beside the times.

    python bench/run_home.py measure --fixture bench/var/postgresql/fixture.json --out bench/var/postgresql/home.json
    python bench/run_home.py report bench/var/*/home.json --json bench/results/home.json --md bench/results/home.md

The method is run_cases.py's (closed loop, one keep-alive connection per client, the view's SQL captured once and
replayed raw through the driver as the floor, EXPLAIN of the first variant, server CPU per request from /proc), on
the database generate_cases.py made (its name search keys, staff, tasks and child tracks: generate_work.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_cases  # noqa: E402  (bench/run_cases.py: closed loop, client, server, raw replay, report)
from run_cases import CONCURRENCY, Scenario  # noqa: E402

# Shorter than the case benchmark's (200 requests or 20 s; 1,000 or 30 s): 24 scenarios in about ten minutes.
LIMITS = {1: (100, 6.0), 20: (400, 10.0)}
RECALL_SAMPLE = 100
SEED = 20261204


def _words(name: str) -> list[str]:
    return [word for word in name.replace("-", " ").split() if len(word) >= 3]


def search_terms(fixture: dict[str, Any]) -> dict[str, list[str]]:
    """What a caseworker types: a whole word of a name (a given or a family name), the first four letters of a
    word, two words in the other order, a short case number ("2026-63") and a serial alone ("63"): 20 of each,
    from the case manager's organization's persons and cases."""
    rng = random.Random(SEED)  # noqa: S311 (reproducible choice of terms)
    names = [name for _pk, name in fixture.get("sample_persons", [])][:20] or fixture["sample_names"][:20]
    words = [rng.choice(_words(name)) for name in names]
    two = [" ".join(reversed(_words(name)[:2])) for name in names if len(_words(name)) >= 2]
    numbers = [number for _pk, number in fixture["sample_cases"][:20]]
    short = [f"{n.split('-')[1]}-{int(n.split('-')[2])}" for n in numbers]
    return {
        "word": words,
        "prefix": [word[:4] for word in words],
        "two words, other order": two,
        "short case number": short,
        "serial alone": [str(int(n.split("-")[2])) for n in numbers],
    }


def scenarios(fixture: dict[str, Any]) -> list[Scenario]:
    terms = search_terms(fixture)
    api_tasks = "/api/v1/tasks/"
    result = [
        Scenario("framework floor", "case_manager", "floor", base=run_cases.FLOOR_PATH),
        Scenario("home page [case manager]", "case_manager", "page", base="/"),
        Scenario("home page [case supervisor]", "case_supervisor", "page", base="/"),
        Scenario("home page [child protection officer]", "child_protection_officer", "page", base="/"),
        Scenario("tasks page", "case_manager", "page", base="/cases/tasks/"),
        Scenario("tasks page due=overdue", "case_manager", "page", [{"due": "overdue"}], base="/cases/tasks/"),
        Scenario("tasks page scope=organization [case supervisor]", "case_supervisor", "page",
                 [{"scope": "organization"}], base="/cases/tasks/"),
        Scenario("tasks API", "case_manager", "list", base=api_tasks),
    ]  # fmt: skip
    for due in ("overdue", "today", "week", "done"):
        result.append(Scenario(f"tasks API due={due}", "case_manager", "list", [{"due": due}], base=api_tasks))
    result.append(
        Scenario("tasks API scope=organization [case supervisor]", "case_supervisor", "list",
                 [{"scope": "organization"}], base=api_tasks)
    )  # fmt: skip
    for label, values in terms.items():
        result.append(Scenario(f"case list API q=<{label}>", "case_manager", "list", [{"q": v} for v in values]))
    result += [
        Scenario("case list page q=<word>", "case_manager", "page", [{"q": v} for v in terms["word"]], base="/cases/"),
        Scenario("case list page q=<short case number>", "case_manager", "page",
                 [{"q": v} for v in terms["short case number"]], base="/cases/"),
        Scenario("person list page name=<word>", "case_manager", "page", [{"name": v} for v in terms["word"]],
                 base="/people/"),
        Scenario("person list page name=<prefix>", "case_manager", "page", [{"name": v} for v in terms["prefix"]],
                 base="/people/"),
        Scenario("person list API name=<word>", "case_manager", "list", [{"name": v} for v in terms["word"]],
                 base="/api/v1/persons/"),
    ]  # fmt: skip
    return result


def check_answer(scenario: Scenario, variant: dict[str, str], status: int, body: bytes) -> int:
    """A 200 with the page or the JSON list; an empty list is allowed (a search may find nothing) and counted."""
    if status != 200:
        raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: HTTP {status}: {body[:300]!r}")
    if scenario.kind == "page":
        if b"</html>" not in body or b'name="password"' in body:
            raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: not the page: {body[:300]!r}")
        return 1
    return len(json.loads(body).get("results", []))


# --- Quality of name search ------------------------------------------------------------------------------------
def search_quality(fixture: dict[str, Any], vendor: str) -> dict[str, Any]:
    """On a sample of the case manager's organization's persons: is the person found by each way of typing part of
    their name (recall), and how many persons (registry-wide, and among those the case manager may see) and cases
    does the search return (the candidates a caseworker must tell apart: a precision proxy). In-process, through
    the selectors the lists use (person_ids_by_name, person_search_by_name, case_search)."""
    from tipsom.accounts.models import User
    from tipsom.cases.selectors import case_list, case_search
    from tipsom.people.selectors import person_ids_by_name, person_search_by_name

    rng = random.Random(SEED)  # noqa: S311
    user = User.objects.get(pk=fixture["users"]["case_manager"]["id"])
    sample = fixture.get("sample_persons", [])[:RECALL_SAMPLE]
    ways = {
        "one word": lambda words: rng.choice(words),
        "first 3 letters of a word": lambda words: rng.choice(words)[:3],
        "first 5 letters of a word": lambda words: rng.choice(words)[:5],
        "two words, other order": lambda words: " ".join(reversed(words[:2])) if len(words) > 1 else words[0],
        "whole name": lambda words: " ".join(words),
    }
    result: dict[str, Any] = {"sample": len(sample), "ways": {}}
    for way, pick in ways.items():
        found = 0
        registry, visible, cases, took = [], [], [], []
        for pk, name in sample:
            words = _words(name) or name.split()
            query = pick(words)
            began = time.perf_counter()
            ids = set(person_ids_by_name(query).values_list("person_id", flat=True))
            took.append((time.perf_counter() - began) * 1000)
            found += pk in ids
            registry.append(len(ids))
            visible.append(person_search_by_name(user=user, query=query).count())
            cases.append(case_search(case_list(user=user), query).count())
        result["ways"][way] = {
            "recall": round(found / len(sample), 4) if sample else None,
            "found": found,
            "persons_registry_median": statistics.median(registry) if registry else None,
            "persons_registry_p95": run_cases.percentile(registry, 95) if registry else None,
            "persons_registry_max": max(registry, default=None),
            "persons_visible_median": statistics.median(visible) if visible else None,
            "persons_visible_p95": run_cases.percentile(visible, 95) if visible else None,
            "cases_visible_median": statistics.median(cases) if cases else None,
            "cases_visible_p95": run_cases.percentile(cases, 95) if cases else None,
            "id_query_ms_median": round(statistics.median(took), 2) if took else None,
        }
        print(f"search quality, {way}: {result['ways'][way]}", flush=True)
    return result


# --- The run --------------------------------------------------------------------------------------------------
def measure(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")
    os.environ["TIPSOM_BENCH_FLOOR"] = "1"
    import django

    django.setup()
    from django.db import connection

    run_cases.LIMITS.update({1: (20, 1.0), 20: (40, 1.0)} if args.quick else LIMITS)
    fixture = json.loads(args.fixture.read_text())
    if "case_supervisor" not in fixture["users"]:
        sys.exit("This fixture predates the issue 11 generator (no supervisor, tasks or name keys): generate again.")
    vendor = connection.vendor
    backend = "postgresql" if vendor == "postgresql" else "sqlite"
    quality = search_quality(fixture, vendor) if not args.no_quality else None
    connect = run_cases.raw_connector()
    plan = scenarios(fixture)
    if args.only:
        plan = [s for s in plan if s.kind == "floor" or any(word in s.name for word in args.only)]
    run_cases.bench_sessions(fixture, plan)
    sql = {s.name: run_cases.capture_sql(s, fixture) for s in plan}
    connection.close()
    results, plans = run_cases.measure_scenarios(
        backend=backend, plan=plan, fixture=fixture, sql=sql, connect=connect, vendor=vendor, args=args,
        concurrency=[c for c in CONCURRENCY if c in args.clients], check=check_answer, width=50,
    )  # fmt: skip
    run = {
        "backend": backend,
        "scale": fixture["scale"],
        "machine": run_cases.machine(),
        "server": {"command": "tipsom serve (gunicorn gthread)", "workers": args.workers, "threads": args.threads},
        "generation_seconds": fixture.get("seconds"),
        "rows": fixture.get("rows"),
        "terms": search_terms(fixture),
        "search_quality": quality,
        "measurements": results,
        "plans": plans,
        "sql": {name: statements[0] for name, statements in sql.items()},
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(run, indent=2, ensure_ascii=False))
    print(f"-> {args.out}")


def quality_table(quality: dict[str, Any] | None) -> list[str]:
    if not quality:
        return []
    lines = [
        "",
        f"Name search quality, {quality['sample']} persons of the case manager's organization (in-process, through "
        "the list selectors): recall = the person is among the results; candidates = persons with a matching name "
        "in the whole registry and among those the case manager may see, and the cases the case list returns.",
        "",
        "| typed | recall | persons, registry (median / p95 / max) | persons visible (median / p95) "
        "| cases visible (median / p95) | id query ms (median) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for way, q in quality["ways"].items():
        lines.append(
            f"| {way} | {q['recall']:.1%} ({q['found']}/{quality['sample']}) | {q['persons_registry_median']:g} / "
            f"{q['persons_registry_p95']:g} / {q['persons_registry_max']:g} | {q['persons_visible_median']:g} / "
            f"{q['persons_visible_p95']:g} | {q['cases_visible_median']:g} / {q['cases_visible_p95']:g} | "
            f"{q['id_query_ms_median']:.1f} |"
        )
    return lines


def main_table(sql: str) -> str:
    """The table of the statement's outermost FROM (not one of a sub-query's)."""
    depth = 0
    for index, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith("FROM ", index):
            match = re.match(r'FROM "?(\w+)', sql[index:])
            return match.group(1) if match else "a sub-query"
    return "?"


def plan_table(run: dict[str, Any]) -> list[str]:
    """Per scenario, its slowest statement by EXPLAIN ANALYZE (PostgreSQL; first variant, 1 run) and the statements'
    total: where the raw SQL time goes."""
    rows = []
    for name, plans in run.get("plans", {}).items():
        times = [float(m.group(1)) if (m := re.search(r"Execution Time: ([\d.]+) ms", p)) else 0.0 for p in plans]
        if not times or not any(times):
            continue
        worst = max(range(len(times)), key=times.__getitem__)
        table = main_table(run["sql"][name][worst])
        node = plans[worst].splitlines()[0].split("(cost=")[0].strip()
        rows.append(f"| {name} | {len(plans)} | {sum(times):.1f} | {worst + 1}: {table}, "
                    f"{times[worst]:.1f} ms | {node} |")  # fmt: skip
    if not rows:
        return []
    return [
        "",
        "EXPLAIN (ANALYZE, BUFFERS) of each statement of the first variant, once (bench/var/<backend>/home.json keeps "
        "the plans and the SQL):",
        "",
        "| scenario | statements | EXPLAIN total ms | slowest: number, table, ms | its top plan node |",
        "|---|---:|---:|---|---|",
        *rows,
    ]


def report(args: argparse.Namespace) -> None:
    runs = [json.loads(Path(p).read_text()) for p in args.runs if Path(p).exists()]
    runs.sort(key=lambda r: r["backend"] != "postgresql")
    data = [entry for run in runs for entry in run_cases.entries(run)]
    for run in runs:
        if run.get("search_quality"):
            data.append({"name": "name search quality", "backend": run["backend"], "scale": run["scale"],
                         "metric": "search_quality", "value": run["search_quality"]})  # fmt: skip
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# A caseworker's day: home pages, tasks and search (issue 11)",
        "",
        "Closed loop, no think time; raw SQL = the view's data queries replayed through the DB driver (the floor); "
        "the framework floor is an authenticated DRF view answering 50 rows. Load avg = the machine's 1-minute load "
        "average before and after the measurement (2 cores: above 2, other work competed for the CPU). See "
        'bench/README.md, "A caseworker\'s day".',
        "",
    ]
    for run in runs:
        m = run["machine"]
        lines += [
            f"## {run['backend']}, {run['scale']:,} cases",
            "",
            f"Run {run['finished_at']} on {m.get('cpus')} cores ({m.get('cpu', '?')}), {m.get('memory_gb', '?')} GB; "
            f"server: {run['server']['command']}, {run['server']['workers']} workers x {run['server']['threads']} "
            f"threads; generated in {run.get('generation_seconds')} s: "
            + ", ".join(f"{count:,} {name}" for name, count in (run.get("rows") or {}).items())
            + ".",
            "",
            *run_cases.measurement_table(run["measurements"]),
            *run_cases.ratio_table(run),
            *quality_table(run.get("search_quality")),
            *plan_table(run),
            "",
        ]
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
    m.add_argument("--only", nargs="*", help="run only the scenarios whose name holds one of these words")
    m.add_argument("--no-quality", action="store_true", help="skip the name search quality sample")
    m.add_argument("--quick", action="store_true", help="a few requests per measurement: checks the scenarios run")
    r = sub.add_parser("report", help="merge runs into the results JSON and markdown table")
    r.add_argument("runs", nargs="+")
    r.add_argument("--json", type=Path, default=Path("bench/results/home.json"))
    r.add_argument("--md", type=Path, default=Path("bench/results/home.md"))
    args = parser.parse_args()
    measure(args) if args.command == "measure" else report(args)


if __name__ == "__main__":
    main()
