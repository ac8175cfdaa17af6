"""Reads for users, always narrowed to what the viewer may see."""

from typing import Any

from tipsom.accounts.models import Role, User
from tipsom.core.permissions import access_by_id


def user_list(*, user: User, action: str = "view") -> Any:
    return User.objects.restrict(user, action).select_related("organization").prefetch_related("roles")


def access_user_by_id(user: User, user_id: Any, action: str = "view") -> User:
    return access_by_id(User, user, user_id, action, queryset=User.objects.select_related("organization"))


def role_list() -> Any:
    return Role.objects.prefetch_related("permissions")


def user_pending_sign_in(user_id: Any) -> User | None:
    """The active user a sign-in in progress names. The id comes from the server-side session, set after the
    password was checked, never from the request, so no permission narrows this read."""
    return User.objects.filter(pk=user_id, is_active=True).select_related("organization").first()
