"""Showing a case's identifying free text through the API: permission, reason and audit in one call."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tipsom.audit.services import audit_record
from tipsom.cases.models import Case
from tipsom.core.errors import ApplicationError
from tipsom.core.permissions import access_by_id

REVEAL_HEADER = "X-Reveal-Reason"
MIN_REASON = 5


@transaction.atomic
def case_text_reveal(*, actor: Any, case_id: Any, part: str, reason: str) -> Case:
    """Allow the identifying text of one part of a case (journal, screenings, ...) to be shown: the user must
    be allowed to reveal the case (else 404, as for any record out of scope) and give a reason, which the audit
    log keeps with the part's name (never the text). The same rule as core.services.identifying_reveal, for text
    that lives in a case's many parts rather than in one record's fields."""
    case = access_by_id(Case, actor, case_id, "reveal")
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise ApplicationError(
            "reason_required",
            _("Say why you need to see this (at least 5 characters)."),
            {"field": REVEAL_HEADER},
        )
    audit_record(
        actor=actor,
        action="reveal",
        target=case,
        organization=case.owner_organization_id,
        changes={"fields": [part]},
        reason=reason,
    )
    return case
