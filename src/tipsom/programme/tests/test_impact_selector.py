"""The impact view's selectors over hand-built facts (programme.selectors.impact).

Brazil, June 2021 to June 2023, every month: a police station of BR-SP identifies 6 victims, an NGO of BR-RJ 5,
police of BR-MG 8 and an NGO of BR-BA 1 (below the threshold: withheld, alone). A training in BR-SP on
15 June 2022 (its participant works for the SP police and is the tipsom user who records its cases); from July 2022
the SP police identify 4 more a month. So the effect is exactly 4 cases a month in the trained unit, whatever the
unit, and the comparison units have no change."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Activity, ActivityType
from tipsom.programme.selectors.impact import campaign_effect, impact_analysis
from tipsom.programme.testing import make_activity
from tipsom.programme.testing_impact import TRAINING, ImpactWorld, make_contact_facts, months
from tipsom.stats.models import VictimFact

World = ImpactWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> World:
    return ImpactWorld()


def analyse(world: World, **fields: Any) -> Any:
    defaults: dict[str, Any] = {"user": world.officer, "activity_ids": [world.training.pk]}
    defaults.update(fields)
    return impact_analysis(**defaults)


@pytest.mark.parametrize("unit", ["region", "organization", "user"])
def test_the_effect_of_a_training_is_found_for_every_unit(world: World, unit: str) -> None:
    result = analyse(world, unit=unit)
    assert result.country == "BR"
    assert result.months[0] == datetime.date(2021, 6, 1) and result.months[-1] == datetime.date(2023, 6, 1)
    assert len(result.months) == 25 == len(result.treated_series) == len(result.comparison_series)
    assert result.training_dates == [TRAINING]
    assert result.estimate == pytest.approx(4.0)
    assert result.ci_low == pytest.approx(4.0) and result.ci_high == pytest.approx(4.0)  # nothing varies
    assert result.pre_trend == pytest.approx(0.0)
    assert result.pre_trend_flag is False
    assert result.withheld is False
    # The series: per treated unit 6 a month before, 10 after.
    assert result.treated_series[:12] == [6.0] * 12 and result.treated_series[13:] == [10.0] * 12
    assert result.counts["treated"] == {"before": 72, "after": 120, "total": 72 + 120 + 6}


def test_the_units_and_their_comparison(world: World) -> None:
    by_region = analyse(world, unit="region")
    assert by_region.treated == ["BR-SP"]
    assert by_region.comparison == ["BR-BA", "BR-MG", "BR-RJ"]
    # 5 + 8 + 1 a month over three regions.
    assert by_region.comparison_series == [pytest.approx(14 / 3, abs=1e-4)] * 25
    assert by_region.counts["comparison"] == {"before": 168, "after": 168, "total": 350}
    by_organization = analyse(world, unit="organization")
    assert by_organization.treated == ["SP police"]
    assert by_organization.comparison == ["BA NGO", "MG police", "RJ NGO"]
    by_user = analyse(world, unit="user")
    assert by_user.treated == [f"User {world.trainee.pk}"]
    assert by_user.comparison == [f"User {world.other_recorder.pk}"]  # the BA facts have no recorder


def test_a_unit_any_learning_activity_reached_is_no_comparison(world: World) -> None:
    # A workshop in BR-MG (not chosen) before the end of the window: MG is neither treated nor compared.
    other = make_organization("BR", region="BR-MG")
    workshop = make_activity(other, kind=ActivityType.WORKSHOP, start_date=datetime.date(2023, 1, 5),
                             end_date=datetime.date(2023, 1, 6), implementing_organizations=[world.rj])  # fmt: skip
    result = analyse(world, unit="region")
    assert result.comparison == ["BR-BA", "BR-RJ"]
    assert analyse(world, unit="organization").comparison == ["BA NGO", "MG police"]
    # After the window it does not matter.
    Activity.objects.filter(pk=workshop.pk).update(
        start_date=datetime.date(2024, 1, 5), end_date=datetime.date(2024, 1, 6)
    )
    assert analyse(world, unit="region").comparison == ["BR-BA", "BR-MG", "BR-RJ"]


def test_staggered_trainings(world: World) -> None:
    # A second training, in BR-RJ three months later (RJ unchanged: its own effect is -0 + nothing).
    second = make_activity(world.office, regions=["BR-RJ"], start_date=datetime.date(2022, 9, 1),
                           end_date=datetime.date(2022, 9, 2))  # fmt: skip
    result = analyse(world, activity_ids=[world.training.pk, second.pk], months_before=6, months_after=6)
    assert result.treated == ["BR-RJ", "BR-SP"]
    assert result.comparison == ["BR-BA", "BR-MG"]
    assert [c["month"] for c in result.cohorts] == [datetime.date(2022, 6, 1), datetime.date(2022, 9, 1)]
    assert [c["effect"] for c in result.cohorts] == [pytest.approx(4.0), pytest.approx(0.0)]
    assert result.estimate == pytest.approx(2.0)  # one unit each
    assert result.months[0] == datetime.date(2021, 12, 1) and result.months[-1] == datetime.date(2023, 3, 1)
    assert any("different months" in note for note in result.notes)


def test_small_counts_are_withheld_and_no_estimate_is_shown(world: World) -> None:
    # Only BA's single case a month left in the comparison: still 25 cases, an estimate. Keep 3 BA cases only.
    VictimFact.objects.exclude(organization=world.sp).exclude(organization=world.ba).delete()
    keep = list(VictimFact.objects.filter(organization=world.ba).values_list("pk", flat=True)[:3])
    VictimFact.objects.filter(organization=world.ba).exclude(pk__in=keep).delete()
    result = analyse(world, unit="region")
    assert result.withheld is True
    assert result.estimate is None and result.ci_low is None and result.pre_trend is None
    assert result.counts["comparison"]["total"] is None
    assert result.count_displays["comparison"]["total"] == "<5"
    assert any("fewer than 5" in note for note in result.notes)
    # The comparison's months of 1 case are "<5", never 1; their means are gaps.
    months_with_one = [row for row in result.rows if row.values["comparison"] is None]
    assert months_with_one and all(row.displays["comparison"] in ("<5", "..") for row in months_with_one)
    assert result.comparison_series.count(None) == len(months_with_one)


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"activity_ids": []}, "invalid", "activities"),
        ({"months_before": 0}, "invalid", "before"),
        ({"months_after": 61}, "invalid", "after"),
        ({"unit": "village"}, "invalid", "unit"),
        ({"months_before": 13}, "window_beyond_data", "before"),
        ({"months_after": 13}, "window_beyond_data", "before"),
    ],
)
def test_bad_requests(world: World, fields: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        analyse(world, **fields)
    assert caught.value.code == code
    assert field in caught.value.extra["fields"]


def test_the_window_beyond_the_data_names_the_dates_available(world: World) -> None:
    with pytest.raises(ApplicationError) as caught:
        analyse(world, months_before=24)
    assert caught.value.extra["available_from"] == "2021-06-01"
    assert caught.value.extra["available_to"] == "2023-06-30"
    assert "2021-06" in caught.value.message and "2023-06" in caught.value.message


def test_activities_that_cannot_be_analysed(world: World) -> None:
    campaign = make_activity(world.office, kind=ActivityType.CAMPAIGN)
    with pytest.raises(ApplicationError, match="Only trainings"):
        analyse(world, activity_ids=[world.training.pk, campaign.pk])
    colombian = make_activity(make_organization("CO"))
    manager = make_user(make_organization("BR"), roles=("programme_manager",))
    with pytest.raises(ApplicationError, match="one country"):
        analyse(world, user=manager, activity_ids=[world.training.pk, colombian.pk])
    national = make_activity(world.office, regions=[])
    with pytest.raises(ApplicationError, match="name no region"):
        analyse(world, activity_ids=[national.pk])
    with pytest.raises(ApplicationError, match="linked to a tipsom user"):
        analyse(world, activity_ids=[national.pk], unit="user")


def test_out_of_scope_is_not_found(world: World) -> None:
    colombian = make_activity(make_organization("CO"))
    with pytest.raises(NotFound):
        analyse(world, activity_ids=[colombian.pk])
    with pytest.raises(NotFound):
        analyse(world, activity_ids=[world.training.pk, 10**9])
    with pytest.raises(NotFound):
        analyse(world, user=make_user(world.sp, roles=("frontline_identifier",)))
    # A programme manager reads every country.
    manager: User = make_user(make_organization("CO"), roles=("programme_manager",))
    assert analyse(world, user=manager).estimate == pytest.approx(4.0)


# --- The campaign ---------------------------------------------------------------------------------------------
def make_campaign(organization: Organization, **fields: Any) -> Activity:
    defaults: dict[str, Any] = {
        "kind": ActivityType.CAMPAIGN,
        "regions": ["BR-SP"],
        "start_date": datetime.date(2022, 5, 1),
        "end_date": datetime.date(2022, 7, 31),
    }
    defaults.update(fields)
    return make_activity(organization, **defaults)


def test_a_campaign_before_during_and_after(world: World) -> None:
    campaign = make_campaign(world.office)
    for month in (2, 3, 4):
        make_contact_facts(world.sp, 2022, month, 10)
    for month in (5, 6, 7):
        make_contact_facts(world.sp, 2022, month, 30)
        make_contact_facts(world.rj, 2022, month, 50)  # another region: not counted
    make_contact_facts(world.sp, 2022, 8, 20)
    effect = campaign_effect(user=world.officer, activity_id=campaign.pk)
    assert effect.months == months(datetime.date(2022, 2, 1), datetime.date(2022, 10, 1))
    assert effect.phases == ["before"] * 3 + ["during"] * 3 + ["after"] * 3
    assert effect.totals["contacts"] == {"before": 30, "during": 90, "after": 20}
    assert effect.monthly_means["contacts"] == {"before": 10.0, "during": 30.0, "after": pytest.approx(6.67)}
    # SP identifies 6 a month up to June 2022, then 10.
    assert effect.totals["identifications"] == {"before": 18, "during": 6 + 6 + 10, "after": 30}
    assert effect.contacts_series == [10, 10, 10, 30, 30, 30, 20, 0, 0]
    assert effect.identifications_series == [6, 6, 6, 6, 6, 10, 10, 10, 10]
    # Chosen months around; the whole country when the campaign names no region.
    national = make_campaign(world.office, regions=[])
    effect = campaign_effect(user=world.officer, activity_id=national.pk, months_around=1)
    assert effect.months == months(datetime.date(2022, 4, 1), datetime.date(2022, 8, 1))
    assert effect.contacts_series == [10, 30 + 50, 80, 80, 20]
    assert effect.identifications_series[0] == 6 + 5 + 8 + 1


def test_a_campaign_protects_small_counts(world: World) -> None:
    campaign = make_campaign(world.office)
    make_contact_facts(world.sp, 2022, 5, 2)
    make_contact_facts(world.sp, 2022, 6, 30)
    effect = campaign_effect(user=world.officer, activity_id=campaign.pk)
    assert effect.contacts_series[3] is None
    assert effect.rows[3].displays["contacts"] == "<5"
    # June's 30 alone would give May back from the total of during (32): withheld too.
    assert effect.totals["contacts"]["during"] is None or effect.contacts_series[4] is None


def test_campaign_bad_requests(world: World) -> None:
    with pytest.raises(ApplicationError, match="not an awareness campaign"):
        campaign_effect(user=world.officer, activity_id=world.training.pk)
    campaign = make_campaign(world.office)
    with pytest.raises(ApplicationError) as caught:
        campaign_effect(user=world.officer, activity_id=campaign.pk, months_around=0)
    assert "months" in caught.value.extra["fields"]
    with pytest.raises(NotFound):
        campaign_effect(user=make_user(world.sp, roles=("frontline_identifier",)), activity_id=campaign.pk)
    with pytest.raises(NotFound):
        campaign_effect(user=world.officer, activity_id=make_campaign(make_organization("CO")).pk)
