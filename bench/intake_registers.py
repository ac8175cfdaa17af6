"""Importing a legacy register (issue 14, item 6, "Speed"): rows per second and peak memory of the import engine
(tipsom.intake.jobs with the register handler: each row checked by the case services' validation, cases written by
cases_bulk_import with encryption, blind indexes, match keys and an audit event per case), on PostgreSQL and SQLite,
for 10,000 and 100,000 rows, against the floor of a plain executemany of the same rows into a table of the same
columns (no validation, no encryption, no keys, no audit).

    python bench/intake_registers.py                        # both backends, 10,000 and 100,000 rows
    python bench/intake_registers.py --sizes 2000 --backends sqlite --out-dir bench/var/results   # a quick check

Each backend gets a fresh database (PostgreSQL "tipsom_bench_intake" on BENCH_PG_URL, dropped and created again;
SQLite bench/var/intake/tipsom.sqlite3), the bench keyring (bench/var/keyring.json) and `tipsom migrate`. Each
measurement runs in a child process of its own, so that its peak resident memory (ru_maxrss) is its own: the
generated register is written to a CSV file first (streamed), then imported as `tipsom intake import` does
(job_create from the file, job_start in the foreground, job_run; 200 rows a transaction). Memory flat in the file's
size means the same peak for 10,000 and 100,000 rows. Results: bench/results/intake_registers.json and .md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))

import run_cases  # noqa: E402  (machine(): the other benchmarks' description of the machine)

PG_DATABASE = "tipsom_bench_intake"
SIZES = (10_000, 100_000)
BAD_EVERY = 271  # about 0.4 % of the rows with an error (a code the register's mapping does not know)


# --- The child: one import ------------------------------------------------------------------------------------------
def write_register(path: Path, rows: int, offset: int) -> int:
    """A register of `rows` rows (the tests' generator: Portuguese headings, labels and codes, a value mapping), row
    after row to the file; returns how many rows have an error."""
    from tipsom.intake.tests.registers_data import HEADERS, register_rows

    bad = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for start in range(0, rows, 1000):
            marks = {i: "unknown_code" for i in range(min(1000, rows - start)) if (start + i) % BAD_EVERY == 7}
            bad += len(marks)
            for row in register_rows(min(1000, rows - start), marks):
                row[0] = f"{row[0]} {offset + start}"  # names differ from one 1,000 to the next
                writer.writerow(row)
    return bad


def measure_import(rows: int, workdir: Path) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection

    from tipsom.accounts.testing import make_user
    from tipsom.core.context import action_context
    from tipsom.intake import jobs
    from tipsom.intake.models import ImportJob
    from tipsom.intake.services import source_create
    from tipsom.intake.tests.registers_data import MAPPING
    from tipsom.organizations.testing import make_organization

    stamp = f"{rows}-{int(time.time())}"
    organization = make_organization("BR", name=f"Abrigo (bench {stamp})", code=f"bench-intake-{stamp}")
    user = make_user(organization, roles=("case_manager",), username=f"bench-intake-{stamp}")
    path = workdir / f"register-{rows}.csv"
    bad = write_register(path, rows, offset=int(time.time()))
    with action_context(channel="command"):
        source = source_create(
            actor=user,
            organization=organization,
            name="Bench register",
            column_mapping=MAPPING,
            value_mappings={"gender": {"F": "Feminine"}},
        )
        load_before = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        job = jobs.job_create(
            actor=user, organization=organization, kind=ImportJob.Kind.REGISTER, stream=path, file_name=path.name,
            source=source,
        )  # fmt: skip
        stored = time.perf_counter() - started
        job = jobs.job_start(actor=user, job_id=job.pk, background=False)
        job = jobs.job_run(job.pk, run_id=job.task_id)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    assert job.status == ImportJob.Status.DONE, job.error
    counts = job.counts
    assert counts["imported"] == rows - bad and counts["failed"] == bad, counts
    return {
        "backend": connection.vendor,
        "rows": rows,
        "file_bytes": path.stat().st_size,
        "imported": counts["imported"],
        "failed": counts["failed"],
        "seconds": round(seconds, 2),
        "store_seconds": round(stored, 2),
        "rows_per_s": round(rows / seconds, 1),
        "cpu_rows_per_s": round(rows / cpu_seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def measure_floor(rows: int, workdir: Path) -> dict[str, Any]:
    """The same rows read from the same file with csv and inserted as they are, 200 a transaction."""
    import django

    django.setup()
    from django.db import connection, transaction

    from tipsom.intake.tests.registers_data import HEADERS

    path = workdir / f"floor-{rows}.csv"
    write_register(path, rows, offset=0)
    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_intake_floor")
        key = "id bigserial primary key" if connection.vendor == "postgresql" else "id integer primary key"
        cursor.execute(f"CREATE TABLE bench_intake_floor ({key}, {columns})")
    names = ", ".join(f"c{i}" for i in range(len(HEADERS)))
    sql = f"INSERT INTO bench_intake_floor ({names}) VALUES ({', '.join(['%s'] * len(HEADERS))})"  # noqa: S608
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        batch: list[list[str]] = []
        for row in reader:
            batch.append(row)
            if len(batch) == 200:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(sql, batch)
                batch = []
        if batch:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, batch)
    seconds = time.perf_counter() - started
    return {
        "backend": connection.vendor,
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds, 1),
    }


# --- The parent: databases, children, report -------------------------------------------------------------------------
def prepare(backend: str, pg_url: str) -> dict[str, str]:
    var = ROOT / "bench" / "var"
    env = {
        **os.environ,
        "TIPSOM_KEYRING_FILE": str(var / "keyring.json"),
        "TIPSOM_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "tipsom.settings",
        "TIPSOM_VAR_DIR": str(var / "intake" / backend),
    }
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {PG_DATABASE}")
        env["TIPSOM_DATABASE_URL"] = f"{pg_url}/{PG_DATABASE}"
    else:
        path = var / "intake" / "tipsom.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["TIPSOM_DATABASE_URL"] = f"sqlite:///{path}"
    Path(env["TIPSOM_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    tipsom = str(ROOT / ".venv" / "bin" / "tipsom")
    subprocess.run([tipsom, "keys", "init"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    subprocess.run([tipsom, "migrate", "--noinput"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return env


def child(env: dict[str, str], what: str, rows: int) -> dict[str, Any]:
    workdir = Path(env["TIPSOM_VAR_DIR"])
    found = subprocess.run(  # noqa: S603 (this script, with our arguments)
        [sys.executable, __file__, "--child", what, "--rows", str(rows), "--workdir", str(workdir)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(found.stdout.strip().splitlines()[-1]))


def report(runs: list[dict[str, Any]], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {"machine": run_cases.machine(), "target_rows_per_s": 1000, "runs": runs}
    (out_dir / "intake_registers.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Importing a legacy register",
        "",
        "Rows per second of `tipsom intake import` (file stored encrypted, every row checked by the case services' "
        "validation, cases written with encryption, blind indexes, match keys and an audit event per case; 200 rows "
        "a transaction) against the floor (the same rows inserted as they are with executemany), and the import "
        "process's peak resident memory. Load avg = the machine's 1-minute load before and after (2 cores shared "
        "with other work). See bench/intake_registers.py.",
        "",
        "| backend | rows | rows/s | CPU rows/s | floor rows/s | peak RSS MB | imported | failed | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        m, floor = run["import"], run["floor"]
        lines.append(
            f"| {m['backend']} | {m['rows']:,} | {m['rows_per_s']:.0f} | {m['cpu_rows_per_s']:.0f} "
            f"| {floor['rows_per_s']:.0f} | {m['peak_rss_mb']} | {m['imported']:,} | {m['failed']:,} "
            f"| {m['load_average'][0]}–{m['load_average'][1]} |"
        )
    (out_dir / "intake_registers.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="postgresql sqlite")
    parser.add_argument("--sizes", default=" ".join(str(size) for size in SIZES))
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--child", choices=["import", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure = measure_import if args.child == "import" else measure_floor
        print(json.dumps(measure(args.rows, args.workdir)))
        return
    runs = []
    for backend in args.backends.split():
        env = prepare(backend, args.pg_url)
        for rows in (int(size) for size in args.sizes.split()):
            print(f"== {backend}: {rows:,} rows", flush=True)
            run = {"backend": backend, "rows": rows, "floor": child(env, "floor", rows)}
            run["import"] = child(env, "import", rows)
            print(json.dumps(run), flush=True)
            runs.append(run)
    report(runs, args.out_dir)


if __name__ == "__main__":
    main()
