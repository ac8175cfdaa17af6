"""The languages a helpline contact can be in: the languages of the countries tipsom serves, as ISO 639-2/3
codes (what the person registry stores, so a case opened from a contact starts with the contact's language). A
deployment lists its own with the TIPSOM_HELPLINE_LANGUAGES setting."""

from __future__ import annotations

from django.conf import settings

from tipsom.core import locale_names

# Belarus, Brazil, Colombia, Egypt, Kyrgyzstan, Lao PDR, Mali, Morocco, Nepal, Niger, Pakistan, South Africa,
# Ukraine: their official and widely spoken languages.
DEFAULT_LANGUAGES = (
    "afr",  # Afrikaans
    "ara",  # Arabic
    "bam",  # Bambara
    "bel",  # Belarusian
    "eng",  # English
    "fra",  # French
    "hau",  # Hausa
    "kir",  # Kyrgyz
    "lao",  # Lao
    "nep",  # Nepali
    "por",  # Portuguese
    "rus",  # Russian
    "spa",  # Spanish
    "ukr",  # Ukrainian
    "urd",  # Urdu
    "xho",  # Xhosa
    "zgh",  # Standard Moroccan Tamazight
    "zul",  # Zulu
)


def contact_languages() -> tuple[str, ...]:
    return tuple(getattr(settings, "TIPSOM_HELPLINE_LANGUAGES", DEFAULT_LANGUAGES))


def is_contact_language(code: str) -> bool:
    return code in contact_languages()


def language_choices() -> list[tuple[str, str]]:
    """(code, name in the active language), sorted by name."""
    return locale_names.sorted_by_label((code, locale_names.language_name(code)) for code in contact_languages())


def language_label(code: str) -> str:
    return locale_names.language_name(code) if code else ""
