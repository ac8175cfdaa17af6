"""Lists that scan, one pattern for every list screen: a whitelisted `?sort=`, keyset paging in that order, a count
that stops at a cap ("more than 1,000"), and whether the rows come from several organizations.

A view declares its sortable columns (only columns with an index that serves the order, never NULL) and calls
`list_page`; the template shows `includes/list_summary.html` above the table and `includes/list_th.html` for each
sortable header, and gives each cell a `data-label` so that a phone shows each row as a card (`table.list-cards`).
An unknown `?sort=` is ignored (the default order is used): a bookmarked link never fails."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tipsom.core.errors import ApplicationError
from tipsom.core.paging import PAGE_SIZE, ListPage, url_with

COUNT_CAP = 1000
CURSOR_SEPARATOR = "~"


@dataclass(frozen=True)
class SortColumn:
    """A column the list may be sorted by: `?sort=<name>` ascending, `?sort=-<name>` descending. `field` is a model
    field that is never NULL and has an index serving the order; ties are broken by the primary key."""

    name: str
    field: str
    descending_first: bool = False  # dates: the newest first on the first click
    label: Any = ""  # the column's name, for the sort links shown on a phone (where the header row is hidden)


@dataclass(frozen=True)
class ListCount:
    """How many rows the list has, counted up to a cap: `more` says there are more than `count`."""

    count: int
    more: bool = False


@dataclass(frozen=True)
class Listing:
    page: ListPage
    sort: str  # the order in force, as `?sort=` writes it ("-identified_on")
    count: ListCount | None
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> url, aria_sort
    labels: dict[str, Any] = field(default_factory=dict)  # name -> label of the columns that have one

    @property
    def sort_links(self) -> list[dict[str, Any]]:
        """[{label, url, aria_sort}] of the labelled sortable columns (includes/list_summary.html, on a phone)."""
        return [{"label": label, **self.headers[name]} for name, label in self.labels.items()]

    @property
    def newest_first(self) -> bool:
        return self.sort == "-pk"

    @property
    def prev_label(self) -> str:
        """The paging links read "Newer"/"Older" in the order of registration, "Previous"/"Next" in any other."""
        return "" if self.newest_first else _("Previous")

    @property
    def next_label(self) -> str:
        return "" if self.newest_first else _("Next")


def capped_count(queryset: QuerySet[Any], cap: int | None = None) -> ListCount:
    """COUNT over at most cap + 1 rows (a LIMIT subquery; COUNT_CAP by default): the cost stays bounded however
    long the list is."""
    cap = COUNT_CAP if cap is None else cap
    found = queryset.order_by().values("pk")[: cap + 1].count()
    return ListCount(count=min(found, cap), more=found > cap)


def chosen_sort(request: HttpRequest, columns: Sequence[SortColumn], default: str) -> tuple[SortColumn | None, bool]:
    """(the column sorted by, descending?) from `?sort=`, or the default's when it names no sortable column.
    The column None is the primary key (the order of registration)."""
    by_name = {column.name: column for column in columns}
    for value in (request.GET.get("sort", ""), default):
        name = value.removeprefix("-")
        if name in by_name or name == "pk":
            return by_name.get(name), value.startswith("-")
    return None, True


def _cursor_value(row: Any, column: SortColumn | None) -> str:
    if column is None:
        return str(row.pk)
    value = getattr(row, column.field)
    text = value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else str(value)
    return f"{text}{CURSOR_SEPARATOR}{row.pk}"


def _parse_cursor(queryset: QuerySet[Any], raw: str, column: SortColumn | None, name: str) -> tuple[Any, int]:
    invalid = ApplicationError("invalid_cursor", _("The page link is not valid."), {"field": name})
    text, _sep, pk = raw.rpartition(CURSOR_SEPARATOR) if column is not None else ("", "", raw)
    if not pk.isdigit() or (column is not None and not _sep):
        raise invalid
    if column is None:
        return None, int(pk)
    try:
        value = queryset.model._meta.get_field(column.field).to_python(text)
    except (ValidationError, ValueError, TypeError):
        raise invalid from None
    return value, int(pk)


def _beyond(column: SortColumn | None, value: Any, pk: int, lookup: str) -> Q:
    """Rows after (value, pk) in the order whose comparison is `lookup` ("lt" going down, "gt" going up)."""
    if column is None:
        return Q(**{f"pk__{lookup}": pk})
    return Q(**{f"{column.field}__{lookup}": value}) | Q(**{column.field: value, f"pk__{lookup}": pk})


def list_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    columns: Sequence[SortColumn] = (),
    *,
    default: str = "-pk",
    per_page: int = PAGE_SIZE,
    count: bool = True,
) -> Listing:
    """One page of `queryset` in the order `?sort=` asks (among `columns`), keyset-paged: `?before=` goes on in the
    order, `?after=` back. Each page costs one indexed range query; the count (when asked) one capped COUNT."""
    column, descending = chosen_sort(request, columns, default)
    name = "pk" if column is None else column.name
    sort = f"-{name}" if descending else name
    fields = ["pk"] if column is None else [column.field, "pk"]
    forward = [f"-{f}" if descending else f for f in fields]
    backward = [f if descending else f"-{f}" for f in fields]
    ahead, behind = ("lt", "gt") if descending else ("gt", "lt")
    before, after = request.GET.get("before", ""), request.GET.get("after", "")
    if after:
        value, pk = _parse_cursor(queryset, after, column, "after")
        rows = list(queryset.filter(_beyond(column, value, pk, behind)).order_by(*backward)[: per_page + 1])
        has_newer = len(rows) > per_page
        rows = rows[:per_page][::-1]
        has_older = bool(rows) and queryset.filter(_beyond(column, *_key(rows[-1], column), ahead)).exists()
    else:
        base = queryset
        if before:
            value, pk = _parse_cursor(queryset, before, column, "before")
            base = queryset.filter(_beyond(column, value, pk, ahead))
        rows = list(base.order_by(*forward)[: per_page + 1])
        has_older = len(rows) > per_page
        rows = rows[:per_page]
        has_newer = (
            bool(before) and bool(rows) and queryset.filter(_beyond(column, *_key(rows[0], column), behind)).exists()
        )
    keep = {"sort": sort} if "sort" in request.GET else {}
    page = ListPage(
        items=rows,
        next_url=url_with(request, drop=("after",), before=_cursor_value(rows[-1], column), **keep)
        if has_older
        else "",
        prev_url=url_with(request, drop=("before",), after=_cursor_value(rows[0], column), **keep) if has_newer else "",
    )
    return Listing(
        page=page,
        sort=sort,
        count=capped_count(queryset) if count else None,
        headers=_headers(request, columns, name, descending),
        labels={column.name: column.label for column in columns if column.label},
    )


def _key(row: Any, column: SortColumn | None) -> tuple[Any, int]:
    return (None if column is None else getattr(row, column.field)), row.pk


def _headers(
    request: HttpRequest, columns: Sequence[SortColumn], current: str, descending: bool
) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it (the other way round when it is the current one) and
    its aria-sort state."""
    headers = {}
    for column in (*columns, SortColumn("pk", "pk", descending_first=True)):
        active = column.name == current
        down = not descending if active else column.descending_first
        headers[column.name] = {
            "url": url_with(request, drop=("before", "after"), sort=f"-{column.name}" if down else column.name),
            "aria_sort": ("descending" if descending else "ascending") if active else "none",
        }
    return headers


def several_organizations(rows: Iterable[Any], attribute: str = "owner_organization_id") -> bool:
    """Whether the rows come from more than one organization: the organization column is shown only then."""
    return len({getattr(row, attribute) for row in rows}) > 1
