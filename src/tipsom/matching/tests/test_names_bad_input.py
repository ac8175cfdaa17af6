"""Names nobody should type, and that someone will: each gives a safe normal form and a warning, never an error."""

from __future__ import annotations

import time

import pytest

from tipsom.matching.names import block_values, fold, name_forms, name_similarity, transliterate
from tipsom.matching.names.forms import MAX_FOLDED, MAX_WORDS


def assert_empty(text: str, warning: str) -> None:
    forms = name_forms(text)
    assert forms.warnings[0] == warning
    assert (forms.native, forms.latin, forms.canonical, forms.skeleton, forms.parts) == ("", "", "", "", ())
    assert block_values(forms) == set()
    comparison = name_similarity(forms, name_forms("Olga Kovalenko"))
    assert comparison.level == "different" and comparison.reasons == ("empty",)
    # Two empty names are not the same person.
    assert name_similarity(forms, name_forms(text)).level == "different"


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_an_empty_name(text: str) -> None:
    assert_empty(text, "empty")
    assert name_forms().warnings == ("empty",)  # no part given at all


@pytest.mark.parametrize(
    "text",
    [
        "!!!",
        "--- ... ///",
        "«»“”()[]",
        "😀😀🎉",
        "👩‍👩‍👧",  # emoji joined by ZWJ
        "123 456",
        "١٢٣",  # Arabic-Indic digits
        "ـــ",  # tatweel only
        "ًٌٍَُِّْ",  # Arabic diacritics only
        "\u0301\u0301",  # combining accents with no letter
    ],
)
def test_a_name_without_letters(text: str) -> None:
    assert_empty(text, "no_letters")


def test_a_name_of_control_characters_only() -> None:
    forms = name_forms("\x00\x01\u202e")
    assert forms.warnings == ("no_letters", "control_chars_removed")
    assert forms.parts == ()


def test_a_name_mixing_scripts() -> None:
    forms = name_forms("Olga Коваленко")
    assert forms.original_script == "mixed"
    assert "mixed_scripts" in forms.warnings
    assert [part.latin for part in forms.parts] == ["olga", "kovalenko"]
    assert name_similarity(forms, name_forms("Olha Kovalenko")).level in ("exact", "canonical")


def test_a_word_that_changes_script_midway_is_cut() -> None:
    forms = name_forms("OlgaКоваленко")
    assert [part.text for part in forms.parts] == ["olga", "коваленко"]
    assert forms.original_script == "mixed"


@pytest.mark.parametrize(
    "dirty",
    [
        "\u202eOlga Kovalenko",  # right-to-left override
        "\u2066Olga\u2069 \u2067Kovalenko\u2069",  # isolates
        "\u2068Olga\u2069 Kovalenko\u200f",  # first-strong isolate, right-to-left mark
        "Olga\x07 Kov\x1balenko",  # bell, escape
        "\u202aOlga\u202c \u202bKovalenko\u202c",  # embeddings
    ],
)
def test_control_and_bidi_characters_are_removed_with_a_warning(dirty: str) -> None:
    forms = name_forms(dirty)
    assert "control_chars_removed" in forms.warnings
    assert forms.native == "kovalenko olga"
    assert name_similarity(forms, name_forms("Olga Kovalenko")).level == "exact"


def test_joiners_are_removed_silently() -> None:
    # ZWJ and ZWNJ shape Devanagari and Arabic-script letters; they never change a name, so no warning.
    devanagari = name_forms("लक्\u200dष्मी")
    assert devanagari.warnings == ()
    assert devanagari.native == "लक्ष्मी"
    urdu = name_forms("عبد\u200cالله")
    assert urdu.warnings == ()
    assert urdu.canonical == "abdullah"
    assert fold("Ol\ufeffga\u00ad") == "olga"  # byte-order mark, soft hyphen


def test_a_zero_width_space_separates_words() -> None:
    forms = name_forms("ສົມສັກ\u200bພົມມະວົງ")  # Lao is often written without spaces
    assert [part.latin for part in forms.parts] == ["somsak", "phommavong"]
    assert forms.warnings == ()


def test_a_10000_character_name_is_truncated_quickly() -> None:
    for text in ("x" * 10_000, "Olga " * 2_000, "ສົມສັກ" * 1_700, "محمد " * 2_000, "\u202e" * 10_000 + "Olga"):
        started = time.perf_counter()
        forms = name_forms(text)
        values = block_values(forms)
        elapsed = time.perf_counter() - started
        assert elapsed < 0.05, f"{elapsed:.3f} s"
        assert "truncated" in forms.warnings
        assert len(forms.parts) <= MAX_WORDS
        assert sum(len(part.text) for part in forms.parts) <= MAX_FOLDED
        assert len(values) <= 15


def test_a_name_of_many_short_words_is_truncated() -> None:
    forms = name_forms(" ".join(["a"] * 500))
    assert "truncated" in forms.warnings
    assert len(forms.parts) == MAX_WORDS
    started = time.perf_counter()
    name_similarity(forms, name_forms(" ".join(["b"] * 500)))
    assert time.perf_counter() - started < 0.05


def test_long_parts_given_separately_are_truncated_together() -> None:
    forms = name_forms("Olga " * 100, "Kovalenko " * 100)
    assert "truncated" in forms.warnings
    assert sum(len(part.text) for part in forms.parts) <= MAX_FOLDED


def test_lone_surrogates_and_unassigned_code_points_do_not_break_anything() -> None:
    forms = name_forms("Ol\ud800ga \U000e0001Kovalenko\uffff")
    assert forms.native == "kovalenko olga"
    assert "control_chars_removed" in forms.warnings
    assert transliterate("\ud800") == ""


def test_names_in_other_scripts_still_get_latin_forms() -> None:
    for text, script in (("Ιωάννης Παπαδόπουλος", "other"), ("王伟", "other"), ("김민준", "other")):
        forms = name_forms(text)
        assert forms.original_script == script
        assert forms.latin and forms.canonical
        assert name_similarity(forms, name_forms(text)).level == "exact"
