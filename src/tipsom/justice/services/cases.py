"""Recording a criminal case, changing it, moving its stage, and its offences. Each service checks permission
first (criminal_case_for), applies the rules, and audits in its transaction.

The case's stage is not set here: justice.services.process keeps it in step with the charges and decisions and
concludes the case (or closes it without charges). A concluded or closed case is read-only here too.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record, describe_changes
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import require_permission, scope_allows_organization
from tipsom.justice.models import Charge, CriminalCase, Offence, OffenceType
from tipsom.justice.services.common import (
    KIND_CRIMINAL_CASE,
    STALE,
    criminal_case_for,
    organization_of_country,
    provision_of_country,
    reference_next,
)
from tipsom.organizations import geography
from tipsom.organizations.models import Organization

CASE_FIELDS = (
    "title",
    "file_number",
    "investigation_opened_on",
    "investigation_closed_on",
    "investigating_unit",
    "prosecution_office",
    "court",
    "is_transnational",
    "countries_involved",
    "facts",
)
OFFENCE_CODE_FIELDS = {
    "exploitation_types": "vic_TypeOfExploitation",
    "recruitment_methods": "vic_MethodOfRecruitment",
    "means_of_control": "vic_MethodsOfControl",
}
OFFENCE_FIELDS = (
    "offence_type",
    "provision",
    "date_from",
    "date_to",
    "recorded_on",
    "country",
    "region",
    "places",
    "reporting_unit",
    *OFFENCE_CODE_FIELDS,
    "modus_operandi",
    "is_transnational",
    "countries_involved",
)


def a_bool(errors: check.Errors, field: str, value: Any) -> bool:
    """True or False (a form's "on", an API's true); anything else is refused."""
    if isinstance(value, bool):
        return value
    if value in (None, "", "false", "False", "0", "off", 0):
        return False
    if value in ("true", "True", "1", "on", 1):
        return True
    errors[field] = _("Give yes or no.")
    return False


def open_case(criminal_case: CriminalCase) -> None:
    """A closed or concluded case changes only once it is reopened."""
    if criminal_case.is_closed:
        raise ApplicationError(
            "closed", _("This criminal case is concluded: nothing more can be recorded in it."), status=409
        )


def _case_fields_validate(
    data: dict[str, Any], errors: check.Errors, *, country: str, current: CriminalCase | None = None
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = check.line(errors, "title", data["title"], required=True, max_length=200)
    if "file_number" in data:
        clean["file_number"] = check.line(errors, "file_number", data["file_number"], max_length=60)
    if "investigation_opened_on" in data:
        clean["investigation_opened_on"] = check.a_date(
            errors, "investigation_opened_on", data["investigation_opened_on"]
        )
    if "investigation_closed_on" in data:
        opened = clean.get("investigation_opened_on") or (current.investigation_opened_on if current else None)
        clean["investigation_closed_on"] = check.a_date(
            errors,
            "investigation_closed_on",
            data["investigation_closed_on"],
            required=False,
            not_before=opened,
            not_before_message=_("The investigation cannot close before it opened."),
        )
    for name in ("investigating_unit", "prosecution_office", "court"):
        if name in data:
            clean[name] = organization_of_country(errors, name, data[name], country)
    if "is_transnational" in data:
        clean["is_transnational"] = a_bool(errors, "is_transnational", data["is_transnational"])
    if "countries_involved" in data:
        clean["countries_involved"] = geography.valid_countries(
            errors, "countries_involved", data["countries_involved"]
        )
    if "facts" in data:
        clean["facts"] = check.text(errors, "facts", data["facts"])
    return clean


@transaction.atomic
def criminal_case_create(
    *,
    actor: User,
    organization: Organization | None = None,
    title: str,
    investigation_opened_on: Any,
    file_number: str = "",
    investigating_unit: Any = None,
    prosecution_office: Any = None,
    court: Any = None,
    is_transnational: Any = False,
    countries_involved: Any = (),
    facts: str = "",
    offence_type: str = "",
) -> CriminalCase:
    """Record a criminal case owned by the actor's organization (or `organization`, which the actor must be
    allowed to add for). Its reference is the next of its country and the year the investigation opened.
    `offence_type` is the case's main offence type until its first offence is recorded."""
    require_permission(actor, "add", CriminalCase)
    owner = organization or actor.organization
    if owner is None or not scope_allows_organization(actor, "add", CriminalCase, owner):
        raise NotFound()
    errors = check.Errors()
    data = {
        "title": title,
        "file_number": file_number,
        "investigation_opened_on": investigation_opened_on,
        "investigating_unit": investigating_unit,
        "prosecution_office": prosecution_office,
        "court": court,
        "is_transnational": is_transnational,
        "countries_involved": list(countries_involved or []),
        "facts": facts,
    }
    clean = _case_fields_validate(data, errors, country=owner.country)
    clean["offence_type"] = check.choice(errors, "offence_type", OffenceType, offence_type, required=False)
    errors.raise_if_any()
    criminal_case = CriminalCase(
        owner_organization=owner,
        country=owner.country,
        reference=reference_next(owner.country, clean["investigation_opened_on"].year, KIND_CRIMINAL_CASE),
        created_by=actor,
        **clean,
    )
    criminal_case.save()
    audit_record(
        actor=actor,
        action="justice.case.create",
        target=criminal_case,
        organization=owner,
        changes=describe_changes(criminal_case, ["reference", "owner_organization", *clean]),
    )
    return criminal_case


@transaction.atomic
def criminal_case_update(*, actor: User, criminal_case_id: Any, version: Any, **data: Any) -> CriminalCase:
    """Change the case's facts and organizations (CASE_FIELDS). A stale `version` is a 409; a concluded case
    is read-only (its brief's summary is written by justice.services.brief)."""
    criminal_case = criminal_case_for(actor, criminal_case_id, "change")
    check.reject_unknown(data, CASE_FIELDS)
    criminal_case = CriminalCase.objects.select_for_update().get(pk=criminal_case.pk)
    check.check_version(criminal_case, version, _(STALE))
    open_case(criminal_case)
    errors = check.Errors()
    clean = _case_fields_validate(data, errors, country=criminal_case.country, current=criminal_case)
    errors.raise_if_any()
    update = check.model_update(criminal_case, clean)
    if update:
        audit_record(
            actor=actor,
            action="justice.case.update",
            target=criminal_case,
            organization=criminal_case.owner_organization_id,
            changes=describe_changes(criminal_case, update.fields, update.before),
        )
    return criminal_case


# --- offences ---------------------------------------------------------------------------------------------------
def _offence_fields_validate(
    data: dict[str, Any], errors: check.Errors, *, criminal_case: CriminalCase, current: Offence | None = None
) -> dict[str, Any]:
    def now(name: str) -> Any:
        return getattr(current, name) if current is not None else None

    clean: dict[str, Any] = {}
    if "provision" in data:
        clean["provision"] = provision_of_country(
            errors, "provision", data["provision"], criminal_case.country, required=False
        )
    if "offence_type" in data:
        provision = clean.get("provision")
        given = data["offence_type"] or (provision.offence_type if provision is not None else "")
        clean["offence_type"] = check.choice(errors, "offence_type", OffenceType, given)
    if "date_from" in data:
        clean["date_from"] = check.a_date(errors, "date_from", data["date_from"])
    date_from = clean.get("date_from", now("date_from"))
    if "date_to" in data:
        clean["date_to"] = check.a_date(
            errors,
            "date_to",
            data["date_to"],
            required=False,
            not_before=date_from,
            not_before_message=_("The end date cannot be before the start date."),
        )
    elif "date_from" in data and now("date_to") and date_from and now("date_to") < date_from:
        errors["date_from"] = _("The end date cannot be before the start date.")
    if "recorded_on" in data:
        clean["recorded_on"] = check.a_date(
            errors,
            "recorded_on",
            data["recorded_on"] or timezone.localdate(),
            not_before=date_from,
            not_before_message=_("An offence cannot be recorded before it began."),
        )
    if "country" in data:
        clean["country"] = geography.valid_country(errors, "country", data["country"], required=True)
    if "region" in data:
        country = clean.get("country") or now("country") or criminal_case.country
        region = str(data["region"] or "").strip().upper()
        if region and not geography.is_region(country, region):
            errors["region"] = _("Unknown region for this country (use ISO 3166-2).")
        clean["region"] = region
    if "places" in data:
        clean["places"] = check.line(errors, "places", data["places"])
    if "reporting_unit" in data:
        clean["reporting_unit"] = organization_of_country(
            errors, "reporting_unit", data["reporting_unit"], criminal_case.country
        )
    for name, list_name in OFFENCE_CODE_FIELDS.items():
        if name in data:
            clean[name] = check.codes(errors, name, list_name, data[name])
    if "modus_operandi" in data:
        clean["modus_operandi"] = check.text(errors, "modus_operandi", data["modus_operandi"])
    if "is_transnational" in data:
        clean["is_transnational"] = a_bool(errors, "is_transnational", data["is_transnational"])
    if "countries_involved" in data:
        clean["countries_involved"] = geography.valid_countries(
            errors, "countries_involved", data["countries_involved"]
        )
    return clean


def case_offence_type_sync(criminal_case: CriminalCase) -> None:
    """The case's main offence type is its first recorded offence's (kept when it has none)."""
    first = criminal_case.offences.order_by("pk").values_list("offence_type", flat=True).first()
    if first and first != criminal_case.offence_type:
        CriminalCase.objects.filter(pk=criminal_case.pk).update(offence_type=first)
        criminal_case.offence_type = first


def offence_for(actor: User, offence_id: Any, action: str = "change") -> Offence:
    """An offence of a criminal case the actor may `action`; NotFound otherwise (the same answer)."""
    offence = Offence.objects.filter(pk=check.pk_of(offence_id)).first()
    if offence is None:
        raise NotFound()
    offence.criminal_case = criminal_case_for(actor, offence.criminal_case_id, action)
    return offence


@transaction.atomic
def offence_add(*, actor: User, criminal_case_id: Any, **data: Any) -> Offence:
    """Record an offence of the case (OFFENCE_FIELDS; the country defaults to the case's, the day recorded to
    today). A provision must be of the case's country; the end date not before the start."""
    criminal_case = criminal_case_for(actor, criminal_case_id, "change")
    open_case(criminal_case)
    check.reject_unknown(data, OFFENCE_FIELDS)
    data = {"country": criminal_case.country, "recorded_on": "", "offence_type": "", "date_from": None, **data}
    errors = check.Errors()
    clean = _offence_fields_validate(data, errors, criminal_case=criminal_case)
    errors.raise_if_any()
    offence = Offence(criminal_case=criminal_case, created_by=actor, **clean)
    offence.save()
    case_offence_type_sync(criminal_case)
    audit_record(
        actor=actor,
        action="justice.offence.add",
        target=offence,
        organization=criminal_case.owner_organization_id,
        changes={"criminal_case": criminal_case.pk, **describe_changes(offence, list(clean))},
    )
    return offence


@transaction.atomic
def offence_update(*, actor: User, offence_id: Any, **data: Any) -> Offence:
    offence = offence_for(actor, offence_id, "change")
    open_case(offence.criminal_case)
    check.reject_unknown(data, OFFENCE_FIELDS)
    errors = check.Errors()
    clean = _offence_fields_validate(data, errors, criminal_case=offence.criminal_case, current=offence)
    errors.raise_if_any()
    update = check.model_update(offence, clean)
    if update:
        case_offence_type_sync(offence.criminal_case)
        audit_record(
            actor=actor,
            action="justice.offence.update",
            target=offence,
            organization=offence.criminal_case.owner_organization_id,
            changes=describe_changes(offence, update.fields, update.before),
        )
    return offence


@transaction.atomic
def offence_remove(*, actor: User, offence_id: Any) -> None:
    """Remove an offence recorded by mistake; one a charge names stays."""
    offence = offence_for(actor, offence_id, "change")
    criminal_case = offence.criminal_case
    open_case(criminal_case)
    if Charge.objects.filter(offence=offence).exists():
        raise ApplicationError("has_charges", _("A charge names this offence: remove or change the charge first."))
    audit_record(
        actor=actor,
        action="justice.offence.remove",
        target=offence,
        organization=criminal_case.owner_organization_id,
        changes={"criminal_case": criminal_case.pk, "offence_type": offence.offence_type},
    )
    offence.delete()
    case_offence_type_sync(criminal_case)
