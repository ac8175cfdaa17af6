"""Callers' numbers: one normal form (E.164 where the number can be read as a telephone number of some country,
the caller's country assumed when it has no international prefix), and its blind index, so that a repeat caller
or a blocked number is found whichever way the number was written ("0300 1234567" in Pakistan and
"+92 300 1234567" are one number). Nothing here stores or logs a number."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django.utils.translation import gettext as _

from tipsom.core import validation as check
from tipsom.core.crypto import blind_index

INDEX_PURPOSE = "helpline.number"
MAX_NUMBER = 40
_ALLOWED = frozenset("0123456789+-(). /")
MIN_DIGITS = 3


def number_clean(errors: check.Errors, field: str, value: Any) -> str:
    """A number as typed (the text rule, one line), refused when it is not made of digits and the usual signs."""
    number = check.line(errors, field, value, max_length=MAX_NUMBER)
    if field in errors or not number:
        return number
    digits = sum(character.isdigit() for character in number)
    if not set(number) <= _ALLOWED or digits < MIN_DIGITS:
        errors[field] = _("Enter a telephone number: digits, with + for an international number.")
    return number


def number_normal_form(number: str, country: str) -> str:
    """E.164 ("+923001234567") when the number reads as a possible number (of `country` when it has no
    international prefix); otherwise its digits alone, with "+" when it was international."""
    text = "".join(number.split())
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    digits = "".join(character for character in text if character.isdigit())
    return ("+" if text.startswith("+") else "") + digits


def number_index(number: str, country: str) -> str:
    """The blind index of a number's normal form; "" for no number."""
    if not number:
        return ""
    return blind_index(number_normal_form(number, country), purpose=INDEX_PURPOSE)
