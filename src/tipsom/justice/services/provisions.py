"""Writes for legal provisions: an administrator adds, changes and deactivates the laws of their country, and the
seed (justice/data/provisions.json) is loaded by a migration and by `tipsom justice provisions`.

A provision is never deleted: charges and offences name it (PROTECT), so an outdated one is deactivated (it stays
on the records that used it and leaves the lists new charges choose from)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.audit.services import audit_record, describe_changes
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError
from tipsom.core.permissions import access_by_id, require_permission
from tipsom.justice.models import ICCS_CODES, LegalProvision, OffenceType
from tipsom.organizations import geography

if TYPE_CHECKING:
    from tipsom.accounts.models import User

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "provisions.json"
PROVISION_FIELDS = (
    "law",
    "article",
    "title",
    "offence_type",
    "iccs_code",
    "penalty_min_months",
    "penalty_max_months",
    "in_force_from",
    "in_force_until",
    "is_active",
    "source",
)
# The longest prison term a provision may state: 100 years (life imprisonment is written as no maximum).
MAX_PENALTY_MONTHS = 1200
STALE = gettext_noop(
    "Someone else changed this legal provision after you opened it. Reload it and apply your change again."
)


def _a_day(errors: check.Errors, field: str, value: Any) -> date | None:
    """A date that may lie ahead (a law may come into force later)."""
    return check.future_date(errors, field, value)


def _validate(data: dict[str, Any], current: LegalProvision | None = None) -> dict[str, Any]:
    """Normalise and check provision data (all fields on create, those given on update); raises ApplicationError
    naming every bad field."""
    errors = check.Errors()
    clean: dict[str, Any] = {}
    for name, limit, required in (("law", 200, True), ("article", 100, True), ("title", 300, True)):
        if name in data:
            clean[name] = check.line(errors, name, data[name], required=required, max_length=limit)
    if "source" in data:
        clean["source"] = check.line(errors, "source", data["source"], max_length=300)
    if "offence_type" in data:
        clean["offence_type"] = check.choice(errors, "offence_type", OffenceType, data["offence_type"])
    if "iccs_code" in data:
        code = check.line(errors, "iccs_code", data["iccs_code"], max_length=8)
        if code and not code.isdigit():
            errors["iccs_code"] = _("An ICCS code is made of digits, e.g. 0204.")
        clean["iccs_code"] = code
    for name in ("penalty_min_months", "penalty_max_months"):
        if name in data:
            clean[name] = check.whole_number(errors, name, data[name], maximum=MAX_PENALTY_MONTHS)
    for name in ("in_force_from", "in_force_until"):
        if name in data:
            clean[name] = _a_day(errors, name, data[name])
    if "is_active" in data:
        if not isinstance(data["is_active"], bool):
            errors["is_active"] = _("Give true or false.")
        clean["is_active"] = bool(data["is_active"])

    def merged(name: str) -> Any:
        return clean[name] if name in clean else getattr(current, name, None)

    low, high = merged("penalty_min_months"), merged("penalty_max_months")
    if (
        low is not None
        and high is not None
        and low > high
        and not {"penalty_min_months", "penalty_max_months"} & set(errors)
    ):
        errors["penalty_max_months"] = _("The maximum prison term cannot be shorter than the minimum.")
    start, end = merged("in_force_from"), merged("in_force_until")
    if start and end and end < start and not {"in_force_from", "in_force_until"} & set(errors):
        errors["in_force_until"] = _("A provision cannot leave force before it came into force.")
    errors.raise_if_any()
    return clean


def _refuse_duplicate(country: str, law: str, article: str, exclude: int | None = None) -> None:
    duplicate = LegalProvision.objects.filter(country=country, law=law, article=article)
    if exclude is not None:
        duplicate = duplicate.exclude(pk=exclude)
    if duplicate.exists():
        message = _("This law and article are already recorded for the country.")
        raise ApplicationError("duplicate", message, {"fields": {"article": message}})


def _actor_country(actor: User) -> str:
    organization = actor.organization
    if organization is None:  # make_user always gives one; an account without one may add nothing
        raise ApplicationError("no_country", _("Your account belongs to no organization."), status=403)
    return organization.country


@transaction.atomic
def provision_create(*, actor: User | None, country: str = "", **data: Any) -> LegalProvision:
    """Record a legal provision of the actor's country (an operator on the server, `actor=None`, names the
    country). The ICCS code defaults to the offence type's."""
    check.reject_unknown(data, PROVISION_FIELDS)
    if actor is not None:
        require_permission(actor, "add", LegalProvision)
        country = _actor_country(actor)
    else:
        errors = check.Errors()
        country = geography.valid_country(errors, "country", country, required=True) or ""
        errors.raise_if_any()
    for required in ("law", "article", "title", "offence_type"):
        data.setdefault(required, "")
    clean = _validate(data)
    if not clean.get("iccs_code"):
        clean["iccs_code"] = ICCS_CODES.get(OffenceType(clean["offence_type"]), "")
    _refuse_duplicate(country, clean["law"], clean["article"])
    provision = LegalProvision(country=country, **clean)
    check.model_full_clean(provision, exclude=["version"])
    provision.save()
    audit_record(
        actor=actor,
        action="justice.provision.create",
        target=provision,
        changes=describe_changes(provision, ["country", *clean]),
    )
    return provision


@transaction.atomic
def provision_update(*, actor: User, provision_id: Any, version: Any = None, **data: Any) -> LegalProvision:
    """Change a provision of the actor's country (another country's is NotFound). A stale `version` is a 409."""
    provision = access_by_id(
        LegalProvision, actor, provision_id, "change", queryset=LegalProvision.objects.select_for_update()
    )
    check.check_version(provision, version, _(STALE))
    check.reject_unknown(data, PROVISION_FIELDS)
    clean = _validate(data, provision)
    law, article = clean.get("law", provision.law), clean.get("article", provision.article)
    if (law, article) != (provision.law, provision.article):
        _refuse_duplicate(provision.country, law, article, exclude=provision.pk)
    update = check.model_update(provision, clean, check=lambda item: check.model_full_clean(item, exclude=["version"]))
    if update:
        audit_record(
            actor=actor,
            action="justice.provision.update",
            target=provision,
            changes=describe_changes(provision, update.fields, update.before),
        )
    return provision


@transaction.atomic
def provision_deactivate(*, actor: User, provision_id: Any, version: Any = None) -> LegalProvision:
    """Take a provision out of use: it stays on the charges and offences that name it, and is offered no more."""
    provision = access_by_id(
        LegalProvision, actor, provision_id, "change", queryset=LegalProvision.objects.select_for_update()
    )
    check.check_version(provision, version, _(STALE))
    update = check.model_update(provision, {"is_active": False})
    if update:
        audit_record(
            actor=actor,
            action="justice.provision.deactivate",
            target=provision,
            changes=describe_changes(provision, update.fields, update.before),
        )
    return provision


# --- The seed ------------------------------------------------------------------------------------------------
SEED_KEYS = ("country", "law", "article")
SEED_VALUES = (
    "title",
    "offence_type",
    "iccs_code",
    "penalty_min_months",
    "penalty_max_months",
    "in_force_from",
    "in_force_until",
    "is_active",
    "source",
)


@dataclass(frozen=True)
class SeedResult:
    created: int
    updated: int
    unchanged: int


def seed_rows(path: Path = SEED_FILE) -> list[dict[str, Any]]:
    """The seed's provisions, each with every key (missing values: empty, None, active)."""
    rows = json.loads(path.read_text(encoding="utf-8"))["provisions"]
    defaults: dict[str, Any] = {"iccs_code": "", "source": "", "is_active": True}
    return [
        {
            **dict.fromkeys(SEED_VALUES),
            **defaults,
            **row,
            "in_force_from": date.fromisoformat(row["in_force_from"]) if row.get("in_force_from") else None,
            "in_force_until": date.fromisoformat(row["in_force_until"]) if row.get("in_force_until") else None,
        }
        for row in rows
    ]


def provisions_load(model: Any, rows: list[dict[str, Any]], *, update: bool) -> SeedResult:
    """Create the seed's provisions that are missing (by country, law and article); with `update`, also bring
    those that differ back to the seed's values. Idempotent. `model` is LegalProvision, or the migration's
    historical model (so the data migration runs this very code)."""
    existing = {
        (item.country, item.law, item.article): item
        for item in model.objects.filter(country__in={row["country"] for row in rows})
    }
    created = updated = unchanged = 0
    for row in rows:
        found = existing.get((row["country"], row["law"], row["article"]))
        values = {name: row[name] for name in SEED_VALUES}
        if found is None:
            model.objects.create(**{name: row[name] for name in SEED_KEYS}, **values)
            created += 1
            continue
        changed = [name for name, value in values.items() if getattr(found, name) != value]
        if not (update and changed):
            unchanged += 1
            continue
        for name in changed:
            setattr(found, name, values[name])
        found.version += 1
        found.save(update_fields=[*changed, "version", "updated_at"])
        updated += 1
    return SeedResult(created=created, updated=updated, unchanged=unchanged)


@transaction.atomic
def provisions_seed(*, actor: User | None = None, update: bool = False, path: Path = SEED_FILE) -> SeedResult:
    """Load the seed from the server's shell (`tipsom justice provisions`), audited as one event."""
    result = provisions_load(LegalProvision, seed_rows(path), update=update)
    audit_record(
        actor=actor,
        action="justice.provision.seed",
        object_type="justice.legalprovision",
        changes={"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return result
