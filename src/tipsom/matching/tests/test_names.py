"""Normal forms of names across the scripts of tipsom's countries, and their comparison (matching.names)."""

from __future__ import annotations

import pytest

from tipsom.matching.names import block_values, name_forms, name_similarity

STRONG = ("exact", "canonical")


def level(left: str, right: str) -> str:
    return name_similarity(name_forms(left), name_forms(right)).level


def test_the_same_name_in_cyrillic_and_latin_is_canonical_or_exact() -> None:
    assert level("Ольга Коваленко", "Olha Kovalenko") in STRONG


def test_an_arabic_name_and_its_latin_spelling_are_canonical() -> None:
    assert level("محمد عبد الرحمن", "Mohamed Abdelrahman") in STRONG


def test_mahmoud_abdelrahim_is_not_muhammad_abdelrahman_though_they_may_share_a_block() -> None:
    assert level("محمد عبد الرحمن", "Mahmoud Abdelrahim") in ("similar", "different")


def test_devanagari_and_latin() -> None:
    assert level("सुनीता कुमारी", "Sunita Kumari") in STRONG


def test_lao_and_latin_are_at_least_close() -> None:
    assert level("ສົມສັກ ພົມມະວົງ", "Somsak Phommavong") in ("exact", "canonical", "close")


def test_a_dropped_part_and_a_swapped_order_are_canonical() -> None:
    assert level("Maria da Silva Santos", "Santos Maria") == "canonical"


@pytest.mark.parametrize("other", ["Natalia Kovaleva"])
def test_namesakes_with_another_family_name_are_not_close(other: str) -> None:
    assert level("Natalia Kuznetsova", other) in ("similar", "different")


def test_block_values_bring_the_cross_script_pair_together() -> None:
    assert block_values(name_forms("محمد عبد الرحمن")) & block_values(name_forms("Mohamed Abdelrahman"))
    assert block_values(name_forms("Ольга Коваленко")) & block_values(name_forms("Olha Kovalenko"))
