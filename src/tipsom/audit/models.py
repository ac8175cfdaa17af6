"""The append-only audit log: events appended without a lock, then chained and signed by a follow-up step.

An event is written in its caller's transaction with its append number (`sequence`, the table's own
autoincrement id) and `hash`, a SHA-256 of its own content. `tipsom audit chain` (scheduled every minute) later
links the not-yet-chained events one after the other: it gives each its `position` in the chain and
`chain_hash` = SHA-256(previous chain hash || event hash), then records an `AuditHead`: the chain's length and
last chain hash with an HMAC signature under a key derived from the keyring (kept outside the database), like a
Certificate Transparency signed tree head. docs/decisions/0004-audit-chain.md gives the reasons.
"""

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tipsom.core import crypto
from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedQuerySet

GENESIS_HASH = "0" * 64
LEGACY_VERSION = 1  # written under the head-row lock: `hash` covers `position` (then `sequence`) and `prev_hash`
CURRENT_VERSION = 2  # `hash` covers the event's own content only; the chain is made by the linker
HEAD_KEY_ID = "index1"  # the head key is derived from the keyring's index key (never rotated, see below)
LEGACY_HEAD_KEY_ID = "legacy"  # the unsigned head row of the locked design, carried over by migration 0002


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEventQuerySet(RestrictedQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Audit events are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit events are never deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Audit events are never changed.")


UNREADABLE = "[unreadable] "


class SealedReasonField(EncryptedTextField):
    """An encrypted reason that verification can always read: a stored value that does not open (written by hand,
    copied from another row) reads as UNREADABLE followed by what is stored, which no event's hash covers, so the
    linker and `tipsom audit verify` name the event as altered instead of stopping at it."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        try:
            return super().from_db_value(value, expression, connection)
        except crypto.DecryptionError:
            return UNREADABLE + str(value)


def chain_link(previous_chain_hash: str, event_hash: str) -> str:
    """One link of the chain: SHA-256 over the previous chain hash and the event's hash (32 bytes each)."""
    return hashlib.sha256(bytes.fromhex(previous_chain_hash) + bytes.fromhex(event_hash)).hexdigest()


class AuditEvent(models.Model):
    """One act: who, for which organization, did what to which record, when, from where, and why.

    `changes` holds field names, and values only for fields that are not IDENTIFYING.
    `hash` covers every column the writer sets. Once chained, `chain_hash` covers this event and every one
    before it, so changing, removing or reordering a chained event breaks the chain at that event, and the
    signed heads catch a rewrite of the whole chain or the loss of its newest events.
    """

    # The append order: the autoincrement id under a stable name (a stored generated column, indexed).
    sequence = models.GeneratedField(
        expression=F("id"),  # type: ignore[arg-type]  # the stubs want an Expression; Django takes any combinable
        output_field=models.BigIntegerField(),
        db_persist=True,
        unique=True,
        editable=False,
    )
    created_at = models.DateTimeField(db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    # Free text that may name people (why an identity was revealed, why consent was overridden): encrypted at
    # rest like any IDENTIFYING value, read in clear by those who may view the audit log (decisions/0006).
    reason = SealedReasonField()
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    channel = models.CharField(max_length=20, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    version = models.PositiveSmallIntegerField(default=CURRENT_VERSION, editable=False)
    hash = models.CharField(max_length=64, editable=False)
    # Set by the linker (audit_chain_link), never by the writer: empty until the event is chained.
    position = models.PositiveBigIntegerField(null=True, blank=True, unique=True, editable=False)
    chain_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)  # legacy events only

    objects = AuditEventQuerySet.as_manager()

    permission_scopes = {"own": "actor", "organization": "organization", "national": "organization__country"}

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "created_at"]),
            models.Index(fields=["organization", "sequence"]),
            # What the linker reads: the events not chained yet, in append order (a small partial index).
            models.Index(fields=["id"], condition=Q(position__isnull=True), name="audit_event_unchained"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AuditLogIsAppendOnly("Audit events are never deleted.")

    def canonical_payload(self) -> bytes:
        """The bytes `hash` is taken over. Version 1 (events written under the head-row lock) also covered the
        event's number in the chain and the previous event's hash; version 2 covers the event alone."""
        payload: dict[str, Any] = {
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "organization": self.organization_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "changes": self.changes,
            "reason": self.reason,
            "request_id": self.request_id,
            "channel": self.channel,
            "ip": self.ip,
        }
        if self.version == LEGACY_VERSION:
            payload.update(sequence=self.position, prev_hash=self.prev_hash)
        else:
            payload["version"] = self.version
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_payload()).hexdigest()


def head_key() -> bytes:
    """The key heads are signed with: derived (HMAC, with its own label) from the keyring's index key, which lives
    outside the database and is never rotated (every blind index depends on it), so old heads stay checkable."""
    return hmac.new(crypto.get_keyring().index_key, b"tipsom audit chain head key v1", hashlib.sha256).digest()


def head_signature(*, position: int, chain_hash: str, signed_at: datetime, key: bytes | None = None) -> str:
    message = f"tipsom-audit-head-v1\x00{position}\x00{chain_hash}\x00{signed_at.isoformat(timespec='microseconds')}"
    return hmac.new(key or head_key(), message.encode("ascii"), hashlib.sha256).hexdigest()


class AuditHeadQuerySet(models.QuerySet["AuditHead"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Signed heads are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Signed heads are never deleted.")


class AuditHead(models.Model):
    """A signed head: "the chain held `position` events, the last chain hash was `chain_hash`", at `signed_at`.

    The linker adds one whenever it chains events, and one at least every half TIPSOM_AUDIT_CHAIN_MAX_LAG while
    the log is quiet, so the newest head is always recent: one that is not means the linker stopped, or the
    newest heads were removed with the events they cover. Heads are append-only; whoever can write to the
    database cannot forge one without the keyring."""

    position = models.PositiveBigIntegerField(db_index=True)
    chain_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    key_id = models.CharField(max_length=20)
    signature = models.CharField(max_length=64, blank=True)

    objects = AuditHeadQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("signed audit chain head")

    def __str__(self) -> str:
        return f"head #{self.position} at {self.signed_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Signed heads are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AuditLogIsAppendOnly("Signed heads are never deleted.")

    def signature_holds(self, key: bytes | None = None) -> bool:
        if self.key_id == LEGACY_HEAD_KEY_ID:
            return self.signature == ""  # vouches for nothing a forger could not write; checked against the chain
        if self.key_id != HEAD_KEY_ID:
            return False
        expected = head_signature(position=self.position, chain_hash=self.chain_hash, signed_at=self.signed_at, key=key)
        return hmac.compare_digest(expected, self.signature)
