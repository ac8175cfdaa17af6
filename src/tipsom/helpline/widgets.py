"""The helpline's home-page widget (registered from plugins.py): for an operator, their open contacts (immediate
danger first) and the callbacks due today that are theirs or nobody's. The day's work ("work": True); two indexed
queries, no caller value."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.models import User
from tipsom.core.permissions import user_can
from tipsom.core.registry import Section
from tipsom.helpline.models import Contact
from tipsom.helpline.selectors import my_callbacks_due, my_open_contacts


def helpline_work_widget(user: User) -> dict[str, Any] | None:
    if not user_can(user, "change", Contact):
        return None
    return {"work": True, "contacts": my_open_contacts(user=user), "callbacks": my_callbacks_due(user=user)}


WIDGETS: list[Any] = [Section("helpline_work", "helpline/widgets/work.html", helpline_work_widget, weight=-25)]
