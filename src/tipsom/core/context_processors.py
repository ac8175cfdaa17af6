"""Navigation by permission: a menu shows only the screens the user may open."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import user_can


def _menu(user: Any) -> list[dict[str, Any]]:
    from tipsom.accounts.models import User
    from tipsom.audit.models import AuditEvent
    from tipsom.cases.models import Case
    from tipsom.organizations.models import Organization
    from tipsom.people.models import Person
    from tipsom.referrals.models import Referral, Service

    entries = [
        (_("Cases"), "cases:list", user_can(user, "view", Case)),
        (_("Approvals"), "cases:approvals", user_can(user, "approve", Case)),
        (_("Referrals"), "referrals:inbox", user_can(user, "view", Referral)),
        (_("Persons"), "people:list", user_can(user, "view", Person)),
        (_("Organizations"), "organizations:list", user_can(user, "view", Organization)),
        (_("Services"), "directory:search", user_can(user, "view", Service)),
        (_("Users"), "accounts:user_list", user_can(user, "change", User)),
        (_("Audit log"), "audit:event_list", user_can(user, "view", AuditEvent)),
    ]
    return [{"label": label, "url": reverse(name)} for label, name, allowed in entries if allowed]


def _inbox(user: Any) -> dict[str, Any]:
    """Every signed-in user's own notifications (no role needed, so not in `menu`, which lists the screens of
    one's work); the unread count is one COUNT, run only when a page shows the navigation bar."""
    from django.utils.functional import SimpleLazyObject

    from tipsom.notifications.selectors import notification_unread_count

    unread = SimpleLazyObject(lambda: notification_unread_count(user=user))
    return {"label": _("Notifications"), "url": reverse("notifications:inbox"), "unread": unread}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    return {"menu": _menu(user), "inbox": _inbox(user)}
