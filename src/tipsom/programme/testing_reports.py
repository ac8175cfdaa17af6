"""Test factories of the donor report and the IATI file: a small country programme of 2019 with one of each thing
the report counts (a training with a roster, a workshop with aggregate counts, a campaign, a cooperation meeting
with follow-up actions, an indicator with its baseline and period, a grant with money moved)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import (
    Activity,
    ActivityType,
    FollowUpAction,
    Grant,
    GrantTransaction,
    IndicatorBaseline,
    Pillar,
    ResultLevel,
    Sector,
    TransactionType,
)
from tipsom.programme.testing import (
    make_activity,
    make_attendance,
    make_grant,
    make_indicator,
    make_node,
    make_participant,
    make_period,
)

YEAR_START = datetime.date(2019, 1, 1)
YEAR_END = datetime.date(2019, 12, 31)


@dataclass
class ReportData:
    office: Organization
    ngo: Organization
    officer: User  # M&E officer of the country
    training: Activity
    workshop: Activity
    campaign: Activity
    meeting: Activity
    grant: Grant


def make_report_data(country: str = "BR") -> ReportData:
    office = make_organization(country, type="CentralGovernmentOrganisation", name=f"Coordination {country}")
    ngo = make_organization(country, type="NGO", name=f"Shelter {country}")
    training = make_activity(
        office,
        title="Identification of victims for police",
        start_date=datetime.date(2019, 3, 4),
        end_date=datetime.date(2019, 3, 5),
        budget=Decimal("12000"),
    )
    make_attendance(training, make_participant(country, sex="female", sector=Sector.POLICE))
    make_attendance(training, make_participant(country, sex="female", sector=Sector.POLICE))
    make_attendance(training, make_participant(country, sex="male", sector=Sector.JUDGES))
    workshop = make_activity(
        office,
        kind=ActivityType.WORKSHOP,
        pillar=Pillar.CHILDREN,
        title="Family defenders' workshop",
        start_date=datetime.date(2019, 5, 6),
        end_date=datetime.date(2019, 5, 7),
        participants_total=125,
        participants_women=102,
        participants_men=23,
        participants_by_sector={Sector.FAMILY_DEFENDERS: 125},
        budget=Decimal("8000.50"),
    )
    campaign = make_activity(
        office,
        kind=ActivityType.CAMPAIGN,
        pillar=Pillar.STRATEGY,
        title="100 Days against Trafficking",
        start_date=datetime.date(2019, 6, 1),
        end_date=datetime.date(2019, 9, 8),
        channels=["radio", "social_media"],
        people_reached=54321,
        materials_count=2500,
    )
    meeting = make_activity(
        office,
        kind=ActivityType.MEETING,
        pillar=Pillar.COOPERATION,
        title="Meeting of specialised prosecutors",
        start_date=datetime.date(2019, 10, 1),
        end_date=datetime.date(2019, 10, 2),
        countries=[country, "CO", "AR"],
    )
    FollowUpAction.objects.create(
        activity=meeting, description="Share the guide", owner_name="AR", due_on=datetime.date(2019, 11, 1)
    )
    FollowUpAction.objects.create(
        activity=meeting, description="Joint team", owner_name="CO", due_on=datetime.date(2030, 1, 1)
    )
    FollowUpAction.objects.create(
        activity=meeting,
        description="Contact points",
        owner_name="BR",
        due_on=datetime.date(2019, 10, 20),
        status="done",
        done_on=datetime.date(2019, 10, 15),
    )
    make_activity(
        office,
        title="Before the period",
        start_date=datetime.date(2018, 12, 30),
        budget=Decimal("1000"),
        end_date=datetime.date(2019, 1, 2),
    )
    outcome = make_node(ResultLevel.OUTCOME, code="OC3", title="Practitioners identify victims", pillar=3)
    output = make_node(ResultLevel.OUTPUT, parent=outcome, code="OP3.1", title="Practitioners trained", pillar=3)
    indicator = make_indicator(output, code="3.1.a", title="Practitioners trained on identification")
    IndicatorBaseline.objects.create(indicator=indicator, country=country, year=2018, value=Decimal("40"))
    make_period(
        indicator, country, period_start=YEAR_START, period_end=YEAR_END, target=Decimal("150"), actual=Decimal("128")
    )
    grant = make_grant(office, ngo, title="Shelter for child victims")
    tranche = grant.tranches.get(number=1)
    tranche.released_on = datetime.date(2019, 1, 10)
    tranche.save()
    GrantTransaction.objects.create(
        grant=grant,
        tranche=tranche,
        transaction_type=TransactionType.COMMITMENT,
        date=datetime.date(2019, 1, 2),
        amount=Decimal("30000"),
    )
    GrantTransaction.objects.create(
        grant=grant,
        tranche=tranche,
        transaction_type=TransactionType.DISBURSEMENT,
        date=datetime.date(2019, 1, 15),
        amount=Decimal("10000"),
    )
    GrantTransaction.objects.create(
        grant=grant,
        tranche=tranche,
        transaction_type=TransactionType.EXPENDITURE,
        date=datetime.date(2019, 3, 20),
        amount=Decimal("4250.75"),
    )
    return ReportData(
        office=office,
        ngo=ngo,
        officer=make_user(office, roles=("me_officer",)),
        training=training,
        workshop=workshop,
        campaign=campaign,
        meeting=meeting,
        grant=grant,
    )
