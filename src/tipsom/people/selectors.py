"""Reads for the person registry, always narrowed to what the user may see; name search uses blind indexes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tipsom.accounts.models import User
from tipsom.core.permissions import access_by_id
from tipsom.people.keys import document_key, query_keys
from tipsom.people.models import Person, PersonDocument, PersonName


def person_list(*, user: User, action: str = "view") -> QuerySet[Person]:
    return Person.objects.restrict(user, action).select_related("owner_organization").prefetch_related("names")


def access_person_by_id(user: User, person_id: Any, action: str = "view") -> Person:
    queryset = Person.objects.select_related("owner_organization").prefetch_related("names", "contacts", "documents")
    return access_by_id(Person, user, person_id, action, queryset=queryset)


def person_search_by_name(*, user: User, query: str) -> QuerySet[Person]:
    """Persons with a name whose own spelling or Latin form equals the query's, word order and case aside.

    Only keyed hashes are compared: the registry is never decrypted to search it."""
    condition = Q()
    for field, key in query_keys(query):
        condition |= Q(**{field: key})
    if not condition:
        return Person.objects.none()
    matching = PersonName.objects.filter(condition).values("person_id")
    return person_list(user=user).filter(pk__in=matching)


def person_search_by_document(*, user: User, number: str) -> QuerySet[Person]:
    """Persons holding a document with this number (spaces, dashes and case aside)."""
    matching = PersonDocument.objects.filter(key_number=document_key(number)).values("person_id")
    return person_list(user=user).filter(pk__in=matching)
