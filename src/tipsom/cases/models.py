"""Victim cases (HTCDS Victim, Case, Trafficking Event, Support Plan): TIP and SOM, with the child track.

Coded fields hold HTCDS codes (tipsom.core.codes); free text that may name people is encrypted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tipsom.core.codes import code_choices
from tipsom.core.context import request_forget, request_memo
from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager, RestrictedQuerySet


def case_status_choices() -> list[tuple[str, str]]:
    return code_choices("cas_Status")


def trafficking_status_choices() -> list[tuple[str, str]]:
    return code_choices("vic_TraffickingStatus")


def deciding_org_choices() -> list[tuple[str, str]]:
    return code_choices("vic_TraffickingStatusDecisionMakingOrg")


def event_type_choices() -> list[tuple[str, str]]:
    return code_choices("hte_Type")


def support_type_choices() -> list[tuple[str, str]]:
    return code_choices("spl_Type")


STATUS_ACTIVE = "Active"
STATUS_FOLLOW_UP = "FollowUp"
STATUS_CLOSED = "Closed"
STATUS_CLOSED_REFERRED = "ClosedReferred"
CLOSED_STATUSES = (STATUS_CLOSED, STATUS_CLOSED_REFERRED)
POSSIBLE_VICTIM = "PossibleVictimOfTrafficking"
ACTUAL_VICTIM = "ActualVictimOfTrafficking"
NOT_A_VICTIM = "NotAVictimOfTrafficking"


def case_team_scope(organization_id: int) -> Q:
    """The owner organization, or an organization on the case's team (a child protection agency notified).

    Most organizations are on no other organization's case: for them the plain condition lets the database walk
    the (owner organization, id) index; the OR with the sub-query would make it scan (bench/README.md)."""
    own = Q(owner_organization_id=organization_id)
    shared = CaseOrganization.objects.filter(organization_id=organization_id)
    return own | Q(pk__in=shared.values("case_id")) if _on_shared_cases(organization_id) else own


def _on_shared_cases(organization_id: int) -> bool:
    """Whether the organization is on another organization's case: looked up once per request (a case page asks
    for its scope five times), and forgotten as soon as a team changes (CaseOrganizationQuerySet)."""
    memo = request_memo()
    key = (_ON_SHARED_CASES, organization_id)
    if memo is not None and key in memo:
        return bool(memo[key])
    found = CaseOrganization.objects.filter(organization_id=organization_id).exists()
    if memo is not None:
        memo[key] = found
    return found


def _teams_changed() -> None:
    memo = request_memo()
    for key in [key for key in memo or () if isinstance(key, tuple) and key[0] == _ON_SHARED_CASES]:
        request_forget(key)


_ON_SHARED_CASES = "cases.on_shared_cases"


class CaseType(models.TextChoices):
    TIP = "tip", _("Victim of trafficking")
    SOM = "som", _("Vulnerable smuggled migrant")
    BOTH = "both", _("Both")


class TraffickingAct(models.TextChoices):
    """The acts of the Palermo Protocol definition (article 3), asked about in the identification interview."""

    RECRUITMENT = "recruitment", _("Recruited")
    TRANSPORTATION = "transportation", _("Transported")
    TRANSFER = "transfer", _("Transferred")
    HARBOURING = "harbouring", _("Harboured")
    RECEIPT = "receipt", _("Received")


class SomVulnerability(models.TextChoices):
    """Vulnerabilities of a smuggled migrant that call for protection (IOM, UNODC guidance)."""

    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied or separated child")
    INJURED_OR_ILL = "injured_or_ill", _("Injured or ill")
    PREGNANT = "pregnant", _("Pregnant")
    DISABILITY = "disability", _("Disability")
    LIFE_ENDANGERED = "life_endangered", _("Life endangered during the journey")
    ABANDONED = "abandoned", _("Abandoned by the smugglers")
    HELD_FOR_RANSOM = "held_for_ransom", _("Held for ransom or extortion")
    VIOLENCE = "violence", _("Survivor of violence during the journey")
    NO_DOCUMENTS = "no_documents", _("Without identity documents")
    ELDERLY = "elderly", _("Elderly")


class ClosureReason(models.TextChoices):
    SERVICES_COMPLETED = "services_completed", _("Services completed")
    REFERRED = "referred", _("Referred to another organization")
    DECLINED = "declined", _("Declined further assistance")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    RETURNED = "returned", _("Returned and handed over")
    NOT_A_VICTIM = "not_a_victim", _("Found not to be a victim")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class CaseQuerySet(RestrictedQuerySet["Case"]):
    def bulk_create(self, objs: Iterable[Case], *args: Any, **kwargs: Any) -> list[Case]:
        cases = list(objs)
        for case in cases:
            case.citizenships = list(case.person.citizenships)
        return super().bulk_create(cases, *args, **kwargs)


class Case(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="cases", verbose_name=_("organization")
    )
    # The deployment's country of the owner, kept on the row so case numbers are unique per country.
    country = models.CharField(_("country"), max_length=2, editable=False)
    case_number = models.CharField(_("case number"), max_length=24, editable=False)
    case_type = models.CharField(_("type"), max_length=4, choices=CaseType.choices)
    status = models.CharField(_("status"), max_length=20, choices=case_status_choices, default=STATUS_ACTIVE)
    closure_reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The latest approved status decision (vic_TraffickingStatus), kept here for lists and statistics.
    trafficking_status = models.CharField(
        _("trafficking status"), max_length=40, choices=trafficking_status_choices, default=POSSIBLE_VICTIM
    )
    identified_on = models.DateField(_("identified on"))
    region = models.CharField(_("region of identification"), max_length=10, blank=True, help_text=_("ISO 3166-2."))
    origin_country = models.CharField(_("country of origin"), max_length=2, blank=True)
    transit_countries = models.JSONField(_("transit countries"), default=list, blank=True)
    destination_country = models.CharField(_("country of destination"), max_length=2, blank=True)
    exploitation_types = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    sex_exploitation_types = models.JSONField(_("types of sexual exploitation"), default=list, blank=True)
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    recruitment_methods = models.JSONField(_("methods of recruitment"), default=list, blank=True)
    relationship_to_recruiter = models.JSONField(_("relationship to the recruiter"), default=list, blank=True)
    recruitment_websites = models.JSONField(_("websites and apps used in recruitment"), default=list, blank=True)
    exploitation_websites = models.JSONField(_("websites and apps used in exploitation"), default=list, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    # Child track: under 18 at identification, or presumed a minor while the age is unknown.
    is_child = models.BooleanField(_("child"), default=False)
    # The person's citizenships, copied onto the case so that the case list filters on them without joining every
    # person (3.1 s at 1,000,000 cases, issue 10). Kept in step by save() and bulk_create (a new case, or one given
    # another person) and by services.citizenships when the person's citizenships change (person_changed hook).
    citizenships = models.JSONField(_("citizenships"), default=list, blank=True, editable=False)
    case_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name=_("case owner"),
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="case_teams")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = models.Manager.from_queryset(CaseQuerySet)()

    permission_scopes = {
        "own": "case_owner",
        "organization": case_team_scope,
        "national": "country",
    }

    class Meta:
        ordering = ["-pk"]  # newest first; lists page by keyset on the primary key
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["country", "case_number"], name="case_number_unique_per_country")
        ]
        indexes = [
            models.Index(fields=["owner_organization", "-id"], name="case_org_newest"),
            models.Index(fields=["country", "-id"], name="case_country_newest"),
            models.Index(fields=["status", "-id"], name="case_status_newest"),
            models.Index(fields=["is_child", "-id"], name="case_child_newest"),
            models.Index(fields=["identified_on"], name="case_identified"),
            models.Index(fields=["case_number"], name="case_number"),
            models.Index(fields=["person"], name="case_person"),
        ]

    def __str__(self) -> str:
        return self.case_number

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if self.pk is None or update_fields is None or "person" in update_fields:
            self.citizenships = list(self.person.citizenships)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "citizenships"}
        super().save(*args, **kwargs)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class CaseNumberCounter(models.Model):
    """The last case number given per country and year; rows are locked while a number is taken."""

    country = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.country}-{self.year}: {self.last}"


_CASE_SCOPES = {
    "own": "case__case_owner",
    "organization": lambda organization_id: Q(case__in=Case.objects.filter(case_team_scope(organization_id))),
    "national": "case__country",
}


class CaseOrganizationQuerySet(RestrictedQuerySet):
    """Every write of case teams drops what the request remembered of them (_on_shared_cases)."""

    def bulk_create(self, *args: Any, **kwargs: Any) -> Any:
        _teams_changed()
        return super().bulk_create(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        _teams_changed()
        return super().update(**kwargs)

    def delete(self) -> Any:
        _teams_changed()
        return super().delete()


class CaseOrganization(models.Model):
    """An organization other than the owner that works on the case and sees it."""

    class Reason(models.TextChoices):
        CHILD_PROTECTION = "child_protection", _("Child protection agency notified")
        PARTNER = "partner", _("Partner on the case")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="organizations")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = models.Manager.from_queryset(CaseOrganizationQuerySet)()
    permission_scopes = _CASE_SCOPES

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "organization"], name="case_organization_unique")]
        indexes = [models.Index(fields=["organization", "case"], name="case_org_access")]
        verbose_name = _("organization on the case")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.organization_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        _teams_changed()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _teams_changed()
        return super().delete(*args, **kwargs)


class CaseRecord(models.Model):
    """What every part of a case has: the case, who wrote it, when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    permission_scopes = _CASE_SCOPES

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


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
    permission_scopes = _CASE_SCOPES

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
