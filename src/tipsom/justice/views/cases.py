"""The criminal case list, the new-case form, the overview tab, the edit form and the stage buttons."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.core.filtering import filter_data, is_valid
from tipsom.core.forms import edit_view
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import SortColumn, list_page, several_organizations
from tipsom.core.permissions import require_permission, user_can
from tipsom.justice.filters import CriminalCaseFilterSet
from tipsom.justice.forms.cases import CriminalCaseForm, case_initial
from tipsom.justice.models import CriminalCase, CriminalGroup
from tipsom.justice.selectors.cases import criminal_case_list, offences_of
from tipsom.justice.services import cases as services
from tipsom.justice.views.case_page import case_for_page, case_page_context
from tipsom.organizations import geography

SORTS = (
    SortColumn("reference", "reference", label=_lazy("Reference")),
    SortColumn("investigation_opened_on", "investigation_opened_on", descending_first=True, label=_lazy("Opened on")),
)


def _order_text(sort: str) -> str:
    return {
        "-pk": _("Most recently recorded first."),
        "pk": _("First recorded first."),
        "reference": _("By reference."),
        "-reference": _("By reference, from the last."),
        "-investigation_opened_on": _("Most recently opened first."),
        "investigation_opened_on": _("Earliest opened first."),
    }.get(sort, "")


@require_GET
def criminal_case_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", CriminalCase)
    cases = criminal_case_list(request.user)
    filterset = CriminalCaseFilterSet(filter_data(request.GET, CriminalCaseFilterSet), queryset=cases, request=request)
    for name in ("opened_from", "opened_to"):
        filterset.form.fields[name].widget = forms.DateInput(attrs={"type": "date"})
    valid = is_valid(filterset)
    listing = list_page(request, filterset.qs if valid else cases.none(), SORTS, count=valid)
    stage_labels = dict(CriminalCase._meta.get_field("stage").flatchoices)
    type_labels = dict(CriminalCase._meta.get_field("offence_type").flatchoices)
    rows = [
        {
            "case": case,
            "stage": stage_labels.get(case.stage, case.stage),
            "offence_type": type_labels.get(case.offence_type, ""),
        }
        for case in listing.page.items
    ]
    context = {
        "filter": filterset,
        "listing": listing,
        "page": listing.page,
        "order": _order_text(listing.sort),
        "rows": rows,
        "show_organization": several_organizations(listing.page.items),
        "can_add": user_can(request.user, "add", CriminalCase),
        "can_see_groups": user_can(request.user, "view", CriminalGroup),
    }
    return render(request, "justice/list.html", context, status=200 if valid else 400)


@require_http_methods(["GET", "POST"])
def criminal_case_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", CriminalCase)
    country = request.user.organization.country if request.user.organization else ""
    form = CriminalCaseForm(request.POST or None, user=request.user, country=country)

    def save(data: dict[str, Any]) -> CriminalCase:
        return services.criminal_case_create(actor=request.user, **data)

    return edit_view(
        request,
        form=form,
        save=save,
        template="justice/case_form.html",
        success_message=_("The criminal case is recorded."),
        success_url=lambda case: reverse("justice:detail", kwargs={"pk": case.pk}),
        context={"heading": _("New criminal case"), "cancel_url": reverse("justice:list")},
    )


def _facts(criminal_case: CriminalCase) -> list[tuple[str, Any]]:
    return [
        (_("Reference"), criminal_case.reference),
        (_("File number"), criminal_case.file_number),
        (_("Stage"), criminal_case.get_stage_display()),
        (_("Main offence"), criminal_case.get_offence_type_display() if criminal_case.offence_type else ""),
        (_("Investigation opened on"), criminal_case.investigation_opened_on),
        (_("Investigation closed on"), criminal_case.investigation_closed_on),
        (_("Concluded on"), criminal_case.concluded_on),
        (_("Transnational"), _("Yes") if criminal_case.is_transnational else _("No")),
        (
            _("Countries involved"),
            ", ".join(geography.country_name(code) for code in criminal_case.countries_involved),
        ),
    ]


def _overview(request: AuthenticatedHttpRequest, criminal_case: CriminalCase) -> HttpResponse:
    context = case_page_context(request, criminal_case, "overview")
    context.update(facts=_facts(criminal_case), offences=list(offences_of(criminal_case)))
    return render(request, "justice/tabs/overview.html", context)


@require_GET
def criminal_case_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk)
    return _overview(request, criminal_case)


@require_http_methods(["GET", "POST"])
def criminal_case_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    form = CriminalCaseForm(
        request.POST or None,
        initial=case_initial(criminal_case),
        user=request.user,
        country=criminal_case.country,
        editing=True,
    )

    def save(data: dict[str, Any]) -> CriminalCase:
        version = data.pop("version")
        return services.criminal_case_update(
            actor=request.user, criminal_case_id=criminal_case.pk, version=version, **data
        )

    return edit_view(
        request,
        form=form,
        save=save,
        template="justice/case_form.html",
        success_message=_("The criminal case is saved."),
        success_url=reverse("justice:detail", kwargs={"pk": criminal_case.pk}),
        context={
            "heading": _("Change the criminal case"),
            "criminal_case": criminal_case,
            "cancel_url": reverse("justice:detail", kwargs={"pk": criminal_case.pk}),
        },
    )
