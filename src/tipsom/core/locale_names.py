"""Country and language names in the user's language, from CLDR (babel), and sorting by the user's locale.

Every UI language gets CLDR's names: `pt` European Portuguese ("Irão"), `pt-br` Brazilian ("Irã") — babel's "pt"
is Brazilian, so tipsom's `pt` asks for "pt_PT". Sorting uses the Unicode Collation Algorithm (pyuca, the root
collation of DUCET): letters with accents sort with their base letter (É beside E), Cyrillic, Arabic, Devanagari
and Lao in their alphabet's order, Lao pre-posed vowels by the consonant they precede. It carries no per-language
tailoring (Spanish "ñ" sorts beside "n", not after it); Python's `locale.strxfrm` is not used because it depends
on the locales the server has installed.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import pycountry
from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language, to_locale

# tipsom's language code -> the CLDR locale whose names it shows (the others map one to one).
_CLDR_LOCALES = {"pt": "pt_PT", "pt-br": "pt_BR"}


def cldr_locale_name(language: str | None = None) -> str:
    """The CLDR locale of a tipsom language (the active one by default): "pt" -> "pt_PT", "pt-br" -> "pt_BR"."""
    code = (language or get_language() or "en").lower()
    return _CLDR_LOCALES.get(code) or to_locale(code)


@cache
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(name.split("_")[0]) if "_" in name else Locale.parse("en")


def cldr_locale(language: str | None = None) -> Locale:
    """The babel Locale of a tipsom language (the active one by default)."""
    return _locale(cldr_locale_name(language))


@cache
def _collator() -> Any:
    from pyuca import Collator

    return Collator()


def sort_key(text: str) -> tuple[int, ...]:
    """A key that orders text as the Unicode Collation Algorithm does (see the module's note)."""
    return tuple(_collator().sort_key(text))


def sorted_by_label(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(code, label) pairs in the order of their labels."""
    return sorted(pairs, key=lambda pair: sort_key(pair[1]))


def country_name(code: str, language: str | None = None) -> str:
    """An ISO 3166-1 alpha-2 country's name in the language (the active one by default); the code if unknown."""
    code = (code or "").upper()
    names = cldr_locale(language).territories
    if code in names:
        return str(names[code])
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    return country.name if country is not None else code


@cache
def _country_choices(locale_name: str) -> tuple[tuple[str, str], ...]:
    names = _locale(locale_name).territories
    english = _locale("en").territories
    pairs = ((c.alpha_2, str(names.get(c.alpha_2) or english.get(c.alpha_2) or c.name)) for c in pycountry.countries)
    return tuple(sorted_by_label(pairs))


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """Every ISO 3166-1 country as (code, name), sorted by name in the language (the active one by default)."""
    return list(_country_choices(cldr_locale_name(language)))


def _cldr_language_code(code: str) -> str:
    """CLDR keys languages by their shortest ISO 639 code: an alpha-3 code with an alpha-2 form becomes it."""
    code = (code or "").lower()
    if len(code) == 3:
        language = pycountry.languages.get(alpha_3=code)
        if language is not None and hasattr(language, "alpha_2"):
            return str(language.alpha_2)
    return code


def language_name(code: str, language: str | None = None) -> str:
    """An ISO 639 language (alpha-2 or alpha-3 code) named in the language (the active one by default)."""
    key = _cldr_language_code(code)
    names = cldr_locale(language).languages
    if key in names:
        return str(names[key])
    found = pycountry.languages.get(alpha_2=key) if len(key) == 2 else pycountry.languages.get(alpha_3=key)
    return str(found.name) if found is not None else code


@cache
def _language_choices(locale_name: str, alpha: int) -> tuple[tuple[str, str], ...]:
    names = _locale(locale_name).languages
    pairs = []
    for language in pycountry.languages:
        if not hasattr(language, "alpha_2"):
            continue
        code = language.alpha_2 if alpha == 2 else language.alpha_3
        pairs.append((str(code), str(names.get(language.alpha_2) or language.name)))
    return tuple(sorted_by_label(pairs))


def language_choices(language: str | None = None, *, alpha: int = 3) -> list[tuple[str, str]]:
    """The languages that have an ISO 639-1 code, as (code, name) sorted by name in the language (the active one by
    default); the codes are ISO 639-2/3 (`alpha=3`, what HTCDS stores) or ISO 639-1 (`alpha=2`)."""
    return list(_language_choices(cldr_locale_name(language), alpha))
