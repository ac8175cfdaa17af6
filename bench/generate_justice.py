"""Generate the criminal justice benchmark's data (issue 12) in the database of TIPSOM_DATABASE_URL, fast.

At the full scale (--scale 1000000, the number of offences): about 400,000 criminal cases over the 13 demo
countries' police units, prosecution offices and courts, 2.5 offences per case, about 1.3 suspects per case (each
a person of the registry), their charges under the country's legal provisions, the court decisions on them (first
instance and appeals) with the stage fields the services keep in step filled consistently, and a fiftieth as many
smuggling incidents (20,000) with their migrants counted by sex, age group and citizenship.

1. Organizations (police units, prosecution offices, courts, a coordination body per country) are written in bulk;
   the users (an investigator of Brazil's national police unit, one of a regional unit, a prosecutor and a national
   rapporteur) and their API tokens through the services (audited). Legal provisions: the country's active ones of
   each offence type where seeded, else one made per missing type ("(bench)" in the law's name).
2. Everything else in bulk, bypassing the ORM (bench/generate_cases.py's Writer: COPY on PostgreSQL, executemany on
   SQLite), one transaction per 10,000 cases. Every encrypted column holds what EncryptedTextField would store: the
   case's facts, an offence's modus operandi and a person's birth year are short constant texts, each encrypted
   with its own nonce (about 8 us a value). Suspects get no names (people.PersonName): nothing here searches them.
3. ANALYZE (SQLite) or VACUUM ANALYZE (PostgreSQL) at the end, as autovacuum would.

    TIPSOM_DATABASE_URL=... TIPSOM_KEYRING_FILE=... python bench/generate_justice.py --scale 1000000 \
        --fixture bench/var/justice/postgresql/fixture.json

Writes the fixture (tokens, organization ids, row counts, the distribution) that run_justice.py reads.
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
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")

import django  # noqa: E402

django.setup()

import generate_cases  # noqa: E402  (bench/generate_cases.py: the bulk writer and the encryptor)
from django.db import connection, transaction  # noqa: E402

from tipsom.accounts.models import Role  # noqa: E402
from tipsom.accounts.services import api_token_create, user_create  # noqa: E402
from tipsom.core import crypto  # noqa: E402
from tipsom.demo.services import demo_config  # noqa: E402
from tipsom.justice.models import (  # noqa: E402
    ICCS_CODES,
    Charge,
    CourtDecision,
    CriminalCase,
    IncidentMigrants,
    LegalProvision,
    NumberCounter,
    Offence,
    SmugglingIncident,
    Suspect,
)
from tipsom.organizations.models import Organization  # noqa: E402
from tipsom.people.models import Person  # noqa: E402

# The cases benchmark's writer (it gives a column added to a model since the defaults of its field).
Writer = generate_cases.Writer


BATCH = 10_000
SEED = 20261204
FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2026, 11, 30)
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
# Countries' share of criminal cases (as the referral benchmark's share of organizations).
COUNTRY_SHARE = {
    "BR": 20, "PK": 12, "ZA": 10, "UA": 9, "CO": 9, "EG": 8, "NP": 6, "MA": 6, "BY": 5, "KG": 4, "ML": 4, "NE": 4,
    "LA": 3,
}  # fmt: skip
# Per country: police units (the national anti-trafficking unit holds NATIONAL_UNIT_SHARE of the cases, the
# regional units the rest evenly), prosecution offices and courts.
POLICE_UNITS, PROSECUTION_OFFICES, COURTS = 12, 6, 8
NATIONAL_UNIT_SHARE = 0.30
RECORDED_BY_PROSECUTION = 0.10  # cases recorded by a prosecution office rather than the police unit
# The main offence of a case; further offences are of the same type or a related one.
MAIN_OFFENCE = [("tip", 68), ("som", 22), ("document_fraud", 3), ("labour", 3), ("sexual", 2), ("corruption", 1),
                ("money_laundering", 1)]  # fmt: skip
RELATED = [("document_fraud", 30), ("money_laundering", 20), ("organised_crime", 25), ("corruption", 10),
           ("labour", 10), ("other", 5)]  # fmt: skip
OFFENCES_PER_CASE = [(1, 30), (2, 25), (3, 20), (4, 15), (5, 10)]  # mean 2.5
SUSPECTS_PER_CASE = [(1, 78), (2, 16), (3, 4), (4, 2)]  # mean 1.3
CHARGES_PER_DEFENDANT = [(1, 60), (2, 30), (3, 10)]
CONTACT = [("arrested", 50), ("suspected", 40), ("cautioned", 10)]
ROLES = ["recruiter", "transporter", "harbourer", "exploiter", "smuggler", "financier", "facilitator", "organiser"]
EXPLOITATION = ["ForcedLabour", "SexualExploitation", "ForcedCriminality", "ForcedBegging", "Servitude"]
ORIGINS = ["BO", "VE", "HT", "PY", "CO", "NG", "MM", "KH", "VN", "UA", "BY", "NP", "IN", "BD", "SY", "ER", "ML", "NE"]
# Attrition (about 60 % of suspects charged and 40 % of those convicted: the shares GLOTIP reports show).
P_CONTACT = 0.92  # formal contact recorded (the others stay "suspected" without a date)
P_CHARGED = 0.65  # of those in formal contact, charged (less where the charge would fall after LAST_DAY)
P_CONVICTED = 0.55  # of the charged whose first-instance decision has come
P_APPEALED = 0.20
# Smuggling incidents: where they happen (countries of transit) and how.
INCIDENT_SHARE = {"NE": 20, "ML": 15, "MA": 15, "EG": 12, "PK": 10, "CO": 8, "UA": 5, "BY": 5, "NP": 3, "ZA": 3,
                  "KG": 2, "LA": 1, "BR": 1}  # fmt: skip
LOCATIONS = [("border_crossing", 30), ("desert", 20), ("sea", 15), ("vehicle", 15), ("safe_house", 8),
             ("river", 5), ("mountains", 4), ("urban", 3)]  # fmt: skip
TRANSPORT = {"sea": "boat", "river": "boat", "desert": "truck", "vehicle": "truck", "mountains": "foot"}
FACTS = "Facts of the investigation as recorded by the unit (bench)."
MODUS = "Recruited through a job offer; documents withheld on arrival (bench)."


def weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def day(rng: random.Random, start: dt.date, low: int, high: int) -> dt.date:
    return start + dt.timedelta(days=rng.randint(low, high))


def at(date: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(8), tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 600))


def next_id(model: Any) -> int:
    return 1 + (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)


# --- Organizations, provisions and users ----------------------------------------------------------------------
def setup_organizations(countries: list[dict[str, Any]]) -> dict[str, dict[str, list[int]]]:
    """Per country: police units (the first is the national unit), prosecution offices, courts, and the national
    coordination body; written in bulk, made once (found again by their codes)."""
    existing = dict(Organization.objects.filter(code__startswith="bench-justice-").values_list("code", "pk"))
    writer = Writer(Organization)
    pk = next_id(Organization)
    result: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    kinds = [
        ("police", POLICE_UNITS, "LawEnforcement", ["police"]),
        ("prosecution", PROSECUTION_OFFICES, "LegalService", ["prosecution"]),
        ("court", COURTS, "CentralGovernmentOrganisation", ["judiciary"]),
        ("coordination", 1, "CentralGovernmentOrganisation", ["national_coordination"]),
    ]
    created = dt.datetime(2018, 6, 1, tzinfo=dt.UTC)
    for country in countries:
        code = country["code"]
        regions = country["regions"]
        for kind, count, org_type, functions in kinds:
            for n in range(count):
                org_code = f"bench-justice-{code.lower()}-{kind}-{n:02d}"
                if org_code in existing:
                    result[code][kind].append(existing[org_code])
                    continue
                label = {"police": "Anti-trafficking police unit", "prosecution": "Prosecution office",
                         "court": "Criminal court", "coordination": "National rapporteur's office"}[kind]  # fmt: skip
                if kind == "police" and n == 0:
                    label = "National anti-trafficking police unit"
                writer.add(
                    {
                        "id": pk, "name": f"{label} {code} {n + 1} (bench)", "code": org_code, "type": org_type,
                        "functions": functions, "country": code, "region": regions[n % len(regions)]["code"],
                        "city": "", "street_address": "", "postal_code": "", "phone": "", "email": "",
                        "website": "", "is_active": True, "created_at": created, "updated_at": created, "version": 1,
                    }
                )  # fmt: skip
                result[code][kind].append(pk)
                pk += 1
    writer.flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('organizations_organization', 'id'), "
                "(SELECT max(id) FROM organizations_organization))"
            )
    return result


def setup_provisions(countries: list[str]) -> dict[str, dict[str, list[tuple[int, str]]]]:
    """The country's active provisions by offence type: [(id, offence type)]; one made for each missing type."""
    needed = sorted({t for t, _w in MAIN_OFFENCE} | {t for t, _w in RELATED})
    found: dict[str, dict[str, list[tuple[int, str]]]] = {c: defaultdict(list) for c in countries}
    for pk, country, offence_type in LegalProvision.objects.filter(country__in=countries, is_active=True).values_list(
        "pk", "country", "offence_type"
    ):
        found[country][offence_type].append((pk, offence_type))
    missing = []
    for country in countries:
        for n, offence_type in enumerate(needed):
            if not found[country][offence_type]:
                missing.append(
                    LegalProvision(
                        country=country, law=f"Criminal code (bench) {country}", article=f"art. {100 + n}",
                        title=f"{offence_type.replace('_', ' ').capitalize()} (bench)", offence_type=offence_type,
                        iccs_code=ICCS_CODES.get(offence_type, ""), penalty_min_months=24, penalty_max_months=120,
                    )
                )  # fmt: skip
    if missing:
        LegalProvision.objects.bulk_create(missing)
        return setup_provisions(countries)
    return found


def setup_users(organizations: dict[str, dict[str, list[int]]], country: str) -> dict[str, dict[str, Any]]:
    roles = {role.slug: role for role in Role.objects.all()}
    specs = {
        "investigator": ("police", 0, "investigator"),  # the national unit: the most cases
        "investigator_regional": ("police", 3, "investigator"),
        "prosecutor": ("prosecution", 0, "prosecutor"),
        "national_rapporteur": ("coordination", 0, "national_rapporteur"),
    }
    users = {}
    for label, (kind, index, role) in specs.items():
        organization = Organization.objects.get(pk=organizations[country][kind][index])
        user = user_create(
            actor=None,
            username=f"bench.justice.{country.lower()}.{label}",
            full_name=f"Bench {label.replace('_', ' ')}",
            password=secrets.token_urlsafe(24),
            organization=organization,
            roles=[roles[role]],
        )
        _instance, token = api_token_create(actor=user)
        users[label] = {"id": user.pk, "username": user.username, "token": token, "organization": organization.pk}
    return users


# --- The criminal cases -----------------------------------------------------------------------------------------
class Generator:
    def __init__(self, scale: int, rng: random.Random) -> None:
        self.scale = scale
        self.rng = rng
        self.encrypt = generate_cases.Encryptor()
        self.persons = Writer(Person)
        self.cases = Writer(CriminalCase)
        self.offences = Writer(Offence)
        self.suspects = Writer(Suspect)
        self.charges = Writer(Charge)
        self.decisions = Writer(CourtDecision)
        self.writers = [self.persons, self.cases, self.offences, self.suspects, self.charges, self.decisions]
        self.ids = {
            "person": next_id(Person), "case": next_id(CriminalCase), "offence": next_id(Offence),
            "suspect": next_id(Suspect), "charge": next_id(Charge), "decision": next_id(CourtDecision),
        }  # fmt: skip
        self.counters: dict[tuple[str, int, str], int] = defaultdict(int)
        self.recent_persons: dict[str, list[int]] = defaultdict(list)  # repeat offenders: a person in two cases
        self.stats: Counter[str] = Counter()

    def take(self, kind: str) -> int:
        pk = self.ids[kind]
        self.ids[kind] += 1
        return pk

    def flush(self) -> None:
        for writer in self.writers:  # parents first: each batch commits with its foreign keys checked
            writer.flush()

    def person(self, country: str, organization: int, opened: dt.date) -> tuple[int, int | None]:
        """A suspect's person: 6 % are someone already suspected in an earlier case of the country."""
        rng = self.rng
        recent = self.recent_persons[country]
        if recent and rng.random() < 0.06:
            return rng.choice(recent), None
        pk = self.take("person")
        age = rng.randint(15, 17) if rng.random() < 0.03 else rng.randint(18, 66)
        birth_year = opened.year - age
        gender = "Masculine" if rng.random() < 0.72 else "Feminine"
        if rng.random() < 0.02:
            gender = "NonSpecifiedUnknown"
        citizenship = country if rng.random() < 0.7 else rng.choice(ORIGINS)
        created = at(opened, rng)
        self.persons.add(
            {
                "id": pk, "owner_organization_id": organization, "created_by_id": None, "created_at": created,
                "updated_at": created, "version": 1, "gender": gender, "citizenships": [citizenship],
                "languages": [], "education": "Unknown",
                "birth_date": self.encrypt(str(birth_year), Person, "birth_date"),
                "birth_date_precision": "year", "birth_year": birth_year, "is_presumed_minor": False,
            }
        )  # fmt: skip
        recent.append(pk)
        if len(recent) > 5000:
            del recent[:1000]
        return pk, age

    def criminal_case(
        self, country: str, orgs: dict[str, list[int]], provisions: dict[str, list[tuple[int, str]]],
        opened: dt.date, offence_count: int,
    ) -> str:  # fmt: skip
        rng = self.rng
        pk = self.take("case")
        police = orgs["police"]
        unit = police[0] if rng.random() < NATIONAL_UNIT_SHARE else rng.choice(police[1:])
        office = rng.choice(orgs["prosecution"])
        court = rng.choice(orgs["court"])
        owner = office if rng.random() < RECORDED_BY_PROSECUTION else unit
        main_type = weighted(rng, MAIN_OFFENCE)
        created = at(opened, rng)

        # Offences: the first is the case's main one, recorded when the investigation opened.
        offences: list[tuple[int, str]] = []
        transnational = main_type == "som" or rng.random() < 0.25
        involved = sorted({country, rng.choice(ORIGINS)}) if transnational else []
        for n in range(offence_count):
            offence_type = main_type if n == 0 or rng.random() < 0.5 else weighted(rng, RELATED)
            offence_pk = self.take("offence")
            date_from = opened - dt.timedelta(days=rng.randint(0, 365))
            recorded = opened if n == 0 else min(day(rng, opened, 0, 90), LAST_DAY)
            provision = rng.choice(provisions[offence_type])[0]
            self.offences.add(
                {
                    "id": offence_pk, "criminal_case_id": pk, "offence_type": offence_type, "provision_id": provision,
                    "date_from": date_from,
                    "date_to": date_from + dt.timedelta(days=rng.randint(0, 200)) if rng.random() < 0.7 else None,
                    "recorded_on": recorded, "country": country, "region": "", "places": "",
                    "reporting_unit_id": unit,
                    "exploitation_types": [rng.choice(EXPLOITATION)] if offence_type == "tip" else [],
                    "recruitment_methods": [], "means_of_control": [],
                    "modus_operandi": self.encrypt(MODUS, Offence, "modus_operandi"),
                    "is_transnational": transnational, "countries_involved": involved, "created_by_id": None,
                    "created_at": at(recorded, rng),
                }
            )  # fmt: skip
            offences.append((offence_pk, offence_type))

        # Suspects, their charges and the decisions on them.
        any_charged = False
        last_decision: dt.date | None = None
        pending = False  # a defendant charged and not yet decided, or a decision under appeal
        appealed_pending = False
        persons_here: set[int] = set()
        for _n in range(weighted(rng, SUSPECTS_PER_CASE)):
            person, age = self.person(country, owner, opened)
            if person in persons_here:
                continue
            persons_here.add(person)
            suspect_pk = self.take("suspect")
            contact_on = day(rng, opened, 0, 60) if rng.random() < P_CONTACT else None
            if contact_on and contact_on > LAST_DAY:
                contact_on = None
            contact = weighted(rng, CONTACT) if contact_on else "suspected"
            prosecuted = convicted = sentenced = None
            if contact_on and rng.random() < P_CHARGED:
                first_charge = day(rng, contact_on, 30, 365)
                if first_charge <= LAST_DAY:
                    prosecuted = first_charge
            if prosecuted:
                any_charged = True
                self.stats["charged"] += 1
                convicted, sentenced, decided, under_appeal = self.charge_and_decide(
                    pk, suspect_pk, court, main_type, offences, provisions, prosecuted
                )
                if decided is None or under_appeal:
                    pending = True
                appealed_pending = appealed_pending or under_appeal
                if decided and (last_decision is None or decided > last_decision):
                    last_decision = decided
                if convicted:
                    self.stats["convicted"] += 1
            self.stats["suspects"] += 1
            self.suspects.add(
                {
                    "id": suspect_pk, "criminal_case_id": pk, "person_id": person,
                    "roles": [rng.choice(ROLES if main_type != "som" else ["smuggler", "transporter", "facilitator"])],
                    "age_at_offence": age if age is not None and rng.random() < 0.9 else None,
                    "contact_type": contact if contact_on else "", "formal_contact_on": contact_on,
                    "prosecuted_on": prosecuted, "convicted_on": convicted, "sentenced_on": sentenced,
                    "in_custody": contact == "arrested" and convicted is None and rng.random() < 0.5,
                    "created_by_id": None, "created_at": created, "updated_at": created, "version": 1,
                }
            )  # fmt: skip

        # The case's stage follows its defendants.
        closed_on = concluded = None
        if not any_charged:
            closing = day(rng, opened, 60, 700)
            if closing <= LAST_DAY and rng.random() < 0.6:
                stage, closed_on = "closed", closing
            else:
                stage = "investigation"
        elif last_decision is None:
            stage = "prosecution" if rng.random() < 0.5 else "trial"
            closed_on = day(rng, opened, 20, 200)
        elif pending:
            stage = "appeal" if appealed_pending else "trial"
        else:
            stage, concluded = "concluded", last_decision
        if closed_on and closed_on > LAST_DAY:
            closed_on = None
        if any_charged and closed_on is None:
            closed_on = min(opened + dt.timedelta(days=30), LAST_DAY)
        self.counters[(country, opened.year, "CC")] += 1
        reference = f"{country}-CC-{opened.year}-{self.counters[(country, opened.year, 'CC')]:06d}"
        self.stats[f"stage:{stage}"] += 1
        self.cases.add(
            {
                "id": pk, "owner_organization_id": owner, "country": country, "reference": reference,
                "file_number": f"IP {opened.year}/{pk % 100000:05d}",
                "title": f"{main_type.replace('_', ' ').capitalize()} investigation {pk} (bench)", "stage": stage,
                "investigating_unit_id": unit,
                "prosecution_office_id": office if any_charged or owner == office else None,
                "court_id": court if stage in ("trial", "appeal", "concluded") else None,
                "investigation_opened_on": opened, "investigation_closed_on": closed_on,
                "is_transnational": transnational, "countries_involved": involved,
                "facts": self.encrypt(FACTS, CriminalCase, "facts"), "brief_summary": "",
                "offence_type": main_type, "concluded_on": concluded, "created_by_id": None, "created_at": created,
                "updated_at": max(created, NOW - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))),
                "version": 1,
            }
        )  # fmt: skip
        return main_type

    def charge_and_decide(
        self, case: int, suspect: int, court: int, main_type: str, offences: list[tuple[int, str]],
        provisions: dict[str, list[tuple[int, str]]], prosecuted: dt.date,
    ) -> tuple[dt.date | None, dt.date | None, dt.date | None, bool]:  # fmt: skip
        """A defendant's charges (the first on the day of prosecution) and the decisions on each. Returns the
        first conviction still standing, the sentence date, the last decision's date and whether an appeal is
        pending."""
        rng = self.rng
        wanted = weighted(rng, CHARGES_PER_DEFENDANT)
        charged: list[tuple[int | None, str, int]] = []  # (offence, type, provision)
        seen: set[tuple[int, int | None]] = set()
        for n, (offence_pk, offence_type) in enumerate(offences[:wanted] if wanted > 1 else offences[:1]):
            provision = provisions[offence_type][0][0] if n == 0 else rng.choice(provisions[offence_type])[0]
            if (provision, offence_pk) not in seen:
                seen.add((provision, offence_pk))
                charged.append((offence_pk, offence_type, provision))
        decision_on = day(rng, prosecuted, 120, 900)
        decided = decision_on <= LAST_DAY
        convicts = decided and rng.random() < P_CONVICTED
        appealed = decided and rng.random() < P_APPEALED
        appeal_on = day(rng, decision_on, 150, 500) if appealed else None
        appeal_pending = bool(appealed and appeal_on and appeal_on > LAST_DAY)
        reversed_on_appeal = appealed and not appeal_pending and rng.random() < 0.15
        first_conviction: dt.date | None = None
        sentenced: dt.date | None = None
        last: dt.date | None = None
        for n, (offence_pk, offence_type, provision) in enumerate(charged):
            charge_pk = self.take("charge")
            charged_on = (
                prosecuted if n == 0 else min(day(rng, prosecuted, 0, 60), decision_on - dt.timedelta(1), LAST_DAY)
            )
            outcome = ""
            convicted_on = None
            convicted_type = ""
            if decided:
                if convicts and (n == 0 or rng.random() < 0.5):
                    outcome = "convicted_other" if rng.random() < 0.08 else "convicted"
                else:
                    outcome = "acquitted" if rng.random() < 0.7 else "dismissed"
                prison = rng.randint(12, 180) if outcome.startswith("convicted") else None
                lesser = rng.choice(provisions["document_fraud"])[0] if outcome == "convicted_other" else None
                first_pk = self.take("decision")
                self.decision(first_pk, case, charge_pk, suspect, court, "first_instance", None, decision_on,
                              outcome, lesser, prison, final=not appealed)  # fmt: skip
                standing = outcome
                standing_on = decision_on if outcome.startswith("convicted") else None
                last = decision_on
                if appealed and not appeal_pending:
                    assert appeal_on is not None
                    new = outcome
                    if reversed_on_appeal:
                        new = "acquitted" if outcome.startswith("convicted") else "convicted"
                    prison = rng.randint(12, 180) if new.startswith("convicted") else None
                    self.decision(self.take("decision"), case, charge_pk, suspect, court, "appeal", first_pk,
                                  appeal_on, new, lesser if new == "convicted_other" else None, prison,
                                  final=True)  # fmt: skip
                    if new.startswith("convicted") and not standing.startswith("convicted"):
                        standing_on = appeal_on  # convicted on appeal: the first conviction is the appeal's
                    elif not new.startswith("convicted"):
                        standing_on = None  # the conviction was quashed
                    standing = new
                    last = appeal_on
                outcome = standing
                if standing_on:
                    convicted_on = standing_on
                    convicted_type = "document_fraud" if standing == "convicted_other" else offence_type
                    if first_conviction is None or standing_on < first_conviction:
                        first_conviction = sentenced = standing_on
            self.charges.add(
                {
                    "id": charge_pk, "criminal_case_id": case, "suspect_id": suspect, "provision_id": provision,
                    "offence_id": offence_pk, "offence_type": offence_type, "charged_on": charged_on,
                    "withdrawn_on": None, "outcome": outcome, "convicted_on": convicted_on,
                    "convicted_type": convicted_type, "created_by_id": None, "created_at": at(charged_on, rng),
                }
            )  # fmt: skip
            self.stats["charges"] += 1
        return first_conviction, sentenced, last if decided else None, appeal_pending

    def decision(
        self, pk: int, case: int, charge: int, suspect: int, court: int, level: str, appeal_of: int | None,
        decided_on: dt.date, outcome: str, lesser: int | None, prison: int | None, *, final: bool,
    ) -> None:  # fmt: skip
        rng = self.rng
        convicted = outcome.startswith("convicted")
        self.decisions.add(
            {
                "id": pk, "criminal_case_id": case, "charge_id": charge, "suspect_id": suspect, "level": level,
                "appeal_of_id": appeal_of, "court_id": court, "court_name": "", "decided_on": decided_on,
                "outcome": outcome, "convicted_provision_id": lesser, "prison_months": prison,
                "prison_suspended": bool(convicted and rng.random() < 0.2),
                "fine_amount": rng.randint(1, 500) * 100 if convicted and rng.random() < 0.4 else None,
                "currency": "", "confiscated_assets_value": None, "confiscated_assets": "",
                "compensation_ordered": rng.randint(1, 100) * 500 if convicted and rng.random() < 0.15 else None,
                "is_final": final and decided_on < LAST_DAY - dt.timedelta(days=60), "created_by_id": None,
                "created_at": at(decided_on, rng),
            }
        )  # fmt: skip
        self.stats["decisions"] += 1


def incidents(
    count: int, organizations: dict[str, dict[str, list[int]]], som_cases: dict[str, list[int]], rng: random.Random,
    counters: dict[tuple[str, int, str], int],
) -> tuple[int, int]:  # fmt: skip
    """Smuggling of migrants incidents with their migrants counted; a fifth linked to a SOM case of the country."""
    writer, counted = Writer(SmugglingIncident), Writer(IncidentMigrants)
    pk, count_pk = next_id(SmugglingIncident), next_id(IncidentMigrants)
    countries = [c for c in INCIDENT_SHARE if c in organizations]
    span = (LAST_DAY - FIRST_DAY).days
    for n in range(count):
        country = rng.choices(countries, weights=[INCIDENT_SHARE[c] for c in countries])[0]
        occurred = FIRST_DAY + dt.timedelta(days=min(span, int(span * n / count) + rng.randint(0, 10)))
        location = weighted(rng, LOCATIONS)
        total = rng.randint(2, 40) if location != "sea" else rng.randint(10, 120)
        dead = rng.randint(1, max(1, total // 5)) if rng.random() < 0.12 else 0
        missing = rng.randint(1, max(1, total // 4)) if location == "sea" and rng.random() < 0.3 else 0
        injured = rng.randint(1, max(1, total // 3)) if rng.random() < 0.2 else 0
        survivors = total - dead - missing
        aggravating = (["death"] if dead else []) + (["danger_to_life"] if location in ("sea", "desert") else [])
        origins = rng.sample(ORIGINS, k=rng.randint(1, 3))
        counters[(country, occurred.year, "SI")] += 1
        linked = som_cases.get(country)
        created = at(occurred, rng)
        writer.add(
            {
                "id": pk, "owner_organization_id": rng.choice(organizations[country]["police"]), "country": country,
                "reference": f"{country}-SI-{occurred.year}-{counters[(country, occurred.year, 'SI')]:06d}",
                "occurred_on": occurred, "location_type": location, "incident_country": country, "region": "",
                "place": "", "latitude": None, "longitude": None, "route": "", "origin_countries": origins,
                "transit_countries": [], "destination_country": "", "transport_mode": TRANSPORT.get(location, "mixed"),
                "migrants_total": total, "dead": dead, "missing": missing, "injured": injured,
                "survivors": survivors, "aggravating_circumstances": aggravating,
                "fee_per_migrant": rng.randint(2, 60) * 50 if rng.random() < 0.5 else None,
                "fee_currency": "USD", "information_source": "", "created_by_id": None,
                "criminal_case_id": rng.choice(linked) if linked and rng.random() < 0.2 else None,
                "created_at": created, "updated_at": created, "version": 1,
            }
        )  # fmt: skip
        # The migrants by sex and age group (and the first citizenship): at most four rows, summing to the total.
        groups = [("male", "adult"), ("female", "adult"), ("male", "child"), ("female", "child")]
        weights = [60, 25, 10, 5]
        split = Counter(rng.choices(range(4), weights=weights, k=total))
        for index, number in sorted(split.items()):
            sex, age_group = groups[index]
            counted.add(
                {"id": count_pk, "incident_id": pk, "sex": sex, "age_group": age_group, "citizenship": origins[0],
                 "count": number}
            )  # fmt: skip
            count_pk += 1
        pk += 1
        if len(writer.rows) >= BATCH:
            writer.flush()
            counted.flush()
    writer.flush()
    counted.flush()
    return writer.count, counted.count


def generate(scale: int, fixture_path: Path) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, reproducible on purpose)
    crypto.keyring_init()
    countries = [c["code"] for c in demo_config()["countries"] if c["code"] in COUNTRY_SHARE]
    organizations = setup_organizations(demo_config()["countries"])
    provisions = setup_provisions(countries)
    showcase = "BR"
    users = setup_users(organizations, showcase)
    print(f"organizations, provisions and users: {time.monotonic() - started:.1f}s", flush=True)

    generator = Generator(scale, rng)
    span = (LAST_DAY - FIRST_DAY).days
    expected_cases = max(1, int(scale / 2.5))
    som_cases: dict[str, list[int]] = defaultdict(list)
    offences = 0
    n = 0
    weights = [COUNTRY_SHARE[c] for c in countries]
    while offences < scale:
        country = rng.choices(countries, weights=weights)[0]
        opened = FIRST_DAY + dt.timedelta(days=min(span, int(span * n / expected_cases) + rng.randint(0, 15)))
        count = min(weighted(rng, OFFENCES_PER_CASE), scale - offences)
        case_pk = generator.ids["case"]
        main_type = generator.criminal_case(country, organizations[country], provisions[country], opened, count)
        offences += count
        n += 1
        if main_type == "som" and len(som_cases[country]) < 2000 and rng.random() < 0.2:
            som_cases[country].append(case_pk)
        if n % 100_000 == 0:
            print(f"  {n:>9,} cases, {offences:,} offences ({time.monotonic() - started:.0f}s)", flush=True)
        if len(generator.cases.rows) >= BATCH:
            generator.flush()
    generator.flush()
    incident_count, migrant_rows = incidents(
        max(1, scale // 50),
        organizations,
        som_cases,
        random.Random(SEED + 1),  # noqa: S311
        generator.counters,
    )
    with transaction.atomic():
        for (country, year, kind), last in generator.counters.items():
            NumberCounter.objects.update_or_create(country=country, year=year, kind=kind, defaults={"last": last})
    finish(started)
    stats = generator.stats
    fixture = {
        "scale": scale,
        "backend": connection.vendor,
        "country": showcase,
        "users": users,
        "organizations": {c: dict(kinds) for c, kinds in organizations.items()},
        "rows": {
            "criminal cases": generator.cases.count,
            "offences": generator.offences.count,
            "persons": generator.persons.count,
            "suspects": generator.suspects.count,
            "charges": generator.charges.count,
            "court decisions": generator.decisions.count,
            "smuggling incidents": incident_count,
            "incident migrant counts": migrant_rows,
        },  # fmt: skip
        "attrition": {
            "suspects": stats["suspects"],
            "charged": stats["charged"],
            "convicted": stats["convicted"],
            "stages": {k.split(":", 1)[1]: v for k, v in sorted(stats.items()) if k.startswith("stage:")},
        },  # fmt: skip
        "seconds": round(time.monotonic() - started, 1),
    }
    fixture_path.parent.mkdir(parents=True, exist_ok=True)
    fixture_path.write_text(json.dumps(fixture, indent=2))
    print(f"done: {fixture['rows']} {fixture['attrition']} in {fixture['seconds']}s -> {fixture_path}", flush=True)


def finish(started: float) -> None:
    """Sequences past the explicit ids, then statistics for the planner."""
    models = (Person, CriminalCase, Offence, Suspect, Charge, CourtDecision, SmugglingIncident, IncidentMigrants)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in models:
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
    parser.add_argument("--scale", type=int, default=1_000_000, help="offences (cases: about a 2.5th)")
    parser.add_argument("--fixture", type=Path, required=True)
    args = parser.parse_args()
    if CriminalCase.objects.exists():
        sys.exit("The bench database already holds criminal cases: start from an empty, migrated database.")
    generate(args.scale, args.fixture)


if __name__ == "__main__":
    main()
