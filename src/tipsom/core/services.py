"""Writes that belong to no single domain: key rotation."""

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

from tipsom.audit.services import audit_record
from tipsom.core import crypto
from tipsom.core.fields import encrypted_fields


@dataclass(frozen=True)
class RotationReport:
    active_key: str
    rows: int
    values: int


def keys_reencrypt(*, actor: object = None, batch_size: int = 500) -> RotationReport:
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
            actor=actor, action="keys.reencrypt", object_type="core.keyring", object_id=keyring.active,
            changes={"rows": rows, "values": values},
        )  # fmt: skip
    return RotationReport(active_key=keyring.active, rows=rows, values=values)


def keys_rotate(*, actor: object = None) -> RotationReport:
    keyring = crypto.keyring_add_active_key()
    with transaction.atomic():
        audit_record(actor=actor, action="keys.rotate", object_type="core.keyring", object_id=keyring.active)
    return keys_reencrypt(actor=actor)


def _owning_organization(target: object) -> int | None:
    """The organization a record belongs to, for filing its audit events: its own, or its person's."""
    for path in ("organization_id", "owner_organization_id"):
        if getattr(target, path, None):
            return getattr(target, path)
    person = getattr(target, "person", None)
    return getattr(person, "owner_organization_id", None) if person is not None else None


REVEAL_REASON_MIN = 5


def reveal_reason(reason: str | None) -> str:
    """The reason for a reveal, spaces tidied; too short a reason is refused (the one rule for every reveal)."""
    from django.utils.translation import gettext as _

    from tipsom.core.errors import ApplicationError

    reason = " ".join((reason or "").split())
    if len(reason) < REVEAL_REASON_MIN:
        raise ApplicationError(
            "reason_required", _("Say why you need to see this (at least 5 characters)."), {"field": "reason"}
        )
    return reason


def identifying_reveal(*, actor: object, target: object, fields: list[str], reason: str) -> dict[str, str]:
    """Show IDENTIFYING values of a record the caller fetched with the "reveal" action. The reason is
    required and kept in the audit log (the values never are)."""
    from django.utils.translation import gettext as _

    from tipsom.core.errors import ApplicationError

    reason = reveal_reason(reason)
    allowed = {field.name for field in encrypted_fields(type(target))}
    unknown = sorted(set(fields) - allowed)
    if unknown or not fields:
        raise ApplicationError("invalid", _("These fields cannot be revealed: %s.") % ", ".join(unknown or ["-"]))
    with transaction.atomic():
        audit_record(
            actor=actor, action="reveal", target=target, changes={"fields": sorted(fields)}, reason=reason,
            organization=_owning_organization(target) or getattr(actor, "organization_id", None),
        )  # fmt: skip
    return {name: getattr(target, name) for name in fields}
