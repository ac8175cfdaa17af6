"""Paging for list screens: page numbers for short lists, keyset (?before= / ?after=) for long ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from tipsom.core.errors import ApplicationError

PAGE_SIZE = 50


@dataclass(frozen=True)
class ListPage:
    """One page of rows and the links to its neighbours ("" when there is none)."""

    items: list[Any]
    next_url: str = ""
    prev_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def url_with(request: HttpRequest, drop: tuple[str, ...] = (), **params: Any) -> str:
    """The current query string with `params` set and `drop` removed, as a relative "?..." link."""
    query: QueryDict = request.GET.copy()
    for name in (*drop, *params):
        query.pop(name, None)
    for name, value in params.items():
        query[name] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def numbered_page(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> ListPage:
    """Page-number paging (`?page=`) for lists that stay short, such as users and organizations."""
    paginator = Paginator(queryset, per_page)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        page = paginator.page(paginator.num_pages if request.GET.get("page", "").isdigit() else 1)
    return ListPage(
        items=list(page.object_list),
        next_url=url_with(request, page=page.next_page_number()) if page.has_next() else "",
        prev_url=url_with(request, page=page.previous_page_number()) if page.has_previous() else "",
        extra={"number": page.number, "pages": paginator.num_pages, "count": paginator.count},
    )


def _cursor(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit():
        raise ApplicationError("invalid_cursor", _("The page link is not valid."), {"field": name})
    return int(raw)


def keyset_page(request: HttpRequest, queryset: Any, key: str, per_page: int = PAGE_SIZE) -> ListPage:
    """Newest first by the unique, increasing column `key`; `?before=<key>` goes back in time, `?after=<key>`
    forward. Costs one indexed range query per page whatever the table's size (no COUNT, no OFFSET)."""
    before, after = _cursor(request, "before"), _cursor(request, "after")
    if after is not None:
        rows = list(queryset.filter(**{f"{key}__gt": after}).order_by(key)[: per_page + 1])
        has_newer = len(rows) > per_page
        rows = rows[:per_page][::-1]
        has_older = bool(rows) and queryset.filter(**{f"{key}__lt": getattr(rows[-1], key)}).exists()
    else:
        base = queryset if before is None else queryset.filter(**{f"{key}__lt": before})
        rows = list(base.order_by(f"-{key}")[: per_page + 1])
        has_older = len(rows) > per_page
        rows = rows[:per_page]
        has_newer = (
            before is not None and bool(rows) and queryset.filter(**{f"{key}__gt": getattr(rows[0], key)}).exists()
        )
    next_url = url_with(request, drop=("after",), before=getattr(rows[-1], key)) if has_older else ""
    prev_url = url_with(request, drop=("before",), after=getattr(rows[0], key)) if has_newer else ""
    return ListPage(items=rows, next_url=next_url, prev_url=prev_url)
