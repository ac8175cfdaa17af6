"""Countries (ISO 3166-1 alpha-2) and their regions (ISO 3166-2 subdivisions), with localised names."""

import gettext as gettext_module
from functools import cache

import pycountry
from django.utils.translation import get_language


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
    name = _country_codes().get(code, code)
    return _translator("iso3166-1", (get_language() or "en").split("-")[0]).gettext(name)


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, country_name(code)) for code in _country_codes()), key=lambda pair: pair[1])


def is_region(country: str, code: str) -> bool:
    return code in _regions(country)


def region_name(country: str, code: str) -> str:
    name = _regions(country).get(code, code)
    return _translator("iso3166-2", (get_language() or "en").split("-")[0]).gettext(name)


def region_choices(country: str) -> list[tuple[str, str]]:
    return sorted(((code, region_name(country, code)) for code in _regions(country)), key=lambda pair: pair[1])
