"""Blocking keys of a person: the blocking values of each of their names (matching.names.block_values, plus the
whole name in its order-free canonical form) as keyed hashes, stored with the plain birth year. They bring
candidates together; they never decide a match (matching.scoring does, on the candidates only)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction

from tipsom.core.bulk import insert_rows
from tipsom.core.crypto import blind_index
from tipsom.matching.models import MatchKey
from tipsom.matching.names import NameForms, block_values, name_forms
from tipsom.matching.names.compare import canonical_value
from tipsom.matching.scoring import date_parts
from tipsom.people.models import Person, PersonName

PURPOSE = "matching.block"
KIND_FULL = "full"  # the whole name, canonical and order-free: what term frequencies are counted on
# Each word of the name (its canonical id, or its skeleton) with the exact birth date, day and month either way: a
# typo or another spelling of the other words, or a dropped one, keeps the pair in one block, and the block stays
# small (bench/README.md, "Matching: the registration check").
KIND_DATE = "canon_dob"
# How much a key in common counts when a block is ranked (the rest count 1).
KIND_WEIGHTS = {KIND_FULL: 3.0, KIND_DATE: 3.0, "canon_pair": 2.0}
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


def exact_dates(birth_date: str) -> list[str]:
    """An exact birth date as written, and with day and month swapped where that is a date too; [] when partial."""
    year, month, day = date_parts(birth_date)
    if year is None or month is None or day is None:
        return []
    dates = [f"{year:04d}-{month:02d}-{day:02d}"]
    if day <= 12 and day != month:
        dates.append(f"{year:04d}-{day:02d}-{month:02d}")
    return dates


def values_of(forms: Sequence[NameForms], birth_date: str = "") -> set[tuple[str, str]]:
    values: set[tuple[str, str]] = set()
    dates = exact_dates(birth_date)
    for form in forms:
        values |= block_values(form)
        if form.canonical:
            values.add((KIND_FULL, form.canonical))
        for part in form.significant() if dates else ():
            word = canonical_value(part)
            if word.strip("~"):
                values |= {(KIND_DATE, f"{word}|{when}") for when in dates}
    return values


def keys_of(forms: Sequence[NameForms], birth_date: str = "") -> list[tuple[str, str]]:
    """[(kind, key)] for these forms and birth date, at most MAX_KEYS_PER_PERSON (the whole names and the words
    with the birth date first: they find the most in the smallest blocks)."""
    order = {KIND_FULL: 0, KIND_DATE: 1}
    values = sorted(values_of(forms, birth_date), key=lambda item: (order.get(item[0], 2), item))
    return [(kind, key_of(kind, value)) for kind, value in values[:MAX_KEYS_PER_PERSON]]


def person_name_texts(names: Iterable[PersonName]) -> list[str]:
    texts: list[str] = []
    for name in names:
        texts.append(name.name)
        if name.name_latin:
            texts.append(name.name_latin)
    return texts


@transaction.atomic
def match_keys_write(
    persons: Sequence[Person], *, fresh: bool = False, names: Mapping[int, Sequence[PersonName]] | None = None
) -> int:
    """(Re)write the match keys of these persons from their names, decrypted in memory; returns how many. A bulk
    import of new persons (`fresh`: they have no keys yet) gives their `names` as it has them, in the order saved,
    instead of reading them back."""
    ids = [person.pk for person in persons]
    if not ids:
        return 0
    if not fresh:
        MatchKey.objects.filter(person_id__in=ids).delete()
    if names is None:
        found: dict[int, list[PersonName]] = {pk: [] for pk in ids}
        for name in PersonName.objects.filter(person_id__in=ids).order_by("pk"):
            found[name.person_id].append(name)
        names = found
    rows = (
        (person.pk, kind, key, person.birth_year)
        for person in persons
        if person.merged_into_id is None
        for kind, key in keys_of(forms_of(person_name_texts(names[person.pk])), person.birth_date or "")
    )
    return insert_rows(MatchKey, ("person", "kind", "key", "birth_year"), rows)
