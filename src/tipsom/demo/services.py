"""Synthetic organizations, users and victim cases for the 13 GLO.ACT countries (`tipsom demo`), deterministic
from a seed.

The countries, their regions, organizations and staff name lists are data (demo/data/countries.json); the cases
are planned by demo/cases.py from demo/data/cases.json. A plan is computed from the seed alone, without the
database, so the same seed always gives the same people; loading the plan goes through the ordinary services, so
every row is validated and audited, and skips what already exists.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from tipsom.accounts.models import Role, User
from tipsom.accounts.services import user_create
from tipsom.audit.services import audit_record
from tipsom.core.errors import ApplicationError
from tipsom.demo.cases import cases_load
from tipsom.demo.referrals import referrals_load
from tipsom.organizations.models import Organization
from tipsom.organizations.services import organization_create

DATA_FILE = Path(__file__).parent / "data" / "countries.json"
DEFAULT_SEED = 2026
# Published in the README and printed by `tipsom demo`: demo accounts are for trying tipsom, never for real data.
DEMO_PASSWORD = "tipsom-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class OrganizationSpec:
    code: str
    name: str
    type: str
    functions: tuple[str, ...]
    country: str
    region: str
    city: str
    street_address: str
    phone: str
    email: str

    def fields(self) -> dict[str, Any]:
        """Keyword arguments for organization_create."""
        return {
            "name": self.name, "type": self.type, "functions": list(self.functions), "country": self.country,
            "region": self.region, "city": self.city, "street_address": self.street_address,
            "phone": self.phone, "email": self.email,
        }  # fmt: skip


@dataclass(frozen=True)
class UserSpec:
    username: str
    full_name: str
    role: str
    organization_code: str
    email: str
    phone: str
    preferred_language: str


@dataclass(frozen=True)
class DemoPlan:
    organizations: tuple[OrganizationSpec, ...]
    users: tuple[UserSpec, ...]


@dataclass(frozen=True)
class DemoReport:
    seed: int
    password: str
    organizations_created: int
    organizations_existing: int
    users_created: int
    users_existing: int
    cases_created: int = 0
    cases_existing: int = 0
    services_created: int = 0
    referrals_created: int = 0
    referrals_expired: int = 0
    transnational: bool = False


@cache
def demo_config() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _phone(rng: random.Random, country: dict[str, Any]) -> str:
    digits = "".join(str(rng.randrange(10)) if char == "#" else char for char in country["phone_pattern"])
    return f"+{country['calling_code']}{digits}"


def _full_name(rng: random.Random, people: dict[str, Any], taken: set[str]) -> str:
    """A plausible staff name in the country's script, not yet used in that country."""
    for _attempt in range(100):
        sex = rng.choice(("f", "m"))
        given = rng.choice(people["given"][sex])
        family = people["family"][sex] if isinstance(people["family"], dict) else people["family"]
        name = " ".join([given, *rng.sample(family, people.get("family_count", 1))])
        if name not in taken:
            taken.add(name)
            return name
    raise ValueError("The name lists are too short for the number of demo users.")


def _country_plan(country: dict[str, Any], config: dict[str, Any], seed: int) -> DemoPlan:
    # One generator per country: adding a country or a user elsewhere leaves this country's people unchanged.
    rng = random.Random(f"{seed}:{country['code']}")  # noqa: S311 (synthetic names, not secrets)
    prefix = country["code"].lower()
    regions = country["regions"]
    organizations = []
    for kind in config["organization_kinds"]:
        local = country["organizations"][kind["key"]]
        region = regions[local.get("region", kind["region"]) % len(regions)]
        code = f"{prefix}-{kind['key']}"
        street = country["address_format"].format(street=rng.choice(country["streets"]), number=rng.randint(1, 400))
        organizations.append(
            OrganizationSpec(
                code=code,
                name=local["name"] + config["demo_marker"],
                type=local.get("type", kind["type"]),
                functions=tuple(local.get("functions", kind["functions"])),
                country=country["code"],
                region=region["code"],
                city=region["city"],
                street_address=street,
                phone=_phone(rng, country),
                email=f"{code}@{config['email_domain']}",
            )
        )
    taken: set[str] = set()
    users = []
    for item in config["users"]:
        username = f"{prefix}.{item['login']}"
        users.append(
            UserSpec(
                username=username,
                full_name=_full_name(rng, country["people"], taken),
                role=item["role"],
                organization_code=f"{prefix}-{item['organization']}",
                email=f"{username}@{config['email_domain']}",
                phone=_phone(rng, country),
                preferred_language=country["language"],
            )
        )
    return DemoPlan(organizations=tuple(organizations), users=tuple(users))


def demo_plan(*, seed: int = DEFAULT_SEED) -> DemoPlan:
    """Everything `demo_load` would create, computed from the seed alone (no database)."""
    config = demo_config()
    plans = [_country_plan(country, config, seed) for country in config["countries"]]
    return DemoPlan(
        organizations=tuple(spec for plan in plans for spec in plan.organizations),
        users=tuple(spec for plan in plans for spec in plan.users),
    )


def _roles(slugs: set[str]) -> dict[str, Role]:
    roles = {role.slug: role for role in Role.objects.filter(slug__in=slugs)}
    missing = sorted(slugs - set(roles))
    if missing:
        raise ApplicationError(
            "roles_missing", _("Seeded roles are missing (run `tipsom migrate`): %s.") % ", ".join(missing)
        )
    return roles


def _existing_usernames(usernames: list[str]) -> set[str]:
    lowered = [name.lower() for name in usernames]
    found = User.objects.annotate(lowered=Lower("username")).filter(lowered__in=lowered)
    return set(found.values_list("lowered", flat=True))


@transaction.atomic
def demo_load(*, seed: int = DEFAULT_SEED, cases_per_country: int | None = None) -> DemoReport:
    """Create the demo organizations and users that do not exist yet (by code and username), then the demo cases
    each country does not have yet (about 2,000 in all; `cases_per_country` sets the same number everywhere, 0 for
    none); never changes or removes anything. Organizations and users are created as a command (actor None); the
    cases by the demo staff of each country. Every row is audited with the current channel."""
    if settings.PRODUCTION:
        raise ApplicationError(
            "demo_in_production",
            _("Demo accounts share a published password; they cannot be loaded when TIPSOM_ENV=production."),
        )
    plan = demo_plan(seed=seed)
    roles = _roles({spec.role for spec in plan.users})
    codes = [spec.code for spec in plan.organizations]
    existing_codes = set(Organization.objects.filter(code__in=codes).values_list("code", flat=True))
    for spec in plan.organizations:
        if spec.code not in existing_codes:
            organization_create(actor=None, code=spec.code, **spec.fields())
    organizations = {org.code: org for org in Organization.objects.filter(code__in=codes)}
    existing_users = _existing_usernames([spec.username for spec in plan.users])
    for spec in plan.users:
        if spec.username.lower() in existing_users:
            continue
        user_create(
            actor=None,
            username=spec.username,
            full_name=spec.full_name,
            password=DEMO_PASSWORD,
            organization=organizations[spec.organization_code],
            roles=[roles[spec.role]],
            email=spec.email,
            phone=spec.phone,
            preferred_language=spec.preferred_language,
        )
    cases = cases_load(countries=demo_config()["countries"], seed=seed, cases_per_country=cases_per_country)
    referrals = referrals_load(countries=demo_config()["countries"], seed=seed)
    report = DemoReport(
        seed=seed,
        password=DEMO_PASSWORD,
        organizations_created=len(codes) - len(existing_codes),
        organizations_existing=len(existing_codes),
        users_created=len(plan.users) - len(existing_users),
        users_existing=len(existing_users),
        cases_created=cases.created,
        cases_existing=cases.existing,
        services_created=referrals.services_created,
        referrals_created=referrals.referrals_created,
        referrals_expired=referrals.expired,
        transnational=referrals.transnational,
    )
    if report.organizations_created or report.users_created:
        audit_record(
            actor=None, action="demo.load", object_type="demo.seed", object_id=seed,
            changes={"organizations_created": report.organizations_created, "users_created": report.users_created},
        )  # fmt: skip
    return report
