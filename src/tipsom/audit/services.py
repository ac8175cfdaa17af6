"""Writing to the audit log. Every service calls `audit_record` inside its own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from tipsom.audit.models import AuditChainHead, AuditEvent
from tipsom.core.context import current_context
from tipsom.core.fields import EncryptedTextField

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
    actor: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    organization: Any = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (it rolls back with the change)."""
    ctx = current_context()
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
    user = actor if getattr(actor, "is_authenticated", False) else None
    if organization is None and user is not None:
        organization = user.organization_id
    organization_id = organization.pk if isinstance(organization, models.Model) else organization
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            sequence=head.sequence + 1,
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
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.save()
        AuditChainHead.objects.filter(id=1).update(sequence=event.sequence, hash=event.hash)
    return event
