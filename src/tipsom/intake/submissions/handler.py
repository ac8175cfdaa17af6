"""The import engine's row handler for field submissions (ImportJob.Kind.SUBMISSIONS): an export of tipsom's
identification form from ODK Central, ODK Briefcase or KoboToolbox (CSV, XLSX, JSON), or the records
`tipsom intake pull` fetched, each row becoming one PENDING submission with its draft registration.

- The file must be an export of tipsom's form (its columns tipsom_FormId and tipsom_FormVersion, calculated on the
  phone, and an instance id), and the country must have a published form (`tipsom intake xlsform`).
- A row of another form, or of another version than the country's current one, is refused naming both.
- A submission is never imported twice: its fingerprint is a blind index of its instance id, and a submission
  already in tipsom (Submission.instance_id is unique) is SKIPPED; the engine skips a second row of the same
  instance in one file too.
- A submission reviewed as rejected on the server (ODK Central's review state, Kobo's validation status) is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.core import validation as check
from tipsom.core.crypto import blind_index
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import scope_allows_organization
from tipsom.intake.handlers import RowError, RowHandlerBase, register_handler
from tipsom.intake.models import FieldForm, ImportJob, Submission
from tipsom.intake.submissions.answers import (
    INSTANCE_ID,
    REJECTED_STATES,
    REVIEW_STATE,
    SUBMITTED_AT,
    SUBMITTER,
    Columns,
    instance_id_of,
    submitted_at_of,
)
from tipsom.intake.submissions.draft import DraftBuilder
from tipsom.intake.submissions.selectors import field_form_current
from tipsom.intake.submissions.services import SubmissionDraft, submissions_import

FINGERPRINT_PURPOSE = "intake.submission.instance"
INSTANCE_ID_MAX = 100  # Submission.instance_id
# The heading a pull adds to each record it fetched: which server it came from (Submission.Origin).
ORIGIN_HEADING = "tipsom_origin"
ORIGINS = frozenset(Submission.Origin.values)


def export_check(headers: list[str], country: str) -> tuple[Columns, FieldForm]:
    """The columns of an export of tipsom's form and the country's current form; ApplicationError when the file is
    not such an export or the country has no form yet (nothing of the file is kept then)."""
    columns = Columns.of(headers)
    missing = [name for name in ("tipsom_FormId", "tipsom_FormVersion") if name not in columns.by_name]
    if not any(name in columns.by_name for name in INSTANCE_ID):
        missing.append("meta/instanceID")
    if missing:
        raise ApplicationError(
            "not_the_form",
            _(
                "This file is not an export of tipsom's identification form: it has no %(columns)s column. Export "
                "the submissions of the form made by `tipsom intake xlsform` from ODK Central or KoboToolbox."
            )
            % {"columns": ", ".join(missing)},
        )
    form = field_form_current(country)
    if form is None:
        raise ApplicationError(
            "no_field_form",
            _("No field form was published for %(country)s yet: run `tipsom intake xlsform` first.")
            % {"country": country},
        )
    return columns, form


class SubmissionHandler(RowHandlerBase):
    """One run of a submissions import (see tipsom.intake.handlers for the order of the calls)."""

    def __init__(self) -> None:
        self.columns = Columns()
        self.form: FieldForm | None = None
        self.builder: DraftBuilder | None = None
        self.instances: dict[str, str] = {}  # fingerprint -> instance id, for the chunk being checked

    def authorize(self, actor: User, organization: Any) -> None:
        """The user may create submissions for the organization (the engine asks before keeping a file)."""
        if not scope_allows_organization(actor, "add", Submission, organization):
            raise NotFound()

    def prepare(self, job: ImportJob, headers: list[str]) -> None:
        self.columns, self.form = export_check(headers, job.country)
        self.builder = DraftBuilder(job.country)

    def fingerprint(self, job: ImportJob, row: dict[str, str]) -> str:
        instance_id = instance_id_of(self.columns.first(row, INSTANCE_ID))
        if not instance_id:
            return ""
        fingerprint = blind_index(instance_id, purpose=FINGERPRINT_PURPOSE)
        self.instances[fingerprint] = instance_id
        return fingerprint

    def already_imported_many(self, job: ImportJob, fingerprints: Sequence[str]) -> set[str]:
        by_instance = {self.instances[fp]: fp for fp in fingerprints if fp in self.instances}
        self.instances = {}  # one chunk at a time: memory stays flat
        found = Submission.objects.filter(instance_id__in=list(by_instance)).values_list("instance_id", flat=True)
        return {by_instance[instance_id] for instance_id in found}

    def already_imported(self, job: ImportJob, fingerprint: str) -> bool:
        return bool(self.already_imported_many(job, [fingerprint]))

    def validate(self, job: ImportJob, row: dict[str, str]) -> tuple[Any, list[RowError]]:
        if self.form is None or self.builder is None:
            raise RuntimeError("prepare() was not called")
        errors: list[RowError] = []
        heading = self.columns.heading
        problems = check.Errors()
        raw_id = self.columns.first(row, INSTANCE_ID)
        instance_id = check.line(
            problems, "instance", instance_id_of(raw_id), required=True, max_length=INSTANCE_ID_MAX
        )
        if "instance" in problems:
            column = next((heading(name) for name in INSTANCE_ID if name in self.columns.by_name), "instanceID")
            errors.append({"column": column, "code": "invalid", "message": problems["instance"]})
        form_id = row.get(heading("tipsom_FormId"), "").strip()
        version = row.get(heading("tipsom_FormVersion"), "").strip()
        if form_id != self.form.form_id:
            errors.append(
                {
                    "column": heading("tipsom_FormId"),
                    "code": "other_form",
                    "message": _("This submission is of the form %(form)s, not of %(expected)s.")
                    % {"form": form_id[:100] or "—", "expected": self.form.form_id},
                }
            )
        elif version != self.form.version:
            errors.append(
                {
                    "column": heading("tipsom_FormVersion"),
                    "code": "other_version",
                    "message": _(
                        "This submission was made with version %(version)s of the form; the current version is "
                        "%(current)s. Update the form on the phones, or publish the version they use again."
                    )
                    % {"version": version[:40] or "—", "current": self.form.version},
                }
            )
        state = self.columns.first(row, REVIEW_STATE)
        if state in REJECTED_STATES:
            errors.append(
                {
                    "column": next(heading(name) for name in REVIEW_STATE if name in self.columns.by_name),
                    "code": "rejected_on_server",
                    "message": _("This submission was rejected by a reviewer on the server: it is not imported."),
                }
            )
        answers = self.columns.answers(row)
        checked = self.builder.build(answers, self.columns)
        errors.extend(checked.errors)
        origin = row.get(ORIGIN_HEADING, "").strip()
        cleaned = SubmissionDraft(
            instance_id=instance_id,
            form_id=form_id,
            form_version=version,
            origin=origin if origin in ORIGINS else Submission.Origin.FILE,
            submitted_at=submitted_at_of(self.columns.first(row, SUBMITTED_AT)),
            submitter=check.line(check.Errors(), "submitter", self.columns.first(row, SUBMITTER), max_length=120),
            answers=answers,
            registration=checked.registration,
        )
        return cleaned, errors

    def write_many(self, *, actor: User | None, job: ImportJob, cleaned: Sequence[Any]) -> list[dict[str, Any]]:
        created = submissions_import(actor=actor, job=job, drafts=list(cleaned))
        return [{"submission": submission} for submission in created]

    def write(self, *, actor: User | None, job: ImportJob, cleaned: Any) -> dict[str, Any]:
        return self.write_many(actor=actor, job=job, cleaned=[cleaned])[0]


register_handler(ImportJob.Kind.SUBMISSIONS, SubmissionHandler)
