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

REVEAL_REASON_MIN = 10
REVEAL_REASON_MAX = 500
# Words that fill the box without saying anything (compared without case, spaces or punctuation).
PLACEHOLDER_REASONS = frozenset(
    "test testing tests asdf asdfgh qwerty azerty qwertz abc abcd abcdef xxx na none nothing reason because no "
    "yes ok okay check checking see look lorem ipsum loremipsum foo bar foobar blah hello hi why idk dunno".split()
)


def _letters(text: str) -> str:
    return "".join(character for character in text.casefold() if character.isalpha())


def _repeats(text: str) -> bool:
    """True for a short unit said again and again: "aaaa", "abababab", "asdfasdfasdf"."""
    sizes = range(1, min(4, len(text) // 2) + 1)
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in sizes)


def _is_real_reason(reason: str) -> bool:
    letters = _letters(reason)
    if len(letters) < REVEAL_REASON_MIN or len(set(letters)) < 4 or _repeats(letters):
        return False
    words = [_letters(word) for word in reason.split()]
    words = [word for word in words if word]
    return not all(word in PLACEHOLDER_REASONS or _repeats(word) for word in words)


def reveal_reason(reason: str | None) -> str:
    """The reason for a reveal, spaces tidied (the one rule for every reveal). Refused: a reason that breaks the
    text rule (control or direction-changing characters), and one that says nothing: fewer than 10 letters,
    digits or punctuation only ("00000"), one character or a short unit repeated ("aaaa", "asdfasdf"), or only
    placeholder words ("test", "asdf", "nothing")."""
    reason, problem = clean_text(" ".join((reason or "").split()), max_length=REVEAL_REASON_MAX)
    if problem:
        raise ApplicationError("invalid", problem, {"field": "reason"})
    if not _is_real_reason(reason):
        raise ApplicationError(
            "reason_required",
            _(
                'Say why you need to see this, in words, for example "to call her about the hearing" '
                '(at least 10 letters; not a placeholder such as "test" or "00000").'
            ),
            {"field": "reason"},
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
