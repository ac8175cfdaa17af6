"""Registration of a case by a frontline identifier: the screening (with a live recommendation), the person (new,
or one already in the registry) and the case, saved together by cases.services.case_register."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tipsom.cases.forms.registration import CaseRegisterForm, precision_of
from tipsom.cases.models import Case, Screening, SomVulnerability, TraffickingAct
from tipsom.cases.services import case_register, is_child_at, screening_recommendation
from tipsom.core.codes import is_code
from tipsom.core.errors import ApplicationError
from tipsom.core.forms import submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission
from tipsom.people.models import Person
from tipsom.people.selectors import access_person_by_id, person_search_by_name

_BIRTH_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SEARCH_LIMIT = 20
# How strongly each recommendation points to protection, for the panel's colour.
_LEVELS = {
    Screening.Recommendation.LIKELY_VICTIM: "danger",
    Screening.Recommendation.LIKELY_CHILD_VICTIM: "danger",
    Screening.Recommendation.POSSIBLE_VICTIM: "warning",
    Screening.Recommendation.VULNERABLE_MIGRANT: "info",
    Screening.Recommendation.NO_INDICATORS: "secondary",
}


@require_http_methods(["GET", "POST"])
def case_register_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", Case)
    organization = request.user.organization
    person = _existing_person(request)
    form = CaseRegisterForm(
        request.POST or None,
        organization=organization,
        existing_person=person,
        initial={"identified_on": timezone.localdate(), "gender": "NonSpecifiedUnknown"},
    )
    status = 200
    if request.method == "POST":
        submission = submit_form(form, lambda data: _register(request, form, person))
        if submission.result is not None:
            messages.success(request, _("Case %(number)s was registered.") % {"number": submission.result.case_number})
            return redirect("cases:detail", pk=submission.result.pk)
        status = submission.status
    query = " ".join(request.GET.get("find", "").split())
    context = {
        "form": form,
        "person": person,
        "find": query,
        "found": list(person_search_by_name(user=request.user, query=query)[:SEARCH_LIMIT]) if query else None,
        "recommendation": _recommendation(request.POST if request.method == "POST" else QueryDict(), person),
    }
    return render(request, "cases/register.html", context, status=status)


def _existing_person(request: AuthenticatedHttpRequest) -> Person | None:
    """The registered person a new case is for (`person` in the query or the form), or None for a new person."""
    person_id = request.POST.get("person_id") or request.GET.get("person")
    return access_person_by_id(request.user, person_id, "change") if person_id else None


def _register(request: AuthenticatedHttpRequest, form: CaseRegisterForm, person: Person | None) -> Case:
    who = {"person_id": person.pk} if person is not None else {"person": form.person_data()}
    try:
        return case_register(
            actor=request.user,
            organization=request.user.organization,
            screening=form.screening_data(),
            **who,
            **form.case_data(),
        )
    except ApplicationError as error:
        renamed = form.add_service_error(error)
        if renamed is error:
            raise
        raise renamed from error


@require_POST
def screening_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The recommendation for the indicators ticked so far (HTMX, on every change of the registration form)."""
    require_permission(request.user, "add", Case)
    person_id = request.POST.get("person_id")
    person = access_person_by_id(request.user, person_id) if person_id else None
    return render(request, "cases/_recommendation.html", {"recommendation": _recommendation(request.POST, person)})


def _recommendation(data: QueryDict, person: Person | None) -> dict[str, Any]:
    """What cases.services.screening_recommendation advises for the indicators in `data` (unknown codes ignored:
    the registration itself refuses them)."""
    acts = [code for code in data.getlist("acts") if code in TraffickingAct.values]
    means = [code for code in data.getlist("means") if is_code("vic_MethodsOfControl", code)]
    purposes = [code for code in data.getlist("purposes") if is_code("vic_TypeOfExploitation", code)]
    som = [code for code in data.getlist("som_vulnerabilities") if code in SomVulnerability.values]
    is_child = _may_be_child(data, person)
    code = screening_recommendation(
        acts=acts, means=means, purposes=purposes, som_vulnerabilities=som, is_child=is_child
    )
    return {
        "code": code,
        "label": Screening.Recommendation(code).label,
        "level": _LEVELS[Screening.Recommendation(code)],
        "is_child": is_child,
    }


def _may_be_child(data: QueryDict, person: Person | None) -> bool:
    """Whether the person counts as a child on the identification day, from what the form holds so far."""
    identified_on = _a_date(data.get("identified_on")) or timezone.localdate()
    if person is None:
        birth_date = (data.get("birth_date") or "").strip()
        person = Person(
            is_presumed_minor=bool(data.get("is_presumed_minor")),
            birth_date=birth_date if _BIRTH_DATE.match(birth_date) else "",
            birth_date_precision=data.get("birth_date_precision") or precision_of(birth_date),
        )
    try:
        return is_child_at(person, identified_on)
    except ValueError:  # a birth date such as 2010-13 while it is being typed
        return person.is_presumed_minor


def _a_date(value: Any) -> date | None:
    try:
        return parse_date(str(value or ""))
    except ValueError:
        return None
