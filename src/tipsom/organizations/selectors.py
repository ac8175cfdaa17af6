"""Reads for organizations, always narrowed to what the user may see."""

from typing import Any

from tipsom.core.permissions import access_by_id
from tipsom.organizations.models import Organization


def organization_list(*, user: Any, action: str = "view") -> Any:
    return Organization.objects.restrict(user, action)


def access_organization_by_id(user: Any, organization_id: Any, action: str = "view") -> Organization:
    return access_by_id(Organization, user, organization_id, action)
