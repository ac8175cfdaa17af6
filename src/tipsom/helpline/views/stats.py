"""Helpline statistics: the period (and, for a national viewer, one helpline), the tables and charts, and the CSV
file of the same table (audited). Every count is withheld as helpline.selectors_stats says, on the screen and in
the file alike."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tipsom.accounts.models import User
from tipsom.core.errors import ApplicationError
from tipsom.core.forms import form_add_application_error, form_choice_field
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.spreadsheets import escape_formula
from tipsom.helpline.selectors_stats import (
    MAX_DAYS,
    StatsFilters,
    helpline_stats,
    stats_organizations,
    stats_scope,
)
from tipsom.helpline.services.stats import helpline_stats_export

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HelplineStatsForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=gettext_lazy("Until"), required=False, widget=DATE_INPUT)
    organization = forms.TypedChoiceField(label=gettext_lazy("Helpline"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        helplines = stats_organizations(user)
        if helplines:
            form_choice_field(self, "organization").choices = [("", _("Every helpline")), *helplines]
        else:
            del self.fields["organization"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period cannot come before its start."))
        elif start and end and (end - start).days > MAX_DAYS:
            self.add_error("date_from", _("Choose a period of three years at most."))
        return data

    def filters(self) -> StatsFilters:
        """The valid form as the selector's filters; a missing date falls back to the default period."""
        default = StatsFilters.default()
        data = self.cleaned_data
        date_to = data.get("date_to") or default.date_to
        return StatsFilters(
            date_from=data.get("date_from") or min(default.date_from, date_to),
            date_to=date_to,
            organization_id=data.get("organization"),
        )


def _form(request: AuthenticatedHttpRequest) -> tuple[HelplineStatsForm, StatsFilters | None]:
    stats_scope(request.user)  # NotFound for anyone who sees no helpline statistics
    if not request.GET:
        filters = StatsFilters.default()
        initial = {"date_from": filters.date_from, "date_to": filters.date_to}
        return HelplineStatsForm(initial=initial, user=request.user), filters
    form = HelplineStatsForm(request.GET, user=request.user)
    return form, form.filters() if form.is_valid() else None


@require_GET
def stats_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _form(request)
    if filters is None:
        return render(request, "helpline/stats/stats.html", {"form": form, "stats": None}, status=400)
    try:
        stats = helpline_stats(user=request.user, filters=filters)
    except ApplicationError as error:
        if error.status_code == 404:
            raise
        form_add_application_error(form, error)
        return render(request, "helpline/stats/stats.html", {"form": form, "stats": None}, status=error.status_code)
    context = {
        "form": form,
        "stats": stats,
        "charts": stats.chart_data(),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "helpline/stats/stats.html", context)


@require_GET
def stats_export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The statistics' table as a CSV file (UTF-8 with its mark, for spreadsheets), withheld counts as "<5" or "..";
    the export is audited with its period and scope."""
    form, filters = _form(request)
    if filters is None:
        return render(request, "helpline/stats/stats.html", {"form": form, "stats": None}, status=400)
    try:
        rows = helpline_stats_export(actor=request.user, filters=filters)
    except ApplicationError as error:
        if error.status_code == 404:
            raise
        form_add_application_error(form, error)
        return render(request, "helpline/stats/stats.html", {"form": form, "stats": None}, status=error.status_code)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([escape_formula(str(value)) for value in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"helpline-statistics-{filters.date_from}-{filters.date_to}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
