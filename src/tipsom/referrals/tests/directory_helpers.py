"""Shared by the service directory tests: services, pathways and the counts that must not move on bad input."""

from __future__ import annotations

from typing import Any

from tipsom.audit.models import AuditEvent
from tipsom.referrals.models import Pathway, ResponseTime, Service


def make_service(organization: Any, **fields: Any) -> Service:
    """A service as the directory stores it (set up directly: the service functions are what is under test)."""
    defaults: dict[str, Any] = {
        "service_type": "shelter",
        "name": "Casa Abrigo",
        "country": organization.country,
        "languages": ["pt"],
    }
    defaults.update(fields)
    return Service.objects.create(organization=organization, **defaults)


def make_pathway(country: str = "BR", **fields: Any) -> Pathway:
    defaults: dict[str, Any] = {"name": "Every victim", "service_types": ["psychosocial"], "priority": 100}
    defaults.update(fields)
    return Pathway.objects.create(country=country, **defaults)


def counts() -> tuple[int, int, int, int]:
    """Rows that a refused write must leave as they were."""
    return (Service.objects.count(), Pathway.objects.count(), ResponseTime.objects.count(), AuditEvent.objects.count())
