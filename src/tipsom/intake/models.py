"""Intake: files brought into the registry from outside (registers of past cases kept in spreadsheets, exports of
field submissions from ODK Central and KoboToolbox) and the field submissions waiting for an identifier's review.

An import is a job: its file is kept encrypted in chunks (nothing of it is plaintext in the database), a background
task reads it row by row, and each row's outcome is written in the same transaction as what the row created, so an
import killed half-way resumes where it stopped without importing a row twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager

_SCOPES = {"own": "created_by", "organization": "owner_organization", "national": "country"}


class RegisterSource(models.Model):
    """A register an organization imports from (a spreadsheet kept by a shelter, a police unit's log): the mapping
    of its columns to tipsom's fields, saved so that the next file of the same source imports without asking."""

    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    country = models.CharField(_("country"), max_length=2, editable=False)
    name = models.CharField(_("name"), max_length=120)
    # {tipsom field: column heading of the file}; value_mappings: {tipsom field: {value in the file: code}}
    column_mapping = models.JSONField(_("columns"), default=dict, blank=True)
    value_mappings = models.JSONField(_("values"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    permission_scopes = _SCOPES

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("register source")
        verbose_name_plural = _("register sources")
        constraints = [models.UniqueConstraint(fields=["owner_organization", "name"], name="intake_source_name")]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """One file imported, from upload (or the command line) to its last row."""

    class Kind(models.TextChoices):
        REGISTER = "register", _("Register of past cases")
        SUBMISSIONS = "submissions", _("Field submissions")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("All rows or none")
        VALID_ONLY = "valid", _("Valid rows only")

    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    country = models.CharField(_("country"), max_length=2, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    source = models.ForeignKey(
        RegisterSource, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs", verbose_name=_("source")
    )
    file_name = EncryptedTextField(_("file name"))
    file_format = models.CharField(_("format"), max_length=8)  # csv, xlsx, json
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    file_size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    file_sha256 = models.CharField(max_length=64, editable=False, blank=True)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.VALID_ONLY)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("step"), max_length=40, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # {"imported": n, "failed": n, "skipped": n, ...}
    error = models.TextField(blank=True)  # why the whole job stopped (never a value of the file)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()
    permission_scopes = _SCOPES

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["owner_organization", "-created_at"], name="intake_job_org")]

    def __str__(self) -> str:
        return str(_("Import %(id)s") % {"id": self.pk})


class ImportFileChunk(models.Model):
    """A part of an imported file, encrypted (base64 inside the encrypted text, so key rotation re-encrypts it):
    the file is read back chunk by chunk, never whole in memory."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    content = EncryptedTextField(editable=False)

    class Meta:
        ordering = ["job", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="intake_chunk_index")]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.index}"


class ImportRow(models.Model):
    """What became of one row of a file. Written in the transaction that imported the row, so its presence means
    the row is done; `fingerprint` (a keyed hash of the row's values, per source) finds a row imported before."""

    class Status(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Already imported")
        VALID = "valid", _("Valid (dry run)")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices)
    fingerprint = models.CharField(max_length=64, blank=True)
    # [{"column": heading, "code": ..., "message": ...}]: names the column and the reason, never an identifying value
    errors = models.JSONField(default=list, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submission = models.ForeignKey(
        "intake.Submission", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [models.UniqueConstraint(fields=["job", "row_number"], name="intake_row_number")]
        indexes = [models.Index(fields=["fingerprint"], name="intake_row_fingerprint")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row_number}"


class Submission(models.Model):
    """A field submission (ODK Collect, KoboToolbox) of tipsom's identification form, waiting for an identifier to
    accept it (the ordinary registration), merge it into a person already registered, or reject it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        MERGED = "merged", _("Merged into an existing person")
        REJECTED = "rejected", _("Rejected")

    class Origin(models.TextChoices):
        FILE = "file", _("Imported file")
        ODK = "odk", _("ODK Central")
        KOBO = "kobo", _("KoboToolbox")

    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    country = models.CharField(_("country"), max_length=2, editable=False)
    instance_id = models.CharField(_("instance id"), max_length=100, unique=True)
    form_id = models.CharField(_("form id"), max_length=100)
    form_version = models.CharField(_("form version"), max_length=40)
    origin = models.CharField(_("from"), max_length=6, choices=Origin.choices, default=Origin.FILE)
    job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitter = models.CharField(_("submitted by"), max_length=120, blank=True)  # the enumerator's account
    # The answers as received, and the registration they map to ({"person": ..., "case": ..., "screening": ...}).
    answers = EncryptedTextField(_("answers"))
    registration = EncryptedTextField(_("registration"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reject_reason = EncryptedTextField(_("reason"))  # free text: it may name the person
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    permission_scopes = _SCOPES

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("field submission")
        verbose_name_plural = _("field submissions")
        indexes = [models.Index(fields=["owner_organization", "status", "-created_at"], name="intake_sub_queue")]

    def __str__(self) -> str:
        return str(_("Submission %(id)s") % {"id": self.pk})


class FieldForm(models.Model):
    """A version of tipsom's identification form for ODK Collect and KoboToolbox (an XLSForm), as published for one
    country by `tipsom intake xlsform`. The same content always has the same version (found by its hash); new
    content gets the next version of the day ("2026120401"). Submissions must be of the country's current form:
    the one published last."""

    country = models.CharField(_("country"), max_length=2)
    form_id = models.CharField(_("form id"), max_length=100)
    version = models.CharField(_("form version"), max_length=20)
    content_sha256 = models.CharField(max_length=64, editable=False)
    key_fingerprint = models.CharField(_("public key"), max_length=64)  # SHA-256 of the key the form encrypts to
    xlsx = models.BinaryField(editable=False)  # the XLSForm as published (nothing identifying: questions and codes)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["country", "-published_at", "-pk"]
        verbose_name = _("field form")
        verbose_name_plural = _("field forms")
        constraints = [
            models.UniqueConstraint(fields=["form_id", "version"], name="intake_form_version"),
            models.UniqueConstraint(fields=["country", "content_sha256"], name="intake_form_content"),
        ]
        indexes = [models.Index(fields=["country", "-published_at"], name="intake_form_current")]

    def __str__(self) -> str:
        return f"{self.form_id} {self.version}"
