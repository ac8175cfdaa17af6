"""The programme benchmark's data (issue 16): 13 countries over 5 years, activities with rosters, participants
reused across activities, and the victim facts the impact view and the results framework count.

At --scale 1 (the issue's volumes): 100,000 activities (2021 to 2025), 2,000,000 attendances on rosters of about
1,200,000 distinct participants (a participant comes back to later activities of the country, mostly in the same
region), and 1,000,000 victim facts (`stats.VictimFact`, January 2020 to October 2026) with their organization,
region, identification date and the user who identified them. `--scale 0.01` is a quick check.

- **Organizations:** the case benchmark's national bodies (`generate_cases.setup_organizations`, through the
  services: coordination, NGO, shelter, police, labour inspection, child protection per country) own the
  activities; in bulk, four local organizations in each first-level ISO 3166-2 region of each country (police,
  child protection, labour inspection, NGO: 33 regions in Colombia), 10 staff users each (bulk, no password).
  The victims are identified by the local organizations (35 / 25 / 15 / 25 %), by one of their staff.
- **Users through the services:** in Colombia (the showcase country) an M&E officer and a national coordinator
  (national scope), an implementing partner (its NGO), and a programme manager (global scope).
- **Activities** in bulk: types led by trainings and workshops, pillars by type, one or two regions, an owner
  among the national bodies; a roster on 90 % of trainings, workshops, meetings, conferences and study visits
  (about 25 seats each), aggregate counts (women, men, by sector) on the others.
- **Participants:** a seat goes to a new participant with probability 0.6, otherwise to a participant of the
  country already on a roster (70 % of the same region). Names from the demo's name lists, encrypted as
  EncryptedTextField stores them (`generate_cases.Encryptor`), with the registry's name keys
  (`people.keys.name_keys`) in `key_exact`/`key_latin`; sector, sex, region, the local organization of the sector
  (police, labour inspection, child protection, NGO) or its name outside tipsom; 30 % of those in a local
  organization are linked to one of its staff users (the roster linked to user accounts).
- **The planted effect** (the showcase group): ten trainings of family defenders in ten of Colombia's regions,
  staggered from February 2023 to October 2024, each attended by the family defenders of the region's child
  protection office. Facts are drawn per organization and month (Poisson, with a common trend and seasonality and a
  weight per region and organization); from a trained office's training month on its rate is multiplied by
  EFFECT (1.5). The extra identifications drawn are kept per unit and month in the fixture, so the runner compares
  the impact view's estimate with what was planted.
- The victims cube is rebuilt from the facts (`stats.facts.cube.cube_rebuild`), and every kind of fact is marked
  up to date (its watermark at the newest audit event: the facts were written in bulk, not from cases).

    TIPSOM_DATABASE_URL=... TIPSOM_KEYRING_FILE=... python bench/generate_programme.py --scale 1 \
        --fixture /tmp/bench_programme/postgresql/fixture.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import secrets
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")

import django  # noqa: E402

django.setup()

import generate_cases  # noqa: E402  (the bulk writer, the encryptor, the name pools, the national bodies)
import generate_work  # noqa: E402  (the memoized blind index, the index drop and restore)
import numpy as np  # noqa: E402
import pycountry  # noqa: E402
from django.db import connection  # noqa: E402

from tipsom import programme  # noqa: E402
from tipsom.accounts.models import Role, User  # noqa: E402
from tipsom.accounts.services import user_create  # noqa: E402
from tipsom.audit.models import AuditEvent  # noqa: E402
from tipsom.core import crypto  # noqa: E402
from tipsom.demo.services import demo_config  # noqa: E402
from tipsom.organizations.models import Organization  # noqa: E402
from tipsom.people.keys import name_keys  # noqa: E402
from tipsom.programme.models import (  # noqa: E402
    Activity,
    Attendance,
    Indicator,
    IndicatorBaseline,
    IndicatorPeriod,
    Participant,
    ResultNode,
)
from tipsom.programme.testing import make_grant  # noqa: E402
from tipsom.stats.facts import engine  # noqa: E402
from tipsom.stats.facts.cube import cube_rebuild  # noqa: E402
from tipsom.stats.facts.victims import age_band  # noqa: E402
from tipsom.stats.models import FactState, VictimFact  # noqa: E402

SEED = 16
BATCH = 20_000
SHOWCASE = "CO"
FIRST_ACTIVITY, LAST_ACTIVITY = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
FIRST_MONTH, MONTHS = (2020, 1), 82  # facts from January 2020 to October 2026
EFFECT = 1.5  # the trained child protection office's rate after its training, times its own before
GROUP_SIZE = 10
STAFF_PER_ORGANIZATION = 10
NEW_PARTICIPANT = 0.6
SAME_REGION = 0.7
LINKED_TO_USER = 0.3
# Local organizations in each region: (kind in the demo's organization kinds, share of the region's victims).
LOCAL_KINDS = {"police": 0.35, "child": 0.25, "labour": 0.15, "ngo": 0.25}
KINDS = [
    ("training", 40), ("workshop", 20), ("meeting", 9), ("conference", 4), ("campaign", 8),
    ("technical_assistance", 8), ("legislative_review", 3), ("study_visit", 3), ("equipment", 5),
]  # fmt: skip
ROSTER_KINDS = {"training", "workshop", "meeting", "conference", "study_visit"}
PILLARS = {
    "training": [3, 3, 3, 5, 6], "workshop": [3, 3, 5, 6, 1], "meeting": [4, 4, 1], "conference": [4, 1],
    "campaign": [1, 5, 6], "technical_assistance": [1, 2, 5], "legislative_review": [2], "study_visit": [4, 3],
    "equipment": [3, 5],
}  # fmt: skip
FOUR_PS = ["prevention", "protection", "prosecution", "partnership"]
TOPICS = ["tip", "som", "identification", "referral", "child_victims", "investigation", "prosecution",
          "forced_labour", "sexual_exploitation", "gender", "data", "cooperation"]  # fmt: skip
CHANNELS = ["television", "radio", "print", "social_media", "outdoor", "events", "schools", "leaflets"]
SECTORS = [
    ("police", 20), ("prosecutors", 8), ("judges", 5), ("labour_inspectors", 8), ("social_workers", 12),
    ("psychologists", 4), ("health", 6), ("education", 6), ("border_immigration", 7), ("child_protection", 6),
    ("family_defenders", 4), ("civil_society", 8), ("media", 2), ("government", 3), ("academia", 1),
]  # fmt: skip
SECTOR_KIND = {
    "police": "police", "border_immigration": "police", "labour_inspectors": "labour", "social_workers": "child",
    "psychologists": "child", "child_protection": "child", "family_defenders": "child", "civil_society": "ngo",
}  # fmt: skip
EXPLOITATION = [
    ("ForcedLabour", "labour", 35), ("SexualExploitation", "sexual", 30), ("ForcedCriminality", "criminal", 8),
    ("ForcedBegging", "begging", 6), ("ForcedMarriage", "marriage", 5), ("Servitude", "other", 6),
    ("OrganRemoval", "organs", 1),
]  # fmt: skip


def regions_of(country: str) -> list[str]:
    """The country's first-level ISO 3166-2 subdivisions (as the referral benchmark's)."""
    return sorted(s.code for s in pycountry.subdivisions.get(country_code=country) if s.parent_code is None)


def month_of(index: int) -> tuple[int, int]:
    year, month = divmod(FIRST_MONTH[1] - 1 + index, 12)
    return FIRST_MONTH[0] + year, month + 1


def season_factor(month: int) -> float:
    """Every organization's rate in month `month` (from January 2020) times this: a season and a slow rise."""
    return 1 + 0.12 * math.sin(2 * math.pi * month / 12) + 0.004 * month


def month_index(day: dt.date) -> int:
    return (day.year - FIRST_MONTH[0]) * 12 + day.month - FIRST_MONTH[1]


def next_id(model: Any) -> int:
    return 1 + (model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0)


def setup_users(national: dict[str, dict[str, Organization]]) -> dict[str, dict[str, Any]]:
    roles = {role.slug: role for role in Role.objects.all()}
    specs = {
        "me_officer": ("coordination", "me_officer"),
        "national_coordinator": ("coordination", "national_coordinator"),
        "implementing_partner": ("ngo", "implementing_partner"),
        "programme_manager": ("coordination", "programme_manager"),
    }
    users = {}
    for label, (kind, role) in specs.items():
        organization = national[SHOWCASE][kind]
        username = f"bench.programme.{label}"
        user = User.objects.filter(username=username).first() or user_create(
            actor=None,
            username=username,
            full_name=f"Bench {label.replace('_', ' ')}",
            password=secrets.token_urlsafe(24),
            organization=organization,
            roles=[roles[role]],
        )
        users[label] = {"id": user.pk, "username": username, "organization": organization.pk}
    return users


def local_organizations(
    countries: list[dict[str, Any]], rng: random.Random
) -> tuple[dict[tuple[str, str, str], int], dict[int, dict[str, Any]], dict[int, list[int]]]:
    """Four organizations in each region, and their staff: ({(country, region, kind): id}, {id: facts},
    {id: staff user ids})."""
    kinds = {kind["key"]: kind for kind in demo_config()["organization_kinds"]}
    orgs, users = generate_cases.Writer(Organization), generate_cases.Writer(User)
    org_id, user_id = next_id(Organization), next_id(User)
    local: dict[tuple[str, str, str], int] = {}
    info: dict[int, dict[str, Any]] = {}
    staff: dict[int, list[int]] = {}
    now = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    for country in countries:
        code = country["code"]
        for region in regions_of(code):
            region_weight = rng.gammavariate(3.0, 1 / 3.0)
            for kind, share in LOCAL_KINDS.items():
                spec, demo_kind = country["organizations"][kind], kinds[kind]
                org_type = spec.get("type", demo_kind["type"])
                orgs.add(
                    {
                        "id": org_id, "name": f"{spec['name']} {region} (bench)",
                        "code": f"bench-prog-{region.lower()}-{kind}", "type": org_type,
                        "functions": demo_kind["functions"], "country": code, "region": region, "city": "",
                        "street_address": "", "postal_code": "", "phone": "", "email": "", "website": "",
                        "is_active": True, "created_at": now, "updated_at": now, "version": 1,
                    }
                )  # fmt: skip
                local[(code, region, kind)] = org_id
                info[org_id] = {
                    "country": code, "region": region, "kind": kind, "type": org_type,
                    "weight": region_weight * share * rng.gammavariate(4.0, 0.25),
                }  # fmt: skip
                staff[org_id] = []
                for n in range(STAFF_PER_ORGANIZATION):
                    users.add(
                        {
                            "id": user_id, "password": "!", "last_login": None,
                            "username": f"bench.prog.{org_id}.{n}", "full_name": f"Staff {n} {region} {kind}",
                            "email": "", "phone": "", "organization_id": org_id, "is_active": True,
                            "preferred_language": "", "date_joined": now,
                        }
                    )  # fmt: skip
                    staff[org_id].append(user_id)
                    user_id += 1
                org_id += 1
    orgs.flush()
    users.flush()
    return local, info, staff


def showcase_group(local: dict[tuple[str, str, str], int], rng: random.Random) -> list[dict[str, Any]]:
    """Ten trainings of family defenders in ten of Colombia's regions, staggered from February 2023."""
    regions = sorted(rng.sample(regions_of(SHOWCASE), GROUP_SIZE))
    group = []
    for n, region in enumerate(regions):
        start = dt.date(2023, 2, 6) + dt.timedelta(days=round(n * 600 / (GROUP_SIZE - 1)))
        group.append(
            {"region": region, "start": start, "month": month_index(start),
             "organization": local[(SHOWCASE, region, "child")]}
        )  # fmt: skip
    return group


def facts(
    scale: float,
    info: dict[int, dict[str, Any]],
    staff: dict[int, list[int]],
    group: list[dict[str, Any]],
    seed: int,
) -> dict[str, Any]:
    """The victim facts, per organization and month; the planted effect on the group's offices."""
    started = time.monotonic()
    nprng = np.random.default_rng(seed)
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible on purpose)
    target = 1_000_000 * scale
    season = [season_factor(m) for m in range(MONTHS)]
    # Countries equal: each organization's weight normalised within its country.
    by_country: dict[str, float] = defaultdict(float)
    for o in info.values():
        by_country[o["country"]] += o["weight"]
    per_country = target / len(by_country) / sum(season)
    rate = {pk: per_country * o["weight"] / by_country[o["country"]] for pk, o in info.items()}
    treated = {g["organization"]: g["month"] for g in group}
    writer = generate_cases.Writer(VictimFact)
    pk = next_id(VictimFact)
    extra: dict[str, list[int]] = {}
    forms = [e for e in EXPLOITATION]
    form_weights = [e[2] for e in EXPLOITATION]
    countries = sorted(by_country)
    for org_id, o in info.items():
        base = nprng.poisson([rate[org_id] * s for s in season])
        added = np.zeros(MONTHS, dtype=int)
        if org_id in treated:
            after = np.arange(MONTHS) >= treated[org_id]
            added = nprng.poisson([rate[org_id] * s * (EFFECT - 1) for s in season]) * after
            extra[str(org_id)] = [int(x) for x in added]
        for m in range(MONTHS):
            year, month = month_of(m)
            days = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.date(year, month, 1)).days
            for _ in range(int(base[m] + added[m])):
                identified = dt.date(year, month, rng.randint(1, days))
                is_child = rng.random() < 0.3
                age = rng.randint(5, 17) if is_child else rng.randint(18, 55)
                code, form, _w = rng.choices(forms, weights=form_weights)[0]
                sex = "F" if rng.random() < 0.62 else ("M" if rng.random() < 0.97 else "U")
                citizenship = o["country"] if rng.random() < 0.65 else rng.choice(countries)
                writer.add(
                    {
                        "id": pk, "country": o["country"], "organization_id": org_id, "organization_type": o["type"],
                        "year": year, "source_id": pk, "person_cluster": pk, "counted": True,
                        "identified_on": identified, "case_type": "tip" if rng.random() < 0.85 else "both",
                        "trafficking_status": "ActualVictimOfTrafficking" if rng.random() < 0.45
                        else "PossibleVictimOfTrafficking",
                        "case_status": "Closed" if rng.random() < 0.5 else "Active", "sex": sex, "age": age,
                        "age_band": age_band(age), "is_child": is_child, "child_at_exploitation": is_child,
                        "citizenship": citizenship, "origin_country": citizenship,
                        "exploitation_country": o["country"], "region": o["region"], "exploitation_form": form,
                        "exploitation_types": [code], "industries": [], "sex_exploitation_types": [],
                        "means_of_control": [], "recruiter_relations": [], "exploitation_months": rng.randint(1, 24),
                        "data_source": "case_management", "referrals": rng.randint(0, 3), "referrals_accepted": 0,
                        "identified_by": rng.choice(staff[org_id]),
                    }
                )  # fmt: skip
                pk += 1
                if len(writer.rows) >= BATCH:
                    writer.flush()
    writer.flush()
    print(f"  {writer.count:,} victim facts in {time.monotonic() - started:.0f}s", flush=True)
    return {"rows": writer.count, "extra_by_organization_month": extra, "rate": {str(k): rate[k] for k in treated}}


class Rosters:
    """Activities, participants and attendances, written in bulk in that order (each batch's foreign keys are
    committed before the rows that refer to them)."""

    def __init__(
        self, countries: list[dict[str, Any]], local: dict[tuple[str, str, str], int],
        staff: dict[int, list[int]], seed: int,
    ) -> None:  # fmt: skip
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible on purpose)
        self.encrypt = generate_cases.Encryptor()
        self.pools = generate_cases.name_pools(countries)
        self.keys: dict[str, Any] = {}
        self.local = local
        self.free_staff = {pk: list(users) for pk, users in staff.items()}
        self.activities = generate_cases.Writer(Activity)
        self.participants = generate_cases.Writer(Participant)
        self.attendances = generate_cases.Writer(Attendance)
        self.implementing = generate_cases.Writer(Activity.implementing_organizations.through)
        self.activity_id, self.participant_id = next_id(Activity), next_id(Participant)
        self.attendance_id = next_id(Attendance)
        self.link_id = next_id(Activity.implementing_organizations.through)
        self.by_region: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_country: dict[str, list[int]] = defaultdict(list)
        self.references: dict[str, int] = defaultdict(int)
        self.sector_names = [s for s, _w in SECTORS]
        self.sector_weights = [w for _s, w in SECTORS]

    def participant(self, country: str, region: str, sector: str | None = None) -> int:
        rng = self.rng
        sector = sector or rng.choices(self.sector_names, weights=self.sector_weights)[0]
        full_name = rng.choice(self.pools[country])
        keys = self.keys.get(full_name)
        if keys is None:
            keys = self.keys[full_name] = name_keys(full_name)
        kind = SECTOR_KIND.get(sector)
        organization = self.local.get((country, region, kind)) if kind else None
        user = None
        if organization is not None and self.free_staff[organization] and rng.random() < LINKED_TO_USER:
            user = self.free_staff[organization].pop()
        pk = self.participant_id
        self.participant_id += 1
        now = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
        self.participants.add(
            {
                "id": pk, "country": country, "name": self.encrypt(full_name, Participant, "name"),
                "name_latin": self.encrypt(keys.latin, Participant, "name_latin"),
                "key_exact": keys.key_exact, "key_latin": keys.key_latin,
                "sex": "female" if rng.random() < 0.55 else ("male" if rng.random() < 0.97 else "unknown"),
                "sector": sector, "organization_id": organization,
                "organization_name": "" if organization else f"{sector.replace('_', ' ').title()} {region}",
                "region": region, "user_id": user, "created_by_id": None, "created_at": now, "updated_at": now,
                "version": 1,
            }
        )  # fmt: skip
        self.by_region[(country, region)].append(pk)
        self.by_country[country].append(pk)
        return pk

    def activity(
        self, country: str, kind: str, start: dt.date, regions: list[str], owner: int, seats: int,
        title: str, sectors: list[str] | None = None, topics: list[str] | None = None, implementing: bool = True,
    ) -> int:  # fmt: skip
        rng = self.rng
        pk = self.activity_id
        self.activity_id += 1
        self.references[country] += 1
        days = rng.choice([0, 1, 1, 2, 2, 4]) if kind != "campaign" else rng.randint(14, 90)
        created = dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)
        budget = round(rng.uniform(2_000, 80_000), 2)
        row: dict[str, Any] = {
            "id": pk, "owner_organization_id": owner, "country": country,
            "reference": f"{country}-ACT-{self.references[country]:06d}", "kind": kind, "title": title,
            "description": "", "pillar": rng.choice(PILLARS[kind]), "four_ps": rng.sample(FOUR_PS, rng.randint(1, 2)),
            "start_date": start, "end_date": start + dt.timedelta(days=days), "regions": regions, "places": "",
            "partners": rng.choice(["UNODC", "UNODC, IOM", "UNODC, UNICEF", ""]),
            "topics": topics or rng.sample(TOPICS, rng.randint(1, 3)),
            "target_groups": sectors or rng.sample(self.sector_names, rng.randint(1, 3)), "currency": "USD",
            "budget": budget, "cost": round(budget * rng.uniform(0.7, 1.05), 2),
            "participants_total": None, "participants_women": None, "participants_men": None,
            "participants_by_sector": {}, "channels": [], "people_reached": None, "materials": "",
            "materials_count": None, "countries": [], "agreements": "", "created_by_id": None,
            "created_at": created, "updated_at": created, "version": 1,
        }  # fmt: skip
        if kind == "campaign":
            row["channels"] = rng.sample(CHANNELS, rng.randint(1, 4))
            row["people_reached"] = rng.randint(1_000, 500_000)
            row["materials_count"] = rng.randint(0, 20_000)
        if kind in ("meeting", "conference", "study_visit"):
            row["countries"] = sorted({country, *rng.sample(sorted(self.pools), rng.randint(0, 3))})
        if seats == 0 and kind not in ("campaign", "legislative_review", "equipment"):
            total = rng.randint(8, 80)
            women = rng.randint(0, total)
            row.update(participants_total=total, participants_women=women, participants_men=total - women)
            row["participants_by_sector"] = {rng.choice(self.sector_names): total}
        self.activities.add(row)
        if implementing and rng.random() < 0.3:
            self.implementing.add({"id": self.link_id, "activity_id": pk, "organization_id": owner})
            self.link_id += 1
        return pk

    def roster(self, activity: int, country: str, region: str, seats: int, end: dt.date) -> None:
        rng = self.rng
        taken: set[int] = set()
        for _ in range(seats):
            pk = None
            if rng.random() >= NEW_PARTICIPANT:
                pool = self.by_region[(country, region)] if rng.random() < SAME_REGION else self.by_country[country]
                if pool:
                    candidate = pool[rng.randrange(len(pool))]
                    if candidate not in taken:
                        pk = candidate
            if pk is None:
                pk = self.participant(country, region)
            taken.add(pk)
            self.seat(activity, pk, end)

    def seat(self, activity: int, participant: int, end: dt.date) -> None:
        rng = self.rng
        pre = round(rng.uniform(20, 80), 2)
        created = dt.datetime.combine(end, dt.time(17), tzinfo=dt.UTC)
        self.attendances.add(
            {
                "id": self.attendance_id, "activity_id": activity, "participant_id": participant,
                "pre_score": pre, "post_score": min(100.0, round(pre + rng.uniform(-5, 30), 2)),
                "post_test_on": end, "satisfaction": rng.randint(2, 5),
                "attendance_percent": rng.choice([80, 100, 100]),
                "certificate_number": "", "certified_on": None, "created_by_id": None, "created_at": created,
                "updated_at": created,
            }
        )  # fmt: skip
        self.attendance_id += 1

    def flush(self, force: bool = False) -> None:
        if force or len(self.attendances.rows) >= BATCH:
            for writer in (self.activities, self.participants, self.attendances, self.implementing):
                writer.flush()


def framework(codes: list[str], rng: random.Random) -> dict[str, int]:
    """The demo's results framework (its results and indicators, from programme/data/demo_programme.json), a
    baseline for every country and a period for every country and year of the activities: computed indicators'
    periods open (computed when read, as the benchmark measures), entered ones approved and locked up to 2024."""
    spec = json.loads((Path(programme.__file__).parent / "data" / "demo_programme.json").read_text())["framework"]
    nodes: dict[str, ResultNode] = {}
    for position, node in enumerate(spec["nodes"]):
        nodes[node["code"]] = ResultNode.objects.create(
            code=node["code"], level=node["level"], title=node["title"], pillar=node.get("pillar"),
            parent=nodes.get(node.get("parent", "")), position=position,
        )  # fmt: skip
    baselines, periods = [], []
    for position, item in enumerate(spec["indicators"]):
        indicator = Indicator.objects.create(
            node=nodes[item["node"]], code=item["code"], title=item["title"], source=item["source"],
            source_key=item.get("source_key", ""), unit=item.get("unit", ""), measure=item.get("measure", "1"),
            numerator_label=item.get("numerator_label", ""), denominator_label=item.get("denominator_label", ""),
            factor=item.get("factor", 1), disaggregations=item.get("disaggregations", []), position=position,
        )  # fmt: skip
        low, high = item.get("baseline", [0, 0])
        for code in codes:
            baseline = rng.uniform(low, high)
            baselines.append(IndicatorBaseline(indicator=indicator, country=code, year=2020, value=round(baseline, 2)))
            for year in range(FIRST_ACTIVITY.year, LAST_ACTIVITY.year + 1):
                target_low, target_high = item.get("target", [baseline * 1.1, baseline * 1.5 + 1])
                entered = item["source"] == "manual"
                approved = entered and year < 2025
                periods.append(
                    IndicatorPeriod(
                        indicator=indicator, country=code, period_start=dt.date(year, 1, 1),
                        period_end=dt.date(year, 12, 31), target=round(rng.uniform(target_low, target_high), 2),
                        numerator=rng.randint(0, 3) if entered else None, actual=rng.randint(0, 3) if entered else None,
                        status="approved" if approved else ("submitted" if entered else "draft"), locked=approved,
                    )
                )  # fmt: skip
    IndicatorBaseline.objects.bulk_create(baselines)
    IndicatorPeriod.objects.bulk_create(periods, batch_size=2_000)
    return {"results": len(nodes), "indicators": len(spec["indicators"]), "periods": len(periods)}


def grants(national: dict[str, dict[str, Organization]], rng: random.Random) -> int:
    """Grants of the coordination to the NGO and the shelter of every country, four a year (programme.testing)."""
    made = 0
    for bodies in national.values():
        for year in range(FIRST_ACTIVITY.year, LAST_ACTIVITY.year + 1):
            for n in range(4):
                make_grant(
                    bodies["coordination"], bodies["ngo" if n % 2 else "shelter"],
                    title=f"Direct assistance {year}-{n}",
                    amount=Decimal(rng.randrange(20_000, 120_000, 1_000)), start_date=dt.date(year, 1 + 3 * n, 1),
                    end_date=dt.date(year + 1, 3 * n + 1, 1) - dt.timedelta(days=1),
                )  # fmt: skip
                made += 1
    return made


def generate(scale: float, fixture_path: Path) -> None:
    started = time.monotonic()
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, reproducible on purpose)
    crypto.keyring_init()
    generate_work.memoize_blind_index()
    countries = demo_config()["countries"]
    national = generate_cases.setup_organizations(countries)
    users = setup_users(national)
    local, info, staff = local_organizations(countries, rng)
    print(f"organizations and users: {len(info)} local, {time.monotonic() - started:.0f}s", flush=True)

    restore = []
    for model in (VictimFact, Participant, Attendance):
        restore += generate_work.key_indexes_drop(model)
    group = showcase_group(local, rng)
    fact_summary = facts(scale, info, staff, group, SEED + 1)

    # --- Activities, rosters --------------------------------------------------------------------------------------
    rosters = Rosters(countries, local, staff, SEED + 2)
    codes = [c["code"] for c in countries]
    regions = {code: regions_of(code) for code in codes}
    # Ten of the showcase country's regions (not the group's) no activity ever reaches: the comparison units.
    group_regions = {g["region"] for g in group}
    untrained = sorted(rng.sample([r for r in regions[SHOWCASE] if r not in group_regions], GROUP_SIZE))
    regions[SHOWCASE] = [r for r in regions[SHOWCASE] if r not in untrained]
    group_ids = []
    owner = national[SHOWCASE]["coordination"].pk
    for g in group:
        pk = rosters.activity(
            SHOWCASE, "training", g["start"], [g["region"]], owner, 30,
            f"Family defenders: identifying child victims ({g['region']})", ["family_defenders"],
            ["identification", "child_victims"], implementing=False,
        )  # fmt: skip
        # The region's family defenders, from its child protection office (most linked to their user account).
        end = g["start"] + dt.timedelta(days=1)
        office = g["organization"]
        for n in range(rng.randint(25, 40)):
            participant = rosters.participant(SHOWCASE, g["region"], "family_defenders")
            if n == 0:  # the office's first staff user is certainly on the roster
                rosters.participants.rows[-1] = tuple(
                    (staff[office][0] if c == "user_id" else v)
                    for c, v in zip(rosters.participants.columns, rosters.participants.rows[-1], strict=True)
                )
                if staff[office][0] in rosters.free_staff[office]:
                    rosters.free_staff[office].remove(staff[office][0])
            rosters.seat(pk, participant, end)
        group_ids.append(pk)
    rosters.flush(force=True)

    n_activities = max(GROUP_SIZE, round(100_000 * scale)) - GROUP_SIZE
    kind_names, kind_weights = [k for k, _w in KINDS], [w for _k, w in KINDS]
    roster_share = sum(w for k, w in KINDS if k in ROSTER_KINDS) / sum(kind_weights) * 0.9
    mean_seats = 2_000_000 * scale / max(1, n_activities * roster_share)
    span = (LAST_ACTIVITY - FIRST_ACTIVITY).days
    owners = {code: [national[code][k].pk for k in ("coordination", "coordination", "ngo", "police", "child")]
              for code in codes}  # fmt: skip
    for i in range(n_activities):
        country = rng.choice(codes)
        kind = rng.choices(kind_names, weights=kind_weights)[0]
        start = FIRST_ACTIVITY + dt.timedelta(days=rng.randint(0, span))
        where = rng.sample(regions[country], k=min(len(regions[country]), rng.choice([1, 1, 1, 2])))
        seats = 0
        if kind in ROSTER_KINDS and rng.random() < 0.9:
            seats = max(3, round(rng.uniform(0.4, 1.6) * mean_seats))
        pk = rosters.activity(
            country, kind, start, where, rng.choice(owners[country]), seats, f"{kind.replace('_', ' ').title()} {i}"
        )
        if seats:
            rosters.roster(pk, country, where[0], seats, start + dt.timedelta(days=1))
        rosters.flush()
        if (i + 1) % 10_000 == 0:
            print(
                f"  {i + 1:>7,} activities, {rosters.attendances.count:,} attendances "
                f"({time.monotonic() - started:.0f}s)",
                flush=True,
            )
    rosters.flush(force=True)
    generate_work.key_indexes_restore(restore)
    print(f"activities and rosters: {time.monotonic() - started:.0f}s; the cube", flush=True)

    framework_rows = framework(codes, rng)
    framework_rows["grants"] = grants(national, rng)
    cube_rows = cube_rebuild()
    newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for fact_kind in engine.kinds():  # the facts were written in bulk: every kind up to date with the audit log
        FactState.objects.update_or_create(kind=fact_kind.name, defaults={"watermark": newest})
    finish(started)
    fixture = {
        "scale": scale,
        "backend": connection.vendor,
        "country": SHOWCASE,
        "users": users,
        "local_organizations": len(info),
        "group": {
            "activities": group_ids,
            "regions": [g["region"] for g in group],
            "untrained_regions": untrained,
            "organizations": [g["organization"] for g in group],
            "starts": [g["start"].isoformat() for g in group],
            "effect": EFFECT,
            "first_month": f"{FIRST_MONTH[0]}-{FIRST_MONTH[1]:02d}",
            "extra_by_organization_month": fact_summary["extra_by_organization_month"],
            "rate_by_organization": fact_summary["rate"],
        },
        "rows": {
            "activities": rosters.activities.count,
            "participants": rosters.participants.count,
            "attendances": rosters.attendances.count,
            "participants_linked_to_users": Participant.objects.filter(user__isnull=False).count(),
            "victim_facts": fact_summary["rows"],
            "cube": cube_rows,
            **framework_rows,
        },
        "seconds": round(time.monotonic() - started, 1),
    }
    fixture_path.parent.mkdir(parents=True, exist_ok=True)
    fixture_path.write_text(json.dumps(fixture, indent=2))
    print(f"done: {fixture['rows']} in {fixture['seconds']}s -> {fixture_path}", flush=True)


def finish(started: float) -> None:
    """Sequences past the explicit ids, then statistics for the planner."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Organization, User, VictimFact, Activity, Participant, Attendance,
                          Activity.implementing_organizations.through):  # fmt: skip
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
                )
    print(f"loaded in {time.monotonic() - started:.0f}s; analysing", flush=True)
    with connection.cursor() as cursor:  # autocommit, outside any transaction
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the issue's volumes (0.01: a quick check)")
    parser.add_argument("--fixture", type=Path, required=True)
    args = parser.parse_args()
    if Activity.objects.exists() or VictimFact.objects.exists():
        sys.exit("The bench database already holds activities or facts: start from an empty, migrated database.")
    generate(args.scale, args.fixture)


if __name__ == "__main__":
    main()
