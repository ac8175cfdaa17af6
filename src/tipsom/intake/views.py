"""Import screens under /intake/imports/ (namespace "intake"): the organization's imports, the upload, the column
mapping, an import's page with its progress (HTMX polls a small fragment while it runs), its row errors and the
download of the failed rows. Thin: tipsom.intake.jobs and services decide, selectors read."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.core.errors import ApplicationError
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.paging import numbered_page
from tipsom.core.permissions import require_permission, user_can
from tipsom.intake import files, jobs, selectors
from tipsom.intake.forms import MappingForm, UploadForm, value_lines
from tipsom.intake.models import ImportJob, ImportRow
from tipsom.intake.registers import mapping_problems, propose_mapping
from tipsom.intake.services import source_create, source_mapping_set

STEP_WORDS: dict[str, Any] = {
    "": _lazy("Waiting for the column mapping"),
    "waiting": _lazy("Waiting to start"),
    jobs.STEP_COUNTING: _lazy("Counting the rows"),
    jobs.STEP_CHECKING: _lazy("Checking the rows"),
    jobs.STEP_IMPORTING: _lazy("Importing the rows"),
    jobs.STEP_DONE: _lazy("Finished"),
}
COUNT_WORDS: dict[str, Any] = {
    ImportRow.Status.IMPORTED: _lazy("Imported"),
    ImportRow.Status.VALID: _lazy("Valid (would be imported)"),
    ImportRow.Status.FAILED: _lazy("With errors"),
    ImportRow.Status.SKIPPED: _lazy("Already imported (skipped)"),
}


def job_row(job: ImportJob) -> dict[str, Any]:
    counts = job.counts if isinstance(job.counts, dict) else {}
    active = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING) and bool(job.task_id)
    return {
        "job": job,
        "step": str(STEP_WORDS.get(job.step, job.step)),
        "percent": min(100, round(100 * job.done_rows / job.total_rows)) if job.total_rows else 0,
        "counts": [(str(label), counts.get(key, 0)) for key, label in COUNT_WORDS.items() if counts.get(key)],
        "active": active,
        "mapped": bool(job.task_id),
    }


@require_GET
def import_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", ImportJob)
    page = numbered_page(request, selectors.job_list(user=request.user, kind=ImportJob.Kind.REGISTER), per_page=20)
    rows = [job_row(job) for job in page.items]
    context = {
        "page": page,
        "rows": rows,
        "active": any(row["active"] for row in rows),
        "can_add": user_can(request.user, "add", ImportJob),
    }
    if request.htmx:
        return render(request, "intake/_imports.html", context)
    return render(request, "intake/imports.html", context)


class ImportUploadHandler(MemoryFileUploadHandler):
    """Keeps the upload in memory, never in a temporary file (it holds identifying data), and stops reading at
    TIPSOM_IMPORT_MAX_BYTES (a body sent without its length is not read whole either)."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0
        self.too_large = False

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        super().handle_raw_input(*args, **kwargs)
        self.activated = True  # in memory whatever the size: the size limit bounds it

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > files.max_bytes():
            self.too_large = True
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)


def streamed_upload(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An upload page whose file is read through ImportUploadHandler (stopped past TIPSOM_IMPORT_MAX_BYTES): the
    handler must be set before the CSRF check reads the body, so the check runs just after, inside. The view is
    called with the handler after the request."""
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest) -> HttpResponse:
        handler = ImportUploadHandler(request)
        request.upload_handlers = [handler]
        return protected(request, handler)

    return wrapper


@streamed_upload
@require_http_methods(["GET", "POST"])
def upload_view(request: AuthenticatedHttpRequest, handler: ImportUploadHandler) -> HttpResponse:
    require_permission(request.user, "add", ImportJob)
    sources = selectors.source_list(user=request.user, action="change").order_by("name")
    if request.method != "POST":
        form = UploadForm(sources=sources)
        return render(request, "intake/upload.html", {"form": form, "limit": files.max_bytes()})
    form = UploadForm(request.POST, request.FILES, sources=sources)
    if handler.too_large:
        form.is_valid()
        form.add_error("file", files.too_large_error().message)
        return render(request, "intake/upload.html", {"form": form, "limit": files.max_bytes()}, status=413)
    if not form.is_valid():
        return render(request, "intake/upload.html", {"form": form, "limit": files.max_bytes()}, status=400)
    data = form.cleaned_data
    upload = data["file"]
    try:
        source = data["source"] or source_create(
            actor=request.user, organization=request.user.organization, name=data["new_source"]
        )
        job = jobs.job_create(
            actor=request.user,
            organization=request.user.organization,
            kind=ImportJob.Kind.REGISTER,
            stream=upload.file,
            file_name=upload.name or "",
            source=source,
            mode=data["mode"],
            dry_run=data["dry_run"],
            sheet=data["sheet"].strip(),
        )
    except ApplicationError as error:
        if error.status_code == 404:
            raise
        if error.extra.get("fields") or error.extra.get("field"):
            form_add_application_error(form, error)
        else:
            form.add_error("file", error.message)  # the file could not be read: said next to it
        return render(request, "intake/upload.html", {"form": form, "limit": files.max_bytes()}, status=400)
    return redirect("intake:mapping", pk=job.pk)


def upload_size_limit() -> int:
    """What the upload page accepts in one request: the largest file, and room for the form around it."""
    return files.max_bytes() + 1024 * 1024


@require_http_methods(["GET", "POST"])
def mapping_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.access_job(request.user, pk, "change")
    if job.source is None or job.task_id:
        return redirect("intake:job", pk=job.pk)
    source = selectors.access_source(request.user, job.source_id, "change")
    table = jobs.job_table(job)
    saved = {field: heading for field, heading in (source.column_mapping or {}).items() if heading in table.headers}
    proposed = propose_mapping(table.headers)
    initial = saved or proposed
    form = MappingForm(
        request.POST or None,
        headers=table.headers,
        initial_mapping=initial,
        initial={"values": value_lines(source.value_mappings or {})},
    )
    context = {"job": job, "source": source, "form": form, "table": table, "proposed": not saved}
    if request.method != "POST":
        return render(request, "intake/mapping.html", context)
    if not form.is_valid():
        return render(request, "intake/mapping.html", context, status=400)
    mapping, values = form.mapping(), form.cleaned_data["values"]
    problems = mapping_problems(mapping, values, table.headers)
    if problems:
        for problem in problems:
            form.add_error(None, problem)
        return render(request, "intake/mapping.html", context, status=400)
    try:
        source_mapping_set(actor=request.user, source_id=source.pk, column_mapping=mapping, value_mappings=values)
        jobs.job_start(actor=request.user, job_id=job.pk)
    except ApplicationError as error:
        if error.status_code == 404:
            raise
        form_add_application_error(form, error)
        return render(request, "intake/mapping.html", context, status=error.status_code)
    return redirect("intake:job", pk=job.pk)


def _job_context(request: AuthenticatedHttpRequest, job: ImportJob) -> dict[str, Any]:
    failed = numbered_page(request, selectors.job_rows(job=job), per_page=50)
    errors = [
        {
            "row": line.row_number,
            "errors": [
                {"column": error.get("column") or _("the row"), "text": jobs.error_text(error)}
                for error in (line.errors or [])
            ],
        }
        for line in failed.items
    ]
    row = job_row(job)
    can_change = ImportJob.objects.restrict(request.user, "change").filter(pk=job.pk).exists()
    finished = job.status in (ImportJob.Status.DONE, ImportJob.Status.CANCELLED) or job.step == jobs.STEP_DONE
    return {
        **row,
        "failed_page": failed,
        "errors": errors,
        "has_failed": bool((job.counts or {}).get(ImportRow.Status.FAILED)),
        "can_run_for_real": can_change and job.dry_run and job.status == ImportJob.Status.DONE,
        "can_resume": can_change and bool(job.task_id) and not finished,
        "needs_mapping": can_change and not job.task_id,
        "dry_run_of": (job.counts or {}).get("dry_run_of"),
    }


@require_GET
def job_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.access_job(request.user, pk)
    return render(request, "intake/job.html", {"job": job, **_job_context(request, job)})


@require_GET
def job_progress_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the job page asks for every second while the import runs."""
    job = selectors.access_job(request.user, pk)
    return render(request, "intake/_progress.html", {"job": job, **_job_context(request, job)})


@require_GET
def failed_rows_view(request: AuthenticatedHttpRequest, pk: int) -> StreamingHttpResponse:
    job = selectors.access_job(request.user, pk)
    found = jobs.failed_rows_export(actor=request.user, job_id=job.pk, file_format=request.GET.get("format", "csv"))
    response = StreamingHttpResponse(found.chunks, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return response


@require_POST
def run_for_real_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.access_job(request.user, pk, "change")
    real = jobs.job_copy_for_real(actor=request.user, job_id=job.pk)
    messages.success(request, _("The import runs for real now."))
    return redirect("intake:job", pk=real.pk)


@require_POST
def resume_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = selectors.access_job(request.user, pk, "change")
    jobs.job_resume(actor=request.user, job_id=job.pk)
    messages.success(request, _("The import resumes: the rows it had done are not imported again."))
    return redirect("intake:job", pk=job.pk)
