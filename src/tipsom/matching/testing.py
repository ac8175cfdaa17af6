"""Factories for matching's tests and for the apps above it: persons registered through the registry's service
(so their match keys are written), pairs in the review queue."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.matching.models import CandidatePair
from tipsom.people.models import Person
from tipsom.people.services import person_create


def make_person(
    organization: Any,
    name: str,
    *,
    name_latin: str = "",
    birth_date: str = "",
    gender: str = "Feminine",
    actor: User | None = None,
    **fields: Any,
) -> Person:
    """A person of `organization` named `name`, born on `birth_date` ("1999", "1999-04" or "1999-04-03")."""
    actor = actor or make_user(organization, roles=("case_manager",))
    if birth_date:
        precision = {1: "year", 2: "year_month", 3: "exact"}[len(birth_date.split("-"))]
        fields.setdefault("birth_date", birth_date)
        fields.setdefault("birth_date_precision", precision)
    return person_create(
        actor=actor,
        organization=organization,
        names=[{"name": name, "name_latin": name_latin}],
        gender=gender,
        **fields,
    )


def make_pair(left: Person, right: Person, *, probability: float = 0.97, **fields: Any) -> CandidatePair:
    low, high = sorted([left, right], key=lambda person: person.pk)
    pair, _created = CandidatePair.objects.get_or_create(
        person_low=low, person_high=high, defaults={"probability": probability, **fields}
    )
    return pair
