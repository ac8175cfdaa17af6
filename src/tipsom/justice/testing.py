"""Test factories of the justice app, shared by its tests and the apps above: criminal cases, offences and
suspects built with plain model creation (the person through the people services), and legal provisions."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from tipsom.justice.models import CriminalCase, LegalProvision, Offence, OffenceType, Suspect
from tipsom.organizations.models import Organization
from tipsom.people.services import person_create

_counter = itertools.count(1)


def make_provision(country: str = "BR", **fields: Any) -> LegalProvision:
    """A legal provision of `country` (a trafficking article unless `fields` say otherwise)."""
    number = next(_counter)
    defaults: dict[str, Any] = {
        "law": f"Test law {number}",
        "article": f"art. {number}",
        "title": "Trafficking in persons",
        "offence_type": OffenceType.TIP,
        "iccs_code": "0204",
    }
    defaults.update(fields)
    return LegalProvision.objects.create(country=country, **defaults)


def make_criminal_case(organization: Organization, **fields: Any) -> CriminalCase:
    """A criminal case recorded by `organization` (in its country), in the investigation stage."""
    number = next(_counter)
    country = fields.pop("country", organization.country)
    defaults: dict[str, Any] = {
        "title": f"Test criminal case {number}",
        "investigation_opened_on": datetime.date(2025, 1, 10),
        "reference": f"{country}-CC-2025-{number:06d}",
        "offence_type": OffenceType.TIP,
    }
    defaults.update(fields)
    return CriminalCase.objects.create(owner_organization=organization, country=country, **defaults)


def make_offence(criminal_case: CriminalCase, **fields: Any) -> Offence:
    """An offence of the case, from 1 December 2024 unless `fields` say otherwise."""
    defaults: dict[str, Any] = {
        "offence_type": OffenceType.TIP,
        "date_from": datetime.date(2024, 12, 1),
        "recorded_on": datetime.date(2025, 1, 10),
        "country": criminal_case.country,
    }
    defaults.update(fields)
    return Offence.objects.create(criminal_case=criminal_case, **defaults)


def make_suspect(criminal_case: CriminalCase, **fields: Any) -> Suspect:
    """A suspect of the case: a new person of the case's organization (a man born in 1980 unless `person` is
    given as the person's fields), then the suspect's `fields`."""
    person = fields.pop("person", None)
    if person is None or isinstance(person, dict):
        number = next(_counter)
        person_fields: dict[str, Any] = {
            "names": [{"name": f"Suspect Number{number}"}],
            "gender": "Masculine",
            "birth_date": "1980",
            "birth_date_precision": "year",
            **(person or {}),
        }
        person = person_create(actor=None, organization=criminal_case.owner_organization, **person_fields)
    return Suspect.objects.create(criminal_case=criminal_case, person=person, **fields)


# A smuggling incident with deaths at sea (issue 12, done-when 4): 40 migrants, 12 dead, 3 missing, 25 survivors
# of whom 4 injured, by sex, age group and citizenship. The statistics' tests reuse it.
INCIDENT_AT_SEA: dict[str, Any] = {
    "occurred_on": "2026-06-14",
    "location_type": "sea",
    "place": "Off the coast, 30 nautical miles",
    "latitude": "33.50000",
    "longitude": "11.25000",
    "route": "Agadez–Sebha–Tripoli",
    "origin_countries": ["NE", "NG"],
    "transit_countries": ["LY"],
    "transport_mode": "boat",
    "migrants_total": 40,
    "dead": 12,
    "missing": 3,
    "injured": 4,
    "survivors": 25,
    "cause_of_death": "drowning",
    "aggravating_circumstances": ["death", "danger_to_life"],
    "fee_per_migrant": "1500.00",
    "fee_currency": "EUR",
    "information_source": "Coast guard report",
    "migrants": [
        {"sex": "male", "age_group": "adult", "citizenship": "NG", "count": 22},
        {"sex": "female", "age_group": "adult", "citizenship": "NG", "count": 10},
        {"sex": "male", "age_group": "child", "citizenship": "NE", "count": 8},
    ],
}


def make_incident(organization: Organization, *, actor: Any = None, **fields: Any) -> Any:
    """A smuggling incident recorded by `organization` through justice.services.incidents (by `actor`, or a new
    investigator of it): the incident with deaths at sea (INCIDENT_AT_SEA, in the organization's country) unless
    `fields` override it."""
    from tipsom.accounts.testing import make_user
    from tipsom.justice.services.incidents import incident_create

    actor = actor or make_user(organization, roles=("investigator",))
    data = {**INCIDENT_AT_SEA, "incident_country": organization.country, **fields}
    return incident_create(actor=actor, **data)
