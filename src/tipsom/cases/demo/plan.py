"""The demo cases' plan: about 2,000 synthetic victim cases across the 13 countries, computed from the seed alone
(no database). Routes, forms of exploitation, name pools and proportions are data (cases/data/demo_cases.json).
Each case is planned from its own generator (seed, country, index), so the first N cases of a country are the same
whatever the total."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from tipsom.cases.services import is_child_at
from tipsom.people.models import Person

CASES_FILE = Path(__file__).parent.parent / "data" / "demo_cases.json"

# Who owns a case: the organization key (countries.json organization_kinds), the login that registers and works
# it, and the supervisor who approves its decisions and closure (None: no supervisor in that organization).
OWNERS: dict[str, tuple[str, str, str | None]] = {
    "shelter": ("shelter", "shelter.case", "supervisor"),
    "ngo": ("ngo", "ngo.case", "ngo.supervisor"),
    "labour": ("labour", "identifier", None),
    "police": ("police", "police.identifier", None),
}
CHILD_OFFICER = "child"
LABOUR_FORMS = {"ForcedLabour", "ChildLabour"}
INDUSTRY_FORMS = {"ForcedLabour", "ChildLabour", "Servitude", "ForcedCriminality"}
ONLINE_RECRUITMENT = {"ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement"}
DECIDING_TYPES = {"NGO": 50, "Police": 25, "CourtOrProsecution": 15, "NonPoliceGovernmentalOrganization": 10}
ACTUAL = "ActualVictimOfTrafficking"
NOT_A_VICTIM = "NotAVictimOfTrafficking"


@cache
def cases_config() -> dict[str, Any]:
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CaseSpec:
    """One planned case and everything done on it, in order. Dates are ISO dates, all before `as_of`."""

    country: str
    index: int
    route: str
    owner: str  # key of OWNERS
    sex: str  # "f" or "m"
    group: str  # woman, man, girl, boy
    form: str  # primary form of exploitation, "" for a smuggled migrant only
    is_child: bool
    person: dict[str, Any]
    case: dict[str, Any]
    screening: dict[str, Any] | None
    events: tuple[dict[str, Any], ...]
    consents: tuple[dict[str, Any], ...]
    child_notify: bool = False
    child_updates: tuple[dict[str, Any], ...] = ()
    decision: dict[str, Any] | None = None
    decision_approved: bool = False
    assessments: tuple[dict[str, Any], ...] = ()
    plan_items: tuple[dict[str, Any], ...] = ()
    services: tuple[dict[str, Any], ...] = ()
    tasks: tuple[dict[str, Any], ...] = ()  # with "done": bool
    journal: tuple[str, ...] = ()
    follow_up: bool = False
    closure: dict[str, Any] | None = None
    closure_approved: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_som(self) -> bool:
        return self.case["case_type"] in ("som", "both")


# --- Small helpers on the generator ----------------------------------------------------------------------------
def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _sample_weighted(rng: random.Random, weights: Mapping[str, float], count: int) -> list[str]:
    pool = dict(weights)
    picked: list[str] = []
    while pool and len(picked) < count:
        key = _weighted(rng, pool)
        picked.append(key)
        del pool[key]
    return picked


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _within(day: date, as_of: date) -> date:
    return min(day, as_of)


# --- Names and phone numbers ----------------------------------------------------------------------------------
def synthetic_phone(rng: random.Random, country: dict[str, Any]) -> str:
    """A phone number in the country's format (countries.json phone_pattern, "#" a random digit), E.164."""
    digits = "".join(str(rng.randrange(10)) if char == "#" else char for char in country["phone_pattern"])
    return f"+{country['calling_code']}{digits}"


def _pool(citizenship: str) -> dict[str, Any]:
    pools = cases_config()["pools"]
    pool = pools[citizenship]
    if "same_as" in pool:
        return {**pools[pool["same_as"]], **{k: v for k, v in pool.items() if k != "same_as"}}
    return pool


def _parts(entry: Any) -> tuple[str, str]:
    return (entry[0], entry[1]) if isinstance(entry, list) else (entry, entry)


def _family_list(pool: dict[str, Any], sex: str) -> list[Any]:
    family = pool["family"]
    return family[sex] if isinstance(family, dict) else family


def synthetic_name(rng: random.Random, citizenship: str, sex: str) -> tuple[str, str]:
    """(name in the citizenship's script, Latin form or "" when the name is Latin already): a combination of
    common given and family names from the pools, never a real person's record."""
    pool = _pool(citizenship)
    native: list[str] = []
    latin: list[str] = []
    families = rng.sample(_family_list(pool, sex), pool.get("family_count", 1))
    given = _parts(rng.choice(pool["given"][sex]))
    for part_kind in pool.get("pattern", ["given", "family"]):
        if part_kind == "given":
            parts = [given]
        elif part_kind == "father":
            fathers = [_parts(item) for item in pool["given"]["m"] if _parts(item) != given]
            parts = [rng.choice(fathers)]
        else:
            parts = [_parts(item) for item in families]
        native.extend(part[0] for part in parts)
        latin.extend(part[1] for part in parts)
    name, name_latin = " ".join(native), " ".join(latin)
    return name, ("" if name == name_latin else name_latin)


# --- Planning one case -------------------------------------------------------------------------------------------
def _birth(
    rng: random.Random, identified: date, age: int, config: dict[str, Any], child: bool
) -> tuple[dict[str, Any], bool]:
    """(person birth fields, presumed minor) for an age at identification."""
    if child and rng.random() < config["presumed_minor_share"]:
        return {"is_presumed_minor": True}, True
    precision = _weighted(rng, config["birth_precision"])
    anniversary = identified.replace(year=identified.year - age, day=min(identified.day, 28))
    born = anniversary - timedelta(days=rng.randint(0, 364))
    text = {"exact": born.isoformat(), "year_month": born.isoformat()[:7]}.get(precision, str(born.year))
    return {"birth_date": text, "birth_date_precision": precision}, False


def _age(rng: random.Random, config: dict[str, Any], group: str, form: str) -> int:
    low, mode, high = config["ages"][group]
    if group in ("girl", "boy") and form in config["child_ages"]:
        low, mode, high = config["child_ages"][form]
    return round(rng.triangular(low, high, mode))


def _route_legs(rng: random.Random, route: dict[str, Any], citizenship: str) -> list[tuple[str, str, str]]:
    legs = []
    for leg in route["legs"]:
        event_type, where = leg[0], leg[1]
        if isinstance(where, dict):
            country = citizenship if citizenship in where else rng.choice(sorted(where))
            places = where[country]
        else:
            country, places = where, leg[2]
        legs.append((event_type, country, rng.choice(places)))
    return legs


def _event_dates(rng: random.Random, legs: list[tuple[str, str, str]], identified: date) -> list[dict[str, Any]]:
    exploitation_start = identified - timedelta(days=rng.randint(30, 720))
    recruited = exploitation_start - timedelta(days=rng.randint(5, 90))
    travel = recruited
    events = []
    for event_type, country, place in legs:
        if event_type == "Recruitment":
            start, end = recruited, None
        elif event_type == "Transit":
            start = min(travel + timedelta(days=rng.randint(1, 10)), identified)
            end = min(start + timedelta(days=rng.randint(0, 6)), identified)
            travel = end
        else:
            start = max(exploitation_start, travel)
            end = identified - timedelta(days=rng.randint(0, 10))
            end = max(end, start)
        events.append(
            {
                "event_type": event_type,
                "country": country,
                "place": place,
                "start_date": start.isoformat(),
                "end_date": end.isoformat() if end else None,
            }
        )
    if legs and all(leg[0] == "Transit" for leg in legs):
        # A smuggled migrant met on the way: the journey ends where the person was identified.
        span = rng.randint(5, 120)
        for position, event in enumerate(events):
            start = identified - timedelta(days=span - position * (span // (len(events) + 1)))
            event["start_date"] = start.isoformat()
            event["end_date"] = min(start + timedelta(days=rng.randint(1, 10)), identified).isoformat()
    return events


def _people_group(rng: random.Random, config: dict[str, Any], route: dict[str, Any], form: str, som: bool) -> str:
    shares = dict(config["smuggled"]["people"] if som else config["forms"][form]["people"])
    if route.get("children_only"):
        shares = {group: share for group, share in shares.items() if group in ("girl", "boy")}
    shares = {group: share for group, share in shares.items() if share > 0}
    return _weighted(rng, shares)


def plan_case(country: dict[str, Any], index: int, seed: int) -> CaseSpec:  # noqa: C901, PLR0912, PLR0915
    """The `index`-th demo case of a country, from (seed, country, index) alone."""
    config = cases_config()
    code = country["code"]
    rng = random.Random(f"{seed}:{code}:case:{index}")  # noqa: S311 (synthetic data, not secrets)
    as_of = _day(config["as_of"])
    route = config["routes"][code][
        rng.choices(range(len(config["routes"][code])), weights=[r["weight"] for r in config["routes"][code]])[0]
    ]
    citizenship = route["citizenship"]
    citizenship = _weighted(rng, citizenship) if isinstance(citizenship, dict) else citizenship
    case_type = _weighted(rng, route.get("case_types", {"tip": 1}))
    som = case_type in ("som", "both")
    forms: list[str] = []
    if case_type != "som":
        forms.append(_weighted(rng, route["forms"]))
        second = config["mixed_with"].get(forms[0])
        if second and rng.random() < config["mixed_share"]:
            forms.append(second)
    primary = forms[0] if forms else ""
    group = _people_group(rng, config, route, primary or "ForcedLabour", case_type == "som")
    sex = "f" if group in ("woman", "girl") else "m"
    child_planned = group in ("girl", "boy")
    start, until = _day(config["identified_from"]), _day(config["identified_until"])
    identified = start + timedelta(days=rng.randint(0, (until - start).days))
    age = _age(rng, config, group, primary)
    birth, presumed = _birth(rng, identified, age, config, child_planned)
    is_child = _child_at(birth, identified)

    # The person.
    pool = _pool(citizenship)
    name, latin = synthetic_name(rng, citizenship, sex)
    names = [{"name": name, "name_latin": latin}]
    if rng.random() < config["lifecycle"]["alias"]:
        alias, alias_latin = synthetic_name(rng, citizenship, sex)
        names.append({"name": alias, "name_latin": alias_latin, "kind": "alias"})
    languages = pool["languages"][:1] + [lang for lang in pool["languages"][1:] if rng.random() < 0.5]
    education = _weighted(rng, config["education"]["child" if child_planned else "adult"])
    contacts, documents = [], []
    if not is_child and rng.random() < config["lifecycle"]["contact"]:
        contacts.append({"kind": "phone", "value": synthetic_phone(rng, country)})
    if rng.random() < config["lifecycle"]["document"]:
        number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + str(rng.randint(1000000, 9999999))
        documents.append(
            {"doc_type": rng.choice(["passport", "national_id"]), "number": number, "issuing_country": citizenship}
        )
    gender = "Feminine" if sex == "f" else "Masculine"
    person = {
        "names": names,
        "gender": gender,
        "citizenships": [citizenship],
        "languages": languages,
        "education": education,
        "contacts": contacts,
        "documents": documents,
        **birth,
    }

    # The route and the exploitation.
    legs = _route_legs(rng, route, citizenship)
    recruitment_legs = [leg for leg in legs if leg[0] == "Recruitment"]
    origin = recruitment_legs[0][1] if recruitment_legs else citizenship
    destination = route.get("destination")
    if isinstance(destination, dict):
        destination = _weighted(rng, destination)
    if destination is None:
        exploitation = [leg for leg in legs if leg[0] == "Exploitation"]
        destination = exploitation[-1][1] if exploitation else code
    transit = list(dict.fromkeys(leg[1] for leg in legs if leg[0] == "Transit" and leg[1] not in (origin, destination)))
    events = _event_dates(rng, legs, identified)
    case: dict[str, Any] = {
        "case_type": case_type,
        "identified_on": identified.isoformat(),
        "region": rng.choice(route["regions"]),
        "origin_country": origin,
        "transit_countries": transit,
        "destination_country": destination,
    }
    means: list[str] = []
    if forms:
        profile = config["forms"][primary]
        means = rng.sample(profile["means"], rng.randint(1, min(4, len(profile["means"]))))
        industries: list[str] = []
        if set(forms) & INDUSTRY_FORMS and route.get("industries"):
            industries = rng.sample(route["industries"], 1 + (len(route["industries"]) > 1 and rng.random() < 0.2))
            if "Servitude" in forms and "T_ActivitiesOfHouseholdsAsEmployers" not in industries:
                industries.append("T_ActivitiesOfHouseholdsAsEmployers")
        recruitment = (
            rng.choice(route["recruitment"]) if "recruitment" in route else _weighted(rng, config["recruitment"])
        )
        apps = config["apps"].get(code, config["apps"]["default"])
        relationship = dict(config["relationship"])
        if child_planned:
            relationship["Familial"] *= 2
        vulnerabilities = _sample_weighted(rng, config["vulnerabilities"], rng.randint(1, 3))
        if origin != destination and "Migration" not in vulnerabilities:
            vulnerabilities.append("Migration")
        case.update(
            exploitation_types=forms,
            industries=industries,
            means_of_control=means,
            recruitment_methods=[recruitment],
            relationship_to_recruiter=[_weighted(rng, relationship)],
            vulnerabilities=vulnerabilities,
        )
        if recruitment in ONLINE_RECRUITMENT:
            case["recruitment_websites"] = rng.sample(apps, rng.randint(1, 2))
        if "SexualExploitation" in forms:
            case["sex_exploitation_types"] = [_weighted(rng, config["forms"]["SexualExploitation"]["sex_types"])]
            if case["sex_exploitation_types"] == ["RemoteInteractiveServices"] or rng.random() < 0.2:
                case["exploitation_websites"] = rng.sample(apps, 1)

    # Identification interview.
    screening = None
    som_vulnerabilities: list[str] = []
    if som:
        choices = [v for v in config["smuggled"]["vulnerabilities"] if v != "unaccompanied_child"]
        som_vulnerabilities = rng.sample(choices, rng.randint(1, 3))
        if child_planned and rng.random() < 0.7:
            som_vulnerabilities.insert(0, "unaccompanied_child")
    if rng.random() < 0.85 or som:
        acts = ["recruitment"] if forms else []
        if forms and (transit or origin != destination):
            acts.append("transportation")
        if forms and rng.random() < 0.5:
            acts.append("harbouring")
        screening = {
            "screened_on": identified.isoformat(),
            "acts": acts,
            "means": means,
            "purposes": list(forms),
            "som_vulnerabilities": som_vulnerabilities,
        }

    owner = _owner(rng, config, primary)
    _org, _actor, supervisor = OWNERS[owner]
    lifecycle = config["lifecycle"]
    texts = config["texts"].get(country["language"], config["texts"]["en"])
    support = list(config["forms"][primary]["support"] if forms else config["smuggled"]["support"])
    support = [kind for kind in support if kind != "Return"]

    # What happens next: decision, closure (only where a supervisor can approve it), work.
    days_known = (as_of - identified).days
    closing = bool(supervisor) and days_known >= 90 and rng.random() < lifecycle["closed"] / 0.8
    decision = None
    decision_approved = False
    if forms and rng.random() < lifecycle["not_a_victim"]:
        decision = {"status": NOT_A_VICTIM, "basis": texts["not_a_victim"]}
    elif not forms and rng.random() < 0.4:
        decision = {"status": NOT_A_VICTIM, "basis": texts["not_a_victim"]}
    elif forms and supervisor and (closing or rng.random() < lifecycle["actual"]):
        decision = {"status": ACTUAL, "basis": rng.choice(texts["basis"])}
        decision_approved = closing or rng.random() >= lifecycle["actual_pending"]
    if decision:
        decision.update(
            decided_on=_within(identified + timedelta(days=rng.randint(3, 45)), as_of).isoformat(),
            deciding_organization_type=_weighted(rng, DECIDING_TYPES),
        )
    closed_on = _within(identified + timedelta(days=rng.randint(90, 420)), as_of) if closing else as_of
    work_until = min(closed_on, as_of)

    def work_day(low: int, high: int) -> str:
        return min(identified + timedelta(days=rng.randint(low, high)), work_until).isoformat()

    # Consent, from the person or, for a child, a guardian or parent.
    given_by = ("guardian" if rng.random() < 0.7 else "parent") if is_child else "person"
    consents = [
        {"purpose": "data_processing", "given": True, "recorded_on": identified.isoformat(), "given_by": given_by}
    ]
    if rng.random() < config["consent"]["referral"]:
        types = sorted(set(rng.sample(support, min(len(support), rng.randint(2, 4)))) | {"Shelter"})
        consents.append(
            {
                "purpose": "referral",
                "given": True,
                "recorded_on": identified.isoformat(),
                "given_by": given_by,
                "service_types": types,
            }
        )
        if rng.random() < config["consent"]["withdrawn"]:
            consents.append(
                {"purpose": "referral", "given": False, "recorded_on": work_day(10, 90), "given_by": given_by}
            )
    for purpose in ("statistics", "follow_up"):
        if rng.random() < config["consent"][purpose]:
            consents.append(
                {"purpose": purpose, "given": True, "recorded_on": identified.isoformat(), "given_by": given_by}
            )

    # Child track.
    notify = is_child and (closing or rng.random() < lifecycle["child_notified"])
    child_updates: list[dict[str, Any]] = []
    tracing = "not_started"
    if notify:
        if closing or rng.random() < lifecycle["guardian"]:
            guardian: dict[str, Any] = {"guardian_appointed_on": work_day(1, 20)}
            if rng.random() < config["guardians"]["organization"]:
                guardian["guardian_organization"] = "child"
            else:
                guardian["guardian_name"] = synthetic_name(rng, code, rng.choice("fm"))[0]
            child_updates.append(guardian)
        steps: dict[str, Any] = {}
        if closing or rng.random() < lifecycle["best_interests_done"]:
            steps.update(best_interests="completed", best_interests_completed_on=work_day(10, 60))
        elif rng.random() < 0.6:
            steps["best_interests"] = "in_progress"
        if closing:
            tracing = _weighted(rng, {"family_found": 60, "not_found": 25, "not_in_best_interests": 15})
        else:
            tracing = _weighted(rng, {"not_started": 30, "in_progress": 45, "family_found": 25})
        if tracing != "not_started":
            steps["family_tracing"] = tracing
        if presumed:
            assessed = "minor" if closing else _weighted(rng, {"pending": 50, "minor": 42, "adult": 8})
            if assessed != "pending":
                steps["age_assessment"] = assessed
        if steps:
            child_updates.append(steps)

    # Case work.
    assessments, plan_items, services, tasks, journal = [], [], [], [], []
    if rng.random() < lifecycle["assessment"]:
        needs = rng.sample(support, min(len(support), rng.randint(1, 3)))
        level = rng.choice(["low", "medium", "high"])
        assessments.append({"kind": "needs", "assessed_on": work_day(1, 10), "level": level, "needs": needs})
        if rng.random() < 0.4:
            assessments.append(
                {
                    "kind": "individual_risk",
                    "assessed_on": work_day(1, 14),
                    "level": _weighted(rng, {"low": 25, "medium": 45, "high": 30}),
                }
            )
    if rng.random() < lifecycle["plan"]:
        for kind in rng.sample(support, min(len(support), rng.randint(1, 3))):
            target = identified + timedelta(days=rng.randint(30, 180))
            plan_items.append({"support_type": kind, "target_date": target.isoformat()})
    reason = ""
    status = "Closed"
    if closing:
        if decision and decision["status"] == NOT_A_VICTIM:
            reason = "not_a_victim"
        elif rng.random() < lifecycle["closed_referred_share"]:
            reason, status = "referred", "ClosedReferred"
        else:
            reason = _weighted(
                rng, {"services_completed": 50, "returned": 20, "lost_contact": 15, "declined": 10, "other": 5}
            )
            if reason == "returned" and is_child and tracing != "family_found":
                reason = "services_completed"
    if closing or rng.random() < lifecycle["services"]:
        for kind in rng.sample(support, min(len(support), rng.randint(1, 3))):
            outcome = (
                "completed"
                if closing
                else _weighted(rng, {"completed": 45, "ongoing": 40, "declined": 8, "not_available": 7})
            )
            provider = "shelter" if kind == "Shelter" else ("child" if is_child and kind == "SocialCare" else "ngo")
            services.append(
                {"support_type": kind, "delivered_on": work_day(1, 120), "provider": provider, "outcome": outcome}
            )
    if reason == "returned":
        provider = owner if owner in ("shelter", "ngo") else "ngo"
        services.append(
            {
                "support_type": "Return",
                "delivered_on": work_until.isoformat(),
                "provider": provider,
                "outcome": "completed",
            }
        )
    if rng.random() < lifecycle["tasks"]:
        for title in rng.sample(texts["tasks"], rng.randint(1, 2)):
            tasks.append(
                {
                    "title": title,
                    "due_on": (identified + timedelta(days=rng.randint(7, 60))).isoformat(),
                    "done": closing or rng.random() < 0.6,
                }
            )
    if rng.random() < lifecycle["journal"]:
        journal = rng.sample(texts["journal"], rng.randint(1, 3))

    closure = None
    closure_approved = False
    if closing:
        closure = {"status": status, "reason": reason, "closed_on": closed_on.isoformat()}
        closure_approved = rng.random() >= lifecycle["closure_pending"]
    follow_up = (not closing) and days_known > 180 and rng.random() < lifecycle["follow_up"]
    return CaseSpec(
        country=code,
        index=index,
        route=route["key"],
        owner=owner,
        sex=sex,
        group=group,
        form=primary,
        is_child=is_child,
        person=person,
        case=case,
        screening=screening,
        events=tuple(events),
        consents=tuple(consents),
        child_notify=notify,
        child_updates=tuple(child_updates),
        decision=decision,
        decision_approved=decision_approved,
        assessments=tuple(assessments),
        plan_items=tuple(plan_items),
        services=tuple(services),
        tasks=tuple(tasks),
        journal=tuple(journal),
        follow_up=follow_up,
        closure=closure,
        closure_approved=closure_approved,
        extra={"presumed_minor": presumed, "tracing": tracing},
    )


def _owner(rng: random.Random, config: dict[str, Any], form: str) -> str:
    owner = _weighted(rng, config["owners"])
    if owner == "identifier":
        return "labour" if form in LABOUR_FORMS else "police"
    return owner


def _child_at(birth: dict[str, Any], identified: date) -> bool:
    return is_child_at(Person(**birth), identified)


def case_counts(cases_per_country: int | None = None) -> dict[str, int]:
    """How many demo cases each country gets: the configured numbers, or the same number everywhere."""
    configured = cases_config()["cases_per_country"]
    if cases_per_country is None:
        return dict(configured)
    return dict.fromkeys(configured, max(0, cases_per_country))


def cases_plan(
    countries: list[dict[str, Any]],
    *,
    seed: int,
    cases_per_country: int | None = None,
    start: dict[str, int] | None = None,
) -> list[CaseSpec]:
    """Every planned case (or those from `start[country]` on), country by country, without the database."""
    counts = case_counts(cases_per_country)
    start = start or {}
    return [
        plan_case(country, index, seed)
        for country in countries
        for index in range(start.get(country["code"], 0), counts.get(country["code"], 0))
    ]
