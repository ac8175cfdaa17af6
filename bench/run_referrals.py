"""Measure the referral inbox and the service directory against a real server (gunicorn), and the same queries raw
against the database (issue 5). The method, the load generator and the report are run_cases.py's.

    python bench/run_referrals.py measure --fixture bench/var/referrals/postgresql/fixture.json \
        --out bench/var/referrals/postgresql/run.json
    python bench/run_referrals.py report bench/var/referrals/*/run.json \
        --json bench/results/referrals.json --md bench/results/referrals.md

The SQL of each request is captured by calling the view the URL resolves to in-process (the user's grants
looked up first, as the request's overhead), then replayed through the plain DB driver as the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_cases  # noqa: E402  (bench/run_cases.py: closed loop, client, server, raw replay, report)
from run_cases import CONCURRENCY  # noqa: E402

TARGET_MS = 100.0  # p95 with 20 concurrent clients on PostgreSQL (issue 5, as issue 4)


@dataclass
class Scenario:
    name: str
    user: str  # key of fixture["users"]
    base: str  # the list's path
    variants: list[dict[str, str]] = field(default_factory=lambda: [{}])
    kind: str = "list"
    target: bool = True

    def path(self, variant: dict[str, str]) -> str:
        query = urllib.parse.urlencode(variant)
        return self.base + (f"?{query}" if query else "")


def scenarios(fixture: dict[str, Any]) -> list[Scenario]:
    inbox = "/api/v1/referrals/"
    received = {"box": "received"}
    opened = {"box": "received", "state": "open"}
    sizes = fixture["receivers"]
    result = [
        Scenario(f"inbox, small organization ({sizes['small']['received']} received)", "receiver_small", inbox,
                 [received]),
        Scenario(f"inbox, medium organization ({sizes['medium']['received']:,} received)", "receiver_medium", inbox,
                 [received]),
        Scenario(f"inbox, big organization ({sizes['big']['received']:,} received)", "receiver_big", inbox,
                 [received]),
        Scenario(f"inbox state=open, small organization ({sizes['small']['open']} open)", "receiver_small", inbox,
                 [opened]),
        Scenario(f"inbox state=open, big organization ({sizes['big']['open']:,} open)", "receiver_big", inbox,
                 [opened]),
    ]  # fmt: skip
    regions = fixture["regions"]
    directory = "/api/v1/services/"
    searches = [
        ("directory, all active services of the country", [{}]),
        ("directory need=shelter region=<state> free_places", [
            {"need": "shelter", "region": region, "free_places": "true"} for region in regions]),
        ("directory need=shelter region free_places sex=Feminine age=15", [
            {"need": "shelter", "region": region, "free_places": "true", "sex": "Feminine", "age": "15"}
            for region in regions]),
        ("directory need=psychosocial region=<state>", [{"need": "psychosocial", "region": region}
                                                         for region in regions]),
        ("directory need=legal_aid language=en", [{"need": "legal_aid", "language": "en"}]),
    ]  # fmt: skip
    result += [Scenario(name, "case_manager", directory, variants) for name, variants in searches]
    return result


def capture_sql(scenario: Scenario, fixture: dict[str, Any]) -> list[list[str]]:
    """Per variant, the SELECTs the view runs for its data, as executable text (run_cases.capture_sql's method,
    for whichever view the URL resolves to)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve
    from rest_framework.test import APIRequestFactory, force_authenticate

    from tipsom.accounts.models import User
    from tipsom.core.permissions import user_can
    from tipsom.referrals.models import Referral, Service

    factory = APIRequestFactory()
    statements = []
    for variant in scenario.variants:
        user = User.objects.select_related("organization").get(pk=fixture["users"][scenario.user]["id"])
        user_can(user, "view", Referral)  # the grants (cached on the user) are the request's overhead, not data
        user_can(user, "view", Service)
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
    if not data.get("results"):
        raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: no rows")
    return len(data["results"])


def measure(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")
    import django

    django.setup()
    from django.db import connection

    fixture = json.loads(args.fixture.read_text())
    vendor = connection.vendor
    backend = "postgresql" if vendor == "postgresql" else "sqlite"
    connect = run_cases.raw_connector()
    plan = scenarios(fixture)
    if args.only:
        plan = [s for s in plan if any(word in s.name for word in args.only)]
    sql = {s.name: capture_sql(s, fixture) for s in plan}
    connection.close()
    results, plans = run_cases.measure_scenarios(
        backend=backend, plan=plan, fixture=fixture, sql=sql, connect=connect, vendor=vendor, args=args,
        concurrency=[c for c in CONCURRENCY if c in args.clients], check=check_answer, width=62,
    )  # fmt: skip
    run = {
        "backend": backend,
        "scale": fixture["scale"],
        "machine": run_cases.machine(),
        "server": {"command": "tipsom serve (gunicorn gthread)", "workers": args.workers, "threads": args.threads},
        "generation_seconds": fixture.get("seconds"),
        "rows": fixture.get("rows"),
        "receivers": fixture.get("receivers"),
        "inbox_sizes": fixture.get("inbox_sizes"),
        "measurements": results,
        "plans": plans,
        "sql": {name: statements[0] for name, statements in sql.items()},
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(run, indent=2, ensure_ascii=False))
    print(f"-> {args.out}")


def report(args: argparse.Namespace) -> None:
    runs = [json.loads(Path(p).read_text()) for p in args.runs if Path(p).exists()]
    runs = [run for run in runs if args.scale is None or run["scale"] == args.scale]
    runs.sort(key=lambda r: r["backend"] != "postgresql")
    data = [entry for run in runs for entry in run_cases.entries(run)]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Referral inbox and service directory benchmark",
        "",
        "Closed loop, no think time; raw SQL = the view's data queries replayed through the DB driver (the floor). "
        "Load avg = the machine's 1-minute load average before and after the measurement (2 cores: above 2, "
        'other work competed for the CPU). See bench/README.md, "Referrals".',
        "",
    ]
    for run in runs:
        m = run["machine"]
        rows = run.get("rows") or {}
        lines += [
            f"## {run['backend']}, {run['scale']:,} referrals",
            "",
            f"Run {run['finished_at']} on {m.get('cpus')} cores ({m.get('cpu', '?')}), {m.get('memory_gb', '?')} GB; "
            f"server: {run['server']['command']}, {run['server']['workers']} workers x {run['server']['threads']} "
            f"threads; generated in {run.get('generation_seconds')} s: "
            + ", ".join(f"{count:,} {name}" for name, count in rows.items())
            + f". Inbox sizes: {run.get('inbox_sizes')}.",
            "",
            *run_cases.measurement_table(run["measurements"]),
        ]
        lines.append("")
    args.md.write_text("\n".join(lines))
    print(f"-> {args.json}, {args.md}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="measure one backend (TIPSOM_DATABASE_URL)")
    m.add_argument("--fixture", type=Path, required=True)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--port", type=int, default=8766)
    m.add_argument("--workers", type=int, default=4)
    m.add_argument("--threads", type=int, default=2)
    m.add_argument("--clients", type=int, nargs="*", default=list(CONCURRENCY), help="default: 1 20")
    m.add_argument("--only", nargs="*", help="run only the scenarios whose name holds one of these words")
    r = sub.add_parser("report", help="merge runs into the results JSON and markdown table")
    r.add_argument("runs", nargs="+")
    r.add_argument("--scale", type=int, help="only the runs at this scale")
    r.add_argument("--json", type=Path, default=Path("bench/results/referrals.json"))
    r.add_argument("--md", type=Path, default=Path("bench/results/referrals.md"))
    args = parser.parse_args()
    measure(args) if args.command == "measure" else report(args)


if __name__ == "__main__":
    main()
