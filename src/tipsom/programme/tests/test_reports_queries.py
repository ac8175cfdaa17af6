"""The donor report's data costs the same number of queries for 3 activities as for 30 (their participants are
counted together, not one activity at a time), and counting many activities at once gives each activity's own
counts: from its roster where it has one, else from the numbers recorded on it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tipsom.programme.models import Activity, ActivityType, FollowUpAction, Pillar, Sector
from tipsom.programme.reports.data import donor_report, report_parameters
from tipsom.programme.selectors import activities as selectors
from tipsom.programme.testing import make_activity, make_attendance, make_participant
from tipsom.programme.testing_reports import YEAR_END, YEAR_START, ReportData, make_report_data

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2020, 1, 15)


@pytest.fixture
def data() -> ReportData:
    return make_report_data()


def _add_activities(data: ReportData, number: int) -> list[Activity]:
    """`number` activities of 2019, in turn a training with a roster of two, a workshop with recorded counts and
    a cooperation meeting with a follow-up action."""
    added = []
    for index in range(number):
        day = datetime.date(2019, 2, 1) + datetime.timedelta(days=index)
        if index % 3 == 0:
            activity = make_activity(data.office, start_date=day, end_date=day)
            make_attendance(activity, make_participant("BR", sex="female", sector=Sector.POLICE))
            make_attendance(activity, make_participant("BR", sex="male", sector=Sector.JUDGES))
        elif index % 3 == 1:
            activity = make_activity(
                data.office,
                kind=ActivityType.WORKSHOP,
                start_date=day,
                end_date=day,
                participants_total=10,
                participants_women=6,
                participants_men=3,
                participants_by_sector={Sector.SOCIAL_WORKERS: 10},
            )
        else:
            activity = make_activity(
                data.office, kind=ActivityType.MEETING, pillar=Pillar.COOPERATION, start_date=day, end_date=day
            )
            FollowUpAction.objects.create(
                activity=activity, description="Share the guide", owner_name="AR", due_on=datetime.date(2019, 11, 1)
            )
        added.append(activity)
    return added


def _queries_of_report(data: ReportData) -> tuple[int, Any]:
    parameters = report_parameters(country="BR", start=YEAR_START, end=YEAR_END)
    with CaptureQueriesContext(connection) as queries:
        report = donor_report(user=data.officer, parameters=parameters, today=TODAY)
    return len(queries), report


def test_the_report_costs_as_many_queries_for_30_activities_as_for_3(data: ReportData) -> None:
    _add_activities(data, 3)
    _queries_of_report(data)  # the first reads the user's permissions, kept for the next ones
    few, report = _queries_of_report(data)
    assert report.section("activities").total == ["Total", "", 4 + 3, 128 + 2 + 10]
    _add_activities(data, 27)
    many, report = _queries_of_report(data)
    assert report.section("activities").total == ["Total", "", 4 + 30, 128 + 10 * 2 + 10 * 10]
    cooperation = report.section("cooperation").rows
    assert len(cooperation) == 1 + 10 and cooperation[0][4:] == [1, 1, 1]  # one action each, open and overdue
    assert many == few


def test_counting_many_activities_at_once_gives_each_its_own_counts(data: ReportData) -> None:
    activities = [data.training, data.workshop, data.campaign, *_add_activities(data, 3)]
    counts = selectors.participant_counts_many(activities)
    assert counts == {activity.pk: selectors.participant_counts(activity) for activity in activities}
    training = counts[data.training.pk]
    assert (training.total, training.women, training.men, training.other, training.from_roster) == (3, 2, 1, 0, True)
    assert training.by_sector == {Sector.POLICE: 2, Sector.JUDGES: 1}
    workshop = counts[data.workshop.pk]
    assert (workshop.total, workshop.women, workshop.men, workshop.from_roster) == (125, 102, 23, False)
    assert counts[data.campaign.pk].total == 0  # nothing recorded
    assert selectors.participants_of(activities)[data.campaign.pk] is None
    assert selectors.participants_of(activities)[data.training.pk] == 3


def test_counting_in_several_queries_gives_the_same_counts(data: ReportData, monkeypatch: Any) -> None:
    activities = [data.training, data.workshop, data.campaign, *_add_activities(data, 6)]
    at_once = selectors.participant_counts_many(activities)
    monkeypatch.setattr(selectors, "IDS_PER_QUERY", 2)
    with CaptureQueriesContext(connection) as queries:
        in_parts = selectors.participant_counts_many(activities)
    assert len(queries) == 5  # nine activities, two a query
    assert in_parts == at_once
    assert selectors.participant_counts_many([]) == {}
