"""The helpline contact and referral facts on hand-built data: the year and month in the deployment's time zone,
a case opened and a referral made; referrals answered, accepted, declined, revoked, expired and overdue with their
response times, the referring case's region, child status and type; the same counts as the referral statistics for
a national user; changes followed by refresh (a contact linked to a case, a referral accepted, the case's region,
a bulk import); rebuild, check and a tampered row."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from tipsom.accounts.testing import make_user
from tipsom.audit.services import audit_record
from tipsom.cases.services import case_update
from tipsom.cases.testing import case_actor, make_case
from tipsom.helpline import services as helpline
from tipsom.helpline.testing import BRICK_KILN_CALL, make_contact, make_helpline, make_operator
from tipsom.organizations.testing import make_organization
from tipsom.referrals.selectors.stats import StatsFilters, referral_stats
from tipsom.referrals.services import referral_accept
from tipsom.referrals.testing import make_referral, make_service
from tipsom.stats.facts import engine
from tipsom.stats.facts.records import response_hours
from tipsom.stats.models import ContactFact, ReferralFact

pytestmark = pytest.mark.django_db

KINDS = ["contacts", "referrals"]
FAMILY_CONSENT = [
    {"purpose": "data_processing", "given": True, "given_by": "parent"},
    {"purpose": "referral", "given": True, "given_by": "parent", "service_types": ["SocialCare"]},
]
BOY = {"names": [{"name": "Imran Aslam"}], "gender": "Masculine", "birth_date": "2013", "birth_date_precision": "year"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- Contacts ------------------------------------------------------------------------------------------------------
@override_settings(TIME_ZONE="Asia/Karachi")
def test_contacts_by_month_in_the_deployment_s_time_zone() -> None:
    helpline_org = make_helpline("PK")
    operator = make_operator(helpline_org)
    call = make_contact(actor=operator, **{**BRICK_KILN_CALL, "started_at": at("2026-03-05T10:00:00")})
    # 23:30 in UTC on New Year's Eve is 04:30 on 1 January in Pakistan (UTC+5).
    silent = make_contact(
        actor=operator, contact_type="silent", caller_role="", channel="sms", started_at=at("2025-12-31T23:30:00")
    )
    engine.refresh(KINDS)
    facts = {fact.source_id: fact for fact in ContactFact.objects.all()}
    assert len(facts) == 2
    first = facts[call.pk]
    assert (first.year, first.month, first.channel, first.contact_type, first.urgency, first.region) == (
        2026,
        3,
        "phone",
        "victim",
        "urgent",
        "PK-PB",
    )
    assert (first.opened_case, first.referred, first.country, first.organization_id) == (
        False,
        False,
        "PK",
        helpline_org.pk,
    )
    second = facts[silent.pk]
    assert (second.year, second.month, second.channel, second.contact_type, second.region) == (
        2026,
        1,
        "sms",
        "silent",
        "",
    )
    assert all(result.ok for result in engine.check(KINDS))


def test_a_contact_linked_to_a_case_is_followed() -> None:
    helpline_org = make_helpline("PK")
    operator = make_operator(helpline_org)
    contact = make_contact(actor=operator, started_at=at("2026-05-01T09:00:00"))
    case = make_case(helpline_org, region="")
    engine.rebuild(KINDS)
    assert ContactFact.objects.get().opened_case is False
    helpline.contact_case_link(actor=operator, contact_id=contact.pk, case=case.case_number)
    engine.refresh(KINDS)
    assert ContactFact.objects.get().opened_case is True
    assert all(result.ok for result in engine.check(KINDS))


def test_a_case_opened_and_a_referral_made_from_a_contact_are_followed() -> None:
    operator = make_operator(make_helpline("PK"))
    contact = make_contact(actor=operator, **{**BRICK_KILN_CALL, "started_at": at("2026-05-01T09:00:00")})
    engine.refresh(KINDS)
    helpline.contact_case_open(actor=operator, contact_id=contact.pk, person=BOY, consents=FAMILY_CONSENT)
    engine.refresh(KINDS)
    assert (ContactFact.objects.get().opened_case, ContactFact.objects.get().referred) == (True, False)
    agency = make_organization("PK", functions=["child_protection"])
    referral = helpline.contact_refer(
        actor=operator, contact_id=contact.pk, service_id=make_service(agency, "child_protection").pk
    )
    engine.refresh(KINDS)
    assert ContactFact.objects.get().referred is True
    fact = ReferralFact.objects.get()
    assert (fact.source_id, fact.service_type, fact.state, fact.answered) == (
        referral.pk,
        "child_protection",
        "sent",
        False,
    )
    # The boy's case, where the call came from.
    assert (fact.region, fact.is_child, fact.organization_id) == ("PK-PB", True, operator.organization_id)
    assert all(result.ok for result in engine.check(KINDS))


# --- Referrals -----------------------------------------------------------------------------------------------------
@pytest.fixture
def referrals() -> dict[str, Any]:
    sender, receiver = make_organization("BR", type="NGO"), make_organization("BR", type="GovernmentAgency")
    adult = make_case(sender, region="BR-MT")
    child = make_case(sender, child=True, region="BR-PA", case_type="both")
    due = at("2026-12-31T00:00:00")
    made = {
        # Accepted 36 hours after it was sent.
        "accepted": make_referral(
            adult,
            sender,
            receiver,
            due_at=due,
            sent_at=at("2026-02-01T08:00:00"),
            responded_at=at("2026-02-02T20:00:00"),
            state="accepted",
        ),
        # Declined in half an hour.
        "declined": make_referral(
            adult,
            sender,
            receiver,
            due_at=due,
            service_type="legal",
            sent_at=at("2026-03-01T08:30:00"),
            responded_at=at("2026-03-01T09:00:00"),
            state="declined",
        ),
        # Nobody answered: expired, overdue.
        "expired": make_referral(
            child, sender, receiver, due_at=due, sent_at=at("2026-04-01T08:00:00"), state="expired", overdue=True
        ),
        # Accepted after 2 hours, then revoked: it was accepted.
        "revoked": make_referral(
            child,
            sender,
            receiver,
            due_at=due,
            sent_at=at("2026-05-01T08:00:00"),
            responded_at=at("2026-05-01T10:00:00"),
            state="revoked",
        ),
        # Sent the year before.
        "last_year": make_referral(adult, sender, receiver, due_at=due, sent_at=at("2025-06-01T08:00:00")),
        # Received from abroad: no referring organization here, the receiving one scopes it.
        "from_abroad": make_referral(
            adult, None, receiver, due_at=due, channel="from_abroad", sent_at=at("2026-06-01T08:00:00")
        ),
    }
    return {"sender": sender, "receiver": receiver, "adult": adult, "child": child, **made}


def test_referral_facts(referrals: dict[str, Any]) -> None:
    engine.rebuild(KINDS)
    facts = {fact.source_id: fact for fact in ReferralFact.objects.all()}

    def values(name: str) -> tuple[Any, ...]:
        fact = facts[referrals[name].pk]
        return (
            fact.year,
            fact.service_type,
            fact.state,
            fact.answered,
            fact.accepted,
            fact.overdue,
            fact.response_hours,
        )

    assert values("accepted") == (2026, "shelter", "accepted", True, True, False, 36.0)
    assert values("declined") == (2026, "legal", "declined", True, False, False, 0.5)
    assert values("expired") == (2026, "shelter", "expired", False, False, True, None)
    assert values("revoked") == (2026, "shelter", "revoked", True, True, False, 2.0)
    assert values("last_year") == (2025, "shelter", "sent", False, False, False, None)
    accepted, expired = facts[referrals["accepted"].pk], facts[referrals["expired"].pk]
    assert (accepted.region, accepted.is_child, accepted.case_type) == ("BR-MT", False, "tip")
    assert (expired.region, expired.is_child, expired.case_type) == ("BR-PA", True, "both")
    assert (accepted.organization_id, accepted.organization_type) == (referrals["sender"].pk, "NGO")
    abroad = facts[referrals["from_abroad"].pk]
    assert (abroad.organization_id, abroad.organization_type) == (referrals["receiver"].pk, "GovernmentAgency")


def test_the_facts_give_the_referral_statistics_of_a_national_user(referrals: dict[str, Any]) -> None:
    engine.rebuild(KINDS)
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    stats = referral_stats(
        user=coordinator,
        filters=StatsFilters(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)),
    )
    facts = ReferralFact.objects.filter(year=2026)
    summary = stats.summary
    assert summary.total == facts.count() == 5
    assert summary.answered == facts.filter(answered=True).count() == 3
    assert summary.accepted == facts.filter(accepted=True).count() == 2
    assert summary.overdue == facts.filter(overdue=True).count() == 1
    # The median of 36, 0.5 and 2 hours.
    assert summary.median_hours == 2.0
    assert sorted(hours for hours in facts.values_list("response_hours", flat=True) if hours is not None) == [
        0.5,
        2.0,
        36.0,
    ]


def test_an_answer_and_a_case_change_are_followed(referrals: dict[str, Any]) -> None:
    pending = make_referral(
        referrals["adult"],
        referrals["sender"],
        referrals["receiver"],
        due_at=timezone.now() + timedelta(days=2),
        sent_at=timezone.now() - timedelta(hours=3),
    )
    engine.rebuild(KINDS)
    assert ReferralFact.objects.get(source_id=pending.pk).answered is False
    referral_accept(actor=make_user(referrals["receiver"], roles=("case_manager",)), referral_id=pending.pk)
    engine.refresh(KINDS)
    pending.refresh_from_db()
    fact = ReferralFact.objects.get(source_id=pending.pk)
    assert (fact.state, fact.answered, fact.accepted) == ("accepted", True, True)
    assert fact.response_hours == pytest.approx(3, abs=0.01)
    assert fact.response_hours == response_hours(pending.sent_at, pending.responded_at)
    case = referrals["adult"]
    case_update(actor=case_actor(case), case_id=case.pk, version=case.version, region="BR-SP")
    engine.refresh(KINDS)
    adult_referrals = ReferralFact.objects.filter(source_id__in=case.referrals.values("pk"))
    assert set(adult_referrals.values_list("region", flat=True)) == {"BR-SP"}
    assert adult_referrals.count() == 5
    assert all(result.ok for result in engine.check(KINDS))


def test_a_bulk_import_audited_without_ids_is_followed(referrals: dict[str, Any]) -> None:
    engine.rebuild(KINDS)
    imported = [
        make_referral(referrals["child"], referrals["sender"], referrals["receiver"], due_at=at("2026-08-01T00:00:00"))
        for _ in range(2)
    ]
    # What referrals.services.bulk writes: one event for the import, naming no referral.
    audit_record(actor=None, action="referral.bulk_import", object_type="referrals.referral", changes={"referrals": 2})
    engine.refresh(KINDS)
    assert set(
        ReferralFact.objects.filter(source_id__in=[r.pk for r in imported]).values_list("region", flat=True)
    ) == {"BR-PA"}
    assert all(result.ok for result in engine.check(KINDS))


def test_rebuild_check_and_a_tampered_row(referrals: dict[str, Any]) -> None:
    make_contact(actor=make_operator(make_helpline("BR")), started_at=at("2026-05-01T09:00:00"))
    call_command("stats", "rebuild")
    call_command("stats", "check")
    ReferralFact.objects.filter(source_id=referrals["expired"].pk).update(overdue=False)
    ContactFact.objects.update(channel="email")
    with pytest.raises(CommandError, match="do not agree"):
        call_command("stats", "check")
    results = {result.kind: result for result in engine.check(KINDS)}
    assert results["referrals"].different == [referrals["expired"].pk]
    assert len(results["contacts"].different) == 1
    ReferralFact.objects.filter(source_id=referrals["accepted"].pk).delete()
    assert engine.check(["referrals"])[0].missing == [referrals["accepted"].pk]
