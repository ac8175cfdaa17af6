"""The Process tab of the criminal case page (each defendant's charges with their decisions and sentences, and the
funnel), and the form pages that record formal contact, charges, withdrawals, court decisions and appeals, the
closing of the investigation and the conclusion of the case. Each POST calls one service as the signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.core.errors import NotFound
from tipsom.core.forms import edit_view
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.validation import pk_of
from tipsom.justice.forms.process import (
    DECISION_KINDS,
    KIND_ACQUITTAL,
    KIND_CONVICTION,
    ChargeForm,
    ChargeWithdrawForm,
    ConcludeForm,
    DecisionForm,
    DecisionRemoveForm,
    FormalContactForm,
    InvestigationCloseForm,
)
from tipsom.justice.models import CaseStage, Charge, CourtDecision, CriminalCase, Suspect
from tipsom.justice.selectors import process as selectors
from tipsom.justice.services import process as services
from tipsom.justice.views.case_page import case_for_page, case_page_context

FORM_TEMPLATE = "justice/process_form.html"


def _tab_url(criminal_case: CriminalCase) -> str:
    return reverse("justice:process", kwargs={"pk": criminal_case.pk})


def _page(criminal_case: CriminalCase, heading: str, **extra: Any) -> dict[str, Any]:
    return {"heading": heading, "criminal_case": criminal_case, "cancel_url": _tab_url(criminal_case), **extra}


@require_GET
def process_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk)
    context = case_page_context(request, criminal_case, "process")
    funnel = selectors.case_funnel(request.user, criminal_case)
    context.update(
        {
            "defendants": selectors.case_process(request.user, criminal_case),
            "funnel": funnel,
            "can_decide": not criminal_case.is_closed and selectors.may_record_decisions(request.user, criminal_case),
            # A case concluded by its final decisions may still have one corrected (services.decision_remove).
            "can_correct": criminal_case.stage != CaseStage.CLOSED
            and selectors.may_record_decisions(request.user, criminal_case, "change"),
            "conviction": KIND_CONVICTION,
            "acquittal": KIND_ACQUITTAL,
        }
    )
    return render(request, "justice/tabs/process.html", context)


def _suspect_of(criminal_case: CriminalCase, suspect_id: int) -> Suspect:
    suspect = Suspect.objects.filter(criminal_case=criminal_case, pk=suspect_id).first()
    if suspect is None:
        raise NotFound()
    return suspect


def _charge_of(criminal_case: CriminalCase, charge_id: Any) -> Charge:
    charge = Charge.objects.filter(criminal_case=criminal_case, pk=charge_id).select_related("provision").first()
    if charge is None:
        raise NotFound()
    return charge


@require_http_methods(["GET", "POST"])
def formal_contact_view(request: AuthenticatedHttpRequest, pk: int, suspect_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    suspect = _suspect_of(criminal_case, suspect_id)
    initial = {
        "version": suspect.version,
        "contact_type": suspect.contact_type,
        "formal_contact_on": suspect.formal_contact_on,
    }
    form = FormalContactForm(request.POST or None, initial=initial)
    return edit_view(
        request,
        form=form,
        save=lambda data: services.suspect_formal_contact(actor=request.user, suspect=suspect.pk, **data),
        template=FORM_TEMPLATE,
        success_message=_("The formal contact is recorded."),
        success_url=_tab_url(criminal_case),
        context=_page(criminal_case, _("Record the formal contact"), subject=str(suspect)),
    )


@require_http_methods(["GET", "POST"])
def charge_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    suspects = list(Suspect.objects.filter(criminal_case=criminal_case).order_by("pk").only("id"))
    form = ChargeForm(
        request.POST or None,
        initial={"suspect": request.GET.get("suspect", "")},
        criminal_case=criminal_case,
        suspects=suspects,
    )
    return edit_view(
        request,
        form=form,
        save=lambda data: services.charge_add(actor=request.user, **{**data, "offence": data["offence"] or None}),
        template=FORM_TEMPLATE,
        success_message=_("The charge is recorded."),
        success_url=_tab_url(criminal_case),
        context=_page(criminal_case, _("Add a charge")),
    )


@require_http_methods(["GET", "POST"])
def charge_withdraw_view(request: AuthenticatedHttpRequest, pk: int, charge_id: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    charge = _charge_of(criminal_case, charge_id)
    form = ChargeWithdrawForm(request.POST or None)
    return edit_view(
        request,
        form=form,
        save=lambda data: services.charge_withdraw(actor=request.user, charge=charge.pk, **data),
        template=FORM_TEMPLATE,
        success_message=_("The charge is withdrawn."),
        success_url=_tab_url(criminal_case),
        context=_page(criminal_case, _("Withdraw a charge"), subject=f"{charge.suspect} · {charge.provision}"),
    )


@require_http_methods(["GET", "POST"])
def decision_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """?kind=conviction or acquittal; ?charge=<id> to decide a charge; ?appeal_of=<id> for an appeal decision."""
    criminal_case = case_for_page(request, pk)
    if criminal_case.is_closed or not selectors.may_record_decisions(request.user, criminal_case):
        raise NotFound()
    kind = request.GET.get("kind", KIND_CONVICTION)
    if kind not in DECISION_KINDS:
        raise NotFound()
    appeal_of: CourtDecision | None = None
    initial: dict[str, Any] = {"charge": request.GET.get("charge", "")}
    if request.GET.get("appeal_of"):
        appeal_of = CourtDecision.objects.filter(
            criminal_case=criminal_case, pk=pk_of(request.GET["appeal_of"])
        ).first()
        if appeal_of is None:
            raise NotFound()
        initial = {"charge": str(appeal_of.charge_id), "appeal_of": appeal_of.pk}
    charges = list(selectors.charges_to_decide(criminal_case))
    form = DecisionForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        criminal_case=criminal_case,
        charges=charges,
        kind=kind,
        appeal_of=appeal_of,
    )
    heading = _("Record an appeal decision") if appeal_of is not None else _("Record a court decision")
    return edit_view(
        request,
        form=form,
        save=lambda data: services.decision_record(
            actor=request.user, criminal_case=criminal_case.pk, **form.service_data()
        ),
        template=FORM_TEMPLATE,
        success_message=_("The court decision is recorded."),
        success_url=_tab_url(criminal_case),
        context=_page(criminal_case, heading, appeal_of=appeal_of),
    )


@require_http_methods(["GET", "POST"])
def investigation_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    form = InvestigationCloseForm(request.POST or None, initial={"version": criminal_case.version})
    return edit_view(
        request,
        form=form,
        save=lambda data: services.investigation_close(actor=request.user, criminal_case=criminal_case.pk, **data),
        template=FORM_TEMPLATE,
        success_message=_("The investigation is closed."),
        success_url=_tab_url(criminal_case),
        context=_page(criminal_case, _("Close the investigation")),
    )


@require_http_methods(["GET", "POST"])
def conclude_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criminal_case = case_for_page(request, pk, "change")
    if not selectors.may_record_decisions(request.user, criminal_case):
        raise NotFound()
    form = ConcludeForm(request.POST or None, initial={"version": criminal_case.version})
    return edit_view(
        request,
        form=form,
        save=lambda data: services.criminal_case_conclude(actor=request.user, criminal_case=criminal_case.pk, **data),
        template=FORM_TEMPLATE,
        success_message=_("The criminal case is concluded."),
        success_url=_tab_url(criminal_case),
        context=_page(
            criminal_case,
            _("Conclude the criminal case"),
            explanation=_("Nothing more can be recorded in a concluded case. A case without charges is closed."),
        ),
    )


@require_http_methods(["GET", "POST"])
def decision_remove_view(request: AuthenticatedHttpRequest, pk: int, decision_id: int) -> HttpResponse:
    """Remove the standing decision of a charge, recorded by mistake (then record it again)."""
    criminal_case = case_for_page(request, pk)
    if not selectors.may_record_decisions(request.user, criminal_case, "change"):
        raise NotFound()
    decision = CourtDecision.objects.filter(criminal_case=criminal_case, pk=decision_id).first()
    if decision is None:
        raise NotFound()
    form = DecisionRemoveForm(request.POST or None)
    return edit_view(
        request,
        form=form,
        save=lambda data: services.decision_remove(actor=request.user, decision=decision.pk, **data) or True,
        template=FORM_TEMPLATE,
        success_message=_("The court decision is removed."),
        success_url=_tab_url(criminal_case),
        context=_page(
            criminal_case,
            _("Remove a court decision recorded by mistake"),
            subject=" · ".join(
                [decision.get_level_display(), decision.decided_on.isoformat(), decision.get_outcome_display()]
            ),
        ),
    )
