"""Activities (trainings, workshops, campaigns, cooperation meetings...), their participants and follow-up actions.

A participant is one person across the activities of a country: found again by the registry's name keys (blind
indexes of the name in its own script and in Latin letters) or by the tipsom user account. The name is encrypted
like every identity and masked in lists."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager, every_record
from tipsom.programme.models.choices import ActionStatus, ActivityType, ParticipantSex, Pillar, Sector


class Activity(models.Model):
    owner_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reporting organization"),
        help_text=_("The organization that reports the activity (an implementing partner sees only its own)."),
    )
    country = models.CharField(_("country"), max_length=2)
    reference = models.CharField(_("reference"), max_length=24, editable=False)
    kind = models.CharField(_("type"), max_length=24, choices=ActivityType.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    pillar = models.PositiveSmallIntegerField(_("pillar"), choices=Pillar.choices)
    four_ps = models.JSONField(_("4Ps"), default=list, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    regions = models.JSONField(_("regions"), default=list, blank=True, help_text=_("ISO 3166-2 codes."))
    places = models.CharField(_("places"), max_length=500, blank=True)
    implementing_organizations = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="+", verbose_name=_("implementing organizations")
    )
    partners = models.CharField(
        _("partners"), max_length=500, blank=True, help_text=_("Partners outside tipsom, e.g. UNODC, IOM, UNICEF.")
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    # Aggregate counts, for an activity without a roster ("125 participants: 102 women, 23 men"). With a roster,
    # the roster is counted instead.
    participants_total = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    participants_women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    participants_men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    participants_by_sector = models.JSONField(_("participants by sector"), default=dict, blank=True)
    # An awareness campaign.
    channels = models.JSONField(_("channels and media"), default=list, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    materials = models.TextField(_("materials"), blank=True, help_text=_("Leaflets, posters, spots..."))
    materials_count = models.PositiveIntegerField(_("materials distributed"), null=True, blank=True)
    # Regional cooperation: the countries that took part and what they agreed.
    countries = models.JSONField(_("participating countries"), default=list, blank=True)
    agreements = models.TextField(_("agreements"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {
        "own": "created_by",
        "organization": "owner_organization",
        "national": "country",
        "global": every_record,
    }

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(fields=["country", "reference"], name="activity_reference"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="activity_dates"),
        ]
        indexes = [
            models.Index(fields=["country", "start_date"], name="activity_country_start"),
            models.Index(fields=["owner_organization", "-start_date"], name="activity_owner_start"),
            models.Index(fields=["country", "kind", "start_date"], name="activity_country_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


def _participant_of_organization(organization_id: Any) -> Q:
    # A partner sees the people on the rosters of the activities it reports.
    return Q(pk__in=Attendance.objects.filter(activity__owner_organization_id=organization_id).values("participant_id"))


class Participant(models.Model):
    country = models.CharField(_("country"), max_length=2)
    name = EncryptedTextField(_("name"))
    name_latin = EncryptedTextField(_("name in Latin letters"), blank=True)
    key_exact = models.CharField(max_length=64, blank=True, editable=False)
    key_latin = models.CharField(max_length=64, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=8, choices=ParticipantSex.choices, default=ParticipantSex.UNKNOWN)
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    organization_name = models.CharField(
        _("organization (outside tipsom)"), max_length=200, blank=True, help_text=_("Where it is not in tipsom.")
    )
    region = models.CharField(_("region"), max_length=10, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_participant",
        verbose_name=_("tipsom user"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {
        "own": "created_by",
        "organization": _participant_of_organization,
        "national": "country",
        "global": every_record,
    }

    class Meta:
        ordering = ["pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["country", "key_exact"], name="participant_key_exact"),
            models.Index(fields=["country", "key_latin"], name="participant_key_latin"),
            models.Index(fields=["country", "sector"], name="participant_sector"),
        ]

    def __str__(self) -> str:
        return f"P-{self.pk}"


class Attendance(models.Model):
    """A participant on an activity's roster, with the tests, satisfaction, attendance and certificate."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="attendances")
    pre_score = models.DecimalField(_("pre-test score"), max_digits=5, decimal_places=2, null=True, blank=True)
    post_score = models.DecimalField(_("post-test score"), max_digits=5, decimal_places=2, null=True, blank=True)
    post_test_on = models.DateField(_("post-test date"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1 to 5)"), null=True, blank=True)
    attendance_percent = models.PositiveSmallIntegerField(_("attendance (%)"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate"), max_length=40, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    permission_scopes = {
        "own": "activity__created_by",
        "organization": "activity__owner_organization",
        "national": "activity__country",
        "global": every_record,
    }

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["activity", "participant"], name="attendance_once")]
        indexes = [models.Index(fields=["participant", "activity"], name="attendance_participant")]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.participant_id}"


class FollowUpAction(models.Model):
    """What a cooperation meeting agreed someone would do, by when."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="follow_ups")
    description = models.TextField(_("action"))
    owner_name = models.CharField(_("owner"), max_length=200)
    owner_country = models.CharField(_("owner's country"), max_length=2, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    permission_scopes = {
        "own": "activity__created_by",
        "organization": "activity__owner_organization",
        "national": "activity__country",
        "global": every_record,
    }

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        indexes = [models.Index(fields=["status", "due_on"], name="followup_due")]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.due_on}"


__all__ = ["Activity", "Attendance", "FollowUpAction", "Participant"]
