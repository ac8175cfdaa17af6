"""What the audit screen says about the programme's records (registered from plugins.py): the actions' words.

Each area adds its actions here (activities, results, grants, reports)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Any] = {
    "programme.participant.reveal": _("Participant's name revealed"),
    "programme.activity.create": _("Activity recorded"),
    "programme.activity.update": _("Activity changed"),
    "programme.followup.create": _("Follow-up action added"),
    "programme.followup.update": _("Follow-up action changed"),
}


def entries() -> Iterator[tuple[str, Any, str | None]]:
    for code, label in ACTIONS.items():
        yield "audit_actions", label, code
