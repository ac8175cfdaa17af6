"""Test factories of the programme app, shared by its tests and the apps above: activities, participants on
rosters, the results framework and grants, built with plain model creation (fast, and independent of the services
under test)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from tipsom.organizations.models import Organization
from tipsom.people.keys import name_keys
from tipsom.programme.models import (
    Activity,
    ActivityType,
    Attendance,
    Grant,
    GrantReport,
    Indicator,
    IndicatorPeriod,
    IndicatorSource,
    Participant,
    Pillar,
    ResultLevel,
    ResultNode,
    Sector,
    Tranche,
)

_counter = itertools.count(1)


def make_activity(organization: Organization, **fields: Any) -> Activity:
    """A two-day training reported by `organization`, in its country, in September 2018 unless `fields` say
    otherwise."""
    number = next(_counter)
    country = fields.pop("country", organization.country)
    regions = fields.pop("regions", [organization.region] if organization.region else [])
    implementing = fields.pop("implementing_organizations", [])
    defaults: dict[str, Any] = {
        "reference": f"{country}-ACT-{number:06d}",
        "kind": ActivityType.TRAINING,
        "title": f"Test training {number}",
        "pillar": Pillar.CAPACITY,
        "four_ps": ["protection"],
        "start_date": datetime.date(2018, 9, 10),
        "end_date": datetime.date(2018, 9, 11),
        "regions": regions,
    }
    defaults.update(fields)
    activity = Activity.objects.create(owner_organization=organization, country=country, **defaults)
    if implementing:
        activity.implementing_organizations.set(implementing)
    return activity


def make_participant(country: str = "BR", name: str = "", **fields: Any) -> Participant:
    """A participant of `country` (a social worker unless `fields` say otherwise), with the registry's name keys."""
    number = next(_counter)
    name = name or f"Participant Tester {number}"
    keys = name_keys(name, fields.get("name_latin", ""))
    defaults: dict[str, Any] = {"sex": "female", "sector": Sector.SOCIAL_WORKERS}
    defaults.update(fields)
    return Participant.objects.create(
        country=country, name=name, key_exact=keys.key_exact, key_latin=keys.key_latin, **defaults
    )


def make_attendance(activity: Activity, participant: Participant | None = None, **fields: Any) -> Attendance:
    participant = participant or make_participant(activity.country)
    return Attendance.objects.create(activity=activity, participant=participant, **fields)


def make_node(level: str = ResultLevel.OUTCOME, parent: ResultNode | None = None, **fields: Any) -> ResultNode:
    number = next(_counter)
    defaults: dict[str, Any] = {"code": f"N{number}", "title": f"Test result {number}"}
    defaults.update(fields)
    return ResultNode.objects.create(level=level, parent=parent, **defaults)


def make_indicator(node: ResultNode | None = None, **fields: Any) -> Indicator:
    """An indicator entered by hand unless `fields` give another source."""
    number = next(_counter)
    defaults: dict[str, Any] = {
        "code": f"I{number}",
        "title": f"Test indicator {number}",
        "source": IndicatorSource.MANUAL,
        "unit": "practitioners",
    }
    defaults.update(fields)
    return Indicator.objects.create(node=node or make_node(ResultLevel.OUTPUT), **defaults)


def make_period(indicator: Indicator, country: str = "BR", **fields: Any) -> IndicatorPeriod:
    """The indicator's period for 2018 in `country`, a draft."""
    defaults: dict[str, Any] = {"period_start": datetime.date(2018, 1, 1), "period_end": datetime.date(2018, 12, 31)}
    defaults.update(fields)
    return IndicatorPeriod.objects.create(indicator=indicator, country=country, **defaults)


def make_grant(organization: Organization, grantee: Organization, **fields: Any) -> Grant:
    """A grant of 30,000 USD for 2019 managed by `organization` to `grantee`, in three tranches of 10,000 and with
    three quarterly reports; no tranche released."""
    number = next(_counter)
    country = fields.pop("country", organization.country)
    tranches = fields.pop("tranches", 3)
    defaults: dict[str, Any] = {
        "reference": f"{country}-GR-{number:06d}",
        "title": f"Test grant {number}",
        "amount": Decimal("30000"),
        "start_date": datetime.date(2019, 1, 1),
        "end_date": datetime.date(2019, 12, 31),
    }
    defaults.update(fields)
    grant = Grant.objects.create(owner_organization=organization, grantee=grantee, country=country, **defaults)
    share = (grant.amount / tranches).quantize(Decimal("0.01"))
    for index in range(1, tranches + 1):
        start = datetime.date(2019, 1 + (index - 1) * 3, 1)
        end = datetime.date(2019, index * 3, 28)
        Tranche.objects.create(grant=grant, number=index, amount=share, planned_on=start)
        GrantReport.objects.create(
            grant=grant, number=index, period_start=start, period_end=end, due_on=end + datetime.timedelta(days=30)
        )
    return grant
