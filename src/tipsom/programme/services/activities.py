"""Recording the programme's activities (trainings, workshops, campaigns, cooperation meetings...) and the follow-up
actions a cooperation meeting agreed.

Rules (each refused with a clear error on its field, nothing saved):
- the type, title, pillar and start date are required; the end date defaults to the start date and is never
  before it;
- every code (4Ps, topics, target groups, channels, sectors, countries, currency) is one of its list;
- regions are ISO 3166-2 codes of the activity's country; implementing organizations are active tipsom
  organizations of the country;
- budget and cost are amounts of 0 or more;
- the aggregate counts: women plus men no more than the total, the counts by sector no more than the total (a
  count by sex or sector needs the total);
- the campaign fields (channels, people reached, materials) only on an awareness campaign and the cooperation
  fields (participating countries, agreements) only on a meeting, conference or study visit: a value given on
  another type is refused (silently dropping what someone typed would lose it);
- a change made on a stale `version` answers 409.
The reference is the country's next of the start date's year, e.g. CO-ACT-2018-000012; it never changes."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record, describe_changes
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.justice.services.incidents import currency
from tipsom.organizations import geography
from tipsom.organizations.models import Organization
from tipsom.programme.models import (
    COOPERATION_TYPES,
    ActionStatus,
    Activity,
    ActivityType,
    Channel,
    FollowUpAction,
    FourP,
    Pillar,
    Sector,
    Topic,
)
from tipsom.programme.services.references import reference_next

STALE = gettext_noop("Someone else changed this activity after you opened it. Reload it and apply your change again.")
REFERENCE_KIND = "ACT"
MAX_PEOPLE = 100_000_000  # a campaign's reach may be millions; far above it is a typing slip
MAX_PARTICIPANTS = 1_000_000
MAX_AMOUNT = Decimal("999999999999.99")  # the columns' 14 digits, 2 after the point
CAMPAIGN_FIELDS = ("channels", "people_reached", "materials", "materials_count")
COOPERATION_FIELDS = ("countries", "agreements")
COUNT_FIELDS = ("participants_total", "participants_women", "participants_men")
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "description",
    "pillar",
    "four_ps",
    "start_date",
    "end_date",
    "regions",
    "places",
    "partners",
    "topics",
    "target_groups",
    "currency",
    "budget",
    "cost",
    *COUNT_FIELDS,
    "participants_by_sector",
    *CAMPAIGN_FIELDS,
    *COOPERATION_FIELDS,
)
RELATION_FIELDS = ("implementing_organizations",)
FOLLOW_UP_FIELDS = ("description", "owner_name", "owner_country", "due_on", "status", "done_on")


# --- single values ------------------------------------------------------------------------------------------------
def _codes(errors: check.Errors, field: str, choices: Any, value: Any) -> list[str]:
    """A list of codes of one of the programme's lists, duplicates dropped, order kept."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        errors[field] = _("Give a list of codes.")
        return []
    unknown = [item[:60] for item in value if item not in choices.values]
    if unknown:
        errors[field] = _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        return []
    return list(dict.fromkeys(value))


def _regions(errors: check.Errors, value: Any, country: str) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        errors["regions"] = _("Give a list of region codes.")
        return []
    codes = list(dict.fromkeys(item.strip().upper() for item in value if item.strip()))
    unknown = [code[:12] for code in codes if not geography.is_region(country, code)]
    if unknown:
        errors["regions"] = _("Not a region of the activity's country (use ISO 3166-2): %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
        return []
    return codes


def _amount(errors: check.Errors, field: str, value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    number = check.decimal_of(value)
    if number is None:
        errors[field] = _("Enter an amount.")
        return None
    if number < 0:
        errors[field] = _("An amount cannot be negative.")
        return None
    if number > MAX_AMOUNT:
        errors[field] = _("Too large.")
        return None
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def _currency(errors: check.Errors, value: Any) -> str:
    """An ISO 4217 code; US dollars when none is given."""
    if not str(value or "").strip():
        return "USD"
    return currency(errors, "currency", value)


def _by_sector(errors: check.Errors, value: Any) -> dict[str, int]:
    """{sector code: participants}; a sector of 0 is left out."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        errors["participants_by_sector"] = _("Give the participants of each sector as {sector: number}.")
        return {}
    unknown = [str(code)[:60] for code in value if code not in Sector.values]
    if unknown:
        errors["participants_by_sector"] = _("Unknown sectors: %(codes)s.") % {"codes": ", ".join(unknown)}
        return {}
    counts: dict[str, int] = {}
    for code, raw in value.items():
        number = check.whole_number(errors, "participants_by_sector", raw, maximum=MAX_PARTICIPANTS)
        if "participants_by_sector" in errors:
            return {}
        if number:
            counts[code] = number
    return {code: counts[code] for code in Sector.values if code in counts}


def _organizations(errors: check.Errors, value: Any, country: str) -> list[Organization]:
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors["implementing_organizations"] = _("Give a list of organizations.")
        return []
    ids = {check.pk_of(item) for item in value}
    found = list(Organization.objects.filter(pk__in=ids - {0}, country=country, is_active=True).order_by("pk"))
    if 0 in ids or len(found) != len(ids):
        errors["implementing_organizations"] = _("Choose active organizations of the activity's country.")
        return []
    return found


def _fields(data: dict[str, Any], errors: check.Errors, country: str, *, creating: bool) -> dict[str, Any]:
    """The fields of `data` checked one by one (the rules between fields come after, on the merged values)."""
    clean: dict[str, Any] = {}
    for name in ("kind", "title", "pillar", "start_date"):
        if creating and data.get(name) in (None, ""):
            errors[name] = _("This field is required.")
    if "kind" in data and "kind" not in errors:
        clean["kind"] = check.choice(errors, "kind", ActivityType, data["kind"])
    if "title" in data and "title" not in errors:
        clean["title"] = check.line(errors, "title", data["title"], required=True, max_length=300)
    if "description" in data:
        clean["description"] = check.text(errors, "description", data["description"], max_length=10_000)
    if "pillar" in data and "pillar" not in errors:
        pillar = check.pk_of(data["pillar"])
        if pillar not in Pillar.values:
            errors["pillar"] = _("Unknown value: %(value)s.") % {"value": str(data["pillar"])[:60]}
        clean["pillar"] = pillar
    for name in ("start_date", "end_date"):
        if name in data and name not in errors:
            clean[name] = check.future_date(errors, name, data[name], required=name == "start_date")
    if "regions" in data:
        clean["regions"] = _regions(errors, data["regions"], country)
    for name, limit in (("places", 500), ("partners", 500)):
        if name in data:
            clean[name] = check.line(errors, name, data[name], max_length=limit)
    for name, choices in (
        ("four_ps", FourP),
        ("topics", Topic),
        ("target_groups", Sector),
        ("channels", Channel),
    ):
        if name in data:
            clean[name] = _codes(errors, name, choices, data[name])
    if "currency" in data:
        clean["currency"] = _currency(errors, data["currency"])
    for name in ("budget", "cost"):
        if name in data:
            clean[name] = _amount(errors, name, data[name])
    for name in COUNT_FIELDS:
        if name in data:
            clean[name] = check.whole_number(errors, name, data[name], maximum=MAX_PARTICIPANTS)
    if "participants_by_sector" in data:
        clean["participants_by_sector"] = _by_sector(errors, data["participants_by_sector"])
    for name in ("people_reached", "materials_count"):
        if name in data:
            clean[name] = check.whole_number(errors, name, data[name], maximum=MAX_PEOPLE)
    for name in ("materials", "agreements"):
        if name in data:
            clean[name] = check.text(errors, name, data[name], max_length=10_000)
    if "countries" in data:
        clean["countries"] = geography.valid_countries(errors, "countries", data["countries"])
    return clean


def _rules(errors: check.Errors, values: dict[str, Any]) -> None:
    """The rules between fields, on the activity as it would be saved; a field already in error is not judged
    again."""
    start, end = values.get("start_date"), values.get("end_date")
    if start is not None and end is not None and end < start and not {"start_date", "end_date"} & set(errors):
        errors["end_date"] = _("The end date is before the start date.")
    total, women, men = (values.get(name) for name in COUNT_FIELDS)
    if not set(COUNT_FIELDS) & set(errors):
        by_sex = (women or 0) + (men or 0)
        if total is None and (women is not None or men is not None):
            errors["participants_total"] = _("Give the total number of participants too.")
        elif total is not None and by_sex > total:
            errors["participants_women"] = _(
                "Women and men add up to %(sum)d, more than the %(total)d participants."
            ) % {"sum": by_sex, "total": total}
    by_sector = values.get("participants_by_sector") or {}
    if by_sector and "participants_by_sector" not in errors and "participants_total" not in errors:
        counted = sum(by_sector.values())
        if total is None:
            errors["participants_total"] = _("Give the total number of participants too.")
        elif counted > total:
            errors["participants_by_sector"] = _(
                "The sectors add up to %(sum)d participants, more than the %(total)d participants."
            ) % {"sum": counted, "total": total}
    kind = values.get("kind")
    if kind and "kind" not in errors:
        if kind != ActivityType.CAMPAIGN:
            for name in CAMPAIGN_FIELDS:
                if values.get(name) not in (None, "", []) and name not in errors:
                    errors[name] = _("Only an awareness campaign has channels, people reached and materials.")
        if kind not in COOPERATION_TYPES:
            for name in COOPERATION_FIELDS:
                if values.get(name) not in (None, "", []) and name not in errors:
                    errors[name] = _(
                        "Only a meeting, a conference or a study visit has participating countries and agreements."
                    )


def activity_reference_next(country: str, year: int) -> str:
    """The next activity reference of a country and year, e.g. CO-ACT-2018-000012 (the highest so far plus one,
    taken under a lock held until the transaction ends)."""
    return reference_next(Activity, kind=REFERENCE_KIND, country=country, year=year, digits=6)


# --- activities -----------------------------------------------------------------------------------------------------
@transaction.atomic
def activity_create(*, actor: User, organization: Organization, data: dict[str, Any]) -> Activity:
    """Record an activity reported by `organization` (the actor's own, or for a national M&E officer any
    organization of the country) in its country. `data` holds model field names; "implementing_organizations" a
    list of organization ids of the country."""
    require_permission(actor, "add", Activity)
    if organization is None or not scope_allows_organization(actor, "add", Activity, organization):
        raise NotFound()
    check.reject_unknown(data, (*ACTIVITY_FIELDS, *RELATION_FIELDS))
    country = organization.country
    errors = check.Errors()
    clean = _fields(data, errors, country, creating=True)
    implementing = _organizations(errors, data.get("implementing_organizations"), country)
    values = {**clean}
    if values.get("end_date") is None and "end_date" not in errors:
        values["end_date"] = values.get("start_date")
    _rules(errors, values)
    errors.raise_if_any()
    fields = {name: values[name] for name in ACTIVITY_FIELDS if name in values and values[name] is not None}
    activity = Activity.objects.create(
        owner_organization=organization,
        country=country,
        reference=activity_reference_next(country, values["start_date"].year),
        created_by=actor,
        **fields,
    )
    activity.implementing_organizations.set(implementing)
    changes = describe_changes(activity, ["reference", "owner_organization", *fields])
    changes["implementing_organizations"] = [org.pk for org in implementing]
    audit_record(
        actor=actor, action="programme.activity.create", target=activity, organization=organization, changes=changes
    )
    return activity


@transaction.atomic
def activity_update(*, actor: User, activity_id: int, version: int | None, data: dict[str, Any]) -> Activity:
    """Change the fields given (implementing organizations replaced as a whole when given). The rules apply to
    the activity as it would be saved; a stale `version` answers 409 and changes nothing."""
    activity = access_by_id(
        Activity, actor, check.pk_of(activity_id), "change", queryset=Activity.objects.select_for_update(of=("self",))
    )
    check.check_version(activity, version, _(STALE))
    check.reject_unknown(data, (*ACTIVITY_FIELDS, *RELATION_FIELDS))
    errors = check.Errors()
    clean = _fields(data, errors, activity.country, creating=False)
    implementing = (
        _organizations(errors, data["implementing_organizations"], activity.country)
        if "implementing_organizations" in data
        else None
    )
    values = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    values.update(clean)
    if "end_date" in data and clean.get("end_date") is None and "end_date" not in errors:
        values["end_date"] = values["start_date"]
    _rules(errors, values)
    errors.raise_if_any()
    fields = {name: values[name] for name in ACTIVITY_FIELDS if name in clean or name == "end_date"}
    for name in ("description", "places", "partners", "materials", "agreements"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    relation_changes: dict[str, Any] = {}
    if implementing is not None:
        before = sorted(activity.implementing_organizations.values_list("pk", flat=True))
        after = [org.pk for org in implementing]
        if before != after:
            activity.implementing_organizations.set(implementing)
            relation_changes["implementing_organizations"] = [before, after]
    update = check.model_update(activity, fields, force=bool(relation_changes))
    if update or relation_changes:
        changes = describe_changes(activity, update.fields, update.before)
        changes.update(relation_changes)
        audit_record(
            actor=actor,
            action="programme.activity.update",
            target=activity,
            organization=activity.owner_organization_id,
            changes=changes,
        )
    return activity


# --- follow-up actions ----------------------------------------------------------------------------------------------
def _follow_up_fields(data: dict[str, Any], errors: check.Errors, *, creating: bool) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "description" in data or creating:
        clean["description"] = check.text(errors, "description", data.get("description"), required=True)
    if "owner_name" in data or creating:
        clean["owner_name"] = check.line(errors, "owner_name", data.get("owner_name"), required=True, max_length=200)
    if "owner_country" in data:
        clean["owner_country"] = geography.valid_country(errors, "owner_country", data["owner_country"])
    if "due_on" in data or creating:
        clean["due_on"] = check.future_date(errors, "due_on", data.get("due_on"), required=True)
    if "status" in data:
        clean["status"] = check.choice(errors, "status", ActionStatus, data["status"] or ActionStatus.OPEN)
    if "done_on" in data:
        clean["done_on"] = check.a_date(errors, "done_on", data["done_on"], required=False)
    return clean


def _follow_up_rules(values: dict[str, Any], errors: check.Errors) -> None:
    """Done on a day when done (today when not given); no day done for an open or dropped action."""
    if values.get("status") == ActionStatus.DONE:
        if values.get("done_on") is None and "done_on" not in errors:
            values["done_on"] = timezone.localdate()
    elif values.get("done_on") is not None and "done_on" not in errors:
        errors["done_on"] = _("Only an action that is done has a day it was done.")


@transaction.atomic
def follow_up_add(*, actor: User, activity_id: int, data: dict[str, Any]) -> FollowUpAction:
    """Add what a cooperation meeting (a meeting, conference or study visit) agreed someone would do, by when."""
    require_permission(actor, "add", FollowUpAction)
    activity = access_by_id(Activity, actor, check.pk_of(activity_id), "change")
    check.reject_unknown(data, FOLLOW_UP_FIELDS)
    if activity.kind not in COOPERATION_TYPES:
        message = _("Only a meeting, a conference or a study visit has follow-up actions.")
        raise ApplicationError("invalid", message, {"fields": {"activity": message}})
    errors = check.Errors()
    values = {"status": ActionStatus.OPEN, **_follow_up_fields(data, errors, creating=True)}
    _follow_up_rules(values, errors)
    errors.raise_if_any()
    action = FollowUpAction.objects.create(activity=activity, created_by=actor, **values)
    audit_record(
        actor=actor,
        action="programme.followup.create",
        target=action,
        organization=activity.owner_organization_id,
        changes={"activity": activity.pk, **describe_changes(action, list(values))},
    )
    return action


@transaction.atomic
def follow_up_update(*, actor: User, follow_up_id: int, data: dict[str, Any]) -> FollowUpAction:
    """Change a follow-up action (its status above all: done, with the day, or dropped)."""
    action = access_by_id(
        FollowUpAction,
        actor,
        check.pk_of(follow_up_id),
        "change",
        queryset=FollowUpAction.objects.select_for_update(of=("self",)).select_related("activity"),
    )
    check.reject_unknown(data, FOLLOW_UP_FIELDS)
    errors = check.Errors()
    clean = _follow_up_fields(data, errors, creating=False)
    values = {name: getattr(action, name) for name in FOLLOW_UP_FIELDS}
    values.update(clean)
    if "status" in clean and clean["status"] != ActionStatus.DONE and "done_on" not in data:
        values["done_on"] = None
    _follow_up_rules(values, errors)
    errors.raise_if_any()
    fields = {name: values[name] for name in FOLLOW_UP_FIELDS if name in clean or name == "done_on"}
    update = check.model_update(action, fields)
    if update:
        audit_record(
            actor=actor,
            action="programme.followup.update",
            target=action,
            organization=action.activity.owner_organization_id,
            changes=describe_changes(action, update.fields, update.before),
        )
    return action
