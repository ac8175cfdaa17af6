"""The defendants tab of the criminal case page: suspects with their sex, birth year and citizenships (names
masked), the forms that add, change and remove one, and the audited reveal of a suspect's identity."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.core.codes import code_label
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import edit_view, form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.masking import MASKED
from tipsom.justice.forms.cases import RevealForm, SuspectForm
from tipsom.justice.models import CriminalCase, Suspect, SuspectRole
from tipsom.justice.selectors.cases import criminal_group_list, suspects_of
from tipsom.justice.services import suspects as services
from tipsom.justice.views.case_page import case_for_page, case_page_context
from tipsom.organizations import geography


def _rows(
    criminal_case: CriminalCase,
    *,
    can_reveal: bool,
    revealed: dict[int, Any],
    reveal_form: tuple[int, RevealForm] | None,
) -> list[dict[str, Any]]:
    role_labels = dict(SuspectRole.choices)
    rows = []
    for suspect in suspects_of(criminal_case):
        person = suspect.person
        rows.append(
            {
                "suspect": suspect,
                "gender": code_label("prs_Gender", person.gender),
                "birth_year": person.birth_year,
                "citizenships": [geography.country_name(code) for code in person.citizenships],
                "roles": [role_labels.get(role, role) for role in suspect.roles],
                "groups": [group.name for group in suspect.groups.all()],
                "identity": revealed.get(suspect.pk),
                "reveal_form": _reveal_form(suspect.pk, reveal_form) if can_reveal else None,
            }
        )
    return rows


def _reveal_form(suspect_id: int, refused: tuple[int, RevealForm] | None) -> RevealForm:
    """The reveal form of one row: the refused one with its errors, else an empty one (ids unique per row)."""
    if refused is not None and refused[0] == suspect_id:
        return refused[1]
    return RevealForm(auto_id=f"reveal-{suspect_id}-%s")


def _tab(
    request: AuthenticatedHttpRequest,
    criminal_case: CriminalCase,
    *,
    revealed: dict[int, Any] | None = None,
    reveal_form: tuple[int, RevealForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = case_page_context(request, criminal_case, "defendants")
    rows = _rows(criminal_case, can_reveal=context["can_reveal"], revealed=revealed or {}, reveal_form=reveal_form)
    context.update(rows=rows, masked=MASKED)
    return render(request, "justice/tabs/defendants.html", context, status=status)


@require_GET
def defendants_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _tab(request, case_for_page(request, pk))


def _suspect_of(criminal_case: CriminalCase, suspect_id: int) -> Suspect:
    suspect = criminal_case.suspects.filter(pk=suspect_id).first()
    if suspect is None:
        raise NotFound()
    return suspect


def _groups(request: AuthenticatedHttpRequest, criminal_case: CriminalCase) -> Any:
    return criminal_group_list(request.user).filter(country=criminal_case.country).order_by("name")


def _form_page(criminal_case: CriminalCase, heading: str) -> dict[str, Any]:
    return {
        "heading": heading,
        "criminal_case": criminal_case,
        "cancel_url": reverse("justice:defendants", kwargs={"pk": criminal_case.pk}),
    }


@require_http_methods(["GET", "POST"])
def suspect_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    form = SuspectForm(request.POST or None, groups=_groups(request, criminal_case))

    def save(data: dict[str, Any]) -> Suspect:
        return services.suspect_add(actor=request.user, criminal_case_id=criminal_case.pk, **form.service_data())

    return edit_view(
        request,
        form=form,
        save=save,
        template="justice/case_form.html",
        success_message=_("The suspect is added."),
        success_url=reverse("justice:defendants", kwargs={"pk": criminal_case.pk}),
        context=_form_page(criminal_case, _("Add a suspect")),
    )


@require_http_methods(["GET", "POST"])
def suspect_edit_view(request: AuthenticatedHttpRequest, pk: int, suspect_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    suspect = _suspect_of(criminal_case, suspect_id)
    initial = {
        "roles": suspect.roles,
        "groups": [str(pk) for pk in suspect.groups.values_list("pk", flat=True)],
        "age_at_offence": suspect.age_at_offence,
        "contact_type": suspect.contact_type,
        "formal_contact_on": suspect.formal_contact_on,
        "in_custody": suspect.in_custody,
        "version": suspect.version,
    }
    form = SuspectForm(request.POST or None, initial=initial, groups=_groups(request, criminal_case), editing=True)

    def save(data: dict[str, Any]) -> Suspect:
        payload = form.service_data()
        if not payload.get("contact_type") and not payload.get("formal_contact_on"):
            payload.pop("contact_type", None)
            payload.pop("formal_contact_on", None)
        return services.suspect_update(actor=request.user, suspect_id=suspect.pk, version=data["version"], **payload)

    return edit_view(
        request,
        form=form,
        save=save,
        template="justice/case_form.html",
        success_message=_("The defendant is saved."),
        success_url=reverse("justice:defendants", kwargs={"pk": criminal_case.pk}),
        context=_form_page(criminal_case, _("Change the defendant")),
    )


@require_POST
def suspect_remove_view(request: AuthenticatedHttpRequest, pk: int, suspect_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    suspect = _suspect_of(criminal_case, suspect_id)
    try:
        services.suspect_remove(actor=request.user, suspect_id=suspect.pk)
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        return _tab(request, criminal_case, status=error.status_code)
    messages.success(request, _("The suspect is removed from the case."))
    return redirect("justice:defendants", pk=criminal_case.pk)


@require_POST
def suspect_reveal_view(request: AuthenticatedHttpRequest, pk: int, suspect_id: int) -> HttpResponse:
    """Show one suspect's names and birth date on the tab, once, after an audited reveal with a reason."""
    criminal_case = case_for_page(request, pk, "reveal")
    suspect = _suspect_of(criminal_case, suspect_id)
    form = RevealForm(request.POST, auto_id=f"reveal-{suspect.pk}-%s")
    if form.is_valid():
        try:
            identity = services.suspect_identity_reveal(
                actor=request.user, suspect_id=suspect.pk, reason=form.cleaned_data["reason"]
            )
        except NotFound:
            raise
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            return _tab(request, criminal_case, revealed={suspect.pk: identity})
    return _tab(request, criminal_case, reveal_form=(suspect.pk, form), status=400)
