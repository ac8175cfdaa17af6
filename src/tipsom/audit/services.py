"""Writing to the audit log. Every service calls `audit_record` inside its own transaction; `audit_chain_link`
(the `tipsom audit chain` command, every minute) chains what was appended and signs the chain's head."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from tipsom.audit.models import (
    GENESIS_HASH,
    HEAD_KEY_ID,
    LEGACY_HEAD_KEY_ID,
    AuditEvent,
    AuditHead,
    chain_link,
    head_signature,
)
from tipsom.core.context import current_context
from tipsom.core.fields import EncryptedTextField

if TYPE_CHECKING:
    from tipsom.accounts.models import User

REDACTED = "[identifying]"


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)


def describe_changes(
    instance: models.Model, fields: Iterable[str], before: dict[str, Any] | None = None
) -> dict[str, Any]:
    """{field: value} (or {field: [old, new]} when `before` is given) with IDENTIFYING values withheld."""
    changes: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        identifying = isinstance(field, EncryptedTextField) or getattr(field, "identifying", False)
        attname = getattr(field, "attname", name)
        new = getattr(instance, attname, None)
        if identifying:
            changes[name] = REDACTED
        elif before is not None:
            changes[name] = [_plain(before.get(name)), _plain(new)]
        else:
            changes[name] = _plain(new)
    return changes


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    organization: Any = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the log, in the caller's transaction (it rolls back with the change). It is chained
    within a minute or so by `audit_chain_link`."""
    ctx = current_context()
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
    user = actor if getattr(actor, "is_authenticated", False) else None
    if organization is None and user is not None:
        organization = user.organization_id
    organization_id = organization.pk if isinstance(organization, models.Model) else organization
    # No lock and no read of the chain: concurrent writers only append (their ids come from the table's own
    # sequence). The event is chained later, by audit_chain_link.
    event = AuditEvent(
        created_at=timezone.now(),
        actor=user,
        actor_label=actor_label or (user.username if user else f"system:{ctx.channel}"),
        organization_id=organization_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id not in (None, "") else "",
        changes=changes or {},
        reason=reason,
        request_id=ctx.request_id,
        channel=ctx.channel,
        ip=ctx.ip,
    )
    event.hash = event.compute_hash()
    event.save()
    event.sequence = event.pk  # what the database computed for the generated column, without reading it back
    return event


def audit_records(
    *,
    actor: User | None,
    action: str,
    targets: Sequence[models.Model],
    changes: Sequence[dict[str, Any]],
    organization: Any = None,
) -> list[AuditEvent]:
    """`audit_record` of one action on many records at once (each its own event, `changes` in the same order), in
    one INSERT: for a bulk write such as an import, where an event per record written one by one took longer than
    the records themselves."""
    ctx = current_context()
    user = actor if getattr(actor, "is_authenticated", False) else None
    if organization is None and user is not None:
        organization = user.organization_id
    organization_id = organization.pk if isinstance(organization, models.Model) else organization
    now = timezone.now()
    events = []
    for target, change in zip(targets, changes, strict=True):
        event = AuditEvent(
            created_at=now,
            actor=user,
            actor_label=user.username if user else f"system:{ctx.channel}",
            organization_id=organization_id,
            action=action,
            object_type=target._meta.label_lower,
            object_id=str(target.pk),
            changes=change or {},
            reason="",
            request_id=ctx.request_id,
            channel=ctx.channel,
            ip=ctx.ip,
        )
        event.hash = event.compute_hash()
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=500)
    for event in events:
        event.sequence = event.pk
    return events


def chain_settings() -> tuple[timedelta, timedelta]:
    """(gap wait, maximum lag) from TIPSOM_AUDIT_CHAIN_GAP_WAIT and TIPSOM_AUDIT_CHAIN_MAX_LAG (seconds)."""
    return (
        timedelta(seconds=settings.TIPSOM_AUDIT_CHAIN_GAP_WAIT),
        timedelta(seconds=settings.TIPSOM_AUDIT_CHAIN_MAX_LAG),
    )


@dataclass(frozen=True)
class LinkReport:
    linked: int
    position: int
    chain_hash: str
    head: AuditHead | None  # the head signed by this run, if it signed one
    waiting: int  # events appended but left for a later run (behind a gap younger than the gap wait)


def _lock_linker() -> None:
    """One linker at a time. PostgreSQL: a transaction-scoped advisory lock (writers never take it). SQLite: the
    IMMEDIATE transaction the settings ask for already holds the database's single write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LINKER_LOCK_KEY])


LINKER_LOCK_KEY = 0x7469_7073_6F6D_0A  # "tipsom\n": any constant no other code uses


@transaction.atomic
def audit_chain_link(
    *, gap_wait: timedelta | None = None, now: datetime | None = None, batch_size: int = 2000
) -> LinkReport:
    """Chain the appended events in append order and sign the new head.

    A PostgreSQL sequence hands out ids at INSERT time, so a transaction holding a lower id may commit after one
    holding a higher id: a missing id is a transaction still open, or one rolled back (ids are never reused).
    The linker chains past the newest chained id only while the ids follow on without a gap; at a gap it waits
    until the event after the gap is older than `gap_wait` (the gap's id was taken before that event's), then
    treats the gap as rolled back. An event that still commits later (a transaction open longer than the gap wait)
    is not lost: every unchained event is chained, it only lands further on than its id.
    """
    gap_wait = chain_settings()[0] if gap_wait is None else gap_wait
    now = now or timezone.now()
    _lock_linker()
    chained_events = AuditEvent._base_manager.filter(position__isnull=False)
    tail = chained_events.order_by("-position").only("position", "chain_hash").first()
    position, chain_hash = (tail.position or 0, tail.chain_hash) if tail else (0, GENESIS_HASH)
    high = chained_events.aggregate(models.Max("id"))["id__max"] or 0
    linked = 0
    # The stored hash is chained as the writer computed it, without re-reading the content: an event changed before
    # it was chained then stays named as altered by `tipsom audit verify`, and the chain goes on past it.
    pending = AuditEvent._base_manager.filter(position__isnull=True).order_by("id").only("id", "created_at", "hash")
    last_id = 0
    while True:
        batch = list(pending.filter(id__gt=last_id)[:batch_size])
        if not batch:
            break
        chained: list[AuditEvent] = []
        for event in batch:
            gap = event.id > high + 1
            if gap and event.created_at > now - gap_wait:
                break  # an id below this one may still commit: wait for it (or for the gap to age)
            position += 1
            chain_hash = chain_link(chain_hash, event.hash)
            event.position, event.chain_hash = position, chain_hash
            high = max(high, event.id)
            chained.append(event)
        if chained:
            _store_links(chained)
            linked += len(chained)
        if len(chained) < len(batch):
            break
        last_id = batch[-1].id
    waiting = AuditEvent._base_manager.filter(position__isnull=True).count()
    head = _sign_head(position=position, chain_hash=chain_hash, now=now, linked=linked)
    return LinkReport(linked=linked, position=position, chain_hash=chain_hash, head=head, waiting=waiting)


def _store_links(events: list[AuditEvent], chunk: int = 500) -> None:
    """Write the chain fields of `events`: one UPDATE ... FROM (VALUES ...) per chunk (PostgreSQL and SQLite alike;
    Django's bulk_update builds a CASE per row and was the linker's bottleneck). The only writer of these fields;
    the model refuses every other change."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(events), chunk):
            part = events[start : start + chunk]
            rows = ", ".join(["(%s, %s, %s)"] * len(part))
            params: list[Any] = [value for e in part for value in (e.pk, e.position, e.chain_hash)]
            cursor.execute(
                f"UPDATE {table} SET position = v.column2, chain_hash = v.column3 "  # noqa: S608 (no user input)
                f"FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1",
                params,
            )


def _sign_head(*, position: int, chain_hash: str, now: datetime, linked: int) -> AuditHead | None:
    """A new signed head when events were chained, or when the newest signed head is older than half the maximum
    lag (a heartbeat: on a quiet log the newest head still shows that the linker runs)."""
    if position == 0 and not linked:
        return None
    newest = AuditHead.objects.exclude(key_id=LEGACY_HEAD_KEY_ID).order_by("-id").first()
    max_lag = chain_settings()[1]
    if not linked and newest is not None and newest.position == position and newest.signed_at > now - max_lag / 2:
        return None
    signed_at = now
    return AuditHead.objects.create(
        position=position,
        chain_hash=chain_hash,
        signed_at=signed_at,
        key_id=HEAD_KEY_ID,
        signature=head_signature(position=position, chain_hash=chain_hash, signed_at=signed_at),
    )
