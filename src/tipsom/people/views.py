"""Person registry screens: the list (names masked, search through blind indexes), a person's page, the edit of
statistical fields, and the audited reveal of the identity."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.accounts.models import User
from tipsom.core.filtering import filter_data, is_valid
from tipsom.core.forms import edit_view, submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import list_page, several_organizations
from tipsom.core.masking import mask
from tipsom.core.permissions import require_permission
from tipsom.core.registry import ordered
from tipsom.organizations import geography
from tipsom.people import selectors
from tipsom.people.filters import PersonFilterSet
from tipsom.people.forms import PersonEditForm, RevealForm, language_name
from tipsom.people.models import BirthDatePrecision, Person, PersonContact, PersonDocument, PersonName
from tipsom.people.services import person_identity_reveal, person_update


@require_GET
def person_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Rows a caseworker can tell apart without anyone's identity: case numbers, gender, age range, citizenship and
    (when several) organization. Newest first; a name is searched through its blind-index keys only."""
    require_permission(request.user, "view", Person)
    persons = selectors.person_list(user=request.user)
    filterset = PersonFilterSet(filter_data(request.GET, PersonFilterSet), queryset=persons, request=request)
    valid = is_valid(filterset)
    form = filterset.form
    persons = filterset.qs if valid else persons.none()
    # Names are not shown in the list, so neither they nor the birth date are fetched (or decrypted).
    persons = persons.prefetch_related(None).defer("birth_date")
    listing = list_page(request, persons, count=valid)
    items = listing.page.items
    cases = selectors.person_case_numbers(user=request.user, person_ids=[person.pk for person in items])
    context = {
        "form": form,
        "listing": listing,
        "page": listing.page,
        "rows": [{**_row(person), "cases": cases.get(person.pk, [])} for person in items],
        "show_organization": several_organizations(items),
        "searched": filterset.is_bound and any(filterset.form.data.get(name) for name in ("name", "document")),
        "order": _("Most recently registered first.") if listing.sort == "-pk" else _("First registered first."),
    }
    return render(request, "people/list.html", context, status=200 if valid else 400)


AGE_BANDS = ((0, 11), (12, 17), (18, 24), (25, 34), (35, 49), (50, None))


def age_range(person: Person) -> str:
    """A band of ages (12-17, 18-24, ...) from the birth year alone (statistical, never the encrypted date)."""
    if person.birth_year is None:
        return _("presumed minor") if person.is_presumed_minor else ""
    age = max(timezone.localdate().year - person.birth_year, 0)
    for low, high in AGE_BANDS:
        if high is None:
            return _("%(low)s years or older") % {"low": low}
        if age <= high:
            return _("%(low)s–%(high)s years") % {"low": low, "high": high}
    return ""


def _row(person: Person) -> dict[str, Any]:
    return {
        "person": person,
        "citizenships": [geography.country_name(code) for code in person.citizenships],
        "age_range": age_range(person),
    }


@require_GET
def person_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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


def _sections(user: User, person: Person) -> list[dict[str, Any]]:
    """The parts of the page other apps bring (a person's cases), each with its own template and context."""
    sections = []
    for section in ordered("person_sections"):
        context = section.context(user, person)
        if context is not None:
            sections.append({"template": section.template, **context})
    return sections


@require_http_methods(["GET", "POST"])
def person_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.access_person_by_id(request.user, pk, "change")
    form = PersonEditForm(request.POST or None, initial=PersonEditForm.initial_for(person))
    return edit_view(
        request,
        form=form,
        save=lambda data: person_update(
            actor=request.user, person_id=person.pk, version=data["version"], **form.service_data()
        ),
        template="people/edit.html",
        context={"person": person},
        success_message=_("The person's record was saved."),
        success_url=reverse("people:detail", args=[person.pk]),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def person_reveal_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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


def _reveal(actor: User, person: Person, reason: str) -> dict[str, Any]:
    """The identity through the one audited reveal service, with its codes shown as their labels."""
    identity = person_identity_reveal(actor=actor, person=person, reason=reason)
    precision = identity["birth_date_precision"]
    return {
        "birth_date": identity["birth_date"],
        "birth_date_precision": BirthDatePrecision(precision).label if precision else "",
        "names": [
            (PersonName.Kind(row["kind"]).label, {"name": row["name"], "name_latin": row["name_latin"]})
            for row in identity["names"]
        ],
        "contacts": [(PersonContact.Kind(row["kind"]).label, row["value"]) for row in identity["contacts"]],
        "documents": [
            (PersonDocument.DocumentType(row["doc_type"]).label, row["number"], row["issuing_country"])
            for row in identity["documents"]
        ],
    }
