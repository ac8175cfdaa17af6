"""Measure the helpline's queue and contact list (issue 14, "Speed") against a real server (gunicorn), beside their
floors in the same run.

    python bench/run_helpline.py measure --fixture bench/var/helpline/postgresql/fixture.json \
        --out bench/var/helpline/postgresql/run.json
    python bench/run_helpline.py report bench/var/helpline/*/run.json \
        --json bench/results/helpline.json --md bench/results/helpline.md

The method is run_cases.py's: `tipsom serve` (gunicorn), a closed loop of 1 and 20 clients with one keep-alive
connection each, the pages signed in with a session as a browser is (an operator of Brazil's national helpline,
whose role needs a second factor: the bench session carries a verified one), the page's SQL captured once through
Django's test client and replayed raw through the driver as the floor, EXPLAIN of the first variant, the gunicorn
workers' CPU per request from /proc, and the framework floor (/api/v1/bench/floor/) in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_cases  # noqa: E402  (bench/run_cases.py: closed loop, client, server, raw replay, report)
from run_cases import CONCURRENCY, Scenario  # noqa: E402

TARGET_MS = 100.0  # p95 of the queue and the contact list at 1,000,000 contacts (issue 14), with 1 client
LIMITS = {1: (150, 8.0), 20: (500, 12.0)}
QUEUE, LIST, API = "/helpline/", "/helpline/contacts/", "/api/v1/helpline/contacts/"


def queue_cursor(fixture: dict[str, Any]) -> str | None:
    """The queue's second page (?before=<rank>~<id> of the 50th open contact in the queue's order); None when the
    queue has a single page."""
    from tipsom.core.paging import PAGE_SIZE
    from tipsom.helpline.models import Contact

    row = (
        Contact.objects.filter(owner_organization_id=fixture["measured_organization"], status="open")
        .order_by("queue_rank", "pk")
        .values_list("queue_rank", "pk")[PAGE_SIZE - 1 : PAGE_SIZE]
    )
    if not row:
        return None
    rank, pk = row[0]
    return f"{rank}~{pk}"


def old_month(fixture: dict[str, Any]) -> dict[str, str]:
    """A month about a year and a half before the data was generated: every newer contact lies between it and the
    top of the list."""
    import datetime as dt

    generated = dt.datetime.fromisoformat(fixture["generated_at"]).date()
    start = (generated - dt.timedelta(days=540)).replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return {"date_from": start.isoformat(), "date_to": end.isoformat()}


def scenarios(fixture: dict[str, Any]) -> list[Scenario]:
    cursors = fixture["cursors"]
    month = old_month(fixture)
    page = "page"
    queue_next = queue_cursor(fixture)
    result = [
        Scenario("framework floor", "operator", "floor", base=run_cases.FLOOR_PATH),
        Scenario("queue page", "operator", page, base=QUEUE, target=True),
        Scenario("queue page, second page", "operator", page, [{"before": queue_next or ""}], base=QUEUE,
                 target=True),
        Scenario("queue page [supervisor]", "supervisor", page, base=QUEUE, target=True),
        Scenario("contact list page", "operator", page, base=LIST, target=True),
        Scenario("contact list page, 1,000 back", "operator", page, [{"before": cursors.get("1000", "")}], base=LIST,
                 target=True),
        Scenario("contact list page, 100,000 back", "operator", page, [{"before": cursors.get("100000", "")}],
                 base=LIST, target=True),
        Scenario("contact list page channel=whatsapp", "operator", page, [{"channel": "whatsapp"}], base=LIST,
                 target=True),
        Scenario("contact list page channel=letter (1 %)", "operator", page, [{"channel": "letter"}], base=LIST,
                 target=True),
        Scenario("contact list page status=open type=victim", "operator", page,
                 [{"status": "open", "contact_type": "victim"}], base=LIST, target=True),
        Scenario("contact list page, one month 18 months ago", "operator", page, [month], base=LIST, target=True),
        Scenario("contact list page channel=whatsapp, 10,000 back", "operator", page,
                 [{"channel": "whatsapp", "before": cursors.get("10000", "")}], base=LIST, target=True),
        Scenario("contact list API", "operator", "list", base=API),
        Scenario("queue API", "operator", "list", base=API + "queue/"),
    ]  # fmt: skip
    # A small database (a quick check) has no second queue page or no contact that far back: those are left out.
    return [s for s in result if all(value for variant in s.variants for value in variant.values())]


def check_answer(scenario: Scenario, variant: dict[str, str], status: int, body: bytes) -> int:
    """A 200 with the page (not the sign-in page) or a JSON list with rows."""
    if status != 200:
        raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: HTTP {status}: {body[:300]!r}")
    if scenario.kind == "page":
        if b"</html>" not in body or b'name="password"' in body:
            raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: not the page: {body[:300]!r}")
        return body.count(b"<tr")
    data = json.loads(body)
    if not data.get("results"):
        raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: no rows")
    return len(data["results"])


def raw_connector() -> Any:
    """run_cases.raw_connector, with Django's own SQL functions on a SQLite connection (the date filter's
    django_datetime_cast_date): the page's SQL replays as Django runs it."""
    connect = run_cases.raw_connector()

    def connect_with_functions() -> Any:
        db = connect()
        if db.__class__.__module__ == "sqlite3":
            from django.db.backends.sqlite3._functions import register  # type: ignore[import-untyped]

            register(db)
        return db

    return connect_with_functions


def commit() -> str:
    try:
        return subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def measure(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")
    os.environ["TIPSOM_BENCH_FLOOR"] = "1"
    import django

    django.setup()
    from django.db import connection

    run_cases.LIMITS.update({1: (20, 1.0), 20: (40, 1.0)} if args.quick else LIMITS)
    fixture = json.loads(args.fixture.read_text())
    vendor = connection.vendor
    backend = "postgresql" if vendor == "postgresql" else "sqlite"
    connect = raw_connector()
    plan = scenarios(fixture)
    if args.only:
        plan = [s for s in plan if s.kind == "floor" or any(word in s.name for word in args.only)]
    run_cases.bench_sessions(fixture, plan)
    sql = {s.name: run_cases.capture_sql(s, fixture) for s in plan}
    connection.close()
    load_before = os.getloadavg()
    results, plans = run_cases.measure_scenarios(
        backend=backend, plan=plan, fixture=fixture, sql=sql, connect=connect, vendor=vendor, args=args,
        concurrency=[c for c in CONCURRENCY if c in args.clients], check=check_answer, width=52,
    )  # fmt: skip
    for m in results:  # issue 14's target: p95 <= 100 ms for the queue and the list pages, 1 client, both backends
        scenario = next(s for s in plan if s.name == m["scenario"])
        m["target"] = TARGET_MS if scenario.target and m["clients"] == 1 else None
    run = {
        "backend": backend,
        "scale": fixture["scale"],
        "machine": run_cases.machine(),
        "server": {"command": "tipsom serve (gunicorn gthread)", "workers": args.workers, "threads": args.threads},
        "generation_seconds": fixture.get("seconds"),
        "rows": fixture.get("rows"),
        "distribution": fixture.get("distribution"),
        "measurements": results,
        "plans": plans,
        "sql": {name: statements[0] for name, statements in sql.items()},
        "load_average_at_start": [round(x, 2) for x in load_before],
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(run, indent=2, ensure_ascii=False))
    print(f"-> {args.out}")


def plan_lines(run: dict[str, Any]) -> list[str]:
    """The data statements of each page scenario with their plan's time (PostgreSQL) or its scans (SQLite): where
    a page's raw SQL goes. bench/var/helpline/<backend>/run.json keeps the plans whole."""
    import run_justice

    lines = ["", "Plans of the first variant's data statements (the session, user and grants excepted):", ""]
    for name, plans in run.get("plans", {}).items():
        parts = []
        for number, plan in enumerate(plans):
            statement = run["sql"][name][number]
            if run_justice.main_table(statement).startswith(("accounts_", "knox_", "django_", "otp_")):
                continue
            parts.append(f"`{run_justice.main_table(statement)}` {run_justice.plan_summary(plan)}")
        if parts:
            lines.append(f"- **{name}**: " + " · ".join(parts))
    return lines


def report(args: argparse.Namespace) -> None:
    runs = [json.loads(Path(p).read_text()) for p in args.runs if Path(p).exists()]
    runs.sort(key=lambda r: r["backend"] != "postgresql")
    data = [entry for run in runs for entry in run_cases.entries(run)]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Helpline benchmark (issue 14): the queue and the contact list",
        "",
        "The helpline's pages through gunicorn, signed in with a session as an operator of Brazil's national "
        "helpline, closed loop, no think time; raw SQL = every SELECT the page runs but the session's row, replayed "
        "through the DB driver (the floor); the framework floor is an authenticated DRF view answering 50 rows. "
        "Target: p95 ≤ 100 ms with 1 client. Load avg = the machine's 1-minute load average before and after the "
        "measurement (2 cores, shared with other work: above 2, it competed for the CPU). See bench/README.md, "
        '"Helpline (issue 14)".',
        "",
    ]
    for run in runs:
        m = run["machine"]
        lines += [
            f"## {run['backend']}, {run['scale']:,} contacts",
            "",
            f"Run {run['finished_at']} (code at {run.get('commit', '?')}) on {m.get('cpus')} cores "
            f"({m.get('cpu', '?')}), {m.get('memory_gb', '?')} GB; server: {run['server']['command']}, "
            f"{run['server']['workers']} workers x {run['server']['threads']} threads; generated in "
            f"{run.get('generation_seconds')} s: "
            + ", ".join(f"{count:,} {name}" for name, count in (run.get("rows") or {}).items())
            + ".",
            "",
            *run_cases.measurement_table(run["measurements"]),
            *run_cases.ratio_table(run),
            *plan_lines(run),
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
    m.add_argument("--port", type=int, default=8768)
    m.add_argument("--workers", type=int, default=4)
    m.add_argument("--threads", type=int, default=2)
    m.add_argument("--clients", type=int, nargs="*", default=list(CONCURRENCY), help="default: 1 20")
    m.add_argument("--only", nargs="*", help="run only the scenarios whose name holds one of these words")
    m.add_argument("--quick", action="store_true", help="a few requests per measurement: does it run?")
    r = sub.add_parser("report", help="merge runs into the results JSON and markdown table")
    r.add_argument("runs", nargs="+")
    r.add_argument("--json", type=Path, default=Path("bench/results/helpline.json"))
    r.add_argument("--md", type=Path, default=Path("bench/results/helpline.md"))
    args = parser.parse_args()
    measure(args) if args.command == "measure" else report(args)


if __name__ == "__main__":
    main()
