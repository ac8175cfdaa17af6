"""The case list (filters shared with the API, keyset paging, no identifying value shown or decrypted). The
supervisors' approvals queue is in cases.views.approvals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from tipsom.accounts.models import User
from tipsom.cases import selectors
from tipsom.cases.filters import CaseFilterSet
from tipsom.cases.models import Case
from tipsom.core.codes import code_label
from tipsom.core.filtering import filter_data, is_valid
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import SortColumn, list_page, several_organizations
from tipsom.core.paging import PAGE_SIZE
from tipsom.core.permissions import require_permission, user_can
from tipsom.organizations import geography
from tipsom.organizations.selectors import organization_list

CODED_COLUMNS = ("case_type", "status", "trafficking_status")
ROW_COLUMNS = (
    "case_number",
    "is_child",
    *CODED_COLUMNS,
    "exploitation_types",
    "citizenships",
    "identified_on",
    "owner_organization__name",
)
# Sortable where an index serves the order (case_number, case_identified); the default is the order of
# registration, newest first (the primary key: what keyset paging and the per-organization indexes serve).
SORTS = (
    SortColumn("case_number", "case_number", label=_lazy("Case number")),
    SortColumn("identified_on", "identified_on", descending_first=True, label=_lazy("Identified on")),
)


def _order_text(sort: str) -> str:
    return {
        "-pk": _("Most recently registered first."),
        "pk": _("First registered first."),
        "case_number": _("By case number."),
        "-case_number": _("By case number, from the last."),
        "-identified_on": _("Most recently identified first."),
        "identified_on": _("Earliest identified first."),
    }.get(sort, "")


@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Case)
    # Only the columns a row shows (the person's citizenships are the case's copy): no person is read, and none of
    # the case's other JSON lists is decoded (the page's CPU 25-27 -> 18-19 ms on the demo; same HTML).
    cases = selectors.case_list(user=request.user).select_related(None).select_related("owner_organization")
    cases = cases.only(*ROW_COLUMNS)
    filterset = CaseFilterSet(filter_data(request.GET, CaseFilterSet), queryset=cases, request=request)
    _list_widgets(filterset.form, request.user, cases)
    valid = is_valid(filterset)
    listing = list_page(request, filterset.qs if valid else cases.none(), SORTS, per_page=PAGE_SIZE, count=valid)
    labels = _labels()
    context = {
        "filter": filterset,
        "listing": listing,
        "page": listing.page,
        "order": _order_text(listing.sort),
        "rows": [_row(case, labels) for case in listing.page.items],
        "show_organization": several_organizations(listing.page.items),
        "query": " ".join(str(filterset.form.data.get("q", "") or "").split()) if filterset.is_bound else "",
        "can_add": user_can(request.user, "add", Case),
    }
    return render(request, "cases/list.html", context, status=200 if valid else 400)


def _list_widgets(form: forms.Form, user: User, cases: Any) -> None:
    """Organization and region are picked from lists: the organizations owning cases the user sees (so no other
    organization's name shows), and the regions of the user's country."""
    owners = organization_list(user=user).filter(pk__in=cases.values("owner_organization_id")).order_by("name")
    form.fields["organization"].widget = forms.Select(
        choices=[("", _("(any)")), *((str(org.pk), org.name) for org in owners)]
    )
    country = user.organization.country if user.organization is not None else ""
    form.fields["region"].widget = forms.Select(choices=[("", _("(any)")), *geography.region_choices(country)])
    for name in ("identified_from", "identified_to"):
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"})
    form.fields["is_child"].widget = forms.Select(
        choices=[("", _("(any)")), ("true", _("Children only")), ("false", _("Adults only"))]
    )


def _labels() -> dict[str, dict[str, str]]:
    """The coded columns' labels, looked up once per page: `get_status_display` and the like rebuild their code
    list on every call (3 per row, a fifth of the page's CPU)."""
    fields = [field for field in Case._meta.concrete_fields if isinstance(field, models.Field)]
    return {field.name: dict(field.flatchoices) for field in fields if field.name in CODED_COLUMNS}


def _row(case: Case, labels: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A row of the list; the labels are what get_<field>_display would answer (the code itself when unknown)."""
    return {
        "case": case,
        **{name: labels[name].get(getattr(case, name), getattr(case, name)) for name in labels},
        "exploitation": [code_label("vic_TypeOfExploitation", code) for code in case.exploitation_types],
        "citizenships": [geography.country_name(code) for code in case.citizenships],
    }
