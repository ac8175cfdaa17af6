"""Reads for the person registry, always narrowed to what the user may see; name search uses blind indexes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tipsom.accounts.models import User
from tipsom.core.permissions import access_by_id
from tipsom.core.registry import registry
from tipsom.people.keys import document_key, query_word_keys
from tipsom.people.models import Person, PersonDocument, PersonName, PersonNameKey


def person_list(*, user: User, action: str = "view") -> QuerySet[Person]:
    """The persons the user may `action`, without those merged into another (their cases follow the survivor)."""
    return (
        Person.objects.restrict(user, action)
        .filter(merged_into__isnull=True)
        .select_related("owner_organization")
        .prefetch_related("names")
    )


def access_person_by_id(user: User, person_id: Any, action: str = "view") -> Person:
    queryset = Person.objects.select_related("owner_organization").prefetch_related("names", "contacts", "documents")
    return access_by_id(Person, user, person_id, action, queryset=queryset)


def person_ids_by_name(query: str) -> QuerySet[Any] | None:
    """The ids of persons with a name that has every word of the query as a word or as the beginning of a word (3
    characters or more), in its own script or its Latin form, in any order; None when the query has no word.

    Only keyed hashes are compared (people.PersonNameKey): the registry is never decrypted to search it. Not
    narrowed to a user: callers add it to a list they narrowed."""
    words = query_word_keys(query)
    if not words:
        return None
    names = PersonName.objects.all()
    for keys in words:
        names = names.filter(pk__in=PersonNameKey.objects.filter(key__in=keys).values("name_id"))
    return names.order_by().values("person_id")


def person_search_by_name(*, user: User, query: str) -> QuerySet[Person]:
    """Persons the user may see with a name matching the query (person_ids_by_name): part of a name, either script
    or order. Only keyed hashes are compared."""
    matching = person_ids_by_name(query)
    if matching is None:
        return Person.objects.none()
    return person_list(user=user).filter(pk__in=matching)


def person_search_by_document(*, user: User, number: str) -> QuerySet[Person]:
    """Persons holding a document with this number (spaces, dashes and case aside)."""
    matching = PersonDocument.objects.filter(key_number=document_key(number)).values("person_id")
    return person_list(user=user).filter(pk__in=matching)


def person_case_numbers(*, user: User, person_ids: list[int]) -> dict[int, list[str]]:
    """What other apps list beside each person, without identifying anyone (the numbers of the cases the user may
    see, from cases): the `person_list_cases` entries of the registry."""
    numbers: dict[int, list[str]] = {}
    for source in registry["person_list_cases"]:
        for person_id, values in source(user, person_ids).items():
            numbers.setdefault(person_id, []).extend(values)
    return numbers
