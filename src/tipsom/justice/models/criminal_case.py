"""The criminal case (one investigation), its offences, suspects and defendants, and organised criminal groups."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager, RestrictedQuerySet
from tipsom.justice.models.choices import CaseStage, ContactType, OffenceType


def criminal_case_scope(organization_id: int) -> Q:
    """The organization that recorded the case, its investigating unit, its prosecution office and its court."""
    return (
        Q(owner_organization_id=organization_id)
        | Q(investigating_unit_id=organization_id)
        | Q(prosecution_office_id=organization_id)
        | Q(court_id=organization_id)
    )


class NumberCounter(models.Model):
    """The last number given per country, year and kind of record ("CC" criminal case, "SI" smuggling incident);
    the row is locked while a number is taken."""

    country = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=2)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "year", "kind"], name="justice_counter_unique")]

    def __str__(self) -> str:
        return f"{self.country}-{self.kind}-{self.year}: {self.last}"


class CriminalCase(models.Model):
    """One investigation and the proceedings that follow it, with every defendant."""

    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    country = models.CharField(_("country"), max_length=2, editable=False)
    reference = models.CharField(_("reference"), max_length=24, editable=False)
    # The unit's or the court's own file number (police inquiry, prosecution file, court docket).
    file_number = models.CharField(_("file number"), max_length=60, blank=True)
    title = models.CharField(
        _("short title"),
        max_length=200,
        help_text=_("A few words that name no one, e.g. “forced labour on a farm in Pará”."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=CaseStage.choices, default=CaseStage.INVESTIGATION)
    investigating_unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("investigating unit"),
    )
    prosecution_office = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prosecution office"),
    )
    court = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("court"),
    )
    investigation_opened_on = models.DateField(_("investigation opened on"))
    investigation_closed_on = models.DateField(_("investigation closed on"), null=True, blank=True)
    is_transnational = models.BooleanField(_("transnational"), default=False)
    countries_involved = models.JSONField(_("countries involved"), default=list, blank=True)
    # SENSITIVE free text that may name people: encrypted, never in a brief or a statistic.
    facts = EncryptedTextField(_("facts"))
    # The anonymised summary of facts a prosecutor writes for the case brief (checked against every linked name).
    brief_summary = models.TextField(_("anonymised summary for the case brief"), blank=True)
    # The main offence type of the case (the first offence's), kept for lists and the statistics of suspects.
    offence_type = models.CharField(_("offence type"), max_length=20, choices=OffenceType.choices, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"own": "created_by", "organization": criminal_case_scope, "national": "country"}

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("criminal case")
        verbose_name_plural = _("criminal cases")
        constraints = [models.UniqueConstraint(fields=["country", "reference"], name="criminal_case_reference")]
        indexes = [
            models.Index(fields=["owner_organization", "-id"], name="crim_owner_newest"),
            models.Index(fields=["investigating_unit", "-id"], name="crim_unit_newest"),
            models.Index(fields=["prosecution_office", "-id"], name="crim_office_newest"),
            models.Index(fields=["court", "-id"], name="crim_court_newest"),
            models.Index(fields=["country", "-id"], name="crim_country_newest"),
            models.Index(fields=["stage", "-id"], name="crim_stage_newest"),
            models.Index(fields=["investigation_opened_on"], name="crim_opened"),
            # The list's filters by offence type (newest first) and by the unit's file number.
            models.Index(fields=["offence_type", "-id"], name="crim_type_newest"),
            models.Index(fields=["file_number"], name="crim_file_number"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.stage in (CaseStage.CONCLUDED, CaseStage.CLOSED)


CRIMINAL_RECORD_SCOPES: dict[str, Any] = {
    "own": "criminal_case__created_by",
    "organization": lambda organization_id: Q(
        criminal_case__in=CriminalCase.objects.filter(criminal_case_scope(organization_id))
    ),
    "national": "criminal_case__country",
}


class Offence(models.Model):
    """An offence recorded in the case: what, when, where, how (modus operandi)."""

    criminal_case = models.ForeignKey(CriminalCase, on_delete=models.CASCADE, related_name="offences")
    offence_type = models.CharField(_("offence type"), max_length=20, choices=OffenceType.choices)
    provision = models.ForeignKey(
        "justice.LegalProvision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal provision"),
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("until"), null=True, blank=True)
    # The day the offence was recorded by the reporting unit: GLOTIP's "offences recorded" in a year.
    recorded_on = models.DateField(_("recorded on"))
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=10, blank=True, help_text=_("ISO 3166-2."))
    places = models.CharField(_("places"), max_length=300, blank=True, help_text=_("Towns, sites; no addresses."))
    reporting_unit = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reporting unit"),
    )
    exploitation_types = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    recruitment_methods = models.JSONField(_("methods of recruitment"), default=list, blank=True)
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    # SENSITIVE free text that may name people or places of hiding: encrypted.
    modus_operandi = EncryptedTextField(_("modus operandi"))
    is_transnational = models.BooleanField(_("transnational"), default=False)
    countries_involved = models.JSONField(_("countries involved"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    permission_scopes = CRIMINAL_RECORD_SCOPES

    class Meta:
        ordering = ["date_from", "pk"]
        verbose_name = _("offence")
        verbose_name_plural = _("offences")
        indexes = [
            models.Index(fields=["criminal_case", "date_from"], name="offence_case"),
            # The year's statistics read these columns from the index alone (selectors.stats).
            models.Index(fields=["recorded_on", "criminal_case", "offence_type"], name="offence_recorded"),
        ]

    def __str__(self) -> str:
        return f"{self.get_offence_type_display()} {self.pk}"


class CriminalGroup(models.Model):
    """An organised criminal group (UNTOC art. 2): a name or alias, its estimated size, where it is active."""

    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    country = models.CharField(_("country"), max_length=2, editable=False)
    name = models.CharField(_("name or alias"), max_length=200)
    estimated_size = models.PositiveIntegerField(_("estimated number of members"), null=True, blank=True)
    countries_of_activity = models.JSONField(_("countries of activity"), default=list, blank=True)
    # SENSITIVE intelligence: encrypted.
    notes = EncryptedTextField(_("notes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"own": "created_by", "organization": "owner_organization", "national": "country"}

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("organised criminal group")
        verbose_name_plural = _("organised criminal groups")
        indexes = [models.Index(fields=["owner_organization", "name"], name="group_owner")]

    def __str__(self) -> str:
        return self.name


class SuspectQuerySet(RestrictedQuerySet["Suspect"]):
    pass


class Suspect(models.Model):
    """A suspect, then a defendant, of one criminal case: a person of the registry (identity encrypted there).

    The dates of the stages reached are kept here for the funnel and the statistics (GLOTIP counts the person once
    per stage per year): formal contact as recorded, prosecution at the first charge, conviction at the first
    conviction still standing (services keep them in step with charges and decisions)."""

    criminal_case = models.ForeignKey(CriminalCase, on_delete=models.CASCADE, related_name="suspects")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    roles = models.JSONField(_("roles"), default=list, blank=True)
    groups = models.ManyToManyField(CriminalGroup, blank=True, related_name="members", verbose_name=_("groups"))
    # Statistical: the age when the offence began (adult or minor in the statistics), if known.
    age_at_offence = models.PositiveSmallIntegerField(_("age at the time of the offence"), null=True, blank=True)
    contact_type = models.CharField(_("formal contact"), max_length=12, choices=ContactType.choices, blank=True)
    formal_contact_on = models.DateField(_("formal contact on"), null=True, blank=True)
    prosecuted_on = models.DateField(_("prosecuted on"), null=True, blank=True, editable=False)
    convicted_on = models.DateField(_("convicted on"), null=True, blank=True, editable=False)
    sentenced_on = models.DateField(_("sentenced on"), null=True, blank=True, editable=False)
    in_custody = models.BooleanField(_("in custody"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = models.Manager.from_queryset(SuspectQuerySet)()
    permission_scopes = CRIMINAL_RECORD_SCOPES

    class Meta:
        ordering = ["criminal_case", "pk"]
        verbose_name = _("suspect or defendant")
        verbose_name_plural = _("suspects and defendants")
        constraints = [models.UniqueConstraint(fields=["criminal_case", "person"], name="suspect_once_per_case")]
        indexes = [
            models.Index(fields=["formal_contact_on", "criminal_case", "person"], name="suspect_contact"),
            models.Index(fields=["prosecuted_on"], name="suspect_prosecuted"),
            models.Index(fields=["convicted_on"], name="suspect_convicted"),
            models.Index(fields=["person"], name="suspect_person"),
        ]

    def __str__(self) -> str:
        return str(_("Defendant %(id)s") % {"id": self.pk})
