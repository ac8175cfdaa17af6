"""The justice demo data: criminal cases, defendants, the process, victims in the proceedings, hearings,
international cooperation and smuggling incidents for every country, consistent with the demo victim cases.

Each country's criminal cases are planned from (seed, country) and the country's loaded victim cases, without
randomness elsewhere: the victim cases identified first lead to the cases furthest on (concluded), the latest to
investigations still open. The victims of the same form of exploitation are witnesses or injured parties of the
same criminal case; its offences take their forms of exploitation, recruitment and control. Defendants are
invented from the victim cases' name pools. Everything goes through the justice services as the staff who would
do it: the police investigator records the case, offences, suspects and victims; the prosecutor charges and
concludes; the court's judiciary liaison records the decisions. Brazil's first case is the showcase: forced labour
on a farm, two defendants charged under art. 149-A, one convicted and sentenced, one acquitted. The smuggling
incidents are data (justice/data/demo_justice.json): deaths in the desert on the Agadez route and at sea off
Egypt and Morocco among them. One `demo.justice` audit event per country records the load; a second run adds
nothing.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tipsom.audit.models import AuditEvent
from tipsom.audit.services import audit_record
from tipsom.cases.demo import loaded_counts, synthetic_name
from tipsom.cases.models import Case
from tipsom.justice.models import (
    CaseStage,
    ContactType,
    CooperationKind,
    CooperationStatus,
    DecisionLevel,
    Direction,
    HearingKind,
    LegalProvision,
    OffenceType,
    Outcome,
    ProtectionMeasure,
    SuspectRole,
    TestimonyMode,
    VictimRole,
)
from tipsom.justice.services import brief, cases, cooperation, incidents, process, suspects, victims

AUDIT_ACTION = "demo.justice"
AUDIT_OBJECT = "demo.justice"
DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_justice.json"
POLICE, PROSECUTOR, JUDGE = "investigator", "prosecutor", "judge"
TIP_FORMS = ("ForcedLabour", "SexualExploitation", "Servitude", "ForcedBegging", "ForcedCriminality", "ForcedMarriage")
ROLES_BY_FORM = {
    "ForcedLabour": [SuspectRole.EXPLOITER, SuspectRole.RECRUITER],
    "SexualExploitation": [SuspectRole.RECRUITER, SuspectRole.EXPLOITER],
}


@cache
def justice_config() -> dict[str, Any]:
    return dict(json.loads(DATA_FILE.read_text(encoding="utf-8")))


@dataclass
class JusticeReport:
    criminal_cases: int = 0
    defendants: int = 0
    incidents: int = 0
    countries: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The line `tipsom demo` prints."""
        return (
            f"Criminal justice: {self.criminal_cases} criminal cases with {self.defendants} defendants, "
            f"{self.incidents} smuggling incidents."
        )


def loaded_countries() -> set[str]:
    return set(AuditEvent.objects.filter(action=AUDIT_ACTION).values_list("object_id", flat=True))


def _text(table: dict[str, Any], language: str) -> Any:
    return table.get(language) or table.get(language.split("-")[0]) or table["en"]


def _day_at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@dataclass
class _Country:
    code: str
    language: str
    orgs: dict[str, Any]
    users: dict[str, Any]
    today: date
    rng: random.Random
    tip: LegalProvision | None
    som: LegalProvision | None


def _provision(code: str, offence_type: str) -> LegalProvision | None:
    found = LegalProvision.objects.filter(country=code, offence_type=offence_type, is_active=True)
    return found.order_by("pk").first()


def _victim_groups(code: str, orgs: dict[str, Any], count: int) -> list[tuple[str, list[Case]]]:
    """Groups of the country's demo victim cases of trafficking (1 to 3 of the same main form), earliest
    identified first: the raw material of `count` criminal cases."""
    found = (
        Case.objects.filter(country=code, owner_organization__in=list(orgs.values()), case_type__in=["tip", "both"])
        .exclude(exploitation_types=[])
        .order_by("identified_on", "pk")
    )
    by_form: dict[str, list[Case]] = {}
    for case in found[:400]:
        form = next((f for f in case.exploitation_types if f in TIP_FORMS), case.exploitation_types[0])
        by_form.setdefault(form, []).append(case)
    groups: list[tuple[str, list[Case]]] = []
    sizes = [2, 1, 3, 1, 2, 1, 2, 1]
    while len(groups) < count and any(by_form.values()):
        for form in sorted(by_form, key=lambda f: (-len(by_form[f]), f)):
            if len(groups) >= count or not by_form[form]:
                continue
            size = sizes[len(groups) % len(sizes)]
            group, by_form[form] = by_form[form][:size], by_form[form][size:]
            groups.append((form, group))
    return sorted(groups, key=lambda item: min(c.identified_on for c in item[1]))


def _suspect_data(ctx: _Country, index: int, form: str, opened: date) -> dict[str, Any]:
    sex = "f" if ctx.rng.random() < (0.35 if form == "SexualExploitation" else 0.15) else "m"
    name, latin = synthetic_name(ctx.rng, ctx.code, sex)
    names: list[Any] = [{"name": name, "name_latin": latin} if latin and latin != name else name]
    age = ctx.rng.randint(24, 58)
    roles = ROLES_BY_FORM.get(form, [SuspectRole.RECRUITER, SuspectRole.HARBOURER])
    return {
        "names": names,
        "gender": "Feminine" if sex == "f" else "Masculine",
        "birth_date": str(opened.year - age),
        "citizenships": [ctx.code],
        "roles": [roles[index % len(roles)]],
        "age_at_offence": age,
        "contact_type": ContactType.ARRESTED if index == 0 else ContactType.SUSPECTED,
        "formal_contact_on": opened + timedelta(days=5 + 3 * index),
    }


# How long before today an investigation must have opened for the case to reach each stage by today.
STAGE_DAYS = {"appeal": 480, "concluded": 420, "trial": 200, "closed": 100, "prosecution": 60, "investigation": 20}
# A stage the victims' dates do not leave time for gives way to the next one down.
FALLBACK = {"appeal": "trial", "concluded": "trial", "trial": "prosecution", "closed": "investigation"}


def _plan_dates(victims_: list[Case], today: date, stage: str) -> tuple[date, date, str]:
    """(offences began, investigation opened, stage): the exploitation before the first identification, the
    investigation ten days after it, and the furthest stage it can have reached by today."""
    identified = min(case.identified_on for case in victims_)
    opened = identified + timedelta(days=10)
    while opened > today - timedelta(days=STAGE_DAYS[stage]) and stage in FALLBACK:
        stage = FALLBACK[stage]
    opened = min(opened, today - timedelta(days=STAGE_DAYS[stage]))
    return identified - timedelta(days=200), opened, stage


def _criminal_case(ctx: _Country, index: int, form: str, victims_: list[Case], stage: str) -> tuple[Any, int]:
    """One criminal case taken from its victims to `stage`; returns (the case, its defendants)."""
    police, prosecutor, judge = ctx.users[POLICE], ctx.users[PROSECUTOR], ctx.users[JUDGE]
    config = justice_config()
    began, opened, stage = _plan_dates(victims_, ctx.today, stage)
    abroad = sorted({c for case in victims_ for c in (case.origin_country, case.destination_country)} - {"", ctx.code})
    title = _text(config["titles"], ctx.language).get(form) or _text(config["titles"], ctx.language)["other"]
    record = cases.criminal_case_create(
        actor=police,
        title=title,
        investigation_opened_on=opened,
        file_number=f"IP {opened.year}/{100 + index * 7}",
        investigating_unit=ctx.orgs["police"].pk,
        prosecution_office=ctx.orgs["prosecution"].pk,
        court=ctx.orgs["court"].pk,
        is_transnational=bool(abroad),
        countries_involved=abroad,
        offence_type=OffenceType.TIP,
    )
    first = victims_[0]
    offence = cases.offence_add(
        actor=police,
        criminal_case_id=record.pk,
        offence_type=OffenceType.TIP,
        provision=ctx.tip.pk if ctx.tip else None,
        date_from=began,
        date_to=min(case.identified_on for case in victims_),
        recorded_on=opened,
        region=first.region,
        exploitation_types=list(first.exploitation_types),
        recruitment_methods=list(first.recruitment_methods),
        means_of_control=list(first.means_of_control),
        is_transnational=bool(abroad),
        countries_involved=abroad,
    )
    for position, case in enumerate(victims_):
        victims.victim_link_add(
            actor=police,
            criminal_case=record.pk,
            case_number=case.case_number,
            role=VictimRole.WITNESS if position else VictimRole.INJURED_PARTY,
            protection_measures=[ProtectionMeasure.VIDEO_LINK, ProtectionMeasure.SUPPORT_PERSON]
            if case.is_child
            else [ProtectionMeasure.CLOSED_HEARING],
            testimony_mode=TestimonyMode.VIDEO if stage in ("concluded", "appeal") else TestimonyMode.NOT_YET,
        )
    defendants = 1 if stage == "closed" else 2 if index % 3 else 3
    people = [
        suspects.suspect_add(actor=police, criminal_case_id=record.pk, **_suspect_data(ctx, n, form, opened))
        for n in range(defendants)
    ]
    if abroad and stage in ("investigation", "prosecution"):
        sent = opened + timedelta(days=30)
        cooperation.cooperation_request_create(
            actor=prosecutor,
            criminal_case=record.pk,
            kind=CooperationKind.MLA,
            direction=Direction.OUTGOING,
            countries=abroad[:1],
            authority="Central authority for mutual legal assistance",
            subject="Bank records and witness hearing",
            status=CooperationStatus.SENT,
            sent_on=sent,
            deadline=sent + timedelta(days=90),
        )
    if stage == "investigation":
        return record, defendants
    if stage == "closed":
        process.criminal_case_conclude(actor=prosecutor, criminal_case=record.pk, concluded_on=opened + timedelta(70))
        return record, defendants
    charged_on = opened + timedelta(days=45)
    charges = [
        process.charge_add(
            actor=prosecutor, suspect=s.pk, provision=ctx.tip.pk, charged_on=charged_on, offence=offence.pk
        )
        for s in people
        if ctx.tip is not None
    ]
    _hearings(ctx, record, stage, charged_on)
    if stage == "prosecution" or not charges:
        return record, defendants
    decided = charged_on + timedelta(days=130 if stage == "trial" else 240)
    showcase = ctx.code == "BR" and index == 1  # one convicted and sentenced, one acquitted
    for position, charge in enumerate(charges[:1] if stage == "trial" else charges):
        convicted = position == 0 or (not showcase and ctx.rng.random() < 0.5)
        sentence = _sentence(ctx, position) if convicted else {}
        decision = process.decision_record(
            actor=judge,
            criminal_case=record.pk,
            charge=charge.pk,
            level=DecisionLevel.FIRST_INSTANCE,
            decided_on=decided,
            outcome=Outcome.CONVICTED if convicted else Outcome.ACQUITTED,
            court=ctx.orgs["court"].pk,
            is_final=stage == "concluded",
            **sentence,
        )
        if stage == "appeal" and convicted:
            process.decision_record(
                actor=judge,
                criminal_case=record.pk,
                charge=charge.pk,
                level=DecisionLevel.APPEAL,
                decided_on=decided + timedelta(days=150),
                outcome=Outcome.CONVICTED,
                court_name="Court of appeal",
                appeal_of=decision.pk,
                **_sentence(ctx, position + 1),
            )
    if stage == "concluded":
        record.refresh_from_db()
        if record.stage != CaseStage.CONCLUDED:
            process.criminal_case_conclude(actor=prosecutor, criminal_case=record.pk, concluded_on=decided)
        record.refresh_from_db()
        brief.criminal_case_brief_summary_set(
            actor=prosecutor,
            criminal_case=record.pk,
            brief_summary=_text(config["summaries"], ctx.language),
            version=record.version,
        )
    return record, defendants


def _sentence(ctx: _Country, position: int) -> dict[str, Any]:
    months = [72, 54, 96, 48][position % 4]
    currency = {"BR": "BRL", "CO": "COP", "EG": "EGP", "MA": "MAD", "PK": "PKR", "ZA": "ZAR", "UA": "UAH"}.get(
        ctx.code, ""
    )
    amounts: dict[str, Any] = {"prison_months": months}
    if currency:
        amounts.update(
            fine_amount=Decimal(20000 + 10000 * position),
            compensation_ordered=Decimal(60000 + 20000 * position),
            currency=currency,
        )
    return amounts


def _hearings(ctx: _Country, record: Any, stage: str, charged_on: date) -> None:
    """Hearings: past ones for a case on trial or decided, and coming ones (the prosecutor's next weeks) for a
    case being prosecuted or tried, with its victims summoned."""
    summoned = [link.pk for link in record.victims.all()]
    moments: list[tuple[str, datetime]] = [(HearingKind.PRELIMINARY, _day_at(charged_on + timedelta(days=30), 9))]
    if stage in ("trial", "concluded", "appeal"):
        moments.append((HearingKind.TRIAL, _day_at(charged_on + timedelta(days=120), 10)))
    if stage in ("prosecution", "trial"):
        moments.append((HearingKind.TRIAL, _day_at(ctx.today + timedelta(days=ctx.rng.randint(3, 20)), 10)))
    if stage == "appeal":
        moments.append((HearingKind.APPEAL, _day_at(ctx.today + timedelta(days=ctx.rng.randint(5, 25)), 11)))
    for kind, starts_at in moments:
        victims.hearing_add(
            actor=ctx.users[PROSECUTOR],
            criminal_case=record.pk,
            kind=kind,
            starts_at=starts_at,
            court=ctx.orgs["court"].pk,
            room=str(1 + ctx.rng.randint(0, 5)),
            victims=summoned,
        )


def _incident(ctx: _Country, spec: dict[str, Any]) -> tuple[int, int]:
    """One smuggling incident of the data file; with a criminal case of smuggling and its two smugglers when
    the data says so, and the country's smuggled migrants' cases assisted after it."""
    police = ctx.users[POLICE]
    occurred = ctx.today - timedelta(days=spec["days_ago"])
    links: dict[str, Any] = {}
    made = 0
    if spec.get("criminal_case") and ctx.som is not None:
        record = cases.criminal_case_create(
            actor=police,
            title=_text(justice_config()["titles"], ctx.language)["som"],
            investigation_opened_on=occurred + timedelta(days=2),
            investigating_unit=ctx.orgs["police"].pk,
            prosecution_office=ctx.orgs["prosecution"].pk,
            court=ctx.orgs["court"].pk,
            is_transnational=True,
            countries_involved=sorted({*spec["origin_countries"], spec["destination_country"]} - {ctx.code}),
            offence_type=OffenceType.SOM,
        )
        cases.offence_add(
            actor=police,
            criminal_case_id=record.pk,
            offence_type=OffenceType.SOM,
            provision=ctx.som.pk,
            date_from=occurred - timedelta(days=10),
            date_to=occurred,
            recorded_on=occurred + timedelta(days=2),
            region=spec.get("region", ""),
            is_transnational=True,
        )
        smugglers = []
        for n in range(2):
            data = _suspect_data(ctx, n, "som", occurred)
            smugglers.append(
                suspects.suspect_add(
                    actor=police, criminal_case_id=record.pk, **{**data, "roles": [SuspectRole.SMUGGLER]}
                )
            )
        for smuggler in smugglers:
            process.charge_add(
                actor=ctx.users[PROSECUTOR],
                suspect=smuggler.pk,
                provision=ctx.som.pk,
                charged_on=occurred + timedelta(30),
            )
        links = {"criminal_case": record.pk, "smugglers": [s.pk for s in smugglers]}
        made = 1
    assisted = Case.objects.filter(country=ctx.code, case_type__in=["som", "both"], identified_on__gte=occurred)
    links["cases"] = list(assisted.order_by("pk").values_list("case_number", flat=True)[:2])
    incidents.incident_create(
        actor=police,
        occurred_on=occurred,
        location_type=spec["location_type"],
        incident_country=ctx.code,
        region=spec.get("region", ""),
        place=spec["place"],
        latitude=spec.get("latitude"),
        longitude=spec.get("longitude"),
        route=spec["route"],
        origin_countries=spec["origin_countries"],
        transit_countries=spec["transit_countries"],
        destination_country=spec["destination_country"],
        transport_mode=spec["transport_mode"],
        migrants_total=sum(row[3] for row in spec["migrants"]),
        dead=spec["dead"],
        missing=spec["missing"],
        injured=spec["injured"],
        survivors=spec["survivors"],
        aggravating_circumstances=spec["aggravating"],
        fee_per_migrant=spec["fee"],
        fee_currency=spec["currency"],
        information_source=spec["source"],
        migrants=[
            {"sex": sex, "age_group": age, "citizenship": citizenship, "count": count}
            for sex, age, citizenship, count in spec["migrants"]
        ],
        **links,
    )
    return made, 2 * made


def _showcase_stages(count: int) -> list[str]:
    stages = list(justice_config()["stages"])
    return [stages[i % len(stages)] for i in range(count)]


@transaction.atomic
def _country_load(ctx: _Country) -> tuple[int, int, int]:
    config = justice_config()
    per_country = config["criminal_cases_per_country"]
    count = per_country.get(ctx.code, per_country["default"])
    groups = _victim_groups(ctx.code, ctx.orgs, count)
    if ctx.code == "BR":  # the showcase first: forced labour on a farm, two defendants
        groups.sort(key=lambda item: item[0] != "ForcedLabour")
    made = defendants = 0
    for index, ((form, victims_), stage) in enumerate(zip(groups, _showcase_stages(len(groups)), strict=False)):
        if ctx.code == "BR" and index == 0:
            stage = "concluded"
        _record, people = _criminal_case(ctx, index + 1, form, victims_, stage)
        made, defendants = made + 1, defendants + people
    found = 0
    for spec in config["incidents"]:
        if spec["country"] == ctx.code:
            cases_made, smugglers = _incident(ctx, spec)
            made, defendants, found = made + cases_made, defendants + smugglers, found + 1
    audit_record(
        actor=None,
        action=AUDIT_ACTION,
        object_type=AUDIT_OBJECT,
        object_id=ctx.code,
        changes={"criminal_cases": made, "defendants": defendants, "incidents": found},
    )
    return made, defendants, found


def justice_load(options: Any) -> JusticeReport:
    """Load each country's justice demo once, after its victim cases (countries already loaded, or without demo
    victim cases, are left as they are)."""
    report = JusticeReport()
    done = loaded_countries()
    cases_loaded = loaded_counts()
    today = timezone.localdate(options.now)
    for country in options.countries:
        code = country["code"]
        prefix = code.lower()
        users = {login: options.users.get(f"{prefix}.{login}") for login in (POLICE, PROSECUTOR, JUDGE)}
        orgs = {key: options.organizations.get(f"{prefix}-{key}") for key in ("police", "prosecution", "court")}
        victim_orgs = {
            key: options.organizations[f"{prefix}-{key}"]
            for key in ("shelter", "ngo", "labour", "police", "child")
            if f"{prefix}-{key}" in options.organizations
        }
        if code in done or not cases_loaded.get(code) or None in users.values() or None in orgs.values():
            continue
        rng = random.Random(f"{options.seed}-justice-{code}")  # noqa: S311 (a demo plan, not a secret)
        ctx = _Country(
            code=code,
            language=country["language"],
            orgs={**victim_orgs, **orgs},
            users=users,
            today=today,
            rng=rng,
            tip=_provision(code, OffenceType.TIP),
            som=_provision(code, OffenceType.SOM),
        )
        made, defendants, found = _country_load(ctx)
        report.criminal_cases += made
        report.defendants += defendants
        report.incidents += found
        report.countries.append(code)
    return report


def seed(options: Any) -> JusticeReport:
    """The "justice" demo seeder (registered from justice/plugins.py), run after the cases and referrals."""
    return justice_load(options)
