"""Key rotation: every IDENTIFYING value re-encrypted under the active key, audited (it lives beside the audit
log because core, below it, cannot write audit events)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import transaction

from tipsom.audit.services import audit_record
from tipsom.core import crypto
from tipsom.core.fields import encrypted_fields

if TYPE_CHECKING:
    from tipsom.accounts.models import User


@dataclass(frozen=True)
class RotationReport:
    active_key: str
    rows: int
    values: int


def keys_reencrypt(*, actor: User | None = None, batch_size: int = 500) -> RotationReport:
    """Re-encrypt every IDENTIFYING value under the active key, batch by batch, each batch in its own short
    transaction. Readers keep working throughout: old keys stay in the keyring until every row has moved."""
    keyring = crypto.get_keyring(reload=True)
    rows = values = 0
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if not fields:
            continue
        names = [field.attname for field in fields]
        last_pk = None
        manager = model._base_manager
        while True:
            queryset = manager.order_by("pk")
            if last_pk is not None:
                queryset = queryset.filter(pk__gt=last_pk)
            batch = list(queryset.values_list("pk", *names)[:batch_size])
            if not batch:
                break
            with transaction.atomic():
                for pk, *plain in batch:
                    updates = {name: value for name, value in zip(names, plain, strict=True) if value}
                    if updates:
                        manager.filter(pk=pk).update(**updates)  # get_prep_value seals with the active key
                        values += len(updates)
            rows += len(batch)
            last_pk = batch[-1][0]
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="keys.reencrypt",
            object_type="core.keyring",
            object_id=keyring.active,
            changes={"rows": rows, "values": values},
        )
    return RotationReport(active_key=keyring.active, rows=rows, values=values)


def keys_rotate(*, actor: User | None = None) -> RotationReport:
    keyring = crypto.keyring_add_active_key()
    with transaction.atomic():
        audit_record(actor=actor, action="keys.rotate", object_type="core.keyring", object_id=keyring.active)
    return keys_reencrypt(actor=actor)
