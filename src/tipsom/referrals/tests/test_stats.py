"""Referral statistics: the counts, rates and response-time percentiles computed in the database, the scope of
who sees what, disclosure control of the region breakdown for national viewers (core.disclosure), the screen and
the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.organizations.testing import make_organization
from tipsom.referrals.models import Referral, State
from tipsom.referrals.selectors.stats import (
    COUNTS,
    StatsFilters,
    StatsRow,
    continuous_percentile,
    protect_breakdown,
    referral_stats,
)
from tipsom.referrals.testing import make_service
from tipsom.referrals.tests.factories import COUNTRY, make_case

pytestmark = pytest.mark.django_db


# --- Access ----------------------------------------------------------------------------------------------------
class TestStatsScreenAccess(AccessCase):
    url_name = "referrals:stats"
    permitted_role = "national_coordinator"
    scope = "national"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"Referral statistics" in response.content


class TestStatsApiAccess(AccessCase):
    url_name = "api:referral-stats"
    permitted_role = "national_coordinator"
    scope = "national"

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["national"] is True and body["summary"]["total"] == 0


# --- A small world of referrals --------------------------------------------------------------------------------
def _referral(
    case: Any, service: Any, *, state: str, sent: Any, answer_hours: float | None = None, overdue: bool = False
) -> Referral:
    responded = sent + timedelta(hours=answer_hours) if answer_hours is not None else None
    return Referral.objects.create(
        case=case,
        from_organization=case.owner_organization,
        to_organization=service.organization,
        service=service,
        service_type=service.service_type,
        country=case.country,
        state=state,
        sent_at=sent,
        due_at=sent + timedelta(hours=24),
        responded_at=responded,
        overdue=overdue,
    )


@pytest.fixture
def world() -> dict[str, Any]:
    """Two referring organizations in two regions, a shelter and a medical provider; referrals sent 10 days
    ago with known answer times: 12 in BR-SP (by the NGO), 3 in BR-MT (by the police), one a year and a half ago."""
    ngo = make_organization(COUNTRY, region="BR-SP")
    police = make_organization(COUNTRY, region="BR-MT")
    provider = make_organization(COUNTRY, name="Casa Abrigo Teste")
    clinic = make_organization(COUNTRY, name="Clínica Teste")
    ngo_manager = make_user(ngo, roles=("case_manager",))
    police_identifier = make_user(police, roles=("frontline_identifier",))
    shelter = make_service(provider, "shelter")
    medical = make_service(clinic, "medical")
    case_sp = make_case(ngo_manager, ngo, region="BR-SP")
    case_mt = make_case(police_identifier, police, region="BR-MT")
    sent = timezone.now() - timedelta(days=10)
    # BR-SP, shelter: answered in 1..8 hours (6 accepted or later, 2 declined), 2 expired (overdue), 2 waiting.
    answered = [
        (State.ACCEPTED, 1),
        (State.IN_PROGRESS, 2),
        (State.COMPLETED, 3),
        (State.COMPLETED, 4),
        (State.DECLINED, 5),
        (State.DECLINED, 6),
        (State.REVOKED, 7),
        (State.ACCEPTED, 8),
    ]
    for state, hours in answered:
        _referral(case_sp, shelter, state=state, sent=sent, answer_hours=hours, overdue=hours == 8)
    for _n in range(2):
        _referral(case_sp, shelter, state=State.EXPIRED, sent=sent, overdue=True)
    for _n in range(2):
        _referral(case_sp, medical, state=State.SENT, sent=sent)
    # BR-MT: three medical referrals, one answered (accepted) in 30 hours.
    _referral(case_mt, medical, state=State.ACCEPTED, sent=sent, answer_hours=30)
    _referral(case_mt, medical, state=State.SENT, sent=sent)
    _referral(case_mt, medical, state=State.REVOKED, sent=sent)
    # Outside the default period.
    _referral(case_sp, shelter, state=State.COMPLETED, sent=timezone.now() - timedelta(days=550), answer_hours=1)
    coordinator = make_user(make_organization(COUNTRY), roles=("national_coordinator",))
    return {
        "ngo": ngo,
        "police": police,
        "provider": provider,
        "clinic": clinic,
        "ngo_manager": ngo_manager,
        "police_identifier": police_identifier,
        "coordinator": coordinator,
        "shelter": shelter,
        "medical": medical,
    }


def _by_key(rows: list[StatsRow]) -> dict[str, StatsRow]:
    return {row.key: row for row in rows}


# --- The numbers -----------------------------------------------------------------------------------------------
def test_percentile_matches_postgresql_percentile_cont():
    assert continuous_percentile([], 0.5) is None
    assert continuous_percentile([4.0], 0.9) == 4.0
    assert continuous_percentile([1, 2, 3, 4], 0.5) == 2.5
    assert continuous_percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 30], 0.9) == pytest.approx(11.1)


def test_national_summary_counts_rates_and_response_times(world):
    stats = referral_stats(user=world["coordinator"], filters=StatsFilters.default())
    summary = stats.summary
    assert stats.national is True
    assert summary.total == 15  # the referral sent 550 days ago is outside the default period
    assert summary.answered == 9
    # Accepted, in progress, completed, revoked after acceptance, and the BR-MT acceptance.
    assert summary.accepted == 7 and summary.declined == 2
    assert summary.acceptance_rate == pytest.approx(7 / 9)
    assert summary.completed == 2 and summary.expired == 2
    assert summary.overdue == 3 and summary.overdue_share == pytest.approx(3 / 15)
    # Answer times 1..8 and 30 hours: median 5, p90 = 8 + 0.2 * 22.
    assert summary.median_hours == 5.0
    assert summary.p90_hours == pytest.approx(12.4)


def test_breakdowns_by_service_type_and_organization(world):
    stats = referral_stats(user=world["coordinator"], filters=StatsFilters.default())
    types = _by_key(stats.by_service_type)
    assert set(types) == {"shelter", "medical"}
    assert types["shelter"].total == 10 and types["shelter"].answered == 8
    assert types["shelter"].median_hours == 4.5 and types["shelter"].acceptance_rate == pytest.approx(6 / 8)
    assert types["medical"].total == 5 and types["medical"].median_hours == 30.0
    organizations = _by_key(stats.by_organization)
    assert organizations[str(world["provider"].pk)].label == "Casa Abrigo Teste"
    assert organizations[str(world["clinic"].pk)].total == 5
    # Largest first.
    assert [row.key for row in stats.by_organization] == [str(world["provider"].pk), str(world["clinic"].pk)]


def test_region_breakdown_withholds_small_cells_from_national_viewers(world):
    """Two regions under national counts shown in full: BR-SP's 2 declined referrals are the country's 2 and
    BR-MT's 0 is a zero, so no pattern of "<5" and ".." marks protects them; the table goes out masked, every
    count "..". (Before core.disclosure, BR-SP's 12 was shown beside the country's 15: BR-MT's "<5" was 3.)"""
    stats = referral_stats(user=world["coordinator"], filters=StatsFilters.default())
    assert stats.summary.total == 15 and not stats.regions_withheld
    regions = _by_key(stats.by_region)
    sp, mt = regions["BR-SP"], regions["BR-MT"]
    for row in (sp, mt):
        assert all(getattr(row, name) is None for name in COUNTS) and set(row.suppressed) == set(COUNTS)
        assert row.small == ()  # masked: no "<5" mark would be safe
        assert row.acceptance_rate is None and row.median_hours is None and row.overdue_share is None


def _row(key: str, total: int, answered: int, accepted: int, declined: int, *rest: int) -> StatsRow:
    completed, expired, overdue = rest
    return StatsRow(key, key, total, answered, accepted, declined, completed, expired, overdue, 4.5, 7.3)


def test_region_breakdown_takes_complements_across_rows_and_within_a_row():
    """Row A has four small counts; answered = accepted + declined gives A's declined back unless accepted goes
    too, and the national counts give each back unless row B's count of the same column goes too."""
    a = _row("A", 12, 8, 6, 2, 2, 2, 3)
    b = _row("B", 30, 20, 15, 5, 5, 5, 5)
    summary = _row("all", 42, 28, 21, 7, 7, 7, 8)  # A + B
    (a_shown, b_shown), withheld = protect_breakdown(summary, [a, b], threshold=5)
    assert not withheld
    assert a_shown.small == ("declined", "completed", "expired", "overdue")
    assert set(a_shown.suppressed) == {"accepted", "declined", "completed", "expired", "overdue"}
    assert (a_shown.total, a_shown.answered) == (12, 8)
    assert a_shown.acceptance_rate is None and a_shown.median_hours is None and a_shown.overdue_share is None
    assert b_shown.small == () and set(b_shown.suppressed) == {
        "accepted",
        "declined",
        "completed",
        "expired",
        "overdue",
    }
    # The attacker: A's declined = 7 (the country's) - B's declined; B's is at least 5 (".."), A's at least 1
    # ("<5"): A's is 1 or 2, not one value.
    possible = {7 - b_declined for b_declined in range(5, 8) if 1 <= 7 - b_declined <= 4}
    assert possible == {1, 2}
    big = _row("x", 50, 20, 15, 5, 5, 5, 5)
    assert protect_breakdown(big, [big], threshold=5) == ([big], False)


def test_organization_sees_its_own_referrals_in_full(world):
    stats = referral_stats(user=world["police_identifier"], filters=StatsFilters.default())
    assert stats.national is False
    assert stats.summary.total == 3
    regions = _by_key(stats.by_region)
    assert set(regions) == {"BR-MT"} and regions["BR-MT"].total == 3 and regions["BR-MT"].suppressed == ()


def test_other_country_sees_nothing(world):
    outsider = make_user(make_organization("CO"), roles=("national_coordinator",))
    stats = referral_stats(user=outsider, filters=StatsFilters.default())
    assert stats.summary.total == 0 and stats.by_region == [] and stats.summary.median_hours is None


def test_filters_narrow_the_count(world):
    today = timezone.localdate()
    old = StatsFilters(date_from=today - timedelta(days=600), date_to=today - timedelta(days=500))
    assert referral_stats(user=world["coordinator"], filters=old).summary.total == 1
    medical = StatsFilters.default()
    medical = StatsFilters(date_from=medical.date_from, date_to=medical.date_to, service_type="medical")
    assert referral_stats(user=world["coordinator"], filters=medical).summary.total == 5
    to_clinic = StatsFilters(date_from=medical.date_from, date_to=medical.date_to, organization_id=world["provider"].pk)
    assert referral_stats(user=world["coordinator"], filters=to_clinic).summary.total == 10


def test_query_count_does_not_grow_with_rows(world):
    with CaptureQueriesContext(connection) as queries:
        referral_stats(user=world["coordinator"], filters=StatsFilters.default())
    # Grants, the summary, three breakdowns and organization names.
    first = len(queries)
    sample = Referral.objects.filter(case__region="BR-SP").first()
    assert sample is not None
    case = sample.case
    for _n in range(20):
        _referral(case, world["medical"], state=State.SENT, sent=timezone.now() - timedelta(days=1))
    coordinator = make_user(world["coordinator"].organization, roles=("national_coordinator",))
    with CaptureQueriesContext(connection) as queries:
        referral_stats(user=coordinator, filters=StatsFilters.default())
    assert len(queries) == first <= 7


# --- Screen and API --------------------------------------------------------------------------------------------
def test_screen_shows_tables_and_withheld_cells(world):
    client = sign_in(Client(), world["coordinator"])
    response = client.get(reverse("referrals:stats"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Casa Abrigo Teste" in text and "Mato Grosso" in text
    assert '<td class="text-end">..</td>' in text  # the masked region table
    assert response.context["stats"].summary.total == 15


def test_screen_refuses_a_reversed_period(world):
    client = sign_in(Client(), world["coordinator"])
    response = client.get(reverse("referrals:stats"), {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 400
    assert response.context["stats"] is None
    assert "cannot come before its start" in response.content.decode()


def test_api_returns_json_with_withheld_cells(world):
    client = sign_in(Client(), world["coordinator"])
    response = client.get(reverse("api:referral-stats"), {"service_type": "medical"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["summary"]["total"] == 5 and body["filters"]["service_type"] == "medical"
    regions = {row["key"]: row for row in body["by_region"]}
    # Medical only: BR-SP 2, BR-MT 3 referrals, all small: "<5" (a small count of the region, not a complement).
    assert regions["BR-MT"]["total"] is None and "total" in regions["BR-MT"]["suppressed"]
    assert body["regions_withheld"] is False and isinstance(regions["BR-MT"]["small"], list)


def test_api_refuses_bad_filters(world):
    client = sign_in(Client(), world["coordinator"])
    response = client.get(reverse("api:referral-stats"), {"urgency": "whenever", "colour": "red"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["extra"]["fields"]) >= {"urgency"}
