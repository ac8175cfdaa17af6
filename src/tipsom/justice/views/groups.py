"""Organised criminal groups: the list (linked from the criminal case list) and the forms that record and change one."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.core.forms import edit_view
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import list_page, several_organizations
from tipsom.core.permissions import access_by_id, require_permission, user_can
from tipsom.justice.forms.cases import GroupForm, group_initial
from tipsom.justice.models import CriminalGroup
from tipsom.justice.selectors.cases import criminal_group_list
from tipsom.justice.services import suspects as services
from tipsom.organizations import geography


@require_GET
def group_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", CriminalGroup)
    groups = criminal_group_list(request.user).defer("notes")
    listing = list_page(request, groups)
    rows = [
        {"group": group, "countries": [geography.country_name(code) for code in group.countries_of_activity]}
        for group in listing.page.items
    ]
    context = {
        "listing": listing,
        "page": listing.page,
        "rows": rows,
        "show_organization": several_organizations(listing.page.items),
        "can_add": user_can(request.user, "add", CriminalGroup),
        "can_change": user_can(request.user, "change", CriminalGroup),
    }
    return render(request, "justice/groups.html", context)


@require_http_methods(["GET", "POST"])
def group_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", CriminalGroup)
    form = GroupForm(request.POST or None)

    def save(data: dict[str, Any]) -> CriminalGroup:
        return services.criminal_group_create(actor=request.user, **data)

    return edit_view(
        request,
        form=form,
        save=save,
        template="justice/case_form.html",
        success_message=_("The group is recorded."),
        success_url=reverse("justice:groups"),
        context={"heading": _("New organised criminal group"), "cancel_url": reverse("justice:groups")},
    )


@require_http_methods(["GET", "POST"])
def group_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = access_by_id(CriminalGroup, request.user, pk, "change")
    form = GroupForm(request.POST or None, initial=group_initial(group), editing=True)

    def save(data: dict[str, Any]) -> CriminalGroup:
        version = data.pop("version")
        return services.criminal_group_update(actor=request.user, group_id=group.pk, version=version, **data)

    return edit_view(
        request,
        form=form,
        save=save,
        template="justice/case_form.html",
        success_message=_("The group is saved."),
        success_url=reverse("justice:groups"),
        context={"heading": _("Change the organised criminal group"), "cancel_url": reverse("justice:groups")},
    )
