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

    entries = [
        (_("Cases"), "cases:list", user_can(user, "view", Case)),
        (_("Approvals"), "cases:approvals", user_can(user, "approve", Case)),
        (_("Persons"), "people:list", user_can(user, "view", Person)),
        (_("Organizations"), "organizations:list", user_can(user, "view", Organization)),
        (_("Users"), "accounts:user_list", user_can(user, "change", User)),
        (_("Audit log"), "audit:event_list", user_can(user, "view", AuditEvent)),
    ]
    return [{"label": label, "url": reverse(name)} for label, name, allowed in entries if allowed]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    return {"menu": _menu(user)}
