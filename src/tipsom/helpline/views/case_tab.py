"""The victim case page's Contacts tab (registered from helpline.plugins): the helpline contacts linked to the
case, by number, time, channel, type and screening only, never the caller's data or what was said. Shown to
everyone who may see the case: the case gives access, not the helpline's permissions."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from tipsom.cases.models import Screening
from tipsom.cases.selectors import access_case_by_id
from tipsom.cases.views.case_context import CasePage
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.helpline.languages import language_label
from tipsom.helpline.selectors import contacts_of_case

TAB = "contacts"
TAB_TEMPLATE = "helpline/case_tab_contacts.html"


def tab_context(page: CasePage) -> dict[str, Any]:
    recommendations = dict(Screening.Recommendation.choices)
    rows = [
        {
            "contact": contact,
            "language": language_label(contact.language),
            "recommendation": recommendations.get(contact.recommendation, ""),
        }
        for contact in contacts_of_case(case=page.case)
    ]
    return {"case": page.case, "page": page, "tab": TAB, "tab_template": TAB_TEMPLATE, "notice": "", "rows": rows}


@require_GET
def case_contacts_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    page = CasePage(request, access_case_by_id(request.user, pk))
    context = tab_context(page)
    if request.htmx and not request.htmx.history_restore_request:
        context["out_of_band"] = True
        response = render(request, "cases/partials/tab_panel.html", context)
    else:
        response = render(request, "cases/detail.html", context)
    # The same address answers a partial or the whole page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
