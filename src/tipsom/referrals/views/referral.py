"""Referral screens: the inbox and outbox, and one referral with its answers. Views parse, call one service or
selector as the signed-in user, and render. The case page's Referrals tab is views/case_tab.py.

Lists show no case data beyond the case number and the child flag. The receiver sees the shared sections only
through referral_shared_open (audited each time), only while the referral is live."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from tipsom.accounts.models import User
from tipsom.cases.selectors import case_allows
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import SortColumn, list_page
from tipsom.core.masking import MASKED
from tipsom.core.permissions import require_permission, user_can
from tipsom.referrals import services
from tipsom.referrals.forms import referral as f
from tipsom.referrals.models import (
    LIVE_STATES,
    OPEN_STATES,
    Channel,
    Referral,
    Section,
    State,
)
from tipsom.referrals.readable import profile_facts, readable_sections
from tipsom.referrals.selectors.referral import (
    abroad_sender,
    access_referral_by_id,
    referral_inbox,
    referral_is_sender_side,
    referral_outbox,
    referral_profile_preview,
    referral_trail,
)
from tipsom.referrals.wording import RECEIVER, SENDER

AUDIT_TRAIL_LIMIT = 200
# The answer's due date sorts a list (soonest first on the first click); by default the newest referral first.
LIST_SORTS = (SortColumn("due_at", "due_at", label=_lazy("Answer due by")),)


# Lists -----------------------------------------------------------------------------------------------------------


def _list_page(request: AuthenticatedHttpRequest, box: str) -> HttpResponse:
    require_permission(request.user, "view", Referral)
    extra = [("overdue", _("Overdue"))] if box == "sent" else []
    filter_form = f.StateFilterForm(request.GET or None, extra=extra)
    state = "open"
    if filter_form.is_bound and filter_form.is_valid():
        state = filter_form.cleaned_data["state"] or "open"
    elif filter_form.is_bound:
        raise ApplicationError("invalid", _("Unknown state."), {"field": "state"})
    chosen = "" if state == "all" else state
    if box == "sent":
        queryset = referral_outbox(user=request.user, state=chosen)
    else:
        queryset = referral_inbox(user=request.user, state=chosen)
    listing = list_page(request, queryset, LIST_SORTS)  # with a count (core.listing)
    page = listing.page
    order = {
        "-pk": _("Most recently sent first.") if box == "sent" else _("Most recently received first."),
        "pk": _("First sent first.") if box == "sent" else _("First received first."),
        "due_at": _("Soonest answer due first."),
        "-due_at": _("Latest answer due first."),
    }[listing.sort]
    rows = [{"referral": r, "linked": box == "sent" or r.state in OPEN_STATES} for r in page.items]
    context = {
        "box": box,
        "rows": rows,
        "listing": listing,
        "order": order,
        "page": page,
        "filter_form": filter_form,
        "state": state,
        "can_import": user_can(request.user, "add", Referral),
    }
    return render(request, "referrals/list.html", context)


@require_GET
def inbox_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_page(request, "received")


@require_GET
def outbox_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_page(request, "sent")


# One referral ----------------------------------------------------------------------------------------------------


def _is_answerer(user: User, referral: Referral, sender_side: bool) -> bool:
    """Who records the answer: the receiving organization; for a letter or a referral abroad, the sender."""
    if not user_can(user, "change", Referral):
        return False
    if referral.channel in (Channel.LETTER, Channel.ABROAD):
        return sender_side
    return not sender_side and user.organization_id == referral.to_organization_id


def _answer_forms(user: User, referral: Referral, sender_side: bool) -> dict[str, forms.Form]:
    initial = {"version": referral.version}
    found: dict[str, forms.Form] = {}
    if _is_answerer(user, referral, sender_side):
        if referral.state == State.SENT:
            found["accept"] = f.VersionForm(initial=initial)
            found["decline"] = f.ReasonForm(initial=initial, auto_id="decline-%s")
        elif referral.state == State.ACCEPTED:
            found["start"] = f.VersionForm(initial=initial)
        if referral.state in LIVE_STATES:
            found["complete"] = f.CompleteForm(initial=initial, auto_id="complete-%s")
    if sender_side and referral.state in OPEN_STATES and user_can(user, "change", Referral):
        found["revoke"] = f.ReasonForm(initial=initial, auto_id="revoke-%s")
    from_abroad = referral.channel == Channel.FROM_ABROAD and referral.case_id is None
    if from_abroad and referral.state in LIVE_STATES and _is_answerer(user, referral, sender_side):
        found["register_case"] = forms.Form()
    return found


def _shown(value: str, reveal: bool) -> str:
    if not value:
        return ""
    return value if reveal else MASKED


def detail_context(
    request: AuthenticatedHttpRequest, referral: Referral, errors: dict[str, forms.Form] | None = None
) -> dict:
    """The page of one referral. After a refused answer (`errors`) the shared sections are not opened again: a
    refusal changes nothing, not even the audit log; the page says to reload it to see them."""
    user = request.user
    sender_side = referral_is_sender_side(user, referral)
    receiver = not sender_side and user.organization_id == referral.to_organization_id
    context: dict[str, Any] = {
        "referral": referral,
        "sender_side": sender_side,
        "receiver": receiver,
        "abroad_sender": abroad_sender(referral) if receiver else None,
        "forms": {**_answer_forms(user, referral, sender_side), **(errors or {})},
        "warnings": _warning_messages(referral.warnings),
        "side": SENDER if sender_side else RECEIVER if receiver else "",
        # By letter or abroad the sender records what the other side answered.
        "records_answer": sender_side and referral.channel in (Channel.LETTER, Channel.ABROAD),
    }
    if sender_side:
        reveal = referral.case is not None and case_allows(user, referral.case, "reveal")
        context.update(
            reveal=reveal,
            message=_shown(referral.message, reveal),
            recipient=_shown(referral.recipient, reveal),
            consent_override=_shown(referral.consent_override, reveal),
            warning_override=_shown(referral.warning_override, reveal),
            decline_reason=_shown(referral.decline_reason, reveal),
            revoke_reason=_shown(referral.revoke_reason, reveal),
            outcome_notes=_shown(referral.outcome_notes, reveal),
            sections_labels=[str(Section(s).label) for s in referral.sections if s in Section.values],
            audit_trail=referral_trail(user=user, referral=referral, limit=AUDIT_TRAIL_LIMIT),
        )
    elif receiver:
        context["message"] = referral.message
        preview = referral_profile_preview(user=user, referral=referral)
        if preview is not None:
            context["profile"] = profile_facts(preview, brief=True)
        if referral.state in LIVE_STATES and errors:
            context["sections_hidden"] = True
        elif referral.state in LIVE_STATES:
            _opened, sections = services.referral_shared_open(actor=user, referral_id=referral.pk, via="web")
            context["sections"] = readable_sections(sections)
    if referral.outcome:
        context["outcome_label"] = _outcome_label(referral.outcome)
    return context


def _warning_messages(codes: list[str]) -> list[str]:
    from tipsom.referrals.selectors.directory import warning_messages

    return warning_messages(codes)


def _outcome_label(code: str) -> str:
    from tipsom.cases.models import ServiceDelivery

    return str(dict(ServiceDelivery.Outcome.choices).get(code, code))


@require_GET
def referral_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = access_referral_by_id(request.user, pk)
    context = detail_context(request, referral)
    # Just recorded by letter: the letter is offered at once.
    context["sent_letter"] = request.GET.get("sent") == "letter" and context["sender_side"] and referral.case_id
    return render(request, "referrals/detail.html", context)


def _referral_act(
    request: AuthenticatedHttpRequest,
    pk: int,
    name: str,
    form_class: Any,
    call: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """One answer to a referral: a plain POST; success redirects (to the inbox when the user's access ended),
    a refusal renders the page again with the form's errors and the refusal's status."""
    referral = access_referral_by_id(request.user, pk)
    form = form_class(request.POST, auto_id=f"{name}-%s")
    submission = submit_form(form, call)
    if submission.ok:
        messages.success(request, done)
        try:
            access_referral_by_id(request.user, pk)
        except NotFound:
            return redirect("referrals:inbox")
        return redirect("referrals:detail", pk=pk)
    referral = access_referral_by_id(request.user, pk)
    return render(
        request, "referrals/detail.html", detail_context(request, referral, {name: form}), status=submission.status
    )


@require_POST
def referral_accept_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_act(
        request,
        pk,
        "accept",
        f.VersionForm,
        lambda data: services.referral_accept(actor=request.user, referral_id=pk, version=data["version"]),
        _("The referral was accepted."),
    )


@require_POST
def referral_decline_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_act(
        request,
        pk,
        "decline",
        f.ReasonForm,
        lambda data: services.referral_decline(
            actor=request.user, referral_id=pk, version=data["version"], reason=data["reason"]
        ),
        _("The referral was declined."),
    )


@require_POST
def referral_start_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_act(
        request,
        pk,
        "start",
        f.VersionForm,
        lambda data: services.referral_start(actor=request.user, referral_id=pk, version=data["version"]),
        _("The service was started."),
    )


@require_POST
def referral_complete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_act(
        request,
        pk,
        "complete",
        f.CompleteForm,
        lambda data: services.referral_complete(
            actor=request.user,
            referral_id=pk,
            version=data["version"],
            outcome=data["outcome"],
            notes=data["notes"],
            delivered_on=data["delivered_on"].isoformat(),
        ),
        _("The referral was completed."),
    )


@require_POST
def referral_register_case_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A referral from another country, accepted: register the person and a case here from what was shared."""
    case = services.referral_case_register(actor=request.user, referral_id=pk)
    messages.success(request, _("Case %(number)s was registered from the referral.") % {"number": case.case_number})
    return redirect("cases:detail", pk=case.pk)


@require_POST
def referral_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_act(
        request,
        pk,
        "revoke",
        f.ReasonForm,
        lambda data: services.referral_revoke(
            actor=request.user, referral_id=pk, version=data["version"], reason=data["reason"]
        ),
        _("The referral was revoked."),
    )
