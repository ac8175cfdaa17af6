"""Generate the helpline benchmark's data (issue 14) in the database of TIPSOM_DATABASE_URL, fast.

At the full scale (--scale 1000000, the number of contacts): two helplines in each of the 13 demo countries (the
national helpline takes 80 % of the country's contacts, an NGO's the rest; countries weighted as in the justice
benchmark: Brazil 20 %, Pakistan 12 % ... Laos 3 %), their contacts over the two years before now, the callbacks
owed to callers who agreed to be called back, and a few blocked numbers.

1. Organizations are written in bulk. The users of Brazil's national helpline (six operators, one of them measured,
   and a supervisor) and a national coordinator go through the services (audited), each with an API token.
2. Contacts and callbacks in bulk, bypassing the ORM (bench/generate_cases.py's Writer: COPY on PostgreSQL,
   executemany on SQLite), one transaction per 10,000 contacts, ids growing with the time of contact. Every
   encrypted column holds what EncryptedTextField stores: the caller's name, number and e-mail, the safe-callback
   fields, the place and the summary are encrypted one by one, each with its own nonce, for every contact that
   keeps them (a non-data contact keeps none, an anonymous one no caller data). The caller's number comes from a
   pool of 0.7 numbers per contact (repeat callers), its blind index the real one (helpline.numbers.number_index).
3. ANALYZE (SQLite) or VACUUM ANALYZE (PostgreSQL) at the end, as autovacuum would.

    TIPSOM_DATABASE_URL=... TIPSOM_KEYRING_FILE=... python bench/generate_helpline.py --scale 1000000 \
        --fixture bench/var/helpline/postgresql/fixture.json

Writes the fixture (tokens, organization ids, row counts, the measured helpline's cursors) that run_helpline.py
reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
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

import generate_cases  # noqa: E402  (bench/generate_cases.py: the bulk writer and the encryptor)
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from tipsom.accounts.models import Role  # noqa: E402
from tipsom.accounts.services import api_token_create, user_create  # noqa: E402
from tipsom.core import crypto  # noqa: E402
from tipsom.demo.services import demo_config  # noqa: E402
from tipsom.helpline.models import (  # noqa: E402
    NON_DATA_TYPES,
    QUEUE_RANK,
    BlockedNumber,
    Callback,
    Contact,
    ContactNumberCounter,
    Urgency,
)
from tipsom.helpline.numbers import number_index  # noqa: E402
from tipsom.organizations.models import Organization  # noqa: E402

BATCH = 10_000
SEED = 20261214
DAYS = 730  # two years of contacts before now
COUNTRY_SHARE = {
    "BR": 20, "PK": 12, "ZA": 10, "UA": 9, "CO": 9, "EG": 8, "NP": 6, "MA": 6, "BY": 5, "KG": 4, "ML": 4, "NE": 4,
    "LA": 3,
}  # fmt: skip
NATIONAL_SHARE = 0.8  # the national helpline's share of a country's contacts (an NGO's helpline the rest)
CHANNELS = [("phone", 55), ("whatsapp", 15), ("sms", 8), ("chat", 8), ("web_form", 6), ("email", 4), ("walk_in", 3),
            ("letter", 1)]  # fmt: skip
TYPES = [("victim", 35), ("tip", 20), ("information", 15), ("silent", 12), ("hang_up", 10), ("wrong_number", 5),
         ("prank", 3)]  # fmt: skip
ROLES = [("self", 30), ("family", 25), ("third_party", 30), ("anonymous", 15)]
URGENCY = [("emergency", 3), ("urgent", 17), ("routine", 80)]
FORMS = [("ForcedLabour", 35), ("SexualExploitation", 30), ("Servitude", 10), ("ForcedMarriage", 8),
         ("ForcedBegging", 7), ("ChildLabour", 10)]  # fmt: skip
NUMBER_CHANNELS = {"phone", "sms", "whatsapp"}
RECENT_DAYS = 14  # contacts of the last two weeks are still open more often: the queue
OPEN_RECENT, OPEN_OLD = 0.35, 0.004
CALLBACK_OUTCOMES = [("reached", 55), ("no_answer", 25), ("unsafe", 5), ("cancelled", 5), ("pending", 10)]
OPERATORS = 6
SUMMARIES = [
    "The caller reports workers held at a farm who are not paid and cannot leave (bench).",
    "A relative was promised work abroad; her passport was taken on arrival (bench).",
    "A neighbour hears children working at night in a workshop (bench).",
    "Information asked about the rights of domestic workers (bench).",
    "A young woman is kept in a house and made to work without pay (bench).",
]
# The interface language of the country's demo data -> the contact's language (ISO 639-2).
LANGUAGES = {"en": "eng", "pt": "por", "es": "spa", "ar": "ara", "fr": "fra", "ru": "rus", "uk": "ukr", "ur": "urd",
             "ne": "nep", "lo": "lao"}  # fmt: skip
PLACES = ["Near the bus station (bench)", "A brick kiln outside the city (bench)", "A farm on the river road (bench)"]


def weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def next_id(model: Any) -> int:
    return 1 + (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)


# --- Organizations and users ------------------------------------------------------------------------------------
def setup_organizations(countries: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Per country: the national helpline, an NGO's helpline and a coordination body (the national coordinator's),
    in bulk, made once (found again by their codes)."""
    existing = dict(Organization.objects.filter(code__startswith="bench-helpline-").values_list("code", "pk"))
    writer = generate_cases.Writer(Organization)
    pk = next_id(Organization)
    result: dict[str, list[int]] = defaultdict(list)
    created = dt.datetime(2018, 6, 1, tzinfo=dt.UTC)
    kinds = [
        ("national", "National trafficking helpline", "CentralGovernmentOrganisation", ["helpline"]),
        ("ngo", "NGO helpline", "NGO", ["helpline", "victim_assistance"]),
        ("coordination", "National coordination", "CentralGovernmentOrganisation", ["national_coordination"]),
    ]
    for country in countries:
        code = country["code"]
        for n, (kind, label, org_type, functions) in enumerate(kinds):
            org_code = f"bench-helpline-{code.lower()}-{kind}"
            if org_code in existing:
                result[code].append(existing[org_code])
                continue
            writer.add(
                {
                    "id": pk, "name": f"{label} {code} (bench)", "code": org_code, "type": org_type,
                    "functions": functions, "country": code, "region": country["regions"][n % 2]["code"],
                    "city": "", "street_address": "", "postal_code": "", "phone": "", "email": "", "website": "",
                    "is_active": True, "created_at": created, "updated_at": created, "version": 1,
                }
            )  # fmt: skip
            result[code].append(pk)
            pk += 1
    writer.flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('organizations_organization', 'id'), "
                "(SELECT max(id) FROM organizations_organization))"
            )
    return result


def setup_users(organizations: dict[str, list[int]], country: str) -> dict[str, dict[str, Any]]:
    """The measured helpline's operators (the first is the one measured) and supervisor, and the country's national
    coordinator, through the services, each with an API token."""
    roles = {role.slug: role for role in Role.objects.all()}
    national, _ngo, coordination = organizations[country]
    specs = [(f"operator{n}" if n else "operator", national, "helpline_operator") for n in range(OPERATORS)]
    specs += [("supervisor", national, "helpline_supervisor"), ("coordinator", coordination, "national_coordinator")]
    users = {}
    for label, organization_id, role in specs:
        organization = Organization.objects.get(pk=organization_id)
        user = user_create(
            actor=None,
            username=f"bench.helpline.{country.lower()}.{label}",
            full_name=f"Bench helpline {label}",
            password=secrets.token_urlsafe(24),
            organization=organization,
            roles=[roles[role]],
        )
        _instance, token = api_token_create(actor=user)
        users[label] = {"id": user.pk, "username": user.username, "token": token, "organization": organization.pk}
    return users


# --- Contacts ---------------------------------------------------------------------------------------------------
class Generator:
    def __init__(self, scale: int, rng: random.Random, now: dt.datetime) -> None:
        self.scale = scale
        self.rng = rng
        self.now = now
        self.encrypt = generate_cases.Encryptor()
        self.contacts = generate_cases.Writer(Contact)
        self.callbacks = generate_cases.Writer(Callback)
        self.ids = {"contact": next_id(Contact), "callback": next_id(Callback)}
        self.counters: dict[tuple[str, int], int] = defaultdict(int)
        self.stats: Counter[str] = Counter()
        self.numbers: dict[str, list[str]] = {}
        self.index = functools.lru_cache(maxsize=None)(number_index)

    def take(self, kind: str) -> int:
        pk = self.ids[kind]
        self.ids[kind] += 1
        return pk

    def flush(self) -> None:
        self.contacts.flush()  # parents first: each batch commits with its foreign keys checked
        self.callbacks.flush()

    def number(self, country: dict[str, Any]) -> str:
        """A caller's number from the country's pool (0.7 numbers per contact of the country: repeat callers)."""
        code = country["code"]
        pool = self.numbers.get(code)
        if pool is None:
            size = max(50, int(self.scale * COUNTRY_SHARE[code] / sum(COUNTRY_SHARE.values()) * 0.7))
            rng = random.Random(f"{SEED}:{code}")  # noqa: S311
            pool = [f"+{country['calling_code']}{rng.randint(300_000_000, 399_999_999)}" for _ in range(size)]
            self.numbers[code] = pool
        return self.rng.choice(pool)

    def contact(self, country: dict[str, Any], organization: int, started: dt.datetime, staff: list[int]) -> None:
        rng = self.rng
        code = country["code"]
        pk = self.take("contact")
        channel = weighted(rng, CHANNELS)
        contact_type = weighted(rng, TYPES)
        year = started.year
        self.counters[(code, year)] += 1
        duration = rng.randint(5, 40) if contact_type in NON_DATA_TYPES else rng.randint(60, 1500)
        creator = rng.choice(staff) if staff else None
        row: dict[str, Any] = {
            "id": pk, "owner_organization_id": organization, "country": code,
            "reference": f"HL-{year}-{self.counters[(code, year)]:06d}", "channel": channel,
            "direction": "incoming" if rng.random() < 0.95 else "outgoing", "started_at": started,
            "duration_seconds": None if channel in ("web_form", "email", "letter") else duration,
            "contact_type": contact_type, "caller_role": "", "language": "", "caller_name": "", "caller_number": "",
            "caller_number_index": "", "caller_email": "", "callback_consent": False, "callback_number": "",
            "callback_safe_times": "", "callback_code_word": "", "callback_no_message": False,
            "subject_age_group": "", "subject_gender": "", "subject_count": None, "region": "", "place": "",
            "summary": "", "acts": [], "means_of_control": [], "exploitation_types": [], "industries": [],
            "recommendation": "", "urgency": "routine", "queue_rank": QUEUE_RANK[Urgency.ROUTINE], "status": "closed",
            "actions": [], "assigned_to_id": None, "case_id": None, "situation_id": None,
            "closed_at": started + dt.timedelta(seconds=duration), "created_by_id": creator, "created_at": started,
            "updated_at": started, "version": 1,
        }  # fmt: skip
        self.stats[f"type:{contact_type}"] += 1
        if contact_type not in NON_DATA_TYPES:
            self.data_contact(row, country, started, staff)
        self.contacts.add(row)

    def data_contact(
        self, row: dict[str, Any], country: dict[str, Any], started: dt.datetime, staff: list[int]
    ) -> None:
        rng = self.rng
        enc = self.encrypt
        role = weighted(rng, ROLES)
        urgency = weighted(rng, URGENCY)
        languages = [country.get("language", "en")[:2]]
        row.update(
            caller_role=role,
            language=LANGUAGES.get(languages[0], "eng"),
            subject_age_group=rng.choice(["child", "adult", "adult", "unknown"]),
            subject_gender=rng.choice(["Masculine", "Feminine", "NonSpecifiedUnknown"]),
            subject_count=rng.choice([1, 1, 1, 2, 3]),
            region=rng.choice(country["regions"])["code"],
            summary=enc(rng.choice(SUMMARIES), Contact, "summary"),
            urgency=urgency,
            queue_rank=QUEUE_RANK[Urgency(urgency)],
        )
        if rng.random() < 0.5:
            row["place"] = enc(rng.choice(PLACES), Contact, "place")
        if row["contact_type"] in ("victim", "tip"):
            forms = {weighted(rng, FORMS)}
            if rng.random() < 0.15:
                forms.add(weighted(rng, FORMS))
            row["exploitation_types"] = sorted(forms)
            row["acts"] = ["recruitment"] if rng.random() < 0.6 else []
            row["recommendation"] = rng.choice(["possible_victim", "likely_victim", ""])
        if role != "anonymous":
            if rng.random() < 0.7:
                row["caller_name"] = enc("Bench Caller", Contact, "caller_name")
            if row["channel"] in NUMBER_CHANNELS and rng.random() < 0.9:
                number = self.number(country)
                row["caller_number"] = enc(number, Contact, "caller_number")
                row["caller_number_index"] = self.index(number, country["code"])
            elif row["channel"] == "email":
                row["caller_email"] = enc("caller@example.org", Contact, "caller_email")
            if rng.random() < 0.25:
                row.update(
                    callback_consent=True,
                    callback_number=enc(self.number(country), Contact, "callback_number"),
                    callback_safe_times=enc("After 18:00", Contact, "callback_safe_times"),
                    callback_code_word=enc("tea", Contact, "callback_code_word"),
                    callback_no_message=rng.random() < 0.5,
                )
        recent = (self.now - started).days < RECENT_DAYS
        if rng.random() < (OPEN_RECENT if recent else OPEN_OLD):
            row.update(status="open", closed_at=None)
            self.stats["open"] += 1
            if staff and rng.random() < 0.6:
                row["assigned_to_id"] = rng.choice(staff)
        else:
            row["closed_at"] = started + dt.timedelta(minutes=rng.randint(5, 60 * 24 * 3))
            row["assigned_to_id"] = row["created_by_id"]
            row["actions"] = ["information_given"] if rng.random() < 0.5 else []
        if row["callback_consent"] and rng.random() < 0.6:
            self.callback(row, started, staff)

    def callback(self, contact: dict[str, Any], started: dt.datetime, staff: list[int]) -> None:
        rng = self.rng
        due = started + dt.timedelta(hours=rng.randint(1, 48))
        status = "pending" if due > self.now else weighted(rng, CALLBACK_OUTCOMES)
        done = None
        if status != "pending":
            done = due + dt.timedelta(minutes=rng.randint(-30, 240) if rng.random() < 0.8 else rng.randint(300, 3000))
        self.stats[f"callback:{status}"] += 1
        self.callbacks.add(
            {
                "id": self.take("callback"), "contact_id": contact["id"], "owner_organization_id":
                contact["owner_organization_id"], "country": contact["country"], "due_at": due, "status": status,
                "assigned_to_id": rng.choice(staff) if staff and rng.random() < 0.5 else None, "done_at": done,
                "done_by_id": contact["created_by_id"] if done else None,
                "note": self.encrypt("Reached, safe to talk (bench).", Callback, "note") if done else "",
                "created_by_id": contact["created_by_id"], "created_at": started, "updated_at": done or started,
                "version": 1,
            }
        )  # fmt: skip


def blocked_numbers(generator: Generator, organizations: dict[str, list[int]], countries: dict[str, Any]) -> int:
    """A few blocks per helpline: most expired, some in force (24 hours, or a supervisor's longer ones)."""
    writer = generate_cases.Writer(BlockedNumber)
    pk = next_id(BlockedNumber)
    rng = random.Random(SEED + 2)  # noqa: S311
    now = generator.now
    for code, (national, ngo, _coordination) in organizations.items():
        country = countries[code]
        for organization in (national, ngo):
            for _n in range(rng.randint(5, 30)):
                number = generator.number(country)
                created = now - dt.timedelta(days=rng.randint(0, DAYS))
                until = created + (dt.timedelta(hours=24) if rng.random() < 0.7 else dt.timedelta(days=365))
                writer.add(
                    {
                        "id": pk, "owner_organization_id": organization, "country": code,
                        "number": generator.encrypt(number, BlockedNumber, "number"),
                        "number_index": generator.index(number, code), "until": until,
                        "reason": rng.choice(["abuse", "prank", "threats", "spam"]), "note": "", "lifted_at": None,
                        "lifted_by_id": None, "created_by_id": None, "created_at": created, "updated_at": created,
                        "version": 1,
                    }
                )  # fmt: skip
                pk += 1
    writer.flush()
    return writer.count


def generate(scale: int, fixture_path: Path) -> None:
    started_at = time.monotonic()
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, reproducible on purpose)
    crypto.keyring_init()
    countries = {c["code"]: c for c in demo_config()["countries"] if c["code"] in COUNTRY_SHARE}
    organizations = setup_organizations(list(countries.values()))
    showcase = "BR"
    users = setup_users(organizations, showcase)
    staff = [users[f"operator{n}" if n else "operator"]["id"] for n in range(OPERATORS)]
    print(f"organizations and users: {time.monotonic() - started_at:.1f}s", flush=True)

    now = timezone.now().replace(microsecond=0)
    generator = Generator(scale, rng, now)
    codes = list(countries)
    weights = [COUNTRY_SHARE[c] for c in codes]
    first = now - dt.timedelta(days=DAYS)
    span = DAYS * 86400
    for n in range(scale):
        code = rng.choices(codes, weights=weights)[0]
        national, ngo, _coordination = organizations[code]
        organization = national if rng.random() < NATIONAL_SHARE else ngo
        # Ids grow with the time of contact (spread evenly, a little jitter), as they do when contacts are recorded.
        started = first + dt.timedelta(seconds=int(span * n / scale) + rng.randint(0, 60))
        started = min(started, now - dt.timedelta(minutes=1))
        generator.contact(countries[code], organization, started, staff if organization == staff_org(users) else [])
        if len(generator.contacts.rows) >= BATCH:
            generator.flush()
        if (n + 1) % 100_000 == 0:
            print(f"  {n + 1:>9,} contacts ({time.monotonic() - started_at:.0f}s)", flush=True)
    generator.flush()
    blocks = blocked_numbers(generator, organizations, countries)
    with transaction.atomic():
        for (country, year), last in generator.counters.items():
            ContactNumberCounter.objects.update_or_create(country=country, year=year, defaults={"last": last})
    finish(started_at)
    measured = staff_org(users)
    fixture = {
        "scale": scale,
        "backend": connection.vendor,
        "country": showcase,
        "users": users,
        "organizations": organizations,
        "measured_organization": measured,
        "generated_at": now.isoformat(),
        "rows": {
            "contacts": generator.contacts.count,
            "callbacks": generator.callbacks.count,
            "blocked numbers": blocks,
            "contacts of the measured helpline": Contact.objects.filter(owner_organization_id=measured).count(),
            "open contacts of the measured helpline": Contact.objects.filter(
                owner_organization_id=measured, status="open"
            ).count(),
        },
        "distribution": dict(sorted(generator.stats.items())),
        "cursors": cursors(measured),
        "seconds": round(time.monotonic() - started_at, 1),
    }
    fixture_path.parent.mkdir(parents=True, exist_ok=True)
    fixture_path.write_text(json.dumps(fixture, indent=2))
    print(f"done: {fixture['rows']} in {fixture['seconds']}s -> {fixture_path}", flush=True)


def staff_org(users: dict[str, dict[str, Any]]) -> int:
    return int(users["operator"]["organization"])


def cursors(organization: int) -> dict[str, str]:
    """Keyset cursors of later pages of the measured helpline's contact list (newest first): the 1,000th, the
    10,000th and the 100,000th newest contact (`?before=<id>`)."""
    result = {}
    ids = Contact.objects.filter(owner_organization_id=organization).order_by("-pk").values_list("pk", flat=True)
    for depth in (1_000, 10_000, 100_000):
        found = ids[depth : depth + 1]
        if found:
            result[str(depth)] = str(found[0])
    return result


def finish(started: float) -> None:
    """Sequences past the explicit ids, then statistics for the planner."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Contact, Callback, BlockedNumber):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
    print(f"loaded in {time.monotonic() - started:.0f}s; analysing", flush=True)
    with connection.cursor() as cursor:  # autocommit, outside any transaction
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="contacts")
    parser.add_argument("--fixture", type=Path, required=True)
    args = parser.parse_args()
    if Contact.objects.exists():
        sys.exit("The bench database already holds helpline contacts: start from an empty, migrated database.")
    generate(args.scale, args.fixture)


if __name__ == "__main__":
    main()
