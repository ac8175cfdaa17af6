"""Disclosure control of published counts: the one module every table of statistics goes through before it leaves
the system (a screen, a file, an API answer).

A table is a set of cells (any hashable keys, non-negative integer counts) and the relations a reader knows between
them: `sums` (a total is the sum of its parts: a breakdown, a row, a column, a level of a hierarchy), `within`
(disjoint parts of a total that need not add up to it: the completed referrals among all referrals) and `covers`
(a multi-valued breakdown: a person with two citizenships counted under each, so every part is at most the total
and the parts add up to the total at least). Several tables that share cells or totals (linked tables) are one call
with all their cells and relations.

Primary suppression. A count from 1 to threshold - 1 (SMALL_CELL = 5, or the deployment's TIPSOM_SMALL_CELL) is
not published: it is shown as "<5", GLOTIP's mark. Zero is published as 0: GLOTIP publishes zeros, a zero names
nobody, and a suppressed zero would have to carry a mark that says something false about it ("<5" says 1 to 4,
".." says a larger count). Zeros are therefore not used as complements (but in a masked table, below).

Secondary (complementary) suppression. The published numbers, the marks and the relations together let a reader
narrow down a suppressed count, like an attacker solving linear programmes. The reader knows exactly:
- a published cell's value; a "<5" cell lies in [1, threshold - 1]; a ".." cell (a complement: never below the
  threshold, since every small count is primary, and never 0) lies in [threshold, infinity);
- every relation, and that counts are integers.
Rule: for every primary cell, the reader's interval [lowest, highest] over all integer tables that fit what is
published must be at least `protection` wide (default 1: never a single value, so no subtraction, of one table
or of linked ones, gives a small count back). This is an exact model of the marks, so it is stricter than an
audit that treats suppressed cells as merely >= 0: "<5" beside a ".." of 5 under a published sum of 6 gives the
"<5" back as 1 (the ".." is at least 5), and the audit sees it.

Method (the classical tau-Argus "OPT" idea, solved one primary cell at a time). Each primary cell that the audit
finds unprotected gets the cheapest set of further cells to suppress, from a small mixed-integer programme
(scipy.optimize.milp, HiGHS): find an integer move y of the table with y = 0 on every published cell, every
relation still holding at x + y, every suppressed cell inside what its mark says, and the primary cell moved by
`protection`. Each newly suppressed cell costs its value plus one (the information lost, then the number of
cells), so small cells are taken before large ones and grand totals last. The move found is itself a second table
the reader cannot tell from the true one, so the cell is protected; more suppression never narrows an interval,
so cells protected earlier stay protected. Then the audit runs again over every primary cell and nothing is
returned that fails it: integer programmes that move all the unproven cells together (each solution proves every
cell it moved far enough), then, for the rest, the cell's minimum and maximum (scipy.optimize.linprog, HiGHS; an
optimum that is not integral is solved again as an integer programme).

When no pattern with these marks protects every small count (the marks alone give cells back: a "<5" total of 4
over four "<5" parts says each is 1; or a published zero does: the national total is public and every other region
shows 0), the table is published "masked", the classical way: every suppressed cell shown as "..", a reader
knowing nothing of it but that it is not negative, and zeros may then be hidden as complements. When even that
fails (cells a reader knows anyway, `public`, pin a small one), nothing of the table but the `public` cells is
published (`withheld_all`).

`public`: cells a reader knows anyway, never suppressed: cells published elsewhere (a total shown in full in another
table) and structural zeros (a count that is 0 by definition: hiding it would protect nothing, so it is never
taken as a complement).

Marks: "<5" for a primary cell, ".." for a complement, the statistical convention for "not published" (a
complement may be 40; writing "<5" for it would be false)."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp  # type: ignore[import-untyped]  # BSD
from scipy.sparse import csr_array  # type: ignore[import-untyped]

SMALL_CELL = 5
NOT_PUBLISHED = ".."
PROTECTION = 1
_TOLERANCE = 1e-6

Key = Hashable
Cells = Mapping[Any, int]  # any hashable keys (Mapping is invariant in its key type)
RelationKind = Literal["sums", "within", "covers"]


def small_cell() -> int:
    """The deployment's threshold: settings.TIPSOM_SMALL_CELL, else SMALL_CELL (5)."""
    from django.conf import settings

    value = getattr(settings, "TIPSOM_SMALL_CELL", SMALL_CELL)
    if not isinstance(value, int) or value < 2:
        raise ValueError(f"TIPSOM_SMALL_CELL must be an integer of 2 or more, not {value!r}")
    return value


# --- What a reader knows: relations ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Relation:
    """sums: total = the parts' sum; within: the parts' sum <= total; covers: each part <= total <= the parts'
    sum. A part named twice counts twice."""

    kind: RelationKind
    total: Key
    parts: tuple[Key, ...]


def sums(total: Key, parts: Iterable[Key]) -> Relation:
    return Relation("sums", total, tuple(parts))


def within(total: Key, parts: Iterable[Key]) -> Relation:
    return Relation("within", total, tuple(parts))


def covers(total: Key, parts: Iterable[Key]) -> Relation:
    return Relation("covers", total, tuple(parts))


def holds(relation: Relation, cells: Cells) -> bool:
    """Whether the counts bear the relation out (a missing cell is 0)."""
    total = cells.get(relation.total, 0)
    parts = [cells.get(part, 0) for part in relation.parts]
    if relation.kind == "sums":
        return total == sum(parts)
    if relation.kind == "within":
        return sum(parts) <= total
    return all(part <= total for part in parts) and total <= sum(parts)


def holding(cells: Cells, relations: Iterable[Relation]) -> list[Relation]:
    """The relations the counts bear out: for relations a reader would assume that the data need not obey (records
    imported from elsewhere); one that holds is given to the attacker, one that does not is left out (protect()
    refuses a table that breaks a relation)."""
    return [relation for relation in relations if holds(relation, cells)]


def grid(
    rows: Iterable[Any],
    columns: Iterable[Any],
    cell: Callable[[Any, Any], Key],
    row_total: Callable[[Any], Key],
    column_total: Callable[[Any], Key],
    grand_total: Key | None = None,
) -> list[Relation]:
    """The relations of a two-way table: each row and each column adds up to its total, and (with `grand_total`)
    the row totals and the column totals add up to it."""
    rows, columns = list(rows), list(columns)
    relations = [sums(row_total(r), [cell(r, c) for c in columns]) for r in rows]
    relations += [sums(column_total(c), [cell(r, c) for r in rows]) for c in columns]
    if grand_total is not None:
        relations += [sums(grand_total, [row_total(r) for r in rows])]
        relations += [sums(grand_total, [column_total(c) for c in columns])]
    return relations


# --- What comes back ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Protected:
    """A table ready to publish: `published` holds every cell's value, None when it is not published."""

    published: dict[Any, int | None]
    primary: frozenset[Key]
    secondary: frozenset[Key]
    threshold: int
    protection: int
    masked: bool = False  # every suppressed cell is shown ".." (zeros among them): the marks would say too much
    withheld_all: bool = False  # nothing but the `public` cells may be published

    @property
    def small_mark(self) -> str:
        return f"<{self.threshold}"

    @property
    def suppressed(self) -> frozenset[Key]:
        return frozenset(key for key, value in self.published.items() if value is None)

    def value(self, key: Key) -> int | None:
        """The published value (an unknown key: 0, a cell no relation named), None when not published."""
        return self.published.get(key, 0)

    def mark(self, key: Key) -> str | None:
        """ "<5" for a primary cell (unless masked), ".." for any other cell not published, None when published."""
        if self.value(key) is not None:
            return None
        return self.small_mark if key in self.primary and not self.masked else NOT_PUBLISHED

    def display(self, key: Key, number: Callable[[int], str] = str) -> str:
        value = self.value(key)
        return number(value) if value is not None else self.mark(key) or NOT_PUBLISHED


# --- The model ------------------------------------------------------------------------------------------------
class _Model:
    """The cells as variables 0..n-1 and the relations as rows: equalities (A x = 0) and inequalities (B x <= 0)."""

    def __init__(self, cells: Cells, relations: Iterable[Relation]) -> None:
        self.relations = list(relations)
        values: dict[Key, int] = {}
        for key, value in cells.items():
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
                raise ValueError(f"cell {key!r}: a count must be a non-negative integer, not {value!r}")
            values[key] = int(value)
        for relation in self.relations:
            for key in (relation.total, *relation.parts):
                values.setdefault(key, 0)  # named by a relation only: a zero cell
        self.keys = list(values)
        self.index = {key: number for number, key in enumerate(self.keys)}
        self.x = np.array([values[key] for key in self.keys], dtype=float)
        equal: list[dict[int, float]] = []
        at_most: list[dict[int, float]] = []
        for relation in self.relations:
            total, parts = self.index[relation.total], [self.index[key] for key in relation.parts]
            if relation.kind == "sums":
                equal.append(_row([(total, 1.0)] + [(part, -1.0) for part in parts]))
            elif relation.kind == "within":
                at_most.append(_row([(part, 1.0) for part in parts] + [(total, -1.0)]))
            elif relation.kind == "covers":
                at_most += [_row([(part, 1.0), (total, -1.0)]) for part in parts]
                at_most.append(_row([(total, 1.0)] + [(part, -1.0) for part in parts]))
            else:
                raise ValueError(f"unknown relation kind {relation.kind!r}")
        self.equal = [row for row in equal if row]
        self.at_most = [row for row in at_most if row]
        for row in self.equal:
            if abs(_dot(row, self.x)) > _TOLERANCE:
                raise ValueError(f"the cells do not add up: {self._describe(row)}")
        for row in self.at_most:
            if _dot(row, self.x) > _TOLERANCE:
                raise ValueError(f"the cells break a relation: {self._describe(row)}")

    def _describe(self, row: dict[int, float]) -> str:
        return " ".join(f"{coef:+g}*{self.keys[j]!r}({int(self.x[j])})" for j, coef in row.items())


def _row(terms: Iterable[tuple[int, float]]) -> dict[int, float]:
    row: dict[int, float] = {}
    for j, coef in terms:
        row[j] = row.get(j, 0.0) + coef
    return {j: coef for j, coef in row.items() if coef}


def _dot(row: dict[int, float], x: np.ndarray) -> float:
    return float(sum(coef * x[j] for j, coef in row.items()))


def _matrix(rows: list[dict[int, float]], columns: dict[int, int], width: int) -> csr_array:
    data, row_ind, col_ind = [], [], []
    for r, row in enumerate(rows):
        for j, coef in row.items():
            if j in columns:
                data.append(coef)
                row_ind.append(r)
                col_ind.append(columns[j])
    return csr_array((data, (row_ind, col_ind)), shape=(len(rows), width))


@dataclass
class _Pattern:
    """The suppressed cells and what a reader knows of each: its bounds."""

    model: _Model
    primary: set[int]
    threshold: int
    masked: bool
    suppressed: set[int] = field(default_factory=set)

    def bounds(self, j: int) -> tuple[float, float]:
        if j not in self.suppressed:
            return self.model.x[j], self.model.x[j]
        if self.masked:
            return 0.0, math.inf
        if j in self.primary:
            return 1.0, float(self.threshold - 1)
        return float(self.threshold), math.inf


# --- The audit: what a reader can narrow each primary cell down to --------------------------------------------
def _reader_bound(pattern: _Pattern, p: int, sense: int) -> tuple[int, dict[int, int] | None]:
    """The reader's lowest (sense=+1) or highest (sense=-1) integer value of cell p, the published cells fixed,
    and a whole integer table that reaches it (None when unbounded)."""
    model = pattern.model
    free = sorted(pattern.suppressed)
    columns = {j: k for k, j in enumerate(free)}
    c = np.zeros(len(free))
    c[columns[p]] = sense
    a_eq, b_eq = _reduced(model.equal, model.x, columns, len(free))
    a_ub, b_ub = _reduced(model.at_most, model.x, columns, len(free))
    bounds = [pattern.bounds(j) for j in free]
    result = linprog(
        c,
        A_eq=a_eq if a_eq.shape[0] else None,
        b_eq=b_eq if a_eq.shape[0] else None,
        A_ub=a_ub if a_ub.shape[0] else None,
        b_ub=b_ub if a_ub.shape[0] else None,
        bounds=[(low, None if high == math.inf else high) for low, high in bounds],
        method="highs",
    )
    if result.status == 3:  # unbounded: only upwards, every lower bound is finite
        return 2**62, None
    if result.status != 0:
        raise RuntimeError(f"the disclosure audit failed: {result.message}")
    solution = np.asarray(result.x)
    if np.all(np.abs(solution - np.round(solution)) <= _TOLERANCE):
        return round(float(solution[columns[p]])), _table(free, solution)
    # A fractional optimum: the integer reader may do better than the LP says; ask as an integer programme.
    constraints = []
    if a_eq.shape[0]:
        constraints.append(LinearConstraint(a_eq, b_eq, b_eq))
    if a_ub.shape[0]:
        constraints.append(LinearConstraint(a_ub, -np.inf, b_ub))
    integer = milp(
        c,
        constraints=constraints,
        integrality=np.ones(len(free)),
        bounds=Bounds([low for low, _high in bounds], [high for _low, high in bounds]),
    )
    if integer.status != 0 or integer.x is None:
        raise RuntimeError(f"the disclosure audit failed: {integer.message}")
    return round(float(integer.x[columns[p]])), _table(free, integer.x)


def _table(free: list[int], solution: Any) -> dict[int, int]:
    return {j: round(float(solution[k])) for k, j in enumerate(free)}


def _reduced(
    rows: list[dict[int, float]], x: np.ndarray, columns: dict[int, int], width: int
) -> tuple[csr_array, np.ndarray]:
    """The rows over the free (suppressed) cells only, the published ones moved to the right-hand side."""
    kept = [row for row in rows if any(j in columns for j in row)]
    rhs = np.array([-sum(coef * x[j] for j, coef in row.items() if j not in columns) for row in kept], dtype=float)
    return _matrix(kept, columns, width), rhs


def _interval(pattern: _Pattern, p: int) -> tuple[int, int]:
    """What a reader can narrow cell p down to: its lowest and highest integer values."""
    return _reader_bound(pattern, p, +1)[0], _reader_bound(pattern, p, -1)[0]


def _protected(pattern: _Pattern, p: int, protection: int, proven: set[int] | None = None) -> bool:
    """Whether cell p is at least `protection` wide for a reader; the tables found on the way prove other cells
    too, added to `proven`."""
    x = pattern.model.x
    value = int(x[p])
    highest, table = _reader_bound(pattern, p, -1)
    _prove(pattern, table, protection, proven)
    if highest - value >= protection:
        return True
    lowest, table = _reader_bound(pattern, p, +1)
    _prove(pattern, table, protection, proven)
    return highest - lowest >= protection


def _prove(pattern: _Pattern, table: dict[int, int] | None, protection: int, proven: set[int] | None) -> None:
    if table is None or proven is None:
        return
    x = pattern.model.x
    proven |= {j for j, value in table.items() if j in pattern.primary and abs(value - x[j]) >= protection}


def _witnessed(pattern: _Pattern, cells: set[int], protection: int) -> set[int]:
    """The cells among `cells` shown protected by whole tables a reader cannot tell from the true one: integer
    programmes that push all the unproven cells up together, then down together, each solution proving every
    cell it moved by `protection` or more. Cheap: a few solves prove most cells of a table."""
    model = pattern.model
    free = sorted(pattern.suppressed)
    columns = {j: k for k, j in enumerate(free)}
    a_eq, b_eq = _reduced(model.equal, model.x, columns, len(free))
    a_ub, b_ub = _reduced(model.at_most, model.x, columns, len(free))
    constraints = []
    if a_eq.shape[0]:
        constraints.append(LinearConstraint(a_eq, b_eq, b_eq))
    if a_ub.shape[0]:
        constraints.append(LinearConstraint(a_ub, -np.inf, b_ub))
    bounds = [pattern.bounds(j) for j in free]
    # Far enough for every cell, finite so that an integer programme is never unbounded.
    ceiling = float(model.x.sum()) + protection + 1.0
    box = Bounds([low for low, _high in bounds], [min(high, ceiling) for _low, high in bounds])
    proven: set[int] = set()
    unproven = set(cells)
    progress = True
    while unproven and progress:
        progress = False
        for sense in (-1, +1):
            c = np.zeros(len(free))
            for j in unproven:
                c[columns[j]] = sense
            result = milp(c, constraints=constraints, integrality=np.ones(len(free)), bounds=box)
            if result.status != 0 or result.x is None:
                raise RuntimeError(f"the disclosure audit failed: {result.message}")
            moved = {j for j in unproven if abs(round(float(result.x[columns[j]])) - model.x[j]) >= protection}
            if moved:
                proven |= moved
                unproven -= moved
                progress = True
    return proven


def _unprotected(pattern: _Pattern, cells: set[int], protection: int) -> set[int]:
    """The audit: the cells among `cells` that a reader can narrow to less than `protection` wide."""
    proven = _witnessed(pattern, cells, protection)
    exposed: set[int] = set()
    for p in sorted(cells):
        if p not in proven and not _protected(pattern, p, protection, proven):
            exposed.add(p)
    return exposed


# --- Complements: the cheapest cells that let a primary cell move -------------------------------------------
def _complements(pattern: _Pattern, p: int, protection: int, candidates: set[int]) -> set[int] | None:
    """The cheapest cells to suppress besides the suppressed ones so that cell p can move by `protection` (up or
    down, whichever costs less) in an integer table that fits what is published; None when no choice can."""
    best: tuple[float, set[int]] | None = None
    low, high = pattern.bounds(p)
    value = pattern.model.x[p]
    for direction in (+1, -1):
        target = value + direction * protection
        if not low <= target <= high:
            continue
        # A tight reach first (a strong relaxation, solved in milliseconds), then any reach.
        found = _move(pattern, p, direction * protection, candidates, 2 * protection)
        if found is None:
            found = _move(pattern, p, direction * protection, candidates, float(pattern.model.x.sum()) + protection)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    return None if best is None else best[1]


def _move(pattern: _Pattern, p: int, step: int, candidates: set[int], reach: float) -> tuple[float, set[int]] | None:
    """The cheapest choice of candidates that lets cell p move by `step`, each chosen cell moving at most `reach`
    either way (and never outside what its mark would say)."""
    model = pattern.model
    movable = sorted(pattern.suppressed | candidates)
    chosen = sorted(candidates)
    n_y, n_s = len(movable), len(chosen)
    columns = {j: k for k, j in enumerate(movable)}
    width = n_y + n_s
    constraints = []
    equal = [row for row in model.equal if any(j in columns for j in row)]
    if equal:
        a = _matrix(equal, columns, width)
        constraints.append(LinearConstraint(a, 0.0, 0.0))
    at_most = [row for row in model.at_most if any(j in columns for j in row)]
    if at_most:
        # B (x + y) <= 0: the move may use only the slack the true table leaves.
        slack = np.array([-_dot(row, model.x) for row in at_most])
        constraints.append(LinearConstraint(_matrix(at_most, columns, width), -np.inf, slack))
    lower = np.zeros(width)
    upper = np.zeros(width)
    for j in movable:
        k = columns[j]
        if j in pattern.suppressed:
            low, high = pattern.bounds(j)
            lower[k], upper[k] = low - model.x[j], high - model.x[j]
        else:
            lower[k], upper[k] = -np.inf, np.inf
    k = columns[p]
    if step > 0:
        lower[k] = max(lower[k], step)
    else:
        upper[k] = min(upper[k], step)
    lower[n_y:], upper[n_y:] = 0.0, 1.0
    if chosen:
        # A candidate moves only when chosen, and then within what its ".." would say of it.
        link_rows: list[int] = []
        link_cols: list[int] = []
        link_data: list[float] = []
        link_low: list[float] = []
        candidate = _Pattern(model, pattern.primary, pattern.threshold, pattern.masked, set(chosen))
        for s_number, j in enumerate(chosen):
            low, high = candidate.bounds(j)
            up = min(reach, high - model.x[j])
            down = max(-reach, low - model.x[j])
            r = len(link_low)
            link_rows += [r, r, r + 1, r + 1]
            link_cols += [columns[j], n_y + s_number, columns[j], n_y + s_number]
            link_data += [1.0, -up, -1.0, down]
            link_low += [-np.inf, -np.inf]
        links = csr_array((link_data, (link_rows, link_cols)), shape=(len(link_low), width))
        constraints.append(LinearConstraint(links, np.array(link_low), np.zeros(len(link_low))))
    cost = np.zeros(width)
    cost[n_y:] = [model.x[j] + 1.0 for j in chosen]  # the information lost, then the number of cells
    result = milp(cost, constraints=constraints, integrality=np.ones(width), bounds=Bounds(lower, upper))
    if result.status != 0 or result.x is None:
        return None
    taken = {j for s_number, j in enumerate(chosen) if result.x[n_y + s_number] > 0.5}
    return float(result.fun), taken


# --- The one entry point ----------------------------------------------------------------------------------------
def protect(
    cells: Cells,
    relations: Iterable[Relation] = (),
    *,
    threshold: int | None = None,
    protection: int = PROTECTION,
    public: Collection[Key] = (),
) -> Protected:
    """The cells as they may be published: every count from 1 to threshold - 1 suppressed ("<5"), and the
    complements that keep each of them at least `protection` wide for a reader of everything published (".."),
    audited before it is returned. `public`: cells published anyway (elsewhere): never suppressed, even if small.
    `threshold` defaults to the deployment's (small_cell())."""
    threshold = small_cell() if threshold is None else threshold
    if threshold < 2 or protection < 1:
        raise ValueError("the threshold must be 2 or more and the protection 1 or more")
    model = _Model(cells, relations)
    fixed = {model.index[key] for key in public if key in model.index}
    primary = {j for j in range(len(model.keys)) if 1 <= model.x[j] < threshold and j not in fixed}
    for masked in (False, True):
        pattern = _Pattern(model, primary, threshold, masked, set(primary))
        if _suppress(pattern, protection, fixed) and not _unprotected(pattern, primary, protection):  # the audit
            return _result(model, pattern, protection)
    # Nothing protects: publish nothing but what is public anyway.
    published: dict[Key, int | None] = {key: None for key in model.keys}
    for j in fixed:
        published[model.keys[j]] = int(model.x[j])
    return Protected(
        published=published,
        primary=frozenset(model.keys[j] for j in primary),
        secondary=frozenset(key for key, value in published.items() if value is None)
        - {model.keys[j] for j in primary},
        threshold=threshold,
        protection=protection,
        masked=True,
        withheld_all=True,
    )


def _suppress(pattern: _Pattern, protection: int, fixed: set[int]) -> bool:
    """Add complements until every primary cell is protected; False when some cannot be."""
    model = pattern.model
    proven = _witnessed(pattern, pattern.primary, protection)
    for p in sorted(pattern.primary - proven, key=lambda j: (model.x[j], j)):
        # A complement taken for another cell may protect this one.
        if p in proven or _protected(pattern, p, protection, proven):
            continue
        candidates = {
            j
            for j in range(len(model.keys))
            if (model.x[j] > 0 or pattern.masked) and j not in pattern.suppressed and j not in fixed
        }
        taken = _complements(pattern, p, protection, candidates)
        if taken is None:
            return False
        pattern.suppressed |= taken
    return True


def _result(model: _Model, pattern: _Pattern, protection: int) -> Protected:
    published: dict[Key, int | None] = {
        key: None if j in pattern.suppressed else int(model.x[j]) for j, key in enumerate(model.keys)
    }
    return Protected(
        published=published,
        primary=frozenset(model.keys[j] for j in pattern.primary),
        secondary=frozenset(model.keys[j] for j in pattern.suppressed - pattern.primary),
        threshold=pattern.threshold,
        protection=protection,
        masked=pattern.masked,
    )


def audit(cells: Cells, relations: Iterable[Relation], protected: Protected) -> dict[Key, tuple[int, int]]:
    """What a reader of `protected` can narrow each primary cell down to (lowest, highest), under the marks it was
    published with: for reports and tests (protect() has already audited what it returns)."""
    model = _Model(cells, relations)
    primary = {model.index[key] for key in protected.primary}
    suppressed = {model.index[key] for key in protected.suppressed}
    pattern = _Pattern(model, primary, protected.threshold, protected.masked, suppressed)
    if protected.withheld_all:
        return {model.keys[p]: (0, 2**62) for p in sorted(primary)}
    return {model.keys[p]: _interval(pattern, p) for p in sorted(primary)}
