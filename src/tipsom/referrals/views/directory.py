"""Service directory screens: search and detail for everyone who may see services; listing and editing a service
for its organization's staff and the country's NRM administrators; the quick free-places update (HTMX); pathways
and response times for the NRM administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.core.codes import code_label
from tipsom.core.errors import NotFound
from tipsom.core.forms import edit_view, submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import list_page
from tipsom.core.permissions import require_permission, user_can
from tipsom.organizations import geography
from tipsom.referrals.filters import ServiceFilterSet, language_choices
from tipsom.referrals.forms.directory import (
    CapacityForm,
    PathwayEditForm,
    PathwayForm,
    ResponseTimeForm,
    ServiceEditForm,
    ServiceForm,
)
from tipsom.referrals.models import Pathway, ResponseTime, Service, ServiceType, Urgency
from tipsom.referrals.selectors import directory as selectors
from tipsom.referrals.services import directory as services


def _country(request: AuthenticatedHttpRequest) -> str:
    organization = request.user.organization
    if organization is None:
        raise NotFound()
    return organization.country


def _coverage(service: Service) -> str:
    if not service.regions:
        return _("Nationwide")
    return ", ".join(geography.region_name(service.country, code) for code in service.regions)


def _languages(service: Service) -> str:
    names = dict(language_choices())
    return ", ".join(names.get(code, code) for code in service.languages)


def _row(service: Service) -> dict[str, Any]:
    return {"service": service, "coverage": _coverage(service), "languages": _languages(service)}


# --- Search and detail -----------------------------------------------------------------------------------------
@require_GET
def service_search_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Service)
    filterset = ServiceFilterSet(request.GET, queryset=selectors.service_list(user=request.user))
    valid = filterset.is_valid()
    queryset = filterset.qs if valid else Service.objects.none()
    listing = list_page(request, queryset, count=valid)  # newest first, with a count (core.listing)
    page = listing.page
    context = {
        "filter": filterset,
        "listing": listing,
        "page": page,
        "rows": [_row(service) for service in page.items],
        "can_add": user_can(request.user, "add", Service),
        "is_admin": user_can(request.user, "view", Pathway),
    }
    return render(request, "referrals/directory/search.html", context, status=200 if valid else 400)


def _capacity_form(service: Service, data: Any = None) -> CapacityForm:
    initial = {"available": service.capacity_available, "total": service.capacity_total, "version": service.version}
    return CapacityForm(data, initial=initial, prefix="capacity")


def _detail_context(
    request: AuthenticatedHttpRequest, service: Service, capacity_form: CapacityForm | None = None
) -> dict:
    can_change = selectors.service_allows(request.user, service, "change")
    return {
        **_row(service),
        "sexes": _sex_labels(service),
        "can_change": can_change,
        "capacity_form": capacity_form or (_capacity_form(service) if can_change else None),
    }


@require_GET
def service_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = selectors.access_service_by_id(request.user, pk)
    context = _detail_context(request, service)
    return render(request, "referrals/directory/detail.html", context)


def _sex_labels(service: Service) -> list[str]:
    return [str(code_label("prs_Gender", code)) for code in service.sexes]


# --- Listing and changing a service ----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def service_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", Service)
    country = _country(request)
    organizations = list(selectors.service_organization_choices(user=request.user))
    if not organizations:
        raise NotFound()
    chooses = len(organizations) > 1 or organizations[0].pk != request.user.organization_id
    form = ServiceForm(
        request.POST or None,
        country=country,
        organizations=organizations if chooses else None,
        initial={"serves_tip": True, "serves_som": True},
    )
    return edit_view(
        request,
        form=form,
        save=lambda data: services.service_create(
            actor=request.user,
            organization_id=data.get("organization", request.user.organization_id),
            **form.service_data(),
        ),
        template="referrals/directory/form.html",
        context={"service": None},
        success_message=_("The service was listed."),
        success_url=lambda service: reverse("directory:detail", args=[service.pk]),
    )


@require_http_methods(["GET", "POST"])
def service_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = selectors.access_service_by_id(request.user, pk, "change")
    form = ServiceEditForm(request.POST or None, country=service.country, initial=ServiceEditForm.initial_for(service))
    return edit_view(
        request,
        form=form,
        save=lambda data: services.service_update(
            actor=request.user, service_id=service.pk, version=data["version"], **form.service_data()
        ),
        template="referrals/directory/form.html",
        context={"service": service},
        success_message=_("The service was saved."),
        success_url=reverse("directory:detail", args=[service.pk]),
    )


@require_POST
def service_capacity_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The quick update of free places. With HTMX the block answers itself: refreshed, or with its errors (400,
    409 when someone changed the service meanwhile); without, a redirect or the page with the errors."""
    service = selectors.access_service_by_id(request.user, pk, "change")
    form = _capacity_form(service, request.POST)
    submission = submit_form(
        form,
        lambda data: services.service_capacity_set(
            actor=request.user,
            service_id=service.pk,
            available=data["available"],
            total=data["total"],
            version=data["version"],
        ),
    )
    if submission.result is not None:
        service = selectors.access_service_by_id(request.user, pk)
        if not request.htmx:
            messages.success(request, _("The free places were updated."))
            return redirect("directory:detail", pk=service.pk)
        context = {"service": service, "capacity_form": _capacity_form(service), "notice": _("Saved.")}
        return render(request, "referrals/directory/_capacity.html", context)
    context = {"service": service, "capacity_form": form, "stale": submission.status == 409}
    if request.htmx:
        return render(request, "referrals/directory/_capacity.html", context, status=submission.status)
    page = {**_detail_context(request, service, form), "stale": context["stale"]}
    return render(request, "referrals/directory/detail.html", page, status=submission.status)


# --- Pathways and response times (NRM administrators) ----------------------------------------------------------
@require_http_methods(["GET", "POST"])
def pathway_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Pathway)
    can_add = user_can(request.user, "add", Pathway)
    form = PathwayForm(request.POST or None) if can_add else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise NotFound()
        submission = submit_form(form, lambda data: services.pathway_create(actor=request.user, **form.service_data()))
        if submission.result is not None:
            messages.success(request, _("The pathway was added."))
            return redirect("directory:pathways")
        status = submission.status
    labels = dict(ServiceType.choices)
    pathways = [
        {"pathway": pathway, "services": [str(labels.get(code, code)) for code in pathway.service_types]}
        for pathway in selectors.pathway_list(user=request.user)
    ]
    context = {"pathways": pathways, "form": form, "can_change": user_can(request.user, "change", Pathway)}
    return render(request, "referrals/directory/pathways.html", context, status=status)


@require_http_methods(["GET", "POST"])
def pathway_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pathway = selectors.access_pathway_by_id(request.user, pk, "change")
    form = PathwayEditForm(request.POST or None, initial=PathwayEditForm.initial_for(pathway))
    return edit_view(
        request,
        form=form,
        save=lambda data: services.pathway_update(
            actor=request.user, pathway_id=pathway.pk, version=data["version"], **form.service_data()
        ),
        template="referrals/directory/pathway_form.html",
        context={"pathway": pathway},
        success_message=_("The pathway was saved."),
        success_url=reverse("directory:pathways"),
    )


@require_http_methods(["GET", "POST"])
def response_time_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", ResponseTime)
    country = _country(request)
    can_change = user_can(request.user, "change", ResponseTime)
    failed: ResponseTimeForm | None = None
    status = 200
    if request.method == "POST":
        if not can_change:
            raise NotFound()
        urgency = request.POST.get("urgency", "")
        form = ResponseTimeForm(request.POST, auto_id=f"id_{urgency if urgency in Urgency.values else 'x'}_%s")
        submission = submit_form(
            form,
            lambda data: services.response_time_set(
                actor=request.user, country=country, urgency=data["urgency"], hours=data["hours"]
            ),
        )
        if submission.result is not None:
            messages.success(request, _("The response time was saved."))
            return redirect("directory:response_times")
        failed, status = form, submission.status
    rows = []
    for row in selectors.response_time_table(user=request.user):
        row_form: ResponseTimeForm | None = None
        if can_change:
            submitted = failed is not None and failed.data.get("urgency") == row.urgency
            row_form = (
                failed
                if submitted
                else ResponseTimeForm(
                    initial={"urgency": row.urgency, "hours": row.hours}, auto_id=f"id_{row.urgency}_%s"
                )
            )
        rows.append({"row": row, "form": row_form})
    context = {"rows": rows, "country": geography.country_name(country), "errors": failed}
    return render(request, "referrals/directory/response_times.html", context, status=status)
