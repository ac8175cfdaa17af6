"""Builders for referral tests: organizations with staff and services, cases registered and consented through the
real case services, and a snapshot of the rows a refused write must leave untouched.

    world = make_world()                     # a Brazilian NGO with a consented case, and a shelter provider
    referral = send(world)                   # a referral to the shelter, as the NGO's case manager
    before = snapshot(); ...; assert snapshot() == before
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases import testing
from tipsom.cases.models import Case, ServiceDelivery
from tipsom.cases.services import consent_record
from tipsom.notifications.models import Notification
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.referrals.models import ExchangePeer, Referral, Service, Transfer
from tipsom.referrals.testing import make_service

COUNTRY = "BR"
REGION = "BR-MT"
# The support types (spl_Type) the person agrees to share with, matching referrals.models.SUPPORT_TYPE.
ALL_SUPPORT = ["Shelter", "Health", "Legal", "SocialCare", "Return", "Interpretation"]


def days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def adult_person(**overrides: Any) -> dict[str, Any]:
    """A Bolivian woman of about 30."""
    return {
        "names": [{"name": "Rosa Condori Huanca"}],
        "gender": "Feminine",
        "citizenships": ["BO"],
        "languages": ["spa"],
        "birth_date": str(timezone.localdate().year - 30),
        "birth_date_precision": "estimated",
        **overrides,
    }


def child_person(**overrides: Any) -> dict[str, Any]:
    """A Bolivian girl of about 15 (a child case: the child track starts)."""
    return adult_person(
        names=[{"name": "Juana Mamani Quispe"}],
        birth_date=str(timezone.localdate().year - 15),
        languages=["spa", "que"],
        **overrides,
    )


def case_fields(**overrides: Any) -> dict[str, Any]:
    return {
        "case_type": "tip",
        "identified_on": days_ago(30),
        "region": REGION,
        "origin_country": "BO",
        "destination_country": COUNTRY,
        "exploitation_types": ["ForcedLabour"],
        **overrides,
    }


def make_case(actor: User, organization: Organization | None = None, *, child: bool = False, **fields: Any) -> Case:
    """A case registered through case_register (its audit event and status decision included)."""
    person = fields.pop("person", None) or (child_person() if child else adult_person())
    organization = organization or actor.organization
    return testing.make_case(organization, actor=actor, person=person, means_of_control=[], **case_fields(**fields))


def give_consent(actor: User, case: Case, service_types: list[str] | None = None, *, given: bool = True) -> Any:
    """Consent for referral (or its withdrawal) recorded through consent_record; a child's by a guardian."""
    return consent_record(
        actor=actor,
        case_id=case.pk,
        purpose="referral",
        given=given,
        recorded_on=timezone.localdate(),
        given_by="guardian" if case.is_child else "person",
        service_types=(ALL_SUPPORT if service_types is None else service_types) if given else None,
    )


def make_peer(country: str = "AR", **fields: Any) -> ExchangePeer:
    defaults = {"name": f"tipsom {country}", "signing_public": "a" * 64, "encryption_public": "b" * 64}
    defaults.update(fields)
    return ExchangePeer.objects.create(country=country, **defaults)


@dataclass
class World:
    """Who takes part in a referral: the case's organization (sender) and a provider (receiver)."""

    home: Organization
    identifier: User
    manager: User  # the sender
    supervisor: User
    provider: Organization
    receiver: User  # the provider's case manager
    provider_supervisor: User
    service: Service
    case: Case
    others: dict[str, Any] = field(default_factory=dict)


def make_world(*, child: bool = False, consent: list[str] | None = None, **service_fields: Any) -> World:
    """A consented case of the NGO `home` (an adult unless `child`), and a shelter of `provider`.
    `consent=[]` registers the case with no consent at all."""
    home = make_organization(COUNTRY, region=REGION)
    identifier = make_user(home, roles=("frontline_identifier",))
    manager = make_user(home, roles=("case_manager",))
    supervisor = make_user(home, roles=("case_supervisor",))
    provider = make_organization(COUNTRY)
    receiver = make_user(provider, roles=("case_manager",))
    provider_supervisor = make_user(provider, roles=("case_supervisor",))
    service_type = service_fields.pop("service_type", "shelter")
    service = make_service(provider, service_type, **service_fields)
    case = make_case(identifier, home, child=child)
    if consent is None or consent:
        give_consent(manager, case, consent)
    case.refresh_from_db()
    return World(home, identifier, manager, supervisor, provider, receiver, provider_supervisor, service, case)


def send(world: World, **fields: Any) -> Referral:
    """A referral of the world's case to its service, as its case manager."""
    from tipsom.referrals.services import referral_send

    fields.setdefault("service_id", world.service.pk)
    fields.setdefault("sections", ["identity"])
    return referral_send(actor=fields.pop("actor", world.manager), case_id=world.case.pk, **fields)


def snapshot() -> dict[str, int]:
    """Row counts a refused write must leave as they were."""
    from tipsom.cases.models import Consent

    return {
        model._meta.label: model.objects.count()
        for model in (Referral, Transfer, AuditEvent, Notification, ServiceDelivery, Consent, Case)
    }


def audit_actions(target: Any) -> list[str]:
    """The audit actions recorded on a record, oldest first."""
    return list(
        AuditEvent.objects.filter(object_type=target._meta.label_lower, object_id=str(target.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def notified(user: User, kind: str | None = None) -> list[Notification]:
    queryset = Notification.objects.filter(user=user)
    return list(queryset.filter(kind=kind) if kind else queryset)
