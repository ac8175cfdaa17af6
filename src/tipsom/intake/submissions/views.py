"""Screens of field submissions under /intake/submissions/ (namespace "intake"): the queue of those waiting for an
identifier, a submission's page (its draft registration, identifying values masked until an audited reveal; the
registry check exactly as at registration; accept, merge into a person already registered, reject), the
correction of a draft before accepting it (the registration's own forms, after an audited reveal), the upload of
an export, and the download of the country's current field form. Thin: the submissions' services decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.cases.forms.registration import (
    CaseStepForm,
    ConsentStepForm,
    PersonStepForm,
    ScreeningStepForm,
    rename_service_error,
)
from tipsom.cases.models import CaseType, Screening
from tipsom.cases.services import screening_recommendation
from tipsom.cases.views.screening import LEVELS, may_be_child
from tipsom.core.codes import code_label
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import SortColumn, list_page
from tipsom.core.masking import mask
from tipsom.core.permissions import require_permission, user_can
from tipsom.intake import files, jobs
from tipsom.intake.models import ImportJob, Submission
from tipsom.intake.submissions import selectors, services
from tipsom.intake.submissions.forms import RejectForm, SubmissionUploadForm
from tipsom.intake.submissions.handler import export_check
from tipsom.intake.views import ImportUploadHandler, streamed_upload
from tipsom.matching.selectors import SEX_OF_GENDER, CheckResult, match_check
from tipsom.organizations import geography
from tipsom.people.forms import RevealForm

SORTS = (SortColumn("created", "created_at", descending_first=True, label=_lazy("Received")),)
ACCEPT_FORM_ID = "submission-accept"
STATUS_FILTERS = {"pending": Submission.Status.PENDING, "decided": None}


# --- The queue --------------------------------------------------------------------------------------------------


@require_GET
def submission_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The submissions waiting for a decision (or all of them), newest first; no name is shown."""
    require_permission(request.user, "view", Submission)
    shown = request.GET.get("status", "pending")
    submissions = selectors.submission_list(user=request.user, status=None)
    if shown == "pending":
        submissions = submissions.filter(status=Submission.Status.PENDING)
    else:
        submissions = submissions.exclude(status=Submission.Status.PENDING)
    listing = list_page(request, submissions, SORTS, default="-created")
    form = selectors.field_form_current(request.user.organization.country) if request.user.organization else None
    context = {
        "listing": listing,
        "page": listing.page,
        "shown": "pending" if shown == "pending" else "decided",
        "rows": [submission_row(submission) for submission in listing.page.items],
        "can_import": user_can(request.user, "add", ImportJob) and user_can(request.user, "add", Submission),
        "form": form,
        "order": _("Most recently received first") if listing.sort == "-created" else _("First received first"),
    }
    return render(request, "intake/submissions/list.html", context)


def _statistics(registration: dict[str, Any], country: str) -> dict[str, Any]:
    """What the draft says that is not identifying: gender, birth year, citizenships, type, the recommendation."""
    person = registration.get("person") or {}
    case = registration.get("case") or {}
    screening = registration.get("screening") or {}
    birth = str(person.get("birth_date") or "")
    gender = str(person.get("gender") or "")
    return {
        "gender": code_label("prs_Gender", gender) if gender else "",
        "birth_year": birth[:4],
        "estimated": person.get("birth_date_precision") not in ("", "exact", None),
        "presumed_minor": bool(person.get("is_presumed_minor")),
        "citizenships": [geography.country_name(code) for code in person.get("citizenships") or []],
        "case_type": CaseType(case["case_type"]).label if case.get("case_type") in CaseType.values else "",
        "recommendation": _recommendation(registration),
        "identified_on": _date(case.get("identified_on")),
        "region": geography.region_name(country, case["region"]) if case.get("region") else "",
        "acts": screening.get("acts") or [],
    }


def _date(value: Any) -> date | None:
    try:
        return parse_date(str(value or ""))
    except ValueError:
        return None


def _recommendation(registration: dict[str, Any]) -> dict[str, Any]:
    person = registration.get("person") or {}
    case = registration.get("case") or {}
    screening = registration.get("screening") or {}
    data = QueryDict(mutable=True)
    if person.get("birth_date"):
        text = str(person["birth_date"])
        data["birth_date"] = text if person.get("birth_date_precision") != "estimated" else text[:4]
    if person.get("is_presumed_minor"):
        data["is_presumed_minor"] = "on"
    data["identified_on"] = str(case.get("identified_on") or "")
    code = screening_recommendation(
        acts=list(screening.get("acts") or []),
        means=list(screening.get("means") or []),
        purposes=list(screening.get("purposes") or []),
        som_vulnerabilities=list(screening.get("som_vulnerabilities") or []),
        is_child=may_be_child(data, None),
    )
    return {
        "code": code,
        "label": Screening.Recommendation(code).label,
        "level": LEVELS[Screening.Recommendation(code)],
    }


def submission_row(submission: Submission) -> dict[str, Any]:
    return {"submission": submission, **_statistics(services.submission_registration(submission), submission.country)}


# --- A submission -----------------------------------------------------------------------------------------------


def draft_match_check(user: Any, registration: dict[str, Any]) -> CheckResult:
    """The registry checked for the draft's person as the registration checks a person typed in."""
    person = registration.get("person") or {}
    names = [
        text
        for name in person.get("names") or []
        if isinstance(name, dict)
        for text in (name.get("name", ""), name.get("name_latin", ""))
    ]
    return match_check(
        user=user,
        names=[str(text) for text in names if text],
        birth_date=str(person.get("birth_date") or ""),
        sex=SEX_OF_GENDER.get(str(person.get("gender") or ""), ""),
        citizenships=list(person.get("citizenships") or []),
    )


def _masked(registration: dict[str, Any]) -> dict[str, Any]:
    """The identifying values of a draft, masked."""
    person = registration.get("person") or {}
    screening = registration.get("screening") or {}
    return {
        "names": [mask(str(name.get("name", ""))) for name in person.get("names") or [] if isinstance(name, dict)],
        "birth_date": mask(str(person.get("birth_date") or "")),
        "phones": [mask(str(contact.get("value", ""))) for contact in person.get("contacts") or []],
        "notes": bool(screening.get("notes")),
    }


def _labels(registration: dict[str, Any]) -> list[tuple[str, str]]:
    """The coded answers in words, for the page (no identifying value)."""
    case = registration.get("case") or {}
    screening = registration.get("screening") or {}
    rows: list[tuple[str, str]] = []

    def codes(label: str, list_name: str, values: Any) -> None:
        if values:
            rows.append((label, ", ".join(code_label(list_name, code) for code in values)))

    from tipsom.cases.models import SomVulnerability, TraffickingAct

    acts = dict(TraffickingAct.choices)
    if screening.get("acts"):
        rows.append((_("Act: the person was"), ", ".join(str(acts.get(code, code)) for code in screening["acts"])))
    codes(_("Means: how the person was controlled"), "vic_MethodsOfControl", screening.get("means"))
    codes(_("Purpose: forms of exploitation"), "vic_TypeOfExploitation", screening.get("purposes"))
    codes(_("Industries"), "vic_ForcedLabourIndustry", case.get("industries"))
    codes(_("Type of sexual exploitation"), "vic_TypeOfSexExploitation", case.get("sex_exploitation_types"))
    codes(_("Methods of recruitment"), "vic_MethodOfRecruitment", case.get("recruitment_methods"))
    codes(_("Relationship to the recruiter"), "vic_RelationshipToTrafficker", case.get("relationship_to_recruiter"))
    vulnerabilities = dict(SomVulnerability.choices)
    if screening.get("som_vulnerabilities"):
        rows.append(
            (
                _("Vulnerabilities of a smuggled migrant"),
                ", ".join(str(vulnerabilities.get(code, code)) for code in screening["som_vulnerabilities"]),
            )
        )
    for name, label in (
        ("origin_country", _("Country of origin")),
        ("destination_country", _("Country of destination")),
    ):
        if case.get(name):
            rows.append((label, geography.country_name(case[name])))
    if case.get("transit_countries"):
        rows.append((_("Transit countries"), ", ".join(geography.country_name(c) for c in case["transit_countries"])))
    return rows


def _detail_context(
    request: AuthenticatedHttpRequest, submission: Submission, *, check: CheckResult | None = None
) -> dict[str, Any]:
    registration = services.submission_registration(submission)
    pending = submission.status == Submission.Status.PENDING
    may_change = pending and user_can(request.user, "change", Submission)
    if check is None and may_change:
        check = draft_match_check(request.user, registration)
    return {
        "submission": submission,
        "row": submission_row(submission),
        "masked": _masked(registration),
        "answers": _labels(registration),
        "consents": registration.get("consents") or [],
        "pending": pending,
        "may_change": may_change,
        "may_reveal": user_can(request.user, "reveal", Submission),
        "check": check if check is not None and check.candidates else None,
        "check_next": reverse("intake:submission", kwargs={"pk": submission.pk}),
        "form_id": ACCEPT_FORM_ID,
        "reject_form": RejectForm(),
        "reveal_form": RevealForm(),
    }


@require_GET
def submission_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = selectors.access_submission(request.user, pk)
    return render(request, "intake/submissions/detail.html", _detail_context(request, submission))


@require_POST
def submission_accept_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Accept (a new person), or merge into a possible match (`use_person`); with possible matches, the identifier
    must choose one or say it is a new person anyway (`match_ack`), as at registration."""
    submission = selectors.access_submission(request.user, pk, "change")
    use_person = request.POST.get("use_person")
    if not use_person and not request.POST.get("match_ack"):
        check = draft_match_check(request.user, services.submission_registration(submission))
        if check.candidates:
            context = _detail_context(request, submission, check=check)
            return render(request, "intake/submissions/detail.html", context, status=409)
    try:
        if use_person:
            services.submission_merge(actor=request.user, submission_id=submission.pk, person_id=use_person)
        else:
            services.submission_accept(actor=request.user, submission_id=submission.pk)
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, _refusal_text(error))
        return redirect("intake:submission", pk=submission.pk)
    return _decided(request, submission.pk)


def _refusal_text(error: ApplicationError) -> str:
    fields = error.extra.get("fields") if isinstance(error.extra.get("fields"), dict) else {}
    details = " ".join(str(message) for message in (fields or {}).values())
    return f"{error.message} {details}".strip() + " " + _("Correct the draft before accepting it.")


def _decided(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = Submission.objects.select_related("case").get(pk=pk)
    if submission.case is not None:
        messages.success(
            request,
            _("Case %(number)s was registered from the field submission.") % {"number": submission.case.case_number},
        )
        return redirect("cases:detail", pk=submission.case_id)
    return redirect("intake:submissions")


@require_POST
def submission_reject_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = selectors.access_submission(request.user, pk, "change")
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.submission_reject(
                actor=request.user, submission_id=submission.pk, reason=form.cleaned_data["reason"]
            )
        except NotFound:
            raise
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, _("The submission was rejected."))
            return redirect("intake:submissions")
    context = {**_detail_context(request, submission), "reject_form": form}
    return render(request, "intake/submissions/detail.html", context, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def submission_reveal_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the form asking why. POST: the draft's identifying values, once, after an audited reveal."""
    submission = selectors.access_submission(request.user, pk, "reveal")
    form = RevealForm(request.POST if request.method == "POST" else None)
    revealed = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            revealed = services.submission_reveal(
                actor=request.user, submission_id=submission.pk, reason=form.cleaned_data["reason"]
            )
        except NotFound:
            raise
        except ApplicationError as error:
            form_add_application_error(form, error)
            status = error.status_code
    elif request.method == "POST":
        status = 400
    context = {"submission": submission, "form": form, "revealed": _revealed(revealed) if revealed else None}
    if request.htmx:
        return render(request, "intake/submissions/_revealed.html", context)
    return render(request, "intake/submissions/reveal.html", context, status=status)


def _revealed(registration: dict[str, Any]) -> dict[str, Any]:
    person = registration.get("person") or {}
    return {
        "names": [str(name.get("name", "")) for name in person.get("names") or [] if isinstance(name, dict)],
        "birth_date": str(person.get("birth_date") or ""),
        "phones": [str(contact.get("value", "")) for contact in person.get("contacts") or []],
        "notes": str((registration.get("screening") or {}).get("notes") or ""),
    }


# --- Correct, then accept ---------------------------------------------------------------------------------------

CORRECTED = "corrected"


def _initial(registration: dict[str, Any]) -> dict[str, Any]:
    """The registration forms' initial values from a draft (the same fields the registration screen has)."""
    person = registration.get("person") or {}
    case = registration.get("case") or {}
    screening = registration.get("screening") or {}
    names = [name for name in person.get("names") or [] if isinstance(name, dict)]
    birth = str(person.get("birth_date") or "")
    if birth and person.get("birth_date_precision") == "estimated":
        identified = str(case.get("identified_on") or "")[:4]
        years = (int(identified) if identified.isdigit() else timezone.localdate().year) - int(birth[:4])
        birth = _("about %(age)d") % {"age": years}
    consents = {str(consent.get("purpose")): consent for consent in registration.get("consents") or []}
    given_by = next((str(consent.get("given_by") or "") for consent in consents.values()), "")
    initial: dict[str, Any] = {
        "name": names[0].get("name", "") if names else "",
        "name_latin": names[0].get("name_latin", "") if names else "",
        "aliases": "\n".join(str(name.get("name", "")) for name in names[1:]),
        "gender": person.get("gender", ""),
        "citizenships": person.get("citizenships") or [],
        "languages": person.get("languages") or [],
        "birth_date": birth,
        "is_presumed_minor": bool(person.get("is_presumed_minor")),
        "phone": next((c.get("value", "") for c in person.get("contacts") or [] if c.get("kind") == "phone"), ""),
        "case_type": case.get("case_type", ""),
        "acts": screening.get("acts") or [],
        "means": screening.get("means") or [],
        "purposes": screening.get("purposes") or [],
        "som_vulnerabilities": screening.get("som_vulnerabilities") or [],
        "screening_notes": screening.get("notes", ""),
        "given_by": given_by,
        "service_types": (consents.get("referral") or {}).get("service_types") or [],
    }
    for name in ("identified_on", "region", "origin_country", "destination_country"):
        initial[name] = case.get(name) or ""
    for name in ("transit_countries", "exploitation_types", "industries", "means_of_control", "recruitment_methods"):
        initial[name] = case.get(name) or []
    for purpose in ("data_processing", "referral", "statistics", "follow_up"):
        if purpose in consents:
            initial[purpose] = "given" if consents[purpose].get("given") else "refused"
    return initial


def _forms(request: AuthenticatedHttpRequest, registration: dict[str, Any], data: Any = None) -> dict[str, Any]:
    organization = request.user.organization
    kwargs: dict[str, Any] = {"data": data} if data is not None else {"initial": _initial(registration)}
    source = data if data is not None else QueryDict(mutable=True)
    if data is None:
        for name, value in _initial(registration).items():
            if isinstance(value, list):
                source.setlist(name, value)
            else:
                source[name] = "on" if value is True else str(value or "")
    is_child = may_be_child(source, None)
    return {
        "person": PersonStepForm(**kwargs),
        "screening": ScreeningStepForm(**kwargs),
        "case": CaseStepForm(organization=organization, **kwargs),
        "consent": ConsentStepForm(organization=organization, is_child=is_child, **kwargs),
    }


def _corrected(forms: dict[str, Any], draft: dict[str, Any]) -> dict[str, Any]:
    """The corrected registration; what the forms do not ask (sexual exploitation, relationship) stays the draft's."""
    case = {"case_type": forms["screening"].cleaned_data["case_type"], **forms["case"].case_data()}
    for name in ("sex_exploitation_types", "relationship_to_recruiter"):
        case[name] = (draft.get("case") or {}).get(name) or []
    return {
        "person": forms["person"].person_data(),
        "case": case,
        "screening": forms["screening"].screening_data(),
        "consents": forms["consent"].consents(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def submission_correct_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a draft, then accept it (or merge it into a possible match). Opening the draft's values in a form
    reveals them: the identifier says why first (audited), as for any reveal."""
    submission = selectors.access_submission(request.user, pk, "change")
    if submission.status != Submission.Status.PENDING:
        return redirect("intake:submission", pk=submission.pk)
    draft = services.submission_registration(submission)
    context: dict[str, Any] = {"submission": submission, "form_id": "submission-correct"}
    if request.method == "GET" or "reveal" in request.POST:
        reveal = RevealForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and reveal.is_valid():
            try:
                services.submission_reveal(
                    actor=request.user, submission_id=submission.pk, reason=reveal.cleaned_data["reason"]
                )
            except NotFound:
                raise
            except ApplicationError as error:
                form_add_application_error(reveal, error)
            else:
                return render(request, "intake/submissions/correct.html", {**context, "forms": _forms(request, draft)})
        status = 400 if request.method == "POST" else 200
        return render(request, "intake/submissions/correct_reveal.html", {**context, "form": reveal}, status=status)
    forms = _forms(request, draft, request.POST)
    context["forms"] = forms
    if not all(form.is_valid() for form in forms.values()):
        return render(request, "intake/submissions/correct.html", context, status=400)
    registration = _corrected(forms, draft)
    use_person = request.POST.get("use_person")
    if not use_person and not request.POST.get("match_ack"):
        check = draft_match_check(request.user, registration)
        if check.candidates:
            context.update(check=check, check_next=request.get_full_path())
            return render(request, "intake/submissions/correct.html", context, status=409)
    try:
        if use_person:
            services.submission_merge(
                actor=request.user, submission_id=submission.pk, person_id=use_person, registration=registration
            )
        else:
            services.submission_accept(actor=request.user, submission_id=submission.pk, registration=registration)
    except NotFound:
        raise
    except ApplicationError as error:
        renamed = rename_service_error(error)
        named = renamed.extra.get("fields") if isinstance(renamed.extra.get("fields"), dict) else {}
        target = next((form for form in forms.values() if any(name in form.fields for name in named or {})), None)
        form_add_application_error(target or forms["consent"], renamed)
        return render(request, "intake/submissions/correct.html", context, status=renamed.status_code)
    return _decided(request, submission.pk)


# --- Upload an export; download the form -------------------------------------------------------------------------

UPLOAD_PATH = "/intake/submissions/upload/"


@streamed_upload
@require_http_methods(["GET", "POST"])
def submission_upload_view(request: AuthenticatedHttpRequest, handler: ImportUploadHandler) -> HttpResponse:
    require_permission(request.user, "add", ImportJob)
    require_permission(request.user, "add", Submission)
    context: dict[str, Any] = {"limit": files.max_bytes()}
    if request.method != "POST":
        return render(request, "intake/submissions/upload.html", {**context, "form": SubmissionUploadForm()})
    form = SubmissionUploadForm(request.POST, request.FILES)
    context["form"] = form
    if handler.too_large:
        form.is_valid()
        form.add_error("file", files.too_large_error().message)
        return render(request, "intake/submissions/upload.html", context, status=413)
    if not form.is_valid():
        return render(request, "intake/submissions/upload.html", context, status=400)
    upload = form.cleaned_data["file"]
    organization = request.user.organization
    if organization is None:
        raise NotFound()
    try:
        # Checked before anything is kept: a file of another kind leaves no job behind.
        table = files.open_table(upload.file, file_name=upload.name or "")
        export_check(table.headers, organization.country)
        upload.file.seek(0)
        job = jobs.job_create(
            actor=request.user,
            organization=organization,
            kind=ImportJob.Kind.SUBMISSIONS,
            stream=upload.file,
            file_name=upload.name or "",
            dry_run=form.cleaned_data["dry_run"],
        )
        jobs.job_start(actor=request.user, job_id=job.pk)
    except ApplicationError as error:
        if error.status_code == 404:
            raise
        form.add_error("file", error.message)
        return render(request, "intake/submissions/upload.html", context, status=400)
    return redirect("intake:job", pk=job.pk)


@require_GET
def field_form_download_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The XLSForm of the user's country as last published, for ODK Central or KoboToolbox."""
    require_permission(request.user, "add", Submission)
    organization = request.user.organization
    form = selectors.field_form_current(organization.country) if organization is not None else None
    if form is None:
        raise NotFound()
    response = HttpResponse(
        bytes(form.xlsx), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{form.form_id}-{form.version}.xlsx"'
    return response
