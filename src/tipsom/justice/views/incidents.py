"""Smuggling incident screens: the list with its filters and totals, one incident, and the form to record or
change one with its breakdown of the migrants. Thin: selectors read, justice.services.incidents decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.core.errors import ApplicationError
from tipsom.core.filtering import filter_data, is_valid
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import SortColumn, list_page, several_organizations
from tipsom.core.permissions import require_permission, user_can
from tipsom.justice.forms.incidents import (
    IncidentEditForm,
    IncidentFilterSet,
    IncidentForm,
    breakdown_formset,
    filter_widgets,
)
from tipsom.justice.models import Aggravation, SmugglingIncident
from tipsom.justice.selectors import incidents as selectors
from tipsom.justice.services import incidents as services
from tipsom.organizations import geography

# occurred_on: never NULL, served by the scope's index with the date (country or organization, then the date).
SORTS = (SortColumn("occurred_on", "occurred_on", descending_first=True, label=_lazy("Date")),)
ROW_COLUMNS = (
    "reference",
    "occurred_on",
    "location_type",
    "incident_country",
    "place",
    "route",
    "migrants_total",
    "dead",
    "missing",
    "injured",
    "survivors",
    "owner_organization_id",
    "owner_organization__name",
)


def _order_text(sort: str) -> str:
    return {
        "-pk": _("Most recently recorded first."),
        "pk": _("First recorded first."),
        "-occurred_on": _("Most recent first."),
        "occurred_on": _("Oldest first."),
    }.get(sort, "")


@require_GET
def incident_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", SmugglingIncident)
    incidents = selectors.incident_list(user=request.user).select_related("owner_organization").only(*ROW_COLUMNS)
    filterset = IncidentFilterSet(filter_data(request.GET, IncidentFilterSet), queryset=incidents, request=request)
    filter_widgets(filterset.form)
    valid = is_valid(filterset)
    chosen = filterset.qs if valid else incidents.none()
    listing = list_page(request, chosen, SORTS, count=valid)
    locations = dict(SmugglingIncident._meta.get_field("location_type").flatchoices)
    rows = [
        {
            "incident": incident,
            "location": locations.get(incident.location_type, incident.location_type),
            "country": geography.country_name(incident.incident_country),
        }
        for incident in listing.page.items
    ]
    context = {
        "filter": filterset,
        "listing": listing,
        "page": listing.page,
        "order": _order_text(listing.sort),
        "rows": rows,
        "totals": selectors.incident_totals(chosen) if valid else None,
        "show_organization": several_organizations(listing.page.items),
        "can_add": user_can(request.user, "add", SmugglingIncident),
    }
    return render(request, "justice/incidents/list.html", context, status=200 if valid else 400)


@require_GET
def incident_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_detail(user=request.user, incident_id=pk)
    rows = list(incident.migrant_counts.all())
    context = {
        "incident": incident,
        "rows": [
            {
                "sex": row.get_sex_display(),
                "age_group": row.get_age_group_display(),
                "citizenship": geography.country_name(row.citizenship) if row.citizenship else "",
                "count": row.count,
            }
            for row in rows
        ],
        "breakdown": selectors.breakdown_totals(rows),
        "aggravations": [str(label) for label in _labels(incident)],
        "origin": [geography.country_name(code) for code in incident.origin_countries],
        "transit": [geography.country_name(code) for code in incident.transit_countries],
        "country": geography.country_name(incident.incident_country),
        "destination": geography.country_name(incident.destination_country) if incident.destination_country else "",
        "region": geography.region_name(incident.incident_country, incident.region) if incident.region else "",
        "can_change": SmugglingIncident.objects.restrict(request.user, "change").filter(pk=incident.pk).exists(),
    }
    return render(request, "justice/incidents/detail.html", context)


def _labels(incident: SmugglingIncident) -> list[Any]:
    return [Aggravation(code).label for code in incident.aggravating_circumstances if code in Aggravation.values]


@require_http_methods(["GET", "POST"])
def incident_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", SmugglingIncident)
    country = request.user.organization.country if request.user.organization else ""
    form = IncidentForm(request.POST or None, user=request.user, initial={"incident_country": country})
    formset = breakdown_formset(request.POST or None)
    return _form_page(
        request,
        form,
        formset,
        None,
        save=lambda data: services.incident_create(actor=request.user, **data),
        success=_("The smuggling incident was recorded."),
    )


@require_http_methods(["GET", "POST"])
def incident_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_detail(user=request.user, incident_id=pk, action="change")
    form = IncidentEditForm(
        request.POST or None, user=request.user, incident=incident, initial=IncidentForm.initial_for(incident)
    )
    formset = breakdown_formset(request.POST or None, incident)
    return _form_page(
        request,
        form,
        formset,
        incident,
        save=lambda data: services.incident_update(
            actor=request.user, incident_id=incident.pk, version=form.cleaned_data["version"], **data
        ),
        success=_("The smuggling incident was saved."),
    )


def _form_page(
    request: AuthenticatedHttpRequest,
    form: IncidentForm,
    formset: Any,
    incident: SmugglingIncident | None,
    *,
    save: Any,
    success: str,
) -> HttpResponse:
    """GET shows the form; POST hands the form and its groups to `save`; a refusal shows every error in the
    summary (and at its field or group) with the service's status, nothing saved."""
    status = 200
    if request.method == "POST":
        form_ok, rows_ok = form.is_valid(), formset.is_valid()
        if form_ok and rows_ok:
            filled = [(index, row) for index, row in enumerate(f.row() for f in formset.forms) if row is not None]
            data = {**form.service_data(), "migrants": [row for _index, row in filled]}
            try:
                saved = save(data)
            except ApplicationError as error:
                if error.code == "not_found":
                    raise
                _place_errors(form, formset, [index for index, _row in filled], error)
                status = error.status_code
            else:
                messages.success(request, success)
                return redirect(reverse("justice:incident", args=[saved.pk]))
        else:
            status = 400
            for index, row_form in enumerate(formset.forms):
                for name, errors in row_form.errors.items():
                    label = row_form.fields[name].label if name in row_form.fields else ""
                    for message in errors:
                        form.add_error(None, _group_message(index, label, message))
            for message in formset.non_form_errors():
                form.add_error(None, message)
    context = {"form": form, "formset": formset, "incident": incident, "stale": status == 409}
    return render(request, "justice/incidents/form.html", context, status=status)


def _group_message(index: int, label: Any, message: str) -> str:
    if label:
        return _("Group %(number)d, %(field)s: %(message)s") % {"number": index + 1, "field": label, "message": message}
    return _("Group %(number)d: %(message)s") % {"number": index + 1, "message": message}


def _place_errors(form: IncidentForm, formset: Any, row_forms: list[int], error: ApplicationError) -> None:
    """The service's field errors: the form's at their fields, a group's at its row (and in the summary), the
    breakdown's as a whole in the summary."""
    fields = dict(error.extra.get("fields") or {})
    for name in [name for name in fields if name == "migrants" or name.startswith("migrants.")]:
        message = str(fields.pop(name))
        parts = name.split(".")
        if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(row_forms):
            row_form = formset.forms[row_forms[int(parts[1])]]
            field = parts[2] if len(parts) > 2 and parts[2] in row_form.fields else None
            row_form.add_error(field, message)
            label = row_form.fields[field].label if field else ""
            form.add_error(None, _group_message(row_forms[int(parts[1])], label, message))
        else:
            form.add_error(None, message)
    form_add_application_error(form, ApplicationError(error.code, error.message, {"fields": fields}, status=400))
