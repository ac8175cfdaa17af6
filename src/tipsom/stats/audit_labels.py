"""What the audit screen says about statistics releases and imports (registered from plugins.py): the actions'
words. A release's object is the kind of release (no record of anyone)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "stats.export.ctdc": _("CTDC dataset exported"),
    "stats.export.synthetic": _("Synthetic dataset exported"),
    "stats.export.glotip": _("GLOTIP tables exported"),
    "stats.export.htcds": _("HTCDS cases exported"),
    "stats.export.panel": _("Statistics panel exported"),
    "stats.import.ctdc": _("CTDC dataset imported"),
}


def entries() -> Iterator[tuple[str, Any, str | None]]:
    for code, label in ACTIONS.items():
        yield "audit_actions", label, code
