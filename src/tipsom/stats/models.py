"""The statistical facts: compact tables of coded categories, one per unit of count, derived from the source records
of the other apps and kept in step with them (stats.facts), and the external datasets imported for comparison (a
CTDC global file).

Nothing here identifies anyone: no name, no date of birth, no free text, no record number a user could look up
(`source_id` is the source row's internal id, used only to keep the fact in step; it never leaves the system). A fact
row is rebuilt from its source whenever the source changes; it is never edited on its own.

Counting units (the GLOTIP rule: a person once per stage per year):
- VictimFact: one row per victim case. Several cases of one person (registered by several agencies and merged by
  the matching) share `person_cluster`; for each (country, person_cluster, year) one row is `counted`, the first
  case identified that year, and it carries the union of the group's forms of exploitation, industries, means and
  recruiter relations and the sum of its referrals. Every victim count is a count of counted rows.
- JusticeFact: one row per person at a stage of the criminal justice process in a year (the same `counted` rule
  over person_cluster, stage and year), per offence type reached.
- OffenceFact, IncidentFact, ContactFact, ReferralFact: one row per source record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import RestrictedManager

# Codes of the sex breakdown (GLOTIP: Female, Male, Other, Unknown).
SEX_FEMALE, SEX_MALE, SEX_OTHER, SEX_UNKNOWN = "F", "M", "O", "U"
UNKNOWN_COUNTRY = "ZZ"


class Sex(models.TextChoices):
    FEMALE = SEX_FEMALE, _("Female")
    MALE = SEX_MALE, _("Male")
    OTHER = SEX_OTHER, _("Other")
    UNKNOWN = SEX_UNKNOWN, _("Unknown")


class ExploitationForm(models.TextChoices):
    """The GLOTIP categories of the form of exploitation (docs/user-guide/statistics-glotip.md gives the mapping from
    the HTCDS forms)."""

    SEXUAL = "sexual", _("Sexual exploitation")
    LABOUR = "labour", _("Forced labour")
    MIXED = "mixed", _("Mixed sexual exploitation and forced labour")
    CRIMINAL = "criminal", _("Forced criminal activity")
    BEGGING = "begging", _("Begging")
    MARRIAGE = "marriage", _("Forced marriage")
    ORGANS = "organs", _("Organ removal")
    OTHER = "other", _("Other forms of exploitation")
    UNKNOWN = "unknown", _("Unknown")


class DataSource(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("Case management")
    HELPLINE = "helpline", _("Helpline")
    FIELD = "field", _("Field identification")


class FactState(models.Model):
    """Where each kind of fact stands: the audit events up to `watermark` have been applied."""

    kind = models.CharField(max_length=20, unique=True)
    watermark = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} @ {self.watermark}"


class FactBase(models.Model):
    country = models.CharField(_("country"), max_length=2)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    organization_type = models.CharField(_("organization type"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))

    objects = RestrictedManager()
    permission_scopes = {"organization": "organization", "national": "country"}

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class VictimFact(FactBase):
    source_id = models.PositiveIntegerField(unique=True)  # the victim case
    person_cluster = models.PositiveIntegerField()
    counted = models.BooleanField(default=False)
    identified_on = models.DateField()
    case_type = models.CharField(max_length=4)  # tip, som, both
    trafficking_status = models.CharField(max_length=40, blank=True)
    case_status = models.CharField(max_length=20, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=SEX_UNKNOWN)
    age = models.PositiveSmallIntegerField(null=True, blank=True)  # in the year of identification, from the birth year
    age_band = models.CharField(max_length=8, blank=True)  # CTDC ageBroad
    is_child = models.BooleanField(default=False)  # at identification
    child_at_exploitation = models.BooleanField(null=True, blank=True)
    citizenship = models.CharField(max_length=2, default=UNKNOWN_COUNTRY)
    origin_country = models.CharField(max_length=2, blank=True)
    exploitation_country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=10, blank=True)  # ISO 3166-2, where the victim was identified
    exploitation_form = models.CharField(max_length=10, choices=ExploitationForm.choices, default="unknown")
    exploitation_types = models.JSONField(default=list, blank=True)
    industries = models.JSONField(default=list, blank=True)
    sex_exploitation_types = models.JSONField(default=list, blank=True)
    means_of_control = models.JSONField(default=list, blank=True)
    recruiter_relations = models.JSONField(default=list, blank=True)
    exploitation_months = models.PositiveSmallIntegerField(null=True, blank=True)
    data_source = models.CharField(max_length=16, choices=DataSource.choices, default=DataSource.CASE_MANAGEMENT)
    referrals = models.PositiveSmallIntegerField(default=0)
    referrals_accepted = models.PositiveSmallIntegerField(default=0)
    # The user who recorded the case: the programme's impact view counts the identifications of trained users.
    identified_by = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["country", "counted", "year"], name="victimfact_count"),
            models.Index(fields=["person_cluster", "year"], name="victimfact_unit"),
            models.Index(fields=["country", "identified_on"], name="victimfact_country_day"),
        ]


class FactStage(models.TextChoices):
    FORMAL_CONTACT = "formal_contact", _("Brought into formal contact")
    PROSECUTED = "prosecuted", _("Prosecuted")
    CONVICTED = "convicted", _("Convicted")


class JusticeFact(FactBase):
    """A person at one stage of the criminal justice process in one year, for one offence type."""

    source_id = models.PositiveIntegerField()  # the defendant (justice.Suspect)
    person_cluster = models.PositiveIntegerField()
    counted = models.BooleanField(default=False)
    stage = models.CharField(max_length=16, choices=FactStage.choices)
    offence_type = models.CharField(max_length=20, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=SEX_UNKNOWN)
    minor = models.BooleanField(null=True, blank=True)
    citizenship = models.CharField(max_length=2, default=UNKNOWN_COUNTRY)

    class Meta:
        indexes = [
            models.Index(fields=["country", "counted", "stage", "year"], name="justicefact_count"),
            models.Index(fields=["source_id"], name="justicefact_source"),
            models.Index(fields=["person_cluster", "stage", "year"], name="justicefact_unit"),
        ]


class OffenceFact(FactBase):
    source_id = models.PositiveIntegerField(unique=True)
    offence_type = models.CharField(max_length=20)
    region = models.CharField(max_length=10, blank=True)
    exploitation_form = models.CharField(max_length=10, choices=ExploitationForm.choices, default="unknown")
    is_transnational = models.BooleanField(default=False)


class IncidentFact(FactBase):
    source_id = models.PositiveIntegerField(unique=True)
    incident_country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=10, blank=True)
    location_type = models.CharField(max_length=20, blank=True)
    migrants = models.PositiveIntegerField(default=0)
    dead = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    injured = models.PositiveIntegerField(default=0)


class ContactFact(FactBase):
    source_id = models.PositiveIntegerField(unique=True)
    month = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=20, blank=True)
    contact_type = models.CharField(max_length=20, blank=True)
    urgency = models.CharField(max_length=20, blank=True)
    region = models.CharField(max_length=10, blank=True)
    opened_case = models.BooleanField(default=False)
    referred = models.BooleanField(default=False)


class ReferralFact(FactBase):
    source_id = models.PositiveIntegerField(unique=True)
    service_type = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=20, blank=True)
    region = models.CharField(max_length=10, blank=True)  # the referring case's region
    is_child = models.BooleanField(default=False)
    case_type = models.CharField(max_length=4, blank=True)
    answered = models.BooleanField(default=False)
    accepted = models.BooleanField(default=False)
    response_hours = models.FloatField(null=True, blank=True)
    overdue = models.BooleanField(default=False)


class ExternalDataset(models.Model):
    """A dataset imported for comparison (the CTDC global dataset, or a redistributed copy). Imported once: the
    same file again is recognised by its SHA-256 and not imported twice."""

    class Source(models.TextChoices):
        CTDC = "ctdc", _("CTDC global dataset")

    country = models.CharField(_("country"), max_length=2)  # the deployment's country that imported it
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.CTDC)
    name = models.CharField(_("name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    malformed = models.JSONField(default=list, blank=True)  # [{"line": n, "reason": "..."}]
    summary = models.JSONField(default=dict, blank=True)

    objects = RestrictedManager()
    permission_scopes = {"national": "country"}

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("external dataset")
        verbose_name_plural = _("external datasets")
        constraints = [models.UniqueConstraint(fields=["country", "sha256"], name="external_dataset_once")]

    def __str__(self) -> str:
        return self.name


class ExternalRecord(models.Model):
    """One victim of an external dataset, in CTDC's codes (ISO alpha-2 countries, `ZZ` unknown; '' for missing)."""

    dataset = models.ForeignKey(ExternalDataset, on_delete=models.CASCADE, related_name="records")
    line = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    data_source = models.CharField(max_length=30, blank=True)
    gender = models.CharField(max_length=30, blank=True)
    age_band = models.CharField(max_length=8, blank=True)
    majority = models.CharField(max_length=8, blank=True)
    citizenship = models.CharField(max_length=2, blank=True)
    exploitation_country = models.CharField(max_length=2, blank=True)
    exploitation_types = models.JSONField(default=list, blank=True)  # CTDC names: ForcedLabour, SexualExploit, ...
    labour_types = models.JSONField(default=list, blank=True)
    sex_types = models.JSONField(default=list, blank=True)
    means_of_control = models.JSONField(default=list, blank=True)
    recruiter_relations = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["dataset", "year"], name="external_record_year")]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.line}"


class VictimCount(models.Model):
    """The counted victims, pre-aggregated (stats.facts.cube keeps it in step with VictimFact): `n` counted
    VictimFact rows share these keys. The dashboard's victim panels and GLOTIP's victim tables read it (a sum of `n`),
    never the facts: a few thousand rows instead of a million.

    Every row carries the filter keys (year, region, organization type, case type, child) and one `dimension`
    with its `value`:
    - "total" (value "") and "form" (the exploitation_form) also carry `sex` and `age_group` ("C" under 18 or a
      child at identification, "A" 18 or over, "U" age unknown): the breakdowns by sex and age;
    - "citizenship" and "flow" ("BO>BR": origin>exploitation; the countries of origin or of exploitation are its
      sums over the other side) carry `sex` and `age_group` as "" (no panel breaks them down by sex or age: fewer
      rows).
    """

    country = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=10, blank=True)
    organization_type = models.CharField(max_length=40, blank=True)
    case_type = models.CharField(max_length=4)
    is_child = models.BooleanField(default=False)
    sex = models.CharField(max_length=1, blank=True)
    age_group = models.CharField(max_length=1, blank=True)
    dimension = models.CharField(max_length=24)
    value = models.CharField(max_length=24, blank=True)
    n = models.IntegerField(default=0)  # never negative in a cube in step (stats check reports one that is)

    objects = RestrictedManager()
    permission_scopes = {"national": "country"}

    class Meta:
        constraints = [
            # Its index, led by (country, dimension, year), is the one every read uses.
            models.UniqueConstraint(
                fields=[
                    "country",
                    "dimension",
                    "year",
                    "region",
                    "organization_type",
                    "case_type",
                    "is_child",
                    "sex",
                    "age_group",
                    "value",
                ],
                name="victimcount_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.year} {self.dimension}={self.value}: {self.n}"
