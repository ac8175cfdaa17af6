"""The case page's Referrals tab: the case's referrals, suggested services, sending (on tipsom, by letter or
abroad) and transfers of ownership. Its URLs join the case's own (referrals/urls/case.py, through the registry);
its actions answer as the case page's own do (cases.views.case_actions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tipsom.cases.models import Consent
from tipsom.cases.models.choices import consent_service_types_for
from tipsom.cases.selectors import access_case_by_id
from tipsom.cases.views.case_context import ActionForm, CasePage
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import user_can
from tipsom.referrals import services
from tipsom.referrals.forms import referral as f
from tipsom.referrals.models import (
    Channel,
    Referral,
    Section,
    ServiceType,
    Transfer,
)
from tipsom.referrals.sections import minimum_sections
from tipsom.referrals.selectors.referral import (
    case_owner_history,
    case_referrals,
    case_transfers,
    partner_countries,
)

TAB = "referrals"
TAB_TEMPLATE = "referrals/case_tab.html"
SEND_FORM = "referrals/_send_form.html"
SERVICE_CHOICES_LIMIT = 500
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


def _services(page: CasePage) -> list[Any]:
    """The country's active services, for the service select (the directory's own narrowing)."""
    from tipsom.referrals.selectors.directory import service_search

    return list(
        service_search(user=page.user, filters={})
        .filter(country=page.case.country, organization__is_active=True)
        .order_by("service_type", "name", "pk")[:SERVICE_CHOICES_LIMIT]
    )


def _service_choices(found: list[Any]) -> list[tuple[str, str]]:
    type_labels = dict(ServiceType.choices)
    return [(str(s.pk), _service_label(s, type_labels)) for s in found]


def _service_label(service: Any, type_labels: dict[str, Any]) -> str:
    kind = type_labels.get(service.service_type, service.service_type)
    label = f"{kind}: {service.name} ({service.organization.name})"
    if service.capacity_available is not None:
        label += " · " + _("%(count)s free") % {"count": service.capacity_available}
    return label


def _partner_countries() -> list[tuple[str, str]]:
    codes = partner_countries()
    return f.partner_country_choices(list(codes))


def _consent_initial(page: CasePage, service_type: str) -> dict[str, Any]:
    """The inline consent starts from today, the usual giver, and the types of service already agreed (a new
    consent replaces the one in force) with the referral's own added."""
    from django.utils import timezone

    from tipsom.cases.services import consent_current

    current = consent_current(page.case).get(Consent.Purpose.REFERRAL)
    agreed = list(current.service_types) if current is not None and current.given else []
    return {
        "record_consent": True,
        "given_by": Consent.GivenBy.GUARDIAN if page.case.is_child else Consent.GivenBy.PERSON,
        "recorded_on": timezone.localdate(),
        "service_types": list(dict.fromkeys([*agreed, *consent_service_types_for(service_type)])),
    }


def send_action(
    page: CasePage,
    channel: str,
    *,
    data: Any = None,
    service_id: str = "",
    service_type: str = "",
    ask_warning: bool = False,
    ask_consent: bool = False,
) -> ActionForm:
    """The send form of one channel, as the case page lays it out. `service_id` (on tipsom) or `service_type` (by
    letter or abroad) opens it with that choice made and the sections it needs ticked: the same ticks as choosing
    it from the form's own list (the list's options carry them for the form's script)."""
    initial: dict[str, Any] = {"channel": channel, "sections": [Section.PROFILE.value]}
    opened = False
    found = _services(page) if channel == Channel.SYSTEM else []
    services_list = _service_choices(found) if channel == Channel.SYSTEM else None
    if channel == Channel.SYSTEM:
        sections_by_choice = {str(s.pk): minimum_sections(s.service_type) for s in found}
    else:
        sections_by_choice = {value: minimum_sections(value) for value in ServiceType.values}
    chosen_type = ""
    if service_id and services_list and service_id in dict(services_list):
        from tipsom.referrals.selectors.directory import access_service_by_id

        chosen = access_service_by_id(page.user, service_id)
        chosen_type = chosen.service_type
        initial.update(service=str(chosen.pk), sections=minimum_sections(chosen.service_type))
        opened = True
    elif service_type in ServiceType.values and channel != Channel.SYSTEM:
        chosen_type = service_type
        initial.update(service_type=service_type, sections=minimum_sections(service_type))
        opened = True
    consent_initial = None
    if data is not None:
        chosen_type = _posted_type(data, channel, found)
    if _asks_consent(data, ask_consent):
        consent_initial = _consent_initial(page, chosen_type)
        if data is not None and not _asks_consent(data, False):
            data = _with_consent(data, consent_initial)  # asked for the first time: start from the usual answer
    form = f.ReferralSendForm(
        data,
        channel=channel,
        services=services_list,
        partner_countries=_partner_countries() if channel == Channel.ABROAD else None,
        ask_warning=ask_warning,
        ask_consent=ask_consent,
        consent_initial=consent_initial,
        sections_by_choice=sections_by_choice,
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


def _with_consent(data: Any, initial: dict[str, Any]) -> Any:
    """The posted form with the inline consent's starting values, for the form shown when consent is first asked."""
    data = data.copy()
    data["record_consent"] = "on"
    data["consent_given_by"] = initial["given_by"]
    data["consent_recorded_on"] = initial["recorded_on"].isoformat()
    data.setlist("consent_service_types", initial["service_types"])
    data["consent_override"] = ""
    return data


def _asks_consent(data: Any, ask_consent: bool) -> bool:
    return ask_consent or (data is not None and ("consent_override" in data or "record_consent" in data))


def _posted_type(data: Any, channel: str, found: list[Any]) -> str:
    """The type of service the posted form chose, for the inline consent's pre-ticked box."""
    if channel != Channel.SYSTEM:
        return str(data.get("service_type", ""))
    service = next((s for s in found if str(s.pk) == str(data.get("service", ""))), None)
    return service.service_type if service is not None else ""


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
    page: CasePage,
    *,
    errors: ActionForm | None = None,
    notice: str = "",
    service_id: str = "",
    letter_type: str = "",
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
            fresh = send_action(
                page,
                channel,
                service_id=service_id if channel == Channel.SYSTEM else "",
                service_type=letter_type if channel == Channel.LETTER else "",
            )
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
    service_id, letter_type = request.GET.get("service", ""), request.GET.get("letter", "")
    if request.htmx and not request.htmx.history_restore_request:
        response = render_tab_partial(request, page, service_id=service_id, letter_type=letter_type)
    else:
        response = render_tab_page(request, page, service_id=service_id, letter_type=letter_type)
    # The same address answers a partial or the whole page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def case_act(
    request: AuthenticatedHttpRequest,
    pk: int,
    build: Callable[[CasePage, Any], ActionForm],
    call: Callable[..., Any],
    done: str,
    after: Callable[[Any], str | None] | None = None,
) -> HttpResponse:
    """One action of the Referrals tab, answered as the case page answers its own (see cases.views.case_actions):
    `build(page, data)` makes the form, `call(page, action)` calls the service and may raise ApplicationError;
    a refusal may ask for a different form (`error.extra["_action"]`). `after(result)` may name the page to go
    to on success instead of the tab (a letter's referral: its page offers the letter at once)."""
    page = CasePage(request, access_case_by_id(request.user, pk, "change"))
    action = build(page, request.POST)
    status = 400
    if action.form.is_valid():
        try:
            result = call(page, action)
        except NotFound:
            raise
        except ApplicationError as error:
            action = error.extra.pop("_action", None) or action
            form_add_application_error(action.form, error)
            status = error.status_code
        else:
            elsewhere = after(result) if after is not None else None
            if elsewhere:
                messages.success(request, done)
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = elsewhere
                    return response
                return redirect(elsewhere)
            fresh = CasePage(request, access_case_by_id(request.user, pk))
            if request.htmx:
                return render_tab_partial(request, fresh, notice=done)
            messages.success(request, done)
            return redirect(reverse("cases:referrals", kwargs={"pk": pk}))
    if request.htmx:
        template = SEND_FORM if action.name.startswith("referral_send_") else "cases/partials/action_form.html"
        response = render(request, template, {"action": action, "case": page.case}, status=status)
        response["HX-Retarget"] = f"#{action.form_id}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render_tab_page(request, page, errors=action, status=status)


@require_POST
def case_referral_send_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send a referral; when consent is missing the form comes back with "record consent now" (or an emergency
    reason), keeping everything typed; with the consent recorded, the referral goes out in the same step."""
    channel = request.POST.get("channel", Channel.SYSTEM)
    if channel not in (Channel.SYSTEM, Channel.LETTER, Channel.ABROAD):
        channel = Channel.SYSTEM

    def call(page: CasePage, action: ActionForm) -> Referral:
        data = action.form.service_data()  # type: ignore[attr-defined]
        consent = action.form.consent_data()  # type: ignore[attr-defined]
        send = {
            "channel": channel,
            "service_id": data.get("service") or None,
            "service_type": data.get("service_type", ""),
            "recipient": data.get("recipient", ""),
            "partner_country": data.get("partner_country", ""),
            "urgency": data["urgency"],
            "sections": data["sections"],
            "message": data.get("message", ""),
            "warning_override": data.get("warning_override", ""),
        }
        try:
            if consent is not None:
                return services.referral_send_with_consent(
                    actor=request.user, case_id=page.case.pk, consent=consent, **send
                )
            return services.referral_send(
                actor=request.user, case_id=page.case.pk, consent_override=data.get("consent_override", ""), **send
            )
        except ApplicationError as error:
            # The service asks for a reason or a consent: show the form again with the fields that give them.
            if error.code == "referral_warning" or error.code in CONSENT_ERRORS:
                again = send_action(
                    page,
                    channel,
                    data=request.POST,
                    ask_warning=error.code == "referral_warning" or "warning_override" in request.POST,
                    ask_consent=error.code in CONSENT_ERRORS or "consent_override" in request.POST,
                )
                again.form.is_valid()
                if error.code == "referral_warning":
                    again.form.warnings = error.extra.get("warnings", [])  # type: ignore[attr-defined]
                error.extra["_action"] = again
            raise

    def after(referral: Referral) -> str | None:
        # A letter goes by hand: its page offers the letter at once.
        if referral.channel == Channel.LETTER:
            return reverse("referrals:detail", kwargs={"pk": referral.pk}) + "?sent=letter"
        return None

    done = _("The referral was recorded.") if channel == Channel.LETTER else _("The referral was sent.")
    return case_act(request, pk, lambda page, data: send_action(page, channel, data=data), call, done, after)
