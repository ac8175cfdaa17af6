"""The results framework: outcomes and outputs in a tree, their indicators, baselines and the values per country and
period (IATI's result → indicator → baseline → period, DHIS2's numerator and denominator, Akvo RSR's review)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager, every_record
from tipsom.programme.models.choices import IndicatorSource, Measure, ResultLevel, ReviewStatus

# The framework is the programme's, shared by its countries: whoever may read it reads all of it.
FRAMEWORK_SCOPES = {"organization": every_record, "national": every_record, "global": every_record}


class ResultNode(models.Model):
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    level = models.CharField(_("level"), max_length=10, choices=ResultLevel.choices)
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("e.g. OC1, OP1.2."))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    pillar = models.PositiveSmallIntegerField(_("pillar"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedManager()
    permission_scopes = FRAMEWORK_SCOPES

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Indicator(models.Model):
    node = models.ForeignKey(ResultNode, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("result"))
    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    measure = models.CharField(_("measure"), max_length=1, choices=Measure.choices, default=Measure.UNIT)
    unit = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("e.g. practitioners, victims, %."))
    ascending = models.BooleanField(_("higher is better"), default=True)
    numerator_label = models.CharField(_("numerator"), max_length=200, blank=True)
    denominator_label = models.CharField(
        _("denominator"), max_length=200, blank=True, help_text=_("Empty for a count without a denominator.")
    )
    factor = models.PositiveIntegerField(_("factor"), default=1, help_text=_("1, 100, 1,000 or 100,000."))
    source = models.CharField(_("source"), max_length=12, choices=IndicatorSource.choices)
    source_key = models.CharField(
        _("computation"), max_length=40, blank=True, help_text=_("Which computation fills a computed indicator.")
    )
    disaggregations = models.JSONField(_("disaggregations"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedManager()
    permission_scopes = FRAMEWORK_SCOPES

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class IndicatorBaseline(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="baselines")
    country = models.CharField(_("country"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    objects = RestrictedManager()
    permission_scopes = {"national": "country", "global": every_record}

    class Meta:
        ordering = ["indicator", "country"]
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = [models.UniqueConstraint(fields=["indicator", "country"], name="baseline_once")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.country} {self.year}"


class IndicatorPeriod(models.Model):
    """An indicator's target and actual for a country and a period. A computed indicator's actual is computed when
    read (and frozen here when the period is approved); an entered one goes draft → submitted → approved or
    returned, and an approved period is locked."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="periods")
    country = models.CharField(_("country"), max_length=2)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=16, decimal_places=4, null=True, blank=True)
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=4, null=True, blank=True)
    disaggregated = models.JSONField(_("by sex, sector and region"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # The evidence (an attendance list may name people): name and content encrypted at rest like a case's
    # attachment, the content as base64 inside the encrypted text; type and size read from the bytes on upload.
    evidence_name = EncryptedTextField(_("evidence"), blank=True)
    evidence_type = models.CharField(_("evidence type"), max_length=80, blank=True)
    evidence_size = models.PositiveIntegerField(_("evidence size in bytes"), null=True, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    evidence_content = EncryptedTextField(blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    locked = models.BooleanField(_("locked"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"own": "created_by", "national": "country", "global": every_record}

    class Meta:
        ordering = ["indicator", "country", "period_start"]
        verbose_name = _("indicator period")
        verbose_name_plural = _("indicator periods")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "country", "period_start", "period_end"], name="indicator_period_once"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="indicator_period_dates"),
        ]
        indexes = [models.Index(fields=["country", "period_start"], name="period_country_start")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.country} {self.period_start}–{self.period_end}"


__all__ = ["Indicator", "IndicatorBaseline", "IndicatorPeriod", "ResultNode"]
