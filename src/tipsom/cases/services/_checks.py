"""Validation shared by the case services: every bad field is collected, then one ApplicationError names them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tipsom.core.codes import is_code
from tipsom.core.errors import ApplicationError, Conflict
from tipsom.organizations import geography

MAX_TEXT = 4000
_BIDI_OVERRIDES = frozenset("\u202d\u202e")  # left-to-right and right-to-left override
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LINE_BREAKS = frozenset("\n\t\u2028\u2029")


class Errors(dict[str, str]):
    def raise_if_any(self) -> None:
        if self:
            raise ApplicationError("invalid", _("Some fields are not valid."), {"fields": dict(self)})


def reject_unknown(data: dict[str, Any], allowed: set[str] | tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ApplicationError(
            "invalid",
            _("Unknown fields: %s.") % ", ".join(unknown),
            {"fields": dict.fromkeys(unknown, _("Unknown field."))},
        )


def pk_of(value: Any) -> int | None:
    """A record's primary key from a record, a number or its text; None when it cannot be one."""
    value = getattr(value, "pk", value)
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def text(errors: Errors, field: str, value: Any, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    """NFC text without outer spaces; control characters other than line breaks and tabs are refused."""
    result = unicodedata.normalize("NFC", str(value if value is not None else "")).strip()
    result = result.replace("\r\n", "\n")
    # Control characters (NUL, ESC, BEL...) and lone surrogates are refused; so are bidirectional overrides,
    # which make a text read differently from what is stored.
    if any(
        (unicodedata.category(char) in ("Cc", "Cs") and char not in "\n\t") or char in _BIDI_OVERRIDES
        for char in result
    ):
        errors[field] = _("Contains control characters.")
    elif len(result) > max_length:
        errors[field] = _("Too long (at most %(count)d characters).") % {"count": max_length}
    elif required and not result:
        errors[field] = _("This field is required.")
    return result


def line(errors: Errors, field: str, value: Any, *, required: bool = False, max_length: int = 300) -> str:
    """One line of text: no line breaks either."""
    result = text(errors, field, value, required=required, max_length=max_length)
    if field not in errors and any(char in _LINE_BREAKS for char in result):
        errors[field] = _("Contains control characters.")
    return result


def _parse(value: Any) -> date | None:
    """A date written YYYY-MM-DD (the form the message asks for: no week dates, no bare numbers), or None."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        return None
    try:
        return parse_date(value.strip())
    except ValueError:
        return None


def a_date(
    errors: Errors,
    field: str,
    value: Any,
    *,
    required: bool = True,
    not_before: date | None = None,
    not_before_message: str = "",
) -> date | None:
    """A date, never in the future, and not before `not_before` when it is given."""
    if value in (None, ""):
        if required:
            errors[field] = _("This field is required.")
        return None
    if isinstance(value, datetime):
        parsed = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    elif isinstance(value, date):
        parsed = value
    else:
        parsed = _parse(value)
        if parsed is None:
            errors[field] = _("Enter a valid date (YYYY-MM-DD).")
            return None
    if parsed > timezone.localdate():
        errors[field] = _("This date is in the future.")
    elif not_before is not None and parsed < not_before:
        errors[field] = not_before_message or _("This date is too early.")
    return parsed


def future_date(errors: Errors, field: str, value: Any, *, required: bool = False) -> date | None:
    """A date that may lie ahead (a due date, a target date)."""
    if value in (None, ""):
        if required:
            errors[field] = _("This field is required.")
        return None
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    parsed = _parse(value)
    if parsed is None:
        errors[field] = _("Enter a valid date (YYYY-MM-DD).")
    return parsed


def code(errors: Errors, field: str, list_name: str, value: Any, *, required: bool = True) -> str:
    if value in (None, "") and not required:
        return ""
    if not is_code(list_name, value):
        errors[field] = _("Unknown code: %(code)s.") % {"code": str(value)[:60]}
        return ""
    return value


def codes(errors: Errors, field: str, list_name: str, value: Any) -> list[str]:
    """A list of codes from one HTCDS list, duplicates dropped, order kept."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors[field] = _("Give a list of codes.")
        return []
    unknown = [str(item)[:60] for item in value if not is_code(list_name, item)]
    if unknown:
        errors[field] = _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        return []
    return list(dict.fromkeys(value))


def choice(errors: Errors, field: str, choices: Any, value: Any, *, required: bool = True) -> str:
    if value in (None, "") and not required:
        return ""
    if value not in choices.values:
        errors[field] = _("Unknown value: %(value)s.") % {"value": str(value)[:60]}
        return ""
    return value


def country(errors: Errors, field: str, value: Any, *, required: bool = False) -> str:
    value = str(value or "").strip().upper()
    if not value:
        if required:
            errors[field] = _("This field is required.")
        return ""
    if not geography.is_country(value):
        errors[field] = _("Unknown country code (use ISO 3166-1 alpha-2).")
        return ""
    return value


def countries(errors: Errors, field: str, value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors[field] = _("Give a list of country codes.")
        return []
    result = [str(item).strip().upper() for item in value]
    if not all(geography.is_country(item) for item in result):
        errors[field] = _("Unknown country code (use ISO 3166-1 alpha-2).")
        return []
    return list(dict.fromkeys(result))


def check_version(record: Any, version: int | None, message: str) -> None:
    """A `version` older than the stored one is a stale edit: 409, nothing written."""
    if version is None:
        return
    try:
        given = int(version)
    except (TypeError, ValueError):
        raise ApplicationError(
            "invalid", _("The version is not valid."), {"fields": {"version": _("Give the version as a number.")}}
        ) from None
    if given != record.version:
        raise Conflict(message, {"current_version": record.version})
