"""The donor report screen (/programme/report/): choose the country (one's own; any for the programme manager),
the period and a pillar, see the report's tables, download it as XLSX or PDF, or the IATI activity file. The screen
and the files read the same DonorReport (programme.reports.data)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.locale_names import country_name
from tipsom.core.permissions import require_permission
from tipsom.programme.models import Activity, Pillar
from tipsom.programme.reports.data import ReportParameters, donor_report, report_countries, report_parameters
from tipsom.programme.reports.exports import ReportFile, donor_report_export, iati_export

FORM_FIELDS = {"from": "start", "to": "end"}  # report_parameters names the dates as the command and the API do


class ReportForm(forms.Form):
    country = forms.ChoiceField(label=gettext_lazy("Country"))
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    pillar = forms.TypedChoiceField(label=gettext_lazy("Pillar"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, countries: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["country"]
        field.choices = [(code, f"{country_name(code)} ({code})") for code in countries]
        pillar: Any = self.fields["pillar"]
        pillar.choices = [("", gettext_lazy("All pillars")), *Pillar.choices]


def _defaults(countries: list[str]) -> dict[str, Any]:
    """Last year, the first country the user may report."""
    year = timezone.localdate().year - 1
    return {"country": countries[0], "start": datetime.date(year, 1, 1), "end": datetime.date(year, 12, 31)}


def _parameters(
    request: AuthenticatedHttpRequest,
) -> tuple[ReportForm, ReportParameters | None, ApplicationError | None]:
    require_permission(request.user, "export", Activity)  # NotFound for anyone else
    countries = report_countries(request.user)
    if not countries:
        raise NotFound()
    data = request.GET.copy() if request.GET else None
    form = ReportForm(data or _defaults(countries), countries=countries)
    if not form.is_valid():
        return form, None, None
    try:
        parameters = report_parameters(
            country=form.cleaned_data["country"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            pillar=form.cleaned_data["pillar"],
            countries=countries,
        )
    except ApplicationError as error:
        for name, message in error.extra.get("fields", {}).items():
            field = FORM_FIELDS.get(name, name)
            form.add_error(field if field in form.fields else None, message)
        return form, None, error
    return form, parameters, None


@require_GET
def report_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, parameters, error = _parameters(request)
    context: dict[str, Any] = {"form": form, "report": None}
    if parameters is None:
        return render(request, "programme/reports/report.html", context, status=400)
    context["report"] = donor_report(user=request.user, parameters=parameters)
    context["query"] = request.GET.urlencode() if request.GET else _query(parameters)
    return render(request, "programme/reports/report.html", context)


def _query(parameters: ReportParameters) -> str:
    from urllib.parse import urlencode

    values = {"country": parameters.country, "start": parameters.start, "end": parameters.end}
    if parameters.pillar:
        values["pillar"] = parameters.pillar
    return urlencode(values)


def _download(made: ReportFile) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.name}"'
    return response


def _file(request: AuthenticatedHttpRequest, format: str) -> HttpResponse:
    form, parameters, _error = _parameters(request)
    if parameters is None:
        return render(request, "programme/reports/report.html", {"form": form, "report": None}, status=400)
    made = donor_report_export(actor=request.user, reader=request.user, parameters=parameters, format=format)
    return _download(made)


@require_GET
def report_xlsx_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _file(request, "xlsx")


@require_GET
def report_pdf_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _file(request, "pdf")


@require_GET
def report_iati_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, parameters, _error = _parameters(request)
    if parameters is None:
        return render(request, "programme/reports/report.html", {"form": form, "report": None}, status=400)
    made, _iati = iati_export(
        actor=request.user,
        reader=request.user,
        countries=[parameters.country],
        start=parameters.start,
        end=parameters.end,
    )
    return _download(made)
