"""The frame of the criminal case page that every tab view shares: the case fetched in the user's scope, the
header and the tab bar (templates/justice/case_base.html). A tab view does:

    criminal_case = case_for_page(request, pk)
    context = case_page_context(request, criminal_case, "process")
    return render(request, "justice/tabs/process.html", {**context, ...})
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tipsom.accounts.models import User
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.justice.models import CriminalCase
from tipsom.justice.selectors.cases import criminal_case_can, criminal_case_detail
from tipsom.justice.tabs import case_tabs


def case_for_page(request: AuthenticatedHttpRequest, pk: Any, action: str = "view") -> CriminalCase:
    """The criminal case of the URL as the user may `action` it (with its organizations), or a 404."""
    return criminal_case_detail(request.user, pk, action)


def case_page_context(request: HttpRequest, criminal_case: CriminalCase, tab: str) -> dict[str, Any]:
    """What case_base.html needs: the case, the open tab, the tab bar, and whether the user may change the case
    (`can_change`, for the tabs' forms) or reveal its identities (`can_reveal`)."""
    user: User = request.user  # type: ignore[assignment]
    organizations = [
        (label, organization)
        for label, organization in (
            (CriminalCase._meta.get_field("investigating_unit").verbose_name, criminal_case.investigating_unit),
            (CriminalCase._meta.get_field("prosecution_office").verbose_name, criminal_case.prosecution_office),
            (CriminalCase._meta.get_field("court").verbose_name, criminal_case.court),
        )
        if organization is not None
    ]
    return {
        "criminal_case": criminal_case,
        "tab": tab,
        "tabs": case_tabs(user, criminal_case),
        "case_organizations": organizations,
        "can_change": not criminal_case.is_closed and criminal_case_can(user, criminal_case, "change"),
        "can_reveal": criminal_case_can(user, criminal_case, "reveal"),
    }
