"""Registration of a case by a frontline identifier, in steps: the person (new, or one already in the registry),
the screening (with a live recommendation), the case and consent, saved together at the last step by
cases.services.registration.case_register_complete.

Nothing is written before the last step. What earlier steps hold travels with the page in one signed hidden field
(`carried`, django.core.signing, bound to the user, valid for a day), not in the session: the session store is a
database table that is not encrypted, and the names typed in must never rest there in clear. The field is in the
page the identifier is filling in anyway, the signature stops a page from being pieced together from another
user's, and the last step checks every step again. Going back, or a step with errors, keeps every step's input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tipsom.cases.forms.registration import (
    FILLED_FROM_SCREENING,
    STEP_TITLES,
    STEPS,
    CaseStepForm,
    ConsentStepForm,
    PersonStepForm,
    ScreeningStepForm,
    StepForm,
    form_field_for,
    rename_service_error,
)
from tipsom.cases.models import Case
from tipsom.cases.services.registration import case_register_complete
from tipsom.cases.views.screening import may_be_child, recommendation_for
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission
from tipsom.matching.selectors import SEX_OF_GENDER, CheckResult, match_check
from tipsom.people.models import Person
from tipsom.people.selectors import access_person_by_id, person_search_by_name

SEARCH_LIMIT = 20
CARRY_SALT = "tipsom.cases.register"
CARRY_MAX_AGE = 24 * 3600
Raw = dict[str, list[str]]


@dataclass
class Registration:
    """A registration in progress: each step's input as typed (raw), and what the screening last filled in."""

    person: Person | None
    steps: tuple[str, ...]
    raw: dict[str, Raw] = field(default_factory=dict)
    filled: Raw = field(default_factory=dict)

    def merged(self) -> QueryDict:
        data = QueryDict(mutable=True)
        for step in self.steps:
            for name, values in self.raw.get(step, {}).items():
                data.setlist(name, values)
        return data


@require_http_methods(["GET", "POST"])
def case_register_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", Case)
    person = _existing_person(request)
    registration = Registration(person=person, steps=STEPS[1:] if person is not None else STEPS)
    if request.method == "GET":
        return _show(request, registration, registration.steps[0])
    if request.POST.get("use_person"):  # a possible match the user may see: the new case is for that person
        existing = access_person_by_id(request.user, request.POST["use_person"], "change")
        return redirect(f"{reverse('cases:register')}?person={existing.pk}")
    if "step" not in request.POST:
        # Every step at once (a script, or a browser without the steps): checked and saved as the last step is.
        for step in registration.steps:
            registration.raw[step] = _raw(request.POST, _form(request, registration, step), every=False)
        _fill_from_screening(registration)
        return _save(request, registration)
    current = request.POST["step"]
    if current not in registration.steps:
        raise ApplicationError("invalid", _("Unknown step of the registration."))
    _load(request, registration)
    registration.raw[current] = _raw(request.POST, _form(request, registration, current))
    _fill_from_screening(registration)
    go = request.POST.get("go", "next")
    index = registration.steps.index(current)
    if go == "back":
        return _show(request, registration, registration.steps[max(index - 1, 0)])
    if go.startswith("step:") and go[5:] in registration.steps[:index]:
        return _show(request, registration, go[5:])
    if go == "save" and index == len(registration.steps) - 1:
        return _save(request, registration)
    form = _form(request, registration, current, bound=True)
    if not form.is_valid():
        return _show(request, registration, current, form=form, status=400)
    if current == "person" and registration.person is None and not request.POST.get("match_ack"):
        check = person_match_check(request, form)
        if check.candidates:  # shown before going on: use a person already registered, or ask for access
            return _show(request, registration, current, form=form, check=check)
    following = registration.steps[min(index + 1, len(registration.steps) - 1)]
    return _show(request, registration, following)


def person_match_check(request: AuthenticatedHttpRequest, form: PersonStepForm) -> CheckResult:
    """The registry checked for the person typed in (matching.selectors.match_check): possible matches the user
    may see, and the organizations holding those they may not."""
    person = form.person_data()
    return match_check(
        user=request.user,
        names=[text for name in person["names"] for text in (name.get("name", ""), name.get("name_latin", ""))],
        birth_date=person.get("birth_date", ""),
        sex=SEX_OF_GENDER.get(person.get("gender", ""), ""),
        citizenships=person.get("citizenships", []),
    )


def _existing_person(request: AuthenticatedHttpRequest) -> Person | None:
    """The registered person a new case is for (`person` in the query or the form), or None for a new person."""
    person_id = request.POST.get("person_id") or request.GET.get("person")
    return access_person_by_id(request.user, person_id, "change") if person_id else None


def _form(request: AuthenticatedHttpRequest, registration: Registration, step: str, *, bound: bool = False) -> Any:
    """The form of `step`: bound to its input (to check it), or showing it as the initial values."""
    raw = registration.raw.get(step)
    if bound:
        data = QueryDict(mutable=True)
        for name, values in (raw or {}).items():
            data.setlist(name, values)
        kwargs: dict[str, Any] = {"data": data}
    else:
        kwargs = {"initial": _initial(raw) if raw is not None else _defaults(registration, step)}
    organization = request.user.organization
    if step == "person":
        return PersonStepForm(**kwargs)
    if step == "screening":
        return ScreeningStepForm(**kwargs)
    if step == "case":
        return CaseStepForm(organization=organization, **kwargs)
    is_child = may_be_child(registration.merged(), registration.person)
    return ConsentStepForm(organization=organization, is_child=is_child, **kwargs)


def _defaults(registration: Registration, step: str) -> dict[str, Any]:
    if step == "person":
        return {"gender": "NonSpecifiedUnknown"}
    if step == "screening":
        return {"case_type": "tip"}
    if step == "case":
        return {"identified_on": timezone.localdate(), **registration.filled}
    return {}


def _initial(raw: Raw) -> dict[str, Any]:
    return {name: values if len(values) != 1 else values[0] for name, values in raw.items()}


def _raw(data: QueryDict, form: StepForm, *, every: bool = True) -> Raw:
    """The step's input as typed: the values of each of its fields (a field the request lacks is empty: an unticked
    box; with `every` False it is left out, for the screening to fill)."""
    return {name: data.getlist(name) for name in form.fields if every or name in data}


def _fill_from_screening(registration: Registration) -> None:
    """The screening's means and purposes fill the case's means of control and forms of exploitation, unless the
    user refined them in the case step (then their choice stays)."""
    screening = registration.raw.get("screening")
    if screening is None:
        return
    case = registration.raw.get("case")
    for case_field, screening_field in FILLED_FROM_SCREENING.items():
        value = list(screening.get(screening_field, []))
        if case is not None and (case_field not in case or case[case_field] == registration.filled.get(case_field)):
            case[case_field] = value
        registration.filled[case_field] = value


def _carried(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    """The signed field's content, if this user's page signed it within the day; None otherwise."""
    try:
        carried = signing.loads(request.POST.get("carried", ""), salt=CARRY_SALT, max_age=CARRY_MAX_AGE)
    except signing.BadSignature:
        return None
    return carried if isinstance(carried, dict) and carried.get("user") == request.user.pk else None


def _load(request: AuthenticatedHttpRequest, registration: Registration) -> None:
    carried = _carried(request)
    if carried is None:
        raise ApplicationError(
            "invalid", _("This registration form has expired or was changed. Please start again."), status=400
        )
    steps = carried.get("raw") or {}
    registration.raw = {step: steps[step] for step in registration.steps if isinstance(steps.get(step), dict)}
    registration.filled = carried.get("filled") or {}


def _dump(request: AuthenticatedHttpRequest, registration: Registration, current: str) -> str:
    raw = {step: values for step, values in registration.raw.items() if step != current}
    payload = {"user": request.user.pk, "raw": raw, "filled": registration.filled}
    return signing.dumps(payload, salt=CARRY_SALT, compress=True)


def _save(request: AuthenticatedHttpRequest, registration: Registration) -> HttpResponse:
    forms = {step: _form(request, registration, step, bound=True) for step in registration.steps}
    for step, form in forms.items():
        if not form.is_valid():
            return _show(request, registration, step, form=form, status=400)
    consent = forms["consent"]
    who: dict[str, Any] = (
        {"person_id": registration.person.pk}
        if registration.person is not None
        else {"person": forms["person"].person_data()}
    )
    try:
        case = case_register_complete(
            actor=request.user,
            organization=request.user.organization,
            screening=forms["screening"].screening_data(),
            case={"case_type": forms["screening"].cleaned_data["case_type"], **forms["case"].case_data()},
            consents=consent.consents(),
            notify_organization_id=consent.notify_organization_id(),
            **who,
        )
    except NotFound:
        raise
    except ApplicationError as error:
        return _refused(request, registration, forms, rename_service_error(error))
    messages.success(request, _("Case %(number)s was registered.") % {"number": case.case_number})
    return redirect("cases:detail", pk=case.pk)


def _refused(
    request: AuthenticatedHttpRequest, registration: Registration, forms: dict[str, Any], error: ApplicationError
) -> HttpResponse:
    """The service's refusal, shown on the first step holding a field it names (the last step otherwise)."""
    named = error.extra.get("fields") if isinstance(error.extra.get("fields"), dict) else {}
    step = next(
        (step for step, form in forms.items() if any(form_field_for(name) in form.fields for name in named or {})),
        registration.steps[-1],
    )
    form_add_application_error(forms[step], error)
    return _show(request, registration, step, form=forms[step], status=error.status_code)


def _show(
    request: AuthenticatedHttpRequest,
    registration: Registration,
    step: str,
    *,
    form: Any = None,
    status: int = 200,
    check: CheckResult | None = None,
) -> HttpResponse:
    form = form if form is not None else _form(request, registration, step)
    index = registration.steps.index(step)
    query = " ".join(request.GET.get("find", "").split())
    data = registration.merged()
    if form.is_bound:
        for name in form.data:
            data.setlist(name, form.data.getlist(name))
    context = {
        "form": form,
        "step": step,
        "step_title": STEP_TITLES[step],
        "step_number": index + 1,
        "step_count": len(registration.steps),
        "progress": [
            {"name": name, "title": STEP_TITLES[name], "number": number, "state": _state(number - 1, index)}
            for number, name in enumerate(registration.steps, start=1)
        ],
        "previous": registration.steps[index - 1] if index else None,
        "is_last": index == len(registration.steps) - 1,
        "carried": _dump(request, registration, step),
        "person": registration.person,
        "find": query,
        "found": list(person_search_by_name(user=request.user, query=query)[:SEARCH_LIMIT]) if query else None,
        "recommendation": recommendation_for(data, registration.person),
        "is_child": may_be_child(data, registration.person),
        "is_som": getattr(form, "is_som", False),
        "check": check,
        "check_next": request.get_full_path(),
    }
    return render(request, "cases/register.html", context, status=status)


def _state(position: int, current: int) -> str:
    return "done" if position < current else "current" if position == current else "todo"


@require_POST
def screening_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The recommendation for the indicators ticked so far (HTMX, on every change of the registration form),
    with what earlier steps hold (the signed `carried` field) under what this step's fields say."""
    require_permission(request.user, "add", Case)
    person_id = request.POST.get("person_id")
    person = access_person_by_id(request.user, person_id) if person_id else None
    data = QueryDict(mutable=True)
    carried = _carried(request)
    if carried is not None:
        for values in (carried.get("raw") or {}).values():
            for name, value in values.items() if isinstance(values, dict) else ():
                data.setlist(name, value)
    for name in request.POST:
        if name not in ("carried", "csrfmiddlewaretoken"):
            data.setlist(name, request.POST.getlist(name))
    return render(request, "cases/_recommendation.html", {"recommendation": recommendation_for(data, person)})
