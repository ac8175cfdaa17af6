"""The import engine: an import job from its file to its last row.

- `job_create` keeps the file encrypted in ImportFileChunk rows of CHUNK_BYTES each (base64 inside the encrypted
  text), computing its size and SHA-256 and detecting its format and encoding while it streams: nothing of the file
  is plaintext in the database, and memory does not grow with it. A file that cannot be read is refused there, and
  nothing is kept.
- `job_start` (and `job_resume`) enqueue the background task (django-tasks, tipsom.intake.tasks) and store its id
  in `task_id`: the run that owns the job. `job_run` is the task's body, also called in the foreground by
  `tipsom intake import`.
- `job_run` is resumable: a row with an ImportRow line is done. Rows go by chunks of `BATCH_ROWS`; one transaction
  writes a chunk's records, its ImportRow lines and the job's progress, after checking that this run still owns the
  job, so a run killed half-way loses at most its open chunk, and resuming imports each row once.
  - VALID_ONLY imports the valid rows of each chunk; the others are FAILED lines naming the column and the reason.
  - ALL_OR_NOTHING first checks every row (step "checking": only the failed rows are written, as FAILED lines);
    when any failed the job fails and nothing is imported; otherwise it imports in chunks as above (step
    "importing"), and resumes the same way.
  - A dry run checks every row and records what would become of it (VALID, FAILED, SKIPPED) and creates nothing.
  - A row whose fingerprint was imported before (by an earlier job of the same source, or earlier in this file) is
    SKIPPED.
- `failed_rows_export` writes the failed rows (their original columns, then "row" and "errors") as CSV or XLSX from
  the stored file and the ImportRow errors, formula cells escaped; each download is audited.

The row handler protocol and its registry live in tipsom.intake.handlers and are re-exported here: a kind of import
plugs in with `register_handler(kind, HandlerClass)`.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.core.crypto import keyring_pinned
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.core.spreadsheets import FORMULA_STARTS, escape_formula
from tipsom.intake import files
from tipsom.intake.handlers import (
    HANDLERS,
    RowError,
    RowHandler,
    RowHandlerBase,
    handler_for,
    open_value,
    register_handler,
    seal_value,
)
from tipsom.intake.models import ImportFileChunk, ImportJob, ImportRow, RegisterSource

__all__ = [
    "BATCH_ROWS",
    "CHUNK_BYTES",
    "HANDLERS",
    "ChunkReader",
    "FailedRowsFile",
    "RowError",
    "RowHandler",
    "RowHandlerBase",
    "error_text",
    "failed_rows_export",
    "handler_for",
    "job_copy_for_real",
    "job_create",
    "job_resume",
    "job_run",
    "job_start",
    "job_table",
    "open_value",
    "register_handler",
    "seal_value",
]

logger = logging.getLogger("tipsom.intake")

CHUNK_BYTES = 1024 * 1024
BATCH_ROWS = 200
STEP_COUNTING, STEP_CHECKING, STEP_IMPORTING, STEP_DONE = "counting", "checking", "importing", "done"
FINISHED = (ImportJob.Status.DONE, ImportJob.Status.CANCELLED)
Progress = Callable[[ImportJob], None]


class Superseded(Exception):
    """Another run took the job over (a resume): this one stops where it is."""


# --- The stored file ------------------------------------------------------------------------------------------
class ChunkReader(io.RawIOBase):
    """The stored file of a job, read back (seekable, as openpyxl needs) one decrypted chunk at a time: at most
    two chunks are in memory, and nothing is written to disk."""

    def __init__(self, job_id: int, size: int) -> None:
        super().__init__()
        self.job_id = job_id
        self.size = size
        self.position = 0
        self._cache: dict[int, bytes] = {}

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def _chunk(self, index: int) -> bytes:
        if index not in self._cache:
            content = (
                ImportFileChunk.objects.filter(job_id=self.job_id, index=index)
                .values_list("content", flat=True)
                .first()
            )
            if content is None:
                raise ApplicationError("file_missing", _("Part of the imported file is missing."))
            if len(self._cache) >= 2:
                self._cache.pop(next(iter(self._cache)))
            self._cache[index] = base64.b64decode(content)
        return self._cache[index]

    def readinto(self, buffer: Any) -> int:
        if self.position >= self.size:
            return 0
        index, offset = divmod(self.position, CHUNK_BYTES)
        data = self._chunk(index)[offset : offset + len(buffer)]
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def job_table(job: ImportJob) -> files.Table:
    """The job's stored file, opened as a table (its rows are read from the encrypted chunks as they go)."""
    reader = io.BufferedReader(ChunkReader(job.pk, job.file_size), buffer_size=256 * 1024)
    return files.open_table(
        reader,
        file_format=job.file_format,
        encoding=files.codec_of(job.encoding) if job.encoding else None,
        sheet=job_sheet(job) or None,
        limit=max(job.file_size, 1),
    )


def job_sheet(job: ImportJob) -> str:
    """The XLSX sheet the job reads ("" for the first), kept with its counts."""
    return str((job.counts or {}).get("sheet") or "")


def _store_file(job: ImportJob, stream: IO[bytes], limit: int) -> tuple[bytes, files.EncodingSniffer]:
    """Write the stream as encrypted chunks; (its first bytes, its encoding sniffer). Sets size and SHA-256."""
    digest = hashlib.sha256()
    sniffer = files.EncodingSniffer()
    head = b""
    size = index = 0
    while data := stream.read(CHUNK_BYTES):
        while len(data) < CHUNK_BYTES and (more := stream.read(CHUNK_BYTES - len(data))):
            data += more  # every chunk but the last holds exactly CHUNK_BYTES: ChunkReader seeks by it
        size += len(data)
        if size > limit:
            raise files.too_large_error(limit)
        if not head:
            head = data[: files.SNIFF_BYTES]
        digest.update(data)
        sniffer.feed(data)
        ImportFileChunk.objects.create(job=job, index=index, content=base64.b64encode(data).decode("ascii"))
        index += 1
    job.file_size = size
    job.file_sha256 = digest.hexdigest()
    return head, sniffer


# --- Permission -------------------------------------------------------------------------------------------------
def _authorize(actor: User | None, organization: Any, kind: str) -> None:
    """The user may import for the organization: imports, and what the kind's handler creates."""
    if actor is None:
        return
    require_permission(actor, "add", ImportJob)
    if not scope_allows_organization(actor, "add", ImportJob, organization):
        raise NotFound()
    authorize = getattr(handler_for(kind), "authorize", None)
    if authorize is not None:
        authorize(actor, organization)


def _access_job(actor: User | None, job_id: Any, action: str = "change") -> ImportJob:
    if actor is None:
        job = ImportJob.objects.filter(pk=job_id).select_related("owner_organization", "source").first()
        if job is None:
            raise NotFound()
        return job
    return access_by_id(
        ImportJob, actor, job_id, action, queryset=ImportJob.objects.select_related("owner_organization", "source")
    )


# --- Create, start, resume ---------------------------------------------------------------------------------------
def job_create(
    *,
    actor: User | None,
    organization: Any,
    kind: str,
    stream: IO[bytes] | bytes | str | Path,
    file_name: str,
    source: RegisterSource | None = None,
    mode: str = ImportJob.Mode.VALID_ONLY,
    dry_run: bool = False,
    sheet: str = "",
    created_by: User | None = None,
) -> ImportJob:
    """Keep an uploaded (or command-line) file as a new import job, not started. Refused, with nothing kept, when
    the file is not CSV/XLSX/JSON, is empty, has no data rows or is too large. `created_by` (for a command without
    a user: who will own the imported records) defaults to the actor."""
    if mode not in ImportJob.Mode.values:
        raise ApplicationError("invalid", _("Unknown mode."), {"field": "mode"})
    if kind not in HANDLERS:
        raise ApplicationError("invalid", _("Unknown kind of import."), {"field": "kind"})
    _authorize(actor, organization, kind)
    if source is not None and source.owner_organization_id != organization.pk:
        raise NotFound()
    opened = isinstance(stream, (str, Path))
    handle: IO[bytes]
    if isinstance(stream, (str, Path)):
        handle = open(stream, "rb")  # noqa: SIM115 (closed below)
    elif isinstance(stream, (bytes, bytearray)):
        handle = io.BytesIO(stream)
    else:
        handle = stream
    try:
        return _job_create(
            actor=actor,
            organization=organization,
            kind=kind,
            handle=handle,
            file_name=file_name,
            source=source,
            mode=mode,
            dry_run=dry_run,
            sheet=sheet,
            created_by=created_by or actor,
        )
    finally:
        if opened:
            handle.close()


@transaction.atomic
def _job_create(
    *,
    actor: User | None,
    organization: Any,
    kind: str,
    handle: IO[bytes],
    file_name: str,
    source: RegisterSource | None,
    mode: str,
    dry_run: bool,
    sheet: str,
    created_by: User | None,
) -> ImportJob:
    job = ImportJob.objects.create(
        owner_organization=organization,
        country=organization.country,
        kind=kind,
        source=source,
        file_name=str(file_name or "")[:255],
        file_format="",
        mode=mode,
        dry_run=dry_run,
        created_by=created_by,
        counts={"sheet": sheet} if sheet else {},
    )
    limit = files.max_bytes()
    head, sniffer = _store_file(job, handle, limit)
    if not head:
        raise files.empty_error()
    job.file_format = files.detect_format(head, str(file_name or ""))
    if job.file_format != files.XLSX:
        codec = sniffer.encoding
        job.encoding = {"utf-8-sig": "utf-8 (BOM)"}.get(codec, codec)
    table = job_table(job)  # refuses a damaged workbook, an unknown sheet, a file without data rows
    if table.format == files.XLSX and not sheet:
        job.counts = {**(job.counts or {}), "sheet": table.sheet}
    job.save()
    audit_record(
        actor=actor,
        action="intake.import_create",
        target=job,
        organization=organization,
        changes={
            "kind": kind,
            "source": source.pk if source else None,
            "format": job.file_format,
            "encoding": job.encoding,
            "size": job.file_size,
            "sha256": job.file_sha256,
            "mode": mode,
            "dry_run": dry_run,
        },
    )
    return job


@transaction.atomic
def job_start(*, actor: User | None, job_id: Any, background: bool = True) -> ImportJob:
    """Check that the job's file can be imported as it is mapped (ApplicationError naming the problem
    otherwise), then hand it to a background task (or, `background` False, to the caller: run `job_run` with the
    returned job's `task_id`)."""
    job = _access_job(actor, job_id)
    if job.status != ImportJob.Status.QUEUED or job.task_id:
        raise ApplicationError("already_started", _("This import has already started."), status=409)
    table = job_table(job)
    handler_for(job.kind).prepare(job, table.headers)
    run_id = _designate(job, background)
    audit_record(
        actor=actor,
        action="intake.import_start",
        target=job,
        organization=job.owner_organization_id,
        changes={"mode": job.mode, "dry_run": job.dry_run, "background": background, "run": run_id},
    )
    return job


def _designate(job: ImportJob, background: bool) -> str:
    """Make a new run the job's owner: an enqueued task (its result id), or a foreground run of the caller."""
    if background:
        from tipsom.intake.tasks import run_import

        result = run_import.enqueue(job.pk)
        run_id = str(result.id)
    else:
        run_id = f"command-{uuid.uuid4().hex}"
    job.task_id = run_id
    job.step = job.step or "waiting"
    job.save(update_fields=["task_id", "step"])
    return run_id


@transaction.atomic
def job_resume(*, actor: User | None, job_id: Any, background: bool = True) -> ImportJob:
    """Run an unfinished import again (its process was killed, the server restarted): the rows it had done stay
    done, the others are imported once. The run that had the job, if it still runs, stops at its next chunk."""
    job = _access_job(actor, job_id)
    if job.status in FINISHED:
        raise ApplicationError("finished", _("This import has finished: there is nothing to resume."), status=409)
    if job.status == ImportJob.Status.FAILED and job.step == STEP_DONE:
        raise ApplicationError(
            "finished", _("This import ended with rows in error: correct them and import them again."), status=409
        )
    ImportJob.objects.select_for_update().filter(pk=job.pk).first()
    job.status = ImportJob.Status.QUEUED if job.status == ImportJob.Status.FAILED else job.status
    job.error = ""
    job.save(update_fields=["status", "error"])
    run_id = _designate(job, background)
    audit_record(
        actor=actor,
        action="intake.import_resume",
        target=job,
        organization=job.owner_organization_id,
        changes={"done_rows": job.done_rows, "background": background, "run": run_id},
    )
    return job


@transaction.atomic
def job_copy_for_real(*, actor: User | None, job_id: Any, background: bool = True) -> ImportJob:
    """After a dry run: a new job importing the same file (copied, still encrypted) with the same source, mapping
    and mode, started at once."""
    dry = _access_job(actor, job_id)
    if not dry.dry_run or dry.status != ImportJob.Status.DONE:
        raise ApplicationError("not_a_dry_run", _("Only a finished dry run can be run for real."), status=409)
    _authorize(actor, dry.owner_organization, dry.kind)
    job = ImportJob.objects.create(
        owner_organization=dry.owner_organization,
        country=dry.country,
        kind=dry.kind,
        source=dry.source,
        file_name=dry.file_name,
        file_format=dry.file_format,
        encoding=dry.encoding,
        file_size=dry.file_size,
        file_sha256=dry.file_sha256,
        mode=dry.mode,
        dry_run=False,
        created_by=actor or dry.created_by,
        counts={"sheet": job_sheet(dry), "dry_run_of": dry.pk} if job_sheet(dry) else {"dry_run_of": dry.pk},
    )
    for chunk in ImportFileChunk.objects.filter(job=dry).order_by("index").iterator(chunk_size=4):
        ImportFileChunk.objects.create(job=job, index=chunk.index, content=chunk.content)
    audit_record(
        actor=actor,
        action="intake.import_create",
        target=job,
        organization=job.owner_organization_id,
        changes={"kind": job.kind, "dry_run_of": dry.pk, "size": job.file_size, "sha256": job.file_sha256},
    )
    handler_for(job.kind).prepare(job, job_table(job).headers)
    run_id = _designate(job, background)
    audit_record(
        actor=actor,
        action="intake.import_start",
        target=job,
        organization=job.owner_organization_id,
        changes={"mode": job.mode, "dry_run": False, "background": background, "run": run_id},
    )
    return job


# --- The run ---------------------------------------------------------------------------------------------------
@dataclass
class _Outcome:
    number: int
    status: str
    fingerprint: str = ""
    errors: list[RowError] | None = None
    cleaned: Any = None


def job_run(job_id: int, *, run_id: str, progress: Progress | None = None, batch_rows: int = BATCH_ROWS) -> ImportJob:
    """The background task's body (and `tipsom intake import`'s foreground run): import the job's rows that are not
    done yet, as `run_id`, which must be the run the job was last handed to (job_start, job_resume). Returns the job
    as it ended; a run another one took over returns without doing anything more."""
    job = _claim(job_id, run_id)
    if job is None:
        return ImportJob.objects.get(pk=job_id)
    actor = job.created_by
    language = (actor.preferred_language if actor else "") or translation.get_language()
    try:
        with translation.override(language):
            _run(job, run_id, actor, progress, batch_rows)
    except Superseded:
        logger.info("intake job %s: run %s was superseded", job.pk, run_id)
    except ApplicationError as error:
        _fail(job, run_id, error.message)
    except Exception as error:
        logger.exception("intake job %s failed", job.pk)
        _fail(job, run_id, _("The import stopped on an unexpected error (%(kind)s).") % {"kind": type(error).__name__})
        raise
    job.refresh_from_db()
    return job


@transaction.atomic
def _claim(job_id: int, run_id: str) -> ImportJob | None:
    job = (
        ImportJob.objects.select_for_update(of=("self",))  # PostgreSQL locks no nullable side of a join
        .select_related("owner_organization", "source", "created_by")
        .filter(pk=job_id)
        .first()
    )
    if job is None or job.task_id != run_id or job.status in FINISHED:
        return None
    if job.status == ImportJob.Status.FAILED and job.step == STEP_DONE:
        return None
    job.status = ImportJob.Status.RUNNING
    job.started_at = job.started_at or timezone.now()
    job.error = ""
    job.save(update_fields=["status", "started_at", "error"])
    return job


def _fail(job: ImportJob, run_id: str, message: str) -> None:
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk, task_id=run_id).update(
            status=ImportJob.Status.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        audit_record(
            actor=job.created_by,
            action="intake.import_fail",
            target=job,
            organization=job.owner_organization_id,
            changes={"done_rows": job.done_rows},
        )


def _run(job: ImportJob, run_id: str, actor: User | None, progress: Progress | None, batch_rows: int) -> None:
    if actor is not None:
        _authorize(actor, job.owner_organization, job.kind)  # the user may have lost the right since the upload
    table = job_table(job)
    handler = handler_for(job.kind)
    handler.prepare(job, table.headers)
    if not job.total_rows:
        _progress(job, run_id, step=STEP_COUNTING, done_rows=0)
        _progress(job, run_id, total_rows=table.count())
    if job.dry_run or job.mode == ImportJob.Mode.VALID_ONLY:
        step = STEP_CHECKING if job.dry_run else STEP_IMPORTING
        _pass(job, run_id, actor, table, handler, progress, batch_rows, step=step, write=not job.dry_run)
    else:
        if job.step != STEP_IMPORTING:
            _pass(job, run_id, actor, table, handler, progress, batch_rows, step=STEP_CHECKING, write=False)
            failed = ImportRow.objects.filter(job=job, status=ImportRow.Status.FAILED).count()
            if failed:
                _finish(job, run_id, failed=True)
                return
        _pass(job, run_id, actor, table, handler, progress, batch_rows, step=STEP_IMPORTING, write=True)
    _finish(job, run_id, failed=False)


def _progress(job: ImportJob, run_id: str, **fields: Any) -> None:
    """Set the job's progress fields, in the caller's transaction or its own, if this run still owns the job."""
    with transaction.atomic():
        if not ImportJob.objects.filter(pk=job.pk, task_id=run_id).update(**fields):
            raise Superseded()
    for name, value in fields.items():
        setattr(job, name, value)


def _counts(job: ImportJob) -> dict[str, int]:
    rows = ImportRow.objects.filter(job=job).values("status").annotate(n=Count("pk")).values_list("status", "n")
    found = dict(rows)
    return {status: int(found.get(status, 0)) for status in ImportRow.Status.values}


def _chunks(table: files.Table, size: int) -> Iterator[list[tuple[int, dict[str, str]]]]:
    rows = table.rows()
    while chunk := list(islice(rows, size)):
        yield chunk


def _pass(
    job: ImportJob,
    run_id: str,
    actor: User | None,
    table: files.Table,
    handler: RowHandler,
    progress: Progress | None,
    batch_rows: int,
    *,
    step: str,
    write: bool,
) -> None:
    """One pass over the file: check each row not done, and write (or record) a chunk at a time."""
    record_valid = job.dry_run  # a dry run records what would be created; the check before an import does not
    counts = {**(job.counts or {}), **_counts(job)}
    _progress(job, run_id, step=step, done_rows=0, counts=counts)
    done = 0
    for chunk in _chunks(table, batch_rows):
        numbers = [number for number, _row in chunk]
        present = set(
            ImportRow.objects.filter(job=job, row_number__gte=numbers[0], row_number__lte=numbers[-1]).values_list(
                "row_number", flat=True
            )
        )
        with keyring_pinned():  # a chunk's thousands of blind indexes and encryptions need not look at the file
            outcomes = _check(job, handler, [(n, row) for n, row in chunk if n not in present], write)
            done += len(chunk)
            _commit(job, run_id, actor, handler, outcomes, write=write, record_valid=record_valid, done=done)
        if progress is not None:
            progress(job)


def _check(job: ImportJob, handler: RowHandler, rows: list[tuple[int, dict[str, str]]], write: bool) -> list[_Outcome]:
    # A row given twice in the file: within the chunk `seen` finds it, in an earlier chunk the handler does (its
    # rows are committed), so memory does not grow with the file.
    seen: set[str] = set()
    fingerprints = {number: handler.fingerprint(job, row) for number, row in rows}
    many = getattr(handler, "already_imported_many", None)
    wanted = [fp for fp in fingerprints.values() if fp]
    before = set(many(job, wanted)) if many else {fp for fp in wanted if handler.already_imported(job, fp)}
    outcomes: list[_Outcome] = []
    for number, row in rows:
        fingerprint = fingerprints[number]
        if fingerprint and (fingerprint in before or fingerprint in seen):
            outcomes.append(_Outcome(number, ImportRow.Status.SKIPPED, fingerprint))
            continue
        cleaned, errors = handler.validate(job, row)
        if errors:
            outcomes.append(_Outcome(number, ImportRow.Status.FAILED, fingerprint, errors))
            continue
        if fingerprint:
            seen.add(fingerprint)
        status = ImportRow.Status.IMPORTED if write else ImportRow.Status.VALID
        outcomes.append(_Outcome(number, status, fingerprint, None, cleaned))
    return outcomes


def _commit(
    job: ImportJob,
    run_id: str,
    actor: User | None,
    handler: RowHandler,
    outcomes: list[_Outcome],
    *,
    write: bool,
    record_valid: bool,
    done: int,
) -> None:
    """One chunk in one transaction: its records, its ImportRow lines, the job's progress; or nothing."""
    with transaction.atomic():
        owner = ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("task_id", flat=True).first()
        if owner != run_id:
            raise Superseded()
        valid = [outcome for outcome in outcomes if outcome.status == ImportRow.Status.IMPORTED]
        results = _write(job, actor, handler, valid) if write and valid else {}
        lines = []
        for outcome in outcomes:
            if outcome.status == ImportRow.Status.VALID and not record_valid:
                continue
            if outcome.status == ImportRow.Status.SKIPPED and not (write or record_valid):
                continue
            result = results.get(outcome.number, {})
            if isinstance(result, ApplicationError):
                outcome.status = ImportRow.Status.FAILED
                outcome.errors = [{"column": "", "code": result.code, "message": result.message}]
                result = {}
            lines.append(
                ImportRow(
                    job_id=job.pk,
                    row_number=outcome.number,
                    status=outcome.status,
                    fingerprint=outcome.fingerprint,
                    errors=outcome.errors or [],
                    case=result.get("case"),
                    submission=result.get("submission"),
                )
            )
        try:
            ImportRow.objects.bulk_create(lines, batch_size=500)
        except IntegrityError as error:  # another run wrote these rows: it owns the job now
            raise Superseded() from error
        counts = {**(job.counts or {})}
        for line in lines:
            counts[line.status] = int(counts.get(line.status, 0)) + 1
        ImportJob.objects.filter(pk=job.pk).update(done_rows=done, counts=counts)
        job.done_rows, job.counts = done, counts


def _write(
    job: ImportJob, actor: User | None, handler: RowHandler, valid: list[_Outcome]
) -> dict[int, dict[str, Any] | ApplicationError]:
    """The records of a chunk's valid rows, through the handler: all at once, or, when the batch is refused, row
    by row (each in its own savepoint) to find the rows at fault."""
    many = getattr(handler, "write_many", None)
    if many is not None:
        try:
            with transaction.atomic():
                results = many(actor=actor, job=job, cleaned=[outcome.cleaned for outcome in valid])
            return {outcome.number: result for outcome, result in zip(valid, results, strict=True)}
        except ApplicationError:
            pass
    found: dict[int, dict[str, Any] | ApplicationError] = {}
    for outcome in valid:
        try:
            with transaction.atomic():
                found[outcome.number] = handler.write(actor=actor, job=job, cleaned=outcome.cleaned)
        except ApplicationError as error:
            found[outcome.number] = error
    return found


def _finish(job: ImportJob, run_id: str, *, failed: bool) -> None:
    with transaction.atomic():
        counts = {**(job.counts or {}), **_counts(job)}
        if failed:
            status = ImportJob.Status.FAILED
            error = _("Nothing was imported: %(count)d rows have errors. Correct them and import the file again.") % {
                "count": counts.get(ImportRow.Status.FAILED, 0)
            }
        else:
            status, error = ImportJob.Status.DONE, ""
        if not ImportJob.objects.filter(pk=job.pk, task_id=run_id).update(
            status=status, step=STEP_DONE, counts=counts, error=error, finished_at=timezone.now()
        ):
            raise Superseded()
        audit_record(
            actor=job.created_by,
            action="intake.import_done" if not failed else "intake.import_refused",
            target=job,
            organization=job.owner_organization_id,
            changes={k: v for k, v in counts.items() if k in ImportRow.Status.values} | {"dry_run": job.dry_run},
        )


# --- The failed rows ---------------------------------------------------------------------------------------------
def error_text(error: RowError | dict[str, Any]) -> str:
    """A row error in words, with the value it names (opened from its seal)."""
    value = open_value(str(error.get("value") or ""))
    message = str(error.get("message") or "")
    return f"“{value}”: {message}" if value else message


@dataclass(frozen=True)
class FailedRowsFile:
    name: str
    content_type: str
    chunks: Iterator[bytes]
    rows: int


def _failed_rows(job: ImportJob) -> Iterator[tuple[int, dict[str, str], list[dict[str, Any]]]]:
    """(row number, original row, errors) of each failed row, the file and the lines read side by side in order."""
    failed = (
        ImportRow.objects.filter(job=job, status=ImportRow.Status.FAILED)
        .order_by("row_number")
        .values_list("row_number", "errors")
        .iterator(chunk_size=2000)
    )
    current = next(failed, None)
    if current is None:
        return
    for number, row in job_table(job).rows():
        while current is not None and current[0] < number:
            current = next(failed, None)
        if current is None:
            return
        if current[0] == number:
            yield number, row, list(current[1] or [])


def failed_rows_export(*, actor: User | None, job_id: Any, file_format: str = files.CSV) -> FailedRowsFile:
    """The failed rows of a job as a file to correct and import again: the original columns, then "row" (its
    number in the imported file) and "errors" (each "column: reason"). Formula cells escaped. Audited."""
    job = _access_job(actor, job_id, "view")
    if file_format not in (files.CSV, files.XLSX):
        raise ApplicationError("invalid", _("Choose CSV or XLSX."), {"field": "format"})
    count = ImportRow.objects.filter(job=job, status=ImportRow.Status.FAILED).count()
    if not count:
        raise ApplicationError("no_failed_rows", _("No row of this import failed."), status=404)
    headers = job_table(job).headers
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="intake.failed_rows_export",
            target=job,
            organization=job.owner_organization_id,
            changes={"rows": count, "format": file_format},
        )
    extra = [_("row"), _("errors")]

    def lines() -> Iterator[list[str]]:
        yield [*headers, *extra]
        for number, row, errors in _failed_rows(job):
            reasons = "; ".join(f"{e.get('column') or _('row')}: {error_text(e)}" for e in errors)
            yield [*(row.get(h, "") for h in headers), str(number), reasons]

    name = f"import-{job.pk}-failed-rows.{file_format}"
    if file_format == files.CSV:
        return FailedRowsFile(name, "text/csv; charset=utf-8", _csv_bytes(lines()), count)
    return FailedRowsFile(
        name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        iter([_xlsx_bytes(lines())]),
        count,
    )


def _csv_bytes(lines: Iterator[list[str]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()  # Excel reads UTF-8 only with its mark
    for number, line in enumerate(lines):
        writer.writerow([escape_formula(cell) for cell in line])
        if number % 200 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx_bytes(lines: Iterator[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for line in lines:
        cells = []
        for value in line:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, never a formula, whatever it starts with
            if value.startswith(FORMULA_STARTS):
                cell.value = escape_formula(value)
                cell.quotePrefix = True  # shown as text, and kept as text when edited
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
