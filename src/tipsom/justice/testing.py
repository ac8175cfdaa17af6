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
