"""k-anonymity of the CTDC export: full-domain generalisation chosen by a utility-optimal search over the lattice
of generalisation levels (as ARX does), then local suppression of the records still in a class smaller than k.

The quasi-identifiers are what an outsider may know of a victim: the year they were registered, the kind of
source, their gender, age, majority, citizenship and the country where they were exploited (codebook.
QUASI_IDENTIFIERS). The forms of exploitation, means of control, types of labour and recruiter relations are the
sensitive attributes the release exists to show: CTDC applied k to every combination of every variable, which
makes nearly every victim with a rare combination of those binaries a class of one and is why it released only
about 60% of its records. Here k holds over the quasi-identifiers together (every combination of them is a
coarsening of the full combination, so every query on quasi-identifiers alone returns k or more records, or none).

Each quasi-identifier has a hierarchy (level 0 is the value itself; the last level writes -99, the value
withheld):
- yearOfRegistration: year → two-year range (`2019--2020`, starting on an even year) → four-year range
  (`2017--2020`) → -99. CTDC's column is an integer: a range is written with CTDC's `--` dash, as ageBroad is, so
  that no reader takes a range for a single year.
- ageBroad: CTDC's nine bands → 0--8, 9--17, 18--29, 30--47, 48+ → 0--17, 18+ → -99.
- citizenship and CountryOfExploitation: ISO alpha-2 → UN M49 sub-region → M49 region (English names, m49.py)
  → -99. ZZ (unknown) stays ZZ.
- Datasource, gender, majorityStatus: value → -99.

The search: every lattice node (a level per quasi-identifier) is scored by its information loss per record,
`(Σ over kept records of the weighted mean generalisation level / top level) + records suppressed`, over all
records: a suppressed record loses everything (1), a generalised one loses part of its quasi-identifiers. The
node with the least loss wins (ties: fewer records suppressed). CTDC's own method is the lattice's bottom node (no
generalisation, every record in a class smaller than k suppressed); its loss is its share of suppressed records.
As the chosen node's loss is at most that, and a node's loss is at least its suppressed share, the chosen node
never suppresses more records than CTDC's method does. Nodes are visited in ascending order of generalisation
loss, which is a lower bound of their total loss, so the search stops as soon as no node can win.

Then local recoding, as ARX does it: the records the chosen node would suppress go through the same search again
on their own, where a coarser node usually fits them (for example a rare citizenship written as its M49 region
while the common ones keep their country), up to MAX_PASSES passes; only what no pass can release is suppressed.
Every pass's classes have k records or more, so every class of the file does. The report lists each pass.

The search runs on the distinct combinations of quasi-identifiers with their counts (a few thousand even for a
million victims), so each node costs milliseconds.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tipsom.stats.ctdc.codebook import AGE_BANDS, MISSING, QUASI_IDENTIFIERS, UNKNOWN_COUNTRY
from tipsom.stats.ctdc.m49 import country_region, country_subregion

Generaliser = Callable[[str, int], str]


@dataclass(frozen=True)
class Hierarchy:
    column: str
    levels: tuple[str, ...]  # the name of each level, for the report
    generalise: Generaliser  # (value, level) -> the value written at that level
    weight: float  # its share of a record's information

    @property
    def top(self) -> int:
        return len(self.levels) - 1


def _withhold(value: str, level: int) -> str:
    return value if level == 0 else MISSING


def _year(value: str, level: int) -> str:
    if value == MISSING or level == 0:
        return value
    if level == 3:
        return MISSING
    year = int(value)
    width = 2 if level == 1 else 4
    start = year - (year % width)
    return f"{start}--{start + width - 1}"


_AGE_LEVEL_1 = {"18--20": "18--29", "21--23": "18--29", "24--26": "18--29", "27--29": "18--29"}
_AGE_LEVEL_1 |= {"30--38": "30--47", "39--47": "30--47"}


def _age(value: str, level: int) -> str:
    if value == MISSING or level == 0:
        return value
    if level == 1:
        return _AGE_LEVEL_1.get(value, value)
    if level == 2:
        return "0--17" if AGE_BANDS.index(value) < 2 else "18+"
    return MISSING


def _country(value: str, level: int) -> str:
    if level == 0 or value in (MISSING, UNKNOWN_COUNTRY):
        return value
    if level == 1:
        return country_subregion(value) or MISSING
    if level == 2:
        return country_region(value) or MISSING
    return MISSING


HIERARCHIES: dict[str, Hierarchy] = {
    h.column: h
    for h in (
        Hierarchy("yearOfRegistration", ("year", "two-year range", "four-year range", "withheld"), _year, 2.0),
        Hierarchy("Datasource", ("value", "withheld"), _withhold, 0.5),
        Hierarchy("gender", ("value", "withheld"), _withhold, 1.0),
        Hierarchy("ageBroad", ("CTDC band", "five bands", "minor or adult", "withheld"), _age, 1.0),
        Hierarchy("majorityStatus", ("value", "withheld"), _withhold, 0.5),
        Hierarchy("citizenship", ("country", "M49 sub-region", "M49 region", "withheld"), _country, 1.5),
        Hierarchy("CountryOfExploitation", ("country", "M49 sub-region", "M49 region", "withheld"), _country, 1.5),
    )
}
assert tuple(HIERARCHIES) == QUASI_IDENTIFIERS


@dataclass
class Tier:
    """One pass of the search: its generalisation levels and the records it released."""

    levels: dict[str, int]
    records: int
    information_loss: float
    nodes_evaluated: int

    def report(self) -> dict[str, Any]:
        return {
            "generalised": {
                column: {"level": level, "to": HIERARCHIES[column].levels[level]}
                for column, level in self.levels.items()
            },
            "records": self.records,
            "information_loss": round(self.information_loss, 4),
            "lattice_nodes_evaluated": self.nodes_evaluated,
        }


@dataclass
class KAnonymity:
    """The outcome: the passes, which records are kept, the released values of the quasi-identifiers."""

    k: int
    total: int
    tiers: list[Tier]
    keep: np.ndarray  # bool per record
    released: dict[str, np.ndarray]  # column -> the written value per record (object array)
    baseline_kept: int  # CTDC's method: no generalisation, suppress every class smaller than k

    @property
    def kept(self) -> int:
        return int(self.keep.sum())

    @property
    def suppressed(self) -> int:
        return self.total - self.kept

    @property
    def levels(self) -> dict[str, int]:
        """The first pass's levels (most records are released at them)."""
        return self.tiers[0].levels if self.tiers else {column: 0 for column in QUASI_IDENTIFIERS}

    def report(self) -> dict[str, Any]:
        share = self.kept / self.total if self.total else 1.0
        baseline = self.baseline_kept / self.total if self.total else 1.0
        first = self.tiers[0].report() if self.tiers else Tier(self.levels, 0, 0.0, 0).report()
        return {
            "k": self.k,
            "quasi_identifiers": list(QUASI_IDENTIFIERS),
            "generalised": first["generalised"],
            "passes": [tier.report() for tier in self.tiers],
            "records": self.total,
            "records_kept": self.kept,
            "records_suppressed": self.suppressed,
            "share_kept": round(share, 4),
            "ctdc_method_records_kept": self.baseline_kept,
            "ctdc_method_share_kept": round(baseline, 4),
            "lattice_nodes": int(np.prod([h.top + 1 for h in HIERARCHIES.values()])),
        }


@dataclass
class _Column:
    """One quasi-identifier over the distinct combinations: the code of each combination at each level."""

    hierarchy: Hierarchy
    uniques: np.ndarray  # the level-0 values
    codes: list[np.ndarray] = field(default_factory=list)  # per level: per distinct combination, a small int
    labels: list[np.ndarray] = field(default_factory=list)  # per level: per unique level-0 value, the written value


@dataclass
class _Pass:
    node: tuple[int, ...]
    keep: np.ndarray  # per record of the pass
    released: dict[str, np.ndarray]
    loss: float
    baseline_kept: int
    evaluated: int


MAX_PASSES = 4


def k_anonymise(values: dict[str, np.ndarray], k: int) -> KAnonymity:
    """Choose the generalisation of the quasi-identifiers `values` (column -> per-record level-0 strings) that
    keeps k-anonymity with the least information loss, and suppress the records that still must go.

    Local recoding as ARX does it: the records a pass would suppress go through the search again on their own (a
    coarser generalisation usually fits them), up to MAX_PASSES passes; each pass's classes have k records or
    more, so every class of the file does (a class of a later pass may merge with an earlier one's: larger)."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ValueError("k must be an integer of at least 2")
    total = len(next(iter(values.values()))) if values else 0
    released = {column: np.full(total, MISSING, dtype=object) for column in QUASI_IDENTIFIERS}
    keep = np.zeros(total, dtype=bool)
    tiers: list[Tier] = []
    remaining = np.arange(total)
    baseline_kept = 0
    while len(remaining) >= k and len(tiers) < MAX_PASSES:
        found = _search({column: values[column][remaining] for column in QUASI_IDENTIFIERS}, k)
        if not tiers:
            baseline_kept = found.baseline_kept
        kept = remaining[found.keep]
        if len(kept) == 0:
            break
        keep[kept] = True
        for column in QUASI_IDENTIFIERS:
            released[column][kept] = found.released[column][found.keep]
        levels = {column: level for column, level in zip(QUASI_IDENTIFIERS, found.node, strict=True)}
        tiers.append(Tier(levels, len(kept), found.loss, found.evaluated))
        remaining = remaining[~found.keep]
    return KAnonymity(k=k, total=total, tiers=tiers, keep=keep, released=released, baseline_kept=baseline_kept)


def _search(values: dict[str, np.ndarray], k: int) -> _Pass:
    """One pass: the lattice node of least information loss over these records."""
    total = len(values[QUASI_IDENTIFIERS[0]])
    hierarchies = [HIERARCHIES[column] for column in QUASI_IDENTIFIERS]
    # Codes per record at level 0, then the distinct combinations with their counts.
    record_codes = []
    columns: list[_Column] = []
    for h in hierarchies:
        codes, uniques = pd.factorize(pd.Series(values[h.column], dtype=object), sort=False)
        record_codes.append(codes.astype(np.int64))
        columns.append(_Column(h, np.asarray(uniques, dtype=object)))
    stacked = np.stack(record_codes, axis=1)
    combos, record_combo, counts = np.unique(stacked, axis=0, return_inverse=True, return_counts=True)
    record_combo = record_combo.reshape(-1)
    for column, position in zip(columns, range(len(columns)), strict=True):
        for level in range(column.hierarchy.top + 1):
            written = np.array([column.hierarchy.generalise(str(v), level) for v in column.uniques], dtype=object)
            level_codes, _ = pd.factorize(pd.Series(written, dtype=object))
            column.labels.append(written)
            column.codes.append(level_codes.astype(np.int64)[combos[:, position]])

    weights = np.array([h.weight for h in hierarchies]) / sum(h.weight for h in hierarchies)
    tops = np.array([h.top for h in hierarchies])

    def evaluate(node: tuple[int, ...]) -> np.ndarray:
        """Per distinct combination: is its class (at this node) at least k?"""
        key = np.zeros(len(combos), dtype=np.int64)
        for column, level in zip(columns, node, strict=True):
            codes = column.codes[level]
            key = key * (int(codes.max()) + 1) + codes
        inverse, _uniques = pd.factorize(key)  # hashing: linear, where sorting is not
        sizes = np.bincount(inverse, weights=counts)
        return sizes[inverse] >= k

    nodes = list(itertools.product(*(range(h.top + 1) for h in hierarchies)))
    generalisation = {node: float(np.dot(weights, np.array(node) / tops)) for node in nodes}
    nodes.sort(key=lambda node: (generalisation[node], sum(node)))

    bottom = tuple(0 for _ in hierarchies)
    bottom_ok = evaluate(bottom)
    baseline_kept = int(counts[bottom_ok].sum())
    best_node, best_ok = bottom, bottom_ok
    best_loss = 1 - baseline_kept / total  # the bottom node: no generalisation loss, only suppression
    best_suppressed = total - baseline_kept
    evaluated = 1
    for node in nodes:
        g = generalisation[node]
        if g >= best_loss:
            break  # no later node can lose less: its generalisation alone is as large
        if node == bottom:
            continue
        ok = evaluate(node)
        evaluated += 1
        kept = int(counts[ok].sum())
        loss = (kept * g + (total - kept)) / total
        if loss < best_loss or (loss == best_loss and total - kept < best_suppressed):
            best_node, best_ok, best_loss, best_suppressed = node, ok, loss, total - kept

    released = {}
    for column, position, level in zip(columns, range(len(columns)), best_node, strict=True):
        released[column.hierarchy.column] = column.labels[level][stacked[:, position]]
    return _Pass(best_node, best_ok[record_combo], released, best_loss, baseline_kept, evaluated)


def ctdc_method_kept(values: dict[str, np.ndarray], k: int) -> int:
    """How many records CTDC's method keeps: no generalisation, every record in a class smaller than k
    suppressed. Counted on its own, with a Counter, as a check of the search's baseline."""
    rows = list(zip(*(values[column] for column in QUASI_IDENTIFIERS), strict=True))
    sizes = Counter(rows)
    return sum(1 for row in rows if sizes[row] >= k)


def smallest_class(rows: Iterable[Sequence[str]]) -> int:
    """The size of the smallest equivalence class of `rows` (each the released quasi-identifier values of a
    record); 0 when there are none. The independent check run on what is about to be written."""
    sizes = Counter(tuple(row) for row in rows)
    return min(sizes.values()) if sizes else 0
