"""Shared by the notification tests: notifications made directly, and overdue referrals and tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tipsom.cases.models import Case
from tipsom.notifications.models import Notification
from tipsom.referrals.models import Referral

CASE_NUMBER = "BR-2026-000777"


def make_notification(user: Any, kind: str = "referral_accepted", **params: Any) -> Notification:
    values = {"service_type": "shelter", "case_number": CASE_NUMBER, "organization": "Casa Abrigo", **params}
    return Notification.objects.create(user=user, kind=kind, params=values, link="/cases/")


def make_referral(case: Case, sender: Any, receiver: Any, *, due_at: datetime, **fields: Any) -> Referral:
    values = {
        "case": case,
        "from_organization": sender,
        "to_organization": receiver,
        "service_type": "shelter",
        "country": case.country,
        "due_at": due_at,
        "sent_at": due_at,
        **fields,
    }
    return Referral.objects.create(**values)
