"""Smuggling of migrants incidents, comparable with IOM's Missing Migrants Project (and counting the injured)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import RestrictedManager
from tipsom.justice.models.choices import AgeGroup, IncidentLocation, MigrantSex, TransportMode


class CauseOfDeath(models.TextChoices):
    """The causes of death of IOM's Missing Migrants Project, so that incidents with deaths compare with its data."""

    DROWNING = "drowning", _("Drowning")
    VEHICLE = "vehicle", _("Vehicle accident or hazardous transport")
    HARSH_CONDITIONS = "harsh_conditions", _("Harsh conditions, lack of shelter, food or water")
    VIOLENCE = "violence", _("Violence")
    SICKNESS = "sickness", _("Sickness or lack of health care")
    ACCIDENT = "accident", _("Accidental death")
    MIXED_UNKNOWN = "mixed_unknown", _("Mixed or unknown")


class SmugglingIncident(models.Model):
    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    country = models.CharField(_("country"), max_length=2, editable=False)
    reference = models.CharField(_("reference"), max_length=24, editable=False)
    occurred_on = models.DateField(_("date"))
    location_type = models.CharField(_("type of place"), max_length=20, choices=IncidentLocation.choices)
    incident_country = models.CharField(_("country of the incident"), max_length=2)
    region = models.CharField(_("region"), max_length=10, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("A town, a crossing, a sea area."))
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    route = models.CharField(_("route"), max_length=100, blank=True, help_text=_("e.g. Agadez–Sebha–Tripoli."))
    origin_countries = models.JSONField(_("countries of origin"), default=list, blank=True)
    transit_countries = models.JSONField(_("transit countries"), default=list, blank=True)
    destination_country = models.CharField(_("country of destination"), max_length=2, blank=True)
    transport_mode = models.CharField(
        _("transport"), max_length=12, choices=TransportMode.choices, default=TransportMode.UNKNOWN
    )
    migrants_total = models.PositiveIntegerField(_("migrants involved"))
    dead = models.PositiveIntegerField(_("dead"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    survivors = models.PositiveIntegerField(_("survivors"), default=0)
    # MMP's "Cause of Death": only for an incident with dead or missing migrants.
    cause_of_death = models.CharField(_("cause of death"), max_length=20, choices=CauseOfDeath.choices, blank=True)
    aggravating_circumstances = models.JSONField(_("aggravating circumstances"), default=list, blank=True)
    fee_per_migrant = models.DecimalField(
        _("fee paid per migrant"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fee_currency = models.CharField(_("currency of the fee"), max_length=3, blank=True)
    information_source = models.CharField(_("information source"), max_length=200, blank=True)
    criminal_case = models.ForeignKey(
        "justice.CriminalCase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("criminal case"),
    )
    smugglers = models.ManyToManyField(
        "justice.Suspect", blank=True, related_name="incidents", verbose_name=_("smugglers")
    )
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="+", verbose_name=_("cases of migrants assisted")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"own": "created_by", "organization": "owner_organization", "national": "country"}

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("smuggling incident")
        verbose_name_plural = _("smuggling incidents")
        constraints = [models.UniqueConstraint(fields=["country", "reference"], name="incident_reference")]
        indexes = [
            models.Index(fields=["owner_organization", "-id"], name="incident_owner_newest"),
            models.Index(fields=["country", "occurred_on"], name="incident_country_date"),
            models.Index(fields=["owner_organization", "occurred_on"], name="incident_owner_date"),
        ]

    def __str__(self) -> str:
        return self.reference


class IncidentMigrants(models.Model):
    """The migrants of an incident counted by sex, age group and citizenship (one row per combination)."""

    incident = models.ForeignKey(SmugglingIncident, on_delete=models.CASCADE, related_name="migrant_counts")
    sex = models.CharField(_("sex"), max_length=8, choices=MigrantSex.choices)
    age_group = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    count = models.PositiveIntegerField(_("number"))

    objects = RestrictedManager()
    permission_scopes = {
        "own": "incident__created_by",
        "organization": "incident__owner_organization",
        "national": "incident__country",
    }

    class Meta:
        ordering = ["incident", "pk"]
        verbose_name = _("migrants counted")
        verbose_name_plural = _("migrants counted")
        constraints = [
            models.UniqueConstraint(fields=["incident", "sex", "age_group", "citizenship"], name="incident_group")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.count}"
