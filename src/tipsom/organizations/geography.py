"""Countries (ISO 3166-1 alpha-2) and their regions (ISO 3166-2 subdivisions), with localised names: countries'
from CLDR (core.locale_names), regions from pycountry's ISO 3166-2 translations; both sorted by the user's locale."""

import gettext as gettext_module
from functools import cache

import pycountry
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tipsom.core import locale_names
from tipsom.core.validation import Errors


@cache
def _country_codes() -> dict[str, str]:
    return {country.alpha_2: country.name for country in pycountry.countries}


@cache
def _regions(country: str) -> dict[str, str]:
    subdivisions = pycountry.subdivisions.get(country_code=country) or []
    # Top-level subdivisions only: states, provinces, oblasts, governorates.
    return {s.code: s.name for s in subdivisions if s.parent_code is None}


@cache
def _translator(domain: str, language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def is_country(code: str) -> bool:
    return code in _country_codes()


def country_name(code: str) -> str:
    """The country's name in the active language, from CLDR (core.locale_names)."""
    return locale_names.country_name(code)


def country_choices() -> list[tuple[str, str]]:
    """Every country by its name in the active language, sorted by the language's collation (cached per language:
    a case page asks twice)."""
    return locale_names.country_choices()


def is_region(country: str, code: str) -> bool:
    return code in _regions(country)


def region_name(country: str, code: str) -> str:
    name = _regions(country).get(code, code)
    return _translator("iso3166-2", (get_language() or "en").split("-")[0]).gettext(name)


def region_choices(country: str) -> list[tuple[str, str]]:
    return locale_names.sorted_by_label((code, region_name(country, code)) for code in _regions(country))


def valid_country(errors: Errors, field: str, value: object, *, required: bool = False) -> str:
    """A country code from service input, upper-cased; a bad one is named in `errors`."""
    code = str(value or "").strip().upper()
    if not code:
        if required:
            errors[field] = _("This field is required.")
        return ""
    if not is_country(code):
        errors[field] = _("Unknown country code (use ISO 3166-1 alpha-2).")
        return ""
    return code


def valid_countries(errors: Errors, field: str, value: object) -> list[str]:
    """A list of country codes, duplicates dropped, order kept."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors[field] = _("Give a list of country codes.")
        return []
    codes = [str(item).strip().upper() for item in value]
    if not all(is_country(code) for code in codes):
        errors[field] = _("Unknown country code (use ISO 3166-1 alpha-2).")
        return []
    return list(dict.fromkeys(codes))
