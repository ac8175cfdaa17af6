"""Deduplication jobs: each run of `tipsom match dedupe` with its progress (the step, how far it is) and its counts.
While a job runs, the list asks for itself again every 2 seconds (HTMX) and replaces itself."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.paging import numbered_page
from tipsom.core.permissions import require_permission
from tipsom.matching import selectors
from tipsom.matching.models import DedupeJob

# The job's steps (batch.dedupe reports them) in words; an unknown step is shown as it is.
STEP_WORDS: dict[str, Any] = {
    "reading": _lazy("Reading the registry"),
    "preparing": _lazy("Preparing the names"),
    "blocking": _lazy("Finding candidate pairs"),
    "training": _lazy("Estimating the weights"),
    "estimating": _lazy("Estimating the weights"),
    "predicting": _lazy("Scoring the pairs"),
    "scoring": _lazy("Scoring the pairs"),
    "clustering": _lazy("Grouping the pairs"),
    "storing": _lazy("Writing the review queue"),
    "done": _lazy("Finished"),
}
# The counts a job keeps, in words, in this order; others are not shown.
COUNT_WORDS: dict[str, Any] = {
    "persons": _lazy("Persons compared"),
    "pairs_new": _lazy("New pairs to review"),
    "pairs_updated": _lazy("Pairs scored again"),
    "pairs_decided_before": _lazy("Pairs decided before (left as they were)"),
    "clusters": _lazy("Groups of possible duplicates"),
}


def job_row(job: DedupeJob) -> dict[str, Any]:
    counts = job.counts if isinstance(job.counts, dict) else {}
    return {
        "job": job,
        "step": str(STEP_WORDS.get(job.step, job.step)),
        "percent": round(100 * job.done / job.total) if job.total else 0,
        "counts": [(str(label), counts[key]) for key, label in COUNT_WORDS.items() if key in counts],
        "running": job.status == DedupeJob.Status.RUNNING,
    }


@require_GET
def job_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", DedupeJob)
    page = numbered_page(request, selectors.job_list(user=request.user), per_page=20)
    rows = [job_row(job) for job in page.items]
    context = {
        "page": page,
        "rows": rows,
        "running": any(row["running"] for row in rows),
        "command": "tipsom match dedupe",
        "empty_text": _("No deduplication job has run yet."),
    }
    if request.htmx:
        return render(request, "matching/_jobs.html", context)
    return render(request, "matching/jobs.html", context)
