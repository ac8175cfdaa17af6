"""Birth dates as people say them: one text that holds an exact date, a month, a year or an age ("about 15"),
with the precision inferred. `parse_birth_date` reads it; `BirthDateField` is the form field every form uses.

The precision values are people.models.BirthDatePrecision's (core sits below people, so they are repeated here;
a test keeps the two the same)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipsom.core.validation import text_problem

EXACT, YEAR_MONTH, YEAR, ESTIMATED = "exact", "year_month", "year", "estimated"
MAX_AGE = 120
MAX_LENGTH = 40

# Words around an age, in tipsom's languages (lower case; Python's \d already reads Arabic-Indic, Persian,
# Devanagari and Lao digits). "about" marks an estimate; "years (old)" says the number is an age.
_ABOUT = (
    r"about|around|approx\.?|approximately|circa|ca\.?|c\.|aged?|"  # en
    r"environ|vers|à peu près|"  # fr
    r"aprox\.?|aproximadamente|unos|alrededor de|cerca de|"  # es, pt
    r"uns|umas|por volta de|"  # pt
    r"около|примерно|приблизительно|"  # ru
    r"близько|приблизно|"  # uk
    r"حوالي|حوالى|تقريبا|تقريبًا|تقريباً|نحو|"  # ar
    r"تقریباً|تقریبا|لگ بھگ|قریب|"  # ur
    r"करिब|लगभग|"  # ne
    r"ປະມານ"  # lo
)
_YEARS = (
    r"years? old|years?|yrs?\.?|y\.?o\.?|y|"  # en
    r"ans|an|"  # fr
    r"años|año|"  # es
    r"anos|ano|"  # pt
    r"лет|года|год|г\.?|"  # ru
    r"років|роки|рік|"  # uk
    r"سنة|سنوات|سنين|عاما|عامًا|عاماً|عام|"  # ar
    r"سال|"  # ur
    r"वर्ष|बर्ष|साल|"  # ne
    r"ປີ"  # lo
)
_AGE = re.compile(
    rf"^(?P<about>(?:~|≈|\+/-|±|(?:{_ABOUT})\s*)*)\s*(?P<age>\d{{1,3}})\s*(?P<years>(?:{_YEARS})(?:\s+old)?)?\s*\??$",
    re.IGNORECASE,
)
_DATE = re.compile(r"^(?P<year>\d{4})(?:[-/.](?P<month>\d{1,2})(?:[-/.](?P<day>\d{1,2}))?)?$")
_DAY_FIRST = re.compile(r"^(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4})$")


@dataclass(frozen=True)
class BirthDate:
    """A birth date as stored: ISO text as precise as it is known (YYYY-MM-DD, YYYY-MM or YYYY) and its precision."""

    text: str
    precision: str

    @property
    def is_estimated(self) -> bool:
        return self.precision != EXACT


class BirthDateError(ValueError):
    """The reason a birth date is refused, in the user's language."""


HELP_TEXT = _('A date (2009-05-31), a month (2009-05), a year (2009) or an age ("about 15", "15 years").')


def parse_birth_date(value: Any, *, today: date | None = None) -> BirthDate | None:
    """The birth date `value` says, None for an empty value; BirthDateError with a clear message otherwise."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if not text:
        return None
    problem = text_problem(text, multiline=False)
    if problem is not None:
        raise BirthDateError(problem)
    if len(text) > MAX_LENGTH:
        raise BirthDateError(_("Too long (at most %(count)d characters).") % {"count": MAX_LENGTH})
    today = today or timezone.localdate()
    text = " ".join(text.split())
    found = _DATE.match(text) or _DAY_FIRST.match(text)
    if found is not None:
        return _from_parts(found, today)
    age = _AGE.match(text)
    if age is not None:
        years = int(age.group("age"))
        if years > MAX_AGE:
            raise BirthDateError(_("An age over %(count)d years is not plausible.") % {"count": MAX_AGE})
        # An age in years leaves the year of birth one of two: the estimate takes the later (a child stays one).
        return BirthDate(f"{today.year - years:04d}", ESTIMATED)
    raise BirthDateError(_('Not a birth date or an age. Write for example 2009-05-31, 2009, or "about 15".'))


def _from_parts(found: re.Match[str], today: date) -> BirthDate:
    year = int(found.group("year"))
    month = int(found.group("month")) if found.group("month") else None
    day = int(found.group("day")) if found.group("day") else None
    try:
        first = date(year, month or 1, day or 1)
    except ValueError:
        raise BirthDateError(_("This date does not exist.")) from None
    # The first day the precision allows: a year still in progress is not in the future.
    if first > today:
        raise BirthDateError(_("A birth date cannot be in the future."))
    if today.year - year > MAX_AGE:
        raise BirthDateError(_("An age over %(count)d years is not plausible.") % {"count": MAX_AGE})
    if day is not None:
        return BirthDate(first.isoformat(), EXACT)
    if month is not None:
        return BirthDate(f"{year:04d}-{month:02d}", YEAR_MONTH)
    return BirthDate(f"{year:04d}", YEAR)


class BirthDateField(forms.CharField):
    """One text field for a birth date or an age; cleans to a BirthDate (None when empty)."""

    default_error_messages = {"invalid": _("Not a birth date or an age.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs.setdefault("help_text", HELP_TEXT)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"autocomplete": "off", "spellcheck": "false", "inputmode": "text"})
        return attrs

    def to_python(self, value: Any) -> Any:
        # The raw text: the text rule (no control characters) is the parser's, with its own message.
        return "" if value in self.empty_values else str(value)

    def clean(self, value: Any) -> BirthDate | None:
        text = self.to_python(value)
        self.validate(text)
        try:
            return parse_birth_date(text)
        except BirthDateError as error:
            raise forms.ValidationError(str(error), code="invalid") from error
