"""Reading the audit log: the auditor's search and the chain verification."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tipsom.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from tipsom.accounts.models import User


def audit_event_list(*, user: User) -> Any:
    return AuditEvent.objects.restrict(user, "view").select_related("actor", "organization")


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_sequence: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_sequence is None and not self.problem


def audit_chain_verify(*, batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in order and name the first event whose content or link does not hold."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    last_sequence = 0
    queryset = AuditEvent.objects.order_by("sequence")
    while True:
        batch = list(queryset.filter(sequence__gt=last_sequence)[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.sequence != expected_sequence:
                return ChainReport(checked, expected_sequence, f"event #{expected_sequence} is missing")
            if event.prev_hash != expected_prev:
                return ChainReport(checked, event.sequence, f"event #{event.sequence} does not link to its predecessor")
            if event.compute_hash() != event.hash:
                return ChainReport(checked, event.sequence, f"event #{event.sequence} was altered after it was written")
            expected_prev = event.hash
            expected_sequence += 1
            checked += 1
        last_sequence = batch[-1].sequence
    head = AuditChainHead.objects.filter(id=1).first()
    head_sequence, head_hash = (head.sequence, head.hash) if head else (0, GENESIS_HASH)
    if head_sequence != checked or head_hash != expected_prev:
        return ChainReport(checked, checked + 1, f"the chain ends at #{checked} but its head records #{head_sequence}")
    return ChainReport(checked)
