"""The person's citizenships copied onto their cases (Case.citizenships), for the case list's citizenship filter."""

from __future__ import annotations

from collections.abc import Iterable

from tipsom.accounts.models import User
from tipsom.cases.models import Case
from tipsom.people.models import Person


def cases_follow_citizenships(*, actor: User, person: Person, changed: Iterable[str] = ("citizenships",)) -> None:
    """After a person's citizenships changed, every case of theirs (closed ones too: they are listed and filtered
    alike) gets the new list. Registered as a `person_changed` hook; runs in people.services' transaction. A copy
    of the person's data, not a change of the case: the person's own audit event records it."""
    if "citizenships" in changed:
        Case.objects.filter(person=person).update(citizenships=list(person.citizenships))
