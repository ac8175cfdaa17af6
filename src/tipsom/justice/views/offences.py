"""The offences tab of the criminal case page, and the forms that add, change and remove an offence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.core.codes import code_label
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import edit_view
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.justice.forms.cases import OffenceForm, offence_initial
from tipsom.justice.models import CriminalCase, Offence
from tipsom.justice.selectors.cases import offences_of
from tipsom.justice.services import cases as services
from tipsom.justice.services.cases import OFFENCE_CODE_FIELDS
from tipsom.justice.views.case_page import case_for_page, case_page_context
from tipsom.organizations import geography


def _offence_rows(criminal_case: CriminalCase) -> list[dict[str, Any]]:
    rows = []
    for offence in offences_of(criminal_case):
        rows.append(
            {
                "offence": offence,
                "country": geography.country_name(offence.country),
                "codes": [
                    code_label(list_name, code)
                    for name, list_name in OFFENCE_CODE_FIELDS.items()
                    for code in getattr(offence, name)
                ],
                "countries": [geography.country_name(code) for code in offence.countries_involved],
            }
        )
    return rows


@require_GET
def offences_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk)
    context = case_page_context(request, criminal_case, "offences")
    context["rows"] = _offence_rows(criminal_case)
    return render(request, "justice/tabs/offences.html", context)


def _offence_of(criminal_case: CriminalCase, offence_id: int) -> Offence:
    offence = criminal_case.offences.filter(pk=offence_id).first()
    if offence is None:
        raise NotFound()
    return offence


def _form_page(criminal_case: CriminalCase, heading: str) -> dict[str, Any]:
    return {
        "heading": heading,
        "criminal_case": criminal_case,
        "cancel_url": reverse("justice:offences", kwargs={"pk": criminal_case.pk}),
    }


@require_http_methods(["GET", "POST"])
def offence_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    form = OffenceForm(request.POST or None, user=request.user, criminal_case=criminal_case)

    def save(data: dict[str, Any]) -> Offence:
        return services.offence_add(actor=request.user, criminal_case_id=criminal_case.pk, **form.service_data())

    return edit_view(
        request,
        form=form,
        save=save,
        template="justice/case_form.html",
        success_message=_("The offence is recorded."),
        success_url=reverse("justice:offences", kwargs={"pk": criminal_case.pk}),
        context=_form_page(criminal_case, _("Record an offence")),
    )


@require_http_methods(["GET", "POST"])
def offence_edit_view(request: AuthenticatedHttpRequest, pk: int, offence_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    offence = _offence_of(criminal_case, offence_id)
    form = OffenceForm(
        request.POST or None, initial=offence_initial(offence), user=request.user, criminal_case=criminal_case
    )

    def save(data: dict[str, Any]) -> Offence:
        return services.offence_update(actor=request.user, offence_id=offence.pk, **form.service_data())

    return edit_view(
        request,
        form=form,
        save=save,
        template="justice/case_form.html",
        success_message=_("The offence is saved."),
        success_url=reverse("justice:offences", kwargs={"pk": criminal_case.pk}),
        context=_form_page(criminal_case, _("Change the offence")),
    )


@require_POST
def offence_remove_view(request: AuthenticatedHttpRequest, pk: int, offence_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    offence = _offence_of(criminal_case, offence_id)
    try:
        services.offence_remove(actor=request.user, offence_id=offence.pk)
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        context = case_page_context(request, criminal_case, "offences")
        context["rows"] = _offence_rows(criminal_case)
        return render(request, "justice/tabs/offences.html", context, status=error.status_code)
    messages.success(request, _("The offence is removed."))
    return redirect("justice:offences", pk=criminal_case.pk)
