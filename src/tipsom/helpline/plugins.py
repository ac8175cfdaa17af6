"""What the helpline app brings to the lower layers through the registry (read by HelplineConfig.ready()): the
menu entry, the home-page widget, the victim case page's Contacts tab, audit words and the demo seeder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import user_can
from tipsom.core.registry import CaseTab, DemoSeeder, MenuItem


def entries() -> Iterator[tuple[str, Any, str | None]]:
    from tipsom.helpline import audit_labels, audit_quality, demo, widgets
    from tipsom.helpline.models import Contact
    from tipsom.helpline.views import case_tab

    yield "menu_items", MenuItem(_("Helpline"), "helpline:queue", lambda u: user_can(u, "view", Contact), 15), None
    for widget in widgets.WIDGETS:
        yield "home_widgets", widget, None
    # The victim case page's Contacts tab: the helpline contacts linked to the case, under /cases/<pk>/.
    yield "case_tabs", CaseTab("contacts", _("Contacts"), "cases:contacts", weight=25), None
    yield "case_urls", path("contacts/", case_tab.case_contacts_view, name="contacts"), None
    yield from audit_labels.entries()
    # The national coordinator's way to the helpline statistics (supervisors reach them from the queue).
    yield "menu_items", MenuItem(_("Helpline statistics"), "helpline:stats", _national_stats, 74), None
    yield from audit_quality.entries()
    # `tipsom demo`: the helplines' contacts, after the cases, referrals and criminal justice they link to.
    yield "demo_seeders", DemoSeeder("helpline", demo.seed, weight=35), None


def _national_stats(user: Any) -> bool:
    from tipsom.core.permissions import SCOPE_NATIONAL, user_scopes
    from tipsom.helpline.models import Contact

    return SCOPE_NATIONAL in user_scopes(user, "export", Contact) and not user_can(user, "view", Contact)
