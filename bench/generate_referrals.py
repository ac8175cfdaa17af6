"""Generate the referral benchmark's data (issue 5) in the database of TIPSOM_DATABASE_URL, fast.

At the full scale (--referrals 1000000): 100,000 organizations over the 13 demo countries, 1 to 4 services each
(about 250,000), and 1,000,000 referrals from the owners of 200,000 cases to those services.

1. The cases come from bench/generate_cases.py (its organizations, users, persons, names and cases, at a fifth of
   the referral count): a case is referred five times on average, to several services over its life.
2. The organizations, services and referrals are written in bulk (COPY on PostgreSQL, executemany on SQLite),
   with every encrypted column holding what EncryptedTextField would store (the referral's message, reasons and
   recipient; a shelter's street address): a short constant text, each value encrypted with its own nonce.
3. A few receiving organizations get users and API tokens through the services: a big Brazilian shelter network
   (about 4 % of all referrals), a medium one and a small one.

    TIPSOM_DATABASE_URL=... TIPSOM_KEYRING_FILE=... python bench/generate_referrals.py --referrals 1000000 \
        --fixture bench/var/referrals/postgresql/fixture.json

Writes the fixture (tokens, organization ids, inbox sizes, regions to search) that run_referrals.py reads.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import os
import random
import secrets
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")

import django  # noqa: E402

django.setup()

import generate_cases  # noqa: E402  (bench/generate_cases.py: the cases, and the bulk writer)
import pycountry  # noqa: E402
from django.db import connection  # noqa: E402

from tipsom.accounts.models import Role  # noqa: E402
from tipsom.accounts.services import api_token_create, user_create  # noqa: E402
from tipsom.cases.models import Case  # noqa: E402
from tipsom.core import crypto  # noqa: E402
from tipsom.demo.services import demo_config  # noqa: E402
from tipsom.organizations.models import Organization  # noqa: E402
from tipsom.referrals.models import OPEN_STATES, Referral, Service  # noqa: E402

Writer = generate_cases.Writer
SEED = 20261205
FIRST_DAY = dt.datetime(2019, 1, 1, 8, tzinfo=dt.UTC)
LAST_DAY = dt.datetime(2026, 10, 31, 18, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
# Countries' share of organizations (and so of referrals): big countries have many more service providers.
COUNTRY_SHARE = {
    "BR": 20, "PK": 12, "ZA": 10, "UA": 9, "CO": 9, "EG": 8, "NP": 6, "MA": 6, "BY": 5, "KG": 4, "ML": 4, "NE": 4,
    "LA": 3,
}  # fmt: skip
# What the organizations are, how many of each, and the services each kind offers (1 to 4 of them, distinct).
KINDS: dict[str, dict[str, Any]] = {
    "ngo": {"share": 34, "type": "NGO", "functions": ["victim_assistance"],
            "services": ["psychosocial", "legal_aid", "livelihood", "education", "shelter", "interpretation"]},
    "shelter": {"share": 12, "type": "NGO", "functions": ["shelter", "victim_assistance"],
                "services": ["shelter", "psychosocial", "medical", "education"]},
    "health": {"share": 16, "type": "HealthServiceOrganisation", "functions": ["health"],
               "services": ["medical", "psychosocial", "interpretation"]},
    "social": {"share": 14, "type": "LocalGovernmentOrganisation", "functions": ["child_protection"],
               "services": ["child_protection", "shelter", "psychosocial", "education", "livelihood"]},
    "legal": {"share": 9, "type": "LegalService", "functions": ["legal_aid"],
              "services": ["legal_aid", "interpretation", "consular"]},
    "school": {"share": 8, "type": "SchoolOrCollege", "functions": ["victim_assistance"],
               "services": ["education", "livelihood", "psychosocial"]},
    "return": {"share": 4, "type": "NGO", "functions": ["victim_assistance"],
               "services": ["return_reintegration", "livelihood", "consular"]},
    "helpline": {"share": 3, "type": "NGO", "functions": ["helpline"],
                 "services": ["helpline", "psychosocial", "legal_aid"]},
}  # fmt: skip
PLACES = {"shelter": (4, 60), "education": (10, 200), "livelihood": (5, 80)}  # counted in places: (min, max)
URGENCY = [("routine", 70), ("urgent", 22), ("emergency", 8)]
HOURS = {"routine": 72, "urgent": 24, "emergency": 2}
# Terminal states dominate old referrals; the last 60 days hold most of the open ones.
STATES_RECENT = [("sent", 25), ("accepted", 20), ("in_progress", 35), ("declined", 12), ("completed", 5),
                 ("revoked", 2), ("expired", 1)]  # fmt: skip
STATES_OLD = [("completed", 62), ("declined", 15), ("in_progress", 9), ("expired", 7), ("revoked", 5),
              ("accepted", 1), ("sent", 1)]  # fmt: skip
SECTIONS = [["profile", "needs"], ["profile", "identity", "contact", "needs"], ["profile", "exploitation", "needs"],
            ["profile", "identity", "contact", "needs", "plan"], ["profile", "child", "needs"]]  # fmt: skip
MESSAGE = "Please see the shared assessment; call the case manager before the first visit."
# Share of the referrals the big shelter network receives.
BIG_SHARE = 0.04


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def regions_of(country: str) -> list[str]:
    """The country's first-level ISO 3166-2 subdivisions (27 Brazilian states, 7 Pakistani provinces...)."""
    subdivisions = [s.code for s in pycountry.subdivisions.get(country_code=country) if s.parent_code is None]
    return sorted(subdivisions)


def ensure_cases(cases: int, fixture_path: Path) -> dict[str, Any]:
    """The cases (and their owners, users and tokens) from generate_cases.py, made once."""
    path = fixture_path.with_name("cases-fixture.json")
    if Case.objects.exists():
        if not path.exists():
            sys.exit(f"The database holds cases but {path} is missing: start from an empty, migrated database.")
        return json.loads(path.read_text())
    generate_cases.generate(cases, path)
    return json.loads(path.read_text())


def make_user(label: str, organization: Organization, role: str) -> dict[str, Any]:
    user = user_create(
        actor=None,
        username=f"bench.referrals.{label}",
        full_name=f"Bench {label.replace('_', ' ')}",
        password=secrets.token_urlsafe(24),
        organization=organization,
        roles=[Role.objects.get(slug=role)],
    )
    _instance, token = api_token_create(actor=user)
    return {"id": user.pk, "username": user.username, "token": token, "organization": organization.pk}


def generate(referrals: int, organizations: int, cases: int, fixture_path: Path) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, reproducible on purpose)
    crypto.keyring_init()
    encrypt = generate_cases.Encryptor()
    cases_fixture = ensure_cases(cases, fixture_path)
    print(f"cases ready: {time.monotonic() - started:.0f}s", flush=True)
    if Referral.objects.exists():
        sys.exit("The bench database already holds referrals: start from an empty, migrated database.")
    languages = {c["code"]: c["language"] for c in demo_config()["countries"]}
    countries = list(COUNTRY_SHARE)
    regions = {country: regions_of(country) for country in countries}

    # --- Organizations and their services ---------------------------------------------------------------------
    org_writer, service_writer = Writer(Organization), Writer(Service)
    org_id = 1 + (Organization.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    service_id = 1 + (Service.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    kinds = list(KINDS)
    kind_weights = [KINDS[k]["share"] for k in kinds]
    org_country = rng.choices(countries, weights=[COUNTRY_SHARE[c] for c in countries], k=organizations)
    # Receiving weight of each organization: a heavy tail (Pareto), most receive a few referrals a year.
    receivers: dict[str, list[tuple[int, float]]] = defaultdict(list)
    services_of: dict[int, list[tuple[int, str]]] = {}
    big_org = None
    counted = Counter()
    for n in range(organizations):
        pk = org_id + n
        country = org_country[n]
        kind = rng.choices(kinds, weights=kind_weights)[0]
        spec = KINDS[kind]
        region = rng.choice(regions[country])
        created = FIRST_DAY + dt.timedelta(days=rng.randint(0, 600))
        name = f"{kind.capitalize()} {country} {n:06d} (bench)"
        if n == 0:  # The big shelter network of Brazil: dozens of shelters in every state.
            country, kind, spec, region = "BR", "shelter", KINDS["shelter"], "BR-SP"
            name = "Rede Nacional de Abrigos (bench)"
            big_org = pk
        org_writer.add(
            {
                "id": pk, "name": name, "code": f"bench-org-{n:06d}", "type": spec["type"],
                "functions": spec["functions"], "country": country, "region": region, "city": "",
                "street_address": encrypt("Rua Sigilosa 1", Organization, "street_address") if kind == "shelter"
                else "",
                "postal_code": "", "phone": "", "email": f"org{n}@bench.invalid", "website": "", "is_active": True,
                "created_at": created, "updated_at": created, "version": 1,
            }
        )  # fmt: skip
        types = rng.sample(spec["services"], k=min(len(spec["services"]), rng.randint(1, 4)))
        if n == 0:
            types = ["shelter", "psychosocial", "medical", "education"]
        services_of[pk] = []
        for service_type in types:
            nationwide = rng.random() < 0.3 or n == 0
            covered = [] if nationwide else sorted(rng.sample(regions[country], k=min(3, rng.randint(1, 3))))
            if region not in covered and covered:
                covered = sorted({region, *covered[1:]})
            low_high = PLACES.get(service_type)
            total = available = updated = None
            if low_high:
                total = rng.randint(*low_high)
                available = 0 if rng.random() < 0.25 else rng.randint(1, total)
                updated = NOW - dt.timedelta(hours=rng.randint(1, 2000))
            sexes: list[str] = []
            age_min = age_max = None
            roll = rng.random()
            if service_type in ("shelter", "child_protection", "education"):
                if service_type == "child_protection" or roll < 0.25:
                    age_min, age_max = 0, 17
                elif roll < 0.6:
                    age_min = 18
                if service_type == "shelter" and rng.random() < 0.6:
                    sexes = [rng.choice(["Feminine", "Feminine", "Masculine"])]
            spoken = [languages[country]] + (["en"] if rng.random() < 0.2 and languages[country] != "en" else [])
            service_writer.add(
                {
                    "id": service_id, "organization_id": pk, "country": country, "service_type": service_type,
                    "name": f"{name[:-8]} {service_type.replace('_', ' ')}", "description": "", "sexes": sexes,
                    "age_min": age_min, "age_max": age_max, "serves_tip": True, "serves_som": rng.random() < 0.7,
                    "regions": covered, "languages": spoken, "capacity_total": total,
                    "capacity_available": available, "capacity_updated_at": updated,
                    "hours": "Mon-Fri 8-18" if rng.random() < 0.7 else "24/7",
                    "phone": "", "email": "", "is_active": rng.random() < 0.95 or n == 0,
                    "created_at": created, "updated_at": updated or created, "version": 1,
                }
            )  # fmt: skip
            services_of[pk].append((service_id, service_type))
            counted[service_type] += 1
            service_id += 1
        receivers[country].append((pk, rng.paretovariate(1.2)))
        if len(org_writer.rows) >= 10_000:
            org_writer.flush()
            service_writer.flush()
    org_writer.flush()
    service_writer.flush()
    print(f"organizations {org_writer.count:,}, services {service_writer.count:,}: "
          f"{time.monotonic() - started:.0f}s", flush=True)  # fmt: skip

    # --- Referrals ----------------------------------------------------------------------------------------------
    # Cases by country, oldest first (ids grow with time), with their owners: the senders.
    case_rows: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pk, country, owner in Case.objects.order_by("pk").values_list("pk", "country", "owner_organization_id"):
        case_rows[country].append((pk, owner))
    # Whom each referral goes to: first the country (its share of organizations), then an organization by weight.
    weights = {c: [w for _pk, w in receivers[c]] for c in countries}
    # The big network's weight: BIG_SHARE of all referrals, so its share of Brazil's is BIG_SHARE / Brazil's share.
    index = [pk for pk, _w in receivers["BR"]].index(big_org)
    wanted = BIG_SHARE / (COUNTRY_SHARE["BR"] / sum(COUNTRY_SHARE.values()))
    weights["BR"][index] = wanted * (sum(weights["BR"]) - weights["BR"][index]) / (1 - wanted)
    cum = {c: list(itertools.accumulate(weights[c])) for c in countries}
    # Countries with cases and receivers (at a small scale a country may have neither).
    usable = [c for c in countries if case_rows[c] and receivers[c]]
    ref_country = rng.choices(usable, weights=[COUNTRY_SHARE[c] for c in usable], k=referrals)
    writer = Writer(Referral)
    ref_id = 1 + (Referral.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    inbox: Counter[int] = Counter()
    open_inbox: Counter[int] = Counter()
    states: Counter[str] = Counter()
    for i in range(referrals):
        pk = ref_id + i
        country = ref_country[i]
        fraction = i / referrals
        sent_at = FIRST_DAY + dt.timedelta(seconds=span * fraction + rng.randint(0, 3600))
        # A case identified shortly before: among the country's cases so far, mostly the newest ones.
        rows = case_rows[country]
        available = max(1, int(len(rows) * fraction) + 1)
        index = max(0, available - 1 - int(rng.expovariate(1 / max(1.0, 0.03 * len(rows)))))
        case_id, sender = rows[min(index, len(rows) - 1)]
        letter = rng.random() < 0.03
        if letter:
            to_org = service = None
            service_type = rng.choice(["legal_aid", "medical", "consular", "shelter"])
            recipient = encrypt("Centro de apoio local", Referral, "recipient")
        else:
            c = cum[country]
            to_org = receivers[country][bisect.bisect_left(c, rng.random() * c[-1])][0]
            service, service_type = rng.choice(services_of[to_org])
            recipient = ""
        urgency = weighted(rng, URGENCY)
        recent = NOW - sent_at < dt.timedelta(days=60)
        state = weighted(rng, STATES_RECENT if recent else STATES_OLD)
        if letter and state in ("sent", "accepted", "expired"):
            state = "in_progress"
        due_at = sent_at + dt.timedelta(hours=HOURS[urgency])
        answered = state not in ("sent", "expired", "revoked") or (state == "revoked" and rng.random() < 0.5)
        responded_at = due_at - dt.timedelta(hours=HOURS[urgency] * rng.random() * 0.9) if answered else None
        started_at = responded_at + dt.timedelta(days=rng.randint(0, 5)) if state in (
            "in_progress", "completed") else None  # fmt: skip
        ended_at = None
        if state == "completed":
            ended_at = min(started_at + dt.timedelta(days=rng.randint(1, 180)), NOW)
        elif state in ("declined",):
            ended_at = responded_at
        elif state in ("revoked", "expired"):
            ended_at = due_at if state == "expired" else sent_at + dt.timedelta(hours=rng.randint(1, 48))
        overdue = state == "expired" or (state == "sent" and due_at < NOW)
        writer.add(
            {
                "id": pk, "case_id": case_id, "channel": "letter" if letter else "system",
                "from_organization_id": sender, "to_organization_id": to_org, "service_id": service,
                "service_type": service_type, "country": country, "recipient": recipient, "partner_country": "",
                "urgency": urgency, "sections": rng.choice(SECTIONS),
                "message": encrypt(MESSAGE, Referral, "message"), "state": state, "overdue": overdue,
                "consent_override": "", "warning_override": "", "warnings": [],
                "decline_reason": encrypt("No place for this profile.", Referral, "decline_reason")
                if state == "declined" else "",
                "revoke_reason": encrypt("Placed elsewhere.", Referral, "revoke_reason") if state == "revoked" else "",
                "outcome": "delivered" if state == "completed" else "",
                "outcome_notes": encrypt("Service delivered as planned.", Referral, "outcome_notes")
                if state == "completed" and rng.random() < 0.5 else "",
                "delivery_id": None, "due_at": due_at, "sent_at": sent_at, "responded_at": responded_at,
                "started_at": started_at, "ended_at": ended_at, "created_by_id": None, "responded_by_id": None,
                "bundle_id": None, "payload": "", "version": 1,
            }
        )  # fmt: skip
        states[state] += 1
        if to_org is not None:
            inbox[to_org] += 1
            if state in OPEN_STATES:
                open_inbox[to_org] += 1
        if len(writer.rows) >= 10_000:
            writer.flush()
        if (i + 1) % 100_000 == 0:
            print(f"  {i + 1:>9,} referrals ({time.monotonic() - started:.0f}s)", flush=True)
    writer.flush()
    finish(started)

    # --- Receivers with users: the big network, a medium and a small Brazilian organization ---------------------
    brazil = sorted((inbox[pk], pk) for pk, _w in receivers["BR"] if pk != big_org and inbox[pk] > 0)
    medium = min(brazil, key=lambda pair: abs(pair[0] - 1000))[1]
    small = min(brazil, key=lambda pair: (abs(pair[0] - 8), -open_inbox[pair[1]]))[1]
    chosen = {"big": big_org, "medium": medium, "small": small}
    users = dict(cases_fixture["users"])
    for label, pk in chosen.items():
        users[f"receiver_{label}"] = make_user(f"receiver_{label}", Organization.objects.get(pk=pk), "case_manager")
    share = Counter(inbox.values())
    fixture = {
        "scale": referrals,
        "backend": connection.vendor,
        "country": "BR",
        "users": users,
        "receivers": {
            label: {"organization": pk, "received": inbox[pk], "open": open_inbox[pk]} for label, pk in chosen.items()
        },  # fmt: skip
        "regions": regions["BR"],
        "rows": {
            "organizations": org_writer.count,
            "services": service_writer.count,
            "referrals": writer.count,
            "cases": cases_fixture["rows"]["cases"],
        },
        "services_by_type": dict(counted),
        "states": dict(states),
        "inbox_sizes": {
            "organizations_receiving": len(inbox),
            "median": sorted(inbox.values())[len(inbox) // 2] if inbox else 0,
            "p99": sorted(inbox.values())[int(len(inbox) * 0.99)] if inbox else 0,
            "max": max(inbox.values(), default=0),
            "at_most_10": sum(count for size, count in share.items() if size <= 10),
        },
        "seconds": round(time.monotonic() - started, 1),
        "cases_seconds": cases_fixture.get("seconds"),
    }
    fixture_path.parent.mkdir(parents=True, exist_ok=True)
    fixture_path.write_text(json.dumps(fixture, indent=2))
    print(f"done: {fixture['rows']} in {fixture['seconds']}s -> {fixture_path}", flush=True)


def finish(started: float) -> None:
    """Sequences past the explicit ids, then statistics for the planner."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Organization, Service, Referral):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
                )
    print(f"loaded in {time.monotonic() - started:.0f}s; analysing", flush=True)
    with connection.cursor() as cursor:  # autocommit, outside any transaction
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, help="default: a tenth of the referrals")
    parser.add_argument("--cases", type=int, help="default: a fifth of the referrals")
    parser.add_argument("--fixture", type=Path, required=True)
    args = parser.parse_args()
    generate(
        args.referrals,
        args.organizations or max(100, args.referrals // 10),
        args.cases or max(100, args.referrals // 5),
        args.fixture,
    )


if __name__ == "__main__":
    main()
