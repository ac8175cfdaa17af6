"""The matching demo data: in each country, one invented person registered by two organizations, once in the
country's script and once in Latin letters or another spelling (matching/data/demo_duplicates.json). Each goes
through the registry's service as the organization's case manager would register it, so the second registration
puts the pair in the review queue, where the country's registry reviewer finds it. One `demo.matching` audit event
per country records the load; a second run adds nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from tipsom.audit.models import AuditEvent
from tipsom.audit.services import audit_record
from tipsom.matching.models import CandidatePair
from tipsom.people.services import person_create

AUDIT_ACTION = "demo.matching"
DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_duplicates.json"
PRECISION = {1: "year", 2: "year_month", 3: "exact"}


@cache
def demo_duplicates() -> list[dict[str, Any]]:
    return list(json.loads(DATA_FILE.read_text(encoding="utf-8"))["duplicates"])


@dataclass
class MatchingReport:
    persons: int = 0
    pairs: int = 0
    countries: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The line `tipsom demo` prints."""
        return f"Matching: {self.persons} persons registered twice, {self.pairs} pairs to review."


def _registrar(options: Any, prefix: str, key: str) -> Any:
    """A user of the organization who may register persons (its case manager or identifier)."""
    organization = options.organizations.get(f"{prefix}-{key}")
    if organization is None:
        return None, None
    for user in options.users.values():
        if user.organization_id == organization.pk and user.roles.filter(slug__in=_REGISTRARS).exists():
            return organization, user
    return organization, None


_REGISTRARS = ("case_manager", "frontline_identifier")


def seed(options: Any) -> MatchingReport:
    """The "matching" demo seeder (registered from matching/plugins.py)."""
    report = MatchingReport()
    if options.cases_per_country == 0:  # organizations and users only
        return report
    done = set(AuditEvent.objects.filter(action=AUDIT_ACTION).values_list("object_id", flat=True))
    countries = {country["code"] for country in options.countries}
    for entry in demo_duplicates():
        code = entry["country"]
        if code not in countries or code in done:
            continue
        prefix = code.lower()
        sides = [_registrar(options, prefix, org_key) + (name,) for org_key, name in (entry["first"], entry["second"])]
        if any(organization is None or user is None for organization, user, _name in sides):
            continue
        with transaction.atomic():
            before = CandidatePair.objects.count()
            for organization, user, name in sides:
                person_create(
                    actor=user,
                    organization=organization,
                    names=[{"name": name}],
                    gender=entry["gender"],
                    citizenships=entry["citizenships"],
                    birth_date=entry["birth_date"],
                    birth_date_precision=PRECISION[len(entry["birth_date"].split("-"))],
                )
                report.persons += 1
            report.pairs += CandidatePair.objects.count() - before
            audit_record(
                actor=None, action=AUDIT_ACTION, object_type=AUDIT_ACTION, object_id=code, changes={"persons": 2}
            )
        report.countries.append(code)
    return report
