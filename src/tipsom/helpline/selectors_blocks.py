"""Reads of blocked numbers: the helpline's blocks in force and those that ended lately (the numbers masked: their
last two digits only), and the block in force on a contact's number. A block is in force while its end is ahead
and nobody lifted it; nothing has to run for it to end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.core.masking import mask
from tipsom.core.permissions import user_can
from tipsom.helpline.models import BlockedNumber, Contact
from tipsom.helpline.selectors import number_blocked

ENDED_SHOWN_DAYS = 90
LIST_LIMIT = 200


def in_force() -> Q:
    return Q(until__gt=timezone.now(), lifted_at=None)


def blocks_in_force(*, user: User) -> QuerySet[BlockedNumber]:
    """The helpline's blocks in force, those ending first on top (the blocked_lookup index is per number; a
    helpline has a few dozen in force at most)."""
    return (
        BlockedNumber.objects.restrict(user, "view")
        .filter(in_force())
        .select_related("created_by")
        .order_by("until", "pk")
    )


def blocks_ended(*, user: User, days: int = ENDED_SHOWN_DAYS) -> QuerySet[BlockedNumber]:
    """The blocks that ended (or were lifted) in the last `days` days, the latest first."""
    since = timezone.now() - timedelta(days=days)
    return (
        BlockedNumber.objects.restrict(user, "view")
        .exclude(in_force())
        .filter(until__gt=since)
        .select_related("created_by", "lifted_by")
        .order_by("-until", "-pk")
    )


@dataclass(frozen=True)
class BlockRow:
    block: BlockedNumber
    masked: str  # "••••••67": enough to tell two blocks apart, never to call the number


def block_rows(blocks: QuerySet[BlockedNumber]) -> list[BlockRow]:
    """The blocks with their numbers masked (each number is decrypted to show its last two digits)."""
    return [BlockRow(block, mask(block.number)) for block in blocks[:LIST_LIMIT]]


def contact_block(*, user: User, contact: Contact) -> BlockedNumber | None:
    """The block in force on the number a contact came from, for the contact page's warning (the user sees the
    contact: they may know its number is blocked)."""
    if not contact.caller_number_index or not user_can(user, "view", Contact):
        return None
    return number_blocked(organization_id=contact.owner_organization_id, index=contact.caller_number_index)
