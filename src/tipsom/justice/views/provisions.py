"""Legal provision screens (the laws of the user's country: list with filters, add, edit, deactivate) and the
justice statistics screen (a year's GLOTIP counts). Thin: selectors read, justice.services.provisions decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.core.errors import ApplicationError
from tipsom.core.forms import edit_view
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.paging import numbered_page
from tipsom.core.permissions import require_permission, user_can
from tipsom.justice.forms.provisions import ProvisionEditForm, ProvisionFilterSet, ProvisionForm, StatsYearForm
from tipsom.justice.models import LegalProvision
from tipsom.justice.selectors import provisions as selectors
from tipsom.justice.selectors.stats import justice_stats
from tipsom.justice.services import provisions as services
from tipsom.organizations import geography


@require_GET
def provision_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", LegalProvision)
    filterset = ProvisionFilterSet(request.GET, queryset=selectors.provision_list(user=request.user))
    valid = filterset.is_valid()
    page = numbered_page(request, filterset.qs if valid else filterset.queryset.none())
    organization = request.user.organization
    context = {
        "filter": filterset,
        "page": page,
        "country": geography.country_name(organization.country) if organization else "",
        "can_add": user_can(request.user, "add", LegalProvision),
        "can_change": user_can(request.user, "change", LegalProvision),
    }
    return render(request, "justice/provisions/list.html", context, status=200 if valid else 400)


@require_http_methods(["GET", "POST"])
def provision_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", LegalProvision)
    form = ProvisionForm(request.POST or None)
    return edit_view(
        request,
        form=form,
        save=lambda data: services.provision_create(actor=request.user, **form.service_data()),
        template="justice/provisions/form.html",
        context={"provision": None},
        success_message=_("The legal provision was recorded."),
        success_url=reverse("justice:provisions"),
    )


@require_http_methods(["GET", "POST"])
def provision_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    provision = selectors.provision_access(request.user, pk, "change")
    form = ProvisionEditForm(request.POST or None, initial=ProvisionEditForm.initial_for(provision))
    return edit_view(
        request,
        form=form,
        save=lambda data: services.provision_update(
            actor=request.user, provision_id=provision.pk, version=data["version"], **form.service_data()
        ),
        template="justice/provisions/form.html",
        context={"provision": provision, "in_use": selectors.provision_in_use(provision)},
        success_message=_("The legal provision was saved."),
        success_url=reverse("justice:provisions"),
    )


@require_POST
def provision_deactivate_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    provision = selectors.provision_access(request.user, pk, "change")
    try:
        services.provision_deactivate(
            actor=request.user, provision_id=provision.pk, version=request.POST.get("version")
        )
    except ApplicationError as error:
        if error.status_code == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("The legal provision was deactivated: new charges can no longer name it."))
    return redirect("justice:provisions")


@require_GET
def stats_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StatsYearForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    year = form.chosen_year()  # a bad year: this year's, with the error beside the chooser
    stats = justice_stats(user=request.user, year=year)
    context: dict[str, Any] = {"form": form, "stats": stats, "year": year, "withheld": f"<{stats.small_cell}"}
    return render(request, "justice/stats.html", context, status=200 if valid else 400)
