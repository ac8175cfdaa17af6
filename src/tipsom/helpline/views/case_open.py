"""Opening a victim case from a contact, in one screen: the person (or one already in the registry), the
screening (the contact's answers, to refine), the case (what the contact told) and the consents, saved together
by helpline.services.contact_case_open through the ordinary registration (cases.services.registration).

The registry is checked for the person typed in exactly as the case registration screen does
(cases.views.registration.person_match_check, matching/_candidates.html): possible matches are shown before
anything is saved, to use a person already registered (`use_person`) or to register a new one anyway
(`match_ack`). Nothing is written before the last click."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tipsom.cases.forms.registration import (
    CaseStepForm,
    ConsentStepForm,
    PersonStepForm,
    ScreeningStepForm,
    form_field_for,
    rename_service_error,
)
from tipsom.cases.models import Case, CaseType
from tipsom.cases.views.registration import person_match_check
from tipsom.cases.views.screening import may_be_child, recommendation_for
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission
from tipsom.helpline import selectors, services
from tipsom.helpline.models import AgeGroup, Contact
from tipsom.matching.selectors import CheckResult
from tipsom.people.models import GENDER_UNKNOWN, Person
from tipsom.people.selectors import access_person_by_id

FORM_ID = "contact-case-form"


def _initial(contact: Contact) -> dict[str, Any]:
    """What the contact already tells: the person's sex, language and childhood, the case and the screening."""
    case = services.contact_case_defaults(contact)
    screening = services.contact_screening_defaults(contact)
    return {
        "gender": contact.subject_gender or GENDER_UNKNOWN,
        "languages": [contact.language] if contact.language else [],
        "is_presumed_minor": contact.subject_age_group == AgeGroup.CHILD,
        "case_type": CaseType.TIP,
        "acts": screening["acts"],
        "means": screening["means"],
        "purposes": screening["purposes"],
        **case,
    }


def _as_initial(data: QueryDict) -> dict[str, Any]:
    initial: dict[str, Any] = {name: values if len(values) != 1 else values[0] for name, values in data.lists()}
    initial["is_presumed_minor"] = "is_presumed_minor" in data
    return initial


def _forms(
    request: AuthenticatedHttpRequest, contact: Contact, person: Person | None, *, bound: bool
) -> dict[str, Any]:
    """The four parts of the registration (the person's only for a new person), bound to the post or showing it
    (or, on the first visit, what the contact tells)."""
    organization = request.user.organization
    data = request.POST if request.method == "POST" else None
    merged = QueryDict(mutable=True)
    if data is not None and bound:
        kwargs: dict[str, Any] = {"data": data}
        merged = data.copy()
    else:
        initial = _as_initial(data) if data is not None else _initial(contact)
        kwargs = {"initial": initial}
        for name, value in initial.items():
            if isinstance(value, list):
                merged.setlist(name, [str(item) for item in value])
            elif value not in (None, False):
                merged[name] = str(value)
    is_child = may_be_child(merged, person)
    forms: dict[str, Any] = {}
    if person is None:
        forms["person"] = PersonStepForm(**kwargs)
    forms["screening"] = ScreeningStepForm(**kwargs)
    forms["case"] = CaseStepForm(organization=organization, **kwargs)
    forms["consent"] = ConsentStepForm(organization=organization, is_child=is_child, **kwargs)
    forms["_merged"] = merged
    return forms


def _page(
    request: AuthenticatedHttpRequest,
    contact: Contact,
    person: Person | None,
    forms: dict[str, Any],
    *,
    check: CheckResult | None = None,
    status: int = 200,
) -> HttpResponse:
    merged = forms.pop("_merged")
    context = {
        "contact": contact,
        "person": person,
        "forms": forms,
        "form_id": FORM_ID,
        "check": check,
        "check_next": request.get_full_path(),
        "recommendation": recommendation_for(merged, person),
        "is_child": may_be_child(merged, person),
    }
    return render(request, "helpline/case_open.html", context, status=status)


@require_http_methods(["GET", "POST"])
def contact_case_open_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_permission(request.user, "add", Case)
    contact = selectors.access_contact_by_id(request.user, pk, "change")
    if contact.case_id is not None or not contact.is_data:
        raise NotFound()
    chosen = request.POST.get("use_person") or request.POST.get("person_id") or request.GET.get("person")
    person = access_person_by_id(request.user, chosen, "change") if chosen else None
    if request.method == "GET" or request.POST.get("use_person"):
        # A first visit, or a possible match chosen: the page again, nothing checked yet.
        return _page(request, contact, person, _forms(request, contact, person, bound=False))
    forms = _forms(request, contact, person, bound=True)
    parts = {name: form for name, form in forms.items() if not name.startswith("_")}
    invalid = [form for form in parts.values() if not form.is_valid()]
    if invalid:
        return _page(request, contact, person, forms, status=400)
    if person is None and not request.POST.get("match_ack"):
        check = person_match_check(request, parts["person"])
        if check.candidates:  # shown before saving: use a person already registered, or register a new one
            return _page(request, contact, person, forms, check=check)
    screening = parts["screening"]
    consent = parts["consent"]
    who: dict[str, Any] = {"person_id": person.pk} if person is not None else {"person": parts["person"].person_data()}
    try:
        case = services.contact_case_open(
            actor=request.user,
            contact_id=contact.pk,
            version=request.POST.get("version"),
            screening=screening.screening_data(),
            case={"case_type": screening.cleaned_data["case_type"], **parts["case"].case_data()},
            consents=consent.consents(),
            notify_organization_id=consent.notify_organization_id(),
            **who,
        )
    except NotFound:
        raise
    except ApplicationError as error:
        error = rename_service_error(error)
        named = error.extra.get("fields") if isinstance(error.extra.get("fields"), dict) else {}
        target = next(
            (form for form in parts.values() if any(form_field_for(name) in form.fields for name in named or {})),
            parts["consent"],
        )
        form_add_application_error(target, error)
        return _page(request, contact, person, forms, status=error.status_code)
    messages.success(
        request,
        _("Case %(number)s was opened from contact %(reference)s.")
        % {"number": case.case_number, "reference": contact.reference},
    )
    return redirect("helpline:detail", pk=contact.pk)
