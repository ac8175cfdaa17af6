"""The reports part's home-page widget (registered from plugins.py): the concluded criminal cases ready for an
anonymised brief, for a national rapporteur (the country's) and a prosecutor (their organization's)."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.models import User
from tipsom.core.permissions import user_can
from tipsom.core.registry import Section
from tipsom.justice.models import CaseStage, CriminalCase

BRIEFS_LIMIT = 5


def briefs_widget(user: User) -> dict[str, Any] | None:
    """The latest concluded cases the user may export a brief of: reference, offence type, date concluded and
    whether the summary is written. No title, no identity. One or two indexed queries."""
    if not user_can(user, "export", CriminalCase):
        return None
    concluded = CriminalCase.objects.restrict(user, "export").filter(stage=CaseStage.CONCLUDED)
    cases = list(
        concluded.only("id", "reference", "offence_type", "concluded_on", "brief_summary").order_by("-pk")[
            :BRIEFS_LIMIT
        ]
    )
    total = concluded.count() if len(cases) == BRIEFS_LIMIT else len(cases)
    return {"work": True, "cases": cases, "total": total}


WIDGETS = [Section("justice_briefs", "justice/widgets/briefs.html", briefs_widget, weight=-15)]
