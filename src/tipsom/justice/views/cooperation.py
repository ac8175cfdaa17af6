"""The Cooperation tab of the criminal case page: mutual legal assistance, extradition and joint investigation
teams, with the overdue requests flagged, and the forms that record, change and answer a request."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.core.errors import NotFound
from tipsom.core.forms import edit_view
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.justice.forms.cooperation import CooperationAnswerForm, CooperationForm, cooperation_initial
from tipsom.justice.models import CooperationRequest, CriminalCase
from tipsom.justice.selectors.cooperation import cooperation_of
from tipsom.justice.services import cooperation as services
from tipsom.justice.views.case_page import case_for_page, case_page_context
from tipsom.organizations import geography

TAB = "cooperation"
FORM_TEMPLATE = "justice/case_form.html"


@require_GET
def cooperation_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk)
    context = case_page_context(request, criminal_case, TAB)
    today = timezone.localdate()
    rows = []
    for item in cooperation_of(criminal_case):
        rows.append(
            {
                "request": item,
                "countries": [geography.country_name(code) for code in item.countries],
                "overdue": item.is_overdue(today),
            }
        )
    context.update({"rows": rows, "overdue_count": sum(1 for row in rows if row["overdue"])})
    return render(request, "justice/tabs/cooperation.html", context)


def _tab_url(criminal_case: CriminalCase) -> str:
    return reverse("justice:cooperation", kwargs={"pk": criminal_case.pk})


def _form_page(criminal_case: CriminalCase, heading: str) -> dict[str, Any]:
    return {"heading": heading, "criminal_case": criminal_case, "cancel_url": _tab_url(criminal_case)}


def _request_of(criminal_case: CriminalCase, request_id: int) -> CooperationRequest:
    found = CooperationRequest.objects.filter(criminal_case=criminal_case, pk=request_id).first()
    if found is None:
        raise NotFound()
    return found


@require_http_methods(["GET", "POST"])
def cooperation_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    form = CooperationForm(request.POST or None, initial={"direction": "outgoing", "status": "draft"})
    return edit_view(
        request,
        form=form,
        save=lambda data: services.cooperation_request_create(
            actor=request.user, criminal_case=criminal_case, **form.service_data()
        ),
        template=FORM_TEMPLATE,
        success_message=_("The cooperation request is recorded."),
        success_url=_tab_url(criminal_case),
        context=_form_page(criminal_case, _("Record a cooperation request")),
    )


@require_http_methods(["GET", "POST"])
def cooperation_edit_view(request: AuthenticatedHttpRequest, pk: int, request_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    item = _request_of(criminal_case, request_id)
    form = CooperationForm(request.POST or None, initial=cooperation_initial(item), editing=True)
    return edit_view(
        request,
        form=form,
        save=lambda data: services.cooperation_request_update(
            actor=request.user, cooperation_request=item.pk, version=data["version"], **form.service_data()
        ),
        template=FORM_TEMPLATE,
        success_message=_("The cooperation request is saved."),
        success_url=_tab_url(criminal_case),
        context=_form_page(criminal_case, _("Change the cooperation request")),
    )


@require_http_methods(["GET", "POST"])
def cooperation_answer_view(request: AuthenticatedHttpRequest, pk: int, request_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    item = _request_of(criminal_case, request_id)
    initial = {"status": "answered", "answered_on": timezone.localdate(), "version": item.version}
    form = CooperationAnswerForm(request.POST or None, initial=initial)
    return edit_view(
        request,
        form=form,
        save=lambda data: services.cooperation_request_answer(actor=request.user, cooperation_request=item.pk, **data),
        template=FORM_TEMPLATE,
        success_message=_("The answer is recorded."),
        success_url=_tab_url(criminal_case),
        context=_form_page(criminal_case, _("Record the answer")),
    )
