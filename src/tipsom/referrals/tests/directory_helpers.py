"""Shared by the service directory tests: services, pathways and the counts that must not move on bad input."""

from __future__ import annotations

from typing import Any

from tipsom.audit.models import AuditEvent
from tipsom.referrals.models import Pathway, ResponseTime, Service


def make_pathway(country: str = "BR", **fields: Any) -> Pathway:
    defaults: dict[str, Any] = {"name": "Every victim", "service_types": ["psychosocial"], "priority": 100}
    defaults.update(fields)
    return Pathway.objects.create(country=country, **defaults)


def counts() -> tuple[int, int, int, int]:
    """Rows that a refused write must leave as they were."""
    return (Service.objects.count(), Pathway.objects.count(), ResponseTime.objects.count(), AuditEvent.objects.count())
