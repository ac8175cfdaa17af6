"""Grants to civil society for direct assistance: tranches, IATI transactions and the grantee's periodic reports.
A tranche after the first is released only once the report of the period before it is approved."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager, every_record
from tipsom.programme.models.choices import ReviewStatus, TransactionType


def _grant_of_organization(organization_id: object) -> Q:
    # The grantee sees its grants; the organization that manages a grant sees it too.
    return Q(grantee_id=organization_id) | Q(owner_organization_id=organization_id)


def _record_of_organization(organization_id: object) -> Q:
    return Q(grant__grantee_id=organization_id) | Q(grant__owner_organization_id=organization_id)


GRANT_RECORD_SCOPES = {
    "own": "grant__created_by",
    "organization": _record_of_organization,
    "national": "grant__country",
    "global": every_record,
}


class Grant(models.Model):
    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("managed by")
    )
    country = models.CharField(_("country"), max_length=2)
    reference = models.CharField(_("reference"), max_length=24, editable=False)
    title = models.CharField(_("title"), max_length=300)
    purpose = models.TextField(_("purpose"), blank=True)
    grantee = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("grantee")
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    activity = models.ForeignKey(
        "programme.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="grants"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {
        "own": "created_by",
        "organization": _grant_of_organization,
        "national": "country",
        "global": every_record,
    }

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(fields=["country", "reference"], name="grant_reference"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="grant_dates"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["grantee", "-start_date"], name="grant_grantee"),
            models.Index(fields=["country", "start_date"], name="grant_country_start"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Tranche(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    planned_on = models.DateField(_("planned for"))
    released_on = models.DateField(_("released on"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedManager()
    permission_scopes = GRANT_RECORD_SCOPES

    class Meta:
        ordering = ["grant", "number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="tranche_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.grant_id}#{self.number}"


class GrantReport(models.Model):
    """The grantee's report for a period (report n covers the period that tranche n funded)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    number = models.PositiveSmallIntegerField(_("number"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    # The document may name the victims assisted: its name and content are encrypted at rest, like a case's
    # attachment (the content as base64 inside the encrypted text, so key rotation re-encrypts it too).
    document_name = EncryptedTextField(_("document name"), blank=True)
    document_type = models.CharField(_("document type"), max_length=80, blank=True)
    document_size = models.PositiveIntegerField(_("document size in bytes"), null=True, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    document_content = EncryptedTextField(blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = GRANT_RECORD_SCOPES

    class Meta:
        ordering = ["grant", "number"]
        verbose_name = _("grant report")
        verbose_name_plural = _("grant reports")
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="grant_report_once"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="grant_report_dates"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="grant_report_due")]

    def __str__(self) -> str:
        return f"{self.grant_id} report {self.number}"

    @property
    def has_document(self) -> bool:
        return bool(self.document_sha256)


class GrantTransaction(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="transactions")
    tranche = models.ForeignKey(
        Tranche, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions", verbose_name=_("tranche")
    )
    transaction_type = models.CharField(_("type"), max_length=2, choices=TransactionType.choices)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    permission_scopes = GRANT_RECORD_SCOPES

    class Meta:
        ordering = ["grant", "date", "pk"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="transaction_amount_positive")]
        indexes = [models.Index(fields=["grant", "transaction_type"], name="transaction_grant_type")]

    def __str__(self) -> str:
        return f"{self.grant_id} {self.transaction_type} {self.amount}"


__all__ = ["Grant", "GrantReport", "GrantTransaction", "Tranche"]
