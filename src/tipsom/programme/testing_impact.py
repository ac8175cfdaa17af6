"""Test factories of the impact view: statistics facts built directly (victims identified on a day, helpline
contacts in a month), past the facts engine, as stats/tests/test_dashboard.py does; for the tests and the bench."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from tipsom.accounts.testing import make_user
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.testing import make_activity, make_attendance, make_participant
from tipsom.stats.models import ContactFact, VictimFact

_source = itertools.count(10_000_000)


def make_victim_facts(organization: Organization, day: datetime.date, n: int, **fields: Any) -> list[VictimFact]:
    """`n` victims identified on `day` by `organization` (in its country and region unless `fields` say otherwise)."""
    defaults: dict[str, Any] = {
        "country": organization.country,
        "organization": organization,
        "organization_type": organization.type,
        "year": day.year,
        "counted": True,
        "identified_on": day,
        "case_type": "tip",
        "sex": "F",
        "age": 30,
        "citizenship": organization.country,
        "region": organization.region,
    }
    defaults.update(fields)
    rows = []
    for _i in range(n):
        source = next(_source)
        rows.append(VictimFact(source_id=source, person_cluster=source, **defaults))
    return VictimFact.objects.bulk_create(rows)


def make_contact_facts(organization: Organization, year: int, month: int, n: int, **fields: Any) -> list[ContactFact]:
    """`n` helpline contacts of `year`/`month` answered by `organization` (in its region unless `fields` say)."""
    defaults: dict[str, Any] = {
        "country": organization.country,
        "organization": organization,
        "organization_type": organization.type,
        "year": year,
        "month": month,
        "channel": "phone",
        "contact_type": "information",
        "region": organization.region,
    }
    defaults.update(fields)
    rows = [ContactFact(source_id=next(_source), **defaults) for _i in range(n)]
    return ContactFact.objects.bulk_create(rows)


TRAINING = datetime.date(2022, 6, 15)


def months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    out, day = [], first
    while day <= last:
        out.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


class ImpactWorld:
    """Brazil, June 2021 to June 2023, every month: the SP police identify 6 victims (10 from July 2022), the RJ NGO
    5, the MG police 8, the BA NGO 1; a training in BR-SP on 15 June 2022 whose participant (an SP police officer, the
    tipsom user who records the SP cases) is on the roster; an M&E officer of a ministry office (BR-DF)."""

    def __init__(self) -> None:
        self.office = make_organization("BR", region="BR-DF", name="Ministry office")
        self.officer = make_user(self.office, roles=("me_officer",))
        self.sp = make_organization("BR", region="BR-SP", name="SP police")
        self.rj = make_organization("BR", region="BR-RJ", name="RJ NGO")
        self.mg = make_organization("BR", region="BR-MG", name="MG police")
        self.ba = make_organization("BR", region="BR-BA", name="BA NGO")
        self.trainee = make_user(self.sp, roles=("frontline_identifier",))
        self.other_recorder = make_user(self.rj, roles=("frontline_identifier",))
        for month in months(datetime.date(2021, 6, 1), datetime.date(2023, 6, 1)):
            day = month.replace(day=10)
            make_victim_facts(self.sp, day, 6 + (4 if month > TRAINING else 0), identified_by=self.trainee.pk)
            make_victim_facts(self.rj, day, 5, identified_by=self.other_recorder.pk)
            make_victim_facts(self.mg, day, 8, identified_by=self.other_recorder.pk)
            make_victim_facts(self.ba, day, 1)
        self.training = make_activity(self.office, regions=["BR-SP"], start_date=TRAINING, end_date=TRAINING)
        make_attendance(self.training, make_participant("BR", organization=self.sp, user=self.trainee))
