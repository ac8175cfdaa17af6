"""The background task of an import (django-tasks, run by `tipsom db_worker`, which `tipsom serve` starts): its body
is tipsom.intake.jobs.job_run, run as the task's own id, which job_start or job_resume made the job's owner."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from tipsom.core.context import action_context


@task(takes_context=True)
def run_import(context: Any, job_id: int) -> dict[str, Any]:
    from tipsom.intake.jobs import job_run

    with action_context(channel="task"):
        job = job_run(job_id, run_id=str(context.task_result.id))
    return {"job": job.pk, "status": job.status, "counts": job.counts}
