"""Audited writes per second under concurrent writers (issue 10): the lock-free append against the former design
(every audited write locked the one chain-head row until its transaction ended), on PostgreSQL and SQLite.

    python bench/run_audit.py                  # both backends, results in bench/results/audit.json and .md
    python bench/run_audit.py --seconds 2 --backends postgresql --out-dir bench/var/results   # a quick check

Each backend gets a fresh database (PostgreSQL "tipsom_bench_audit" on BENCH_PG_URL, dropped and created again;
SQLite bench/var/audit/tipsom.sqlite3), the bench keyring (bench/var/keyring.json) and `tipsom migrate`; then,
in a child process with that database, for each design and each number of writers (1, 4, 16): a closed loop
of writer threads (one database connection each, no think time) for --seconds, every iteration one
transaction with one `audit_record` (what a service adds to its own transaction), latency per transaction.

- "lock-free append" is today's `audit_record`: an INSERT, no lock; `audit_chain_link` chains the events
  afterwards (timed separately, as events chained per second).
- "head-row lock (former design)" reproduces the old one: `SELECT ... FOR UPDATE` of a one-row head table, the
  event written, the head row updated, all in the writer's transaction, so the lock is held until its commit.
  It is the floor the new design is compared with. SQLite has no FOR UPDATE (and one writer at a time anyway):
  there the head row is read and updated in the same IMMEDIATE transaction.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_cases  # noqa: E402  (percentile, Sample and machine(): the other benchmarks' statistics)

WRITERS = (1, 4, 16)
DESIGNS = ("lock-free append", "head-row lock (former design)")
PG_DATABASE = "tipsom_bench_audit"


# --- The child: one backend, every design and concurrency --------------------------------------------------------
def _old_design_write(number: int) -> None:
    import hashlib

    from django.db import connection, transaction

    from tipsom.audit.services import audit_record

    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT sequence, hash FROM bench_audit_head WHERE id = 1{lock}")  # noqa: S608
        sequence, previous = cursor.fetchone()
        event = audit_record(actor=None, action="bench.write", object_type="bench.item", object_id=number)
        link = hashlib.sha256((previous + event.hash).encode()).hexdigest()
        cursor.execute("UPDATE bench_audit_head SET sequence = %s, hash = %s WHERE id = 1", [sequence + 1, link])


def _new_design_write(number: int) -> None:
    from django.db import transaction

    from tipsom.audit.services import audit_record

    with transaction.atomic():
        audit_record(actor=None, action="bench.write", object_type="bench.item", object_id=number)


def closed_loop(writers: int, seconds: float, write: Callable[[int], None]) -> run_cases.Sample:
    """`writers` threads writing back to back for `seconds`; each closes its own connection at the end."""
    from django.db import connection

    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    counter = 0
    barrier = threading.Barrier(writers + 1)
    deadline = 0.0

    def run() -> None:
        nonlocal errors, counter
        try:
            connection.ensure_connection()
            barrier.wait()
            while time.perf_counter() < deadline:
                with lock:
                    counter += 1
                    number = counter
                began = time.perf_counter()
                try:
                    write(number)
                except Exception as exc:  # noqa: BLE001 (counted and shown, the run goes on)
                    with lock:
                        errors += 1
                        if errors <= 3:
                            print(f"    error: {exc!r}", flush=True)
                    continue
                took = (time.perf_counter() - began) * 1000
                with lock:
                    latencies.append(took)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(writers)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    deadline = start + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    return run_cases.Sample(latencies or [float("nan")], time.perf_counter() - start, errors)


def measure(seconds: float) -> dict[str, Any]:
    import django

    django.setup()
    from datetime import timedelta

    from django.db import connection

    from tipsom.audit.models import AuditEvent
    from tipsom.audit.services import audit_chain_link

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_audit_head")
        cursor.execute("CREATE TABLE bench_audit_head (id integer PRIMARY KEY, sequence bigint, hash varchar(64))")
        cursor.execute("INSERT INTO bench_audit_head VALUES (1, 0, %s)", ["0" * 64])
    connection.close()
    for write in (_new_design_write, _old_design_write):  # warm up both (plans, caches), not measured
        closed_loop(1, 0.5, write)
    measurements = []
    for writers in WRITERS:
        for design, write in zip(DESIGNS, (_new_design_write, _old_design_write), strict=True):
            load_before = round(os.getloadavg()[0], 2)
            sample = closed_loop(writers, seconds, write)
            summary = sample.summary()
            entry = {
                "design": design,
                "writers": writers,
                "writes_per_s": summary["throughput_rps"],
                "p50_ms": summary["p50_ms"],
                "p95_ms": summary["p95_ms"],
                "writes": summary["requests"],
                "errors": summary["errors"],
                "seconds": round(sample.elapsed_s, 2),
                "load_average": [load_before, round(os.getloadavg()[0], 2)],
            }
            measurements.append(entry)
            print(
                f"  {connection.vendor}, {design}, {writers} writers: {entry['writes_per_s']} writes/s, "
                f"p95 {entry['p95_ms']} ms, {entry['errors']} errors, load {entry['load_average']}",
                flush=True,
            )
    pending = AuditEvent.objects.filter(position__isnull=True).count()
    began = time.perf_counter()
    result = audit_chain_link(gap_wait=timedelta(0))
    took = time.perf_counter() - began
    from tipsom.audit.selectors import audit_chain_verify

    began = time.perf_counter()
    report = audit_chain_verify()
    verify_took = time.perf_counter() - began
    assert report.intact and report.pending == 0, report
    linker = {
        "events": pending,
        "linked": result.linked,
        "seconds": round(took, 3),
        "events_per_s": round(result.linked / took, 1) if took else None,
        "verify_seconds": round(verify_took, 3),
        "verify_events_per_s": round(report.checked / verify_took, 1) if verify_took else None,
    }
    print(f"  linker: {linker}", flush=True)
    return {
        "backend": connection.vendor,
        "seconds_per_measurement": seconds,
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": run_cases.machine(),
        "measurements": measurements,
        "linker": linker,
    }


# --- The parent: databases, children, report ---------------------------------------------------------------------
def prepare(backend: str, pg_url: str) -> dict[str, str]:
    var = ROOT / "bench" / "var"
    env = {
        **os.environ,
        "TIPSOM_KEYRING_FILE": str(var / "keyring.json"),
        "TIPSOM_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "tipsom.settings",
        "TIPSOM_VAR_DIR": str(var / "audit" / backend),
    }
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {PG_DATABASE}")
        env["TIPSOM_DATABASE_URL"] = f"{pg_url}/{PG_DATABASE}"
    else:
        path = var / "audit" / "tipsom.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["TIPSOM_DATABASE_URL"] = f"sqlite:///{path}"
    Path(env["TIPSOM_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    tipsom = str(ROOT / ".venv" / "bin" / "tipsom")
    subprocess.run([tipsom, "keys", "init"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    subprocess.run([tipsom, "migrate", "--noinput"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return env


def table(run: dict[str, Any]) -> list[str]:
    lines = [
        "| writers | design | writes/s | p50 ms | p95 ms | writes | errors | load avg before–after |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for m in run["measurements"]:
        lines.append(
            f"| {m['writers']} | {m['design']} | {m['writes_per_s']:.1f} | {m['p50_ms']:.2f} | {m['p95_ms']:.2f} "
            f"| {m['writes']} | {m['errors']} | {m['load_average'][0]}–{m['load_average'][1]} |"
        )
    return lines


def report(runs: list[dict[str, Any]], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    data = [
        {
            "name": f"audited write, {m['design']}, {m['writers']} writers",
            "backend": run["backend"],
            "design": m["design"],
            "writers": m["writers"],
            "metric": metric,
            "value": m[metric],
            "unit": unit,
            "load_average": m["load_average"],
        }
        for run in runs
        for m in run["measurements"]
        for metric, unit in (("writes_per_s", "writes/s"), ("p95_ms", "ms"), ("p50_ms", "ms"))
    ] + [
        {"name": "audit_chain_link", "backend": run["backend"], "metric": "events_per_s",
         "value": run["linker"]["events_per_s"], "unit": "events/s", "events": run["linker"]["events"]}
        for run in runs
    ]  # fmt: skip
    (out_dir / "audit.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Audited writes under concurrent writers",
        "",
        "Closed loop, no think time: each writer thread runs one transaction after another, each with one "
        '`audit_record`. "head-row lock" reproduces the former design (the chain head row locked with '
        "SELECT ... FOR UPDATE until the writer's commit) as the comparison. Load avg = the machine's 1-minute load "
        "average before and after the measurement (2 cores shared with other work: above 2, something else "
        'competed for the CPU). See bench/README.md, "Audit chain".',
        "",
    ]
    for run in runs:
        m = run["machine"]
        linker = run["linker"]
        lines += [
            f"## {run['backend']}",
            "",
            f"Run {run['finished_at']} on {m.get('cpus')} cores ({m.get('cpu', '?')}), {m.get('memory_gb', '?')} GB; "
            f"{run['seconds_per_measurement']} s per measurement.",
            "",
            *table(run),
            "",
            f"Then `audit_chain_link` chained the {linker['linked']:,} events written in {linker['seconds']} s "
            f"({linker['events_per_s']:,} events/s, one transaction), and `audit_chain_verify` checked them in "
            f"{linker['verify_seconds']} s ({linker['verify_events_per_s']:,} events/s).",
            "",
        ]
    (out_dir / "audit.md").write_text("\n".join(lines))
    print(f"-> {out_dir / 'audit.json'}, {out_dir / 'audit.md'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--seconds", type=float, default=4.0, help="per design and number of writers")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.seconds)))
        return
    runs = []
    for backend in args.backends.split(","):
        print(f"== {backend}", flush=True)
        env = prepare(backend, args.pg_url)
        child = subprocess.run(  # noqa: S603 (our own script)
            [sys.executable, __file__, "--child", "--seconds", str(args.seconds)],
            env=env, check=True, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        *progress, last = child.stdout.strip().splitlines()
        print("\n".join(progress), flush=True)
        runs.append(json.loads(last))
    report(runs, args.out_dir)


if __name__ == "__main__":
    main()
