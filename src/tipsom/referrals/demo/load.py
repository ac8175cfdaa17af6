"""Loading the referral mechanism's demo data: the directory through the directory services as the country's
administrator; the first referrals of each country through referral_send / accept / decline / start / complete as
the staff who would take each step, the rest through referrals_bulk_import (the same checks: active service of
the country, consent, warnings), their consents through cases' case_work_bulk_add, with one `demo.referrals`
audit event per country; times are counted back from the moment of loading, so the demo always has referrals
waiting, late and done. Then the transnational pair, once, and the expiry job, as it would run every few minutes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
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
    cases_plan,
    demo_staff,
    loaded_cases,
    loaded_counts,
    synthetic_name,
)
from tipsom.cases.services import CaseWorkImport, case_register, case_work_bulk_add, consent_record
from tipsom.organizations.models import Organization
from tipsom.organizations.services import organization_create
from tipsom.referrals import services as rs
from tipsom.referrals.demo.plan import (
    ReferralSpec,
    pathway_plan,
    plan_case_referrals,
    referrals_config,
    response_plan,
    service_plan,
)
from tipsom.referrals.models import SUPPORT_TYPE, ExchangeKey, ExchangePeer, Pathway, ResponseTime, Service, ServiceType
from tipsom.referrals.services import ReferralImport, directory, referrals_bulk_import
from tipsom.referrals.services.bundle import (
    exchange_key_create,
    exchange_peer_add,
    exchange_public_keys,
    referral_bundle_export,
    referral_bundle_import,
)

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
