"""Organization directory screens: list and detail for everyone who may see organizations; create and edit
for those who may add or change them."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.core.forms import edit_view
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.paging import numbered_page
from tipsom.core.permissions import require_permission, user_can
from tipsom.organizations import geography, selectors, services
from tipsom.organizations.filters import OrganizationFilterSet
from tipsom.organizations.forms import OrganizationEditForm, OrganizationForm
from tipsom.organizations.models import Organization, OrganizationFunction


@require_GET
def organization_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Organization)
    filterset = OrganizationFilterSet(request.GET, queryset=selectors.organization_list(user=request.user))
    valid = filterset.is_valid()
    queryset = filterset.qs if valid else filterset.queryset.none()
    page = numbered_page(request, queryset.order_by("country", "name", "pk"))
    rows = [_row(organization) for organization in page.items]
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "can_add": user_can(request.user, "add", Organization),
    }
    return render(request, "organizations/organization_list.html", context, status=200 if valid else 400)


def _row(organization: Organization) -> dict[str, Any]:
    return {
        "organization": organization,
        "country": geography.country_name(organization.country),
        "region": geography.region_name(organization.country, organization.region) if organization.region else "",
    }


def _function_labels(codes: list[str]) -> list[str]:
    labels = dict(OrganizationFunction.choices)
    return [str(labels.get(code, code)) for code in codes]


@require_GET
def organization_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = selectors.access_organization_by_id(request.user, pk)
    # The street address (a shelter's, say) is confidential: only those who may change the record see it.
    can_change = selectors.organization_list(user=request.user, action="change").filter(pk=organization.pk).exists()
    context = {
        **_row(organization),
        "functions": _function_labels(organization.functions),
        "can_change": can_change,
    }
    return render(request, "organizations/organization_detail.html", context)


@require_http_methods(["GET", "POST"])
def organization_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", Organization)
    form = OrganizationForm(
        request.POST or None,
        actor=request.user,
        action="add",
        initial={"country": request.GET.get("country", "")},
        region_url=request.path,
    )
    return edit_view(
        request,
        form=form,
        save=lambda data: services.organization_create(actor=request.user, **form.service_data()),
        template="organizations/organization_form.html",
        context={"organization": None},
        success_message=_("The organization was registered."),
        success_url=lambda organization: reverse("organizations:detail", args=[organization.pk]),
    )


@require_http_methods(["GET", "POST"])
def organization_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = selectors.access_organization_by_id(request.user, pk, "change")
    initial = OrganizationEditForm.initial_for(organization)
    if request.GET.get("country"):
        initial["country"] = request.GET["country"]
    form = OrganizationEditForm(
        request.POST or None, actor=request.user, action="change", initial=initial, region_url=request.path
    )
    return edit_view(
        request,
        form=form,
        save=lambda data: services.organization_update(
            actor=request.user, organization_id=organization.pk, version=data["version"], **form.service_data()
        ),
        template="organizations/organization_form.html",
        context={"organization": organization},
        success_message=_("The organization was saved."),
        success_url=reverse("organizations:detail", args=[organization.pk]),
    )
