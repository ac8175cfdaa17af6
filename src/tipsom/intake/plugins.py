"""What the intake app brings to the lower layers through the registry (read by IntakeConfig.ready()): the
Imports menu entry, the audit words of imports, the import page's larger request size limit and the demo seeder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from tipsom.core.registry import DemoSeeder, MenuItem

AUDIT_ACTIONS = {
    "intake.import_create": _("Import file received"),
    "intake.import_start": _("Import started"),
    "intake.import_resume": _("Import resumed"),
    "intake.import_done": _("Import finished"),
    "intake.import_refused": _("Import refused (rows in error)"),
    "intake.import_fail": _("Import stopped on an error"),
    "intake.failed_rows_export": _("Failed rows of an import downloaded"),
    "intake.source_create": _("Register source created"),
    "intake.source_update": _("Register source's column mapping changed"),
    "demo.intake": _("Demo field submissions and register source loaded"),
}


def _may_import(user: Any) -> bool:
    from tipsom.core.permissions import user_can
    from tipsom.intake.models import ImportJob

    return user_can(user, "view", ImportJob)


# The upload page of imports (intake.urls "imports/upload/" under /intake/) takes files up to TIPSOM_IMPORT_MAX_BYTES.
UPLOAD_PATH = "/intake/imports/upload/"


def _upload_limit() -> int:
    from tipsom.intake.views import upload_size_limit

    return upload_size_limit()


def entries() -> Iterator[tuple[str, Any, str | None]]:
    from tipsom.intake import audit_labels, demo

    yield "menu_items", MenuItem(_("Imports"), "intake:imports", _may_import, 48), None
    yield "request_size_limits", _upload_limit, UPLOAD_PATH
    for code, label in AUDIT_ACTIONS.items():
        yield "audit_actions", label, code
    yield from audit_labels.entries()
    # `tipsom demo`: field submissions and a register source, after the cases, matching and the helplines.
    yield "demo_seeders", DemoSeeder("intake", demo.seed, weight=40), None
