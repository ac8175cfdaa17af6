"""Test factories of the cases app, shared by its tests and the apps above: cases registered through the case
services, as a caseworker of the organization would."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.cases import services
from tipsom.cases.models import Case

ADULT_PERSON: dict[str, Any] = {
    "names": [{"name": "Maria Flores Condori"}],
    "gender": "Feminine",
    "citizenships": ["BO"],
    "birth_date": "1990-03-17",
    "birth_date_precision": "exact",
    "contacts": [{"kind": "phone", "value": "+59171234567"}],
    "documents": [{"doc_type": "passport", "number": "BO1234567", "issuing_country": "BO"}],
}
CHILD_PERSON: dict[str, Any] = {
    "names": [{"name": "Juana Mamani Quispe"}],
    "gender": "Feminine",
    "citizenships": ["BO"],
    "birth_date": "2011",
    "birth_date_precision": "estimated",
}
CASE_FACTS: dict[str, Any] = {
    "case_type": "tip",
    "identified_on": "2026-10-02",
    "origin_country": "BO",
    "destination_country": "BR",
    "exploitation_types": ["ForcedLabour"],
    "means_of_control": ["DebtBondage"],
}


# Who registered each case make_case made, for the tests that go on acting as that user: by the case's id, so that
# another copy of the case (a fixture's fresh read) finds it too, whenever the first copy is collected.
_REGISTERED_BY: dict[int, User] = {}


def make_case(
    organization: Any,
    *,
    child: bool = False,
    actor: User | None = None,
    person: dict[str, Any] | None = None,
    **facts: Any,
) -> Case:
    """A case of `organization`, registered by `actor` or a new case manager of it (see case_actor), for an adult
    (or a child) unless `person` is given; `facts` override the case's."""
    actor = actor or make_user(organization, roles=("case_manager",))
    if facts.get("person_id") is None:
        facts["person"] = dict(person if person is not None else CHILD_PERSON if child else ADULT_PERSON)
    case = services.case_register(actor=actor, organization=organization, **{**CASE_FACTS, **facts})
    _REGISTERED_BY[case.pk] = actor
    return case


def case_actor(case: Case) -> User:
    """The user who registered a case that make_case made."""
    return _REGISTERED_BY[case.pk]
