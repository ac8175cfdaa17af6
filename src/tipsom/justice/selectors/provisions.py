"""Reads for legal provisions: the laws of the user's country (every justice role sees them; administrators
change them), always narrowed to what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from tipsom.core.permissions import access_by_id
from tipsom.justice.models import LegalProvision

if TYPE_CHECKING:
    from tipsom.accounts.models import User


def provision_list(*, user: User, action: str = "view") -> QuerySet[LegalProvision]:
    """The provisions `user` may `action` (view: their country's), in the order of law and article."""
    return LegalProvision.objects.restrict(user, action).order_by("law", "article", "pk")


def provision_access(user: User, provision_id: Any, action: str = "view") -> LegalProvision:
    """One provision the user may `action`: NotFound when missing or another country's."""
    return access_by_id(LegalProvision, user, provision_id, action)


def provision_in_use(provision: LegalProvision) -> bool:
    """Whether charges name the provision (it can then only be deactivated, as any provision)."""
    return provision.charges.exists()
