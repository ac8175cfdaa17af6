"""Reads of the intake app's imports and register sources, narrowed to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tipsom.accounts.models import User
from tipsom.core.permissions import access_by_id
from tipsom.intake.models import ImportJob, ImportRow, RegisterSource


def job_list(*, user: User, kind: str | None = None) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.restrict(user, "view").select_related("source", "created_by")
    return jobs.filter(kind=kind) if kind else jobs


def access_job(user: User, job_id: Any, action: str = "view") -> ImportJob:
    return access_by_id(
        ImportJob,
        user,
        job_id,
        action,
        queryset=ImportJob.objects.select_related("source", "created_by", "owner_organization"),
    )


def job_rows(*, job: ImportJob, status: str = ImportRow.Status.FAILED) -> QuerySet[ImportRow]:
    """The lines of a job the caller fetched through access_job, in the file's order."""
    return ImportRow.objects.filter(job=job, status=status).order_by("row_number")


def source_list(*, user: User, action: str = "view") -> QuerySet[RegisterSource]:
    return RegisterSource.objects.restrict(user, action)


def access_source(user: User, source_id: Any, action: str = "view") -> RegisterSource:
    return access_by_id(RegisterSource, user, source_id, action)


def unfinished_job_of(*, organization_id: int, source_id: int | None, sha256: str, mode: str, dry_run: bool) -> Any:
    """The unfinished import of the same file, source and mode, if there is one (the command resumes it)."""
    return (
        ImportJob.objects.filter(
            owner_organization_id=organization_id,
            source_id=source_id,
            file_sha256=sha256,
            mode=mode,
            dry_run=dry_run,
            status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING, ImportJob.Status.FAILED],
        )
        .exclude(step="done")
        .order_by("-pk")
        .first()
    )
