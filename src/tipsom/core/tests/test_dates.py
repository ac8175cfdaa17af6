"""One field for a birth date or an age: what it reads, the precision it infers, and what it refuses."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms

from tipsom.core import dates
from tipsom.core.dates import BirthDate, BirthDateError, BirthDateField, parse_birth_date

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("typed", "text", "precision"),
    [
        ("2009-05-31", "2009-05-31", "exact"),
        ("31/05/2009", "2009-05-31", "exact"),
        ("31.05.2009", "2009-05-31", "exact"),
        ("2009-05", "2009-05", "year_month"),
        ("2009", "2009", "year"),
        ("  2009 ", "2009", "year"),
        ("2026", "2026", "year"),  # a year in progress is not in the future
        ("about 15", "2011", "estimated"),
        ("About 15 years old", "2011", "estimated"),
        ("~15", "2011", "estimated"),
        ("≈ 15", "2011", "estimated"),
        ("15 years", "2011", "estimated"),
        ("15 yrs", "2011", "estimated"),
        ("15", "2011", "estimated"),
        ("15?", "2011", "estimated"),
        ("aged 15", "2011", "estimated"),
        ("0", "2026", "estimated"),
        ("120", "1906", "estimated"),
        ("environ 15 ans", "2011", "estimated"),
        ("unos 15 años", "2011", "estimated"),
        ("cerca de 15 anos", "2011", "estimated"),
        ("около 15 лет", "2011", "estimated"),
        ("близько 15 років", "2011", "estimated"),
        ("حوالي ١٥ سنة", "2011", "estimated"),
        ("١٥ عاما", "2011", "estimated"),
        ("تقریباً ۱۵ سال", "2011", "estimated"),
        ("करिब १५ वर्ष", "2011", "estimated"),
        ("ປະມານ ໑໕ ປີ", "2011", "estimated"),
        ("٢٠٠٩", "2009", "year"),
    ],
)
def test_what_it_reads(typed: str, text: str, precision: str) -> None:
    assert parse_birth_date(typed, today=TODAY) == BirthDate(text, precision)


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_empty_is_none(typed: str | None) -> None:
    assert parse_birth_date(typed, today=TODAY) is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2027", "cannot be in the future"),
        ("2026-12-05", "cannot be in the future"),
        ("2027-01", "cannot be in the future"),
        ("121", "over 120 years"),
        ("about 200", "over 120 years"),
        ("1900", "over 120 years"),
        ("2009-02-30", "does not exist"),
        ("2009-13", "does not exist"),
        ("abc", "Not a birth date or an age"),
        ("fifteen", "Not a birth date or an age"),
        ("15 apples", "Not a birth date or an age"),
        ("-15", "Not a birth date or an age"),
        ("2009-05-31T10:00", "Not a birth date or an age"),
        ("about 15\u202e", "direction-changing"),
        ("\u2067about 15", "direction-changing"),
        ("15\x00", "control characters"),
        ("1" * 41, "Too long"),
    ],
)
def test_what_it_refuses_with_a_clear_message(typed: str, message: str) -> None:
    with pytest.raises(BirthDateError) as refused:
        parse_birth_date(typed, today=TODAY)
    assert message in str(refused.value)


def test_the_precisions_are_the_person_registrys() -> None:
    from tipsom.people.models import BirthDatePrecision

    assert {dates.EXACT, dates.YEAR_MONTH, dates.YEAR, dates.ESTIMATED} == set(BirthDatePrecision.values)


class Form(forms.Form):
    born = BirthDateField(required=False)


def test_the_form_field_cleans_to_a_birth_date_and_shows_the_error() -> None:
    form = Form({"born": "about 15"})
    assert form.is_valid() and form.cleaned_data["born"].precision == "estimated"
    assert form.cleaned_data["born"].is_estimated
    form = Form({"born": "2999"})
    assert not form.is_valid() and "future" in form.errors["born"][0]
    empty = Form({"born": ""})
    assert empty.is_valid() and empty.cleaned_data == {"born": None}
    assert "about 15" in str(Form()["born"].help_text)
    html = str(Form()["born"])
    assert 'maxlength="40"' in html and 'autocomplete="off"' in html
