"""The parts of a case: screenings, status decisions, closures, trafficking events, consent, assessments, the
support plan, services delivered, tasks, the append-only journal, attachments, and the child track."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.cases.models.case import CASE_RECORD_SCOPES, Case, CaseRecord
from tipsom.cases.models.choices import (
    ClosureReason,
    case_status_choices,
    deciding_org_choices,
    event_type_choices,
    support_type_choices,
    trafficking_status_choices,
)
from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager, RestrictedQuerySet


class Screening(CaseRecord):
    """An identification interview: indicators of act, means and purpose, and SOM vulnerability."""

    class Recommendation(models.TextChoices):
        LIKELY_VICTIM = "likely_victim", _("Indicators of act, means and purpose: treat as a presumed victim")
        LIKELY_CHILD_VICTIM = "likely_child_victim", _("Child with indicators of act and purpose: presumed victim")
        POSSIBLE_VICTIM = "possible_victim", _("Some indicators: continue the identification")
        VULNERABLE_MIGRANT = "vulnerable_migrant", _("Smuggled migrant with vulnerabilities: offer protection")
        NO_INDICATORS = "no_indicators", _("No indicators recorded")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    screened_on = models.DateField(_("screened on"))
    acts = models.JSONField(_("act: how the person was moved or held"), default=list, blank=True)
    means = models.JSONField(_("means: how the person was controlled"), default=list, blank=True)
    purposes = models.JSONField(_("purpose: forms of exploitation"), default=list, blank=True)
    som_vulnerabilities = models.JSONField(_("vulnerabilities of a smuggled migrant"), default=list, blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=24, choices=Recommendation.choices)
    notes = EncryptedTextField(_("notes"))

    class Meta(CaseRecord.Meta):
        verbose_name = _("screening")


class StatusDecision(CaseRecord):
    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", _("No approval needed")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    status = models.CharField(_("status"), max_length=40, choices=trafficking_status_choices)
    decided_on = models.DateField(_("decided on"))
    deciding_organization_type = models.CharField(
        _("type of deciding organization"), max_length=40, choices=deciding_org_choices
    )
    basis = EncryptedTextField(_("basis"))
    approval = models.CharField(_("approval"), max_length=12, choices=Approval.choices)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_comment = EncryptedTextField(_("approval comment"))

    class Meta(CaseRecord.Meta):
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("status decision")


class ClosureRequest(CaseRecord):
    """A request to close a case, waiting for a supervisor where the country asks for one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    status = models.CharField(_("closing status"), max_length=20, choices=case_status_choices)
    reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices)
    closed_on = models.DateField(_("closed on"))
    approval = models.CharField(_("approval"), max_length=12, choices=StatusDecision.Approval.choices)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_comment = EncryptedTextField(_("approval comment"))

    class Meta(CaseRecord.Meta):
        verbose_name = _("closure request")


class TraffickingEvent(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(_("type"), max_length=20, choices=event_type_choices)
    country = models.CharField(_("country"), max_length=2)
    place = EncryptedTextField(_("place"))
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)

    class Meta(CaseRecord.Meta):
        ordering = ["start_date", "pk"]
        verbose_name = _("trafficking event")


class Consent(CaseRecord):
    """One consent given or withdrawn; the latest row per purpose is in force. Rows are never changed."""

    class Purpose(models.TextChoices):
        DATA_PROCESSING = "data_processing", _("Processing of personal data")
        REFERRAL = "referral", _("Sharing with services for referral")
        STATISTICS = "statistics", _("Use in statistics")
        FOLLOW_UP = "follow_up", _("Contact for follow-up")

    class GivenBy(models.TextChoices):
        PERSON = "person", _("The person")
        GUARDIAN = "guardian", _("Guardian")
        PARENT = "parent", _("Parent")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    # For referral: the HTCDS support types (spl_Type) the person agreed to share with.
    service_types = models.JSONField(_("types of service"), default=list, blank=True)
    given = models.BooleanField(_("given"))
    recorded_on = models.DateField(_("date"))
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices)

    class Meta(CaseRecord.Meta):
        verbose_name = _("consent")
        indexes = [models.Index(fields=["case", "purpose", "-recorded_on", "-id"], name="consent_current")]


class Assessment(CaseRecord):
    class Kind(models.TextChoices):
        NEEDS = "needs", _("Needs")
        INDIVIDUAL_RISK = "individual_risk", _("Individual risk and vulnerability")
        HOUSEHOLD_RISK = "household_risk", _("Household risk and vulnerability")
        COMMUNITY_RISK = "community_risk", _("Community risk and vulnerability")

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    assessed_on = models.DateField(_("assessed on"))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    needs = models.JSONField(_("needs"), default=list, blank=True)  # spl_Type codes
    notes = EncryptedTextField(_("notes"))

    class Meta(CaseRecord.Meta):
        verbose_name = _("assessment")


class SupportPlanItem(CaseRecord):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_items")
    support_type = models.CharField(_("type"), max_length=40, choices=support_type_choices)
    goal = EncryptedTextField(_("goal"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)

    class Meta(CaseRecord.Meta):
        verbose_name = _("support plan item")


class ServiceDelivery(CaseRecord):
    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        ONGOING = "ongoing", _("Ongoing")
        DECLINED = "declined", _("Declined by the person")
        NOT_AVAILABLE = "not_available", _("Not available")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    support_type = models.CharField(_("type"), max_length=40, choices=support_type_choices)
    delivered_on = models.DateField(_("delivered on"))
    provider = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("provider")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    notes = EncryptedTextField(_("notes"))

    class Meta(CaseRecord.Meta):
        ordering = ["-delivered_on", "-pk"]
        verbose_name = _("service delivered")


class Task(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("task"))
    due_on = models.DateField(_("due on"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta(CaseRecord.Meta):
        ordering = ["done_at", "due_on", "pk"]
        verbose_name = _("task")
        # One's own tasks by state and date: the home page's counts and the Tasks page (issue 11).
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_on"], name="task_assignee_due")]


class AppendOnlyError(RuntimeError):
    pass


class JournalEntryQuerySet(RestrictedQuerySet["JournalEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("journal entries are never changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("journal entries are never deleted")


JournalEntryManager = models.Manager.from_queryset(JournalEntryQuerySet)


class JournalEntry(CaseRecord):
    """A case note. Append-only: a correction is a new entry."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="journal")
    text = EncryptedTextField(_("note"))

    objects: ClassVar[JournalEntryManager] = JournalEntryManager()

    class Meta(CaseRecord.Meta):
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("journal entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("journal entries are never deleted")


class Attachment(CaseRecord):
    """A file on the case. Name and content are encrypted; type and size are checked on upload."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(_("type"), max_length=80)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64, editable=False)
    # Base64 inside the encrypted text, so key rotation re-encrypts files like every other value.
    content = EncryptedTextField(editable=False)

    class Meta(CaseRecord.Meta):
        verbose_name = _("attachment")


class ChildProtection(models.Model):
    """The child track of a case: notification, guardian, best-interests assessment, family tracing."""

    class Assessment(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    class Tracing(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        FAMILY_FOUND = "family_found", _("Family found")
        NOT_FOUND = "not_found", _("Family not found")
        NOT_IN_BEST_INTERESTS = "not_in_best_interests", _("Not in the child's best interests")

    class AgeAssessment(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed: the age is known")
        PENDING = "pending", _("Pending: presumed a minor")
        MINOR = "minor", _("Assessed as a minor")
        ADULT = "adult", _("Assessed as an adult")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="child_protection")
    notified_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("child protection agency notified"),
    )
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    guardian_name = EncryptedTextField(_("guardian"))
    guardian_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guardian's organization"),
    )
    guardian_appointed_on = models.DateField(_("guardian appointed on"), null=True, blank=True)
    best_interests = models.CharField(
        _("best-interests assessment"), max_length=12, choices=Assessment.choices, default=Assessment.NOT_STARTED
    )
    best_interests_completed_on = models.DateField(_("best-interests assessment completed on"), null=True, blank=True)
    family_tracing = models.CharField(
        _("family tracing"), max_length=24, choices=Tracing.choices, default=Tracing.NOT_STARTED
    )
    age_assessment = models.CharField(
        _("age assessment"), max_length=12, choices=AgeAssessment.choices, default=AgeAssessment.NOT_NEEDED
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    permission_scopes = CASE_RECORD_SCOPES

    class Meta:
        verbose_name = _("child protection")

    def __str__(self) -> str:
        return f"child protection {self.case_id}"

    @property
    def has_guardian(self) -> bool:
        return bool(self.guardian_appointed_on and (self.guardian_name or self.guardian_organization_id))

    @property
    def tracing_concluded(self) -> bool:
        return self.family_tracing not in (self.Tracing.NOT_STARTED, self.Tracing.IN_PROGRESS)
