"""The one registry through which higher apps plug into lower ones.

A lower layer never imports a higher app. When it must show or react to something of a higher one (an API route,
a menu entry, a case tab, who may see a person, a notification kind, a home-page widget, a demo seeder), the
higher app adds it here from its `AppConfig.ready()`, and the lower layer reads the store. The stores are fixed:
adding or replacing one is an error, so a misspelt name fails at start-up rather than being silently ignored.

Each store is a list (kept in registration order, which follows INSTALLED_APPS) or a dict keyed by a unique name.
The shapes of the entries are the dataclasses below (a notification kind's is `tipsom.notifications.kinds.Kind`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

STORES: dict[str, type] = {
    # core: /api/v1/ routes of every app (ApiRoute), and plain URL patterns under /api/v1/
    "api_routes": list,
    "api_paths": list,
    # core: the navigation bar (MenuItem) and the home page's widgets (Section, context(user))
    "menu_items": list,
    "home_widgets": list,
    # people: who else may see a person (organization id -> Q or None), what reacts to a changed person
    # (actor=, person=, changed= field names), and sections of a person's page (Section, context(user, person))
    "person_scopes": list,
    "person_changed": list,
    "person_sections": list,
    # people: what the person list shows of other apps, without identifying anyone: (user, person ids) ->
    # {person id: [short texts]} (the case numbers of each person's cases the user may see)
    "person_list_cases": list,
    # cases: tabs of the case page brought by other apps (CaseTab) and their URL patterns under /cases/<pk>/
    "case_tabs": list,
    "case_urls": list,
    # notifications: kinds of notification (name -> Kind), parameter formatters and the daily digest's sources
    "notification_kinds": dict,
    "notification_formatters": dict,
    "digest_sources": list,
    # demo: each app's demo seeder (DemoSeeder), run in order by `tipsom demo`
    "demo_seeders": list,
    # audit: what its events are about, in words: actions (code -> label) and the objects of a type
    # (object type such as "cases.case" -> AuditObjectLabels)
    "audit_actions": dict,
    "audit_object_labels": dict,
    # core: a larger request size limit for one page that takes large files (path -> function answering the
    # limit in bytes, read at each request; an import's upload page), checked before the body is read
    "request_size_limits": dict,
}


class Registry(dict[str, Any]):
    """A dict whose keys are fixed at creation; the stores themselves are mutable."""

    def __getitem__(self, key: str) -> Any:
        try:
            return super().__getitem__(key)
        except KeyError:
            raise KeyError(f"Invalid store: {key}") from None

    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError("Cannot add stores to the registry")

    def __delitem__(self, key: str) -> None:
        raise TypeError("Cannot delete stores from the registry")


registry = Registry({name: kind() for name, kind in STORES.items()})


def register(store: str, entry: Any, *, key: str | None = None) -> Any:
    """Add one entry to a store (by `key` for a dict store; a key registered twice is an error). Returns the
    entry, so it can decorate a function."""
    target = registry[store]
    if isinstance(target, dict):
        if key is None:
            raise TypeError(f"The store {store} is keyed: give a key")
        if key in target:
            raise ValueError(f"{key!r} is already registered in {store}")
        target[key] = entry
    else:
        if key is not None:
            raise TypeError(f"The store {store} is a list: it takes no key")
        target.append(entry)
    return entry


def ordered(store: str) -> list[Any]:
    """The entries of a list store by their `weight` (then registration order)."""
    return sorted(registry[store], key=lambda entry: getattr(entry, "weight", 0))


@dataclass(frozen=True)
class ApiRoute:
    """A DRF viewset on the /api/v1/ router. `weight` orders prefixes that could shadow each other."""

    prefix: str
    viewset: Any
    basename: str
    weight: int = 0


@dataclass(frozen=True)
class MenuItem:
    """An entry of the navigation bar, shown when `allowed(user)` says so. `badge(user)`, if given, is a count
    shown beside the label (evaluated only when the page renders the bar)."""

    label: Any
    url_name: str
    allowed: Callable[[Any], bool]
    weight: int = 0
    badge: Callable[[Any], Any] | None = None
    # A personal entry (one's own inbox) is in the bar but not among the home page's "where you can work".
    personal: bool = False


@dataclass(frozen=True)
class Section:
    """A part of a page that another app brings: a home-page widget (`context(user)`) or a section of a person's
    page (`context(user, person)`). `context` returns the template's context, or None to leave the section out
    (the user may not see it, or it has nothing to show)."""

    name: str
    template: str
    context: Callable[..., dict[str, Any] | None]
    weight: int = 0


@dataclass(frozen=True)
class CaseTab:
    """A tab of the case page brought by another app: its page is `url_name` (a pattern the app adds to
    `case_urls`, so it is named `cases:<name>`), shown when `allowed(page)` says so."""

    name: str
    label: Any
    url_name: str
    weight: int = 0
    allowed: Callable[[Any], bool] = lambda page: True


@dataclass(frozen=True)
class DemoSeeder:
    """An app's demo data: `seed(options)` creates it through the app's own services, idempotently, and returns
    a summary for the command's output. Seeders run by `weight` (an app's data after what it builds on)."""

    name: str
    seed: Callable[[Any], Any]
    weight: int = 0


@dataclass(frozen=True)
class AuditObjectLabels:
    """How the audit screen names the objects of one type: `labels(ids)` answers {id: (label, url or "")} for the
    ids it knows (a case number and the case's page), and `find(text)` the ids whose label matches the words an
    auditor typed (a case number, in any short form the app accepts). Neither may reveal an identifying value."""

    labels: Callable[[list[str]], dict[str, tuple[str, str]]]
    find: Callable[[str], list[str]] | None = None


def register_api(module: Any) -> None:
    """Register an app's `api/urls.py`: its `routes` (ApiRoute) and its plain `paths`."""
    for route in getattr(module, "routes", ()):
        register("api_routes", route)
    for pattern in getattr(module, "paths", ()):
        register("api_paths", pattern)
