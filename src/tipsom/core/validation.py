"""The one way services check their input and write a change: the text rule, the collection of field errors,
the optimistic version check and `model_update`. Every app's services use these; none keeps its own copy."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tipsom.core.codes import is_code
from tipsom.core.errors import ApplicationError, Conflict

M = TypeVar("M", bound=models.Model)

MAX_TEXT = 4000
MAX_LINE = 300

# Bidirectional embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI) make a text
# read differently from what is stored ("Trojan Source"): a name shown as "Maria" can hold "airaM". The marks
# LRM, RLM and ALM (U+200E, U+200F, U+061C) stay allowed: mixed Arabic, Hebrew and Latin text needs them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\t\u2028\u2029")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def text_problem(value: str, *, multiline: bool) -> str | None:
    """Why `value` breaks the text rule, or None. Refused everywhere: C0 and C1 control characters (a line
    break and a tab only in multi-line text), lone surrogates and bidirectional controls."""
    for char in value:
        if char in BIDI_CONTROLS:
            return _("Contains direction-changing control characters.")
        if unicodedata.category(char) in ("Cc", "Cs") and not (multiline and char in "\n\t"):
            return _("Contains control characters.")
        if not multiline and char in LINE_BREAKS:
            return _("Contains control characters.")
    return None


def clean_text(
    value: Any, *, multiline: bool = False, required: bool = False, max_length: int | None = None
) -> tuple[str, str | None]:
    """(NFC text without outer spaces, the reason it is refused or None). The one text rule of tipsom."""
    result = unicodedata.normalize("NFC", str(value if value is not None else "")).strip()
    result = result.replace("\r\n", "\n")
    limit = max_length if max_length is not None else (MAX_TEXT if multiline else MAX_LINE)
    problem = text_problem(result, multiline=multiline)
    if problem is None and len(result) > limit:
        problem = _("Too long (at most %(count)d characters).") % {"count": limit}
    if problem is None and required and not result:
        problem = _("This field is required.")
    return result, problem


class Errors(dict[str, str]):
    """Every bad field of one input, collected, then refused together by `raise_if_any`."""

    def raise_if_any(self) -> None:
        if self:
            raise ApplicationError("invalid", _("Some fields are not valid."), {"fields": dict(self)})


def text(errors: Errors, field: str, value: Any, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    """Free text that may span lines (notes, messages, reasons)."""
    result, problem = clean_text(value, multiline=True, required=required, max_length=max_length)
    if problem:
        errors[field] = problem
    return result


def line(errors: Errors, field: str, value: Any, *, required: bool = False, max_length: int = MAX_LINE) -> str:
    """One line of text (names, titles, phone numbers): no line breaks either."""
    result, problem = clean_text(value, multiline=False, required=required, max_length=max_length)
    if problem:
        errors[field] = problem
    return result


def reject_unknown(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ApplicationError(
            "invalid",
            _("Unknown fields: %s.") % ", ".join(unknown),
            {"fields": dict.fromkeys(unknown, _("Unknown field."))},
        )


def pk_of(value: Any) -> int:
    """A record's primary key from a record, a number or its text; 0, which no record has, when it cannot be one
    (a lookup with it finds nothing)."""
    value = getattr(value, "pk", value)
    if isinstance(value, bool):
        return 0
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        return 0
    return max(number, 0)


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
    parsed: date | None
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


def decimal_of(value: Any) -> Decimal | None:
    """`value` as a finite Decimal: a number or its digits ("12.5", 12.5, 12); None for anything else (a word, a
    boolean, a list, infinity, NaN). The one reading of a number that the checks below and the apps' own build on."""
    if not isinstance(value, (int, float, str, Decimal)) or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def whole_number(
    errors: Errors, field: str, value: Any, *, minimum: int = 0, maximum: int, required: bool = False
) -> int | None:
    """A whole number from `minimum` to `maximum` (a count, an age, months), or None when not given. A number or
    its digits ("12", 12, 12.0) is read; a fraction (2.5), a word ("ten"), a boolean or a list is refused."""
    if value is None or value == "":
        if required:
            errors[field] = _("This field is required.")
        return None
    number = decimal_of(value)
    if number is None or number != number.to_integral_value() or number < minimum:
        errors[field] = _("Enter a whole number, %(minimum)d or more.") % {"minimum": minimum}
        return None
    if number > maximum:
        errors[field] = _("Too large (at most %(count)d).") % {"count": maximum}
        return None
    return int(number)


def choice(errors: Errors, field: str, choices: Any, value: Any, *, required: bool = True) -> str:
    if value in (None, "") and not required:
        return ""
    if value not in choices.values:
        errors[field] = _("Unknown value: %(value)s.") % {"value": str(value)[:60]}
        return ""
    return value


def check_version(record: Any, version: Any, message: str) -> None:
    """Optimistic concurrency: a `version` other than the stored one is a stale edit, 409, nothing written.
    None means the caller did not say (a command on the server)."""
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


@dataclass(frozen=True)
class ModelUpdate:
    """What `model_update` changed: the field names, in the order given, and their values before."""

    fields: list[str]
    before: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields)


def model_full_clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """The model's own field checks (lengths, choices), refused as one ApplicationError naming the fields."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        fields = {name: " ".join(messages) for name, messages in exc.message_dict.items()}
        raise ApplicationError("invalid", _("Some fields are not valid."), {"fields": fields}) from exc


def model_update(
    instance: M,
    data: Mapping[str, Any],
    *,
    check: Callable[[M], None] | None = None,
    force: bool = False,
    also_save: Iterable[str] = (),
) -> ModelUpdate:
    """Set `data` on `instance`; when a value changed (or `force`), move its `version` on (if it has one) and
    save only the changed fields. `check(instance)` runs after the values are set and before anything is saved:
    it may refuse the whole change. Returns the changed field names and their old values, for the audit."""
    before = {name: getattr(instance, name) for name in data}
    for name, value in data.items():
        setattr(instance, name, value)
    if check is not None:
        check(instance)
    changed = [name for name in data if before[name] != getattr(instance, name)]
    if not changed and not force:
        return ModelUpdate([], {})
    update_fields = [instance._meta.get_field(name).name for name in changed] + list(also_save)
    for model_field in instance._meta.concrete_fields:
        if model_field.name == "version":
            instance.version += 1  # type: ignore[attr-defined]
            update_fields.append("version")
        elif getattr(model_field, "auto_now", False):
            update_fields.append(model_field.name)
    instance.save(update_fields=list(dict.fromkeys(update_fields)))
    return ModelUpdate(changed, {name: before[name] for name in changed})
