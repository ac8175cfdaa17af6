"""The Victims tab of the criminal case page (victims in the proceedings and hearings), its forms, and the audited
reveals of a victim's name and statement. The tab shows the victim case number, sex, birth year, role, measures,
testimony and compensation: never a name or a statement without a reveal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.core.codes import code_label
from tipsom.core.errors import NotFound
from tipsom.core.forms import edit_view, submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.justice.forms.victims import (
    HearingCancelForm,
    HearingForm,
    RelationForm,
    RevealForm,
    VictimLinkForm,
    hearing_initial,
    link_initial,
)
from tipsom.justice.models import CriminalCase, Hearing, ProtectionMeasure, VictimInProceedings
from tipsom.justice.selectors.victims import hearings_of, suspects_for_choice, victim_links
from tipsom.justice.services import victims as services
from tipsom.justice.services.victims import RELATIONSHIP_LIST
from tipsom.justice.views.case_page import case_for_page, case_page_context

TAB = "victims"
FORM_TEMPLATE = "justice/case_form.html"
REVEAL_TEMPLATE = "justice/victim_reveal.html"


def measure_labels(codes: list[str]) -> list[str]:
    labels = dict(ProtectionMeasure.choices)
    return [str(labels.get(code, code)) for code in codes]


def birth_facts(person: Any) -> str:
    """The person's birth year and age in years as statistics show them (never the exact date)."""
    if person.birth_year:
        age = timezone.localdate().year - person.birth_year
        return _("born %(year)s (about %(age)s)") % {"year": person.birth_year, "age": age}
    return _("age unknown, presumed a minor") if person.is_presumed_minor else "—"


def _victim_rows(criminal_case: CriminalCase) -> list[dict[str, Any]]:
    rows = []
    for link in victim_links(criminal_case):
        person = link.case.person
        rows.append(
            {
                "link": link,
                "sex": person.get_gender_display(),
                "born": birth_facts(person),
                "measures": measure_labels(link.protection_measures),
                "relations": [
                    {
                        "suspect": str(relation.suspect),
                        "relationship": code_label(RELATIONSHIP_LIST, relation.relationship),
                        "detail": relation.detail,
                    }
                    for relation in link.suspect_relations.all()
                ],
            }
        )
    return rows


def _tab_context(request: AuthenticatedHttpRequest, criminal_case: CriminalCase) -> dict[str, Any]:
    context = case_page_context(request, criminal_case, TAB)
    now = timezone.now()
    hearings = list(hearings_of(criminal_case))
    context.update(
        {
            "victim_rows": _victim_rows(criminal_case),
            "coming_hearings": [hearing for hearing in hearings if hearing.starts_at >= now],
            "past_hearings": [hearing for hearing in hearings if hearing.starts_at < now][::-1],
        }
    )
    return context


@require_GET
def victims_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk)
    return render(request, "justice/tabs/victims.html", _tab_context(request, criminal_case))


def _tab_url(criminal_case: CriminalCase) -> str:
    return reverse("justice:victims", kwargs={"pk": criminal_case.pk})


def _form_page(criminal_case: CriminalCase, heading: str) -> dict[str, Any]:
    return {"heading": heading, "criminal_case": criminal_case, "cancel_url": _tab_url(criminal_case)}


def _link_of(criminal_case: CriminalCase, link_id: int) -> VictimInProceedings:
    link = VictimInProceedings.objects.filter(criminal_case=criminal_case, pk=link_id).select_related("case").first()
    if link is None:
        raise NotFound()
    return link


# Victims ---------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def victim_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    form = VictimLinkForm(request.POST or None, initial={"testimony_mode": "not_yet"})
    return edit_view(
        request,
        form=form,
        save=lambda data: services.victim_link_add(
            actor=request.user, criminal_case=criminal_case, **form.service_data()
        ),
        template=FORM_TEMPLATE,
        success_message=_("The victim is linked to the criminal case."),
        success_url=_tab_url(criminal_case),
        context=_form_page(criminal_case, _("Link a victim case")),
    )


@require_http_methods(["GET", "POST"])
def victim_edit_view(request: AuthenticatedHttpRequest, pk: int, link_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    link = _link_of(criminal_case, link_id)
    form = VictimLinkForm(request.POST or None, initial=link_initial(link), link=link)

    def save(data: dict[str, Any]) -> VictimInProceedings:
        return services.victim_link_update(
            actor=request.user, victim_link=link.pk, version=data.get("version"), **form.service_data()
        )

    heading = _("Change the victim %(number)s") % {"number": link.case.case_number}
    return edit_view(
        request,
        form=form,
        save=save,
        template=FORM_TEMPLATE,
        success_message=_("The victim's record is saved."),
        success_url=_tab_url(criminal_case),
        context=_form_page(criminal_case, heading),
    )


@require_POST
def victim_remove_view(request: AuthenticatedHttpRequest, pk: int, link_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    link = _link_of(criminal_case, link_id)
    services.victim_link_remove(actor=request.user, victim_link=link.pk)
    messages.success(request, _("The victim case is unlinked."))
    return redirect(_tab_url(criminal_case))


@require_http_methods(["GET", "POST"])
def victim_relation_view(request: AuthenticatedHttpRequest, pk: int, link_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    link = _link_of(criminal_case, link_id)
    suspects = [(str(suspect.pk), str(suspect)) for suspect in suspects_for_choice(criminal_case)]
    form = RelationForm(request.POST or None, suspects=suspects)
    heading = _("Relationship to the victim %(number)s") % {"number": link.case.case_number}
    return edit_view(
        request,
        form=form,
        save=lambda data: services.suspect_victim_relation_set(actor=request.user, victim=link.pk, **data),
        template=FORM_TEMPLATE,
        success_message=_("The relationship is recorded."),
        success_url=_tab_url(criminal_case),
        context=_form_page(criminal_case, heading),
    )


def _reveal(request: AuthenticatedHttpRequest, pk: int, link_id: int, part: str) -> HttpResponse:
    """A reveal page: the reason first; once given (and audited) the value is shown on this answer only."""
    criminal_case = case_for_page(request, pk, "reveal")
    link = _link_of(criminal_case, link_id)
    form = RevealForm(request.POST or None)
    shown: Any = None
    status = 200
    if request.method == "POST":
        call = services.victim_identity_reveal if part == "names" else services.victim_statement_reveal
        submission = submit_form(form, lambda data: call(actor=request.user, victim_link=link.pk, **data))
        shown, status = submission.result, submission.status
    context = {
        **case_page_context(request, criminal_case, TAB),
        "link": link,
        "part": part,
        "form": form,
        "shown": shown,
        "cancel_url": _tab_url(criminal_case),
    }
    response = render(request, REVEAL_TEMPLATE, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def victim_reveal_view(request: AuthenticatedHttpRequest, pk: int, link_id: int) -> HttpResponse:
    return _reveal(request, pk, link_id, "names")


@require_http_methods(["GET", "POST"])
def victim_statement_view(request: AuthenticatedHttpRequest, pk: int, link_id: int) -> HttpResponse:
    return _reveal(request, pk, link_id, "statement")


# Hearings --------------------------------------------------------------------------------------------------------


def _victim_choices(criminal_case: CriminalCase) -> list[tuple[str, str]]:
    rows = VictimInProceedings.objects.filter(criminal_case=criminal_case).select_related("case").order_by("pk")
    return [(str(link.pk), link.case.case_number) for link in rows.only("id", "case__id", "case__case_number")]


def _hearing_of(criminal_case: CriminalCase, hearing_id: int) -> Hearing:
    hearing = Hearing.objects.filter(criminal_case=criminal_case, pk=hearing_id).first()
    if hearing is None:
        raise NotFound()
    return hearing


@require_http_methods(["GET", "POST"])
def hearing_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    initial = {"court": criminal_case.court_id or ""}
    form = HearingForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        criminal_case=criminal_case,
        victims=_victim_choices(criminal_case),
    )
    return edit_view(
        request,
        form=form,
        save=lambda data: services.hearing_add(actor=request.user, criminal_case=criminal_case, **form.service_data()),
        template=FORM_TEMPLATE,
        success_message=_("The hearing is recorded."),
        success_url=_tab_url(criminal_case),
        context=_form_page(criminal_case, _("Record a hearing")),
    )


@require_http_methods(["GET", "POST"])
def hearing_edit_view(request: AuthenticatedHttpRequest, pk: int, hearing_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    hearing = _hearing_of(criminal_case, hearing_id)
    form = HearingForm(
        request.POST or None,
        initial=hearing_initial(hearing),
        user=request.user,
        criminal_case=criminal_case,
        victims=_victim_choices(criminal_case),
    )
    return edit_view(
        request,
        form=form,
        save=lambda data: services.hearing_update(actor=request.user, hearing=hearing.pk, **form.service_data()),
        template=FORM_TEMPLATE,
        success_message=_("The hearing is saved."),
        success_url=_tab_url(criminal_case),
        context=_form_page(criminal_case, _("Change the hearing")),
    )


@require_http_methods(["GET", "POST"])
def hearing_cancel_view(request: AuthenticatedHttpRequest, pk: int, hearing_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    hearing = _hearing_of(criminal_case, hearing_id)
    form = HearingCancelForm(request.POST or None)
    return edit_view(
        request,
        form=form,
        save=lambda data: services.hearing_cancel(actor=request.user, hearing=hearing.pk, **data) or hearing,
        template=FORM_TEMPLATE,
        success_message=_("The hearing is cancelled."),
        success_url=_tab_url(criminal_case),
        context=_form_page(criminal_case, _("Cancel the hearing")),
    )
