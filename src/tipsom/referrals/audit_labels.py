"""How the audit screen names referrals (registered in `audit_object_labels` by ReferralsConfig.ready): the
referral's number and its case's number, linked to the referral's page (which checks its own permissions)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from tipsom.core.registry import AuditObjectLabels
from tipsom.referrals.models import Referral


def referral_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    rows = Referral.objects.filter(pk__in=[i for i in ids if i.isdigit()]).values_list("pk", "case__case_number")
    return {
        str(pk): (
            _("Referral %(number)s (case %(case)s)") % {"number": pk, "case": number or "—"},
            reverse("referrals:detail", kwargs={"pk": pk}),
        )
        for pk, number in rows
    }


def referral_find(text: str) -> list[str]:
    """The referrals of a case number typed in full ("BR-2026-000063"), or a referral's number."""
    text = "".join(text.split()).upper()
    referrals = (
        Referral.objects.filter(pk=int(text)) if text.isdigit() else Referral.objects.filter(case__case_number=text)
    )
    return [str(pk) for pk in referrals.values_list("pk", flat=True)[:200]]


REFERRAL_LABELS = AuditObjectLabels(labels=referral_labels, find=referral_find)
