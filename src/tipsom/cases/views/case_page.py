"""The case page: its header, its tabs (each also an HTMX partial) and the printable summary."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tipsom.cases.models import Consent
from tipsom.cases.selectors import access_case_by_id
from tipsom.cases.services import child_closure_problems, consent_current
from tipsom.cases.views.case_context import ActionForm, CasePage, countries, labels
from tipsom.cases.views.case_tabs import page_context
from tipsom.core.codes import code_label
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.masking import MASKED
from tipsom.organizations import geography

DEFAULT_TAB = "overview"


def render_page(
    request: AuthenticatedHttpRequest, page: CasePage, tab: str, *, errors: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    """The whole page with one tab open (and, after a refused action without HTMX, its form with the errors)."""
    context = page_context(page, tab, errors=errors)
    return render(request, "cases/detail.html", context, status=status)


def render_tab(request: AuthenticatedHttpRequest, page: CasePage, tab: str, *, notice: str = "") -> HttpResponse:
    """A tab for HTMX, with the header and the tab list swapped out of band (the status or the version moved)."""
    context = page_context(page, tab, notice=notice)
    context["out_of_band"] = True
    return render(request, "cases/partials/tab_panel.html", context)


@require_GET
def case_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    page = CasePage(request, access_case_by_id(request.user, pk))
    tab = request.GET.get("tab") or DEFAULT_TAB
    return render_page(request, page, page.check_tab(tab))


@require_GET
def case_tab_view(request: AuthenticatedHttpRequest, pk: int, tab: str) -> HttpResponse:
    page = CasePage(request, access_case_by_id(request.user, pk))
    page.check_tab(tab)
    if request.htmx and not request.htmx.history_restore_request:
        response = render_tab(request, page, tab)
    else:
        response = render_page(request, page, tab)
    # The same address answers a partial or the whole page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def case_summary_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A clean page to print: coded facts, decisions, events, plan and services. No identity, no free text."""
    page = CasePage(request, access_case_by_id(request.user, pk))
    return render(request, "cases/summary.html", {"case": page.case, "page": page, **_summary(page)})


def _summary(page: CasePage) -> dict[str, Any]:
    case = page.case
    facts = [
        (_("Case number"), case.case_number),
        (_("Type"), case.get_case_type_display()),
        (_("Status"), code_label("cas_Status", case.status)),
        (_("Trafficking status"), code_label("vic_TraffickingStatus", case.trafficking_status)),
        (_("Organization"), case.owner_organization.name),
        (_("Identified on"), case.identified_on),
        (_("Region of identification"), geography.region_name(case.country, case.region) if case.region else "—"),
        (_("Country of origin"), countries([case.origin_country])),
        (_("Transit countries"), countries(case.transit_countries)),
        (_("Country of destination"), countries([case.destination_country])),
        (_("Forms of exploitation"), labels("vic_TypeOfExploitation", case.exploitation_types)),
        (_("Industries"), labels("vic_ForcedLabourIndustry", case.industries)),
        (_("Means of control"), labels("vic_MethodsOfControl", case.means_of_control)),
        (_("Child"), _("Yes") if case.is_child else _("No")),
    ]
    if case.is_closed:
        facts += [(_("Closure reason"), case.get_closure_reason_display()), (_("Closed on"), case.closed_on)]
    person_facts = [(_("Name"), MASKED), *page.person_facts]
    # Rows carrying display attributes for the template: hence list[Any].
    events: list[Any] = list(case.events.all())
    for event in events:
        event.country_name = geography.country_name(event.country)
    plan: list[Any] = list(case.plan_items.all())
    for item in plan:
        item.type_label = code_label("spl_Type", item.support_type)
    services: list[Any] = list(case.services.select_related("provider"))
    for service in services:
        service.type_label = code_label("spl_Type", service.support_type)
    current = consent_current(case)
    consents = [(label, current[purpose]) for purpose, label in Consent.Purpose.choices]
    return {
        "facts": facts,
        "person_facts": person_facts,
        "decisions": page.decisions,
        "events": events,
        "plan": plan,
        "services": services,
        "consents": consents,
        "track": page.track if case.is_child else None,
        "problems": child_closure_problems(case) if case.is_child else [],
        "detail_url": reverse("cases:detail", kwargs={"pk": case.pk}),
    }
