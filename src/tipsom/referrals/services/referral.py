"""Referrals: sending from a case (consent-gated), the time-limited access grant, and expiry; the helpers every
referral service shares (its notifications, audit and reasons). Answering is answer.py."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.cases.models import Case
from tipsom.cases.services import consent_require
from tipsom.cases.services.case import access_case, require_open
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.permissions import access_by_id, user_can
from tipsom.organizations import geography
from tipsom.referrals.models import (
    LIVE_STATES,
    OPEN_STATES,
    SUPPORT_TYPE,
    Channel,
    ExchangePeer,
    Referral,
    ResponseTime,
    Service,
    ServiceType,
    State,
    Urgency,
)
from tipsom.referrals.sections import build_sections, normalise_sections

# Marked for extraction here, translated where raised.
STALE = gettext_noop("Someone else changed this referral after you opened it. Reload it and try again.")
OVERRIDE_MIN = 10
RETURN = "Return"


def referral_link(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"pk": referral.pk})


def referral_params(referral: Referral, organization: Any = None) -> dict[str, Any]:
    """What a notification may say: no name, no free text."""
    return {
        "service_type": referral.service_type,
        "urgency": referral.urgency,
        "case_number": referral.case.case_number if referral.case is not None else "",
        "organization": organization.name if organization is not None else "",
        "due_at": referral.due_at.isoformat(),
        "referral": referral.pk,
    }


def referral_notify(organization_id: int | None, kind: str, referral: Referral, **extra: Any) -> None:
    from tipsom.notifications.services import notify_organization

    if organization_id is None:
        return
    other = referral.to_organization if organization_id == referral.from_organization_id else referral.from_organization
    notify_organization(
        organization_id=organization_id,
        kind=kind,
        params={**referral_params(referral, other), **extra},
        link=referral_link(referral),
        action="change",
        model=Referral,
    )


def referral_audit(
    actor: User | None, action: str, referral: Referral, changes: dict[str, Any] | None = None, **kwargs: Any
) -> None:
    # Filed under the organization whose case it is, so its auditors see who looked at the case.
    organization = referral.case.owner_organization_id if referral.case is not None else referral.to_organization_id
    audit_record(
        actor=actor, action=action, target=referral, organization=organization, changes=changes or {}, **kwargs
    )


def reason_text(errors: check.Errors, field: str, value: Any, message: str, *, minimum: int = 3) -> str:
    text = check.text(errors, field, value, max_length=1000)
    if field not in errors and len(text) < minimum:
        errors[field] = message
    return text


# Sending ------------------------------------------------------------------------------------------------------


def referral_warnings(service: Service, case: Case) -> list[dict[str, str]]:
    """Why this service may not suit this case (no place free, not serving the profile): each needs a reason."""
    from tipsom.referrals.selectors.directory import WARNING_MESSAGES, service_warnings

    return [{"code": code, "message": str(WARNING_MESSAGES[code])} for code in service_warnings(service, case)]


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case_id: Any,
    channel: str = Channel.SYSTEM,
    service_id: Any = None,
    service_type: str = "",
    recipient: str = "",
    partner_country: str = "",
    urgency: str = Urgency.ROUTINE,
    sections: Any = None,
    message: str = "",
    consent_override: str = "",
    warning_override: str = "",
) -> Referral:
    """Refer the person of a case to a service: on tipsom (`service_id`), by letter to an organization that is
    not on tipsom (`recipient`), or to another country's tipsom (`partner_country`, then export a bundle).

    Consent for referral to this type of service is required, unless `consent_override` says why this is an
    emergency: that is audited and the sender's supervisors are told. A service with no place free, or that
    does not serve the person's profile, needs `warning_override` to say why to refer anyway."""
    from tipsom.referrals.services.directory import response_hours

    case = access_case(actor, case_id)
    if not user_can(actor, "add", Referral):
        raise NotFound()
    require_open(case)
    errors = check.Errors()
    if channel not in (Channel.SYSTEM, Channel.LETTER, Channel.ABROAD):
        errors["channel"] = _("Unknown value: %(value)s.") % {"value": str(channel)[:60]}
    urgency = check.choice(errors, "urgency", Urgency, urgency)
    service = None
    if channel == Channel.SYSTEM:
        service = (
            Service.objects.select_related("organization")
            .filter(pk=check.pk_of(service_id), country=case.country, is_active=True, organization__is_active=True)
            .first()
        )
        if service is None:
            errors["service"] = _("Choose an active service of this country.")
        else:
            service_type = service.service_type
    else:
        service_type = check.choice(errors, "service_type", ServiceType, service_type)
        recipient = check.line(errors, "recipient", recipient, required=True, max_length=300)
    if channel == Channel.ABROAD:
        partner_country = geography.valid_country(errors, "partner_country", partner_country, required=True)
        if partner_country and "partner_country" not in errors:
            if partner_country == case.country:
                errors["partner_country"] = _("Choose another country: this one is served here.")
            elif not ExchangePeer.objects.filter(country=partner_country, is_active=True).exists():
                errors["partner_country"] = _(
                    "tipsom here has no keys for that country's tipsom; an administrator adds them first."
                )
    chosen = normalise_sections(sections if sections is not None else [])
    if chosen is None:
        errors["sections"] = _("Choose sections from the list.")
    message = check.text(errors, "message", message)
    consent_override = check.text(errors, "consent_override", consent_override, max_length=1000)
    warning_override = check.text(errors, "warning_override", warning_override, max_length=1000)
    errors.raise_if_any()

    if service is not None and Referral.objects.filter(case=case, service=service, state__in=OPEN_STATES).exists():
        raise Conflict(_("This case already has an open referral to this service."), {"code": "already_referred"})
    try:
        consent_require(case, "referral", SUPPORT_TYPE[ServiceType(service_type)])
        consent_override = ""
    except ApplicationError:
        if len(consent_override) < OVERRIDE_MIN:
            raise
    warnings = referral_warnings(service, case) if service is not None else []
    if warnings and len(warning_override) < OVERRIDE_MIN:
        raise ApplicationError(
            "referral_warning",
            _("Check before you refer: %(problems)s Say why you refer anyway (at least 10 characters).")
            % {"problems": " ".join(w["message"] for w in warnings)},
            {"warnings": warnings, "field": "warning_override"},
            status=409,
        )
    now = timezone.now()
    referral = Referral.objects.create(
        case=case,
        channel=channel,
        from_organization_id=actor.organization_id,
        to_organization=service.organization if service is not None else None,
        service=service,
        service_type=service_type,
        country=case.country,
        recipient=recipient if service is None else "",
        partner_country=partner_country if channel == Channel.ABROAD else "",
        urgency=urgency,
        sections=chosen,
        message=message,
        consent_override=consent_override,
        warning_override=warning_override if warnings else "",
        warnings=[w["code"] for w in warnings],
        due_at=now + timedelta(hours=response_hours(case.country, urgency)),
        sent_at=now,
        created_by=actor,
    )
    referral_audit(
        actor,
        "referral.send",
        referral,
        {
            "case": case.pk,
            "channel": channel,
            "service": service.pk if service else None,
            "service_type": service_type,
            "urgency": urgency,
            "sections": chosen,
            "warnings": referral.warnings,
        },
    )
    if consent_override:
        referral_audit(actor, "referral.consent_override", referral, {"case": case.pk}, reason=consent_override)
        from tipsom.notifications.services import notify_organization

        notify_organization(
            organization_id=case.owner_organization_id,
            kind="consent_override",
            params={**referral_params(referral), "user": actor.username},
            link=referral_link(referral),
            roles=["case_supervisor"],
        )
    if service is not None:
        referral_notify(service.organization_id, "referral_received", referral)
    return referral


@transaction.atomic
def referral_send_with_consent(*, actor: User, case_id: Any, consent: dict[str, Any], **send: Any) -> Referral:
    """Record the person's consent for referral (cases' consent_record, its rules and audit) and send the referral
    (referral_send's arguments in `send`), in one transaction: if either is refused, neither is saved.

    `consent`: given_by, recorded_on, service_types. Its errors name the form's fields with a "consent_" prefix
    (consent_given_by, ...), so a refusal lands next to the field that caused it."""
    from tipsom.cases.services import consent_record

    try:
        consent_record(
            actor=actor,
            case_id=case_id,
            purpose="referral",
            given=True,
            recorded_on=consent.get("recorded_on"),
            given_by=consent.get("given_by") or "",
            service_types=list(consent.get("service_types") or []),
        )
    except ApplicationError as error:
        fields = error.extra.get("fields")
        if isinstance(fields, dict):
            error.extra["fields"] = {f"consent_{name}": message for name, message in fields.items()}
        raise
    return referral_send(actor=actor, case_id=case_id, **send)


# The access grant ----------------------------------------------------------------------------------------------


def referral_receiver_may_open(actor: User, referral: Referral) -> bool:
    """The receiver sees a referral while it is open: enough to decide when sent, the shared sections while
    accepted or in progress. Declined, revoked, expired and completed referrals are closed to it."""
    return actor.organization_id == referral.to_organization_id and referral.state in OPEN_STATES


@transaction.atomic
def referral_shared_open(*, actor: User, referral_id: Any, via: str = "web") -> tuple[Referral, dict[str, Any]]:
    """The receiver's look at the sections shared with it, only while the referral is live; audited each time.
    Anyone else, or at any other time, gets NotFound."""
    queryset = Referral.objects.select_related("case", "case__person", "from_organization", "to_organization")
    referral = access_by_id(Referral, actor, referral_id, "view", queryset=queryset)
    if actor.organization_id != referral.to_organization_id or referral.state not in LIVE_STATES:
        raise NotFound()
    if referral.channel == Channel.FROM_ABROAD:  # what the other country sent, even once a case is registered
        sections = json.loads(referral.payload or "{}").get("sections", {})
    else:
        assert referral.case is not None  # only a referral from abroad comes without a case
        sections = build_sections(referral.case, referral.sections)
    referral_audit(actor, "referral.access", referral, {"sections": referral.sections, "via": via})
    return referral, sections


# Expiry ------------------------------------------------------------------------------------------------------


def referrals_expire_due(*, now: Any = None) -> dict[str, int]:
    """The scheduled job (`tipsom referral tick`): referrals nobody answered in time expire and are flagged;
    accepted referrals not started within the same time are flagged overdue. Each is notified."""
    from tipsom.referrals.services.directory import response_hours

    now = now or timezone.now()
    expired = flagged = 0
    due = Referral.objects.filter(state=State.SENT, due_at__lt=now).values_list("pk", flat=True)
    for pk in list(due[:10000]):
        with transaction.atomic():
            if Referral.objects.filter(pk=pk, state=State.SENT, due_at__lt=now).update(
                state=State.EXPIRED, overdue=True, ended_at=now, version=F("version") + 1
            ):
                referral = Referral.objects.select_related("case", "from_organization", "to_organization").get(pk=pk)
                referral_audit(None, "referral.expire", referral, {"due_at": referral.due_at.isoformat()})
                referral_notify(referral.from_organization_id, "referral_expired", referral)
                referral_notify(referral.to_organization_id, "referral_expired", referral)
                expired += 1
    shortest = min(settings.TIPSOM_REFERRAL_RESPONSE_HOURS.values(), default=1)
    shortest = min([shortest, *ResponseTime.objects.values_list("hours", flat=True)])
    late = Referral.objects.filter(
        state=State.ACCEPTED, overdue=False, responded_at__lt=now - timedelta(hours=shortest)
    ).select_related("case", "from_organization", "to_organization")
    for referral in late.iterator():
        hours = response_hours(referral.country, referral.urgency)
        if referral.responded_at and referral.responded_at + timedelta(hours=hours) < now:
            with transaction.atomic():
                if Referral.objects.filter(pk=referral.pk, state=State.ACCEPTED, overdue=False).update(overdue=True):
                    referral_audit(None, "referral.overdue", referral)
                    referral_notify(referral.from_organization_id, "referral_overdue", referral)
                    referral_notify(referral.to_organization_id, "referral_overdue", referral)
                    flagged += 1
    return {"expired": expired, "overdue": flagged}
