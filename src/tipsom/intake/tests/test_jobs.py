"""The import engine (tipsom.intake.jobs): files kept encrypted in chunks, nothing kept from a refused file, the
background task, resuming after an interruption, a run taken over, and done when 5: an import killed half-way
(kill -9 of `tipsom intake import`) and run again imports each row once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.core.context import action_context
from tipsom.core.errors import ApplicationError
from tipsom.intake import jobs
from tipsom.intake.models import ImportFileChunk, ImportJob, ImportRow
from tipsom.intake.tests.registers_data import importer, person_name, register_csv, register_source
from tipsom.people.models import PersonName

pytestmark = pytest.mark.django_db


def create(user: Any, data: bytes, **options: Any) -> ImportJob:
    with action_context(channel="command"):
        return jobs.job_create(
            actor=user,
            organization=user.organization,
            kind=ImportJob.Kind.REGISTER,
            stream=data,
            file_name=options.pop("file_name", "register.csv"),
            source=options.pop("source", None) or register_source(user),
            **options,
        )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"Nome;Sexo\n", "no_rows"),
        (b"%PDF-1.4 x", "unsupported_format"),
        (b"\0\1\2" * 99, "unsupported_format"),
    ],
)
def test_a_refused_file_keeps_nothing(organization, data, code):
    user = importer(organization)
    source = register_source(user)
    events = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as refused:
        create(user, data, source=source)
    assert refused.value.code == code
    assert not ImportJob.objects.exists() and not ImportFileChunk.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_file_over_the_limit_is_refused_while_it_streams(organization, settings):
    settings.TIPSOM_IMPORT_MAX_BYTES = 3 * jobs.CHUNK_BYTES
    user = importer(organization)
    with pytest.raises(ApplicationError) as refused:
        create(user, register_csv(60_000))
    assert refused.value.code == "file_too_large"
    assert not ImportFileChunk.objects.exists()


def test_the_file_is_kept_encrypted_in_chunks_and_read_back(organization):
    user = importer(organization)
    data = register_csv(30_000, encoding="cp1252")  # about 2.3 MB
    job = create(user, data)
    assert (job.file_format, job.encoding, job.file_size) == ("csv", "cp1252", len(data))
    chunks = list(ImportFileChunk.objects.filter(job=job).order_by("index").values_list("content", flat=True))
    assert len(chunks) == -(-len(data) // jobs.CHUNK_BYTES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM intake_importfilechunk WHERE job_id = %s", [job.pk])
        assert all(row[0].startswith("enc1:") for row in cursor.fetchall())
    table = jobs.job_table(job)
    numbers = [number for number, _row in table.rows()]
    assert numbers == list(range(2, 30_002))
    last = list(table.rows())[-1][1]
    assert last["Nome"] == person_name(29_999)


class Interrupted(BaseException):
    """What a killed process leaves: the run stops between two chunks, nothing is marked."""


def test_an_interrupted_run_resumes_and_imports_each_row_once(organization):
    user = importer(organization)
    job = create(user, register_csv(500, {7: "unknown_code"}))
    with action_context(channel="command"):
        job = jobs.job_start(actor=user, job_id=job.pk, background=False)

        def stop_after_two_chunks(current: ImportJob) -> None:
            if current.done_rows >= 100:
                raise Interrupted()

        with pytest.raises(Interrupted):
            jobs.job_run(job.pk, run_id=job.task_id, progress=stop_after_two_chunks, batch_rows=50)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.RUNNING and ImportRow.objects.filter(job=job).count() == 100
        old_run = job.task_id
        job = jobs.job_resume(actor=user, job_id=job.pk, background=False)
        # The run that had the job (were it still alive) stops: it no longer owns it.
        assert jobs.job_run(job.pk, run_id=old_run).task_id == job.task_id
        assert ImportRow.objects.filter(job=job).count() == 100
        job = jobs.job_run(job.pk, run_id=job.task_id, batch_rows=50)
    assert job.status == ImportJob.Status.DONE
    assert job.counts["imported"] == 499 and job.counts["failed"] == 1
    assert ImportRow.objects.filter(job=job).count() == 500
    assert Case.objects.filter(owner_organization=organization).count() == 499
    assert AuditEvent.objects.filter(action="intake.import_resume", object_id=str(job.pk)).count() == 1
    with pytest.raises(ApplicationError):
        jobs.job_resume(actor=user, job_id=job.pk)


def test_an_all_or_nothing_import_killed_while_importing_resumes(organization):
    user = importer(organization)
    job = create(user, register_csv(300), mode=ImportJob.Mode.ALL_OR_NOTHING)
    with action_context(channel="command"):
        job = jobs.job_start(actor=user, job_id=job.pk, background=False)

        def stop_while_importing(current: ImportJob) -> None:
            if current.step == jobs.STEP_IMPORTING and current.done_rows >= 100:
                raise Interrupted()

        with pytest.raises(Interrupted):
            jobs.job_run(job.pk, run_id=job.task_id, progress=stop_while_importing, batch_rows=50)
        assert Case.objects.count() == 100
        job = jobs.job_resume(actor=user, job_id=job.pk, background=False)
        job = jobs.job_run(job.pk, run_id=job.task_id, batch_rows=50)
    assert job.status == ImportJob.Status.DONE and job.counts["imported"] == 300
    assert Case.objects.count() == 300


@pytest.mark.django_db(transaction=True)
def test_the_background_task_runs_the_import(organization):
    user = importer(organization)
    job = create(user, register_csv(40))
    with action_context(channel="web"):
        job = jobs.job_start(actor=user, job_id=job.pk)
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.task_path == "tipsom.intake.tasks.run_import" and task.args_kwargs["args"] == [job.pk]
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.counts["imported"] == 40
    assert AuditEvent.objects.filter(action="case.create", channel="task").count() == 40


def test_a_user_who_lost_the_right_stops_the_run(organization):
    user = importer(organization)
    job = create(user, register_csv(10))
    with action_context(channel="command"):
        job = jobs.job_start(actor=user, job_id=job.pk, background=False)
        user.roles.clear()
        job = jobs.job_run(job.pk, run_id=job.task_id)
    assert job.status == ImportJob.Status.FAILED and not Case.objects.exists()


# --- Done when 5: a real kill -------------------------------------------------------------------------------------
def _database_for_a_process(tmp_path: Path) -> tuple[str, Path | None]:
    """A database URL another process can use with what this test wrote: the test database itself on PostgreSQL;
    on SQLite (in memory here) a copy in a file, copied back once the process is done."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}", None
    target = tmp_path / "import.sqlite3"
    copy = sqlite3.connect(target)
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{target}", target


def _count_rows(path: Path | None) -> int:
    if path is None:
        return ImportRow.objects.count()
    with sqlite3.connect(path, timeout=30) as db:
        return int(db.execute("SELECT count(*) FROM intake_importrow").fetchone()[0])


def _command(url: str, file: Path, user: Any) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TIPSOM_DATABASE_URL": url,
        "TIPSOM_KEYRING_FILE": str(settings.TIPSOM_KEYRING_FILE),
        "TIPSOM_KEYRING": "",
    }
    env.pop("TIPSOM_TESTING", None)
    arguments = ["intake", "import", str(file), "--user", user.username, "--source", "Abrigo register"]
    return subprocess.Popen(
        [sys.executable, "-m", "tipsom.cli", *arguments, "--batch-rows", "25"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_killing_the_import_half_way_and_running_it_again_imports_each_row_once(organization, tmp_path):
    user = importer(organization)
    register_source(user)
    total = 1500
    file = tmp_path / "register.csv"
    file.write_bytes(register_csv(total, {10: "future_date"}))
    url, copy = _database_for_a_process(tmp_path)
    first = _command(url, file, user)
    deadline = time.monotonic() + 240
    done = 0
    while time.monotonic() < deadline and first.poll() is None:
        done = _count_rows(copy)
        if done >= 100:
            break
        time.sleep(0.05)
    assert first.poll() is None, first.communicate()
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = _count_rows(copy)
    assert 0 < killed_at < total, killed_at
    second = _command(url, file, user)
    out, err = second.communicate(timeout=600)
    assert second.returncode == 0, (out, err)
    assert b"Resuming import" in out
    if copy is not None:
        with sqlite3.connect(copy) as source:
            source.backup(connection.connection)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE
    numbers = list(ImportRow.objects.filter(job=job).values_list("row_number", flat=True))
    assert len(numbers) == len(set(numbers)) == total
    assert job.counts["imported"] == total - 1 and job.counts["failed"] == 1
    assert Case.objects.count() == total - 1
    assert PersonName.objects.count() == total - 1  # no person twice
    cases = list(ImportRow.objects.filter(job=job, status="imported").values_list("case_id", flat=True))
    assert len(set(cases)) == total - 1
