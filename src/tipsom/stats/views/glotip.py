"""The GLOTIP screen: choose a year, see the questionnaire's tables as they will be published, download the long
format (CSV) or the workbook (XLSX). The screen and the files read the same protected figures (stats.glotip)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tipsom.core.errors import ApplicationError
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission
from tipsom.stats.exports import Scope, user_scope
from tipsom.stats.glotip import FIRST_YEAR, LAST_YEAR, glotip, glotip_export, glotip_tables
from tipsom.stats.models import VictimFact

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class GlotipForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), required=False, choices=[("", "—"), ("csv", "CSV"), ("xlsx", "XLSX")]
    )


def default_year(scope: Scope) -> int:
    """The latest year with a counted victim, else last year."""
    latest = scope.facts(VictimFact).filter(counted=True).order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year - 1


@require_GET
def glotip_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The year's tables; with `format`, the file (audited)."""
    require_permission(request.user, "export", VictimFact)  # NotFound for anyone else
    scope = user_scope(request.user)
    form = GlotipForm(request.GET or {"year": default_year(scope)})
    context: dict[str, object] = {"form": form, "tables": None}
    if not form.is_valid():
        return render(request, "stats/glotip.html", context, status=400)
    year, format = form.cleaned_data["year"], form.cleaned_data["format"]
    try:
        if format:
            return _download(scope, year, format)
        data = glotip(scope, year=year)
    except ApplicationError as error:
        form_add_application_error(form, error)
        return render(request, "stats/glotip.html", context, status=error.status_code)
    context.update({"tables": glotip_tables(data), "year": year, "masked": data.masked})
    return render(request, "stats/glotip.html", context)


def _download(scope: Scope, year: int, format: str) -> HttpResponse:
    with tempfile.TemporaryDirectory(prefix="glotip-") as folder:
        path = Path(folder) / f"glotip-{scope.country}-{year}.{format}"
        glotip_export(scope, year=year, format=format, output=path)
        response = HttpResponse(path.read_bytes(), content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{path.name}"'
    return response
