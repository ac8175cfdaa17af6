"""The national statistics dashboard (/stats/): the filter form (GET, so a URL keeps the filters), every panel as a
chart beside its table, and each panel's download (`?<filters>&panel=<key>&format=csv|xlsx`, audited). The screen,
the downloads and the API show the same published tables (stats.selectors.dashboard, stats.tables)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tipsom.core.errors import ApplicationError
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.stats.exports import Release, audit_release
from tipsom.stats.selectors.dashboard import (
    PANELS,
    DashboardFilters,
    dashboard_scope,
    dashboard_tables,
    filter_form,
    panel_table,
)
from tipsom.stats.tables import PublishedTable, table_csv, table_xlsx

TEMPLATE = "stats/dashboard.html"
FORMATS = {
    "csv": ("text/csv; charset=utf-8", table_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", table_xlsx),
}


@require_GET
def dashboard_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = dashboard_scope(request.user)  # NotFound for anyone who may not see the national statistics
    form, filters = filter_form(scope, request.GET)
    context: dict[str, Any] = {"form": form, "filters": filters, "tables": [], "export_query": ""}
    if filters is None:
        return render(request, TEMPLATE, context, status=400)
    if "panel" in request.GET or "format" in request.GET:
        try:
            return _download(request, filters)
        except ApplicationError as error:
            if error.status_code == 404:
                raise
            form_add_application_error(form, error)
            return render(request, TEMPLATE, context, status=error.status_code)
    context["tables"] = dashboard_tables(scope, filters)
    context["export_query"] = urlencode(filters.query())
    return render(request, TEMPLATE, context)


def _download(request: AuthenticatedHttpRequest, filters: DashboardFilters) -> HttpResponse:
    """One panel as a CSV or XLSX file, audited (kind "panel", with the panel, format and filters)."""
    key, file_format = request.GET.get("panel", ""), request.GET.get("format", "")
    if key not in PANELS:
        raise ApplicationError("invalid", _("There is no such panel."), {"field": "panel"})
    if file_format not in FORMATS:
        raise ApplicationError("invalid", _("Choose the format csv or xlsx."), {"field": "format"})
    scope = dashboard_scope(request.user)
    table = panel_table(scope, filters, key)
    content_type, writer = FORMATS[file_format]
    content = writer(table)
    release = Release(
        kind="panel",
        country=scope.country,
        records=len(table.all_rows()),
        fields=len(table.columns) + 1,
        parameters={"panel": key, "format": file_format, **filters.query()},
    )
    audit_release(scope, release)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{download_name(table, filters, file_format)}"'
    return response


def download_name(table: PublishedTable, filters: DashboardFilters, file_format: str) -> str:
    return f"tipsom-{table.key}-{filters.year_from}-{filters.year_to}.{file_format}"
