"""The victim case page's Proceedings tab (registered from justice.plugins): for each criminal case the victim is
linked to, its reference and stage (never its facts), the victim's role, protection measures, testimony and
compensation, and the hearing dates, coming ones first. Shown to everyone who may see the victim case: the
victim's case manager sees when the victim must be in court without seeing the criminal case itself."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from tipsom.cases.selectors import access_case_by_id
from tipsom.cases.views.case_context import CasePage
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.justice.selectors.victims import proceedings_of_case
from tipsom.justice.views.victims import measure_labels

TAB = "proceedings"
TAB_TEMPLATE = "justice/case_tab_proceedings.html"


def tab_context(page: CasePage) -> dict[str, Any]:
    proceedings = proceedings_of_case(page.case)
    for proceeding in proceedings:
        proceeding.measures = measure_labels(proceeding.link.protection_measures)  # type: ignore[attr-defined]
    return {
        "case": page.case,
        "page": page,
        "tab": TAB,
        "tab_template": TAB_TEMPLATE,
        "notice": "",
        "proceedings": proceedings,
    }


@require_GET
def case_proceedings_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
