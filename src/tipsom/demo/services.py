"""`tipsom demo`: synthetic organizations and users for the 13 GLO.ACT countries, then every app's own demo data,
deterministic from a seed.

The countries, their regions, organizations and staff name lists are data (demo/data/countries.json). A plan is
computed from the seed alone, without the database, so the same seed always gives the same people; loading it goes
through the organizations and accounts services, so every row is validated and audited, and skips what already
exists. Then each app's demo seeder runs (the `demo_seeders` registry store, filled from each app's
`AppConfig.ready()`: the cases, then the referrals), in order of weight, with one `DemoOptions`: each creates its
own data through its own services, idempotently, and returns a report with the `summary` line the command prints.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import Role, User
from tipsom.accounts.services import user_create
from tipsom.audit.services import audit_record
from tipsom.cases.demo import synthetic_phone
from tipsom.core.errors import ApplicationError
from tipsom.core.registry import ordered
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
            "name": self.name,
            "type": self.type,
            "functions": list(self.functions),
            "country": self.country,
            "region": self.region,
            "city": self.city,
            "street_address": self.street_address,
            "phone": self.phone,
            "email": self.email,
        }


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
class DemoOptions:
    """What every app's demo seeder is given: the seed, how many cases each country gets (None: the configured
    numbers, about 2,000 in all), the countries' configuration (countries.json: codes, languages, regions, their
    organizations' names, phone formats) and organization kinds, the demo organizations by code ("br-shelter")
    and users by username ("br.shelter.case") as they are in the database, the demo password, and the time of
    loading."""

    seed: int
    cases_per_country: int | None
    countries: tuple[dict[str, Any], ...]
    organization_kinds: tuple[dict[str, Any], ...]
    organizations: dict[str, Organization]
    users: dict[str, User]
    password: str
    now: datetime


@dataclass(frozen=True)
class DemoReport:
    seed: int
    password: str
    organizations_created: int
    organizations_existing: int
    users_created: int
    users_existing: int
    # Each seeder's report by the seeder's name ("cases", "referrals"), in the order they ran.
    seeded: dict[str, Any] = field(default_factory=dict)


@cache
def demo_config() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


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
                phone=synthetic_phone(rng, country),
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
                phone=synthetic_phone(rng, country),
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


def demo_options(*, seed: int = DEFAULT_SEED, cases_per_country: int | None = None) -> DemoOptions:
    """The options the seeders get, with the demo organizations and users that exist now."""
    config = demo_config()
    plan = demo_plan(seed=seed)
    organizations = Organization.objects.filter(code__in=[spec.code for spec in plan.organizations])
    users = User.objects.filter(username__in=[spec.username for spec in plan.users]).select_related("organization")
    return DemoOptions(
        seed=seed,
        cases_per_country=cases_per_country,
        countries=tuple(config["countries"]),
        organization_kinds=tuple(config["organization_kinds"]),
        organizations={org.code: org for org in organizations},
        users={user.username: user for user in users},
        password=DEMO_PASSWORD,
        now=timezone.now(),
    )


@transaction.atomic
def demo_load(*, seed: int = DEFAULT_SEED, cases_per_country: int | None = None) -> DemoReport:
    """Create the demo organizations and users that do not exist yet (by code and username), then run every app's
    demo seeder (the cases each country does not have yet, about 2,000 in all, `cases_per_country` setting the same
    number everywhere, 0 for none; their referrals); never changes or removes anything. Organizations and users
    are created as a command (actor None); the cases by the demo staff of each country. Every row is audited with
    the current channel."""
    if settings.PRODUCTION:
        raise ApplicationError(
            "demo_in_production",
            _("Demo accounts share a published password; they cannot be loaded when TIPSOM_ENV=production."),
        )
    plan = demo_plan(seed=seed)
    roles = _roles({spec.role for spec in plan.users})
    codes = [spec.code for spec in plan.organizations]
    existing_codes = set(Organization.objects.filter(code__in=codes).values_list("code", flat=True))
    for org_spec in plan.organizations:
        if org_spec.code not in existing_codes:
            organization_create(actor=None, code=org_spec.code, **org_spec.fields())
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
    options = demo_options(seed=seed, cases_per_country=cases_per_country)
    seeded = {seeder.name: seeder.seed(options) for seeder in ordered("demo_seeders")}
    report = DemoReport(
        seed=seed,
        password=DEMO_PASSWORD,
        organizations_created=len(codes) - len(existing_codes),
        organizations_existing=len(existing_codes),
        users_created=len(plan.users) - len(existing_users),
        users_existing=len(existing_users),
        seeded=seeded,
    )
    if report.organizations_created or report.users_created:
        audit_record(
            actor=None,
            action="demo.load",
            object_type="demo.seed",
            object_id=seed,
            changes={"organizations_created": report.organizations_created, "users_created": report.users_created},
        )
    return report
