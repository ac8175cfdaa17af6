"""Victims in the proceedings: the victim's case linked to the criminal case, their role, protection and hearings.

The link names the victim's case (cases.Case) and nothing of its care: investigators and prosecutors see the case
number, the person's sex and age; a name or a statement only through an audited reveal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager
from tipsom.justice.models.choices import HearingKind, TestimonyMode, VictimRole
from tipsom.justice.models.criminal_case import CRIMINAL_RECORD_SCOPES, CriminalCase, criminal_case_scope


class VictimInProceedings(models.Model):
    criminal_case = models.ForeignKey("justice.CriminalCase", on_delete=models.CASCADE, related_name="victims")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("victim case"))
    role = models.CharField(_("role in the proceedings"), max_length=20, choices=VictimRole.choices)
    protection_measures = models.JSONField(_("protection measures"), default=list, blank=True)
    testimony_mode = models.CharField(
        _("testimony"), max_length=20, choices=TestimonyMode.choices, default=TestimonyMode.NOT_YET
    )
    # IDENTIFYING: what the victim said, revealed only to the case's investigators and prosecutors, audited.
    statement = EncryptedTextField(_("statement"))
    compensation_claimed = models.DecimalField(
        _("compensation claimed"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    compensation_received = models.DecimalField(
        _("compensation received"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = CRIMINAL_RECORD_SCOPES

    class Meta:
        ordering = ["criminal_case", "pk"]
        verbose_name = _("victim in the proceedings")
        verbose_name_plural = _("victims in the proceedings")
        constraints = [models.UniqueConstraint(fields=["criminal_case", "case"], name="victim_once_per_case")]
        indexes = [models.Index(fields=["case"], name="victim_link_case")]

    def __str__(self) -> str:
        return str(_("Victim %(id)s") % {"id": self.pk})


class SuspectVictimRelation(models.Model):
    """How a defendant is related to a victim (HTCDS vic_RelationshipToTrafficker, with tipsom's detail)."""

    suspect = models.ForeignKey("justice.Suspect", on_delete=models.CASCADE, related_name="victim_relations")
    victim = models.ForeignKey(VictimInProceedings, on_delete=models.CASCADE, related_name="suspect_relations")
    relationship = models.CharField(_("relationship"), max_length=20)
    detail = models.CharField(_("detail"), max_length=100, blank=True, help_text=_("e.g. employer, partner, uncle."))

    objects = RestrictedManager()
    permission_scopes = {
        "own": "suspect__criminal_case__created_by",
        "organization": lambda organization_id: models.Q(
            suspect__criminal_case__in=CriminalCase.objects.filter(criminal_case_scope(organization_id))
        ),
        "national": "suspect__criminal_case__country",
    }

    class Meta:
        verbose_name = _("relationship to a victim")
        verbose_name_plural = _("relationships to victims")
        constraints = [models.UniqueConstraint(fields=["suspect", "victim"], name="relation_once")]

    def __str__(self) -> str:
        return f"{self.suspect_id}:{self.victim_id}"


class Hearing(models.Model):
    criminal_case = models.ForeignKey("justice.CriminalCase", on_delete=models.CASCADE, related_name="hearings")
    kind = models.CharField(_("kind"), max_length=20, choices=HearingKind.choices)
    starts_at = models.DateTimeField(_("date and time"))
    court = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("court"),
    )
    court_name = models.CharField(_("court name"), max_length=200, blank=True)
    room = models.CharField(_("courtroom"), max_length=60, blank=True)
    victims = models.ManyToManyField(
        VictimInProceedings, blank=True, related_name="hearings", verbose_name=_("victims summoned")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    permission_scopes = CRIMINAL_RECORD_SCOPES

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        indexes = [models.Index(fields=["criminal_case", "starts_at"], name="hearing_case")]

    def __str__(self) -> str:
        return str(_("Hearing %(id)s") % {"id": self.pk})
