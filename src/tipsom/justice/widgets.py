"""The justice app's home-page widgets (registered from plugins.py): for investigators and prosecutors, the
hearings of their criminal cases in the next 14 days and the cooperation requests past their deadline. Each is
the day's work ("work": True), costs one indexed query and reads no name."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.models import User
from tipsom.core.permissions import user_can
from tipsom.core.registry import Section
from tipsom.justice.models import CriminalCase
from tipsom.justice.selectors.cooperation import cooperation_overdue
from tipsom.justice.selectors.victims import HEARING_DAYS, hearings_coming


def hearings_widget(user: User) -> dict[str, Any] | None:
    if not user_can(user, "change", CriminalCase):
        return None
    return {"work": True, "hearings": hearings_coming(user=user), "days": HEARING_DAYS}


def cooperation_overdue_widget(user: User) -> dict[str, Any] | None:
    if not user_can(user, "change", CriminalCase):
        return None
    return {"work": True, "requests": cooperation_overdue(user=user)}


WIDGETS: list[Any] = [
    Section("justice_hearings", "justice/widgets/hearings.html", hearings_widget, weight=-30),
    Section(
        "justice_cooperation_overdue", "justice/widgets/cooperation_overdue.html", cooperation_overdue_widget, weight=-5
    ),
]
