"""The registration's last step: the case (with its person and screening), the consents asked and, for a child,
the notification of the child protection agency, written together or not at all."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.cases.models import Case
from tipsom.cases.services.case import case_register
from tipsom.cases.services.child import child_notify
from tipsom.cases.services.work import consent_record
from tipsom.core.errors import ApplicationError


def _prefixed(error: ApplicationError, prefix: str) -> ApplicationError:
    fields = error.extra.get("fields")
    if not isinstance(fields, dict):
        return error
    renamed = {f"{prefix}{name}": message for name, message in fields.items()}
    return ApplicationError(error.code, error.message, {**error.extra, "fields": renamed}, status=error.status_code)


@transaction.atomic
def case_register_complete(
    *,
    actor: User,
    organization: Any,
    case: dict[str, Any],
    person: dict[str, Any] | None = None,
    person_id: int | None = None,
    screening: dict[str, Any] | None = None,
    consents: list[dict[str, Any]] | None = None,
    notify_organization_id: int | None = None,
) -> Case:
    """case_register, then each consent (recorded today) and the child agency's notification: one transaction, so
    a refusal of any part leaves nothing written."""
    registered = case_register(
        actor=actor, organization=organization, person=person, person_id=person_id, screening=screening, **case
    )
    for consent in consents or []:
        try:
            consent_record(actor=actor, case_id=registered.pk, recorded_on=timezone.localdate(), **consent)
        except ApplicationError as error:
            raise _prefixed(error, "consent.") from error
    if notify_organization_id is not None:
        child_notify(actor=actor, case_id=registered.pk, organization_id=notify_organization_id)
    registered.refresh_from_db()
    return registered
