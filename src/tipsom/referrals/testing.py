"""Test factories of the referrals app, shared by its tests and the apps above: services of the directory and
referrals, made directly (the functions under test are the services that use them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tipsom.cases.models import Case
from tipsom.organizations.models import Organization
from tipsom.referrals.models import Referral, Service


def make_service(organization: Organization, service_type: str = "shelter", **fields: Any) -> Service:
    """An active service of `organization` that serves everyone, nationwide, with no count of places unless told."""
    defaults: dict[str, Any] = {
        "name": "Casa Abrigo",
        "languages": ["pt"],
        "country": organization.country,
    }
    defaults.update(fields)
    return Service.objects.create(organization=organization, service_type=service_type, **defaults)


def make_referral(case: Case, sender: Any, receiver: Any, *, due_at: datetime, **fields: Any) -> Referral:
    """A referral of `case` from `sender` to `receiver` (organizations), sent at `due_at` and due then."""
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
