"""Legal provisions as data: a country's laws and articles on trafficking, smuggling and related offences."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import RestrictedManager
from tipsom.justice.models.choices import OffenceType


class LegalProvision(models.Model):
    """One article of a law that an offence is recorded, charged or decided under. Seeded per country
    (justice/data/provisions.json, `tipsom justice provisions`); administrators keep them on a screen."""

    country = models.CharField(_("country"), max_length=2)
    law = models.CharField(_("law"), max_length=200, help_text=_("The law or code, e.g. “Law 13.344/2016”."))
    article = models.CharField(_("article"), max_length=100, help_text=_("e.g. “art. 149-A”."))
    title = models.CharField(_("title"), max_length=300, help_text=_("What the article makes an offence."))
    offence_type = models.CharField(_("offence type"), max_length=20, choices=OffenceType.choices)
    iccs_code = models.CharField(
        _("ICCS code"),
        max_length=8,
        blank=True,
        help_text=_("International Classification of Crime for Statistical Purposes, e.g. 0204."),
    )
    penalty_min_months = models.PositiveIntegerField(_("minimum prison term (months)"), null=True, blank=True)
    penalty_max_months = models.PositiveIntegerField(_("maximum prison term (months)"), null=True, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"national": "country"}

    class Meta:
        ordering = ["country", "law", "article"]
        verbose_name = _("legal provision")
        verbose_name_plural = _("legal provisions")
        constraints = [
            models.UniqueConstraint(fields=["country", "law", "article"], name="provision_unique_per_country"),
        ]

    def __str__(self) -> str:
        return f"{self.law}, {self.article}"
