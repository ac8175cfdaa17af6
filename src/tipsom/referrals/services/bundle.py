"""Transnational referrals: this deployment's exchange keys, the partner countries' public keys, and the export
and import of signed, encrypted referral bundles (the format and cryptography are in referrals/bundles.py).

The sender's referral keeps the bundle's id, so exporting it again gives the same id and the receiver refuses a
second import. The receiver's referral keeps a receipt id derived from it (uuid5), so that one deployment serving
both countries (and the tests) can hold both rows under the unique constraint."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import access_by_id, user_can
from tipsom.organizations import geography
from tipsom.referrals import bundles
from tipsom.referrals.models import (
    OPEN_STATES,
    Channel,
    ExchangeKey,
    ExchangePeer,
    Referral,
    Section,
    ServiceType,
    State,
    Urgency,
)
from tipsom.referrals.sections import build_sections, normalise_sections
from tipsom.referrals.services.answer import referral_sender_side
from tipsom.referrals.services.referral import referral_audit, referral_link

RECEIPT_NAMESPACE = uuid.UUID("5b0c6a52-0f55-4f8e-9a43-6c1b7f6f1e0d")
VALID_DAYS_MAX = 90


def receipt_id(bundle_id: str) -> uuid.UUID:
    """The id the receiving side files an imported bundle under."""
    return uuid.uuid5(RECEIPT_NAMESPACE, str(bundle_id))


def _require_key_admin(actor: User | None, action: str, model: type) -> None:
    """Keys are managed from the server's command line (actor None) or by a user granted it explicitly."""
    if actor is not None and not user_can(actor, action, model):
        raise NotFound()


def _country(value: Any) -> str:
    errors = check.Errors()
    country = geography.valid_country(errors, "country", value, required=True)
    errors.raise_if_any()
    return country


# Keys ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def exchange_key_create(*, actor: User | None, country: str) -> ExchangeKey:
    """Create this deployment's signing and encryption keys for `country`. Never replaces existing keys: the
    partner countries hold the public halves, and a silent change would make every bundle fail."""
    _require_key_admin(actor, "add", ExchangeKey)
    country = _country(country)
    if ExchangeKey.objects.filter(country=country).exists():
        raise ApplicationError(
            "exchange_key_exists",
            _("Exchange keys for %(country)s exist already; they are never replaced silently.") % {"country": country},
            status=409,
        )
    keys = bundles.generate_keys()
    key = ExchangeKey.objects.create(
        country=country,
        signing_private=keys.signing_private,
        encryption_private=keys.encryption_private,
        signing_public=keys.signing_public,
        encryption_public=keys.encryption_public,
    )
    audit_record(actor=actor, action="exchange_key.create", target=key, changes={"country": country})
    return key


def exchange_public_keys(country: str) -> dict[str, str]:
    """What this deployment's administrators send to a partner country (`tipsom referral peer-add` there)."""
    key = ExchangeKey.objects.filter(country=str(country).upper()).first()
    if key is None:
        raise ApplicationError(
            "exchange_key_missing",
            _("There are no exchange keys for %(country)s here; create them with `tipsom referral keys --create`.")
            % {"country": str(country)[:2]},
            status=404,
        )
    return {
        "country": key.country,
        "signing_public": key.signing_public,
        "encryption_public": key.encryption_public,
        "fingerprint": bundles.fingerprint(key.signing_public),
    }


@transaction.atomic
def exchange_peer_add(
    *, actor: User | None, country: str, name: str, signing_public: str, encryption_public: str
) -> ExchangePeer:
    """Record a partner country's public keys, as its administrators shared them."""
    _require_key_admin(actor, "add", ExchangePeer)
    errors = check.Errors()
    country = geography.valid_country(errors, "country", country, required=True)
    name = check.line(errors, "name", name, required=True, max_length=200)
    for field, value in (("signing_public", signing_public), ("encryption_public", encryption_public)):
        if bundles.public_key_bytes(value) is None:
            errors[field] = _("Paste the key as it was shared: 32 bytes in base64 (44 characters).")
    errors.raise_if_any()
    if ExchangePeer.objects.filter(country=country).exists():
        raise ApplicationError(
            "exchange_peer_exists",
            _("Keys for %(country)s were added already; they are never replaced silently.") % {"country": country},
            status=409,
        )
    peer = ExchangePeer.objects.create(
        country=country, name=name, signing_public=signing_public.strip(), encryption_public=encryption_public.strip()
    )
    audit_record(
        actor=actor,
        action="exchange_peer.add",
        target=peer,
        changes={"country": country, "fingerprint": bundles.fingerprint(peer.signing_public)},
    )
    return peer


# Export -------------------------------------------------------------------------------------------------------


def _consent(referral: Referral) -> str:
    return "emergency_override" if referral.consent_override else "given"


def bundle_payload(referral: Referral) -> dict[str, Any]:
    """What crosses the border: the referral's header and the shared sections, nothing else of the case."""
    case = referral.case
    if case is None:
        raise ValueError("only a referral of a case goes abroad")
    sender = referral.from_organization
    return {
        "referral": {
            "service_type": referral.service_type,
            "urgency": referral.urgency,
            "message": referral.message,
            "recipient": referral.recipient,
            "sections": list(referral.sections),
            "consent": _consent(referral),
            "sent_at": referral.sent_at.isoformat(),
            "sender": {
                "organization": sender.name if sender else "",
                "phone": sender.phone if sender else "",
                "email": sender.email if sender else "",
                "case_number": case.case_number,
            },
        },
        "sections": build_sections(case, referral.sections),
    }


@transaction.atomic
def referral_bundle_export(*, actor: User, referral_id: Any, valid_days: int = 14, to: str = "") -> bytes:
    """The signed, encrypted bundle of an open referral abroad, for its sender to hand to the other country
    (`to`, when given, must be the referral's). Consent was checked when the referral was sent. Exporting
    again gives the same bundle id."""
    queryset = Referral.objects.select_related("case", "case__person", "from_organization").select_for_update(
        of=("self",)
    )
    referral = access_by_id(Referral, actor, referral_id, "change", queryset=queryset)
    if referral.channel != Channel.ABROAD or not referral_sender_side(actor, referral):
        raise NotFound()
    if referral.state not in OPEN_STATES:
        raise ApplicationError(
            "referral_closed",
            _("This referral is %(state)s: only an open referral is sent abroad.")
            % {"state": referral.get_state_display().lower()},
            status=409,
        )
    if to and str(to).upper() != referral.partner_country:
        raise ApplicationError(
            "bundle_wrong_receiver",
            _("This referral goes to %(country)s, not to %(to)s.")
            % {"country": referral.partner_country, "to": str(to)[:2]},
            {"field": "to"},
        )
    if not isinstance(valid_days, int) or not 1 <= valid_days <= VALID_DAYS_MAX:
        raise ApplicationError(
            "invalid",
            _("A bundle is valid for 1 to %(max)s days.") % {"max": VALID_DAYS_MAX},
            {"field": "valid_days"},
        )
    own = ExchangeKey.objects.filter(country=referral.country).first()
    if own is None:
        raise ApplicationError(
            "exchange_key_missing",
            _(
                "This country has no exchange keys yet; an administrator creates them with "
                "`tipsom referral keys --create`."
            ),
            status=409,
        )
    peer = ExchangePeer.objects.filter(country=referral.partner_country, is_active=True).first()
    if peer is None:
        raise ApplicationError(
            "exchange_peer_missing",
            _("tipsom here has no keys for that country's tipsom; an administrator adds them first."),
            status=409,
        )
    bundle_id = str(referral.bundle_id or uuid.uuid4())
    now = timezone.now().astimezone(UTC).replace(microsecond=0)
    content = bundles.seal(
        payload={"bundle_id": bundle_id, **bundle_payload(referral)},
        bundle_id=bundle_id,
        sender_country=referral.country,
        receiver_country=peer.country,
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
        signing_private=own.signing_private,
        signing_public=own.signing_public,
        receiver_encryption_public=peer.encryption_public,
    )
    if referral.bundle_id is None:
        Referral.objects.filter(pk=referral.pk).update(bundle_id=bundle_id)
        referral.bundle_id = uuid.UUID(bundle_id)
    referral_audit(
        actor,
        "referral.bundle_export",
        referral,
        {"bundle_id": bundle_id, "to": peer.country, "sections": referral.sections, "valid_days": valid_days},
    )
    return content


# Import -------------------------------------------------------------------------------------------------------


def _payload_fields(payload: dict[str, Any]) -> tuple[str, str, list[str], str]:
    """The service type, urgency, sections and message the sender sealed, checked like any input."""
    header = payload.get("referral")
    header = header if isinstance(header, dict) else {}
    service_type = header.get("service_type")
    urgency = header.get("urgency")
    sections = normalise_sections(header.get("sections"))
    message = header.get("message", "")
    if (
        service_type not in ServiceType.values
        or urgency not in Urgency.values
        or sections is None
        or not isinstance(message, str)
        or not isinstance(payload.get("sections"), dict)
        or not set(payload["sections"]) <= set(Section.values)
    ):
        raise bundles.invalid(_("This referral bundle's contents are not a referral this tipsom can read."))
    return service_type, urgency, sections, message


@transaction.atomic
def referral_bundle_import(*, actor: User, content: bytes, now: datetime | None = None) -> Referral:
    """Check and open a bundle from another country's tipsom and file it as a referral to the importer's
    organization, which reviews and answers it. Any refusal writes nothing."""
    from tipsom.referrals.services.directory import response_hours

    organization = actor.organization
    if not user_can(actor, "add", Referral) or organization is None:
        raise NotFound()
    envelope = bundles.parse(content)
    own = ExchangeKey.objects.filter(country=envelope.receiver_country).first()
    if own is None or organization.country != envelope.receiver_country:
        raise ApplicationError(
            "bundle_wrong_receiver",
            _("This bundle is meant for another receiver (%(country)s), not for this organization's tipsom.")
            % {"country": envelope.receiver_country},
        )
    peer = ExchangePeer.objects.filter(country=envelope.sender_country, is_active=True).first()
    if peer is None:
        raise ApplicationError(
            "bundle_unknown_sender",
            _(
                "This bundle comes from %(country)s, whose tipsom is not a known partner here; an administrator "
                "adds its keys first."
            )
            % {"country": envelope.sender_country},
        )
    bundles.verify(envelope, peer.signing_public)
    now = now or timezone.now()
    bundles.check_expiry(envelope, now)
    receipt = receipt_id(envelope.bundle_id)
    if Referral.objects.filter(bundle_id=receipt).exists():
        raise ApplicationError(
            "bundle_already_imported", _("This bundle was imported already; nothing was changed."), status=409
        )
    payload = bundles.open_payload(envelope, own.encryption_private)
    service_type, urgency, sections, message = _payload_fields(payload)
    referral = Referral.objects.create(
        case=None,
        channel=Channel.FROM_ABROAD,
        from_organization=None,
        to_organization=organization,
        service_type=service_type,
        country=envelope.receiver_country,
        partner_country=envelope.sender_country,
        urgency=urgency,
        sections=sections,
        message=message,
        state=State.SENT,
        due_at=now + timedelta(hours=response_hours(envelope.receiver_country, urgency)),
        sent_at=now,
        created_by=actor,
        bundle_id=receipt,
        payload=json.dumps(payload, ensure_ascii=False),
    )
    referral_audit(
        actor,
        "referral.bundle_import",
        referral,
        {
            "bundle_id": envelope.bundle_id,
            "from": envelope.sender_country,
            "service_type": service_type,
            "urgency": urgency,
            "sections": sections,
        },
    )
    from tipsom.notifications.services import notify_organization

    notify_organization(
        organization_id=organization.pk,
        kind="referral_from_abroad",
        params={
            "service_type": service_type,
            "urgency": urgency,
            "country": envelope.sender_country,
            "due_at": referral.due_at.isoformat(),
            "referral": referral.pk,
        },
        link=referral_link(referral),
        action="change",
        model=Referral,
    )
    return referral
