"""Blocking keys of a person: the blocking values of each of their names (matching.names.block_values, plus the
whole name in its order-free canonical form) as keyed hashes, stored with the plain birth year. They bring
candidates together; they never decide a match (matching.scoring does, on the candidates only)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from tipsom.core.crypto import blind_index
from tipsom.matching.models import MatchKey
from tipsom.matching.names import NameForms, block_values, name_forms
from tipsom.people.models import Person, PersonName

PURPOSE = "matching.block"
KIND_FULL = "full"  # the whole name, canonical and order-free: what term frequencies are counted on
MAX_KEYS_PER_PERSON = 60


def forms_of(names: Iterable[str]) -> list[NameForms]:
    """The normal forms of each distinct non-empty name a person is known by (own script and Latin spellings)."""
    seen: set[str] = set()
    forms: list[NameForms] = []
    for text in names:
        text = (text or "").strip()
        if not text or text in seen:
            continue
        seen.add(text)
        forms.append(name_forms(text))
    return forms


def key_of(kind: str, value: str) -> str:
    return blind_index(f"{kind}\x1f{value}", purpose=PURPOSE)


def values_of(forms: Sequence[NameForms]) -> set[tuple[str, str]]:
    values: set[tuple[str, str]] = set()
    for form in forms:
        values |= block_values(form)
        if form.canonical:
            values.add((KIND_FULL, form.canonical))
    return values


def keys_of(forms: Sequence[NameForms]) -> list[tuple[str, str]]:
    """[(kind, key)] for these forms, at most MAX_KEYS_PER_PERSON (the whole names first: they find the most)."""
    values = sorted(values_of(forms), key=lambda item: (item[0] != KIND_FULL, item))
    return [(kind, key_of(kind, value)) for kind, value in values[:MAX_KEYS_PER_PERSON]]


def person_name_texts(names: Iterable[PersonName]) -> list[str]:
    texts: list[str] = []
    for name in names:
        texts.append(name.name)
        if name.name_latin:
            texts.append(name.name_latin)
    return texts


@transaction.atomic
def match_keys_write(persons: Sequence[Person]) -> int:
    """(Re)write the match keys of these persons from their names, decrypted in memory; returns how many."""
    ids = [person.pk for person in persons]
    if not ids:
        return 0
    MatchKey.objects.filter(person_id__in=ids).delete()
    names: dict[int, list[PersonName]] = {pk: [] for pk in ids}
    for name in PersonName.objects.filter(person_id__in=ids).order_by("pk"):
        names[name.person_id].append(name)
    rows = [
        MatchKey(person_id=person.pk, kind=kind, key=key, birth_year=person.birth_year)
        for person in persons
        if person.merged_into_id is None
        for kind, key in keys_of(forms_of(person_name_texts(names[person.pk])))
    ]
    MatchKey.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
