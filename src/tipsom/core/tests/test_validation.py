"""The one text rule, the version check and model_update (core/validation.py), which every service uses."""

from __future__ import annotations

import pytest

from tipsom.core import validation
from tipsom.core.errors import ApplicationError, Conflict
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

# Every direction control (embeddings, overrides, isolates), C0 and C1 controls, a lone surrogate.
REFUSED_EVERYWHERE = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\ud800",
]


@pytest.mark.parametrize("char", REFUSED_EVERYWHERE)
@pytest.mark.parametrize("multiline", [False, True])
def test_control_and_direction_characters_are_refused_in_any_text(char: str, multiline: bool) -> None:
    _, problem = validation.clean_text(f"Maria{char}Souza", multiline=multiline)
    assert problem is not None
    if char in validation.BIDI_CONTROLS:
        assert "direction" in problem


@pytest.mark.parametrize("char", ["\n", "\t", "\u2028", "\u2029"])
def test_line_breaks_and_tabs_only_in_multiline_text(char: str) -> None:
    assert validation.clean_text(f"first{char}second", multiline=True)[1] is None
    assert validation.clean_text(f"first{char}second", multiline=False)[1] is not None


@pytest.mark.parametrize(
    "value", ["Мария Соуза", "أحمد العلي\u200f (Ahmad)", "שרה\u200e Levi", "ສົມພອນ", "e\u0301", "O'Brien-Núñez"]
)
def test_every_script_and_the_direction_marks_stay_allowed(value: str) -> None:
    text, problem = validation.clean_text(f"  {value} ")
    assert problem is None and text == text.strip()


def test_text_is_nfc_without_outer_spaces_and_windows_line_breaks() -> None:
    assert validation.clean_text("  e\u0301\r\nnext ", multiline=True) == ("\u00e9\nnext", None)


def test_length_and_required() -> None:
    assert "at most 5" in (validation.clean_text("abcdef", max_length=5)[1] or "")
    assert validation.clean_text("   ", required=True)[1] == "This field is required."


def test_errors_are_collected_and_refused_together() -> None:
    errors = validation.Errors()
    validation.line(errors, "name", "a\u202eb")
    validation.text(errors, "notes", "ok\x07")
    with pytest.raises(ApplicationError) as raised:
        errors.raise_if_any()
    assert set(raised.value.extra["fields"]) == {"name", "notes"}


@pytest.mark.django_db
def test_check_version() -> None:
    organization = make_organization("BR")
    validation.check_version(organization, None, "stale")
    validation.check_version(organization, str(organization.version), "stale")
    with pytest.raises(Conflict) as raised:
        validation.check_version(organization, organization.version + 1, "stale")
    assert raised.value.extra == {"current_version": organization.version}
    with pytest.raises(ApplicationError) as invalid:
        validation.check_version(organization, "seven", "stale")
    assert "version" in invalid.value.extra["fields"]


@pytest.mark.django_db
def test_model_update_saves_only_what_changed_and_moves_the_version_on() -> None:
    organization = make_organization("BR", name="Abrigo Sol", city="Cuiabá")
    Organization.objects.filter(pk=organization.pk).update(city="Changed elsewhere")  # not in the update
    unchanged = validation.model_update(organization, {"name": "Abrigo Sol"})
    assert not unchanged and unchanged.fields == [] and organization.version == 1
    update = validation.model_update(organization, {"name": "Abrigo Lua", "type": organization.type})
    assert update.fields == ["name"] and update.before == {"name": "Abrigo Sol"}
    stored = Organization.objects.get(pk=organization.pk)
    assert (stored.name, stored.version, stored.city) == ("Abrigo Lua", 2, "Changed elsewhere")


@pytest.mark.django_db
def test_model_update_check_refuses_before_anything_is_saved() -> None:
    organization = make_organization("BR", name="Abrigo Sol")

    def refuse(instance: object) -> None:
        raise ApplicationError("invalid", "no")

    with pytest.raises(ApplicationError):
        validation.model_update(organization, {"name": "Other"}, check=refuse)
    assert Organization.objects.get(pk=organization.pk).name == "Abrigo Sol"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.5", "12.5"), (" 7 ", "7"), (12, "12"), (2.5, "2.5"), ("1e3", "1E+3"), ("-1", "-1")],
)
def test_decimal_of_reads_a_number_or_its_digits(value: object, expected: str) -> None:
    assert str(validation.decimal_of(value)) == expected


@pytest.mark.parametrize("value", ["ten", "", True, False, None, [], {}, "inf", "-Infinity", "nan", "sNaN", "1,5"])
def test_decimal_of_refuses_what_is_not_a_finite_number(value: object) -> None:
    assert validation.decimal_of(value) is None
