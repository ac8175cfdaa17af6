"""Recording smuggling of migrants incidents (comparable with IOM's Missing Migrants Project, counting the injured
too): the counts and their rules, the breakdown by sex, age group and citizenship, the place, the route, the fee,
and the links to the criminal case, its suspects (the smugglers) and the victim cases of the migrants assisted.

Rules (each refused with a clear error, nothing saved):
- counts are whole numbers: migrants involved 1 or more, dead, missing, injured and survivors 0 or more;
- each migrant is dead, missing or a survivor, so dead + missing + survivors <= migrants involved (dead plus
  survivors more than the migrants involved is named as such); the injured are survivors: injured <= survivors;
- the breakdown rows add up to the migrants involved, with no combination of sex, age group and citizenship twice;
- "death" is an aggravating circumstance exactly when someone died: added when dead > 0, refused when dead = 0;
- a cause of death only for an incident with dead or missing migrants.
There is no removal: an incident is part of the year's statistics and of the audit trail; a mistaken one is
corrected by an update."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record, describe_changes
from tipsom.cases.models import Case
from tipsom.cases.services.case import SOM_CASE_TYPES
from tipsom.core import validation as check
from tipsom.core.errors import NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.justice.models import (
    AgeGroup,
    Aggravation,
    CriminalCase,
    IncidentLocation,
    IncidentMigrants,
    MigrantSex,
    SmugglingIncident,
    Suspect,
    TransportMode,
)
from tipsom.justice.models.incidents import CauseOfDeath
from tipsom.justice.services.common import KIND_INCIDENT, criminal_case_for, reference_next
from tipsom.organizations import geography

STALE = gettext_noop(
    "Someone else changed this smuggling incident after you opened it. Reload it and apply your change again."
)
# A bound far above any incident (the largest recorded shipwrecks count a few hundred people), well within the
# column's range: a typing slip of a few digits is refused rather than stored.
MAX_MIGRANTS = 100_000
MAX_ROWS = 200
MAX_FEE = Decimal("9999999999.99")  # the column's 12 digits, 2 after the point
COORDINATE_STEP = Decimal("0.00001")
COUNT_FIELDS = ("migrants_total", "dead", "missing", "injured", "survivors")
LIST_FIELDS = ("origin_countries", "transit_countries", "aggravating_circumstances")
INCIDENT_FIELDS = (
    "occurred_on",
    "location_type",
    "incident_country",
    "region",
    "place",
    "latitude",
    "longitude",
    "route",
    "origin_countries",
    "transit_countries",
    "destination_country",
    "transport_mode",
    *COUNT_FIELDS,
    "cause_of_death",
    "aggravating_circumstances",
    "fee_per_migrant",
    "fee_currency",
    "information_source",
    "criminal_case",
)
RELATION_FIELDS = ("smugglers", "cases", "migrants")
ROW_FIELDS = ("sex", "age_group", "citizenship", "count")


# --- single values ------------------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    """A finite decimal from a number or its text; None for anything else (a boolean, a word, NaN)."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip()) if isinstance(value, (str, int, float, Decimal)) else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


def coordinate(errors: check.Errors, field: str, value: Any, limit: int) -> Decimal | None:
    """A latitude (limit 90) or longitude (limit 180) in decimal degrees, kept to 5 decimals (about a metre)."""
    if value is None or value == "":
        return None
    number = _decimal(value)
    if number is None:
        errors[field] = _("Enter a number of decimal degrees.")
        return None
    if abs(number) > limit:
        errors[field] = _("Enter a number from -%(limit)d to %(limit)d.") % {"limit": limit}
        return None
    return number.quantize(COORDINATE_STEP, rounding=ROUND_HALF_EVEN)


def fee(errors: check.Errors, field: str, value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    number = _decimal(value)
    if number is None:
        errors[field] = _("Enter an amount.")
        return None
    if number < 0:
        errors[field] = _("The fee cannot be negative.")
        return None
    if number > MAX_FEE:
        errors[field] = _("Too large.")
        return None
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def currency(errors: check.Errors, field: str, value: Any) -> str:
    code = str(value or "").strip().upper()
    if code and pycountry.currencies.get(alpha_3=code) is None:
        errors[field] = _("Unknown currency (use ISO 4217, e.g. EUR).")
        return ""
    return code


def aggravations(errors: check.Errors, field: str, value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        errors[field] = _("Give a list of codes.")
        return []
    unknown = [item[:60] for item in value if item not in Aggravation.values]
    if unknown:
        errors[field] = _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        return []
    return list(dict.fromkeys(value))


def breakdown(errors: check.Errors, value: Any) -> list[dict[str, Any]]:
    """The migrants by sex, age group and citizenship: rows of {sex, age_group, citizenship, count}. A row's
    errors are named "migrants.<n>.<field>"; a combination given twice, "migrants"."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors["migrants"] = _("Give a list of groups of migrants.")
        return []
    if len(value) > MAX_ROWS:
        errors["migrants"] = _("Too many groups (at most %(count)d).") % {"count": MAX_ROWS}
        return []
    rows: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for index, item in enumerate(value):
        prefix = f"migrants.{index}"
        if not isinstance(item, dict):
            errors[prefix] = _("Give the sex, age group, citizenship and number of each group.")
            continue
        unknown = sorted(set(item) - set(ROW_FIELDS))
        if unknown:
            errors[prefix] = _("Unknown fields: %s.") % ", ".join(str(name)[:40] for name in unknown)
            continue
        row = {
            "sex": check.choice(errors, f"{prefix}.sex", MigrantSex, item.get("sex") or MigrantSex.UNKNOWN),
            "age_group": check.choice(
                errors, f"{prefix}.age_group", AgeGroup, item.get("age_group") or AgeGroup.UNKNOWN
            ),
            "citizenship": geography.valid_country(errors, f"{prefix}.citizenship", item.get("citizenship")),
            "count": check.whole_number(
                errors, f"{prefix}.count", item.get("count"), minimum=1, maximum=MAX_MIGRANTS, required=True
            ),
        }
        key = (row["sex"], row["age_group"], row["citizenship"])
        if key in seen:
            errors["migrants"] = _(
                "The same sex, age group and citizenship is given twice: count them together in one group."
            )
        seen.add(key)
        rows.append(row)
    return rows


# --- links --------------------------------------------------------------------------------------------------------
def linked_criminal_case(errors: check.Errors, actor: User, value: Any, country: str) -> CriminalCase | None:
    """A criminal case the actor may see, of the incident's country."""
    if value in (None, ""):
        return None
    try:
        criminal_case = criminal_case_for(actor, check.pk_of(value), "view")
    except NotFound:
        errors["criminal_case"] = _("Choose a criminal case you may see.")
        return None
    if criminal_case.country != country:
        errors["criminal_case"] = _("Choose a criminal case of the incident's country.")
        return None
    return criminal_case


def linked_smugglers(errors: check.Errors, value: Any, criminal_case: CriminalCase | None) -> list[Suspect]:
    """Suspects of the linked criminal case (none without one)."""
    if value in (None, "") or value == []:
        return []
    if not isinstance(value, (list, tuple)):
        errors["smugglers"] = _("Give a list of suspects.")
        return []
    ids = {check.pk_of(item) for item in value}
    if criminal_case is None:
        errors["smugglers"] = _("Link the criminal case first: the smugglers are its suspects.")
        return []
    suspects = list(Suspect.objects.filter(criminal_case=criminal_case, pk__in=ids - {0}))
    if 0 in ids or len(suspects) != len(ids):
        errors["smugglers"] = _("Choose suspects of the linked criminal case.")
        return []
    return sorted(suspects, key=lambda suspect: suspect.pk)


def linked_cases(errors: check.Errors, value: Any, country: str) -> list[Case]:
    """Victim cases of the migrants assisted, named by their exact case number in the country; only cases of
    smuggled migrants (type som, or both)."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        errors["cases"] = _("Give a list of case numbers.")
        return []
    numbers = list(dict.fromkeys(item.strip().upper() for item in value if item.strip()))
    if len(numbers) > MAX_ROWS:
        errors["cases"] = _("Too many cases (at most %(count)d).") % {"count": MAX_ROWS}
        return []
    found = {case.case_number: case for case in Case.objects.filter(country=country, case_number__in=numbers)}
    missing = [number[:40] for number in numbers if number not in found]
    if missing:
        errors["cases"] = _("No case of this country has the number: %(numbers)s.") % {"numbers": ", ".join(missing)}
        return []
    other = [number for number in numbers if found[number].case_type not in SOM_CASE_TYPES]
    if other:
        errors["cases"] = _("Only cases of smuggled migrants can be linked: %(numbers)s.") % {
            "numbers": ", ".join(other)
        }
        return []
    return [found[number] for number in numbers]


# --- the whole input ----------------------------------------------------------------------------------------------
def _fields(data: dict[str, Any], errors: check.Errors, *, creating: bool) -> dict[str, Any]:
    """The scalar fields of `data` checked one by one (rules between fields come after, on the merged values)."""
    clean: dict[str, Any] = {}
    for name in ("occurred_on", "location_type", "incident_country", "migrants_total"):
        if creating and name not in data:
            errors[name] = _("This field is required.")
    if "occurred_on" in data:
        clean["occurred_on"] = check.a_date(errors, "occurred_on", data["occurred_on"])
    if "location_type" in data:
        clean["location_type"] = check.choice(errors, "location_type", IncidentLocation, data["location_type"])
    if "transport_mode" in data:
        clean["transport_mode"] = (
            check.choice(errors, "transport_mode", TransportMode, data["transport_mode"], required=False)
            or TransportMode.UNKNOWN
        )
    if "cause_of_death" in data:
        clean["cause_of_death"] = check.choice(
            errors, "cause_of_death", CauseOfDeath, data["cause_of_death"], required=False
        )
    if "incident_country" in data:
        clean["incident_country"] = geography.valid_country(
            errors, "incident_country", data["incident_country"], required=True
        )
    if "destination_country" in data:
        clean["destination_country"] = geography.valid_country(
            errors, "destination_country", data["destination_country"]
        )
    for name in ("origin_countries", "transit_countries"):
        if name in data:
            clean[name] = geography.valid_countries(errors, name, data[name])
    if "region" in data:
        clean["region"] = str(data["region"] or "").strip().upper()
    for name, limit in (("place", 200), ("route", 100), ("information_source", 200)):
        if name in data:
            clean[name] = check.line(errors, name, data[name], max_length=limit)
    if "latitude" in data:
        clean["latitude"] = coordinate(errors, "latitude", data["latitude"], 90)
    if "longitude" in data:
        clean["longitude"] = coordinate(errors, "longitude", data["longitude"], 180)
    for name in COUNT_FIELDS:
        if name in data:
            minimum = 1 if name == "migrants_total" else 0
            clean[name] = check.whole_number(
                errors, name, data[name], minimum=minimum, maximum=MAX_MIGRANTS, required=name == "migrants_total"
            )
            if clean[name] is None and name != "migrants_total":
                clean[name] = 0 if name not in errors else None
    if "aggravating_circumstances" in data:
        clean["aggravating_circumstances"] = aggravations(
            errors, "aggravating_circumstances", data["aggravating_circumstances"]
        )
    if "fee_per_migrant" in data:
        clean["fee_per_migrant"] = fee(errors, "fee_per_migrant", data["fee_per_migrant"])
    if "fee_currency" in data:
        clean["fee_currency"] = currency(errors, "fee_currency", data["fee_currency"])
    return clean


def _rules(errors: check.Errors, values: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """The rules between fields, on the incident as it would be saved; a field already in error is not judged
    again. Sets the implied "death" circumstance."""
    total, dead, missing, injured, survivors = (values.get(name) for name in COUNT_FIELDS)
    if (
        isinstance(total, int)
        and isinstance(dead, int)
        and isinstance(missing, int)
        and isinstance(injured, int)
        and isinstance(survivors, int)
        and not set(COUNT_FIELDS) & set(errors)
    ):
        if dead + survivors > total:
            errors["survivors"] = _(
                "Dead plus survivors (%(sum)d) are more than the migrants involved (%(total)d)."
            ) % {"sum": dead + survivors, "total": total}
        elif dead + missing + survivors > total:
            errors["missing"] = _(
                "Dead, missing and survivors together (%(sum)d) are more than the migrants involved (%(total)d)."
            ) % {"sum": dead + missing + survivors, "total": total}
        if injured > survivors:
            errors["injured"] = _("The injured are counted among the survivors: no more injured than survivors.")
    if rows and isinstance(total, int) and "migrants" not in errors and not _row_errors(errors):
        counted = sum(row["count"] for row in rows)
        if counted != total:
            errors["migrants"] = _("The groups add up to %(counted)d migrants, not the %(total)d involved.") % {
                "counted": counted,
                "total": total,
            }
    if "aggravating_circumstances" not in errors and isinstance(dead, int):
        listed = list(values.get("aggravating_circumstances") or [])
        if dead > 0 and Aggravation.DEATH not in listed:
            values["aggravating_circumstances"] = [Aggravation.DEATH.value, *listed]
        elif dead == 0 and Aggravation.DEATH in listed:
            errors["aggravating_circumstances"] = _("No one died: remove “Death of migrants” or count the dead.")
    if values.get("cause_of_death") and isinstance(dead, int) and isinstance(missing, int) and dead + missing == 0:
        errors["cause_of_death"] = _("A cause of death is given only when migrants died or went missing.")
    if (values.get("latitude") is None) != (values.get("longitude") is None):
        if not {"latitude", "longitude"} & set(errors):
            errors["longitude" if values.get("longitude") is None else "latitude"] = _(
                "Give both the latitude and the longitude, or neither."
            )
    if values.get("fee_per_migrant") is not None and not values.get("fee_currency"):
        errors.setdefault("fee_currency", _("Give the currency of the fee."))
    if values.get("fee_currency") and values.get("fee_per_migrant") is None and "fee_per_migrant" not in errors:
        errors.setdefault("fee_per_migrant", _("Give the fee, or leave its currency empty."))
    region, country = values.get("region"), values.get("incident_country")
    if region and country and not geography.is_region(country, region):
        errors["region"] = _("Unknown region for this country (use ISO 3166-2).")


def _row_errors(errors: check.Errors) -> bool:
    return any(name.startswith("migrants.") for name in errors)


def _rows_of(incident: SmugglingIncident) -> list[dict[str, Any]]:
    return [
        {"sex": row.sex, "age_group": row.age_group, "citizenship": row.citizenship, "count": row.count}
        for row in incident.migrant_counts.order_by("pk")
    ]


def _row_keys(rows: Iterable[dict[str, Any]]) -> list[list[Any]]:
    return sorted([row["sex"], row["age_group"], row["citizenship"], row["count"]] for row in rows)


def _save_rows(incident: SmugglingIncident, rows: list[dict[str, Any]]) -> None:
    incident.migrant_counts.all().delete()
    IncidentMigrants.objects.bulk_create(IncidentMigrants(incident=incident, **row) for row in rows)


def _links(
    actor: User, data: dict[str, Any], errors: check.Errors, country: str, current: SmugglingIncident | None
) -> dict[str, Any]:
    """The criminal case, smugglers and victim cases given (the current ones, re-checked, where not given)."""
    links: dict[str, Any] = {}
    if "criminal_case" in data:
        links["criminal_case"] = linked_criminal_case(errors, actor, data["criminal_case"], country)
    criminal_case: CriminalCase | None = links["criminal_case"] if "criminal_case" in data else None
    if "criminal_case" not in data and current is not None:
        criminal_case = current.criminal_case
    if "smugglers" in data:
        links["smugglers"] = linked_smugglers(errors, data["smugglers"], criminal_case)
    elif current is not None and "criminal_case" in data and "criminal_case" not in errors:
        kept = list(current.smugglers.all())
        if any(criminal_case is None or suspect.criminal_case_id != criminal_case.pk for suspect in kept):
            errors["smugglers"] = _("The smugglers are suspects of the criminal case: change them too.")
    if "cases" in data:
        links["cases"] = linked_cases(errors, data["cases"], country)
    return links


@transaction.atomic
def incident_create(*, actor: User, **data: Any) -> SmugglingIncident:
    """Record a smuggling incident for the actor's organization; its reference is the country's next of the year
    (e.g. BR-SI-2026-000001). `migrants` is the breakdown; `smugglers` suspect ids of `criminal_case`; `cases`
    case numbers of victim cases of the country."""
    require_permission(actor, "add", SmugglingIncident)
    organization = actor.organization
    if organization is None or not scope_allows_organization(actor, "add", SmugglingIncident, organization):
        raise NotFound()
    check.reject_unknown(data, (*INCIDENT_FIELDS, *RELATION_FIELDS))
    errors = check.Errors()
    clean = _fields(data, errors, creating=True)
    rows = breakdown(errors, data.get("migrants"))
    links = _links(actor, data, errors, organization.country, None)
    values = {"dead": 0, "missing": 0, "injured": 0, "survivors": 0, **clean}
    _rules(errors, values, rows)
    errors.raise_if_any()
    fields = {name: values[name] for name in INCIDENT_FIELDS if name in values}
    fields["criminal_case"] = links.get("criminal_case")
    incident = SmugglingIncident.objects.create(
        owner_organization=organization,
        country=organization.country,
        reference=reference_next(organization.country, values["occurred_on"].year, KIND_INCIDENT),
        created_by=actor,
        **fields,
    )
    _save_rows(incident, rows)
    incident.smugglers.set(links.get("smugglers", []))
    incident.cases.set(links.get("cases", []))
    changes = describe_changes(incident, ["reference", "owner_organization", *fields])
    changes.update(_relation_changes(links, rows))
    audit_record(
        actor=actor, action="justice.incident.create", target=incident, organization=organization, changes=changes
    )
    return incident


def _relation_changes(links: dict[str, Any], rows: list[dict[str, Any]] | None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if "smugglers" in links:
        changes["smugglers"] = [suspect.pk for suspect in links["smugglers"]]
    if "cases" in links:
        changes["cases"] = sorted(case.case_number for case in links["cases"])
    if rows is not None:
        changes["migrants"] = _row_keys(rows)
    return changes


@transaction.atomic
def incident_update(*, actor: User, incident_id: Any, version: int | None, **data: Any) -> SmugglingIncident:
    """Change an incident: only the fields given (the breakdown, smugglers and cases are replaced as a whole when
    given). The rules apply to the incident as it would be saved. A stale `version` answers 409."""
    incident = access_by_id(
        SmugglingIncident,
        actor,
        check.pk_of(incident_id),
        "change",
        queryset=SmugglingIncident.objects.select_for_update(of=("self",)),
    )
    check.check_version(incident, version, _(STALE))
    check.reject_unknown(data, (*INCIDENT_FIELDS, *RELATION_FIELDS))
    errors = check.Errors()
    clean = _fields(data, errors, creating=False)
    new_rows = breakdown(errors, data["migrants"]) if "migrants" in data else None
    old_rows = _rows_of(incident)
    links = _links(actor, data, errors, incident.country, incident)
    values = {name: getattr(incident, name) for name in INCIDENT_FIELDS if name != "criminal_case"}
    values.update(clean)
    rows = new_rows if new_rows is not None else old_rows
    _rules(errors, values, rows)
    if new_rows is None and rows and "migrants" in errors and "migrants_total" in clean:
        errors["migrants_total"] = errors.pop("migrants") + " " + _("Change the groups too.")
    errors.raise_if_any()
    fields = {name: values[name] for name in INCIDENT_FIELDS if name in clean or name == "aggravating_circumstances"}
    if "criminal_case" in links:
        fields["criminal_case"] = links["criminal_case"]
    relation_changes: dict[str, Any] = {}
    if "smugglers" in links and {s.pk for s in links["smugglers"]} != set(
        incident.smugglers.values_list("pk", flat=True)
    ):
        incident.smugglers.set(links["smugglers"])
        relation_changes["smugglers"] = [suspect.pk for suspect in links["smugglers"]]
    if "cases" in links and {c.pk for c in links["cases"]} != set(incident.cases.values_list("pk", flat=True)):
        incident.cases.set(links["cases"])
        relation_changes["cases"] = sorted(case.case_number for case in links["cases"])
    if new_rows is not None and _row_keys(new_rows) != _row_keys(old_rows):
        _save_rows(incident, new_rows)
        relation_changes["migrants"] = [_row_keys(old_rows), _row_keys(new_rows)]
    update = check.model_update(incident, fields, force=bool(relation_changes))
    if update or relation_changes:
        changes = describe_changes(incident, update.fields, update.before)
        changes.update(relation_changes)
        audit_record(
            actor=actor,
            action="justice.incident.update",
            target=incident,
            organization=incident.owner_organization_id,
            changes=changes,
        )
    return incident
