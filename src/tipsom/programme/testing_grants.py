"""Test factories of the grants (for the programme's tests and the apps above): the people around a grant and the
services its grantee delivered in cases."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.cases.models import Case, ServiceDelivery
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Grant
from tipsom.programme.testing import make_grant


@dataclass
class GrantPeople:
    """A grant of `office` (the coordination) to `ngo`, and who works on it."""

    office: Organization
    ngo: Organization
    grant: Grant
    officer: User  # M&E officer: records the grant and its disbursements
    coordinator: User  # national coordinator: approves reports, releases tranches
    partner: User  # implementing partner of the grantee: submits reports, records expenditure


def make_grant_people(country: str = "BR", **grant_fields: Any) -> GrantPeople:
    office = make_organization(country, type="CentralGovernmentOrganisation")
    ngo = make_organization(country, type="NGO")
    return GrantPeople(
        office=office,
        ngo=ngo,
        grant=make_grant(office, ngo, **grant_fields),
        officer=make_user(office, roles=("me_officer",)),
        coordinator=make_user(office, roles=("national_coordinator",)),
        partner=make_user(ngo, roles=("implementing_partner",)),
    )


def make_service_delivery(case: Case, provider: Organization, delivered_on: datetime.date) -> ServiceDelivery:
    """A service delivered in `case` by `provider` (plain creation: the grant's counts read only these rows)."""
    return ServiceDelivery.objects.create(
        case=case, support_type="Health", delivered_on=delivered_on, provider=provider, outcome="completed", notes=""
    )
