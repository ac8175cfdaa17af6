"""Writes of the intake app's register sources (the column mapping saved per register); the import jobs' writes are
the engine's (tipsom.intake.jobs). Each checks permission and audits, never a value of a file."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.intake.models import RegisterSource
from tipsom.intake.registers import FIELD_BY_NAME


def _clean_mapping(column_mapping: Any, value_mappings: Any) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    if not isinstance(column_mapping, dict) or not isinstance(value_mappings, dict):
        raise ApplicationError("invalid", _("Give the mapping as field -> column."))
    unknown = sorted(str(name) for name in [*column_mapping, *value_mappings] if name not in FIELD_BY_NAME)
    if unknown:
        message = _("Unknown fields: %s.") % ", ".join(unknown)
        raise ApplicationError("invalid", message, {"fields": {"mapping": message}})
    errors = check.Errors()
    columns = {
        str(name): check.line(errors, f"mapping.{name}", heading)
        for name, heading in column_mapping.items()
        if str(heading or "").strip()
    }
    values: dict[str, dict[str, str]] = {}
    for name, pairs in value_mappings.items():
        if not isinstance(pairs, dict):
            errors[f"values.{name}"] = _("Give the values as value -> code.")
            continue
        cleaned = {
            check.line(errors, f"values.{name}", key): check.line(errors, f"values.{name}", code)
            for key, code in pairs.items()
        }
        if cleaned:
            values[str(name)] = cleaned
    errors.raise_if_any()
    return columns, values


@transaction.atomic
def source_create(
    *,
    actor: User | None,
    organization: Any,
    name: str,
    column_mapping: dict[str, str] | None = None,
    value_mappings: dict[str, dict[str, str]] | None = None,
) -> RegisterSource:
    """A register the organization imports from, with its column mapping (may be completed later)."""
    if actor is not None:
        require_permission(actor, "add", RegisterSource)
        if not scope_allows_organization(actor, "add", RegisterSource, organization):
            raise NotFound()
    errors = check.Errors()
    clean_name = check.line(errors, "name", name, required=True, max_length=120)
    errors.raise_if_any()
    columns, values = _clean_mapping(column_mapping or {}, value_mappings or {})
    try:
        with transaction.atomic():
            source = RegisterSource.objects.create(
                owner_organization=organization,
                country=organization.country,
                name=clean_name,
                column_mapping=columns,
                value_mappings=values,
                created_by=actor,
            )
    except IntegrityError:
        message = _("Your organization already has a register of that name.")
        raise ApplicationError("invalid", message, {"fields": {"name": message}}) from None
    audit_record(
        actor=actor,
        action="intake.source_create",
        target=source,
        organization=organization,
        changes={"name": source.name, "columns": sorted(columns)},
    )
    return source


@transaction.atomic
def source_mapping_set(
    *,
    actor: User | None,
    source_id: Any,
    column_mapping: dict[str, str],
    value_mappings: dict[str, dict[str, str]] | None = None,
) -> RegisterSource:
    """Save a source's column mapping (and its value mappings, when given): the next file of the register imports
    with it."""
    if actor is None:
        source = RegisterSource.objects.select_for_update().filter(pk=check.pk_of(source_id)).first()
        if source is None:
            raise NotFound()
    else:
        source = access_by_id(
            RegisterSource, actor, source_id, "change", queryset=RegisterSource.objects.select_for_update()
        )
    columns, values = _clean_mapping(
        column_mapping, value_mappings if value_mappings is not None else source.value_mappings
    )
    before = (dict(source.column_mapping or {}), dict(source.value_mappings or {}))
    if (columns, values) == before:
        return source
    source.column_mapping, source.value_mappings = columns, values
    source.save(update_fields=["column_mapping", "value_mappings", "updated_at"])
    audit_record(
        actor=actor,
        action="intake.source_update",
        target=source,
        organization=source.owner_organization_id,
        changes={"columns": sorted(columns), "values": sorted(values)},
    )
    return source
