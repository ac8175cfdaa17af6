"""Test factories of the organizations app, shared by its tests and the apps above."""

from __future__ import annotations

import itertools
from typing import Any

from tipsom.organizations.models import Organization

_counter = itertools.count(1)


def make_organization(country: str = "BR", **fields: Any) -> Organization:
    number = next(_counter)
    defaults: dict[str, Any] = {
        "name": f"Test organization {number}",
        "code": f"test-org-{number}",
        "type": "NGO",
        "country": country,
    }
    defaults.update(fields)
    return Organization.objects.create(**defaults)
