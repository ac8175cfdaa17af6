"""Answering a referral: accept, decline, start, complete (a service delivered on the case), revoke, and
registering the case of a referral from abroad.

Every change of state is one conditional UPDATE on (id, state, version): of two users answering the same
referral at the same moment exactly one succeeds, on SQLite and PostgreSQL alike, and the other gets a 409."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.cases.models import Case, ServiceDelivery
from tipsom.cases.services.status import child_steps_error
from tipsom.core import validation as check
from tipsom.core.date_formats import format_datetime
from tipsom.core.errors import ApplicationError, Conflict
from tipsom.core.permissions import access_by_id
from tipsom.referrals.models import (
    LIVE_STATES,
    OPEN_STATES,
    SUPPORT_TYPE,
    Channel,
    Referral,
    ServiceType,
    State,
)
from tipsom.referrals.services.referral import (
    RETURN,
    STALE,
    reason_text,
    referral_audit,
    referral_notify,
)

# Answering ----------------------------------------------------------------------------------------------------


def referral_sender_side(actor: User, referral: Referral) -> bool:
    if referral.channel == Channel.FROM_ABROAD:
        return False
    if actor.organization_id == referral.from_organization_id:
        return True
    if referral.case_id is None:
        return False
    return Case.objects.restrict(actor, "change").filter(pk=referral.case_id).exists()


def _is_receiver(actor: User, referral: Referral) -> bool:
    """Who records the answer: the receiving organization, or for a letter or a referral abroad the sender,
    recording what the other side said."""
    if referral.channel in (Channel.SYSTEM, Channel.FROM_ABROAD):
        return actor.organization_id == referral.to_organization_id
    return referral_sender_side(actor, referral)


def _referral(actor: User, referral_id: Any) -> Referral:
    queryset = Referral.objects.select_related("case", "from_organization", "to_organization")
    return access_by_id(Referral, actor, referral_id, "change", queryset=queryset)


_VERBS: dict[str, str] = {
    State.ACCEPTED: gettext_noop("accepted"),
    State.DECLINED: gettext_noop("declined"),
    State.IN_PROGRESS: gettext_noop("started"),
    State.COMPLETED: gettext_noop("completed"),
    State.REVOKED: gettext_noop("revoked"),
    State.EXPIRED: gettext_noop("expired"),
}


def _state_error(current: Referral, target: str) -> ApplicationError:
    if current.state == State.REVOKED:
        return ApplicationError(
            "referral_revoked", _("The sender revoked this referral; nothing was changed."), status=409
        )
    if current.state == State.EXPIRED:
        return ApplicationError(
            "referral_expired", _("This referral expired: nobody answered in time; nothing was changed."), status=409
        )
    return ApplicationError(
        "invalid_transition",
        _("This referral is %(state)s: it cannot be %(verb)s now. Reload it to see where it stands.")
        % {"state": current.get_state_display().lower(), "verb": _(_VERBS.get(target, target))},
        {"state": current.state},
        status=409,
    )


def _transition(referral: Referral, from_states: tuple[str, ...], target: str, version: Any, **fields: Any) -> None:
    """Move to `target` only if the row is still in one of `from_states` (and at `version`, when given)."""
    check.check_version(referral, version, _(STALE))
    if referral.state not in from_states:
        raise _state_error(referral, target)
    updated = Referral.objects.filter(pk=referral.pk, state__in=from_states, version=referral.version).update(
        state=target, version=F("version") + 1, **fields
    )
    if not updated:
        current = Referral.objects.get(pk=referral.pk)
        if current.state in from_states:
            raise Conflict(_(STALE), {"current_version": current.version})
        raise _state_error(current, target)
    referral.refresh_from_db()


def _require_receiver(actor: User, referral: Referral) -> None:
    if not _is_receiver(actor, referral):
        raise ApplicationError(
            "not_receiver", _("Only the organization that received this referral answers it."), status=403
        )


@transaction.atomic
def referral_accept(*, actor: User, referral_id: Any, version: Any = None) -> Referral:
    referral = _referral(actor, referral_id)
    _require_receiver(actor, referral)
    now = timezone.now()
    if referral.state == State.SENT and referral.due_at < now:
        raise ApplicationError(
            "referral_expired",
            _("The time to answer this referral ran out at %(due)s; it can no longer be accepted.")
            % {"due": format_datetime(referral.due_at)},
            status=409,
        )
    _transition(referral, (State.SENT,), State.ACCEPTED, version, responded_at=now, responded_by=actor)
    referral_audit(actor, "referral.accept", referral)
    referral_notify(referral.from_organization_id, "referral_accepted", referral)
    return referral


@transaction.atomic
def referral_decline(*, actor: User, referral_id: Any, reason: str, version: Any = None) -> Referral:
    referral = _referral(actor, referral_id)
    _require_receiver(actor, referral)
    errors = check.Errors()
    reason = reason_text(errors, "reason", reason, _("Say why the referral is declined."))
    errors.raise_if_any()
    now = timezone.now()
    _transition(
        referral,
        (State.SENT,),
        State.DECLINED,
        version,
        responded_at=now,
        responded_by=actor,
        ended_at=now,
        decline_reason=reason,
    )
    referral_audit(actor, "referral.decline", referral)
    referral_notify(referral.from_organization_id, "referral_declined", referral)
    return referral


@transaction.atomic
def referral_start(*, actor: User, referral_id: Any, version: Any = None) -> Referral:
    referral = _referral(actor, referral_id)
    _require_receiver(actor, referral)
    _transition(referral, (State.ACCEPTED,), State.IN_PROGRESS, version, started_at=timezone.now())
    referral_audit(actor, "referral.start", referral)
    referral_notify(referral.from_organization_id, "referral_started", referral)
    return referral


@transaction.atomic
def referral_complete(
    *, actor: User, referral_id: Any, outcome: str, notes: str = "", delivered_on: Any = None, version: Any = None
) -> Referral:
    """The service was given (or not): the outcome goes back on the case as a service delivered, and the
    receiver's access to the case ends."""
    referral = _referral(actor, referral_id)
    _require_receiver(actor, referral)
    errors = check.Errors()
    outcome = check.choice(errors, "outcome", ServiceDelivery.Outcome, outcome)
    notes = check.text(errors, "notes", notes)
    case = referral.case
    delivered = check.a_date(
        errors,
        "delivered_on",
        delivered_on or timezone.localdate().isoformat(),
        not_before=timezone.localdate(referral.sent_at),
        not_before_message=_("The service cannot be dated before the referral."),
    )
    errors.raise_if_any()
    assert delivered is not None  # refused above otherwise
    support_type = SUPPORT_TYPE[ServiceType(referral.service_type)]
    if case is not None and support_type == RETURN and outcome == ServiceDelivery.Outcome.COMPLETED:
        error = child_steps_error(case, _("A child cannot be returned yet: %(problems)s"), for_return=True)
        if error is not None:
            raise error
    now = timezone.now()
    delivery = None
    if case is not None and referral.to_organization_id is not None:
        delivery = ServiceDelivery.objects.create(
            case=case,
            created_by=actor,
            support_type=support_type,
            delivered_on=delivered,
            provider_id=referral.to_organization_id,
            outcome=outcome,
            notes=notes,
        )
        # A service delivered is a change to the case: a form opened on it before is now stale.
        Case.objects.filter(pk=case.pk).update(version=F("version") + 1, updated_at=now)
    _transition(
        referral,
        (State.ACCEPTED, State.IN_PROGRESS),
        State.COMPLETED,
        version,
        ended_at=now,
        outcome=outcome,
        outcome_notes=notes,
        delivery=delivery,
    )
    referral_audit(
        actor, "referral.complete", referral, {"outcome": outcome, "service": delivery.pk if delivery else None}
    )
    referral_notify(referral.from_organization_id, "referral_completed", referral)
    return referral


@transaction.atomic
def referral_revoke(*, actor: User, referral_id: Any, reason: str, version: Any = None) -> Referral:
    """The sender takes the referral back; the receiver's access ends at once."""
    referral = _referral(actor, referral_id)
    if not referral_sender_side(actor, referral):
        raise ApplicationError("not_sender", _("Only the organization that sent this referral revokes it."), status=403)
    errors = check.Errors()
    reason = reason_text(errors, "reason", reason, _("Say why the referral is revoked."))
    errors.raise_if_any()
    _transition(referral, OPEN_STATES, State.REVOKED, version, ended_at=timezone.now(), revoke_reason=reason)
    referral_audit(actor, "referral.revoke", referral)
    referral_notify(referral.to_organization_id, "referral_revoked", referral)
    return referral


@transaction.atomic
def referral_case_register(*, actor: User, referral_id: Any) -> Case:
    """A referral from another country, once accepted: register the person and a case here from what that
    country shared (identity, profile, route and exploitation), through the ordinary case registration and its
    checks, and tie the referral to it. Completing the referral then records the service on this case."""
    from tipsom.cases.services import case_register

    referral = _referral(actor, referral_id)
    if referral.channel != Channel.FROM_ABROAD:
        raise ApplicationError(
            "not_from_abroad", _("Only a referral from another country brings a person to register."), status=409
        )
    _require_receiver(actor, referral)
    if referral.state not in LIVE_STATES:
        raise ApplicationError("not_accepted", _("Accept the referral before registering a case from it."), status=409)
    if referral.case_id is not None:
        raise Conflict(_("A case was already registered from this referral."), {"case": referral.case_id})
    sections = json.loads(referral.payload or "{}").get("sections") or {}
    profile, identity = sections.get("profile") or {}, sections.get("identity") or {}
    if not identity.get("names"):
        raise ApplicationError(
            "identity_not_shared",
            _("The other country did not share the person's identity: register the case by hand."),
            status=409,
        )
    person = {
        "names": [
            {"name": n.get("name", ""), "name_latin": n.get("name_latin", ""), "kind": n.get("kind", "primary")}
            for n in identity["names"]
        ],
        "citizenships": profile.get("citizenships") or [],
        "languages": profile.get("languages") or [],
    }
    if profile.get("gender"):
        person["gender"] = profile["gender"]
    if identity.get("birth_date"):
        person["birth_date"] = identity["birth_date"]
        person["birth_date_precision"] = identity.get("birth_date_precision") or ""
    route = sections.get("exploitation") or {}
    facts = {
        name: route[name]
        for name in (
            "exploitation_types",
            "industries",
            "means_of_control",
            "origin_country",
            "transit_countries",
            "destination_country",
        )
        if route.get(name)
    }
    case = case_register(
        actor=actor,
        organization=actor.organization,
        person=person,
        case_type=profile.get("case_type") or "tip",
        identified_on=profile.get("identified_on") or timezone.localdate().isoformat(),
        **facts,
    )
    Referral.objects.filter(pk=referral.pk).update(case=case, version=F("version") + 1)
    referral.refresh_from_db()
    referral_audit(actor, "referral.case_register", referral, {"case": case.pk})
    return case
