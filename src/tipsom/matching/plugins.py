"""What matching brings to the lower layers through the registry (read by MatchingConfig.ready()): keys that follow
the registry, who else may see a person (granted access requests), notification kinds, menu entries, home-page
widgets, audit words and the demo seeder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from tipsom.core.registry import DemoSeeder

NOTIFICATION_KINDS = {
    "person_access_requested": _(
        "%(organization)s asks for access to a person your organization registered (a possible match)."
    ),
    "person_access_granted": _("%(organization)s granted your request for access to a person."),
    "person_access_refused": _("%(organization)s refused your request for access to a person."),
}


def keys_follow_person(**kwargs: Any) -> None:
    from tipsom.matching.services import match_keys_follow_person

    match_keys_follow_person(**kwargs)


def persons_granted_to(organization_id: int) -> Any:
    from tipsom.matching.services import persons_granted_to as scope

    return scope(organization_id)


def demo_seed(options: Any) -> Any:
    from tipsom.matching.demo import seed

    return seed(options)


def screen_entries() -> Iterator[tuple[str, Any, str | None]]:
    """The menu entries, home-page widgets and audit words of matching's screens."""
    from tipsom.core.permissions import user_can
    from tipsom.core.registry import MenuItem
    from tipsom.matching import audit_labels, widgets
    from tipsom.matching.models import AccessRequest, CandidatePair

    menu = [
        MenuItem(
            _("Access requests"),
            "matching:access_requests",
            lambda u: user_can(u, "view", AccessRequest),
            45,
            badge=widgets.access_requests_badge,
        ),
        MenuItem(_("Possible duplicates"), "matching:queue", lambda u: user_can(u, "view", CandidatePair), 46),
    ]
    for item in menu:
        yield "menu_items", item, None
    for widget in widgets.WIDGETS:
        yield "home_widgets", widget, None
    yield from audit_labels.entries()


def entries() -> Iterator[tuple[str, Any, str | None]]:
    # Imported when called: the services need the names module, which loads the equivalents table.
    yield "person_changed", keys_follow_person, None
    yield "person_scopes", persons_granted_to, None
    for name, message in NOTIFICATION_KINDS.items():
        yield "notification_kinds", message, name
    yield "demo_seeders", DemoSeeder("matching", demo_seed, weight=25), None  # after the cases and referrals
    yield from screen_entries()
