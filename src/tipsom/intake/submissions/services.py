"""Writes of field submissions and of the field form: a published form version, submissions imported (by the import
engine's handler) and an identifier's decision on each: accept (the ordinary registration), merge into a person
already registered (the registration of a case for that person), or reject with a reason. Each checks permission,
refuses a submission already decided, and audits in its transaction; never an identifying value in the audit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.reveal import reveal_record
from tipsom.audit.services import audit_record
from tipsom.cases.models import Case
from tipsom.cases.services.registration import case_register_complete
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.intake.forms_xls.build import form_content, form_id_for
from tipsom.intake.forms_xls.keys import form_key_init
from tipsom.intake.models import FieldForm, ImportJob, Submission

REASON_MAX = 1000
VERSIONS_A_DAY = 99  # the version's last two digits


# --- The field form -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    form: FieldForm
    new_version: bool  # a version made now (else the same content was published before)
    new_key: bool  # the deployment's form key was created now


@transaction.atomic
def field_form_publish(*, actor: User | None, country: str, language: str | None = None) -> Published:
    """Build the country's form with the deployment's public key and make it the current one. The same content
    keeps its version; new content gets today's next one ("2026120401"). `actor=None` is `tipsom intake xlsform`."""
    if actor is not None:
        require_permission(actor, "add", Submission)
    errors = check.Errors()
    from tipsom.organizations.geography import valid_country

    country = valid_country(errors, "country", country, required=True)
    errors.raise_if_any()
    keys, new_key = form_key_init()
    draft = form_content(country=country, public_key=keys.current.public_key_base64, language=language)
    digest = draft.sha256()
    now = timezone.now()
    form = FieldForm.objects.select_for_update().filter(country=country, content_sha256=digest).first()
    if form is not None:
        current = FieldForm.objects.filter(country=country).order_by("-published_at", "-pk").first()
        if current is not None and current.pk != form.pk:
            form.published_at = now  # published again: it is the current form again
            form.save(update_fields=["published_at"])
            audit_record(actor=actor, action="intake.form_publish", target=form, changes=_form_changes(form))
        return Published(form, new_version=False, new_key=new_key)
    day = timezone.localdate().strftime("%Y%m%d")
    taken = FieldForm.objects.filter(country=country, version__startswith=day).count()
    if taken >= VERSIONS_A_DAY:
        raise ApplicationError("too_many_versions", _("Too many versions of the form today: publish it tomorrow."))
    version = f"{day}{taken + 1:02d}"
    form = FieldForm.objects.create(
        country=country,
        form_id=form_id_for(country),
        version=version,
        content_sha256=digest,
        key_fingerprint=keys.current.fingerprint,
        xlsx=draft.with_version(version).xlsx(),
        published_at=now,
        created_by=actor,
    )
    audit_record(actor=actor, action="intake.form_publish", target=form, changes=_form_changes(form))
    return Published(form, new_version=True, new_key=new_key)


def _form_changes(form: FieldForm) -> dict[str, Any]:
    return {"country": form.country, "form_id": form.form_id, "version": form.version, "key": form.key_fingerprint}


# --- Submissions imported -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionDraft:
    """One valid submission as the handler read it, ready to be written."""

    instance_id: str
    form_id: str
    form_version: str
    origin: str
    submitted_at: datetime | None
    submitter: str
    answers: dict[str, str]
    registration: dict[str, Any]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def submissions_import(*, actor: User | None, job: ImportJob, drafts: Sequence[SubmissionDraft]) -> list[Submission]:
    """Write valid submissions of an import job as PENDING, their answers and draft registration encrypted, with
    one audit event naming them all. Runs in the import engine's transaction (it never commits). A submission whose
    instance id is already in tipsom is refused as ApplicationError with its position (`extra["index"]`)."""
    if actor is not None and not scope_allows_organization(actor, "add", Submission, job.owner_organization):
        raise NotFound()
    seen: dict[str, int] = {}
    for index, draft in enumerate(drafts):
        if draft.instance_id in seen:
            raise _duplicate(index)
        seen[draft.instance_id] = index
    existing = Submission.objects.filter(instance_id__in=list(seen)).values_list("instance_id", flat=True)
    for instance_id in existing:
        raise _duplicate(seen[instance_id])
    rows = [
        Submission(
            owner_organization_id=job.owner_organization_id,
            country=job.country,
            instance_id=draft.instance_id,
            form_id=draft.form_id,
            form_version=draft.form_version,
            origin=draft.origin,
            job=job,
            submitted_at=draft.submitted_at,
            submitter=draft.submitter[:120],
            answers=_json(draft.answers),
            registration=_json(draft.registration),
            created_by=actor,
        )
        for draft in drafts
    ]
    created = Submission.objects.bulk_create(rows)
    # One event per batch (as cases' bulk import records one per call), naming the job and every submission it
    # created; each decision on a submission is then audited on its own.
    audit_record(
        actor=actor,
        action="intake.submissions_import",
        target=job,
        organization=job.owner_organization_id,
        changes={
            "count": len(created),
            "submissions": [submission.pk for submission in created],
            "form_versions": sorted({submission.form_version for submission in created}),
            "origins": sorted({submission.origin for submission in created}),
        },
    )
    return created


def _duplicate(index: int) -> ApplicationError:
    return ApplicationError(
        "duplicate",
        _("This submission was imported before (the same instance id)."),
        {"index": index},
    )


# --- An identifier's review -----------------------------------------------------------------------------------


def submission_registration(submission: Submission) -> dict[str, Any]:
    """The draft registration of a submission (decrypted by its field)."""
    value = json.loads(submission.registration or "{}")
    return value if isinstance(value, dict) else {}


def _pending(actor: User, submission_id: Any) -> Submission:
    submission = access_by_id(
        Submission,
        actor,
        submission_id,
        "change",
        queryset=Submission.objects.select_for_update(of=("self",)).select_related("owner_organization"),
    )
    if submission.status != Submission.Status.PENDING:
        raise Conflict(
            _("This submission was already decided (%(status)s).") % {"status": submission.get_status_display()}
        )
    return submission


def _register(actor: User, submission: Submission, registration: dict[str, Any] | None, person_id: int | None) -> Case:
    draft = registration if registration is not None else submission_registration(submission)
    check.reject_unknown(draft, ("person", "case", "screening", "consents"))
    who: dict[str, Any] = {"person_id": person_id} if person_id is not None else {"person": draft.get("person")}
    return case_register_complete(
        actor=actor,
        organization=submission.owner_organization,
        case=dict(draft.get("case") or {}),
        screening=draft.get("screening"),
        consents=list(draft.get("consents") or []),
        **who,
    )


def _decide(actor: User, submission: Submission, status: str, case: Case | None, action: str) -> Submission:
    submission.status = status
    submission.case = case
    submission.person_id = case.person_id if case is not None else None
    submission.reviewed_by = actor
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["status", "case", "person", "reviewed_by", "reviewed_at"])
    changes: dict[str, Any] = {"status": status}
    if case is not None:
        changes.update(case=case.pk, person=case.person_id)
    audit_record(
        actor=actor, action=action, target=submission, organization=submission.owner_organization_id, changes=changes
    )
    return submission


@transaction.atomic
def submission_accept(*, actor: User, submission_id: Any, registration: dict[str, Any] | None = None) -> Submission:
    """Register the submission as a new person's case through cases.services.case_register_complete, with the
    draft as received or as the identifier corrected it (`registration`, the same shape)."""
    submission = _pending(actor, submission_id)
    case = _register(actor, submission, registration, None)
    return _decide(actor, submission, Submission.Status.ACCEPTED, case, "intake.submission_accept")


@transaction.atomic
def submission_merge(
    *, actor: User, submission_id: Any, person_id: Any, registration: dict[str, Any] | None = None
) -> Submission:
    """The submission is of a person already registered (a possible match the identifier recognised): register its
    case for that person (who must be one the identifier may change); the submission's names are not added."""
    submission = _pending(actor, submission_id)
    pk = check.pk_of(person_id)
    if not pk:
        raise NotFound()
    case = _register(actor, submission, registration, pk)
    return _decide(actor, submission, Submission.Status.MERGED, case, "intake.submission_merge")


@transaction.atomic
def submission_reject(*, actor: User, submission_id: Any, reason: str) -> Submission:
    """Reject the submission (not a case for the registry: a test, a duplicate, a person who is not a victim);
    the reason is required and kept encrypted, in the submission and in the audit log."""
    submission = _pending(actor, submission_id)
    errors = check.Errors()
    submission.reject_reason = check.text(errors, "reason", reason, required=True, max_length=REASON_MAX)
    errors.raise_if_any()
    submission.status = Submission.Status.REJECTED
    submission.reviewed_by = actor
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action="intake.submission_reject",
        target=submission,
        organization=submission.owner_organization_id,
        changes={"status": submission.status},
        reason=submission.reject_reason,
    )
    return submission


@transaction.atomic
def submission_reveal(*, actor: User, submission_id: Any, reason: str) -> dict[str, Any]:
    """The draft registration of a submission in full (names, birth date, phone, notes), after an audited reveal
    with the reason (the user must be allowed to reveal submissions)."""
    submission = access_by_id(Submission, actor, submission_id, "reveal")
    reveal_record(actor=actor, target=submission, parts=["registration"], reason=reason)
    return submission_registration(submission)
