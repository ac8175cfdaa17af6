"""The tabs of the criminal case page: one list, in order, with the URL name each tab opens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tipsom.accounts.models import User
from tipsom.justice.models import CaseStage, CriminalCase


def _may_export(user: User, criminal_case: CriminalCase) -> bool:
    """The brief: a concluded case, to users who may export it (a prosecutor, the national rapporteur)."""
    if criminal_case.stage != CaseStage.CONCLUDED:
        return False
    return CriminalCase.objects.restrict(user, "export").filter(pk=criminal_case.pk).exists()


@dataclass(frozen=True)
class Tab:
    name: str
    url_name: str
    label: Any
    # Whether the user sees the tab on this case; None: everyone who sees the case.
    allowed: Callable[[User, CriminalCase], bool] | None = None


TABS: tuple[Tab, ...] = (
    Tab("overview", "justice:detail", _("Overview")),
    Tab("offences", "justice:offences", _("Offences")),
    Tab("defendants", "justice:defendants", _("Defendants")),
    Tab("process", "justice:process", _("Process")),
    Tab("victims", "justice:victims", _("Victims")),
    Tab("cooperation", "justice:cooperation", _("Cooperation")),
    Tab("brief", "justice:brief", _("Case brief"), allowed=_may_export),
)
TAB_NAMES = frozenset(tab.name for tab in TABS)


def case_tabs(user: User, criminal_case: CriminalCase) -> list[dict[str, Any]]:
    """[{name, label, url}] of the tabs the user sees on the case, in order."""
    tabs = []
    for tab in TABS:
        if tab.allowed is not None and not tab.allowed(user, criminal_case):
            continue
        url = reverse(tab.url_name, kwargs={"pk": criminal_case.pk})
        tabs.append({"name": tab.name, "label": tab.label, "url": url})
    return tabs
