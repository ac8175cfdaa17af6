"""The referrals app's demo data (`tipsom demo`, registered as the "referrals" demo seeder, after the cases): the
National Referral Mechanism: a service directory, referral pathways and response times for each of the 13
countries, referrals of about one demo case in three in every state, and one transnational referral (a Ukrainian
woman identified in Poland, referred home to Ukraine as a signed, encrypted bundle).

Services, pathways, texts and proportions are data (referrals/data/demo_services.json). What is referred, when and
how it ends is planned from (seed, country, case index) alone, like the cases (cases/demo.py), so the same seed
gives the same referrals; times are counted back from the moment of loading, so the demo always has referrals
waiting, late and done. The directory is written through the directory services as the country's administrator;
the first referrals of each country go through referral_send / accept / decline / start / complete as the staff
who would take each step, the rest through referrals_bulk_import (the same checks: active service of the country,
consent, warnings), their consents through cases' case_work_bulk_add, with one `demo.referrals` audit event per
country. The expiry job runs once at the end, as it would every few minutes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tipsom.accounts.models import Role, User
from tipsom.accounts.services import user_create
from tipsom.audit.models import AuditEvent
from tipsom.audit.services import audit_record
from tipsom.cases.demo import (
    OWNERS,
    CaseSpec,
    cases_config,
    cases_plan,
    demo_staff,
    loaded_cases,
    loaded_counts,
    synthetic_name,
    synthetic_phone,
)
from tipsom.cases.services import CaseWorkImport, case_register, case_work_bulk_add, consent_record
from tipsom.organizations.models import Organization
from tipsom.organizations.services import organization_create
from tipsom.referrals import services as rs
from tipsom.referrals.models import SUPPORT_TYPE, ExchangeKey, ExchangePeer, Pathway, ResponseTime, Service, ServiceType
from tipsom.referrals.sections import minimum_sections
from tipsom.referrals.services import ReferralImport, directory, referrals_bulk_import
from tipsom.referrals.services.bundle import (
    exchange_key_create,
    exchange_peer_add,
    exchange_public_keys,
    referral_bundle_export,
    referral_bundle_import,
)

SERVICES_FILE = Path(__file__).parent / "data" / "demo_services.json"
AUDIT_ACTION = "demo.referrals"
AUDIT_OBJECT = "demo.referrals"
TRANSNATIONAL_ID = "PL-UA"
# Who answers referrals in each demo organization (countries.json users); the national coordination office and
# the helpline have no one with referral rights, so their referrals are only written in bulk.
RESPONDERS = {
    "shelter": "shelter.case",
    "ngo": "ngo.case",
    "child": "child",
    "labour": "identifier",
    "police": "police.identifier",
}
ADMIN = "admin"
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


# --- Loading ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReferralsReport:
    services_created: int = 0
    pathways_created: int = 0
    referrals_created: int = 0
    through_services: int = 0
    expired: int = 0
    overdue: int = 0
    transnational: bool = False

    @property
    def summary(self) -> str:
        """The line `tipsom demo` prints."""
        pair = "; a transnational referral from Poland (login pl.case) received in Ukraine."
        return (
            f"Referral mechanism: services {self.services_created} created; referrals {self.referrals_created} "
            f"created, {self.expired} expired unanswered" + (pair if self.transnational else ".")
        )


def _texts(country: dict[str, Any]) -> dict[str, list[str]]:
    texts = referrals_config()["texts"]
    return texts.get(country["language"], texts["en"])


def _pick(texts: dict[str, list[str]], kind: str, index: int) -> str:
    return texts[kind][index % len(texts[kind])]


def loaded_referral_counts() -> dict[str, int]:
    """Up to which case index each country's referrals were loaded, from the `demo.referrals` events."""
    counts: dict[str, int] = {}
    events = AuditEvent.objects.filter(action=AUDIT_ACTION, object_type=AUDIT_OBJECT)
    for country, changes in events.values_list("object_id", "changes"):
        counts[country] = max(counts.get(country, 0), int((changes or {}).get("to", 0)))
    return counts


def _directory_load(
    country: dict[str, Any], orgs: dict[str, Any], admin: Any, seed: int, kinds: list[dict[str, Any]]
) -> tuple[int, int]:
    """The country's services, pathways and response times, through their services, unless it has them."""
    code = country["code"]
    services = pathways = 0
    if not Service.objects.filter(organization__in=list(orgs.values())).exists():
        for spec in service_plan(country, seed, kinds):
            directory.service_create(actor=admin, organization_id=orgs[spec.organization].pk, **spec.fields)
            services += 1
    if not Pathway.objects.filter(country=code).exists():
        for fields in pathway_plan(country):
            directory.pathway_create(actor=admin, **fields)
            pathways += 1
    if not ResponseTime.objects.filter(country=code).exists():
        for urgency, hours in response_plan(code).items():
            directory.response_time_set(actor=admin, country=code, urgency=urgency, hours=hours)
    return services, pathways


def _service_index(
    country: dict[str, Any], orgs: dict[str, Any], seed: int, kinds: list[dict[str, Any]]
) -> dict[str, Any]:
    """variant -> the country's Service, matched by organization and name."""
    rows = {(s.organization_id, s.name): s for s in Service.objects.filter(organization__in=list(orgs.values()))}
    found = {}
    for spec in service_plan(country, seed, kinds):
        service = rows.get((orgs[spec.organization].pk, spec.fields["name"]))
        if service is not None and service.is_active:
            found[spec.variant] = service
    return found


def _support(service_type: str) -> str:
    return SUPPORT_TYPE[ServiceType(service_type)]


class _Country:
    """Everything one country's referrals need: its staff, services and cases, and the clock."""

    def __init__(
        self, country: dict[str, Any], orgs: dict[str, Any], users: dict[str, Any], services: dict[str, Any], now: Any
    ) -> None:
        self.country = country
        self.orgs = orgs
        self.users = users
        self.services = services
        self.now = now
        self.texts = _texts(country)

    def sender(self, spec: CaseSpec) -> Any:
        return self.users[OWNERS[spec.owner][1]]

    def responder(self, organization: str) -> Any:
        login = RESPONDERS.get(organization)
        return self.users.get(login) if login else None

    def at(self, hours_ago: float | None) -> Any:
        return None if hours_ago is None else self.now - timedelta(hours=hours_ago)


def _through_services(ctx: _Country, spec: CaseSpec, case: Any, referrals: list[ReferralSpec]) -> None:
    """Consent, then each referral sent and answered through the services, as the staff who would do it."""
    sender = ctx.sender(spec)
    consent_record(
        actor=sender,
        case_id=case.pk,
        purpose="referral",
        given=True,
        recorded_on=timezone.localdate(),
        given_by="guardian" if case.is_child else "person",
        service_types=sorted({_support(r.service_type) for r in referrals}),
    )
    for item in referrals:
        service = ctx.services[item.variant]
        warnings = rs.referral_warnings(service, case)
        referral = rs.referral_send(
            actor=sender,
            case_id=case.pk,
            service_id=service.pk,
            urgency=item.urgency,
            sections=list(item.sections),
            message=_pick(ctx.texts, "message", item.text),
            warning_override=_pick(ctx.texts, "warning", item.text) if warnings else "",
        )
        receiver = ctx.responder(item.organization)
        state = {"expire": "sent", "accepted_late": "accepted"}.get(item.state, item.state)
        if state == "revoked":
            rs.referral_revoke(actor=sender, referral_id=referral.pk, reason=_pick(ctx.texts, "revoke", item.text))
        elif state == "declined":
            rs.referral_decline(actor=receiver, referral_id=referral.pk, reason=_pick(ctx.texts, "decline", item.text))
        elif state in ("accepted", "in_progress", "completed"):
            rs.referral_accept(actor=receiver, referral_id=referral.pk)
            if state in ("in_progress", "completed"):
                rs.referral_start(actor=receiver, referral_id=referral.pk)
            if state == "completed":
                rs.referral_complete(
                    actor=receiver,
                    referral_id=referral.pk,
                    outcome=item.outcome,
                    notes=_pick(ctx.texts, "outcome", item.text),
                )


def _bulk(ctx: _Country, pairs: list[tuple[CaseSpec, Any, list[ReferralSpec]]]) -> int:
    """The consents (cases' case_work_bulk_add) then the referrals (referrals_bulk_import) of many cases, each
    checked as consent_record and referral_send check it; the services delivered of completed referrals go on
    their cases with them."""
    note = {"source": "demo", "country": ctx.country["code"]}
    consents = []
    for spec, case, referrals in pairs:
        first_sent = min(ctx.at(r.sent_ago) for r in referrals)
        consent = {
            "purpose": "referral",
            "given": True,
            "recorded_on": max(timezone.localdate(first_sent), case.identified_on),
            "given_by": "guardian" if case.is_child else "person",
            "service_types": sorted({_support(r.service_type) for r in referrals}),
        }
        consents.append(CaseWorkImport(case=case, created_by=ctx.sender(spec), consents=[consent]))
    case_work_bulk_add(actor=None, records=consents, note=note)
    final = {"expire": "sent", "accepted_late": "accepted"}
    records = []
    for spec, case, referrals in pairs:
        for item in referrals:
            state = final.get(item.state, item.state)
            warnings = rs.referral_warnings(ctx.services[item.variant], case)
            records.append(
                ReferralImport(
                    case=case,
                    service=ctx.services[item.variant],
                    created_by=ctx.sender(spec),
                    sent_at=ctx.at(item.sent_ago),
                    urgency=item.urgency,
                    sections=item.sections,
                    message=_pick(ctx.texts, "message", item.text),
                    warning_override=_pick(ctx.texts, "warning", item.text) if warnings else "",
                    state=state,
                    responded_at=ctx.at(item.answered_ago),
                    responded_by=ctx.responder(item.organization) if item.responded else None,
                    started_at=ctx.at(item.started_ago),
                    ended_at=ctx.at(item.ended_ago),
                    outcome=item.outcome,
                    outcome_notes=_pick(ctx.texts, "outcome", item.text) if item.outcome else "",
                    decline_reason=_pick(ctx.texts, "decline", item.text) if state == "declined" else "",
                    revoke_reason=_pick(ctx.texts, "revoke", item.text) if state == "revoked" else "",
                )
            )
    return len(referrals_bulk_import(actor=None, records=records, note=note))


def _country_referrals(ctx: _Country, seed: int, start: int, end: int, service_referrals: int) -> tuple[int, int]:
    code = ctx.country["code"]
    cases = loaded_cases(code, list(ctx.orgs.values()), start, end)
    specs = cases_plan([ctx.country], seed=seed, cases_per_country=end, start={code: start})
    through = bulk_count = 0
    bulk: list[tuple[CaseSpec, Any, list[ReferralSpec]]] = []
    for spec, case in zip(specs, cases, strict=False):
        referrals = [r for r in plan_case_referrals(ctx.country, spec, seed) if r.variant in ctx.services]
        if not referrals:
            continue
        answerable = all(ctx.responder(r.organization) is not None for r in referrals)
        if start == 0 and through < service_referrals and answerable:
            _through_services(ctx, spec, case, referrals)
            through += len(referrals)
        else:
            bulk.append((spec, case, referrals))
    if bulk:
        bulk_count = _bulk(ctx, bulk)
    return through, bulk_count


@transaction.atomic
def referrals_load(
    options: Any, *, service_referrals: int | None = None, now: datetime | None = None
) -> ReferralsReport:
    """Load each country's directory (when it has none), the referrals of the demo cases loaded since the last
    run, the transnational pair (once, when there are cases), then run the expiry job once. `options` are the
    demo's (seed, countries, organization_kinds, organizations, users, password)."""
    if service_referrals is None:
        service_referrals = referrals_config()["referrals"]["through_services"]
    now = now or options.now
    seed, kinds = options.seed, list(options.organization_kinds)
    cases_done = loaded_counts()
    referrals_done = loaded_referral_counts()
    services = pathways = created = through = 0
    for country in options.countries:
        code = country["code"]
        staff = demo_staff(country, options)
        admin = options.users.get(f"{code.lower()}.{ADMIN}")
        if staff is None or admin is None:
            continue
        orgs, users = staff
        users = {**users, **_responders(code, users, options)}
        made = _directory_load(country, orgs, admin, seed, kinds)
        services, pathways = services + made[0], pathways + made[1]
        start, end = referrals_done.get(code, 0), cases_done.get(code, 0)
        if end <= start:
            continue
        ctx = _Country(country, orgs, users, _service_index(country, orgs, seed, kinds), now)
        sent_through, in_bulk = _country_referrals(ctx, seed, start, end, service_referrals)
        created, through = created + sent_through + in_bulk, through + sent_through
        audit_record(
            actor=None,
            action=AUDIT_ACTION,
            object_type=AUDIT_OBJECT,
            object_id=code,
            changes={"seed": seed, "from": start, "to": end, "through_services": sent_through, "in_bulk": in_bulk},
        )
    transnational = transnational_load(options) if any(cases_done.values()) else False
    job = rs.referrals_expire_due(now=now)
    return ReferralsReport(
        services_created=services,
        pathways_created=pathways,
        referrals_created=created + int(transnational),
        through_services=through,
        expired=job["expired"],
        overdue=job["overdue"],
        transnational=transnational,
    )


def _responders(code: str, users: dict[str, Any], options: Any) -> dict[str, Any]:
    """The staff who answer referrals in each organization (RESPONDERS) that are not among `users` yet."""
    wanted = [login for login in RESPONDERS.values() if login not in users]
    prefix = code.lower()
    return {login: options.users[f"{prefix}.{login}"] for login in wanted if f"{prefix}.{login}" in options.users}


def seed(options: Any) -> ReferralsReport:
    """The "referrals" demo seeder (registered by ReferralsConfig.ready), run after the cases."""
    return referrals_load(options)


# --- The transnational pair ------------------------------------------------------------------------------------
def _keys_and_peers(names: dict[str, str]) -> None:
    """Both countries' exchange keys in this one database, each the other's peer."""
    for country in names:
        if not ExchangeKey.objects.filter(country=country).exists():
            exchange_key_create(actor=None, country=country)
    for other in names:
        if not ExchangePeer.objects.filter(country=other).exists():
            keys = exchange_public_keys(other)
            exchange_peer_add(
                actor=None,
                country=other,
                name=names[other],
                signing_public=keys["signing_public"],
                encryption_public=keys["encryption_public"],
            )


def transnational_load(options: Any) -> bool:
    """A Ukrainian woman identified in Poland by a Polish NGO, who agrees to return home: referred abroad for
    return and reintegration, exported as a bundle, imported by the Ukrainian NGO, accepted there and registered
    as a Ukrainian case. Once."""
    if AuditEvent.objects.filter(action=AUDIT_ACTION, object_type=AUDIT_OBJECT, object_id=TRANSNATIONAL_ID).exists():
        return False
    config = referrals_config()["transnational"]
    receiver = options.users.get(f"ua.{RESPONDERS[config['receiver']]}")
    if receiver is None:
        return False
    _keys_and_peers(config["peer_names"])
    org_fields = dict(config["sender"])
    organization = Organization.objects.filter(code=org_fields["code"]).first()
    organization = organization or organization_create(actor=None, **org_fields)
    user_fields = dict(config["user"])
    sender = User.objects.filter(username=user_fields["username"]).first()
    if sender is None:
        role = Role.objects.get(slug=user_fields.pop("role"))
        sender = user_create(
            actor=None, password=options.password, organization=organization, roles=[role], **user_fields
        )
    rng = random.Random(f"{options.seed}:PL:transnational")  # noqa: S311 (synthetic data, not secrets)
    name, latin = synthetic_name(rng, "UA", "f")
    case_fields = dict(config["case"])
    identified = timezone.localdate() - timedelta(days=case_fields.pop("identified_days_before"))
    case = case_register(
        actor=sender,
        organization=organization,
        person={
            "names": [{"name": name, "name_latin": latin}],
            "gender": "Feminine",
            "citizenships": ["UA"],
            "languages": ["uk", "ru"],
            "birth_date": str(identified.year - rng.randint(24, 41)),
            "birth_date_precision": "estimated",
        },
        identified_on=identified.isoformat(),
        **case_fields,
    )
    consent_record(
        actor=sender,
        case_id=case.pk,
        purpose="referral",
        given=True,
        recorded_on=identified,
        given_by="person",
        service_types=["Return"],
    )
    referral = rs.referral_send(
        actor=sender,
        case_id=case.pk,
        channel="abroad",
        service_type="return_reintegration",
        partner_country="UA",
        recipient=receiver.organization.name,
        urgency="urgent",
        sections=["identity", "contact", "needs"],
        message=config["message"],
    )
    content = referral_bundle_export(actor=sender, referral_id=referral.pk, to="UA")
    received = referral_bundle_import(actor=receiver, content=content)
    rs.referral_accept(actor=receiver, referral_id=received.pk)
    # Ukraine registers her to follow the return and reintegration; the service goes on that case.
    rs.referral_case_register(actor=receiver, referral_id=received.pk)
    audit_record(
        actor=None,
        action=AUDIT_ACTION,
        object_type=AUDIT_OBJECT,
        object_id=TRANSNATIONAL_ID,
        changes={"seed": options.seed, "sent": referral.pk, "received": received.pk},
    )
    return True
