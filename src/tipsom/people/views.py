"""Person registry screens: the list (names masked, search through blind indexes), a person's page, the edit of
statistical fields, and the audited reveal of the identity."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.core.forms import submit_form
from tipsom.core.masking import MASK_CHAR, mask
from tipsom.core.paging import keyset_page
from tipsom.core.permissions import require_permission
from tipsom.core.registry import ordered
from tipsom.core.services import identifying_reveal
from tipsom.organizations import geography
from tipsom.people import selectors
from tipsom.people.filters import PersonFilterSet
from tipsom.people.forms import PersonEditForm, RevealForm, language_name
from tipsom.people.models import Person
from tipsom.people.services import person_update

MASKED = MASK_CHAR * 6


@require_GET
def person_list_view(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Person)
    persons = selectors.person_list(user=request.user)
    filterset = PersonFilterSet(request.GET, queryset=persons, request=request)
    valid = filterset.is_valid()
    form = filterset.form
    persons = filterset.qs if valid else persons.none()
    # Names are not shown in the list, so neither they nor the birth date are fetched (or decrypted).
    persons = persons.prefetch_related(None).defer("birth_date")
    page = keyset_page(request, persons, "pk")
    context = {"form": form, "page": page, "rows": [_row(person) for person in page.items], "masked": MASKED}
    return render(request, "people/list.html", context, status=200 if valid else 400)


def _row(person: Person) -> dict[str, Any]:
    return {"person": person, "citizenships": [geography.country_name(code) for code in person.citizenships]}


@require_GET
def person_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.access_person_by_id(request.user, pk)
    allowed = selectors.person_list(user=request.user, action="reveal").filter(pk=person.pk)
    can_change = selectors.person_list(user=request.user, action="change").filter(pk=person.pk).exists()
    context = {
        **_row(person),
        "languages": [language_name(code) for code in person.languages],
        "names": [(name.get_kind_display(), mask(name.name)) for name in person.names.all()],
        "contacts": [(contact.get_kind_display(), mask(contact.value)) for contact in person.contacts.all()],
        "documents": [
            (document.get_doc_type_display(), mask(document.number), document.issuing_country)
            for document in person.documents.all()
        ],
        "birth_date_masked": mask(person.birth_date) if person.birth_date else "",
        "sections": _sections(request.user, person),
        "can_reveal": allowed.exists(),
        "can_change": can_change,
        "reveal_form": RevealForm(),
    }
    return render(request, "people/detail.html", context)


def _sections(user: Any, person: Person) -> list[dict[str, Any]]:
    """The parts of the page other apps bring (a person's cases), each with its own template and context."""
    sections = []
    for section in ordered("person_sections"):
        context = section.context(user, person)
        if context is not None:
            sections.append({"template": section.template, **context})
    return sections


@require_http_methods(["GET", "POST"])
def person_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.access_person_by_id(request.user, pk, "change")
    form = PersonEditForm(request.POST or None, initial=PersonEditForm.initial_for(person))
    status = 200
    if request.method == "POST":
        submission = submit_form(
            form,
            lambda data: person_update(
                actor=request.user, person_id=person.pk, version=data["version"], **form.service_data()
            ),
        )
        if submission.result is not None:
            messages.success(request, _("The person's record was saved."))
            return redirect("people:detail", pk=person.pk)
        status = submission.status
    context = {"form": form, "person": person, "stale": status == 409}
    return render(request, "people/edit.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def person_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form asking why. POST: the identity, once, after an audited reveal of each identifying value."""
    person = selectors.access_person_by_id(request.user, pk, "reveal")
    form = RevealForm(request.POST if request.method == "POST" else None)
    revealed = None
    status = 200
    if request.method == "POST":
        submission = submit_form(form, lambda data: _reveal(request.user, person, data["reason"]))
        revealed, status = submission.result, submission.status
    context = {"person": person, "form": form, "revealed": revealed}
    if request.htmx:
        # HTMX swaps only successful answers, so a missing reason comes back as 200 with the form and its error.
        return render(request, "people/_identity_revealed.html", context)
    return render(request, "people/reveal.html", context, status=status)


def _reveal(actor: Any, person: Person, reason: str) -> dict[str, Any]:
    """Each identifying record is revealed through identifying_reveal, so each is in the audit log with the reason."""
    reveal = identifying_reveal
    birth = reveal(actor=actor, target=person, fields=["birth_date"], reason=reason)["birth_date"]
    names = [
        (name.get_kind_display(), reveal(actor=actor, target=name, fields=["name", "name_latin"], reason=reason))
        for name in person.names.all()
    ]
    contacts = [
        (contact.get_kind_display(), reveal(actor=actor, target=contact, fields=["value"], reason=reason)["value"])
        for contact in person.contacts.all()
    ]
    documents = [
        (
            document.get_doc_type_display(),
            reveal(actor=actor, target=document, fields=["number"], reason=reason)["number"],
            document.issuing_country,
        )
        for document in person.documents.all()
    ]
    return {
        "birth_date": birth,
        "birth_date_precision": person.get_birth_date_precision_display(),
        "names": names,
        "contacts": contacts,
        "documents": documents,
    }
