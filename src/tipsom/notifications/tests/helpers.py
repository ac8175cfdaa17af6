"""Shared by the notification tests: notifications made directly."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.models import User
from tipsom.notifications.models import Notification

CASE_NUMBER = "BR-2026-000777"


def make_notification(user: User, kind: str = "referral_accepted", **params: Any) -> Notification:
    values = {"service_type": "shelter", "case_number": CASE_NUMBER, "organization": "Casa Abrigo", **params}
    return Notification.objects.create(user=user, kind=kind, params=values, link="/cases/")
