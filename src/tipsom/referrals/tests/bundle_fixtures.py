"""Two countries' organizations, their exchange keys (each the other's partner) and a referral abroad from Brazil
to Ukraine, for the bundle, letter and command tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases import testing
from tipsom.cases.services import consent_record
from tipsom.organizations.testing import make_organization
from tipsom.referrals.models import ExchangeKey, ExchangePeer, Referral
from tipsom.referrals.services import referral_send
from tipsom.referrals.services.bundle import exchange_key_create, exchange_peer_add, exchange_public_keys

PHONE = "+5565999887766"
NAME = "Олена Коваль"


@dataclass
class World:
    br_org: Any
    ua_org: Any
    sender: Any
    importer: Any
    case: Any
    referral: Referral


def counts() -> tuple[int, int, int, int]:
    return (
        Referral.objects.count(),
        AuditEvent.objects.count(),
        ExchangeKey.objects.count(),
        ExchangePeer.objects.count(),
    )


def partner(country: str) -> ExchangePeer:
    keys = exchange_public_keys(country)
    return exchange_peer_add(
        actor=None,
        country=country,
        name=f"tipsom {country}",
        signing_public=keys["signing_public"],
        encryption_public=keys["encryption_public"],
    )


def make_case(organization: Any, user: User, sections_consent: list[str] | None = None) -> Any:
    case = testing.make_case(
        organization,
        actor=user,
        means_of_control=[],
        person={
            "names": [{"name": NAME, "name_latin": "Olena Koval"}],
            "gender": "Feminine",
            "citizenships": ["UA"],
            "languages": ["ukr"],
            "birth_date": "1998-04-02",
            "birth_date_precision": "exact",
            "contacts": [{"kind": "phone", "value": PHONE}],
        },
        case_type="tip",
        identified_on="2026-10-02",
        region="BR-MT",
        origin_country="UA",
        destination_country="BR",
        exploitation_types=["ForcedLabour"],
    )
    consent_record(
        actor=user,
        case_id=case.pk,
        purpose="referral",
        given=True,
        recorded_on=timezone.localdate().isoformat(),
        given_by="person",
        service_types=sections_consent or ["Shelter", "Return"],
    )
    return case


def make_world(*, channel: str = "abroad", sections: tuple[str, ...] = ("identity",)) -> World:
    br_org = make_organization("BR", name="Abrigo Esperança", phone="+556533221100", email="abrigo@example.org")
    ua_org = make_organization("UA", name="Kyiv Shelter")
    sender = make_user(br_org, roles=("case_manager",))
    importer = make_user(ua_org, roles=("case_manager",))
    exchange_ready()
    case = make_case(br_org, sender)
    referral = referral_send(
        actor=sender,
        case_id=case.pk,
        channel=channel,
        service_type="shelter",
        recipient="Kyiv Shelter, vul. Khreshchatyk 1",
        partner_country="UA" if channel == "abroad" else "",
        urgency="urgent",
        sections=list(sections),
        message="She asks to be met at the airport.",
    )
    return World(br_org, ua_org, sender, importer, case, referral)


def exchange_ready() -> None:
    """Keys for Brazil and Ukraine, each the other's partner (once per test database)."""
    for country in ("BR", "UA"):
        if not ExchangeKey.objects.filter(country=country).exists():
            exchange_key_create(actor=None, country=country)
    for country in ("BR", "UA"):
        if not ExchangePeer.objects.filter(country=country).exists():
            partner(country)


def referral_abroad(organization: Any, sections: tuple[str, ...] = ("identity",)) -> Referral:
    exchange_ready()
    user = make_user(organization, roles=("case_manager",))
    case = make_case(organization, user)
    return referral_send(
        actor=user,
        case_id=case.pk,
        channel="abroad",
        service_type="shelter",
        recipient="Kyiv Shelter",
        partner_country="UA",
        urgency="urgent",
        sections=list(sections),
        message="Meet her at the airport.",
    )
