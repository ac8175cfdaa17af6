"""The results framework as read (framework_table): computed sources, frozen periods, disclosure, scopes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.core.errors import NotFound
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import ActivityType, IndicatorSource, Measure, ResultLevel, ReviewStatus, Sector
from tipsom.programme.selectors.computations import COMPUTATIONS, Computed, publish
from tipsom.programme.selectors.results import IndicatorRow, framework_table
from tipsom.programme.testing import make_activity, make_attendance, make_indicator, make_node, make_participant
from tipsom.stats.models import ReferralFact, VictimFact

pytestmark = pytest.mark.django_db
YEAR = (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))


def _row(table: Any, indicator: Any) -> IndicatorRow:
    for row in table.rows:
        for item in row.indicators:
            if item.indicator.pk == indicator.pk:
                return item
    raise AssertionError("indicator not in the table")


def _victims(organization: Any, count: int, **fields: Any) -> None:
    start = VictimFact.objects.count()
    for number in range(count):
        defaults: dict[str, Any] = {"sex": "F", "region": "BR-SP", "organization_type": "police"}
        defaults.update(fields)
        VictimFact.objects.create(
            country=organization.country,
            organization=organization,
            year=2018,
            source_id=start + number + 1 + 10_000 * (1 + len(fields)),
            person_cluster=start + number + 1,
            counted=True,
            identified_on=datetime.date(2018, 5, 1),
            case_type="tip",
            **defaults,
        )


def test_practitioners_trained_counts_rosters_once_and_the_aggregates() -> None:
    organization = make_organization("BR", region="BR-SP")
    training = make_activity(organization)
    workshop = make_activity(organization, kind=ActivityType.WORKSHOP)
    person = make_participant("BR", sector=Sector.POLICE, sex="male", region="BR-SP")
    make_attendance(training, person)
    make_attendance(workshop, person)  # the same person twice: once
    make_attendance(training, make_participant("BR", sector=Sector.JUDGES, region="BR-RJ"))
    make_activity(
        organization,
        kind=ActivityType.WORKSHOP,
        participants_total=125,
        participants_women=102,
        participants_men=23,
        participants_by_sector={"family_defenders": 125},
        regions=["BR-BA"],
    )
    make_activity(organization, kind=ActivityType.MEETING, participants_total=50)  # not a learning activity
    make_activity(
        organization, participants_total=10, start_date=datetime.date(2019, 2, 1), end_date=datetime.date(2019, 2, 2)
    )  # another year
    indicator = make_indicator(source=IndicatorSource.ACTIVITIES, source_key="practitioners_trained")
    user = make_user(organization, roles=("me_officer",))
    row = _row(framework_table(user=user, country="BR", period_start=YEAR[0], period_end=YEAR[1]), indicator)
    assert row.actual == Decimal(127)
    assert row.disaggregated["sex"] == {"female": 103, "male": 24}
    assert row.disaggregated["sector"] == {"family_defenders": 125, "judges": 1, "police": 1}
    assert row.disaggregated["region"] == {"BR-BA": 125, "BR-RJ": 1, "BR-SP": 1}
    assert row.computed and "/programme/" in row.link and not row.withheld


def test_victims_identified_small_cells_are_protected() -> None:
    organization = make_organization("BR")
    _victims(organization, 20)
    _victims(organization, 2, sex="M", region="BR-RJ")
    indicator = make_indicator(source=IndicatorSource.STATISTICS, source_key="victims_identified")
    user = make_user(organization, roles=("national_coordinator",))
    row = _row(framework_table(user=user, country="BR", period_start=YEAR[0], period_end=YEAR[1]), indicator)
    assert row.actual == Decimal(22)
    assert row.disaggregated["sex"]["M"] == "<5"
    # Not recoverable by subtraction: the other sex is withheld too.
    assert row.disaggregated["sex"]["F"] == ".."
    assert row.disaggregated["region"]["BR-RJ"] == "<5"
    assert not isinstance(row.disaggregated["region"]["BR-SP"], int)
    # An indicator that names its breakdowns shows only those.
    by_sex = make_indicator(source=IndicatorSource.STATISTICS, source_key="victims_identified", disaggregations=["sex"])
    row = _row(framework_table(user=user, country="BR", period_start=YEAR[0], period_end=YEAR[1]), by_sex)
    assert list(row.disaggregated) == ["sex"] and row.disaggregated["sex"]["M"] == "<5"


def test_a_small_total_is_withheld() -> None:
    organization = make_organization("BR")
    _victims(organization, 3)
    indicator = make_indicator(source=IndicatorSource.STATISTICS, source_key="victims_identified")
    user = make_user(organization, roles=("national_coordinator",))
    row = _row(framework_table(user=user, country="BR", period_start=YEAR[0], period_end=YEAR[1]), indicator)
    assert row.withheld and row.actual is None and row.numerator is None and row.marks["numerator"] == "<5"


def test_referrals_within_time_is_a_percentage() -> None:
    organization = make_organization("BR")
    for number in range(20):
        ReferralFact.objects.create(
            country="BR",
            organization=organization,
            year=2018,
            source_id=number + 1,
            answered=number < 16,
            overdue=number < 4,
        )
    indicator = make_indicator(
        source=IndicatorSource.STATISTICS, source_key="referrals_within_time", measure=Measure.PERCENTAGE, factor=100
    )
    user = make_user(organization, roles=("me_officer",))
    row = _row(framework_table(user=user, country="BR", period_start=YEAR[0], period_end=YEAR[1]), indicator)
    assert (row.numerator, row.denominator, row.actual) == (Decimal(12), Decimal(16), Decimal("75.00"))


def test_a_locked_period_shows_the_frozen_figures() -> None:
    organization = make_organization("BR")
    make_activity(organization, participants_total=40)
    indicator = make_indicator(source=IndicatorSource.ACTIVITIES, source_key="practitioners_trained")
    from tipsom.programme.testing import make_period

    make_period(
        indicator,
        "BR",
        numerator=30,
        actual=30,
        status=ReviewStatus.APPROVED,
        locked=True,
        disaggregated={"sex": {"female": 30}},
    )
    user = make_user(organization, roles=("me_officer",))
    row = _row(framework_table(user=user, country="BR", period_start=YEAR[0], period_end=YEAR[1]), indicator)
    assert row.actual == Decimal(30) and row.locked and not row.computed


def test_tree_order_and_scopes() -> None:
    outcome = make_node(ResultLevel.OUTCOME, code="OC1")
    output = make_node(ResultLevel.OUTPUT, parent=outcome, code="OP1.1")
    make_indicator(output)
    brazil = make_organization("BR")
    table = framework_table(
        user=make_user(brazil, roles=("me_officer",)), country="BR", period_start=YEAR[0], period_end=YEAR[1]
    )
    depths = {row.node.code: row.depth for row in table.rows}
    assert depths["OC1"] == 0 and depths["OP1.1"] == 1
    codes = [row.node.code for row in table.rows]
    assert codes.index("OC1") < codes.index("OP1.1")
    with pytest.raises(NotFound):
        framework_table(
            user=make_user(brazil, roles=("me_officer",)), country="CO", period_start=YEAR[0], period_end=YEAR[1]
        )
    with pytest.raises(NotFound):
        framework_table(
            user=make_user(brazil, roles=("implementing_partner",)),
            country="BR",
            period_start=YEAR[0],
            period_end=YEAR[1],
        )
    manager = make_user(make_organization("AT"), roles=("programme_manager",))
    assert framework_table(user=manager, country="CO", period_start=YEAR[0], period_end=YEAR[1]).rows


def test_every_computation_runs_on_an_empty_database() -> None:
    for key, computation in COMPUTATIONS.items():
        raw = computation.compute("BR", *YEAR)
        assert isinstance(raw, Computed), key
        assert publish(computation, raw).numerator in (0, None), key


def test_breakdowns_are_shown_with_their_names() -> None:
    organization = make_organization("BR")
    make_attendance(make_activity(organization), make_participant("BR", sector=Sector.POLICE, region="BR-SP"))
    indicator = make_indicator(source=IndicatorSource.ACTIVITIES, source_key="practitioners_trained")
    user = make_user(organization, roles=("me_officer",))
    row = _row(framework_table(user=user, country="BR", period_start=YEAR[0], period_end=YEAR[1]), indicator)
    shown = dict(row.breakdowns())
    assert ("Police", 1) in shown["sector"] and ("Woman", 1) in shown["sex"]
    assert shown["region"][0][0] == "São Paulo"
