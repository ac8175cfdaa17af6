"""The criminal process per defendant and per charge: charges, court decisions (with sentences) and appeals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import RestrictedManager
from tipsom.justice.models.choices import DecisionLevel, OffenceType, Outcome
from tipsom.justice.models.criminal_case import CRIMINAL_RECORD_SCOPES


class Charge(models.Model):
    """A charge against one defendant under a legal provision of the case's country.

    `outcome` is the outcome of the charge's standing decision (the last in its chain of appeals); `convicted_on`
    the date of the first conviction of that chain while a conviction stands, and `convicted_type` the offence type
    convicted of (another one when convicted of a lesser offence): what GLOTIP counts."""

    criminal_case = models.ForeignKey("justice.CriminalCase", on_delete=models.CASCADE, related_name="charges")
    suspect = models.ForeignKey("justice.Suspect", on_delete=models.CASCADE, related_name="charges")
    provision = models.ForeignKey(
        "justice.LegalProvision", on_delete=models.PROTECT, related_name="charges", verbose_name=_("legal provision")
    )
    offence = models.ForeignKey(
        "justice.Offence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charges",
        verbose_name=_("offence"),
    )
    offence_type = models.CharField(_("offence type"), max_length=20, choices=OffenceType.choices, editable=False)
    charged_on = models.DateField(_("charged on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, editable=False)
    convicted_on = models.DateField(_("convicted on"), null=True, blank=True, editable=False)
    convicted_type = models.CharField(max_length=20, choices=OffenceType.choices, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    permission_scopes = CRIMINAL_RECORD_SCOPES

    class Meta:
        ordering = ["suspect", "charged_on", "pk"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        constraints = [
            models.UniqueConstraint(fields=["suspect", "provision", "offence"], name="charge_once_per_offence"),
        ]
        indexes = [
            # The year's statistics read these columns from the index alone (selectors.stats).
            models.Index(fields=["charged_on", "criminal_case", "suspect", "offence_type"], name="charge_charged"),
            models.Index(
                fields=["convicted_on", "criminal_case", "suspect", "convicted_type"], name="charge_convicted"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Charge %(id)s") % {"id": self.pk})


class CourtDecision(models.Model):
    """A court's decision on one charge of one defendant, at first instance or on appeal, with its sentence.

    An appeal decision names the decision it appeals (`appeal_of`) and replaces it: the charge's standing outcome
    is the last decision of the chain."""

    criminal_case = models.ForeignKey("justice.CriminalCase", on_delete=models.CASCADE, related_name="decisions")
    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("charge"))
    suspect = models.ForeignKey("justice.Suspect", on_delete=models.CASCADE, related_name="decisions")
    level = models.CharField(_("level"), max_length=20, choices=DecisionLevel.choices)
    appeal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appealed_by",
        verbose_name=_("appeal of"),
    )
    court = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("court"),
    )
    court_name = models.CharField(_("court name"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # Convicted of another (lesser) offence: the provision applied instead of the one charged.
    convicted_provision = models.ForeignKey(
        "justice.LegalProvision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provision convicted under"),
    )
    prison_months = models.PositiveIntegerField(_("prison term (months)"), null=True, blank=True)
    prison_suspended = models.BooleanField(_("prison term suspended"), default=False)
    fine_amount = models.DecimalField(_("fine"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. BRL."))
    confiscated_assets_value = models.DecimalField(
        _("value of confiscated assets"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    confiscated_assets = models.CharField(_("confiscated assets"), max_length=300, blank=True)
    compensation_ordered = models.DecimalField(
        _("compensation ordered to victims"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    is_final = models.BooleanField(_("final (no further appeal)"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    permission_scopes = CRIMINAL_RECORD_SCOPES

    class Meta:
        ordering = ["charge", "decided_on", "pk"]
        verbose_name = _("court decision")
        verbose_name_plural = _("court decisions")
        indexes = [models.Index(fields=["decided_on"], name="decision_decided")]

    def __str__(self) -> str:
        return str(_("Decision %(id)s") % {"id": self.pk})

    @property
    def has_sentence(self) -> bool:
        return bool(
            self.prison_months or self.fine_amount or self.confiscated_assets_value or self.compensation_ordered
        )
