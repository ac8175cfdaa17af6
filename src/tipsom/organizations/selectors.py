"""Reads for organizations, always narrowed to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tipsom.core.permissions import access_by_id
from tipsom.organizations.models import Organization

if TYPE_CHECKING:
    from tipsom.accounts.models import User


def organization_list(*, user: User, action: str = "view") -> Any:
    return Organization.objects.restrict(user, action)


def access_organization_by_id(user: User, organization_id: Any, action: str = "view") -> Organization:
    return access_by_id(Organization, user, organization_id, action)
