"""Generate N victim cases (with persons and names) in the database of TIPSOM_DATABASE_URL, fast.

Organizations, users and API tokens are made through the services (a few dozen audited calls). The persons,
names, cases and the child protection agencies on child cases are written in bulk, bypassing the ORM: COPY on
PostgreSQL, executemany on SQLite, in one transaction per batch. Every identifying value is encrypted with the
bench keyring exactly as EncryptedTextField would (its own nonce, the column as associated data), and the
names get real blind-index keys (people.keys.name_keys), so searching by name works as in production.

    TIPSOM_DATABASE_URL=... TIPSOM_KEYRING_FILE=... python bench/generate_cases.py --scale 1000000 \
        --fixture bench/var/postgresql/fixture.json

Writes the fixture (tokens, organization ids, sample case ids, numbers and names) that run_cases.py reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")

import django  # noqa: E402

django.setup()

import generate_work  # noqa: E402  (bench/generate_work.py: name search keys, staff, tasks, child tracks)
from django.db import connection, transaction  # noqa: E402

from tipsom.accounts.models import Role  # noqa: E402
from tipsom.accounts.services import api_token_create, user_create  # noqa: E402
from tipsom.cases.models import Case, CaseNumberCounter, CaseOrganization  # noqa: E402
from tipsom.core import crypto  # noqa: E402
from tipsom.core.codes import code_choices  # noqa: E402
from tipsom.demo.services import demo_config  # noqa: E402
from tipsom.organizations.models import Organization  # noqa: E402
from tipsom.organizations.services import organization_create  # noqa: E402
from tipsom.people.keys import name_keys  # noqa: E402
from tipsom.people.models import Person, PersonName  # noqa: E402

BATCH = 10_000
SEED = 20261123
FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)
# The organizations that own cases in each country, and their share of the country's cases.
OWNER_KINDS = {"ngo": 0.40, "shelter": 0.15, "police": 0.25, "labour": 0.10, "child": 0.10}
# Kinds created without cases of their own: the coordinator's body.
OTHER_KINDS = ("coordination",)
# Where victims come from besides the country itself (citizenship of the person).
ORIGINS = ["BO", "VE", "HT", "PY", "CO", "NG", "MM", "KH", "VN", "UA", "BY", "NP", "IN", "BD", "SY", "ER", "ML", "NE"]
STATUSES = [("Active", 30), ("FollowUp", 15), ("Closed", 45), ("ClosedReferred", 10)]
TRAFFICKING = [("PossibleVictimOfTrafficking", 50), ("ActualVictimOfTrafficking", 40), ("NotAVictimOfTrafficking", 10)]
CASE_TYPES = [("tip", 75), ("som", 15), ("both", 10)]
EXPLOITATION = [
    ("ForcedLabour", 35), ("SexualExploitation", 30), ("ForcedCriminality", 8), ("ForcedBegging", 6),
    ("Servitude", 6), ("ForcedMarriage", 5), ("ChildLabour", 5), ("Other", 3), ("OrganRemoval", 1),
    ("ForcedAdoption", 1),
]  # fmt: skip
CLOSURE_REASONS = ["services_completed", "referred", "declined", "lost_contact", "returned"]


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class Encryptor:
    """What EncryptedTextField.get_prep_value stores, without the ORM."""

    def __init__(self) -> None:
        self.keyring = crypto.get_keyring()

    def __call__(self, value: str, model: Any, field: str) -> str:
        return self.keyring.encrypt(value, context=f"{model._meta.db_table}.{model._meta.get_field(field).column}")


def columns(model: Any) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite. A column the generator does not set (a
    field added to the model since the generator was written) gets the field's default, reported once."""

    def __init__(self, model: Any) -> None:
        self.table = model._meta.db_table
        self.columns = columns(model)
        self.json_columns = {
            f.column for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"
        }  # fmt: skip
        self.defaults = {f.column: f for f in model._meta.concrete_fields}
        self.reported = False
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: dict[str, Any]) -> None:
        missing = set(self.columns) - set(row)
        if missing:
            if not self.reported:
                print(f"  {self.table}: default values for {sorted(missing)}", flush=True)
                self.reported = True
            for column in missing:
                model_field = self.defaults[column]
                row[column] = None if model_field.null else model_field.get_default()
        self.rows.append(tuple(self._value(c, row[c]) for c in self.columns))

    def _value(self, column: str, value: Any) -> Any:
        if column in self.json_columns:
            return json.dumps(value)
        return value

    def flush(self) -> None:
        if not self.rows:
            return
        raw = connection.connection
        names = ", ".join(self.columns)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with raw.cursor() as cursor, cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in self.columns)
                raw.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({marks})", self.rows)  # noqa: S608
        self.count += len(self.rows)
        self.rows = []


def name_pools(countries: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Plausible full names per country from the demo's name lists: given [second given] family [family]."""
    pools: dict[str, list[str]] = {}
    for country in countries:
        people = country["people"]
        given = people["given"]["f"] + people["given"]["m"]
        family = people["family"]
        names = []
        for first in given:
            for second in ["", *given]:
                if second == first:
                    continue
                for last in family:
                    extra = [f"{last} {other}" for other in family if other != last][:4]
                    for surname in [last, *extra] if people["family_count"] > 1 else [last]:
                        names.append(" ".join(part for part in (first, second, surname) if part))
        pools[country["code"]] = names
    return pools


def setup_organizations(countries: list[dict[str, Any]]) -> dict[str, dict[str, Organization]]:
    kinds = {kind["key"]: kind for kind in demo_config()["organization_kinds"]}
    result: dict[str, dict[str, Organization]] = defaultdict(dict)
    for country in countries:
        regions = country["regions"]
        for key in [*OWNER_KINDS, *OTHER_KINDS]:
            kind = kinds[key]
            spec = country["organizations"][key]
            code = f"bench-{country['code'].lower()}-{key}"
            organization = Organization.objects.filter(code=code).first() or organization_create(
                actor=None,
                code=code,
                name=f"{spec['name']} (bench)",
                type=spec.get("type", kind["type"]),
                functions=kind["functions"],
                country=country["code"],
                region=regions[kind["region"] % len(regions)]["code"],
            )
            result[country["code"]][key] = organization
    return result


def setup_users(organizations: dict[str, dict[str, Organization]], country: str) -> dict[str, dict[str, Any]]:
    roles = {role.slug: role for role in Role.objects.all()}
    specs = {
        "case_manager": ("ngo", "case_manager"),
        "child_protection_officer": ("child", "child_protection_officer"),
        "national_coordinator": ("coordination", "national_coordinator"),
    }
    users = {}
    for label, (kind, role) in specs.items():
        organization = organizations[country][kind]
        user = user_create(
            actor=None,
            username=f"bench.{country.lower()}.{label}",
            full_name=f"Bench {label.replace('_', ' ')}",
            password=secrets.token_urlsafe(24),
            organization=organization,
            roles=[roles[role]],
        )
        _instance, token = api_token_create(actor=user)
        users[label] = {"id": user.pk, "username": user.username, "token": token, "organization": organization.pk}
    return users


def generate(scale: int, fixture_path: Path) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, reproducible on purpose)
    crypto.keyring_init()
    generate_work.memoize_blind_index()
    encrypt = Encryptor()
    countries = demo_config()["countries"]
    by_code = {c["code"]: c for c in countries}
    pools = name_pools(countries)
    key_cache: dict[str, Any] = {}
    organizations = setup_organizations(countries)
    showcase = "BR"
    users = setup_users(organizations, showcase)
    staff = generate_work.setup_staff(organizations, showcase, users)
    work = generate_work.Work(Writer, encrypt, staff, random.Random(SEED + 1))  # noqa: S311
    restore = generate_work.key_indexes_drop()
    print(f"organizations and users: {time.monotonic() - started:.1f}s", flush=True)

    exploitation_codes = {code for code, _label in code_choices("vic_TypeOfExploitation")}
    assert all(code in exploitation_codes for code, _w in EXPLOITATION)
    country_codes = [c["code"] for c in countries]
    owners = [(kind, share) for kind, share in OWNER_KINDS.items()]
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    span = (LAST_DAY - FIRST_DAY).days
    counters: dict[tuple[str, int], int] = defaultdict(int)

    persons = Writer(Person)
    names = Writer(PersonName)
    cases = Writer(Case)
    shared = Writer(CaseOrganization)
    start_id = 1 + max(
        Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )
    name_id = 1 + (PersonName.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    link_id = 1 + (CaseOrganization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    samples: dict[str, list[Any]] = defaultdict(list)

    for i in range(scale):
        pk = start_id + i
        country = rng.choice(country_codes)
        kind = rng.choices([k for k, _s in owners], weights=[s for _k, s in owners])[0]
        organization = organizations[country][kind]
        identified_on = FIRST_DAY + dt.timedelta(days=min(span, int(span * i / scale) + rng.randint(0, 20)))
        created_at = dt.datetime.combine(identified_on, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(
            minutes=rng.randint(0, 600)
        )
        is_child = rng.random() < 0.35
        age = rng.randint(4, 17) if is_child else rng.randint(18, 60)
        birth_year = identified_on.year - age
        citizenship = country if rng.random() < 0.6 else rng.choice(ORIGINS)
        if citizenship == country:
            citizenship_pool = country
        else:
            citizenship_pool = citizenship if citizenship in by_code else rng.choice(country_codes)
        gender = "Feminine" if rng.random() < 0.6 else "Masculine"
        if rng.random() < 0.03:
            gender = "NonSpecifiedUnknown"
        precision = rng.choice(["exact", "exact", "year", "estimated"])
        birth_date = (
            f"{birth_year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if precision == "exact"
            else str(birth_year)
        )
        persons.add(
            {
                "id": pk, "owner_organization_id": organization.pk, "created_by_id": None,
                "created_at": created_at, "updated_at": created_at, "version": 1, "gender": gender,
                "citizenships": [citizenship], "languages": [by_code[citizenship_pool]["language"]],
                "education": "Unknown", "birth_date": encrypt(birth_date, Person, "birth_date"),
                "birth_date_precision": precision, "birth_year": birth_year,
                "is_presumed_minor": is_child and rng.random() < 0.1,
            }
        )  # fmt: skip
        for kind_of_name in ["primary"] + (["alias"] if rng.random() < 0.1 else []):
            full_name = rng.choice(pools[citizenship_pool])
            keys = key_cache.get(full_name)
            if keys is None:
                keys = key_cache[full_name] = name_keys(full_name)
            names.add(
                {
                    "id": name_id, "person_id": pk, "kind": kind_of_name,
                    "name": encrypt(full_name, PersonName, "name"),
                    "name_latin": encrypt(keys.latin, PersonName, "name_latin"),
                    "script": keys.script, "key_exact": keys.key_exact, "key_latin": keys.key_latin,
                }
            )  # fmt: skip
            work.name(pk, name_id, full_name, keys.latin)
            name_id += 1
            if kind_of_name == "primary" and organization.pk == users["case_manager"]["organization"]:
                if len(samples["names"]) < 50 and rng.random() < 0.01:
                    samples["names"].append(full_name)
                if len(samples["persons"]) < 200 and work.rng.random() < 0.01:
                    samples["persons"].append([pk, full_name])
        status = weighted(rng, STATUSES)
        closed = status in ("Closed", "ClosedReferred")
        if closed and identified_on > LAST_DAY - dt.timedelta(days=30):
            status, closed = "Active", False
        exploitation = [weighted(rng, EXPLOITATION)]
        if rng.random() < 0.15:
            second = weighted(rng, EXPLOITATION)
            if second not in exploitation:
                exploitation.append(second)
        if is_child and rng.random() < 0.3 and "ChildLabour" not in exploitation:
            exploitation.append("ChildLabour")
        counters[(country, identified_on.year)] += 1
        case_number = f"{country}-{identified_on.year}-{counters[(country, identified_on.year)]:06d}"
        regions = by_code[country]["regions"]
        case_row = (
            {
                "id": pk, "person_id": pk, "owner_organization_id": organization.pk, "country": country,
                "case_number": case_number, "case_type": weighted(rng, CASE_TYPES), "status": status,
                "closure_reason": rng.choice(CLOSURE_REASONS) if closed else "",
                "closed_on": min(identified_on + dt.timedelta(days=rng.randint(30, 400)), LAST_DAY) if closed else None,
                "trafficking_status": weighted(rng, TRAFFICKING), "identified_on": identified_on,
                "region": rng.choice(regions)["code"], "origin_country": citizenship,
                "transit_countries": [rng.choice(ORIGINS)] if rng.random() < 0.3 else [],
                "destination_country": country, "exploitation_types": exploitation,
                "industries": [], "sex_exploitation_types": [],
                "means_of_control": rng.sample(["DebtBondage", "PsychologicalAbuse", "PhysicalAbuse",
                                                "WithholdsDocuments"], k=rng.randint(0, 2)),
                "recruitment_methods": [], "relationship_to_recruiter": [], "recruitment_websites": [],
                "exploitation_websites": [], "vulnerabilities": [], "is_child": is_child,
                "citizenships": [citizenship],  # the person's, copied (Case.citizenships)
                "case_owner_id": work.case_owner(organization.pk), "created_by_id": None, "created_at": created_at,
                "updated_at": max(created_at, now - dt.timedelta(minutes=work.rng.randint(0, 60 * 24 * 90))),
                "version": 1,
            }
        )  # fmt: skip
        cases.add(case_row)
        work.case(case_row, created_at, organizations[country]["child"].pk)
        if is_child and kind != "child":
            # The child protection agency is notified of every child case and sees it from then on.
            shared.add(
                {
                    "id": link_id, "case_id": pk, "organization_id": organizations[country]["child"].pk,
                    "reason": "child_protection", "added_at": created_at, "added_by_id": None,
                }
            )  # fmt: skip
            link_id += 1
        if organization.pk == users["case_manager"]["organization"] and len(samples["cases"]) < 200:
            if rng.random() < 0.05:
                samples["cases"].append([pk, case_number])
        if (i + 1) % 100_000 == 0:
            print(f"  {i + 1:>9,} cases ({time.monotonic() - started:.0f}s)", flush=True)
        # Persons before their names and cases: each batch commits with its foreign keys checked.
        if len(cases.rows) >= BATCH:
            for writer in (persons, names, cases, shared, *work.writers):
                writer.flush()
    for writer in (persons, names, cases, shared, *work.writers):
        writer.flush()
    generate_work.key_indexes_restore(restore)

    with transaction.atomic():
        for (country, year), last in counters.items():
            CaseNumberCounter.objects.update_or_create(country=country, year=year, defaults={"last": last})
    finish(started)
    fixture = {
        "scale": scale,
        "backend": connection.vendor,
        "country": showcase,
        "users": users,
        "organizations": {c: {k: o.pk for k, o in kinds.items()} for c, kinds in organizations.items()},
        "sample_cases": samples["cases"],
        "sample_names": samples["names"],
        "sample_persons": samples["persons"],  # [person id, full name] of the case manager's organization
        "rows": {
            "persons": persons.count,
            "names": names.count,
            "cases": cases.count,
            "shared": shared.count,
            **work.counts(),
        },  # fmt: skip
        "seconds": round(time.monotonic() - started, 1),
    }
    fixture_path.parent.mkdir(parents=True, exist_ok=True)
    fixture_path.write_text(json.dumps(fixture, indent=2))
    print(f"done: {fixture['rows']} in {fixture['seconds']}s -> {fixture_path}", flush=True)


def finish(started: float) -> None:
    """Sequences past the explicit ids, then statistics for the planner."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Person, PersonName, Case, CaseOrganization, *generate_work.models()):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
                )
    print(f"loaded in {time.monotonic() - started:.0f}s; analysing", flush=True)
    with connection.cursor() as cursor:  # autocommit, outside any transaction
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--fixture", type=Path, required=True)
    args = parser.parse_args()
    if Case.objects.exists():
        sys.exit("The bench database already holds cases: start from an empty, migrated database.")
    generate(args.scale, args.fixture)


if __name__ == "__main__":
    main()
