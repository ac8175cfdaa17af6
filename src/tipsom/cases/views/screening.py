"""The screening's live recommendation during a registration, from what the form holds so far."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date

from tipsom.cases.models import Screening, SomVulnerability, TraffickingAct
from tipsom.cases.services import is_child_at, screening_recommendation
from tipsom.core.codes import is_code
from tipsom.core.dates import BirthDateError, parse_birth_date
from tipsom.people.models import Person

# How strongly each recommendation points to protection, for the panel's colour.
LEVELS = {
    Screening.Recommendation.LIKELY_VICTIM: "danger",
    Screening.Recommendation.LIKELY_CHILD_VICTIM: "danger",
    Screening.Recommendation.POSSIBLE_VICTIM: "warning",
    Screening.Recommendation.VULNERABLE_MIGRANT: "info",
    Screening.Recommendation.NO_INDICATORS: "secondary",
}


def recommendation_for(data: QueryDict, person: Person | None) -> dict[str, Any]:
    """What cases.services.screening_recommendation advises for the indicators in `data` (unknown codes ignored:
    the registration itself refuses them)."""
    acts = [code for code in data.getlist("acts") if code in TraffickingAct.values]
    means = [code for code in data.getlist("means") if is_code("vic_MethodsOfControl", code)]
    purposes = [code for code in data.getlist("purposes") if is_code("vic_TypeOfExploitation", code)]
    som = [code for code in data.getlist("som_vulnerabilities") if code in SomVulnerability.values]
    is_child = may_be_child(data, person)
    code = screening_recommendation(
        acts=acts, means=means, purposes=purposes, som_vulnerabilities=som, is_child=is_child
    )
    return {
        "code": code,
        "label": Screening.Recommendation(code).label,
        "level": LEVELS[Screening.Recommendation(code)],
        "is_child": is_child,
    }


def may_be_child(data: QueryDict, person: Person | None) -> bool:
    """Whether the person counts as a child on the identification day, from what the form holds so far."""
    identified_on = _a_date(data.get("identified_on")) or timezone.localdate()
    if person is None:
        try:
            born = parse_birth_date(data.get("birth_date"))
        except BirthDateError:  # half typed: the person step says what is wrong
            born = None
        person = Person(
            is_presumed_minor=data.get("is_presumed_minor") not in (None, "", "false", "off"),
            birth_date=born.text if born else "",
            birth_date_precision=born.precision if born else "",
        )
    try:
        return is_child_at(person, identified_on)
    except ValueError:
        return person.is_presumed_minor


def _a_date(value: Any) -> date | None:
    try:
        return parse_date(str(value or ""))
    except ValueError:
        return None
