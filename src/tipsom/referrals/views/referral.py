"""Referral screens: the case page's Referrals tab and its send form, the inbox and outbox, and one referral
with its answers. Views parse, call one service or selector as the signed-in user, and render.

Lists show no case data beyond the case number and the child flag. The receiver sees the shared sections only
through referral_shared_open (audited each time), only while the referral is live."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tipsom.accounts.models import User
from tipsom.cases.selectors import access_case_by_id, case_allows
from tipsom.cases.views.case_context import ActionForm, CasePage, countries, labels
from tipsom.core.codes import code_label
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error, submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.masking import MASKED
from tipsom.core.paging import keyset_page
from tipsom.core.permissions import require_permission, user_can
from tipsom.organizations import geography
from tipsom.referrals.forms import referral as f
from tipsom.referrals.models import (
    LIVE_STATES,
    OPEN_STATES,
    Channel,
    Referral,
    Section,
    ServiceType,
    State,
    Transfer,
)
from tipsom.referrals.sections import minimum_sections
from tipsom.referrals.selectors.referral import (
    abroad_sender,
    access_referral_by_id,
    case_owner_history,
    case_referrals,
    case_transfers,
    partner_countries,
    referral_inbox,
    referral_is_sender_side,
    referral_outbox,
    referral_trail,
)
from tipsom.referrals.services import referral as services

TAB = "referrals"
TAB_TEMPLATE = "referrals/case_tab.html"
SERVICE_CHOICES_LIMIT = 500
AUDIT_TRAIL_LIMIT = 200
CONSENT_ERRORS = ("consent_missing", "consent_withdrawn")
SEND_TITLES = {
    Channel.SYSTEM: (gettext_lazy("Refer to a service"), gettext_lazy("Send the referral")),
    Channel.LETTER: (gettext_lazy("Refer by letter"), gettext_lazy("Record the referral")),
    Channel.ABROAD: (gettext_lazy("Refer abroad"), gettext_lazy("Record the referral")),
}


# The case page's tab ---------------------------------------------------------------------------------------------


def _can_refer(page: CasePage) -> bool:
    return not page.case.is_closed and page.can_change and user_can(page.user, "add", Referral)


def _can_transfer(page: CasePage) -> bool:
    case = page.case
    return (
        not case.is_closed
        and page.can_change
        and user_can(page.user, "add", Transfer)
        and page.user.organization_id == case.owner_organization_id
    )


def _service_choices(page: CasePage) -> list[tuple[str, str]]:
    """The country's active services, for the service select (the directory's own narrowing)."""
    from tipsom.referrals.selectors.directory import service_search

    services_found = (
        service_search(user=page.user, filters={})
        .filter(country=page.case.country, organization__is_active=True)
        .order_by("service_type", "name", "pk")[:SERVICE_CHOICES_LIMIT]
    )
    type_labels = dict(ServiceType.choices)
    return [(str(s.pk), _service_label(s, type_labels)) for s in services_found]


def _service_label(service: Any, type_labels: dict[str, Any]) -> str:
    kind = type_labels.get(service.service_type, service.service_type)
    label = f"{kind}: {service.name} ({service.organization.name})"
    if service.capacity_available is not None:
        label += " · " + _("%(count)s free") % {"count": service.capacity_available}
    return label


def _partner_countries() -> list[tuple[str, str]]:
    codes = partner_countries()
    return f.partner_country_choices(list(codes))


def send_action(
    page: CasePage,
    channel: str,
    *,
    data: Any = None,
    service_id: str = "",
    ask_warning: bool = False,
    ask_consent: bool = False,
) -> ActionForm:
    """The send form of one channel, as the case page lays it out."""
    initial: dict[str, Any] = {"channel": channel, "sections": [Section.PROFILE.value]}
    opened = False
    services_list = _service_choices(page) if channel == Channel.SYSTEM else None
    if service_id and services_list and service_id in dict(services_list):
        from tipsom.referrals.selectors.directory import access_service_by_id

        chosen = access_service_by_id(page.user, service_id)
        initial.update(service=str(chosen.pk), sections=minimum_sections(chosen.service_type))
        opened = True
    form = f.ReferralSendForm(
        data,
        channel=channel,
        services=services_list,
        partner_countries=_partner_countries() if channel == Channel.ABROAD else None,
        ask_warning=ask_warning,
        ask_consent=ask_consent,
        initial=initial,
    )
    form_id = f"form-referral-send-{channel}"
    form.auto_id = f"{form_id}-%s"
    title, submit = SEND_TITLES[Channel(channel)]
    action = ActionForm(
        name=f"referral_send_{channel}",
        form=form,
        url=reverse("cases:referral_send", kwargs={"pk": page.case.pk}),
        form_id=form_id,
        submit=str(submit),
        title=str(title),
        extra={"open": opened},
    )
    return action


def transfer_action(page: CasePage, data: Any = None) -> ActionForm:
    owner = page.case.owner_organization_id
    choices = [(pk, name) for pk, name in page.organization_choices if pk != owner]
    form = f.TransferRequestForm(data, organizations=choices)
    form.auto_id = "form-transfer-request-%s"
    return ActionForm(
        name="transfer_request",
        form=form,
        url=reverse("cases:transfer_request", kwargs={"pk": page.case.pk}),
        form_id="form-transfer-request",
        submit=_("Ask to transfer"),
        title=_("Transfer the case"),
    )


def tab_context(
    page: CasePage, *, errors: ActionForm | None = None, notice: str = "", service_id: str = ""
) -> dict[str, Any]:
    """Everything the Referrals tab renders; `errors` is a refused form shown in place of its fresh one."""
    from tipsom.referrals.selectors.directory import pathway_suggestions

    case = page.case
    referrals = list(case_referrals(user=page.user, case=case))
    send_forms: dict[str, ActionForm] = {}
    suggestions: list[dict[str, Any]] = []
    if _can_refer(page):
        suggestions = pathway_suggestions(user=page.user, case=case)
        for channel in (Channel.SYSTEM, Channel.LETTER, Channel.ABROAD):
            fresh = send_action(page, channel, service_id=service_id if channel == Channel.SYSTEM else "")
            keep = errors is not None and errors.form_id == fresh.form_id
            send_forms[channel.value] = errors if keep else fresh  # type: ignore[assignment]
    transfers = list(case_transfers(case))
    pending = next((t for t in transfers if t.status == Transfer.Status.REQUESTED), None)
    transfer_form = None
    if _can_transfer(page) and pending is None:
        transfer_form = errors if errors is not None and errors.name == "transfer_request" else transfer_action(page)
    return {
        "case": case,
        "page": page,
        "tab": TAB,
        "tab_template": TAB_TEMPLATE,
        "notice": notice,
        "referrals": referrals,
        "suggestions": suggestions,
        "send_forms": send_forms,
        "owner_history": case_owner_history(case),
        "transfers": transfers,
        "pending_transfer": pending,
        "can_cancel_transfer": pending is not None and page.user.organization_id == pending.from_organization_id,
        "transfer_form": transfer_form,
    }


def render_tab_page(
    request: AuthenticatedHttpRequest,
    page: CasePage,
    *,
    errors: ActionForm | None = None,
    status: int = 200,
    **kwargs: Any,
) -> HttpResponse:
    return render(request, "cases/detail.html", tab_context(page, errors=errors, **kwargs), status=status)


def render_tab_partial(
    request: AuthenticatedHttpRequest, page: CasePage, *, notice: str = "", **kwargs: Any
) -> HttpResponse:
    context = tab_context(page, notice=notice, **kwargs)
    context["out_of_band"] = True
    return render(request, "cases/partials/tab_panel.html", context)


@require_GET
def case_referrals_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    page = CasePage(request, access_case_by_id(request.user, pk))
    service_id = request.GET.get("service", "")
    if request.htmx and not request.htmx.history_restore_request:
        response = render_tab_partial(request, page, service_id=service_id)
    else:
        response = render_tab_page(request, page, service_id=service_id)
    # The same address answers a partial or the whole page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def case_act(
    request: AuthenticatedHttpRequest,
    pk: int,
    build: Callable[[CasePage, Any], ActionForm],
    call: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """One action of the Referrals tab, answered as the case page answers its own (see cases.views.case_actions):
    `build(page, data)` makes the form, `call(page, action)` calls the service and may raise ApplicationError;
    a refusal may ask for a different form (`error.extra["_action"]`)."""
    page = CasePage(request, access_case_by_id(request.user, pk, "change"))
    action = build(page, request.POST)
    status = 400
    if action.form.is_valid():
        try:
            call(page, action)
        except NotFound:
            raise
        except ApplicationError as error:
            action = error.extra.pop("_action", None) or action
            form_add_application_error(action.form, error)
            status = error.status_code
        else:
            fresh = CasePage(request, access_case_by_id(request.user, pk))
            if request.htmx:
                return render_tab_partial(request, fresh, notice=done)
            messages.success(request, done)
            return redirect(reverse("cases:referrals", kwargs={"pk": pk}))
    if request.htmx:
        response = render(request, "cases/partials/action_form.html", {"action": action, "case": page.case},
                          status=status)  # fmt: skip
        response["HX-Retarget"] = f"#{action.form_id}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render_tab_page(request, page, errors=action, status=status)


@require_POST
def case_referral_send_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    channel = request.POST.get("channel", Channel.SYSTEM)
    if channel not in (Channel.SYSTEM, Channel.LETTER, Channel.ABROAD):
        channel = Channel.SYSTEM

    def call(page: CasePage, action: ActionForm) -> Referral:
        data = action.form.service_data()  # type: ignore[attr-defined]
        try:
            return services.referral_send(
                actor=request.user,
                case_id=page.case.pk,
                channel=channel,
                service_id=data.get("service") or None,
                service_type=data.get("service_type", ""),
                recipient=data.get("recipient", ""),
                partner_country=data.get("partner_country", ""),
                urgency=data["urgency"],
                sections=data["sections"],
                message=data.get("message", ""),
                consent_override=data.get("consent_override", ""),
                warning_override=data.get("warning_override", ""),
            )
        except ApplicationError as error:
            # The service asks for a reason: show the form again with the field that gives it.
            if error.code == "referral_warning" or error.code in CONSENT_ERRORS:
                again = send_action(
                    page, channel, data=request.POST,
                    ask_warning=error.code == "referral_warning" or "warning_override" in request.POST,
                    ask_consent=error.code in CONSENT_ERRORS or "consent_override" in request.POST,
                )  # fmt: skip
                again.form.is_valid()
                if error.code == "referral_warning":
                    again.form.warnings = error.extra.get("warnings", [])  # type: ignore[attr-defined]
                error.extra["_action"] = again
            raise

    return case_act(
        request, pk, lambda page, data: send_action(page, channel, data=data), call, _("The referral was sent.")
    )


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
    page = keyset_page(request, queryset, "pk")
    rows = [{"referral": r, "linked": box == "sent" or r.state in OPEN_STATES} for r in page.items]
    context = {
        "box": box, "rows": rows, "page": page, "filter_form": filter_form, "state": state,
        "can_import": user_can(request.user, "add", Referral),
    }  # fmt: skip
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
    }
    if sender_side:
        reveal = referral.case_id is not None and case_allows(user, referral.case, "reveal")
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


def _yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def _ages(profile: dict[str, Any]) -> str:
    low, high = profile.get("age_min"), profile.get("age_max")
    if low is None and high is None:
        return "—"
    if low == high or high is None:
        return str(low)
    return f"{low}–{high}"


def readable_sections(sections: dict[str, Any]) -> list[dict[str, Any]]:
    """The shared sections for people: titles, labelled codes, names as written (the template marks them
    dir="auto"). Only the sections present are returned: what was not shared is simply absent."""
    from tipsom.cases.models import Assessment, CaseType, ServiceDelivery, SupportPlanItem
    from tipsom.people.forms import language_name
    from tipsom.people.models import BirthDatePrecision, PersonContact, PersonName

    readable: list[dict[str, Any]] = []
    for key in Section.values:
        if key not in sections:
            continue
        data = sections[key] or {}
        entry: dict[str, Any] = {"key": key, "title": str(Section(key).label), "facts": [], "rows": []}
        if key == Section.PROFILE:
            entry["facts"] = [
                (_("Type of case"), dict(CaseType.choices).get(data.get("case_type"), data.get("case_type") or "—")),
                (_("Child"), _yes_no(data.get("is_child"))),
                (_("Gender"), code_label("prs_Gender", data["gender"]) if data.get("gender") else "—"),
                (_("Age"), _ages(data)),
                (_("Citizenships"), countries(data.get("citizenships") or [])),
                (_("Languages"), ", ".join(language_name(code) for code in data.get("languages") or []) or "—"),
                (_("Region"), geography.region_name(data["region"][:2], data["region"]) if data.get("region") else "—"),
                (_("Identified on"), data.get("identified_on") or "—"),
            ]
        elif key == Section.IDENTITY:
            kinds = dict(PersonName.Kind.choices)
            entry["names"] = [
                {"kind": kinds.get(n.get("kind"), n.get("kind")), "name": n.get("name"), "latin": n.get("name_latin")}
                for n in data.get("names", [])
            ]
            born = data.get("birth_date")
            precision = dict(BirthDatePrecision.choices).get(data.get("birth_date_precision"), "")
            entry["facts"] = [(_("Date of birth"), f"{born} ({precision})" if born and precision else born or "—")]
        elif key == Section.CONTACT:
            kinds = dict(PersonContact.Kind.choices)
            entry["contacts"] = [
                {"kind": kinds.get(c.get("kind"), c.get("kind")), "value": c.get("value")}
                for c in data.get("contacts", [])
            ]
        elif key == Section.EXPLOITATION:
            entry["facts"] = [
                (_("Forms of exploitation"), labels("vic_TypeOfExploitation", data.get("exploitation_types") or [])),
                (_("Industries"), labels("vic_ForcedLabourIndustry", data.get("industries") or [])),
                (_("Means of control"), labels("vic_MethodsOfControl", data.get("means_of_control") or [])),
                (_("Country of origin"), countries([data.get("origin_country") or ""])),
                (_("Transit countries"), countries(data.get("transit_countries") or [])),
                (_("Country of destination"), countries([data.get("destination_country") or ""])),
            ]
            entry["rows"] = [
                (code_label("hte_Type", e.get("event_type")) if e.get("event_type") else "—",
                 geography.country_name(e.get("country") or ""), e.get("start_date") or "—", e.get("end_date") or "—")
                for e in data.get("events", [])
            ]  # fmt: skip
            entry["columns"] = [_("Event"), _("Country"), _("From"), _("To")]
        elif key == Section.NEEDS:
            kinds, levels = dict(Assessment.Kind.choices), dict(Assessment.Level.choices)
            entry["rows"] = [
                (a.get("assessed_on"), kinds.get(a.get("kind"), a.get("kind")), levels.get(a.get("level"), "—"),
                 labels("spl_Type", a.get("needs") or []))
                for a in data.get("assessments", [])
            ]  # fmt: skip
            entry["columns"] = [_("Assessed on"), _("Kind"), _("Level"), _("Needs")]
        elif key == Section.PLAN:
            statuses = dict(SupportPlanItem.Status.choices)
            outcomes = dict(ServiceDelivery.Outcome.choices)
            entry["rows"] = [
                (code_label("spl_Type", p.get("support_type")), _("Planned"),
                 statuses.get(p.get("status"), p.get("status")), p.get("target_date") or "—")
                for p in data.get("plan", [])
            ] + [
                (code_label("spl_Type", s.get("support_type")), _("Delivered"),
                 outcomes.get(s.get("outcome"), s.get("outcome")), s.get("delivered_on") or "—")
                for s in data.get("services", [])
            ]  # fmt: skip
            entry["columns"] = [_("Type of support"), _("Kind"), _("Status"), _("Date")]
        elif key == Section.CHILD:
            entry["guardian"] = data.get("guardian_name") or ""
            entry["facts"] = [
                (_("Guardian's organization"), data.get("guardian_organization") or "—"),
                (_("Guardian appointed on"), data.get("guardian_appointed_on") or "—"),
                (_("Best-interests assessment"), _code_or_dash(data.get("best_interests"))),
                (_("Family tracing"), _code_or_dash(data.get("family_tracing"))),
                (_("Age assessment"), _code_or_dash(data.get("age_assessment"))),
            ]
        readable.append(entry)
    return readable


def _code_or_dash(value: Any) -> str:
    return str(value).replace("_", " ") if value else "—"


@require_GET
def referral_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = access_referral_by_id(request.user, pk)
    return render(request, "referrals/detail.html", detail_context(request, referral))


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
    return render(request, "referrals/detail.html", detail_context(request, referral, {name: form}),
                  status=submission.status)  # fmt: skip


@require_POST
def referral_accept_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_act(request, pk, "accept", f.VersionForm, lambda data: services.referral_accept(
        actor=request.user, referral_id=pk, version=data["version"]), _("The referral was accepted."))  # fmt: skip


@require_POST
def referral_decline_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_act(request, pk, "decline", f.ReasonForm, lambda data: services.referral_decline(
        actor=request.user, referral_id=pk, version=data["version"], reason=data["reason"]),
        _("The referral was declined."))  # fmt: skip


@require_POST
def referral_start_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_act(request, pk, "start", f.VersionForm, lambda data: services.referral_start(
        actor=request.user, referral_id=pk, version=data["version"]), _("The service was started."))  # fmt: skip


@require_POST
def referral_complete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_act(request, pk, "complete", f.CompleteForm, lambda data: services.referral_complete(
        actor=request.user, referral_id=pk, version=data["version"], outcome=data["outcome"],
        notes=data["notes"], delivered_on=data["delivered_on"].isoformat()),
        _("The referral was completed."))  # fmt: skip


@require_POST
def referral_register_case_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A referral from another country, accepted: register the person and a case here from what was shared."""
    case = services.referral_case_register(actor=request.user, referral_id=pk)
    messages.success(request, _("Case %(number)s was registered from the referral.") % {"number": case.case_number})
    return redirect("cases:detail", pk=case.pk)


@require_POST
def referral_revoke_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _referral_act(request, pk, "revoke", f.ReasonForm, lambda data: services.referral_revoke(
        actor=request.user, referral_id=pk, version=data["version"], reason=data["reason"]),
        _("The referral was revoked."))  # fmt: skip
