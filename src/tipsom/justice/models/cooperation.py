"""International cooperation in a criminal case: mutual legal assistance, extradition, joint investigation teams."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import RestrictedManager
from tipsom.justice.models.choices import OPEN_COOPERATION, CooperationKind, CooperationStatus, Direction
from tipsom.justice.models.criminal_case import CRIMINAL_RECORD_SCOPES


class CooperationRequest(models.Model):
    criminal_case = models.ForeignKey("justice.CriminalCase", on_delete=models.CASCADE, related_name="cooperation")
    kind = models.CharField(_("kind"), max_length=12, choices=CooperationKind.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    # The other countries (a joint investigation team may have several).
    countries = models.JSONField(_("countries"), default=list)
    authority = models.CharField(
        _("authority"), max_length=200, help_text=_("The central or competent authority on the other side.")
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True, help_text=_("What is asked; no names."))
    status = models.CharField(
        _("status"), max_length=12, choices=CooperationStatus.choices, default=CooperationStatus.DRAFT
    )
    sent_on = models.DateField(_("sent or received on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    # A joint investigation team's agreed period.
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = CRIMINAL_RECORD_SCOPES

    class Meta:
        ordering = ["criminal_case", "-pk"]
        verbose_name = _("international cooperation request")
        verbose_name_plural = _("international cooperation requests")
        indexes = [models.Index(fields=["status", "deadline"], name="cooperation_deadline")]

    def __str__(self) -> str:
        return str(_("Request %(id)s") % {"id": self.pk})

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in OPEN_COOPERATION and self.deadline is not None and self.deadline < today
