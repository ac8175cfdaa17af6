"""The programme's demo data (`tipsom demo`, registered as the "programme" demo seeder, before the statistics seeder
that builds the facts): the activities GLO.ACT's reports describe, with their figures and rosters; a few dozen
synthetic activities in every country; the results framework with baselines, targets and entered values in every
review state; grants with tranches, reports and transactions; and the Colombian victim cases that make the ICBF
family-defender workshops' effect visible.

Everything is data (data/demo_programme.json) and goes through the programme's services, as the demo users of each
country (the M&E officer records, the coordinator approves and releases, the implementing partner reports its own,
the programme manager shapes the framework); the cases through the cases app's bulk import. Deterministic from the
seed, idempotent (an activity is found again by its country and title, a node or an indicator by its code, a grant by
its country and title, the cases by their `demo.programme` audit event), and nothing at all when the demo is loaded
without cases (`--cases-per-country 0`, organizations and users only)."""

from __future__ import annotations

import calendar
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from tipsom.audit.models import AuditEvent
from tipsom.audit.services import audit_record
from tipsom.cases.demo import synthetic_name
from tipsom.cases.services import CaseImport, cases_bulk_import
from tipsom.people.keys import name_keys
from tipsom.programme.models import (
    LEARNING_TYPES,
    Activity,
    Grant,
    GrantReport,
    Indicator,
    IndicatorBaseline,
    IndicatorPeriod,
    ResultNode,
    Tranche,
    TransactionType,
)
from tipsom.programme.services.activities import activity_create, follow_up_add
from tipsom.programme.services.grants import (
    grant_create,
    grant_report_approve,
    grant_report_submit,
    grant_schedule,
    tranche_release,
    transaction_record,
)
from tipsom.programme.services.participants import attendance_add
from tipsom.programme.services.results import (
    baseline_set,
    indicator_create,
    indicator_period_approve,
    indicator_period_return,
    indicator_period_save,
    indicator_period_submit,
    result_node_create,
)

DATA_FILE = Path(__file__).parent / "data" / "demo_programme.json"
AUDIT_ACTION = "demo.programme"
AUDIT_OBJECT = "demo.programme"
CASES_KIND = "effect_cases"
# The first synthetic activities of each country: every type and every pillar at least once.
COVERAGE = (
    ("legislative_review", 2),
    ("meeting", 4),
    ("training", 3),
    ("workshop", 1),
    ("training", 5),
    ("workshop", 6),
    ("conference", 4),
    ("campaign", 1),
    ("technical_assistance", 5),
    ("study_visit", 3),
    ("equipment", 6),
)
LEARNING = {str(kind) for kind in LEARNING_TYPES}
# Fewer cases per country than this (`tipsom demo --cases-per-country N`) is a small demo: fewer synthetic activities.
SMALL_DEMO = 20
SUMMARY_ORDER = (
    "activities",
    "participants",
    "follow-up actions",
    "results",
    "indicators",
    "baselines",
    "indicator periods",
    "grants",
    "grant reports",
    "transactions",
    "effect cases",
)


@cache
def programme_config() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@dataclass
class ProgrammeReport:
    rows: dict[str, int] = field(default_factory=dict)
    skipped_countries: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The line `tipsom demo` prints."""
        kinds = sorted(self.rows, key=lambda kind: SUMMARY_ORDER.index(kind) if kind in SUMMARY_ORDER else 99)
        counts = ", ".join(f"{kind} {self.rows[kind]}" for kind in kinds if self.rows[kind])
        skipped = ""
        if self.skipped_countries:
            skipped = f" (skipped, their staff are not as planned: {', '.join(self.skipped_countries)})"
        return f"Programme: {counts or 'nothing new'}{skipped}."


@dataclass(frozen=True)
class Staff:
    """A country's demo organizations by key ("ngo") and users by login ("me", "coordinator", "partner")."""

    country: dict[str, Any]
    orgs: dict[str, Any]
    users: dict[str, Any]
    index: int = 0  # the country's position in the demo's list

    @property
    def code(self) -> str:
        return str(self.country["code"])

    def user(self, login: str) -> Any:
        return self.users[login]


REQUIRED_LOGINS = ("me", "coordinator", "partner", "programme", "child", "ngo.case", "police.identifier")


def country_staff(country: dict[str, Any], options: Any, index: int = 0) -> Staff | None:
    """The country's demo organizations and users from the demo's options; None when one is missing."""
    prefix = country["code"].lower()
    orgs = {
        code.removeprefix(f"{prefix}-"): org for code, org in options.organizations.items() if code.startswith(prefix)
    }
    users = {
        username.removeprefix(f"{prefix}."): user
        for username, user in options.users.items()
        if username.startswith(f"{prefix}.")
    }
    if any(login not in users for login in REQUIRED_LOGINS) or "coordination" not in orgs or "ngo" not in orgs:
        return None
    return Staff(country=country, orgs=orgs, users=users, index=index)


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


# --- Participants ----------------------------------------------------------------------------------------------
class Roster:
    """The people of one country's rosters: each invented once (a name in the country's script, unique in the
    country), created by its first attendance and reused by id afterwards, so that a person attending several
    activities is one participant."""

    def __init__(self, code: str, rng: random.Random) -> None:
        self.code = code
        self.rng = rng
        self.taken: set[str] = set()  # the name keys used: two people never share one
        self.ids: dict[int, int] = {}  # person number -> participant id
        self.people: list[dict[str, Any]] = []

    def person(self, *, sex: str, sector: str, region: str, **extra: Any) -> int:
        """A new person's number (the participant is created at the first attendance)."""
        for _attempt in range(200):
            name, latin = synthetic_name(self.rng, self.code, "f" if sex == "female" else "m")
            found = name_keys(name, latin)
            keys = {found.key_exact, found.key_latin} - {""}
            if not keys & self.taken:
                break
        else:  # pragma: no cover (the pools are large enough)
            raise ValueError(f"The name pool of {self.code} is too small for the demo's rosters.")
        self.taken |= keys
        self.people.append(
            {"name": name, "name_latin": latin, "sex": sex, "sector": sector, "region": region}
            | {key: value for key, value in extra.items() if value not in (None, "")}
        )
        return len(self.people) - 1

    def attend(self, *, actor: Any, activity: Any, number: int, scores: dict[str, Any] | None = None) -> None:
        if number in self.ids:
            attendance_add(actor=actor, activity_id=activity.pk, participant_id=self.ids[number], scores=scores)
        else:
            attendance = attendance_add(
                actor=actor, activity_id=activity.pk, participant=dict(self.people[number]), scores=scores
            )
            self.ids[number] = attendance.participant_id


def _scores(rng: random.Random, activity_end: date) -> dict[str, Any]:
    pre = rng.randint(30, 70)
    return {
        "pre_score": pre,
        "post_score": min(100, pre + rng.randint(5, 35)),
        "post_test_on": activity_end.isoformat(),
        "satisfaction": rng.choice((3, 4, 4, 5, 5)),
        "attendance_percent": rng.choice((80, 90, 100, 100, 100)),
    }


# --- Activities ------------------------------------------------------------------------------------------------
class Activities:
    """Creates a country's activities once: an activity whose title the country already has is left alone."""

    def __init__(self, staff: Staff, rows: Counter[str]) -> None:
        self.staff = staff
        self.rows = rows
        self.titles = set(Activity.objects.filter(country=staff.code).values_list("title", flat=True))

    def create(self, *, owner: str, actor: str, implementing: list[str], data: dict[str, Any]) -> Activity | None:
        if data["title"] in self.titles:
            return None
        fields = dict(data)
        fields["implementing_organizations"] = [
            self.staff.orgs[key].pk for key in implementing if key in self.staff.orgs
        ]
        activity = activity_create(actor=self.staff.user(actor), organization=self.staff.orgs[owner], data=fields)
        self.titles.add(data["title"])
        self.rows["activities"] += 1
        return activity


def _seed_activities(staff: Staff, activities: Activities, roster: Roster, rng: random.Random) -> None:
    config = programme_config()
    for spec in config["seeds"]:
        if spec["country"] != staff.code:
            continue
        activity = activities.create(
            owner=spec["owner"], actor=spec["actor"], implementing=spec["implementing"], data=spec["data"]
        )
        if activity is None:
            continue
        actor = staff.user(spec["actor"])
        for action in spec.get("follow_ups", []):
            follow_up_add(actor=actor, activity_id=activity.pk, data=dict(action))
            activities.rows["follow-up actions"] += 1
        if "roster" in spec:
            _caceres_roster(staff, activity, spec["roster"], roster, rng)
    if staff.code == config["icbf"]["country"]:
        _icbf_workshops(staff, activities, roster, rng)


def _helpline_campaign(staff: Staff, activities: Activities, now: Any) -> None:
    """The awareness week whose peak the helpline's demo shows (Pakistan, a few weeks ago), as the programme's
    campaign, so that its page has helpline contacts before, during and after it."""
    from tipsom.helpline.demo import SHOWCASE, campaign_week, helpline_config

    if staff.code != SHOWCASE:
        return
    spec = helpline_config()["pakistan"]["campaign"]
    start, end = campaign_week(now, spec["weeks_ago"])
    activities.create(
        owner="helpline",
        actor="me",
        implementing=["helpline", "coordination"],
        data={
            "kind": "campaign",
            "title": spec["name"],
            "description": "A week of spots and posts with the helpline's number, on migrant smuggling and its risks.",
            "pillar": 1,
            "four_ps": ["prevention"],
            "start_date": start,
            "end_date": end,
            "topics": ["som", "tip"],
            "target_groups": ["civil_society", "media"],
            "channels": ["television", "radio", "social_media", "sms"],
            "people_reached": 250000,
        },
    )


def _caceres_roster(staff: Staff, activity: Activity, spec: dict[str, Any], roster: Roster, rng: random.Random) -> None:
    regions = [region for region, count in spec["regions"].items() for _ in range(count)]
    rng.shuffle(regions)
    actor = staff.user("me")
    for group in spec["groups"]:
        organization = staff.orgs.get(group.get("organization", ""))
        for _ in range(group["count"]):
            sex = "female" if rng.random() < spec["women_share"] else "male"
            number = roster.person(
                sex=sex,
                sector=group["sector"],
                region=regions.pop(),
                organization_id=organization.pk if organization else None,
                organization_name="" if organization else group.get("organization_name", ""),
            )
            roster.attend(actor=actor, activity=activity, number=number, scores=_scores(rng, activity.end_date))


def _icbf_workshops(staff: Staff, activities: Activities, roster: Roster, rng: random.Random) -> None:
    spec = programme_config()["icbf"]
    organization = staff.orgs[spec["organization"]]
    linked = staff.users.get(spec["linked_login"])
    actor = staff.user(spec["actor"])
    for workshop in spec["workshops"]:
        data = dict(spec["data"])
        data.update(
            title=spec["data"]["title"] % {"city": workshop["city"]},
            start_date=workshop["start_date"],
            end_date=workshop["end_date"],
            regions=[workshop["region"]],
            places=workshop["city"],
            cost=workshop["cost"],
        )
        activity = activities.create(
            owner=spec["owner"], actor=spec["actor"], implementing=spec["implementing"], data=data
        )
        if activity is None:
            continue
        sexes = ["female"] * workshop["women"] + ["male"] * workshop["men"]
        rng.shuffle(sexes)
        for position, sex in enumerate(sexes):
            username = ""
            if linked is not None and position == 0 and workshop["region"] == organization.region:
                username = linked.username  # the demo's family defender of this region took the workshop
            number = roster.person(
                sex=sex,
                sector=spec["sector"],
                region=workshop["region"],
                organization_id=organization.pk,
                username=username,
            )
            roster.attend(actor=actor, activity=activity, number=number, scores=_scores(rng, activity.end_date))


def _month_name(config: dict[str, Any], month: int) -> str:
    return str(config["months"][month - 1])


def _synthetic_activities(  # noqa: C901, PLR0915
    staff: Staff, activities: Activities, roster: Roster, seed: int, countries: list[str], *, small: bool = False
) -> None:
    """A few dozen invented activities of the country, 2017 to 2020: every type and pillar, some with rosters
    drawn from one pool of people (so that some attend several). In the country of the ICBF effect, none is held
    in the comparison regions and none trains the comparison organizations, which must stay untrained."""
    config = programme_config()["synthetic"]
    effect = programme_config()["effect"]
    rng = random.Random(f"{seed}:programme:{staff.code}")  # noqa: S311 (synthetic data, not secrets)
    regions = staff.country["regions"]
    untrained: set[str] = set()
    if staff.code == effect["country"]:
        regions = [region for region in regions if region["code"] not in effect["comparison_regions"]]
        untrained = set(effect["untrained_organizations"])
    sectors = list(config["groups"])
    pool = []
    for _ in range(config["pool"]):
        sector = rng.choice(sectors)
        key = config["sector_organization"].get(sector, "")
        organization = None if key in untrained else staff.orgs.get(key)
        pool.append(
            roster.person(
                sex=rng.choice(("female", "female", "male")),
                sector=sector,
                region=rng.choice(regions)["code"],
                organization_id=organization.pk if organization else None,
                organization_name="" if organization else config["groups"][sector].capitalize(),
            )
        )
    first, last = _day(config["from"]), _day(config["until"])
    weights = {kind: spec["weight"] for kind, spec in config["kinds"].items()}
    with_roster = 0
    # A small demo (a few cases per country, as the tests load it): one activity of each type and pillar.
    count, rosters = (
        (len(COVERAGE), config["small_with_roster"]) if small else (config["per_country"], config["with_roster"])
    )
    for index in range(count):
        if index < len(COVERAGE):
            kind, pillar = COVERAGE[index]
        else:
            kind = _weighted(rng, weights)
            pillar = rng.choice(config["kinds"][kind]["pillar"])
        spec = config["kinds"][kind]
        topic = rng.choice(spec["topics"])
        sector = rng.choice(sectors)
        region = rng.choice(regions)
        start = first + timedelta(days=rng.randint(0, (last - first).days))
        end = start + timedelta(days=rng.randint(*spec["days"]) - 1)
        title = config["titles"][kind] % {"group": config["groups"][sector], "topic": config["topic_words"][topic]}
        title += config["title_suffix"] % {
            "city": region["city"],
            "month": _month_name(config, start.month),
            "year": start.year,
        }
        partner = rng.random() < config["partner_share"] and kind != "legislative_review"
        data: dict[str, Any] = {
            "kind": kind,
            "title": title,
            "pillar": pillar,
            "four_ps": sorted(
                rng.sample(["prevention", "protection", "prosecution", "partnership"], rng.randint(1, 2))
            ),
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "regions": [region["code"]],
            "places": region["city"],
            "partners": rng.choice(config["partners"]),
            "topics": sorted({"tip", topic}),
            "target_groups": [sector],
            "currency": "USD",
            "budget": f"{rng.randint(3, 60) * 500}.00",
        }
        data["cost"] = f"{Decimal(data['budget']) * Decimal(rng.randint(70, 105)) / 100:.2f}"
        learning = kind in LEARNING
        roster_here = learning and with_roster < rosters and index % 2 == 0
        if kind in ("meeting", "conference", "study_visit"):
            neighbours = sorted(set(countries) - {staff.code})
            data["countries"] = sorted({staff.code, *rng.sample(neighbours, min(len(neighbours), rng.randint(1, 3)))})
            data["participants_total"] = rng.randint(12, 45)
            if rng.random() < 0.5:
                data["agreements"] = (
                    "Contact points named for the exchange of information on cases; a joint plan for the next year."
                )
        elif kind == "campaign":
            data["channels"] = sorted(rng.sample(config["channels"], rng.randint(2, 4)))
            data["people_reached"] = rng.randint(5, 150) * 1000
            data["materials"] = "Posters, leaflets and spots with the helpline number."
            data["materials_count"] = rng.randint(2, 30) * 500
        elif learning and not roster_here:
            total = rng.randint(12, 40)
            women = sum(rng.random() < 0.55 for _ in range(total))
            data.update(
                participants_total=total,
                participants_women=women,
                participants_men=total - women,
                participants_by_sector={sector: total},
            )
        owner, actor = ("ngo", "partner") if partner else ("coordination", "me")
        implementing = [key for key in ([owner] if owner == "ngo" else ["coordination"]) if key not in untrained]
        chosen: list[int] = []
        if roster_here:  # drawn before the activity is looked up: a second run draws the same numbers
            with_roster += 1
            size = rng.randint(*config["roster_size"])
            same = [number for number in pool if roster.people[number]["sector"] == sector]
            rest = [number for number in pool if number not in same]
            chosen = (rng.sample(same, min(len(same), size)) + rng.sample(rest, len(rest)))[:size]
        scores = [_scores(rng, end) for _ in chosen]
        activity = activities.create(owner=owner, actor=actor, implementing=implementing, data=data)
        if activity is None:
            continue
        for number, score in zip(chosen, scores, strict=True):
            # The national officer: the pool's people are on other organizations' rosters too.
            roster.attend(actor=staff.user("me"), activity=activity, number=number, scores=score)


# --- The results framework -------------------------------------------------------------------------------------
def _framework(manager: Any, rows: Counter[str]) -> dict[str, Indicator]:
    config = programme_config()["framework"]
    nodes = {node.code: node for node in ResultNode.objects.all()}
    for position, spec in enumerate(config["nodes"]):
        if spec["code"] in nodes:
            continue
        data = {key: value for key, value in spec.items() if key != "parent"}
        data["position"] = position
        if "parent" in spec:
            data["parent"] = nodes[spec["parent"]].pk
        nodes[spec["code"]] = result_node_create(actor=manager, data=data)
        rows["results"] += 1
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    for position, spec in enumerate(config["indicators"]):
        if spec["code"] in indicators:
            continue
        data = {key: value for key, value in spec.items() if key not in ("baseline", "growth", "cap", "target")}
        data["node"] = nodes[spec["node"]].pk
        data["position"] = position
        indicators[spec["code"]] = indicator_create(actor=manager, data=data)
        rows["indicators"] += 1
    return indicators


def _number(value: float, percentage: bool) -> Decimal:
    return Decimal(str(round(value, 1) if percentage else round(value)))


def _values(staff: Staff, indicators: dict[str, Indicator], seed: int, rows: Counter[str]) -> None:  # noqa: C901
    """Baselines and yearly targets of every indicator in the country; the entered indicators' actual values,
    in every review state (approved and locked, submitted, returned, draft)."""
    config = programme_config()["framework"]
    rng = random.Random(f"{seed}:programme-values:{staff.code}")  # noqa: S311
    me, coordinator = staff.user("me"), staff.user("coordinator")
    baselines = set(IndicatorBaseline.objects.filter(country=staff.code).values_list("indicator_id", flat=True))
    periods = {
        (period.indicator_id, period.period_start.year): period
        for period in IndicatorPeriod.objects.filter(country=staff.code)
    }
    manual = config["manual"]
    for position, spec in enumerate(config["indicators"]):
        indicator = indicators[spec["code"]]
        percentage = spec.get("measure") == "2"
        low, high = spec["baseline"]
        baseline = low + rng.random() * (high - low)
        if indicator.pk not in baselines:
            baseline_set(
                actor=me,
                indicator_id=indicator.pk,
                country=staff.code,
                year=config["baseline_year"],
                value=_number(baseline, percentage),
                comment=manual["comment"] if spec["source"] == "manual" else "",
            )
            rows["baselines"] += 1
        years = manual["years"] if spec["source"] == "manual" else config["target_years"]
        for year_index, year in enumerate(years):
            if (indicator.pk, year) in periods:
                continue
            if "target" in spec:
                target = spec["target"][0] + rng.random() * (spec["target"][1] - spec["target"][0])
            else:
                target = baseline * spec.get("growth", 1.1) ** (year - config["baseline_year"])
                target = min(target, spec.get("cap", target))
            data: dict[str, Any] = {"target": _number(target, percentage)}
            state = None
            if spec["source"] == "manual":
                state = manual["states"][(position + year_index + staff.index) % len(manual["states"])]
                if percentage:
                    denominator = rng.randint(20, 80)
                    data.update(numerator=rng.randint(denominator // 3, denominator), denominator=denominator)
                else:
                    data["actual"] = rng.randint(0, max(1, int(target) + 1))
                data["comment"] = manual["comment"]
            period = indicator_period_save(
                actor=me,
                indicator_id=indicator.pk,
                country=staff.code,
                period_start=date(year, 1, 1),
                period_end=date(year, 12, 31),
                data=data,
            )
            rows["indicator periods"] += 1
            if state in ("approved", "submitted", "returned"):
                indicator_period_submit(actor=me, period_id=period.pk)
            if state == "approved":
                indicator_period_approve(actor=coordinator, period_id=period.pk, comment=manual["approved_comment"])
            elif state == "returned":
                indicator_period_return(actor=coordinator, period_id=period.pk, comment=manual["returned_comment"])


# --- Grants ----------------------------------------------------------------------------------------------------
NARRATIVE = (
    "Children and adults assisted in the period as planned; the services delivered are recorded in their cases. "
    "Expenditure as in the financial statement."
)


def _grants(staff: Staff, today: date, rows: Counter[str]) -> None:
    """The country's grants: committed, tranches released as the reports before them are approved, disbursed and
    spent; the reports submitted by the grantee (the implementing partner for the NGO, else the M&E officer)."""
    existing = set(Grant.objects.filter(country=staff.code).values_list("title", flat=True))
    me, coordinator = staff.user("me"), staff.user("coordinator")
    for spec in programme_config()["grants"]:
        if spec["country"] != staff.code or spec["title"] in existing:
            continue
        reporter = staff.user("partner") if spec["grantee"] == "ngo" else me
        start, end, amount = _day(spec["start_date"]), _day(spec["end_date"]), Decimal(spec["amount"])
        tranche_rows, report_rows = grant_schedule(start=start, end=end, amount=amount, tranches=spec["tranches"])
        grant = grant_create(
            actor=me,
            organization=staff.orgs["coordination"],
            data={
                "title": spec["title"],
                "purpose": spec["purpose"],
                "grantee": staff.orgs[spec["grantee"]].pk,
                "currency": spec["currency"],
                "amount": amount,
                "start_date": start,
                "end_date": end,
            },
            tranches=tranche_rows,
            reports=report_rows,
        )
        rows["grants"] += 1
        transaction_record(
            actor=me,
            grant_id=grant.pk,
            transaction_type=TransactionType.COMMITMENT,
            date=start,
            amount=amount,
            description="Grant agreement signed",
        )
        rows["transactions"] += 1
        tranches = list(Tranche.objects.filter(grant=grant).order_by("number"))
        reports = list(GrantReport.objects.filter(grant=grant).order_by("number"))
        for number, tranche in enumerate(tranches[: spec["released"]], start=1):
            first, last = tranche_rows[number - 1]["planned_on"], report_rows[number - 1]["period_end"]
            released = first if number == 1 else max(first, reports[number - 2].due_on + timedelta(days=10))
            released = min(today, released, end)
            tranche_release(actor=coordinator, tranche_id=tranche.pk, released_on=released)
            transaction_record(
                actor=me,
                grant_id=grant.pk,
                transaction_type=TransactionType.DISBURSEMENT,
                date=released,
                amount=tranche.amount,
                tranche_id=tranche.pk,
                description=f"Tranche {number}",
            )
            rows["transactions"] += 1
            spent = spec["spent"][number - 1] if number - 1 < len(spec["spent"]) else 0
            if spent:
                transaction_record(
                    actor=reporter,
                    grant_id=grant.pk,
                    transaction_type=TransactionType.EXPENDITURE,
                    date=min(today, max(released, first + (last - first) / 2)),
                    amount=(tranche.amount * Decimal(str(spent))).quantize(Decimal("0.01")),
                    tranche_id=tranche.pk,
                    description="Direct assistance: shelter, care, staff",
                )
                rows["transactions"] += 1
            # The report of this tranche's period, so that the next tranche may be released.
            if number <= spec["reports_submitted"] and number <= len(reports):
                grant_report_submit(actor=reporter, report_id=reports[number - 1].pk, narrative=NARRATIVE)
                rows["grant reports"] += 1
                if number <= spec["reports_approved"]:
                    grant_report_approve(
                        actor=coordinator, report_id=reports[number - 1].pk, comment="Narrative and accounts checked."
                    )


# --- The ICBF effect: victim cases of Colombia -----------------------------------------------------------------
def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def workshop_months() -> dict[str, date]:
    """Each ICBF workshop region and the first month after its workshop (from the data)."""
    months = {}
    for workshop in programme_config()["icbf"]["workshops"]:
        end = _day(workshop["end_date"])
        months[workshop["region"]] = (end.replace(day=1) + timedelta(days=32)).replace(day=1)
    return months


def effect_plan(seed: int) -> list[dict[str, Any]]:
    """The planned cases (without the database): region, day, owner key and the case's content. In each workshop
    region ~`before` a month until the month of its workshop and ~`after` a month from the next month on, the
    extra ones identified by the family defenders (the child protection organization); in the comparison regions
    ~`before` a month throughout."""
    config = programme_config()["effect"]
    rng = random.Random(f"{seed}:programme-effect")  # noqa: S311
    treated = workshop_months()
    regions = [*treated, *config["comparison_regions"]]
    before, after = config["per_region_month"]["before"], config["per_region_month"]["after"]
    plans = []
    for month in _months(_day(config["from"]), _day(config["until"])):
        last_day = calendar.monthrange(month.year, month.month)[1]
        for region in regions:
            base = int(before + rng.random())
            extra = 0
            if region in treated and month >= treated[region]:
                extra = max(0, int(after + rng.uniform(-1, 1) + 0.5) - base)
            owners = [_weighted(rng, config["untrained_owners"]) for _ in range(base)]
            owners += [config["trained_owner"]] * extra
            for owner in owners:
                day = month.replace(day=rng.randint(1, last_day))
                plans.append(_effect_case(rng, config, region, day, owner))
    return plans


def _effect_case(rng: random.Random, config: dict[str, Any], region: str, day: date, owner: str) -> dict[str, Any]:
    citizenship = _weighted(rng, config["citizenships"])
    sex = rng.choice("fm")
    name, latin = synthetic_name(rng, citizenship, sex)
    age = rng.randint(*config["ages"])
    born = day.replace(year=day.year - age, day=min(day.day, 28)) - timedelta(days=rng.randint(1, 300))
    form = _weighted(rng, config["forms"])
    started = day - timedelta(days=rng.randint(20, 300))
    services = []
    if rng.random() < config["services_share"]:
        for kind in rng.sample(sorted(config["services"]), rng.randint(1, 3)):
            services.append(
                {
                    "support_type": kind,
                    "delivered_on": (day + timedelta(days=rng.randint(1, 60))).isoformat(),
                    "provider": config["services"][kind],
                    "outcome": "completed",
                }
            )
    return {
        "owner": owner,
        "region": region,
        "person": {
            "names": [{"name": name, "name_latin": latin}],
            "gender": "Feminine" if sex == "f" else "Masculine",
            "citizenships": [citizenship],
            "languages": ["es"],
            "birth_date": born.isoformat(),
            "birth_date_precision": "exact",
        },
        "case": {
            "case_type": "tip",
            "identified_on": day.isoformat(),
            "region": region,
            "origin_country": citizenship,
            "destination_country": "CO",
            "exploitation_types": [form],
        },
        "screening": {
            "screened_on": day.isoformat(),
            "acts": ["recruitment", "harbouring"],
            "means": [],
            "purposes": [form],
            "som_vulnerabilities": [],
        },
        "events": [
            {
                "event_type": "Exploitation",
                "country": "CO",
                "place": "",
                "start_date": started.isoformat(),
                "end_date": day.isoformat(),
            }
        ],
        "consents": [
            {"purpose": purpose, "given": True, "recorded_on": day.isoformat(), "given_by": "guardian"}
            for purpose in ("data_processing", "statistics")
        ],
        "services": services,
    }


def _effect_cases(staff: Staff, seed: int, rows: Counter[str]) -> None:
    config = programme_config()["effect"]
    if AuditEvent.objects.filter(action=AUDIT_ACTION, object_type=AUDIT_OBJECT, object_id=CASES_KIND).exists():
        return
    plans = effect_plan(seed)
    records = []
    for plan in plans:
        organization = staff.orgs[plan["owner"]]
        records.append(
            CaseImport(
                organization=organization,
                created_by=staff.user(config["logins"][plan["owner"]]),
                person=plan["person"],
                case=plan["case"],
                screening=plan["screening"],
                events=plan["events"],
                consents=plan["consents"],
                child_notified_organization=staff.orgs["child"],
                child_notified_at=datetime.combine(_day(plan["case"]["identified_on"]), time(11), tzinfo=UTC),
                services=[{**service, "provider": staff.orgs[service["provider"]]} for service in plan["services"]],
            )
        )
    cases = cases_bulk_import(
        actor=None, records=records, note={"source": "demo", "country": staff.code, "seed": seed, "of": "programme"}
    )
    audit_record(
        actor=None,
        action=AUDIT_ACTION,
        object_type=AUDIT_OBJECT,
        object_id=CASES_KIND,
        changes={"seed": seed, "country": staff.code, "created": len(cases), "cases": [cases[0].pk, cases[-1].pk]},
    )
    rows["effect cases"] += len(cases)


# --- The seeder ------------------------------------------------------------------------------------------------
@transaction.atomic
def programme_load(options: Any) -> ProgrammeReport:
    """Everything the programme's demo has that the database does not have yet, in one transaction."""
    rows: Counter[str] = Counter()
    staffs: dict[str, Staff] = {}
    skipped = []
    for index, country in enumerate(options.countries):
        staff = country_staff(country, options, index)
        if staff is None:
            skipped.append(country["code"])
        else:
            staffs[country["code"]] = staff
    if not staffs:
        return ProgrammeReport(skipped_countries=tuple(skipped))
    effect_country = programme_config()["effect"]["country"]
    if effect_country in staffs:
        _effect_cases(staffs[effect_country], options.seed, rows)
    manager = next(iter(staffs.values())).user("programme")
    indicators = _framework(manager, rows)
    today = options.now.date()
    small = options.cases_per_country is not None and options.cases_per_country < SMALL_DEMO
    for code, staff in staffs.items():
        rng = random.Random(f"{options.seed}:programme-rosters:{code}")  # noqa: S311
        roster = Roster(code, rng)
        activities = Activities(staff, rows)
        _seed_activities(staff, activities, roster, rng)
        _helpline_campaign(staff, activities, options.now)
        codes = [c["code"] for c in options.countries]
        _synthetic_activities(staff, activities, roster, options.seed, codes, small=small)
        rows["participants"] += len(roster.ids)
        _values(staff, indicators, options.seed, rows)
        _grants(staff, today, rows)
    return ProgrammeReport(rows=dict(rows), skipped_countries=tuple(skipped))


def seed(options: Any) -> ProgrammeReport:
    """The "programme" demo seeder (registered from plugins.py, before the statistics that count its cases)."""
    if options.cases_per_country == 0:  # organizations and users only
        return ProgrammeReport()
    return programme_load(options)
