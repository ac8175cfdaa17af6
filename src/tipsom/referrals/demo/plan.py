"""The referral mechanism's demo plan, from the seed alone (no database): each country's service directory,
pathways and response times, and the referrals of the planned demo cases (which, when, how each ends), from
(seed, country, case index) like the cases. Services, pathways, texts and proportions are data
(referrals/data/demo_services.json)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from tipsom.cases.demo import (
    OWNERS,
    CaseSpec,
    cases_config,
    cases_plan,
    synthetic_phone,
)
from tipsom.referrals.sections import minimum_sections

SERVICES_FILE = Path(__file__).parent.parent / "data" / "demo_services.json"
HOUR = 1.0
DAY = 24.0


@cache
def referrals_config() -> dict[str, Any]:
    return json.loads(SERVICES_FILE.read_text(encoding="utf-8"))


# --- The directory ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServiceSpec:
    organization: str  # key of countries.json organization_kinds
    variant: str  # key of services.json service_names
    fields: dict[str, Any]  # for service_create


def service_plan(country: dict[str, Any], seed: int, kinds: list[dict[str, Any]]) -> list[ServiceSpec]:
    """The country's demo services, 1 to 4 per service-providing organization, from the seed alone. `kinds`: the
    demo's organization kinds (countries.json organization_kinds), for each organization's home region."""
    config = referrals_config()
    code = country["code"]
    rng = random.Random(f"{seed}:{code}:services")  # noqa: S311 (synthetic data, not secrets)
    language = config["name_language"][code]
    regions = [region["code"] for region in country["regions"]]
    by_key = {kind["key"]: kind for kind in kinds}
    specs = []
    for org_key, templates in config["services"].items():
        local = country["organizations"][org_key]
        home = regions[local.get("region", by_key[org_key]["region"]) % len(regions)]
        for template in templates:
            fields: dict[str, Any] = {
                "service_type": template["type"],
                "name": f"{config['service_names'][template['variant']][language]} — {local['name']}",
                "hours": config["hours"][template["hours"]][language],
                "phone": synthetic_phone(rng, country),
                "email": f"{code.lower()}-{org_key}-{template['variant'].replace('_', '-')}@demo.example",
                "sexes": list(template.get("sexes", [])),
                "age_min": template.get("age_min"),
                "age_max": template.get("age_max"),
            }
            if template.get("nationwide"):
                fields["regions"] = []
            else:
                others = [region for region in regions if region != home]
                fields["regions"] = [home, *sorted(rng.sample(others, template.get("extra_regions", 0)))]
            if "languages" in template:
                fields["languages"] = list(config[f"{template['languages']}_languages"][code])
            if "places" in template:
                total = rng.randint(*template["places"])
                full = rng.random() < template.get("full_share", 0.0)
                fields["capacity_total"] = total
                fields["capacity_available"] = 0 if full else rng.randint(1, total)
            specs.append(ServiceSpec(organization=org_key, variant=template["variant"], fields=fields))
    return specs


def pathway_plan(country: dict[str, Any]) -> list[dict[str, Any]]:
    """The four demo pathways of a country, for pathway_create."""
    config = referrals_config()
    language = config["name_language"][country["code"]]
    return [
        {
            "name": config["pathway_names"][item["key"]][language],
            "child": item["child"],
            "foreign": item["foreign"],
            "case_types": list(item["case_types"]),
            "service_types": list(item["service_types"]),
            "priority": item["priority"],
        }
        for item in config["pathways"]
    ]


def response_plan(code: str) -> dict[str, int]:
    """Hours to answer per urgency: the usual 2 / 24 / 120, and other times where a country chose them."""
    hours = referrals_config()["response_hours"]
    return dict(hours.get(code, hours["default"]))


# --- Planning referrals ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReferralSpec:
    """One planned referral of a demo case. Times are hours before loading; None where the step did not happen.
    `state` "expire" is a referral nobody answered: sent past its time, the expiry job ends it."""

    country: str
    case_index: int
    organization: str  # receiving organization key
    variant: str
    service_type: str
    urgency: str
    state: str
    sections: tuple[str, ...]
    sent_ago: float
    answered_ago: float | None = None
    started_ago: float | None = None
    ended_ago: float | None = None
    outcome: str = ""
    text: int = 0  # which of the texts (message, reason) to use

    @property
    def responded(self) -> bool:
        return self.answered_ago is not None


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _pathway(spec: CaseSpec) -> list[str]:
    foreign = spec.person["citizenships"] != [spec.country]
    by_key = {item["key"]: item["service_types"] for item in referrals_config()["pathways"]}
    if spec.is_child:
        return by_key["child"]
    if spec.case["case_type"] == "som":
        return by_key["migrant"]
    return by_key["foreign" if foreign else "national"]


def _variant(service_type: str, spec: CaseSpec, rng: random.Random) -> str:
    if service_type == "shelter":
        if spec.is_child:
            return "shelter_children"
        return "shelter_women" if spec.sex == "f" and rng.random() < 0.75 else "shelter_adults"
    if service_type == "education":
        return "education_children" if spec.is_child else "education"
    return service_type


def _variant_organizations() -> dict[str, str]:
    return {t["variant"]: org for org, templates in referrals_config()["services"].items() for t in templates}


def _timeline(rng: random.Random, state: str, sla: float, limit: float) -> dict[str, Any] | None:
    """Hours-ago of each step for a referral ending in `state`; None when the case is too recent for it."""

    def tail(fixed: float, longest: float) -> float:
        return rng.uniform(HOUR, max(1.5 * HOUR, min(longest, limit - fixed)))

    answer = rng.uniform(0.05, 0.9) * sla
    times: dict[str, Any] = {}
    if state == "sent":
        times["sent_ago"] = rng.uniform(0.1, 0.8) * sla
    elif state == "expire":
        times["sent_ago"] = sla + tail(sla, 60 * DAY)
    elif state in ("accepted", "accepted_late"):
        since = rng.uniform(0.05, 0.9) * sla if state == "accepted" else sla + tail(answer + sla, 30 * DAY)
        times.update(answered_ago=since, sent_ago=since + answer)
    elif state == "declined":
        since = tail(answer, 120 * DAY)
        times.update(answered_ago=since, sent_ago=since + answer)
    elif state == "in_progress":
        start_after = rng.uniform(0.1, 0.9) * sla
        since = tail(answer + start_after, 90 * DAY)
        times.update(started_ago=since, answered_ago=since + start_after, sent_ago=since + start_after + answer)
    elif state == "completed":
        start_after, lasted = rng.uniform(0.1, 0.9) * sla, rng.uniform(DAY, 45 * DAY)
        since = tail(answer + start_after + lasted, 60 * DAY)
        times.update(
            ended_ago=since,
            started_ago=since + lasted,
            answered_ago=since + lasted + start_after,
            sent_ago=since + lasted + start_after + answer,
        )
    elif state == "revoked":
        since = tail(answer, 60 * DAY)
        times.update(ended_ago=since, sent_ago=since + answer)
        if rng.random() < 0.5:  # revoked after the receiver accepted
            times["answered_ago"] = since + answer * 0.5
    return times if times["sent_ago"] < limit else None


def plan_case_referrals(country: dict[str, Any], spec: CaseSpec, seed: int) -> tuple[ReferralSpec, ...]:
    """The referrals of one demo case (none for most), from (seed, country, case index) alone."""
    config = referrals_config()["referrals"]
    code = country["code"]
    rng = random.Random(f"{seed}:{code}:referral:{spec.index}")  # noqa: S311 (synthetic data, not secrets)
    if rng.random() >= config["share"]:
        return ()
    withdrawn = any(c["purpose"] == "referral" and not c["given"] for c in spec.consents)
    if spec.closure is not None or withdrawn:
        return ()
    count = 2 if rng.random() < config["second_share"] else 1
    own = OWNERS[spec.owner][0]
    organizations = _variant_organizations()
    choices = []
    for service_type in _pathway(spec):
        variant = _variant(service_type, spec, rng)
        if organizations[variant] != own:
            choices.append((service_type, variant))
    # The first steps of the pathway come first more often.
    picked: list[tuple[str, str]] = []
    for service_type, variant in choices:
        if len(picked) < count and rng.random() < 0.6:
            picked.append((service_type, variant))
    picked = picked or choices[:1]
    as_of = cases_config()["as_of"]
    age = (_date(as_of) - _date(spec.case["identified_on"])).days * DAY
    limit = min(config["max_days_ago"] * DAY, age - DAY)
    hours = response_plan(code)
    referrals = []
    for service_type, variant in picked:
        urgency = _weighted(rng, config["urgency"])
        state = _weighted(rng, config["states"])
        if service_type == "return_reintegration" and spec.is_child and state == "completed":
            state = "in_progress"  # a child's return waits for the child-protection steps
        times = _timeline(rng, state, float(hours[urgency]), limit)
        if times is None:
            state, times = "sent", {"sent_ago": rng.uniform(0.1, 0.8) * hours[urgency]}
        sections = list(minimum_sections(service_type))
        if rng.random() < 0.5 and "needs" not in sections:
            sections.append("needs")
        outcome = _weighted(rng, config["outcomes"]) if state == "completed" else ""
        referrals.append(
            ReferralSpec(
                country=code,
                case_index=spec.index,
                organization=organizations[variant],
                variant=variant,
                service_type=service_type,
                urgency=urgency,
                state=state,
                sections=tuple(sections),
                outcome=outcome,
                text=rng.randrange(1000),
                **times,
            )
        )
    return tuple(referrals)


def _date(value: str) -> date:
    return date.fromisoformat(value)


def referrals_plan(
    countries: list[dict[str, Any]],
    *,
    seed: int,
    cases_per_country: int | None = None,
    start: dict[str, int] | None = None,
) -> list[ReferralSpec]:
    """Every planned referral of the planned demo cases (or of those from `start[country]` on), no database."""
    by_code = {country["code"]: country for country in countries}
    return [
        referral
        for spec in cases_plan(countries, seed=seed, cases_per_country=cases_per_country, start=start)
        for referral in plan_case_referrals(by_code[spec.country], spec, seed)
    ]
