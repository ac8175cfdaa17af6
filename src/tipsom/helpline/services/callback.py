"""Callbacks: a call back owed to a caller who agreed to be contacted back, scheduled within the safe times they
gave, and its outcome. Each checks permission and audits, never the note."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import REDACTED, audit_record
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.permissions import access_by_id, user_can
from tipsom.helpline.models import Callback, CallbackStatus, Contact
from tipsom.helpline.services.contact import access_contact, require_data_contact

# A callback may be recorded as due a little in the past (an operator writing it down after the call).
PAST_SLACK = timedelta(hours=1)
OUTCOMES = (CallbackStatus.REACHED, CallbackStatus.NO_ANSWER, CallbackStatus.UNSAFE, CallbackStatus.CANCELLED)


def _due_at(errors: check.Errors, value: Any) -> datetime | None:
    if value in (None, ""):
        errors["due_at"] = _("This field is required.")
        return None
    parsed = (
        value if isinstance(value, datetime) else parse_datetime(str(value).strip()) if isinstance(value, str) else None
    )
    if parsed is None:
        errors["due_at"] = _("Enter a valid date and time (YYYY-MM-DD HH:MM).")
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed < timezone.now() - PAST_SLACK:
        errors["due_at"] = _("This time has passed.")
    return parsed


def _audit(actor: User, action: str, callback: Callback, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor, action=action, target=callback, organization=callback.owner_organization_id, changes=changes
    )


@transaction.atomic
def callback_schedule(*, actor: User, contact_id: Any, due_at: Any, assignee_id: Any = None) -> Callback:
    """Schedule a call back to the caller of the contact, who agreed to it and gave a safe number."""
    contact = access_contact(actor, contact_id)
    if not user_can(actor, "add", Callback):
        raise NotFound()
    require_data_contact(contact)
    if not contact.callback_consent or not contact.callback_number:
        raise ApplicationError(
            "no_callback_consent", _("The caller did not agree to be contacted back, or gave no safe number.")
        )
    errors = check.Errors()
    due = _due_at(errors, due_at)
    assignee = None
    if assignee_id not in (None, ""):
        assignee = User.objects.filter(
            pk=check.pk_of(assignee_id), organization_id=contact.owner_organization_id, is_active=True
        ).first()
        if assignee is None or not user_can(assignee, "change", Contact):
            errors["assignee"] = _("Choose an active operator of this helpline.")
    errors.raise_if_any()
    assert due is not None  # noqa: S101 (checked above)
    callback = Callback.objects.create(
        contact=contact,
        owner_organization_id=contact.owner_organization_id,
        country=contact.country,
        due_at=due,
        assigned_to=assignee,
        created_by=actor,
    )
    _audit(actor, "helpline.callback.schedule", callback, {"contact": contact.pk, "due_at": str(due)})
    return callback


@transaction.atomic
def callback_complete(*, actor: User, callback_id: Any, outcome: str, note: str = "", version: Any = None) -> Callback:
    """Record how a due callback went: the caller reached, no answer, not safe to talk (the protocol: hang up,
    leave nothing), or cancelled. A callback is answered once."""
    queryset = Callback.objects.select_for_update()
    callback = access_by_id(Callback, actor, callback_id, "change", queryset=queryset)
    check.check_version(callback, version, _("Someone else changed this callback after you opened it."))
    errors = check.Errors()
    if outcome not in OUTCOMES:
        errors["outcome"] = _("Unknown value: %(value)s.") % {"value": str(outcome)[:60]}
    text = check.text(errors, "note", note, max_length=2000)
    errors.raise_if_any()
    if callback.status != CallbackStatus.PENDING:
        raise Conflict(_("This callback was already answered."))
    check.model_update(callback, {"status": outcome, "note": text, "done_at": timezone.now(), "done_by": actor})
    _audit(actor, "helpline.callback.complete", callback, {"status": outcome, "note": REDACTED if text else ""})
    return callback
