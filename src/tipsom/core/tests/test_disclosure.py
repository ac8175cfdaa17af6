"""Disclosure control (core.disclosure): the marks, hand-made tables whose right pattern is known, linked and
hierarchical tables, multi-valued breakdowns, the fallbacks, and attackers written here, independently of the
module (integer programmes with scipy, and brute force for tiny tables), that try to recover every small count from
what is published and must fail. A property test does the same on random two-way tables."""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

from tipsom.core.disclosure import (
    NOT_PUBLISHED,
    SMALL_CELL,
    Protected,
    Relation,
    audit,
    covers,
    grid,
    holding,
    protect,
    small_cell,
    sums,
    within,
)


# --- Attackers ------------------------------------------------------------------------------------------------
def _reader_box(published: Protected, key: Hashable, ceiling: int) -> tuple[int, int]:
    """What the marks say of a cell: a published value exactly; "<5" 1 to 4; ".." 5 or more (in a masked table
    nothing: 0 or more)."""
    value = published.value(key)
    if value is not None:
        return value, value
    mark = published.mark(key)
    if mark == f"<{published.threshold}":
        return 1, published.threshold - 1
    assert mark == NOT_PUBLISHED
    return (0 if published.masked else published.threshold), ceiling


def _holds(relation: Relation, values: Mapping[Hashable, int]) -> bool:
    total, parts = values[relation.total], [values[part] for part in relation.parts]
    if relation.kind == "sums":
        return total == sum(parts)
    if relation.kind == "within":
        return sum(parts) <= total
    return all(part <= total for part in parts) and total <= sum(parts)


def brute_force(published: Protected, relations: list[Relation], ceiling: int) -> dict[Hashable, set[int]]:
    """Every integer table that fits what is published (no cell above `ceiling`), and the values each small count
    takes in them."""
    keys = list(published.published)
    hidden = [key for key in keys if published.value(key) is None]
    boxes = [range(low, high + 1) for low, high in (_reader_box(published, key, ceiling) for key in hidden)]
    seen: dict[Hashable, set[int]] = {key: set() for key in published.primary}
    for guess in itertools.product(*boxes):
        values = {key: published.value(key) or 0 for key in keys} | dict(zip(hidden, guess, strict=True))
        if all(_holds(relation, values) for relation in relations):
            for key in seen:
                seen[key].add(values[key])
    return seen


def integer_attack(published: Protected, relations: list[Relation]) -> dict[Hashable, tuple[int, int]]:
    """The lowest and highest value of every small count over the integer tables that fit what is published."""
    keys = list(published.published)
    hidden = [key for key in keys if published.value(key) is None]
    column = {key: number for number, key in enumerate(hidden)}
    ceiling = 10 * sum(value or 0 for value in published.published.values()) + 1000
    rows: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(terms: Iterable[tuple[Hashable, float]], low: float, high: float) -> None:
        row, constant = np.zeros(len(hidden)), 0.0
        for key, coefficient in terms:
            if key in column:
                row[column[key]] += coefficient
            else:
                constant += coefficient * (published.value(key) or 0)
        rows.append(row)
        lower.append(low - constant)
        upper.append(high - constant)

    for relation in relations:
        parts = [(part, 1.0) for part in relation.parts]
        total = [(relation.total, 1.0)]
        negative = [(part, -1.0) for part in relation.parts]
        if relation.kind == "sums":
            add(total + negative, 0, 0)
        elif relation.kind == "within":
            add(total + negative, 0, math.inf)
        else:
            add(total + negative, -math.inf, 0)
            for part in relation.parts:
                add([(relation.total, 1.0), (part, -1.0)], 0, math.inf)
        del parts
    boxes = [_reader_box(published, key, ceiling) for key in hidden]
    constraints = [LinearConstraint(np.array(rows), lower, upper)] if rows else []
    bounds = Bounds([low for low, _ in boxes], [high for _, high in boxes])
    found: dict[Hashable, tuple[int, int]] = {}
    for key in published.primary:
        if published.value(key) is not None:
            continue
        ends = []
        for sense in (1, -1):
            c = np.zeros(len(hidden))
            c[column[key]] = sense
            result = milp(c, constraints=constraints, integrality=np.ones(len(hidden)), bounds=bounds)
            assert result.status == 0, result.message
            ends.append(round(result.x[column[key]]))
        found[key] = (ends[0], ends[1])
    return found


def assert_safe(
    cells: Mapping[Any, int], relations: list[Relation], published: Protected, public: Iterable[Any] = ()
) -> None:
    """Nothing from 1 to 4 published (but public cells), every published value true, every small count at least
    two values wide."""
    for key, value in published.published.items():
        assert value is None or value == cells.get(key, 0)
        assert value is None or not 1 <= value < published.threshold or key in public, key
    for key in published.primary:
        assert published.value(key) is None
    for key, (low, high) in integer_attack(published, relations).items():
        assert high - low >= published.protection, (key, low, high)


# --- The marks and the threshold ------------------------------------------------------------------------------
def test_small_counts_are_primary_and_zero_is_published():
    published = protect({"a": 0, "b": 1, "c": 4, "d": 5, "e": 40}, threshold=5)
    assert published.published == {"a": 0, "b": None, "c": None, "d": 5, "e": 40}
    assert published.primary == {"b", "c"} and published.secondary == frozenset()
    assert [published.display(key) for key in "abcde"] == ["0", "<5", "<5", "5", "40"]
    assert published.mark("e") is None and published.value("missing") == 0


def test_the_threshold_comes_from_the_deployment():
    assert SMALL_CELL == 5
    with override_settings(TIPSOM_SMALL_CELL=3):
        assert small_cell() == 3
        published = protect({"a": 2, "b": 3})
        assert published.published == {"a": None, "b": 3} and published.display("a") == "<3"
    with override_settings(TIPSOM_SMALL_CELL=1), pytest.raises(ValueError, match="TIPSOM_SMALL_CELL"):
        small_cell()


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="non-negative integer"):
        protect({"a": -1})
    with pytest.raises(ValueError, match="non-negative integer"):
        protect({"a": 2.5})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="do not add up"):
        protect({"t": 10, "a": 3, "b": 6}, [sums("t", ["a", "b"])])
    with pytest.raises(ValueError, match="break a relation"):
        protect({"t": 10, "a": 11}, [covers("t", ["a"])])
    with pytest.raises(ValueError, match="protection"):
        protect({"a": 3}, protection=0)


# --- One breakdown with its total -----------------------------------------------------------------------------
def test_the_classic_trap_a_lone_small_count_beside_a_published_total():
    """23 = 20 + 3: hiding the 3 alone gives it back by subtraction; its neighbour goes too (cheaper than the
    total), and the attacker then finds 1 to 4, nothing narrower."""
    cells = {"total": 23, "a": 20, "b": 3}
    relations = [sums("total", ["a", "b"])]
    naive = Protected({"total": 23, "a": 20, "b": None}, frozenset({"b"}), frozenset(), 5, 1)
    assert brute_force(naive, relations, 23)["b"] == {3}  # the attacker works
    published = protect(cells, relations, threshold=5)
    assert published.published == {"total": 23, "a": None, "b": None}
    assert published.secondary == {"a"} and published.display("a") == ".." and published.display("b") == "<5"
    assert brute_force(published, relations, 23)["b"] == {1, 2, 3, 4}
    assert audit(cells, relations, published) == {"b": (1, 4)}
    assert_safe(cells, relations, published)


def test_a_complement_marked_as_large_is_used_by_the_attacker():
    """6 = 1 + 5: with the 1 and the 5 hidden, the ".." says at least 5, so the 1 is back. An audit that took
    hidden cells as merely >= 0 would pass this; the module hides the total instead."""
    cells = {"total": 6, "b": 1, "c": 5}
    relations = [sums("total", ["b", "c"])]
    naive = Protected({"total": 6, "b": None, "c": None}, frozenset({"b"}), frozenset({"c"}), 5, 1)
    assert brute_force(naive, relations, 20)["b"] == {1}
    published = protect(cells, relations, threshold=5)
    assert published.published == {"total": None, "b": None, "c": 5}
    assert brute_force(published, relations, 20)["b"] == {1, 2, 3, 4}


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ({"a": 12, "b": 3, "c": 7}, {"b", "c"}),  # the smallest other cell is the complement
        ({"a": 12, "b": 3, "c": 4}, {"b", "c"}),  # two small cells protect each other
        ({"a": 12, "b": 0}, set()),
        ({"a": 20, "b": 0, "c": 2}, {"a", "c"}),  # a zero is never a complement
        ({"a": 3}, {"a", "total"}),  # the total is small too: both "<5", nothing narrower
        # Two hidden cells adding up to 2 are two ones (each "<5" is at least 1): the 8 goes with them.
        ({"a": 30, "b": 1, "c": 1, "d": 8}, {"b", "c", "d"}),
    ],
)
def test_one_breakdown_known_patterns(counts: dict[str, int], hidden: set[str]):
    cells = {"total": sum(counts.values()), **counts}
    relations = [sums("total", list(counts))]
    published = protect(cells, relations, threshold=5)
    assert published.suppressed == hidden
    seen = brute_force(published, relations, cells["total"] + 5)
    assert all(len(values) >= 2 for values in seen.values()), seen


# --- Two-way, linked, hierarchical and multi-valued tables ----------------------------------------------------
def _two_way(table: list[list[int]]) -> tuple[dict[Any, int], list[Relation]]:
    rows, columns = range(len(table)), range(len(table[0]))
    cells: dict[Any, int] = {(r, c): table[r][c] for r in rows for c in columns}
    cells |= {(r, "all"): sum(table[r]) for r in rows}
    cells |= {("all", c): sum(table[r][c] for r in rows) for c in columns}
    cells[("all", "all")] = sum(map(sum, table))
    relations = grid(rows, columns, lambda r, c: (r, c), lambda r: (r, "all"), lambda c: ("all", c), ("all", "all"))
    return cells, relations


def test_a_two_way_table_hides_the_cheapest_rectangle():
    cells, relations = _two_way([[2, 10, 30], [10, 40, 50], [30, 50, 60]])
    published = protect(cells, relations, threshold=5)
    assert published.primary == {(0, 0)}
    assert published.secondary == {(0, 1), (1, 0), (1, 1)}  # 10 + 10 + 40: the cheapest cycle through the 2
    totals = [key for key in cells if "all" in key]
    assert len(totals) == 7 and all(published.value(key) is not None for key in totals)
    assert integer_attack(published, relations) == {(0, 0): (1, 4)}


def test_linked_breakdowns_of_one_total():
    """Sex and age of the same 30 persons: each small cell takes its neighbour, and the total stays."""
    cells = {"all": 30, "men": 27, "women": 3, "adults": 26, "children": 4}
    relations = [sums("all", ["men", "women"]), sums("all", ["adults", "children"])]
    published = protect(cells, relations, threshold=5)
    assert published.suppressed == {"men", "women", "adults", "children"} and published.value("all") == 30
    assert_safe(cells, relations, published)
    seen = brute_force(published, relations, 30)
    assert seen["women"] == {1, 2, 3, 4} and seen["children"] == {1, 2, 3, 4}


def test_a_hierarchy_of_provinces_regions_and_the_nation():
    cells = {"nation": 60, "north": 23, "south": 37, "n1": 20, "n2": 3, "s1": 30, "s2": 7}
    relations = [sums("nation", ["north", "south"]), sums("north", ["n1", "n2"]), sums("south", ["s1", "s2"])]
    published = protect(cells, relations, threshold=5)
    assert published.primary == {"n2"}
    assert published.value("nation") == 60 and published.value("n2") is None
    assert_safe(cells, relations, published)
    assert len(brute_force(published, relations, 60)["n2"]) >= 2


def test_a_multi_valued_breakdown_covers_its_total():
    """Ten persons by citizenship, two with two citizenships: the parts add up to 12, each at most 10."""
    cells = {"persons": 10, "BR": 8, "BO": 3, "PY": 1}
    relations = [covers("persons", ["BR", "BO", "PY"])]
    published = protect(cells, relations, threshold=5)
    assert published.primary == {"BO", "PY"} and published.value("persons") == 10
    assert_safe(cells, relations, published)


def test_disjoint_parts_within_a_total():
    cells = {"referrals": 12, "completed": 2, "expired": 9}
    relations = [within("referrals", ["completed", "expired"])]
    published = protect(cells, relations, threshold=5)
    assert published.value("completed") is None
    assert_safe(cells, relations, published)


def test_only_the_relations_the_data_bears_out_are_kept():
    """An imported record may break a rule a reader would assume: that relation is left out, not refused."""
    cells = {"migrants": 10, "dead": 3, "survivors": 8, "injured": 2}
    relations = [within("migrants", ["dead", "survivors"]), within("survivors", ["injured"])]
    assert holding(cells, relations) == [relations[1]]
    published = protect(cells, holding(cells, relations), threshold=5)
    assert published.primary == {"dead", "injured"}
    assert_safe(cells, holding(cells, relations), published)


# --- When the marks alone say too much, and cells published elsewhere -----------------------------------------
def test_marks_that_give_cells_back_are_replaced_by_not_published():
    """A total of 4 over four cells of 1: "<5" everywhere says each is 1, whatever is hidden. The table goes out
    masked: every hidden cell "..", a reader knowing nothing of it."""
    cells = {"total": 4, "a": 1, "b": 1, "c": 1, "d": 1, "e": 0}
    relations = [sums("total", ["a", "b", "c", "d", "e"])]
    labelled = Protected({**dict.fromkeys("abcd"), "total": None, "e": 0}, frozenset(cells) - {"e"}, frozenset(), 5, 1)
    assert brute_force(labelled, relations, 10)["a"] == {1}
    published = protect(cells, relations, threshold=5)
    assert published.masked and not published.withheld_all
    assert {published.display(key) for key in "abcd"} == {".."} and published.display("e") == "0"
    assert_safe(cells, relations, published)


def test_a_published_zero_that_gives_a_cell_back_is_hidden_in_a_masked_table():
    """The national total is published elsewhere (public) and one region holds all of it: with zeros published,
    no pattern helps; masked, the zero is hidden too."""
    cells = {"nation": 3, "north": 3, "south": 0, "east": 0}
    relations = [sums("nation", ["north", "south", "east"])]
    published = protect(cells, relations, threshold=5, public=["nation"])
    assert published.masked and not published.withheld_all and published.value("nation") == 3
    assert published.value("north") is None and len(published.suppressed) == 2  # north and one zero
    assert_safe(cells, relations, published, public=["nation"])


def test_a_small_count_pinned_by_public_cells_withholds_the_table():
    """A structural zero (public: the reader knows it is 0) is no complement: nothing can protect the 3."""
    cells = {"nation": 3, "north": 3, "south": 0}
    relations = [sums("nation", ["north", "south"])]
    published = protect(cells, relations, threshold=5, public=["nation", "south"])
    assert published.withheld_all and published.value("nation") == 3 and published.value("south") == 0
    assert published.value("north") is None


def test_public_cells_stay_published_and_others_protect_the_small_ones():
    cells = {"nation": 23, "north": 20, "south": 3}
    relations = [sums("nation", ["north", "south"])]
    published = protect(cells, relations, threshold=5, public=["nation"])
    assert published.published == {"nation": 23, "north": None, "south": None}


# --- A national table, and random ones ------------------------------------------------------------------------
def national_table(seed: int, citizenships: int = 30, forms: int = 8) -> list[list[int]]:
    """Citizenships by forms of exploitation: a few large countries, many with a handful of victims."""
    rng = random.Random(seed)
    table = []
    for _row in range(citizenships):
        scale = rng.choice([0, 1, 2, 5, 20, 100])
        if scale < 5:
            table.append([rng.choice([0, 0, 1, 2, 3, 4, 6, 10, 30]) for _ in range(forms)])
        else:
            table.append([int(rng.expovariate(1 / scale)) for _ in range(forms)])
    return table


@pytest.mark.parametrize("seed", [1, 2])
def test_a_national_table_solves_fast_and_passes_the_attacker(seed: int):
    cells, relations = _two_way(national_table(seed))
    started = time.process_time()
    published = protect(cells, relations, threshold=5)
    elapsed = time.process_time() - started
    assert elapsed < 1.0
    assert len(published.primary) > 30 and not published.withheld_all
    assert_safe(cells, relations, published)
    assert published.value(("all", "all")) == cells[("all", "all")]  # the grand total is the dearest cell


small_tables = st.integers(2, 4).flatmap(
    lambda rows: st.integers(2, 4).flatmap(
        lambda columns: st.lists(
            st.lists(st.sampled_from([0, 0, 1, 1, 2, 3, 4, 5, 6, 9, 15, 40]), min_size=columns, max_size=columns),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables)
def test_random_two_way_tables_are_always_safe(table: list[list[int]]):
    cells, relations = _two_way(table)
    published = protect(cells, relations, threshold=5)
    assert_safe(cells, relations, published)
    if published.withheld_all:  # no public cells here: a masked table always suffices
        pytest.fail("a table without public cells was withheld")


def test_a_tiny_two_way_table_by_brute_force():
    cells, relations = _two_way([[1, 6], [2, 7]])
    published = protect(cells, relations, threshold=5)
    seen = brute_force(published, relations, cells[("all", "all")] + 2)
    assert all(len(values) >= 2 for values in seen.values()), seen
    assert all(isinstance(key, tuple) for key in published.published)


def test_any_key_shape_and_no_relation():
    cells: dict[Any, int] = {("victims", "BR", 2025): 3, ("victims", "BO", 2025): 12}
    published = protect(cells, threshold=5)
    assert published.published[("victims", "BR", 2025)] is None
    assert published.published[("victims", "BO", 2025)] == 12
