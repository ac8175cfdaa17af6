"""Country choices are computed once per language and are what naming each country would give, sorted by the
language's collation (core.locale_names)."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from tipsom.core.locale_names import sort_key
from tipsom.organizations import geography


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt-br"])
def test_country_choices_are_each_countrys_name_in_the_active_language(language: str) -> None:
    with override(language):
        expected = sorted(
            ((code, geography.country_name(code)) for code in ("BR", "BO", "DE", "ZW")), key=lambda p: sort_key(p[1])
        )
        choices = geography.country_choices()
        assert [pair for pair in choices if pair[0] in {"BR", "BO", "DE", "ZW"}] == expected
        assert len(choices) > 240 and choices == sorted(
            choices, key=lambda p: sort_key(p[1])
        )  # by the locale's collation
        choices.clear()  # a caller changing its list changes nobody else's
        assert geography.country_choices()


def test_the_names_follow_the_language() -> None:
    with override("en"):
        english = dict(geography.country_choices())["DE"]
    with override("fr"):
        french = dict(geography.country_choices())["DE"]
    assert english == "Germany" and french == "Allemagne"
