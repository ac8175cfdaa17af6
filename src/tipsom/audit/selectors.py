"""Reading the audit log: the auditor's search and the chain verification."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from tipsom.audit.models import (
    GENESIS_HASH,
    LEGACY_HEAD_KEY_ID,
    LEGACY_VERSION,
    AuditEvent,
    AuditHead,
    chain_link,
    head_key,
)

if TYPE_CHECKING:
    from tipsom.accounts.models import User


def audit_event_list(*, user: User) -> Any:
    return AuditEvent.objects.restrict(user, "view").select_related("actor", "organization")


@dataclass(frozen=True)
class ChainReport:
    """What `audit_chain_verify` found. `checked` chained events verified, `heads` signed heads verified;
    `broken_sequence` is the chain position where the first problem is (None when the chain holds).
    `pending` events are appended but not chained yet, the oldest written at `oldest_pending_at`;
    `newest_head_at` is when the newest signed head was signed."""

    checked: int
    broken_sequence: int | None = None
    problem: str = ""
    heads: int = 0
    pending: int = 0
    oldest_pending_at: datetime | None = None
    newest_head_at: datetime | None = None
    checked_at: datetime | None = None
    max_lag: timedelta = timedelta(seconds=300)

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None and not self.problem

    @property
    def pending_age(self) -> timedelta | None:
        if self.oldest_pending_at is None or self.checked_at is None:
            return None
        return max(self.checked_at - self.oldest_pending_at, timedelta(0))

    @property
    def head_age(self) -> timedelta | None:
        if self.newest_head_at is None or self.checked_at is None:
            return None
        return max(self.checked_at - self.newest_head_at, timedelta(0))

    @property
    def lagging(self) -> bool:
        """Events have waited longer than the maximum lag to be chained, or a chain with events has no signed head
        newer than that: the linker is not running (or the newest heads were removed with their events)."""
        pending_age, head_age = self.pending_age, self.head_age
        if pending_age is not None and pending_age > self.max_lag:
            return True
        return self.checked > 0 and (head_age is None or head_age > self.max_lag)


def _heads_by_position(batch_size: int) -> Iterator[AuditHead]:
    """Every head, by the position it vouches for (then as written), a page at a time."""
    queryset = AuditHead.objects.order_by("position", "id")
    last: tuple[int, int] | None = None
    while True:
        page = (
            queryset if last is None else queryset.filter(Q(position__gt=last[0]) | Q(position=last[0], id__gt=last[1]))
        )
        batch = list(page[:batch_size])
        if not batch:
            return
        yield from batch
        last = (batch[-1].position, batch[-1].id)


def audit_chain_verify(*, batch_size: int = 5000, now: datetime | None = None) -> ChainReport:
    """Walk the chain in position order, recompute every event's hash and every link, and hold the result against
    every signed head; then measure the window of events not chained yet. Names the first problem found."""
    now = now or timezone.now()
    max_lag = timedelta(seconds=settings.TIPSOM_AUDIT_CHAIN_MAX_LAG)
    window = AuditEvent._base_manager.filter(position__isnull=True).aggregate(n=Count("id"), oldest=Min("created_at"))
    newest_head_at = AuditHead.objects.exclude(key_id=LEGACY_HEAD_KEY_ID).aggregate(at=Max("signed_at"))["at"]
    extra = {
        "pending": window["n"],
        "oldest_pending_at": window["oldest"],
        "newest_head_at": newest_head_at,
        "checked_at": now,
        "max_lag": max_lag,
    }
    key = head_key() if newest_head_at is not None else None
    heads = _heads_by_position(batch_size)
    next_head = next(heads, None)
    heads_checked = 0
    last_good_head = 0

    def broken(position: int, problem: str) -> ChainReport:
        return ChainReport(checked, position, problem, heads=heads_checked, **extra)

    def check_heads(position: int, chain_hash: str, legacy_events: int) -> ChainReport | None:
        nonlocal next_head, heads_checked, last_good_head
        while next_head is not None and next_head.position == position:
            head, next_head = next_head, next(heads, None)
            if head.key_id == LEGACY_HEAD_KEY_ID and position > legacy_events:
                return broken(position, f"the head of #{position} is not signed")
            if not head.signature_holds(key):
                return broken(
                    position,
                    f"the head of #{position} signed at {head.signed_at:%Y-%m-%d %H:%M:%S} has a wrong signature",
                )
            if head.chain_hash != chain_hash:
                return broken(
                    last_good_head + 1,
                    f"events #{last_good_head + 1} to #{position} do not match the head signed at "
                    f"{head.signed_at:%Y-%m-%d %H:%M:%S}: they were rewritten, removed or reordered",
                )
            heads_checked += 1
            last_good_head = position
        return None

    checked = 0
    expected_chain = GENESIS_HASH
    legacy_prev = GENESIS_HASH
    legacy_events = 0
    if problem := check_heads(0, GENESIS_HASH, 0):
        return problem
    queryset = AuditEvent._base_manager.filter(position__isnull=False).order_by("position")
    last_position = 0
    while True:
        batch = list(queryset.filter(position__gt=last_position)[:batch_size])
        if not batch:
            break
        for event in batch:
            expected = checked + 1
            if event.position != expected:
                return broken(expected, f"event #{expected} is missing")
            if event.compute_hash() != event.hash:
                return broken(expected, f"event #{expected} was altered after it was written")
            if event.version == LEGACY_VERSION:
                if event.prev_hash != legacy_prev or legacy_events != checked:
                    return broken(expected, f"event #{expected} does not link to its predecessor")
                legacy_prev = event.hash
                legacy_events += 1
            chain_hash = chain_link(expected_chain, event.hash)
            if event.chain_hash != chain_hash:
                return broken(expected, f"event #{expected} does not link to its predecessor")
            expected_chain = chain_hash
            checked += 1
            if problem := check_heads(expected, chain_hash, legacy_events):
                return problem
        last_position = batch[-1].position or 0
    last_id = 0
    while True:  # the events not chained yet are checked against their own hash (the chain does not cover them)
        batch = list(AuditEvent._base_manager.filter(position__isnull=True, id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.compute_hash() != event.hash:
                return broken(checked + 1, f"event {event.sequence} (not chained yet) was altered after it was written")
        last_id = batch[-1].id
    if next_head is not None:
        head = next_head
        return broken(
            checked + 1,
            f"the chain ends at #{checked} but the head signed at {head.signed_at:%Y-%m-%d %H:%M:%S} "
            f"records #{head.position}: the newest events were removed",
        )
    return ChainReport(checked, heads=heads_checked, **extra)
