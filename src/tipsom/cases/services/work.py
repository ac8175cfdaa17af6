"""Case work: consent, assessments, support plan, services delivered, tasks, journal and attachments."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.cases.models import (
    Assessment,
    Attachment,
    Case,
    Consent,
    JournalEntry,
    ServiceDelivery,
    SupportPlanItem,
    Task,
    TraffickingEvent,
)
from tipsom.cases.services.case import STALE, access_case, case_touch, earliest_birth, require_open
from tipsom.cases.services.parts import (
    RETURN_SERVICE,
    assessment_row,
    consent_row,
    event_row,
    plan_item_row,
    service_row,
    task_row,
)
from tipsom.cases.services.status import child_steps_error
from tipsom.core import validation as check
from tipsom.core.date_formats import format_date
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import access_by_id
from tipsom.organizations.models import Organization


def _open_case(actor: User, case_id: Any, version: int | None) -> Case:
    case = access_case(actor, case_id)
    check.check_version(case, version, _(STALE))
    require_open(case)
    return case


def _audit(actor: User, action: str, case: Case, changes: dict[str, Any]) -> None:
    audit_record(actor=actor, action=action, target=case, organization=case.owner_organization_id, changes=changes)


# Consent ------------------------------------------------------------------------------------------------------


def consent_current(case: Case) -> dict[str, Consent | None]:
    """The consent in force per purpose: the latest given or withdrawn, or None if never asked."""
    current: dict[str, Consent | None] = dict.fromkeys(Consent.Purpose.values)
    for consent in Consent.objects.filter(case=case).order_by("-recorded_on", "-pk"):
        if current.get(consent.purpose) is None:
            current[consent.purpose] = consent
    return current


def consent_allows(case: Case, purpose: str, service_type: str = "") -> bool:
    consent = consent_current(case).get(purpose)
    if consent is None or not consent.given:
        return False
    return not service_type or service_type in consent.service_types


def consent_require(case: Case, purpose: str, service_type: str = "") -> None:
    """For every act that needs consent (a referral, a follow-up call): refuse clearly when it is missing."""
    if consent_allows(case, purpose, service_type):
        return
    consent = consent_current(case).get(purpose)
    if consent is not None and not consent.given:
        raise ApplicationError(
            "consent_withdrawn",
            _("Consent for this was withdrawn on %(date)s; nothing was sent or saved.")
            % {"date": format_date(consent.recorded_on)},
            status=409,
        )
    if consent is not None and service_type:
        raise ApplicationError(
            "consent_missing",
            _("The person has not agreed to sharing with this type of service."),
            {"service_type": service_type},
            status=409,
        )
    raise ApplicationError("consent_missing", _("No consent has been recorded for this."), status=409)


@transaction.atomic
def consent_record(
    *,
    actor: User,
    case_id: Any,
    version: int | None = None,
    purpose: str,
    given: bool,
    recorded_on: Any,
    given_by: str,
    service_types: list[str] | None = None,
) -> Consent:
    """Record consent given or withdrawn for one purpose. It takes effect at once; rows are never changed.
    A child's consent is given or withdrawn by a guardian or parent."""
    case = access_case(actor, case_id)
    check.check_version(case, version, _(STALE))
    errors = check.Errors()
    # The latest date of each purpose is in force: an earlier one would be overruled at once (a withdrawal ignored).
    consents = Consent.objects.filter(case=case).order_by("recorded_on", "pk")
    in_force = dict(consents.values_list("purpose", "recorded_on"))
    data = {"purpose": purpose, "given": given, "recorded_on": recorded_on, "given_by": given_by}
    consent = consent_row(errors, {**data, "service_types": service_types}, case, actor, in_force)
    errors.raise_if_any()
    if given:
        require_open(case)  # a withdrawal is always recorded, even on a closed case
    consent.save()
    case_touch(case)
    _audit(
        actor,
        "case.consent",
        case,
        {
            "purpose": consent.purpose,
            "given": consent.given,
            "given_by": consent.given_by,
            "service_types": consent.service_types,
        },
    )
    return consent


# Trafficking events -------------------------------------------------------------------------------------------


@transaction.atomic
def event_add(
    *,
    actor: User,
    case_id: Any,
    version: int | None = None,
    event_type: str,
    country: str,
    place: str = "",
    start_date: Any = None,
    end_date: Any = None,
) -> TraffickingEvent:
    """A recruitment, transit or exploitation event with its country, place and dates."""
    case = _open_case(actor, case_id, version)
    errors = check.Errors()
    data = {"event_type": event_type, "country": country, "place": place, "start_date": start_date}
    event = event_row(errors, {**data, "end_date": end_date}, case, earliest_birth(case.person), actor)
    errors.raise_if_any()
    event.save()
    case_touch(case)
    _audit(actor, "case.event_add", case, {"event": event.pk, "event_type": event.event_type, "country": event.country})
    return event


# Assessments, plan, services ----------------------------------------------------------------------------------


@transaction.atomic
def assessment_add(
    *,
    actor: User,
    case_id: Any,
    version: int | None = None,
    kind: str,
    assessed_on: Any,
    level: str,
    needs: list[str] | None = None,
    notes: str = "",
) -> Assessment:
    case = _open_case(actor, case_id, version)
    errors = check.Errors()
    data = {"kind": kind, "assessed_on": assessed_on, "level": level, "needs": needs, "notes": notes}
    assessment = assessment_row(errors, data, case, actor)
    errors.raise_if_any()
    assessment.save()
    case_touch(case)
    changes = {"assessment": assessment.pk, "kind": assessment.kind, "level": assessment.level}
    _audit(actor, "case.assessment_add", case, changes)
    return assessment


@transaction.atomic
def plan_item_add(
    *,
    actor: User,
    case_id: Any,
    version: int | None = None,
    support_type: str,
    goal: str = "",
    target_date: Any = None,
) -> SupportPlanItem:
    case = _open_case(actor, case_id, version)
    errors = check.Errors()
    item = plan_item_row(errors, {"support_type": support_type, "goal": goal, "target_date": target_date}, case, actor)
    errors.raise_if_any()
    item.save()
    case_touch(case)
    _audit(actor, "case.plan_add", case, {"item": item.pk, "support_type": item.support_type})
    return item


@transaction.atomic
def plan_item_set_status(*, actor: User, item_id: Any, version: int | None = None, status: str) -> SupportPlanItem:
    case_id = SupportPlanItem.objects.filter(pk=check.pk_of(item_id)).values_list("case_id", flat=True).first()
    if case_id is None:
        raise NotFound()
    case = _open_case(actor, case_id, version)
    item = SupportPlanItem.objects.get(pk=check.pk_of(item_id))
    errors = check.Errors()
    status = check.choice(errors, "status", SupportPlanItem.Status, status)
    errors.raise_if_any()
    before = item.status
    item.status = status
    item.save(update_fields=["status"])
    case_touch(case)
    _audit(actor, "case.plan_status", case, {"item": item.pk, "status": [before, status]})
    return item


@transaction.atomic
def service_add(
    *,
    actor: User,
    case_id: Any,
    version: int | None = None,
    support_type: str,
    delivered_on: Any,
    provider_id: Any,
    outcome: str,
    notes: str = "",
) -> ServiceDelivery:
    """A service delivered. A child's return needs the child track complete and the family found."""
    case = _open_case(actor, case_id, version)
    errors = check.Errors()
    provider = Organization.objects.filter(pk=check.pk_of(provider_id), country=case.country, is_active=True).first()
    data = {"support_type": support_type, "delivered_on": delivered_on, "provider": provider, "outcome": outcome}
    service = service_row(errors, {**data, "notes": notes}, case, actor)
    errors.raise_if_any()
    if service.support_type == RETURN_SERVICE:
        error = child_steps_error(case, _("A child cannot be returned yet: %(problems)s"), for_return=True)
        if error is not None:
            raise error
    service.save()
    case_touch(case)
    changes = {"service": service.pk, "support_type": service.support_type, "provider": service.provider_id}
    _audit(actor, "case.service_add", case, {**changes, "outcome": service.outcome})
    return service


# Tasks and journal ----------------------------------------------------------------------------------------------


@transaction.atomic
def task_add(
    *, actor: User, case_id: Any, version: int | None = None, title: str, due_on: Any, assigned_to_id: Any = None
) -> Task:
    case = _open_case(actor, case_id, version)
    errors = check.Errors()
    allowed = {case.owner_organization_id, *case.organizations.values_list("organization_id", flat=True)}
    assignee = None
    if assigned_to_id not in (None, ""):
        assignee = User.objects.filter(pk=check.pk_of(assigned_to_id)).first()
        if assignee is None:
            errors["assigned_to"] = _("Assign the task to an active user of an organization on the case.")
    task = task_row(errors, {"title": title, "due_on": due_on, "assigned_to": assignee}, case, actor, allowed)
    errors.raise_if_any()
    task.save()
    case_touch(case)
    _audit(actor, "case.task_add", case, {"task": task.pk, "due_on": task.due_on.isoformat()})
    return task


@transaction.atomic
def task_complete(*, actor: User, task_id: Any, version: int | None = None) -> Task:
    case_id = Task.objects.filter(pk=check.pk_of(task_id)).values_list("case_id", flat=True).first()
    if case_id is None:
        raise NotFound()
    case = _open_case(actor, case_id, version)
    task = Task.objects.get(pk=check.pk_of(task_id))  # read under the case's lock: completed once
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        case_touch(case)
        _audit(actor, "case.task_done", case, {"task": task.pk})
    return task


@transaction.atomic
def journal_add(*, actor: User, case_id: Any, text: str) -> JournalEntry:
    """Append a note. Notes are never edited or deleted; a correction is a new note. Closed cases take notes."""
    case = access_case(actor, case_id)
    errors = check.Errors()
    text = check.text(errors, "text", text, required=True)
    errors.raise_if_any()
    entry = JournalEntry.objects.create(case=case, created_by=actor, text=text)
    _audit(actor, "case.journal_add", case, {"entry": entry.pk, "text": "[identifying]"})
    return entry


# Attachments --------------------------------------------------------------------------------------------------

# The first bytes of each accepted type: the file's own content decides its type, never its name.
_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}


def attachment_type(content: bytes) -> str:
    for content_type, signatures in _SIGNATURES.items():
        if any(content.startswith(signature) for signature in signatures):
            if content_type == "image/webp" and content[8:12] != b"WEBP":
                continue
            return content_type
    return ""


@transaction.atomic
def attachment_add(*, actor: User, case_id: Any, filename: str, content: bytes) -> Attachment:
    """Attach a file. Its type is read from its bytes and must be one the country accepts; its size is capped.
    Name and content are encrypted at rest."""
    case = access_case(actor, case_id)
    require_open(case)
    errors = check.Errors()
    filename = check.line(errors, "filename", filename, required=True, max_length=200)
    if "/" in filename or "\\" in filename:
        errors["filename"] = _("A file name cannot contain a path.")
    limit = settings.TIPSOM_ATTACHMENT_MAX_BYTES
    if isinstance(content, (bytearray, memoryview)):
        content = bytes(content)
    if not isinstance(content, bytes):
        content = b""
    content_type = attachment_type(content)
    if not content:
        errors["file"] = _("The file is empty.")
    elif len(content) > limit:
        errors["file"] = _("The file is too big: %(size)d KB, at most %(limit)d KB.") % {
            "size": len(content) // 1024,
            "limit": limit // 1024,
        }
    elif content_type not in settings.TIPSOM_ATTACHMENT_TYPES:
        errors["file"] = _("This type of file is not accepted. Accepted: %(types)s.") % {
            "types": ", ".join(settings.TIPSOM_ATTACHMENT_TYPES)
        }
    errors.raise_if_any()
    attachment = Attachment.objects.create(
        case=case,
        created_by=actor,
        filename=filename,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=base64.b64encode(content).decode("ascii"),
    )
    _audit(
        actor,
        "case.attachment_add",
        case,
        {"attachment": attachment.pk, "content_type": content_type, "size": len(content), "filename": "[identifying]"},
    )
    return attachment


def attachment_open(*, actor: User, attachment_id: Any) -> tuple[Attachment, bytes]:
    """The decrypted file, for someone who may reveal the case's identifying data. Every download is audited."""
    attachment = Attachment.objects.filter(pk=check.pk_of(attachment_id)).first()
    if attachment is None:
        raise NotFound()
    case = access_by_id(Case, actor, attachment.case_id, "reveal")
    content = base64.b64decode(attachment.content)
    with transaction.atomic():
        _audit(actor, "case.attachment_download", case, {"attachment": attachment.pk})
    return attachment, content
