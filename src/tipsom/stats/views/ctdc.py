"""Compare with CTDC (/stats/ctdc/): the country's victims beside an imported CTDC dataset (stats.selectors.comparison),
each table's CSV or XLSX download (audited), and, for those who may import, the upload of a CTDC-format CSV (the
same import as `tipsom import ctdc`: stats.ctdc.importer). Thin: the importer checks, imports and audits."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import user_can
from tipsom.stats.ctdc.importer import ctdc_import
from tipsom.stats.exports import Release, Scope, audit_release
from tipsom.stats.models import ExternalDataset
from tipsom.stats.selectors.comparison import ctdc_comparison_tables
from tipsom.stats.selectors.dashboard import dashboard_scope
from tipsom.stats.tables import table_csv, table_xlsx

TEMPLATE = "stats/ctdc.html"
UPLOAD_PATH = "/stats/ctdc/"
FORMATS = {
    "csv": ("text/csv; charset=utf-8", table_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", table_xlsx),
}


class CtdcUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CTDC-format CSV file"))
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("How the dataset is listed (default: the file's name)."),
    )


def _datasets(request: AuthenticatedHttpRequest, scope: Scope) -> Any:
    return ExternalDataset.objects.restrict(request.user, "view").filter(country=scope.country)


@require_http_methods(["GET", "POST"])
def ctdc_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = dashboard_scope(request.user)  # NotFound for anyone who may not see the national statistics
    may_import = user_can(request.user, "add", ExternalDataset)
    form = CtdcUploadForm(request.POST or None, request.FILES or None) if may_import else None
    if request.method == "POST":
        if form is None:
            raise NotFound()
        if form.is_valid():
            try:
                dataset, again = _import(request, scope, form)
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                _tell(request, dataset, again)
                return HttpResponseRedirect(f"{reverse('stats:ctdc')}?dataset={dataset.pk}")
        return _page(request, scope, form, status=400)
    return _page(request, scope, form)


def _import(request: AuthenticatedHttpRequest, scope: Scope, form: CtdcUploadForm) -> tuple[ExternalDataset, bool]:
    upload = form.cleaned_data["file"]
    started = timezone.now()
    with tempfile.TemporaryDirectory(prefix="tipsom-ctdc-") as folder:
        path = Path(folder) / "upload.csv"
        with path.open("wb") as stream:
            for chunk in upload.chunks():
                stream.write(chunk)
        dataset = ctdc_import(
            actor=request.user, country=scope.country, path=path, name=form.cleaned_data["name"] or upload.name
        )
    return dataset, dataset.imported_at < started


def _tell(request: AuthenticatedHttpRequest, dataset: ExternalDataset, again: bool) -> None:
    if again:
        messages.info(
            request,
            _("This file was imported already, as “%(name)s”: nothing was imported again.") % {"name": dataset.name},
        )
        return
    messages.success(
        request,
        _("%(imported)s of %(read)s rows imported; %(bad)s malformed rows skipped.")
        % {
            "imported": dataset.rows_imported,
            "read": dataset.rows_read,
            "bad": dataset.summary.get("malformed_rows", len(dataset.malformed)),
        },
    )


def _page(
    request: AuthenticatedHttpRequest, scope: Scope, form: CtdcUploadForm | None, status: int = 200
) -> HttpResponse:
    datasets = list(_datasets(request, scope).select_related("imported_by")[:50])
    chosen = _chosen(request, datasets)
    comparison = ctdc_comparison_tables(scope, chosen) if chosen is not None else None
    if comparison is not None and ("panel" in request.GET or "format" in request.GET):
        return _download(request, scope, comparison.tables, chosen)
    context = {
        "form": form,
        "datasets": datasets,
        "chosen": chosen,
        "comparison": comparison,
        "export_query": f"dataset={chosen.pk}" if chosen is not None else "",
    }
    return render(request, TEMPLATE, context, status=status)


def _chosen(request: AuthenticatedHttpRequest, datasets: list[ExternalDataset]) -> ExternalDataset | None:
    wanted = request.GET.get("dataset", "")
    if not wanted:
        return datasets[0] if datasets else None
    for dataset in datasets:
        if str(dataset.pk) == wanted:
            return dataset
    raise NotFound()


def _download(
    request: AuthenticatedHttpRequest, scope: Scope, tables: list[Any], dataset: ExternalDataset | None
) -> HttpResponse:
    key, file_format = request.GET.get("panel", ""), request.GET.get("format", "")
    table = next((table for table in tables if table.key == key), None)
    if table is None or file_format not in FORMATS:
        return HttpResponse(_("Choose one of the tables and the format csv or xlsx."), status=400)
    content_type, writer = FORMATS[file_format]
    audit_release(
        scope,
        Release(
            kind="panel",
            country=scope.country,
            records=len(table.all_rows()),
            fields=len(table.columns) + 1,
            parameters={"panel": key, "format": file_format, "dataset": dataset.pk if dataset else None},
        ),
    )
    response = HttpResponse(writer(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="tipsom-{key}.{file_format}"'
    return response
