"""What the audit screen says about the programme's records (registered from plugins.py): the actions' words.

Each area adds its actions here (activities, results, grants, reports)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Any] = {
    "programme.participant.reveal": _("Participant's name revealed"),
    "programme.participant.create": _("Participant registered"),
    "programme.attendance.create": _("Participant added to a roster"),
    "programme.attendance.update": _("Attendance changed (scores, satisfaction, attendance)"),
    "programme.attendance.delete": _("Participant removed from a roster"),
    "programme.roster.import": _("Roster imported from a file"),
    "programme.certificate.issue": _("Certificate of participation issued"),
    "programme.resultnode.create": _("Result of the framework added"),
    "programme.resultnode.update": _("Result of the framework changed"),
    "programme.indicator.create": _("Indicator added"),
    "programme.indicator.update": _("Indicator changed"),
    "programme.baseline.save": _("Indicator baseline set"),
    "programme.period.save": _("Indicator value saved"),
    "programme.period.submit": _("Indicator value submitted"),
    "programme.period.approve": _("Indicator value approved"),
    "programme.period.return": _("Indicator value returned"),
    "programme.period.evidence": _("Indicator value's evidence downloaded"),
    "programme.activity.create": _("Activity recorded"),
    "programme.activity.update": _("Activity changed"),
    "programme.followup.create": _("Follow-up action added"),
    "programme.followup.update": _("Follow-up action changed"),
    "programme.grant.create": _("Grant recorded"),
    "programme.grant.update": _("Grant changed"),
    "programme.tranche.release": _("Grant tranche released"),
    "programme.grantreport.submit": _("Grant report submitted"),
    "programme.grantreport.approve": _("Grant report approved"),
    "programme.grantreport.return": _("Grant report returned"),
    "programme.grantreport.document": _("Grant report's document downloaded"),
    "programme.transaction.create": _("Grant transaction recorded"),
    "programme.report.export": _("Donor report exported"),
    "programme.iati.export": _("IATI activity file exported"),
    "demo.programme": _("Demo programme cases loaded"),
}


def entries() -> Iterator[tuple[str, Any, str | None]]:
    for code, label in ACTIONS.items():
        yield "audit_actions", label, code
