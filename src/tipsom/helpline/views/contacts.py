"""Helpline screens: the queue (open contacts, immediate danger on top, and the callbacks due), the contact list,
recording and changing a contact in one screen (HTMX redraws its sections as the type, the caller and the consent
to be called back change), and one contact with its actions. Thin: selectors read, helpline.services decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.cases.models import Case, Consent, Screening, TraffickingAct
from tipsom.core.codes import code_label
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.filtering import filter_data, is_valid
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import SortColumn, list_page
from tipsom.core.masking import MASKED
from tipsom.core.permissions import require_permission, user_can
from tipsom.helpline import selectors, services
from tipsom.helpline.filters import ContactFilterSet, filter_widgets
from tipsom.helpline.forms import (
    AssignForm,
    CallbackDoneForm,
    CallbackForm,
    CaseLinkForm,
    ContactForm,
    LinkForm,
    ReferForm,
    RevealForm,
    duration_text,
    now_input,
)
from tipsom.helpline.languages import language_label
from tipsom.helpline.models import Callback, Contact, ContactAction
from tipsom.helpline.services.contact import REVEALABLE
from tipsom.organizations import geography
from tipsom.referrals.models import Referral, ServiceType

QUEUE_SORTS = (SortColumn("rank", "queue_rank", label=_lazy("Urgency")),)
LIST_SORTS = (SortColumn("started_at", "started_at", descending_first=True, label=_lazy("Time")),)
CALLBACKS_SHOWN = 50
SERVICE_CHOICES_LIMIT = 500


def _country(request: AuthenticatedHttpRequest) -> str:
    organization = request.user.organization
    return organization.country if organization is not None else ""


# --- Lists ------------------------------------------------------------------------------------------------------
@require_GET
def queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The helpline's open contacts, immediate danger first then the oldest, and the callbacks due today."""
    require_permission(request.user, "view", Contact)
    listing = list_page(
        request, selectors.contact_queue(user=request.user).select_related("assigned_to"), QUEUE_SORTS, default="rank"
    )
    callbacks = list(selectors.callbacks_due(user=request.user)[:CALLBACKS_SHOWN])
    context = {
        "listing": listing,
        "page": listing.page,
        "callbacks": callbacks,
        "can_add": user_can(request.user, "add", Contact),
    }
    return render(request, "helpline/queue.html", context)


@require_GET
def contact_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Contact)
    contacts = selectors.contact_list(user=request.user).select_related("assigned_to")
    filterset = ContactFilterSet(filter_data(request.GET, ContactFilterSet), queryset=contacts, request=request)
    filter_widgets(filterset.form)
    valid = is_valid(filterset)
    # Days asked: the list is read in time order from the (organization, time) index; in id order the database would
    # walk every newer contact first (bench/README.md, issue 14). The same contacts, newest first.
    asked = getattr(filterset.form, "cleaned_data", {}) if valid else {}
    dated = bool(asked.get("date_from") or asked.get("date_to"))
    listing = list_page(
        request,
        filterset.qs if valid else contacts.none(),
        LIST_SORTS,
        default="-started_at" if dated else "-pk",
        count=valid,
    )
    context = {
        "filter": filterset,
        "listing": listing,
        "page": listing.page,
        "can_add": user_can(request.user, "add", Contact),
    }
    return render(request, "helpline/list.html", context, status=200 if valid else 400)


# --- Recording and changing -------------------------------------------------------------------------------------
def _form_page(
    request: AuthenticatedHttpRequest, form: ContactForm, contact: Contact | None, status: int = 200
) -> HttpResponse:
    return render(request, "helpline/form.html", {"form": form, "contact": contact}, status=status)


def _save(request: AuthenticatedHttpRequest, form: ContactForm, contact: Contact | None) -> HttpResponse:
    if not form.is_valid():
        return _form_page(request, form, contact, 400)
    try:
        if contact is None:
            saved = services.contact_create(actor=request.user, **form.contact_data())
        else:
            saved = services.contact_update(
                actor=request.user, contact_id=contact.pk, version=request.POST.get("version"), **form.contact_data()
            )
    except NotFound:
        raise
    except ApplicationError as error:
        form_add_application_error(form, error)
        return _form_page(request, form, contact, error.status_code)
    if contact is None:
        messages.success(request, _("Contact %(reference)s was recorded.") % {"reference": saved.reference})
    else:
        messages.success(request, _("The contact was saved."))
    return redirect("helpline:detail", pk=saved.pk)


@require_http_methods(["GET", "POST"])
def contact_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", Contact)
    if request.method == "POST":
        return _save(request, ContactForm(request.POST, country=_country(request)), None)
    form = ContactForm(country=_country(request), initial=ContactForm.initial_new())
    return _form_page(request, form, None)


@require_http_methods(["GET", "POST"])
def contact_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = selectors.access_contact_by_id(request.user, pk, "change")
    if request.method == "POST":
        return _save(request, ContactForm(request.POST, country=contact.country, editing=True), contact)
    form = ContactForm(country=contact.country, editing=True, initial=ContactForm.initial_for(contact))
    return _form_page(request, form, contact)


@require_POST
def contact_form_sections_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The contact form drawn again from what it holds (HTMX, when the type, the caller or the consent to be
    called back changes): the page takes the sections out of it. Nothing is checked or saved."""
    require_permission(request.user, "view", Contact)
    initial: dict[str, Any] = {name: values if len(values) != 1 else values[0] for name, values in request.POST.lists()}
    initial["callback_consent"] = "callback_consent" in request.POST
    # An unticked box is not posted: "never leave a message" keeps its default (ticked) until its section shows.
    protocol_shown = "callback_number" in request.POST
    initial["callback_no_message"] = "callback_no_message" in request.POST if protocol_shown else True
    form = ContactForm(country=_country(request), editing=request.POST.get("editing") == "1", initial=initial)
    return render(request, "helpline/_form_sections.html", {"form": form})


# --- One contact ------------------------------------------------------------------------------------------------
def _labels(list_name: str, codes: list[str]) -> list[str]:
    return [code_label(list_name, code) for code in codes]


def _field_label(name: str) -> str:
    return str(getattr(Contact._meta.get_field(name), "verbose_name", name))


def _contact_facts(contact: Contact) -> dict[str, Any]:
    """The contact's coded facts in words (no caller value)."""
    acts = dict(TraffickingAct.choices)
    recommendation = dict(Screening.Recommendation.choices).get(contact.recommendation, "")
    actions = dict(ContactAction.choices)
    return {
        "language": language_label(contact.language),
        "region": geography.region_name(contact.country, contact.region) if contact.region else "",
        "acts": [str(acts.get(code, code)) for code in contact.acts],
        "means": _labels("vic_MethodsOfControl", contact.means_of_control),
        "purposes": _labels("vic_TypeOfExploitation", contact.exploitation_types),
        "industries": _labels("vic_ForcedLabourIndustry", contact.industries),
        "gender": code_label("prs_Gender", contact.subject_gender) if contact.subject_gender else "",
        "recommendation": recommendation,
        "actions": [str(actions.get(code, code)) for code in contact.actions],
        "duration": duration_text(contact.duration_seconds),
    }


def _services(request: AuthenticatedHttpRequest, contact: Contact) -> list[tuple[str, str]]:
    from tipsom.referrals.selectors.directory import service_search

    found = (
        service_search(user=request.user, filters={})
        .filter(country=contact.country, organization__is_active=True)
        .order_by("service_type", "name", "pk")[:SERVICE_CHOICES_LIMIT]
    )
    types = dict(ServiceType.choices)
    return [
        (str(s.pk), f"{types.get(s.service_type, s.service_type)}: {s.name} ({s.organization.name})") for s in found
    ]


# Public for the quality review's contact screen (views/review.py), which shows the same facts.
contact_facts = _contact_facts
field_label = _field_label


def detail_context(request: AuthenticatedHttpRequest, contact: Contact, **forms: Any) -> dict[str, Any]:
    """Everything the contact page shows; `forms` are refused forms shown in place of their fresh ones."""
    user = request.user
    can_change = contact.is_data and selectors.contact_allows(user, contact, "change")
    can_reveal = selectors.contact_allows(user, contact, "reveal")
    held = [name for name in REVEALABLE if getattr(contact, name)]
    referrals = list(contact.referrals.select_related("to_organization", "service").order_by("pk"))
    context: dict[str, Any] = {
        "contact": contact,
        "facts": _contact_facts(contact),
        "masked": [(_field_label(name), MASKED) for name in held],
        "revealed": forms.pop("revealed", None),
        "can_change": can_change,
        "can_reveal": can_reveal and bool(held),
        "can_open_case": can_change and contact.case_id is None and user_can(user, "add", Case),
        "situation": selectors.situation_contacts(user=user, contact=contact),
        "same_number": selectors.same_number_contacts(user=user, contact=contact),
        "callbacks": selectors.contact_callbacks(contact),
        "referrals": referrals,
        "emergency": selectors.emergency_pathway(user=user, contact=contact)
        if contact.urgency == "emergency" and contact.is_data
        else None,
    }
    if can_reveal and held:
        context["reveal_form"] = forms.get("reveal_form") or RevealForm()
    if can_change:
        operators = selectors.assignable_operators(user=user)
        context["assign_form"] = forms.get("assign_form") or AssignForm(
            operators=operators, initial={"assignee": contact.assigned_to_id or ""}
        )
        context["can_assign_others"] = selectors.contact_allows(user, contact, "approve")
        context["link_form"] = forms.get("link_form") or LinkForm()
        if contact.case_id is None:
            context["case_link_form"] = forms.get("case_link_form") or CaseLinkForm()
        elif user_can(user, "add", Referral):
            context["refer_form"] = forms.get("refer_form") or ReferForm(
                services=_services(request, contact),
                given_by=[(value, str(label)) for value, label in Consent.GivenBy.choices],
                initial={"urgency": contact.urgency},
            )
        if contact.callback_consent and contact.callback_number and user_can(user, "add", Callback):
            context["callback_form"] = forms.get("callback_form") or CallbackForm(initial={"due_at": now_input()})
        context["done_form"] = CallbackDoneForm()
    return context


@require_GET
def contact_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = selectors.access_contact_by_id(request.user, pk)
    return render(request, "helpline/detail.html", detail_context(request, contact))


def _refused(request: AuthenticatedHttpRequest, pk: int, name: str, form: Any, error: ApplicationError) -> HttpResponse:
    """The contact page again with the refused form showing the service's message, nothing changed."""
    form_add_application_error(form, error)
    contact = selectors.access_contact_by_id(request.user, pk)
    return render(
        request, "helpline/detail.html", detail_context(request, contact, **{name: form}), status=error.status_code
    )


def _act(
    request: AuthenticatedHttpRequest, pk: int, name: str, form: Any, call: Any, done: str, anchor: str = ""
) -> HttpResponse:
    """One action of the contact page: the form checked, the service called, back to the page (or the page with
    the refused form)."""
    if not form.is_valid():
        contact = selectors.access_contact_by_id(request.user, pk)
        return render(request, "helpline/detail.html", detail_context(request, contact, **{name: form}), status=400)
    try:
        call(form.cleaned_data)
    except NotFound:
        raise
    except ApplicationError as error:
        return _refused(request, pk, name, form, error)
    messages.success(request, done)
    return redirect(reverse("helpline:detail", kwargs={"pk": pk}) + anchor)


@require_POST
def contact_reveal_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The caller's details, after an audited reveal with the reason; shown on this answer only."""
    form = RevealForm(request.POST)
    contact = selectors.access_contact_by_id(request.user, pk, "reveal")
    if not form.is_valid():
        return render(request, "helpline/detail.html", detail_context(request, contact, reveal_form=form), status=400)
    try:
        values = services.contact_caller_reveal(actor=request.user, contact_id=pk, reason=form.cleaned_data["reason"])
    except NotFound:
        raise
    except ApplicationError as error:
        return _refused(request, pk, "reveal_form", form, error)
    revealed = [(_field_label(name), value) for name, value in values.items()]
    return render(request, "helpline/detail.html", detail_context(request, contact, revealed=revealed))


@require_POST
def contact_assign_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = selectors.access_contact_by_id(request.user, pk, "change")
    form = AssignForm(request.POST, operators=selectors.assignable_operators(user=request.user))

    def call(data: dict[str, Any]) -> Any:
        assignee = request.user.pk if request.POST.get("take") else (data["assignee"] or None)
        return services.contact_assign(
            actor=request.user, contact_id=contact.pk, assignee_id=assignee, version=request.POST.get("version")
        )

    return _act(request, pk, "assign_form", form, call, _("The contact's assignment was saved."))


@require_POST
def contact_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    selectors.access_contact_by_id(request.user, pk, "change")
    reopen = request.POST.get("reopen") == "1"
    service = services.contact_reopen if reopen else services.contact_close
    try:
        service(actor=request.user, contact_id=pk, version=request.POST.get("version"))
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("helpline:detail", pk=pk)
    messages.success(request, _("The contact was reopened.") if reopen else _("The contact was closed."))
    return redirect("helpline:detail", pk=pk)


@require_POST
def contact_link_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    selectors.access_contact_by_id(request.user, pk, "change")
    if request.POST.get("leave") == "1":
        try:
            services.contact_situation_leave(actor=request.user, contact_id=pk)
        except NotFound:
            raise
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("helpline:detail", pk=pk)
        messages.success(request, _("The contact is no longer linked to the others."))
        return redirect("helpline:detail", pk=pk)
    return _act(
        request,
        pk,
        "link_form",
        LinkForm(request.POST),
        lambda data: services.contact_situation_link(actor=request.user, contact_id=pk, other=data["other"]),
        _("The contacts were linked."),
        "#situation",
    )


@require_POST
def contact_case_link_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    selectors.access_contact_by_id(request.user, pk, "change")
    return _act(
        request,
        pk,
        "case_link_form",
        CaseLinkForm(request.POST),
        lambda data: services.contact_case_link(actor=request.user, contact_id=pk, case=data["case"]),
        _("The contact was linked to the case."),
    )


@require_POST
def contact_refer_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = selectors.access_contact_by_id(request.user, pk, "change")
    form = ReferForm(
        request.POST,
        services=_services(request, contact),
        given_by=[(value, str(label)) for value, label in Consent.GivenBy.choices],
    )

    def call(data: dict[str, Any]) -> Any:
        from django.utils import timezone

        from tipsom.cases.models.choices import consent_service_types_for
        from tipsom.referrals.models import Service

        consent = None
        if data["consent_given_by"]:
            service_type = Service.objects.filter(pk=data["service"]).values_list("service_type", flat=True).first()
            consent = {
                "given_by": data["consent_given_by"],
                "recorded_on": timezone.localdate(),
                "service_types": consent_service_types_for(service_type or ""),
            }
        return services.contact_refer(
            actor=request.user,
            contact_id=pk,
            service_id=data["service"],
            urgency=data["urgency"],
            message=data["message"],
            consent=consent,
            consent_override=data["consent_override"],
            warning_override=data["warning_override"],
        )

    return _act(request, pk, "refer_form", form, call, _("The referral was sent."), "#referrals")


@require_POST
def callback_schedule_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    selectors.access_contact_by_id(request.user, pk, "change")
    return _act(
        request,
        pk,
        "callback_form",
        CallbackForm(request.POST),
        lambda data: services.callback_schedule(actor=request.user, contact_id=pk, due_at=data["due_at"]),
        _("The callback was scheduled."),
        "#callbacks",
    )


@require_POST
def callback_complete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from tipsom.core.permissions import access_by_id

    callback = access_by_id(Callback, request.user, pk, "change")
    form = CallbackDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome of the callback."))
        return redirect(reverse("helpline:detail", kwargs={"pk": callback.contact_id}) + "#callbacks")
    try:
        services.callback_complete(
            actor=request.user,
            callback_id=pk,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            version=request.POST.get("version"),
        )
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The callback's outcome was recorded."))
    return redirect(reverse("helpline:detail", kwargs={"pk": callback.contact_id}) + "#callbacks")
