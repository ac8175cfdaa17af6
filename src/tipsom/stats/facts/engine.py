"""Keeping the fact tables in step with their sources.

Each kind of fact (victims, justice, offences, incidents, contacts, referrals) is a `FactKind`: which source rows it
is built from, how a changed object of another app maps to those source rows, and how the fact rows of a batch of
sources are built. Three operations:

- refresh (incremental): the audit log is the change feed. Every change in tipsom writes an audit event naming the
  object changed; the events after the kind's watermark are mapped to source rows, whose facts are deleted and built
  again. Events younger than SETTLE are read again by the next refresh as well (a transaction that wrote an event
  with a smaller id may commit after one with a larger id), so the watermark only passes events older than that.
  A refresh runs after each committed change (a background task) and before every read of the statistics.
- rebuild (`tipsom stats rebuild`): every fact of a kind, from all its sources, in chunks.
- check (`tipsom stats check`): builds every fact again in memory and compares it with the table; any difference
  is reported (and the command exits non-zero).

Rows counted once per unit (a victim once per person and year; a defendant once per person, stage and year) carry
a `counted` flag: after the rows of a batch are written, the units they touch are settled again, whole
(`FactKind.settle`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from tipsom.audit.models import AuditEvent
from tipsom.stats.models import FactState

SETTLE = timedelta(seconds=60)
CHUNK = 5_000


@dataclass
class FactKind:
    name: str
    model: type[models.Model]
    # Every source id, in order (for rebuild and check).
    all_sources: Callable[[], Iterable[int]]
    # The fact rows (unsaved) of these source ids; a source that no longer qualifies gives none.
    build: Callable[[Sequence[int]], list[Any]]
    # object_type (app_label.model) -> the source ids touched by these object ids.
    watches: dict[str, Callable[[list[str]], set[int]]] = field(default_factory=dict)
    # Rows counted once per unit: the fields naming the unit, and how the rows of one unit are settled (the
    # `counted` flag of its representative, and what the representative carries for the whole unit).
    unit_fields: tuple[str, ...] = ()
    settle: Callable[[list[Any]], None] | None = None
    # Compare these fields in `check` (default: every concrete field but the id).
    compared: tuple[str, ...] = ()
    # A summary table kept in step with the rows (the victims cube, stats.facts.cube): `after_write(old, new)` in
    # the transaction that replaces rows, with the stored rows deleted (their `kept` fields, as mappings) and the
    # rows written; `after_rebuild()` at the end of a rebuild; `summary_differences()` in `check`.
    kept: tuple[str, ...] = ()
    after_write: Callable[[list[dict[str, Any]], list[Any]], Any] | None = None
    after_rebuild: Callable[[], Any] | None = None
    summary_differences: Callable[[], list[str]] | None = None

    def fields(self) -> tuple[str, ...]:
        if self.compared:
            return self.compared
        return tuple(f.attname for f in self.model._meta.concrete_fields if not f.primary_key)


KINDS: dict[str, FactKind] = {}


def register_kind(kind: FactKind) -> FactKind:
    KINDS[kind.name] = kind
    return kind


def kinds(names: Iterable[str] | None = None) -> list[FactKind]:
    _load()
    if not names:
        return list(KINDS.values())
    unknown = [name for name in names if name not in KINDS]
    if unknown:
        raise KeyError(", ".join(unknown))
    return [KINDS[name] for name in names]


def _load() -> None:
    # The kinds register themselves when their modules are imported.
    from tipsom.stats.facts import justice, records, victims  # noqa: F401


def chunked(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    batch: list[int] = []
    for value in ids:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ids_of(values: Iterable[str]) -> list[int]:
    return [int(value) for value in values if str(value).isdigit()]


def same_ids(object_ids: list[str]) -> set[int]:
    """`watches` entry of a source's own object type: the changed objects are the sources."""
    return set(ids_of(object_ids))


def all_ids(model: type[models.Model]) -> Callable[[], Iterable[int]]:
    """`all_sources` of a kind built from every row of `model`, in order."""

    def ids() -> Iterable[int]:
        manager: Any = model._default_manager
        return manager.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=20_000)

    return ids


# --- Writing the facts of some sources ---------------------------------------------------------------------------
def unit_of(kind: FactKind, row: Any) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in kind.unit_fields)


def _unit_sources(kind: FactKind, units: set[tuple[Any, ...]]) -> set[int]:
    """The sources of the stored rows of these units."""
    manager: Any = kind.model._default_manager
    found: set[int] = set()
    ordered = sorted(units, key=repr)
    for start in range(0, len(ordered), 200):
        condition = models.Q()
        for unit in ordered[start : start + 200]:
            condition |= models.Q(**dict(zip(kind.unit_fields, unit, strict=True)))
        found.update(manager.filter(condition).values_list("source_id", flat=True))
    return found


def settle_rows(kind: FactKind, rows: list[Any]) -> None:
    """Set the `counted` flags (and what a representative carries) of rows holding whole units."""
    if not kind.unit_fields or kind.settle is None:
        return
    units: dict[tuple[Any, ...], list[Any]] = {}
    for row in rows:
        units.setdefault(unit_of(kind, row), []).append(row)
    for members in units.values():
        kind.settle(members)


def write_sources(kind: FactKind, source_ids: Iterable[int], summary: bool = True) -> int:
    """Delete and build again the facts of these sources (with every other source of the units they are in, so that
    each unit is counted again whole), and bring the kind's summary table in step (unless `summary` is False: a
    rebuild builds it at the end). Returns rows written."""
    manager: Any = kind.model._default_manager
    written = 0
    for batch in chunked(sorted(set(source_ids))):
        with transaction.atomic():
            sources = set(batch)
            new = kind.build(sorted(sources))
            if kind.unit_fields:
                units = {unit_of(kind, row) for row in new}
                units |= {
                    tuple(values)
                    for values in manager.filter(source_id__in=batch).values_list(*kind.unit_fields).distinct()
                }
                others = _unit_sources(kind, units) - sources
                if others:
                    new += kind.build(sorted(others))
                    sources |= others
                settle_rows(kind, new)
            keep = summary and kind.after_write is not None
            old: list[dict[str, Any]] = []
            for part in chunked(sorted(sources), 900):
                if keep:
                    old += manager.filter(source_id__in=part).values(*kind.kept)
                manager.filter(source_id__in=part).delete()
            manager.bulk_create(new, batch_size=2_000)
            if keep and kind.after_write is not None:
                kind.after_write(old, new)
            written += len(new)
    return written


# --- Refresh -----------------------------------------------------------------------------------------------------
@dataclass
class RefreshResult:
    kind: str
    events: int
    sources: int
    rows: int
    seconds: float


def refresh(names: Iterable[str] | None = None) -> list[RefreshResult]:
    """Apply the audit events after each kind's watermark (see the module's docstring)."""
    results = []
    for kind in kinds(names):
        started = time.perf_counter()
        state, _ = FactState.objects.get_or_create(kind=kind.name)
        settled_before = timezone.now() - SETTLE
        events = AuditEvent.objects.filter(pk__gt=state.watermark, object_type__in=list(kind.watches))
        by_type: dict[str, list[str]] = {}
        count, young = 0, None
        for pk, object_type, object_id, created_at in events.values_list(
            "pk", "object_type", "object_id", "created_at"
        ).order_by("pk"):
            count += 1
            by_type.setdefault(object_type, []).append(object_id)
            if young is None and created_at > settled_before:
                young = pk
        # The watermark passes every event older than SETTLE (of any type), but never a young one of this kind.
        settled = (
            AuditEvent.objects.filter(pk__gt=state.watermark, created_at__lte=settled_before)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
            or state.watermark
        )
        if young is not None:
            settled = min(settled, young - 1)
        sources: set[int] = set()
        for object_type, object_ids in by_type.items():
            sources |= kind.watches[object_type](sorted(set(object_ids)))
        rows = write_sources(kind, sorted(sources)) if sources else 0
        if settled > state.watermark or count:
            FactState.objects.filter(pk=state.pk).update(
                watermark=max(settled, state.watermark), refreshed_at=timezone.now()
            )
        results.append(RefreshResult(kind.name, count, len(sources), rows, time.perf_counter() - started))
    return results


def current() -> None:
    """Bring every kind of fact up to date before a read of the statistics: at most once per web or API request
    (the background refresh after each change has usually done it; this catches what it has not yet)."""
    from tipsom.core.context import request_memo

    memo = request_memo()
    if memo is not None:
        if memo.get(_CURRENT):
            return
        memo[_CURRENT] = True
    refresh()


_CURRENT = "stats.facts_current"


# --- Rebuild -----------------------------------------------------------------------------------------------------
@dataclass
class RebuildResult:
    kind: str
    rows: int
    seconds: float


def rebuild(
    names: Iterable[str] | None = None, progress: Callable[[str, int], None] | None = None
) -> list[RebuildResult]:
    """Every fact of these kinds, built again from all their sources."""
    results = []
    for kind in kinds(names):
        started = time.perf_counter()
        newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        manager: Any = kind.model._default_manager
        manager.all().delete()
        rows = 0
        for batch in chunked(kind.all_sources()):
            with transaction.atomic():
                new = kind.build(batch)
                manager.bulk_create(new, batch_size=2_000)
                rows += len(new)
            if progress is not None:
                progress(kind.name, rows)
        _analyze(kind.model)
        if kind.unit_fields:
            # Rows were written one chunk at a time, each counted: the units with several rows are settled again.
            shared = (
                manager.values(*kind.unit_fields)
                .annotate(rows=models.Count("pk"))
                .filter(rows__gt=1)
                .values_list(*kind.unit_fields)
            )
            write_sources(kind, _unit_sources(kind, {tuple(values) for values in shared}), summary=False)
        if kind.after_rebuild is not None:
            kind.after_rebuild()
        # Changes made while the rebuild ran are applied by the next refresh: start from before them.
        FactState.objects.update_or_create(
            kind=kind.name,
            defaults={"watermark": max(0, newest - 1), "rebuilt_at": timezone.now(), "refreshed_at": timezone.now()},
        )
        results.append(RebuildResult(kind.name, rows, time.perf_counter() - started))
    return results


def _analyze(model: type[models.Model]) -> None:
    """The planner's statistics of a table just written again (autovacuum may be off, or not yet come by: a fact
    table's first grouped queries were several times slower without them)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- Check -------------------------------------------------------------------------------------------------------
@dataclass
class CheckResult:
    kind: str
    rows: int
    missing: list[int] = field(default_factory=list)  # sources whose facts are not in the table
    extra: list[int] = field(default_factory=list)  # facts of sources that give none
    different: list[int] = field(default_factory=list)  # sources whose facts differ
    summary: list[str] = field(default_factory=list)  # how the kind's summary table differs from its facts

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.different or self.summary)


def _key(row: models.Model, names: tuple[str, ...]) -> tuple[Any, ...]:
    values = []
    for name in names:
        value = getattr(row, name)
        values.append(tuple(value) if isinstance(value, list) else value)
    return tuple(values)


def check(names: Iterable[str] | None = None) -> list[CheckResult]:
    """Build every fact again in memory (each unit settled) and compare with the stored table."""
    results = []
    for kind in kinds(names):
        compared = kind.fields()
        built: list[Any] = []
        for batch in chunked(kind.all_sources()):
            built += kind.build(batch)
        settle_rows(kind, built)
        expected: dict[int, list[Any]] = {}
        for row in built:
            expected.setdefault(row.source_id, []).append(row)
        manager: Any = kind.model._default_manager
        stored: dict[int, list[Any]] = {}
        for row in manager.all().iterator(chunk_size=CHUNK):
            stored.setdefault(row.source_id, []).append(row)
        result = CheckResult(kind.name, sum(len(rows) for rows in stored.values()))
        for source, rows in expected.items():
            if source not in stored:
                result.missing.append(source)
            elif sorted(_key(r, compared) for r in rows) != sorted(_key(r, compared) for r in stored[source]):
                result.different.append(source)
        result.extra = sorted(set(stored) - set(expected))
        if kind.summary_differences is not None:
            result.summary = kind.summary_differences()
        results.append(result)
    return results


def count_first(members: list[Any], order: Callable[[Any], Any]) -> Any:
    """Mark the first row of a unit (by `order`) counted and the others not; returns it."""
    first = min(members, key=order)
    for row in members:
        row.counted = row is first
    return first
