"""Agencies and service providers (HTCDS Organization)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager


class OrganizationType(models.TextChoices):
    """HTCDS v2.0 org_Type picklist."""

    NGO = "NGO", _("NGO")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH_SERVICE = "HealthServiceOrganisation", _("Health service organisation")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organisation")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organisation")
    IMMIGRATION_SERVICE = "ImmigrationService", _("Immigration service")
    LEGAL_SERVICE = "LegalService", _("Legal service")
    CORPORATE_BUSINESS = "CorporateBusiness", _("Corporate business")
    SCHOOL_OR_COLLEGE = "SchoolOrCollege", _("School or college")


class OrganizationFunction(models.TextChoices):
    """What the organization does in the national response; referral pathways and navigation use it."""

    NATIONAL_COORDINATION = "national_coordination", _("National coordination")
    POLICE = "police", _("Police")
    BORDER_GUARD = "border_guard", _("Border guard")
    PROSECUTION = "prosecution", _("Prosecution")
    JUDICIARY = "judiciary", _("Judiciary")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    SHELTER = "shelter", _("Shelter")
    VICTIM_ASSISTANCE = "victim_assistance", _("Victim assistance")
    HELPLINE = "helpline", _("Helpline")
    HEALTH = "health", _("Health")
    LEGAL_AID = "legal_aid", _("Legal aid")
    CONSULAR = "consular", _("Consular services")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=60, unique=True, help_text=_("A short, stable identifier."))
    type = models.CharField(_("type"), max_length=40, choices=OrganizationType.choices)
    functions = models.JSONField(_("functions"), default=list, blank=True)
    country = models.CharField(_("country"), max_length=2, db_index=True)
    region = models.CharField(_("region"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    # A shelter's address is confidential: it is encrypted like any identifying value.
    street_address = EncryptedTextField(_("street address"))
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()

    permission_scopes = {"own": "pk", "organization": "pk", "national": "country"}

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [models.Index(fields=["country", "type"]), models.Index(fields=["country", "region"])]

    def __str__(self) -> str:
        return self.name
