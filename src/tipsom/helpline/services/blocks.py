"""Blocking a number that abuses the helpline, for a time, and lifting a block early. Each checks permission and
audits in its transaction, never the number (nor its blind index) and never the written reason.

The rules:
- An operator blocks a number for 24 hours, with a reason from the list (BlockReason). Only a supervisor
  (approve on blocked numbers) blocks for longer, up to five years (Aselo's flags: 24 hours or five years), and a
  longer block needs a written reason as well.
- A block ends by itself: it is in force while `until` is ahead and nobody lifted it (no job runs). A supervisor
  lifts a block early.
- The number is found again through the blind index of its normal form (helpline.numbers), so "0300 1234567" and
  "+92 300 1234567" are one number; a block of a number already blocked about as long is refused, a longer one
  (a supervisor's after an operator's day, or a new day within the last hour of one) is added.
- A block never stops a contact from being recorded (a possible victim may call from an abuser's phone): the
  contact page shows that the number is blocked, and the operator decides (helpline/blocks/_contact.html)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipsom.accounts.models import User
from tipsom.audit.reveal import identifying_reveal
from tipsom.audit.services import REDACTED, audit_record
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.helpline.models import BlockedNumber, BlockReason
from tipsom.helpline.numbers import number_clean, number_index, number_normal_form
from tipsom.helpline.selectors import number_blocked
from tipsom.helpline.services.contact import access_contact
from tipsom.organizations.models import Organization

# How long a block lasts: an operator's is a day; a supervisor chooses a longer one, up to five years.
OPERATOR_DURATION = "24h"
BLOCK_DURATIONS: dict[str, tuple[timedelta, Any]] = {
    "24h": (timedelta(hours=24), gettext_lazy("24 hours")),
    "7d": (timedelta(days=7), gettext_lazy("7 days")),
    "30d": (timedelta(days=30), gettext_lazy("30 days")),
    "90d": (timedelta(days=90), gettext_lazy("90 days")),
    "1y": (timedelta(days=365), gettext_lazy("1 year")),
    "5y": (timedelta(days=5 * 365), gettext_lazy("5 years")),
}
MAX_BLOCK = BLOCK_DURATIONS["5y"][0]
# A number already blocked is blocked again only by a block that ends at least this much later (a supervisor's
# longer block after an operator's day; an operator's new day when the old one is about to end).
RENEW_MARGIN = timedelta(hours=1)
NOTE_MAX = 1000


def block_duration_choices(*, longer: bool) -> list[tuple[str, Any]]:
    """The durations a user may choose: a day only, or every one (`longer`: a supervisor)."""
    return [(code, label) for code, (_span, label) in BLOCK_DURATIONS.items() if longer or code == OPERATOR_DURATION]


def may_block_longer(user: User) -> bool:
    """Whether the user may block for longer than a day (approve on blocked numbers: a supervisor)."""
    organization = user.organization
    return organization is not None and scope_allows_organization(user, "approve", BlockedNumber, organization)


def _organization(actor: User) -> Organization:
    require_permission(actor, "add", BlockedNumber)
    organization = actor.organization
    if organization is None or not scope_allows_organization(actor, "add", BlockedNumber, organization):
        raise NotFound()
    return organization


def _block(
    *,
    actor: User,
    organization: Organization,
    number: str,
    reason: Any,
    duration: Any,
    note: Any,
    contact: Any = None,
    errors: check.Errors | None = None,
) -> BlockedNumber:
    """The checks and the write shared by blocking a typed number and a contact's caller's number (`errors`: those
    found already, refused with the others)."""
    errors = errors if errors is not None else check.Errors()
    reason = check.choice(errors, "reason", BlockReason, reason)
    if duration not in BLOCK_DURATIONS:
        errors["duration"] = _("Choose how long the number is blocked.")
    longer = duration in BLOCK_DURATIONS and duration != OPERATOR_DURATION
    text = check.text(errors, "note", note, max_length=NOTE_MAX)
    if longer and not text and "note" not in errors:
        errors["note"] = _("Say in words why the number is blocked for longer than 24 hours.")
    errors.raise_if_any()
    if longer and not may_block_longer(actor):
        raise ApplicationError(
            "forbidden",
            _("Only a supervisor blocks a number for longer than 24 hours."),
            {"field": "duration"},
            status=403,
        )
    span = BLOCK_DURATIONS[duration][0]
    assert span <= MAX_BLOCK  # noqa: S101 (the durations are ours)
    now = timezone.now()
    until = now + span
    normal = number_normal_form(number, organization.country)
    index = number_index(number, organization.country)
    current = number_blocked(organization_id=organization.pk, index=index, now=now)
    if current is not None and current.until > until - RENEW_MARGIN:
        raise Conflict(
            _("This number is already blocked until %(until)s.")
            % {"until": date_format(timezone.localtime(current.until), "SHORT_DATETIME_FORMAT")},
            {"block": current.pk},
        )
    block = BlockedNumber.objects.create(
        owner_organization=organization,
        country=organization.country,
        number=normal,
        number_index=index,
        until=until,
        reason=reason,
        note=text,
        created_by=actor,
    )
    changes: dict[str, Any] = {"reason": reason, "duration": duration, "until": until.isoformat()}
    changes["note"] = REDACTED if text else ""
    if contact is not None:
        changes["contact"] = contact
    if current is not None:
        changes["extends"] = current.pk
    audit_record(
        actor=actor, action="helpline.number.block", target=block, organization=organization.pk, changes=changes
    )
    return block


@transaction.atomic
def number_block(
    *, actor: User, number: str, reason: str, duration: str = OPERATOR_DURATION, note: str = ""
) -> BlockedNumber:
    """Block a number (as typed: any usual way of writing it) at the actor's helpline from now for `duration` (a
    key of BLOCK_DURATIONS), for `reason` (BlockReason); a longer block than a day needs a supervisor and `note`,
    the reason in words."""
    organization = _organization(actor)
    errors = check.Errors()
    typed = number_clean(errors, "number", number)
    if not typed and "number" not in errors:
        errors["number"] = _("Give the number to block.")
    return _block(
        actor=actor, organization=organization, number=typed, reason=reason, duration=duration, note=note, errors=errors
    )


@transaction.atomic
def contact_number_block(
    *, actor: User, contact_id: Any, reason: str, duration: str = OPERATOR_DURATION, note: str = ""
) -> BlockedNumber:
    """Block the number a contact came from, without showing it to anyone: the contact's encrypted number is
    copied into the block, encrypted again (no reveal happens). Refused when the contact holds no number."""
    organization = _organization(actor)
    contact = access_contact(actor, contact_id, "view", lock=False)
    if contact.owner_organization_id != organization.pk:
        raise NotFound()
    if not contact.caller_number:
        raise ApplicationError(
            "no_number", _("This contact holds no caller's number: type the number to block on the blocks page.")
        )
    return _block(
        actor=actor,
        organization=organization,
        number=contact.caller_number,
        reason=reason,
        duration=duration,
        note=note,
        contact=contact.pk,
    )


def access_block(actor: User, block_id: Any, action: str = "view", *, lock: bool = False) -> BlockedNumber:
    """A block the actor may `action`; NotFound when missing or out of scope."""
    queryset = BlockedNumber.objects.all()
    if lock:
        queryset = queryset.select_for_update()
    return access_by_id(BlockedNumber, actor, block_id, action, queryset=queryset)


@transaction.atomic
def number_unblock(*, actor: User, block_id: Any, version: Any = None) -> BlockedNumber:
    """Lift a block before its end: a supervisor's act (approve on blocked numbers)."""
    block = access_block(actor, block_id, "view", lock=True)
    if not BlockedNumber.objects.restrict(actor, "approve").filter(pk=block.pk).exists():
        raise ApplicationError("forbidden", _("Only a supervisor lifts a block before its end."), status=403)
    check.check_version(block, version, _("Someone else changed this block after you opened it."))
    now = timezone.now()
    if block.lifted_at is not None or block.until <= now:
        raise Conflict(_("This block is no longer in force."))
    check.model_update(block, {"lifted_at": now, "lifted_by": actor})
    audit_record(
        actor=actor,
        action="helpline.number.unblock",
        target=block,
        organization=block.owner_organization_id,
        changes={"lifted_at": now.isoformat(), "until": block.until.isoformat()},
    )
    return block


# The values of a block that a reveal shows: the number and the written reason (which may name people).
BLOCK_REVEALABLE = ("number", "note")


@transaction.atomic
def block_reveal(*, actor: User, block_id: Any, reason: str) -> dict[str, str]:
    """The blocked number and the written reason of a block, after an audited reveal with the reason."""
    block = access_block(actor, block_id, "reveal")
    fields = [name for name in BLOCK_REVEALABLE if getattr(block, name)]
    return identifying_reveal(actor=actor, target=block, fields=fields, reason=reason)
