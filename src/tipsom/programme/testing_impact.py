"""Test factories of the impact view: statistics facts built directly (victims identified on a day, helpline
contacts in a month), past the facts engine, as stats/tests/test_dashboard.py does; for the tests and the bench."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from tipsom.organizations.models import Organization
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
