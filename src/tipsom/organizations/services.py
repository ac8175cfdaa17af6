"""Writes for organizations. Each checks permission and audits in its transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tipsom.audit.services import audit_record, describe_changes
from tipsom.core.errors import ApplicationError
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.core.validation import Errors, check_version, line, model_full_clean, model_update, reject_unknown
from tipsom.organizations import geography
from tipsom.organizations.models import Organization, OrganizationFunction, OrganizationType

if TYPE_CHECKING:
    from tipsom.accounts.models import User

ORGANIZATION_FIELDS = (
    "name",
    "type",
    "functions",
    "country",
    "region",
    "city",
    "street_address",
    "postal_code",
    "phone",
    "email",
    "website",
    "is_active",
)
_TEXT_FIELDS = ("name", "city", "street_address", "postal_code", "phone", "email", "website")


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check organization data; raises ApplicationError naming every bad field."""
    errors = Errors()
    clean = dict(data)
    for name in _TEXT_FIELDS:
        if name in clean:
            clean[name] = line(errors, name, clean[name])
    if "name" in clean and not clean["name"]:
        errors["name"] = _("A name is required.")
    if "type" in clean and clean["type"] not in OrganizationType.values:
        errors["type"] = _("Unknown organization type.")
    if "functions" in clean:
        functions = clean["functions"] or []
        if not isinstance(functions, list) or set(functions) - set(OrganizationFunction.values):
            errors["functions"] = _("Unknown function.")
        else:
            clean["functions"] = sorted(set(functions))
    if "country" in clean:
        clean["country"] = geography.valid_country(errors, "country", clean["country"], required=True)
    if clean.get("region") and "country" in clean and not geography.is_region(clean["country"], clean["region"]):
        errors["region"] = _("Unknown region for this country (use ISO 3166-2).")
    if clean.get("phone"):
        digits = clean["phone"].replace(" ", "")
        if not (digits.startswith("+") and digits[1:].isdigit() and 2 <= len(digits) - 1 <= 15):
            errors["phone"] = _("Use the international format, such as +551199998888 (E.164).")
        clean["phone"] = digits
    errors.raise_if_any()
    return clean


def _unique_code(name: str, country: str) -> str:
    base = slugify(f"{country}-{name}")[:50] or country.lower()
    code, counter = base, 2
    while Organization.objects.filter(code=code).exists():
        code, counter = f"{base}-{counter}", counter + 1
    return code


@transaction.atomic
def organization_create(*, actor: User | None, code: str = "", **data: Any) -> Organization:
    """Register an organization. `actor=None` is an operator's command on the server."""
    reject_unknown(data, ORGANIZATION_FIELDS)
    for required in ("name", "type", "country"):
        data.setdefault(required, "")
    clean = _validate(data)
    organization = Organization(**clean)
    if actor is not None:
        require_permission(actor, "add", Organization)
        if not scope_allows_organization(actor, "add", Organization, organization):
            raise ApplicationError(
                "forbidden_country", _("You cannot register organizations in that country."), status=403
            )
    organization.code = code or _unique_code(clean["name"], clean["country"])
    if Organization.objects.filter(code=organization.code).exists():
        raise ApplicationError("duplicate", _("That code is taken."), {"fields": {"code": _("That code is taken.")}})
    model_full_clean(organization)
    organization.save()
    audit_record(
        actor=actor,
        action="organization.create",
        target=organization,
        organization=organization,
        changes=describe_changes(organization, ["code", *clean]),
    )
    return organization


@transaction.atomic
def organization_update(*, actor: User, organization_id: Any, version: int | None, **data: Any) -> Organization:
    """Change an organization. A `version` older than the stored one is a stale edit: 409, nothing written."""
    organization = access_by_id(
        Organization, actor, organization_id, "change", queryset=Organization.objects.select_for_update()
    )
    check_version(
        organization,
        version,
        _("Someone else changed this organization after you opened it. Reload and apply your change again."),
    )
    reject_unknown(data, ORGANIZATION_FIELDS)
    if "region" in data and "country" not in data:
        data["country"] = organization.country
    clean = _validate(data)
    if clean.get("country", organization.country) != organization.country:
        probe = Organization(country=clean["country"])
        if not scope_allows_organization(actor, "change", Organization, probe):
            raise ApplicationError("forbidden_country", _("You cannot move organizations to that country."), status=403)
    update = model_update(organization, clean, check=model_full_clean)
    if not update:
        return organization
    audit_record(
        actor=actor,
        action="organization.update",
        target=organization,
        organization=organization,
        changes=describe_changes(organization, update.fields, update.before),
    )
    return organization
