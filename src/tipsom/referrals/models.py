"""The National Referral Mechanism: the service directory, referral pathways, referrals with their time-limited
access grant, transfers of case ownership, and the keys for transnational referral bundles.

A referral is a grant: while it is accepted or in progress the receiving organization sees the sections of the
case the sender shared, and nothing else; revocation, completion and expiry end it (ARCHITECTURE.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The types of service and the support type each delivers are one list, kept with the cases (their consent form
# offers it too) and re-exported here, where the directory and referrals use them.
from tipsom.cases.models.choices import SUPPORT_TYPE as SUPPORT_TYPE
from tipsom.cases.models.choices import ServiceType as ServiceType
from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class Service(models.Model):
    """One service an organization offers, with who it serves, where, and how many places are free."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="services", verbose_name=_("organization")
    )
    # The organization's country, kept on the row so directory search walks one index.
    country = models.CharField(_("country"), max_length=2, editable=False)
    service_type = models.CharField(_("type of service"), max_length=24, choices=ServiceType.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    # Eligibility. Empty lists and missing ages mean "everyone".
    sexes = models.JSONField(_("sexes served"), default=list, blank=True)  # prs_Gender codes
    age_min = models.PositiveSmallIntegerField(_("youngest age served"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("oldest age served"), null=True, blank=True)
    serves_tip = models.BooleanField(_("serves victims of trafficking"), default=True)
    serves_som = models.BooleanField(_("serves smuggled migrants"), default=True)
    regions = models.JSONField(_("regions covered"), default=list, blank=True)  # ISO 3166-2; empty: nationwide
    languages = models.JSONField(_("languages"), default=list, blank=True)  # ISO 639-1
    # Places (beds, appointments); null when the service is not counted in places.
    capacity_total = models.PositiveIntegerField(_("places in all"), null=True, blank=True)
    capacity_available = models.PositiveIntegerField(_("places free"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("places updated at"), null=True, blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"own": "organization", "organization": "organization", "national": "country"}

    class Meta:
        ordering = ["country", "service_type", "pk"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [
            # SQLite cannot use a boolean column in an index for Django's bare `AND "is_active"`: the indexes
            # lead with the filters every search has and walk the newest first (bench/README.md, "Referrals").
            models.Index(fields=["country", "service_type", "-id"], name="service_search"),
            models.Index(fields=["country", "-id"], name="service_country"),
            models.Index(fields=["organization", "service_type"], name="service_org"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_full(self) -> bool:
        return self.capacity_available == 0


class Pathway(models.Model):
    """A country's rule for which services to suggest, in order, for a victim's profile."""

    class Applies(models.TextChoices):
        ANY = "any", _("Any")
        YES = "yes", _("Yes")
        NO = "no", _("No")

    country = models.CharField(_("country"), max_length=2)
    name = models.CharField(_("name"), max_length=200)
    child = models.CharField(_("for a child"), max_length=3, choices=Applies.choices, default=Applies.ANY)
    foreign = models.CharField(_("for a foreign national"), max_length=3, choices=Applies.choices, default=Applies.ANY)
    case_types = models.JSONField(_("types of case"), default=list, blank=True)  # empty: every type
    exploitation_types = models.JSONField(_("forms of exploitation"), default=list, blank=True)  # empty: any
    service_types = models.JSONField(_("services, in order"), default=list)
    priority = models.PositiveSmallIntegerField(_("priority"), default=100, help_text=_("Lower comes first."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"national": "country"}

    class Meta:
        ordering = ["country", "priority", "pk"]
        verbose_name = _("referral pathway")
        verbose_name_plural = _("referral pathways")

    def __str__(self) -> str:
        return self.name


class ResponseTime(models.Model):
    """How long a receiver has to answer a referral of one urgency, configured per country (the SLA)."""

    country = models.CharField(_("country"), max_length=2)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    hours = models.PositiveIntegerField(_("hours to answer"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    permission_scopes = {"national": "country"}

    class Meta:
        ordering = ["country", "hours"]
        verbose_name = _("response time")
        constraints = [models.UniqueConstraint(fields=["country", "urgency"], name="response_time_unique")]

    def __str__(self) -> str:
        return f"{self.country} {self.urgency}: {self.hours} h"


class Section(models.TextChoices):
    """The parts of a case a sender may share. The profile (no identity) always goes."""

    PROFILE = "profile", _("Profile: sex, age, citizenship, languages, type of case")
    IDENTITY = "identity", _("Identity: names and date of birth")
    CONTACT = "contact", _("Contact details")
    EXPLOITATION = "exploitation", _("Exploitation and route")
    NEEDS = "needs", _("Needs and risk assessments")
    PLAN = "plan", _("Support plan and services delivered")
    CHILD = "child", _("Child protection: guardian and best-interests assessment")


class State(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


LIVE_STATES = (State.ACCEPTED, State.IN_PROGRESS)  # the receiver sees the shared sections
OPEN_STATES = (State.SENT, State.ACCEPTED, State.IN_PROGRESS)  # the sender may still revoke


class Channel(models.TextChoices):
    SYSTEM = "system", _("On tipsom")
    LETTER = "letter", _("By letter, to an organization not on tipsom")
    ABROAD = "abroad", _("To another country's tipsom")
    FROM_ABROAD = "from_abroad", _("From another country's tipsom")


def _referral_org_scope(organization_id: int) -> Q:
    """Sender, receiver, or an organization that sees the referring case (its owner, or one on its team)."""
    from tipsom.cases.models import Case, case_team_scope

    return (
        Q(from_organization_id=organization_id)
        | Q(to_organization_id=organization_id)
        | Q(case__in=Case.objects.filter(case_team_scope(organization_id)).values("pk"))
    )


class Referral(models.Model):
    # The foreign keys below are indexed by the named indexes that lead with them (Meta.indexes), not twice.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("case"),
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.SYSTEM)
    from_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
        db_index=False,
    )
    to_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to"),
        db_index=False,
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals", verbose_name=_("service")
    )
    service_type = models.CharField(_("type of service"), max_length=24, choices=ServiceType.choices)
    # The country of the case; for a referral from abroad, the receiving country.
    country = models.CharField(_("country"), max_length=2, editable=False)
    # A referral by letter or abroad: who receives it (an organization, possibly a shelter: encrypted).
    recipient = EncryptedTextField(_("recipient"))
    partner_country = models.CharField(_("other country"), max_length=2, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    sections = models.JSONField(_("shared sections"), default=list)
    message = EncryptedTextField(_("message"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SENT)
    # Set when the referral missed its time to answer, or was accepted and not started in time.
    overdue = models.BooleanField(_("overdue"), default=False)
    # Recorded reasons for proceeding against a check: no consent (emergency), no place free, not eligible.
    consent_override = EncryptedTextField(_("emergency override of consent"))
    warning_override = EncryptedTextField(_("reason to refer despite the warning"))
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"))
    revoke_reason = EncryptedTextField(_("reason for revoking"))
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    outcome_notes = EncryptedTextField(_("outcome notes"))
    delivery = models.OneToOneField(
        "cases.ServiceDelivery", on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    due_at = models.DateTimeField(_("answer due by"))
    sent_at = models.DateTimeField(_("sent at"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Transnational: the bundle's id (an import is refused twice) and, for one received, what it carried.
    bundle_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    payload = EncryptedTextField(editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {
        "own": "created_by",
        "organization": _referral_org_scope,
        "national": "country",
    }

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["to_organization", "state", "-id"], name="referral_inbox"),
            models.Index(fields=["to_organization", "-id"], name="referral_inbox_all"),
            models.Index(fields=["from_organization", "-id"], name="referral_outbox"),
            models.Index(fields=["case", "-id"], name="referral_case"),
            models.Index(fields=["state", "due_at"], name="referral_due"),
            models.Index(fields=["country", "-id"], name="referral_country"),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Transfer(models.Model):
    """A request to move a case to another organization; the accepted ones are the history of owners."""

    class Status(models.TextChoices):
        # A transfer's status: in many languages its words agree with "transfer", not with "referral".
        REQUESTED = "requested", pgettext_lazy("case transfer", "Requested")
        ACCEPTED = "accepted", pgettext_lazy("case transfer", "Accepted")
        DECLINED = "declined", pgettext_lazy("case transfer", "Declined")
        CANCELLED = "cancelled", pgettext_lazy("case transfer", "Cancelled")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="transfers")
    from_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    to_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reason = EncryptedTextField(_("reason"))
    response = EncryptedTextField(_("response"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {
        "own": "requested_by",
        "organization": lambda organization_id: (
            Q(from_organization_id=organization_id) | Q(to_organization_id=organization_id)
        ),
        "national": "country",
    }

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        indexes = [
            models.Index(fields=["to_organization", "status"], name="transfer_inbox"),
            models.Index(fields=["case", "-requested_at"], name="transfer_case"),
        ]

    def __str__(self) -> str:
        return f"transfer {self.pk}"


class ExchangeKey(models.Model):
    """This deployment's own keys for one country it serves: Ed25519 to sign bundles, X25519 to receive them.
    The private halves are encrypted under the keyring like every identifying value."""

    country = models.CharField(_("country"), max_length=2, unique=True)
    signing_private = EncryptedTextField(editable=False)
    encryption_private = EncryptedTextField(editable=False)
    signing_public = models.CharField(max_length=64, editable=False)
    encryption_public = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange key")

    def __str__(self) -> str:
        return f"exchange key {self.country}"


class ExchangePeer(models.Model):
    """Another country's tipsom: its public keys, as its administrators shared them."""

    country = models.CharField(_("country"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=200)
    signing_public = models.CharField(_("signing key"), max_length=64)
    encryption_public = models.CharField(_("encryption key"), max_length=64)
    is_active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner country")
        verbose_name_plural = _("partner countries")

    def __str__(self) -> str:
        return self.name
