"""Writes for the service directory, the referral pathways and the response times (SLA), and the SLA read.

Every write checks permission, validates every field (bad input writes nothing), and audits in its transaction."""

from __future__ import annotations

from typing import Any

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record, describe_changes
from tipsom.cases.models import CaseType
from tipsom.core import validation as check
from tipsom.core.codes import is_code
from tipsom.core.errors import NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.organizations import geography
from tipsom.organizations.models import Organization
from tipsom.referrals.models import Pathway, ResponseTime, Service, ServiceType, Urgency

SERVICE_FIELDS = (
    "service_type",
    "name",
    "description",
    "sexes",
    "age_min",
    "age_max",
    "serves_tip",
    "serves_som",
    "regions",
    "languages",
    "capacity_total",
    "capacity_available",
    "hours",
    "phone",
    "email",
    "is_active",
)
PATHWAY_FIELDS = (
    "name",
    "child",
    "foreign",
    "case_types",
    "exploitation_types",
    "service_types",
    "priority",
    "is_active",
)
MAX_AGE = 120
MAX_PLACES = 100_000
MAX_RESPONSE_HOURS = 24 * 365
MAX_PRIORITY = 32767


# --- The SLA ---------------------------------------------------------------------------------------------------
def response_hours(country: str, urgency: str) -> int:
    """Hours a receiver has to answer a referral of `urgency` in `country`: the country's ResponseTime, else the
    deployment's default (settings.TIPSOM_REFERRAL_RESPONSE_HOURS)."""
    configured = ResponseTime.objects.filter(country=country, urgency=urgency).values_list("hours", flat=True).first()
    if configured is not None:
        return configured
    return int(settings.TIPSOM_REFERRAL_RESPONSE_HOURS[urgency])


# --- Validation ------------------------------------------------------------------------------------------------
def _number(errors: check.Errors, field: str, value: Any, *, low: int, high: int) -> int | None:
    """A whole number in [low, high], or None for a blank value."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors[field] = _("Give a whole number.")
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        errors[field] = _("Give a whole number.")
        return None
    if not low <= number <= high:
        errors[field] = _("Give a number from %(low)d to %(high)d.") % {"low": low, "high": high}
        return None
    return number


def _flag(errors: check.Errors, field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        errors[field] = _("Give true or false.")
        return False
    return value


def _list(errors: check.Errors, field: str, value: Any, valid: Any, message: str) -> list[str]:
    """A list of codes each accepted by `valid`, duplicates dropped, order kept."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        errors[field] = _("Give a list of codes.")
        return []
    unknown = [item[:60] for item in value if not valid(item)]
    if unknown:
        errors[field] = message % {"codes": ", ".join(unknown)}
        return []
    return list(dict.fromkeys(value))


def is_language(code: str) -> bool:
    """An ISO 639-1 (two-letter) language code."""
    return len(code) == 2 and code.islower() and pycountry.languages.get(alpha_2=code) is not None


def _phone(errors: check.Errors, value: Any) -> str:
    """E.164, as organizations store it: "+" and 2 to 15 digits, spaces dropped."""
    phone = check.line(errors, "phone", value, max_length=20).replace(" ", "")
    if phone and not (phone.startswith("+") and phone[1:].isdigit() and 2 <= len(phone) - 1 <= 15):
        errors["phone"] = _("Use the international format, such as +551199998888 (E.164).")
    return phone


def _email(errors: check.Errors, value: Any) -> str:
    email = check.line(errors, "email", value, max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    return email


def _validate_service(data: dict[str, Any], country: str, errors: check.Errors) -> dict[str, Any]:
    """Normalise and check the given service fields; every problem goes into `errors`."""
    clean: dict[str, Any] = {}
    for name, value in data.items():
        if name == "service_type":
            clean[name] = check.choice(errors, name, ServiceType, value)
        elif name == "name":
            clean[name] = check.line(errors, name, value, required=True, max_length=200)
        elif name == "description":
            clean[name] = check.text(errors, name, value, max_length=2000)
        elif name == "hours":
            clean[name] = check.line(errors, name, value, max_length=200)
        elif name == "sexes":
            clean[name] = _list(
                errors, name, value, lambda code: is_code("prs_Gender", code), _("Unknown sex codes: %(codes)s.")
            )
        elif name == "regions":
            clean[name] = _list(
                errors,
                name,
                value,
                lambda code: geography.is_region(country, code),
                _("Unknown regions of this country (use ISO 3166-2): %(codes)s."),
            )
        elif name == "languages":
            clean[name] = _list(
                errors, name, value, is_language, _("Unknown language codes (use ISO 639-1, such as pt): %(codes)s.")
            )
        elif name in ("age_min", "age_max"):
            clean[name] = _number(errors, name, value, low=0, high=MAX_AGE)
        elif name in ("capacity_total", "capacity_available"):
            clean[name] = _number(errors, name, value, low=0, high=MAX_PLACES)
        elif name in ("serves_tip", "serves_som", "is_active"):
            clean[name] = _flag(errors, name, value)
        elif name == "phone":
            clean[name] = _phone(errors, value)
        elif name == "email":
            clean[name] = _email(errors, value)
    return clean


def _check_service_rules(service: Service, errors: check.Errors) -> None:
    """The rules across fields, on the service as it would be saved."""
    if (
        "age_min" not in errors
        and "age_max" not in errors
        and service.age_min is not None
        and service.age_max is not None
        and service.age_min > service.age_max
    ):
        errors["age_max"] = _("The oldest age served cannot be below the youngest.")
    if "capacity_available" not in errors and "capacity_total" not in errors:
        _check_places(service.capacity_available, service.capacity_total, errors)
    if "serves_tip" not in errors and "serves_som" not in errors and not (service.serves_tip or service.serves_som):
        errors["serves_tip"] = _("A service serves victims of trafficking, smuggled migrants, or both.")


def _check_places(available: int | None, total: int | None, errors: check.Errors) -> None:
    if available is not None and total is not None and available > total:
        errors["capacity_available"] = _("There cannot be more free places than places in all.")
    elif available is not None and total is None:
        errors["capacity_total"] = _("Give the number of places in all, too.")


def _stale_service(service: Service, version: Any) -> None:
    check.check_version(
        service,
        version,
        _("Someone else changed this service after you opened it. Reload and apply your change again."),
    )


# --- Services --------------------------------------------------------------------------------------------------
@transaction.atomic
def service_create(*, actor: User, organization_id: Any, **fields: Any) -> Service:
    """List a service of an organization: its own staff who may add services, or the country's NRM admins."""
    require_permission(actor, "add", Service)
    check.reject_unknown(fields, SERVICE_FIELDS)
    organization = Organization.objects.filter(pk=check.pk_of(organization_id)).first()
    if organization is None or not scope_allows_organization(actor, "add", Service, organization):
        raise NotFound()
    for required in ("service_type", "name"):
        fields.setdefault(required, "")
    errors = check.Errors()
    clean = _validate_service(fields, organization.country, errors)
    service = Service(organization=organization, country=organization.country, **clean)
    if clean.get("capacity_available") is not None:
        service.capacity_updated_at = timezone.now()
    _check_service_rules(service, errors)
    errors.raise_if_any()
    service.save()
    audit_record(
        actor=actor,
        action="service.create",
        target=service,
        organization=organization.pk,
        changes=describe_changes(service, ["organization", "country", *clean]),
    )
    return service


def _access_service(actor: User, service_id: Any) -> Service:
    return access_by_id(Service, actor, service_id, "change", queryset=Service.objects.select_for_update())


@transaction.atomic
def service_update(*, actor: User, service_id: Any, version: Any, **fields: Any) -> Service:
    """Change a service. A stale `version` is a 409 and writes nothing. The organization does not change."""
    service = _access_service(actor, service_id)
    _stale_service(service, version)
    check.reject_unknown(fields, SERVICE_FIELDS)
    errors = check.Errors()
    clean = _validate_service(fields, service.country, errors)
    capacity = [name for name in ("capacity_available", "capacity_total") if name in clean]
    if any(clean[name] != getattr(service, name) for name in capacity):
        service.capacity_updated_at = timezone.now()

    def rules(service: Service) -> None:
        _check_service_rules(service, errors)
        errors.raise_if_any()

    update = check.model_update(service, clean, check=rules, also_save=["capacity_updated_at"])
    if not update:
        return service
    audit_record(
        actor=actor,
        action="service.update",
        target=service,
        organization=service.organization_id,
        changes=describe_changes(service, update.fields, update.before),
    )
    return service


_CAPACITY_PARAMETERS = {"capacity_available": "available", "capacity_total": "total"}


@transaction.atomic
def service_capacity_set(
    *, actor: User, service_id: Any, available: Any, total: Any = None, version: Any = None
) -> Service:
    """The provider's quick update of free places (and, given, places in all). Always stamps the time, so an
    unchanged count still says "checked just now"."""
    service = _access_service(actor, service_id)
    _stale_service(service, version)
    # Errors name this function's parameters (available, total), as its forms and payloads do.
    errors = check.Errors()
    free = _number(errors, "available", available, low=0, high=MAX_PLACES)
    if free is None and "available" not in errors:
        errors["available"] = _("This field is required.")
    places = service.capacity_total
    if total not in (None, ""):
        places = _number(errors, "total", total, low=0, high=MAX_PLACES)
    if not errors:
        named = check.Errors()
        _check_places(free, places, named)
        errors.update({_CAPACITY_PARAMETERS[field]: message for field, message in named.items()})
    errors.raise_if_any()
    before = {"capacity_available": service.capacity_available, "capacity_total": service.capacity_total}
    service.capacity_available, service.capacity_total = free, places
    service.capacity_updated_at = timezone.now()
    service.version += 1
    service.save()
    audit_record(
        actor=actor,
        action="service.capacity",
        target=service,
        organization=service.organization_id,
        changes=describe_changes(service, ["capacity_available", "capacity_total"], before),
    )
    return service


# --- Pathways --------------------------------------------------------------------------------------------------
def _validate_pathway(data: dict[str, Any], errors: check.Errors) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in data.items():
        if name == "name":
            clean[name] = check.line(errors, name, value, required=True, max_length=200)
        elif name in ("child", "foreign"):
            clean[name] = check.choice(errors, name, Pathway.Applies, value)
        elif name == "case_types":
            clean[name] = _list(
                errors, name, value, lambda code: code in CaseType.values, _("Unknown types of case: %(codes)s.")
            )
        elif name == "exploitation_types":
            clean[name] = check.codes(errors, name, "vic_TypeOfExploitation", value)
        elif name == "service_types":
            clean[name] = _list(
                errors, name, value, lambda code: code in ServiceType.values, _("Unknown types of service: %(codes)s.")
            )
            if name not in errors and not clean[name]:
                errors[name] = _("Name at least one type of service.")
        elif name == "priority":
            clean[name] = _number(errors, name, value, low=0, high=MAX_PRIORITY)
            if clean[name] is None:
                errors.setdefault(name, _("This field is required."))
        elif name == "is_active":
            clean[name] = _flag(errors, name, value)
    return clean


def _national_country(actor: User, action: str, model: Any) -> str:
    """The country whose configuration the actor may `action`: their own, with a national permission."""
    require_permission(actor, action, model)
    organization = getattr(actor, "organization", None)
    if organization is None or not scope_allows_organization(actor, action, model, organization):
        raise NotFound()
    return organization.country


@transaction.atomic
def pathway_create(*, actor: User, **fields: Any) -> Pathway:
    """Add a pathway to the actor's country (NRM administrators)."""
    country = _national_country(actor, "add", Pathway)
    check.reject_unknown(fields, PATHWAY_FIELDS)
    fields.setdefault("name", "")
    fields.setdefault("service_types", [])
    errors = check.Errors()
    clean = _validate_pathway(fields, errors)
    errors.raise_if_any()
    pathway = Pathway.objects.create(country=country, **clean)
    audit_record(
        actor=actor, action="pathway.create", target=pathway, changes=describe_changes(pathway, ["country", *clean])
    )
    return pathway


@transaction.atomic
def pathway_update(*, actor: User, pathway_id: Any, version: Any, **fields: Any) -> Pathway:
    """Change a pathway; `is_active=False` retires it (pathways are not deleted, the audit log names them)."""
    pathway = access_by_id(Pathway, actor, pathway_id, "change", queryset=Pathway.objects.select_for_update())
    check.check_version(
        pathway,
        version,
        _("Someone else changed this pathway after you opened it. Reload and apply your change again."),
    )
    check.reject_unknown(fields, PATHWAY_FIELDS)
    errors = check.Errors()
    clean = _validate_pathway(fields, errors)
    errors.raise_if_any()
    update = check.model_update(pathway, clean)
    if not update:
        return pathway
    action = "pathway.deactivate" if update.fields == ["is_active"] and not pathway.is_active else "pathway.update"
    changes = describe_changes(pathway, update.fields, update.before)
    audit_record(actor=actor, action=action, target=pathway, changes=changes)
    return pathway


# --- Response times --------------------------------------------------------------------------------------------
@transaction.atomic
def response_time_set(*, actor: User, country: Any, urgency: Any, hours: Any) -> ResponseTime:
    """Set the hours to answer a referral of one urgency in the actor's country (NRM administrators)."""
    own_country = _national_country(actor, "change", ResponseTime)
    if str(country or "").upper() != own_country:
        raise NotFound()
    errors = check.Errors()
    urgency = check.choice(errors, "urgency", Urgency, urgency)
    number = _number(errors, "hours", hours, low=1, high=MAX_RESPONSE_HOURS)
    if number is None:
        errors.setdefault("hours", _("This field is required."))
    errors.raise_if_any()
    assert number is not None  # refused just above otherwise
    row = ResponseTime.objects.select_for_update().filter(country=own_country, urgency=urgency).first()
    before = {"hours": row.hours if row is not None else response_hours(own_country, urgency)}
    if row is None:
        row = ResponseTime(country=own_country, urgency=urgency, hours=number)
    elif row.hours == number:
        return row
    row.hours = number
    row.save()
    audit_record(
        actor=actor,
        action="response_time.set",
        target=row,
        changes={"country": own_country, "urgency": urgency, **describe_changes(row, ["hours"], before)},
    )
    return row


__all__ = [
    "MAX_AGE",
    "PATHWAY_FIELDS",
    "SERVICE_FIELDS",
    "is_language",
    "pathway_create",
    "pathway_update",
    "response_hours",
    "response_time_set",
    "service_capacity_set",
    "service_create",
    "service_update",
]
