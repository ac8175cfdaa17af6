"""Importing field submissions (issue 14, item 5, "Speed"): 100,000 submissions of tipsom's field form, exported as
ODK Central exports them (CSV with group paths), imported on PostgreSQL and SQLite through the import engine and
the submissions' handler, as `tipsom intake import FILE` does: each a PENDING submission with its answers and draft
registration encrypted, its instance id's blind-index fingerprint, one audit event, one ImportRow. Target:
>= 1,000 rows/s, memory flat.

    python bench/intake_submissions.py                              # 10,000 then 100,000, both backends
    python bench/intake_submissions.py --scales 2000 --backends sqlite --out-dir bench/var/results   # a check

For each backend and scale: a fresh database (PostgreSQL "tipsom_bench_intake" on BENCH_PG_URL, dropped and made
again; SQLite bench/var/intake/<backend>/tipsom.sqlite3), the bench keyring and a form key under bench/var,
`tipsom migrate`; then one child process (so that its peak memory is the import's own) that publishes the form,
writes the export file (streamed to disk), and measures:
- "store": `jobs.job_create`, the file read and kept in encrypted chunks;
- "import": `jobs.job_run` in the foreground, every row checked by the ordinary validators and written;
- the floor: a bare bulk insert of the same number of rows (the instance id and the answers' JSON text, in clear,
  no audit) into a plain table through the driver, `executemany` in transactions of 1,000 rows;
- peak memory: the child's maximum resident set (getrusage) after the import, beside the one before it (the
  export file written, the form published): flat when 100,000 rows peak where 10,000 do.
TIPSOM_IMPORT_MAX_BYTES is raised for the run (the 100,000-row export is about 100 MB; the default limit is 50 MB).
Results: bench/results/intake_submissions.json and .md (never intake.json).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_cases  # noqa: E402  (machine(): the other benchmarks' description of the machine)

PG_DATABASE = "tipsom_bench_intake"
MAX_BYTES = 500 * 1024 * 1024
TARGET = 1000.0  # rows/s


# --- The child: one backend, one scale ---------------------------------------------------------------------------
def export_file(path: Path, form: Any, count: int, first: int = 0) -> int:
    """The ODK Central CSV export of `count` generated submissions (numbered from `first`: each number is its own
    instance id), written in blocks (never whole in memory)."""
    from tipsom.intake.submissions.testing import odk_csv, submission_answers

    block = 1000
    with path.open("wb") as handle:
        for start in range(first, first + count, block):
            rows = [submission_answers(form, number=n) for n in range(start, min(start + block, first + count))]
            data = odk_csv(rows, form=form)
            handle.write(data if start == first else data.split(b"\r\n", 1)[1])
    return path.stat().st_size


def floor(count: int, form: Any) -> float:
    """Rows per second of a bare bulk insert of the same rows (instance id, answers JSON, in clear)."""
    from django.db import connection

    from tipsom.intake.submissions.testing import submission_answers

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_intake_floor")
        cursor.execute("CREATE TABLE bench_intake_floor (instance_id varchar(100) PRIMARY KEY, answers text)")
    rows = ((a["instanceID"], json.dumps(a)) for a in (submission_answers(form, number=n) for n in range(count)))
    began = time.perf_counter()
    raw = connection.connection
    while True:
        batch = [next(rows, None) for _ in range(1000)]
        batch = [row for row in batch if row is not None]
        if not batch:
            break
        cursor = raw.cursor()
        placeholder = "%s" if connection.vendor == "postgresql" else "?"
        cursor.executemany(f"INSERT INTO bench_intake_floor VALUES ({placeholder}, {placeholder})", batch)  # noqa: S608
        cursor.close()
        raw.commit()
    return count / (time.perf_counter() - began)


def measure(count: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection

    from tipsom.accounts.testing import make_user
    from tipsom.core.context import action_context
    from tipsom.intake import jobs
    from tipsom.intake.models import ImportJob, Submission
    from tipsom.intake.submissions.services import field_form_publish
    from tipsom.organizations.testing import make_organization

    organization = make_organization("BR", name="Inspeção do Trabalho (bench)", region="BR-MT")
    user = make_user(organization, roles=("frontline_identifier",), username="bench.identifier")
    form = field_form_publish(actor=None, country="BR").form
    path = Path(os.environ["TIPSOM_VAR_DIR"]) / f"submissions-{count}.csv"
    size = export_file(path, form, count)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    load_before = round(os.getloadavg()[0], 2)
    with action_context(channel="command"):
        began = time.perf_counter()
        job = jobs.job_create(
            actor=user,
            organization=organization,
            kind=ImportJob.Kind.SUBMISSIONS,
            stream=path,
            file_name=path.name,
        )
        stored = time.perf_counter() - began
        job = jobs.job_start(actor=user, job_id=job.pk, background=False)
        began = time.perf_counter()
        job = jobs.job_run(job.pk, run_id=job.task_id)
        imported = time.perf_counter() - began
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.counts.get("imported") == count and Submission.objects.count() == count, job.counts
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    floor_rate = floor(count, form)
    return {
        "backend": connection.vendor,
        "scale": count,
        "file_bytes": size,
        "store_s": round(stored, 2),
        "import_s": round(imported, 2),
        "rows_per_s": round(count / imported, 1),
        "rows_per_s_with_store": round(count / (imported + stored), 1),
        "floor_rows_per_s": round(floor_rate, 1),
        "rss_before_import_mb": round(rss_before / 1024, 1),
        "rss_peak_mb": round(rss_peak / 1024, 1),
        "load_average": [load_before, round(os.getloadavg()[0], 2)],
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": run_cases.machine(),
    }


# --- The parent: databases, children, report ---------------------------------------------------------------------
def prepare(backend: str, pg_url: str) -> dict[str, str]:
    var = ROOT / "bench" / "var"
    env = {
        **os.environ,
        "TIPSOM_KEYRING_FILE": str(var / "keyring.json"),
        "TIPSOM_FORM_KEY_FILE": str(var / "form-key.json"),
        "TIPSOM_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "tipsom.settings",
        "TIPSOM_VAR_DIR": str(var / "intake" / backend),
        "TIPSOM_IMPORT_MAX_BYTES": str(MAX_BYTES),
    }
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as db:
            db.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {PG_DATABASE}")
        env["TIPSOM_DATABASE_URL"] = f"{pg_url}/{PG_DATABASE}"
    else:
        path = var / "intake" / backend / "tipsom.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["TIPSOM_DATABASE_URL"] = f"sqlite:///{path}"
    Path(env["TIPSOM_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    tipsom = str(ROOT / ".venv" / "bin" / "tipsom")
    subprocess.run([tipsom, "keys", "init"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    subprocess.run([tipsom, "migrate", "--noinput"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return env


def report(runs: list[dict[str, Any]], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    data = [
        {
            "name": f"import of {run['scale']:,} field submissions",
            "backend": run["backend"],
            "scale": run["scale"],
            "metric": metric,
            "value": run[metric],
            "unit": unit,
            "target": TARGET if metric == "rows_per_s" else None,
            "floor": run["floor_rows_per_s"] if metric == "rows_per_s" else None,
            "load_average": run["load_average"],
        }
        for run in runs
        for metric, unit in (
            ("rows_per_s", "rows/s"),
            ("rows_per_s_with_store", "rows/s"),
            ("floor_rows_per_s", "rows/s"),
            ("rss_peak_mb", "MB"),
            ("import_s", "s"),
            ("store_s", "s"),
        )
    ]
    (out_dir / "intake_submissions.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    machine = runs[0]["machine"] if runs else {}
    lines = [
        "# Importing field submissions",
        "",
        "An ODK Central CSV export of tipsom's field form imported through the import engine and the submissions' "
        "handler, as `tipsom intake import` does: each row checked by the ordinary validators and written as a "
        "PENDING submission (answers and draft encrypted, instance id fingerprinted, one audit event, one ImportRow). "
        "Store = the file kept in encrypted chunks; floor = a bare `executemany` insert of the same rows in clear. "
        f"Target: ≥ {TARGET:,.0f} rows/s, memory flat. See bench/README.md.",
        "",
        f"Machine: {machine.get('cpus')} cores ({machine.get('cpu', '?')}), {machine.get('memory_gb', '?')} GB.",
        "",
        "| backend | rows | file MB | store s | import s | rows/s | rows/s incl. store | floor rows/s "
        "| RSS before import MB | peak RSS MB | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run['backend']} | {run['scale']:,} | {run['file_bytes'] / 1e6:.1f} | {run['store_s']} "
            f"| {run['import_s']} | {run['rows_per_s']:,.0f} | {run['rows_per_s_with_store']:,.0f} "
            f"| {run['floor_rows_per_s']:,.0f} | {run['rss_before_import_mb']} | {run['rss_peak_mb']} "
            f"| {run['load_average'][0]}–{run['load_average'][1]} |"
        )
    (out_dir / "intake_submissions.md").write_text("\n".join(lines) + "\n")
    print(f"-> {out_dir / 'intake_submissions.json'}, {out_dir / 'intake_submissions.md'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--scales", default="10000,100000")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    runs = []
    for backend in args.backends.split(","):
        for scale in (int(value) for value in args.scales.split(",")):
            print(f"== {backend}, {scale:,} submissions", flush=True)
            env = prepare(backend, args.pg_url)
            child = subprocess.run(  # noqa: S603 (our own script)
                [sys.executable, __file__, "--child", str(scale)],
                env=env, check=True, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            *progress, last = child.stdout.strip().splitlines()
            if progress:
                print("\n".join(progress), flush=True)
            run = json.loads(last)
            print(
                f"  {run['rows_per_s']:,.0f} rows/s (floor {run['floor_rows_per_s']:,.0f}), "
                f"import {run['import_s']} s, store {run['store_s']} s, peak RSS {run['rss_peak_mb']} MB, "
                f"load {run['load_average']}",
                flush=True,
            )
            runs.append(run)
    report(runs, args.out_dir)


if __name__ == "__main__":
    main()
