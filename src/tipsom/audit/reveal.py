"""Revealing IDENTIFYING values: the one audited way to show a value that lists and pages keep masked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from tipsom.audit.services import audit_record
from tipsom.core.errors import ApplicationError
from tipsom.core.fields import encrypted_fields
from tipsom.core.validation import clean_text

if TYPE_CHECKING:
    from tipsom.accounts.models import User

REVEAL_REASON_MIN = 5
REVEAL_REASON_MAX = 500


def reveal_reason(reason: str | None) -> str:
    """The reason for a reveal, spaces tidied (the one rule for every reveal): too short a reason is refused,
    and so is one that breaks the text rule (control or direction-changing characters)."""
    reason, problem = clean_text(" ".join((reason or "").split()), max_length=REVEAL_REASON_MAX)
    if problem:
        raise ApplicationError("invalid", problem, {"field": "reason"})
    if len(reason) < REVEAL_REASON_MIN:
        raise ApplicationError(
            "reason_required", _("Say why you need to see this (at least 5 characters)."), {"field": "reason"}
        )
    return reason


def owning_organization(target: Any) -> int | None:
    """The organization a record belongs to, for filing its audit events: its own, or its person's."""
    for path in ("organization_id", "owner_organization_id"):
        if getattr(target, path, None):
            return getattr(target, path)
    person = getattr(target, "person", None)
    return getattr(person, "owner_organization_id", None) if person is not None else None


@transaction.atomic
def reveal_record(*, actor: User, target: models.Model, parts: Iterable[str], reason: str) -> str:
    """Audit that `actor` is shown the named IDENTIFYING parts of `target`, with the reason (never the values).
    The caller has fetched `target` with the "reveal" action. Returns the tidied reason."""
    reason = reveal_reason(reason)
    audit_record(
        actor=actor,
        action="reveal",
        target=target,
        changes={"fields": sorted(parts)},
        reason=reason,
        organization=owning_organization(target) or getattr(actor, "organization_id", None),
    )
    return reason


@transaction.atomic
def identifying_reveal(*, actor: User, target: models.Model, fields: list[str], reason: str) -> dict[str, str]:
    """The IDENTIFYING values `fields` of a record the caller fetched with the "reveal" action, after an audited
    reveal (all or nothing: the values are returned only once the audit event is written)."""
    allowed = {field.name for field in encrypted_fields(type(target))}
    unknown = sorted(set(fields) - allowed)
    if unknown or not fields:
        raise ApplicationError("invalid", _("These fields cannot be revealed: %s.") % ", ".join(unknown or ["-"]))
    reveal_record(actor=actor, target=target, parts=fields, reason=reason)
    return {name: getattr(target, name) for name in fields}
