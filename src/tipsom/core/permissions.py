"""The permission engine: permissions are data (object types + actions + a scope), held through roles.

A protected model declares `permission_scopes`, the lookup path that each scope filters on:

    permission_scopes = {"own": "created_by", "organization": "owner_organization",
                         "national": "owner_organization__country"}

A scope may instead map to a function of the scope's value that returns a Q, for records that more than
one organization works on (a case and the organizations on its team).

`Model.objects.restrict(user, action)` keeps only the rows one of the user's permissions reaches;
`access_by_id` fetches one such row or answers NotFound, the same for missing and forbidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q

from tipsom.core.errors import NotFound

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tipsom.accounts.models import User

ACTIONS = ("view", "add", "change", "delete", "reveal", "export", "approve")
SCOPE_OWN = "own"
SCOPE_ORGANIZATION = "organization"
SCOPE_NATIONAL = "national"
# Every country's records, for a programme that spans countries (the programme manager). Only a model that names
# this scope in its permission_scopes (with `every_record`) can be read this way: victims' records never do.
SCOPE_GLOBAL = "global"
SCOPES = (SCOPE_OWN, SCOPE_ORGANIZATION, SCOPE_NATIONAL, SCOPE_GLOBAL)
# The widest scope first: a user holding it needs no narrower filter.
_SCOPE_ORDER = {SCOPE_GLOBAL: -1, SCOPE_NATIONAL: 0, SCOPE_ORGANIZATION: 1, SCOPE_OWN: 2}
# Where a user object keeps its grants once computed (forget_grants drops them after a change of roles).
_GRANTS_CACHE = "_tipsom_grants"

M = TypeVar("M", bound=models.Model)


def every_record(_value: Any) -> Q:
    """The `global` scope's condition: no condition at all."""
    return Q()


def object_type(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def _grants(user: User | AnonymousUser) -> dict[tuple[str, str], set[str]]:
    """{(object type, action): {scopes}} for the user, computed once per user object (one query)."""
    cache: dict[tuple[str, str], set[str]] | None = getattr(user, _GRANTS_CACHE, None)
    if cache is not None:
        return cache
    grants: dict[tuple[str, str], set[str]] = {}
    if user.is_authenticated and user.is_active:
        permission_model = apps.get_model("accounts", "ObjectPermission")
        rows = permission_model.objects.filter(enabled=True, roles__users=user).values_list(
            "object_types", "actions", "scope"
        )
        for object_types, actions, scope in rows:
            for type_label in object_types:
                for action in actions:
                    grants.setdefault((type_label, action), set()).add(scope)
    setattr(user, _GRANTS_CACHE, grants)
    return grants


def forget_grants(user: User | AnonymousUser) -> None:
    if hasattr(user, _GRANTS_CACHE):
        delattr(user, _GRANTS_CACHE)


def user_scopes(user: User | AnonymousUser, action: str, model: type[models.Model]) -> list[str]:
    return sorted(_grants(user).get((object_type(model), action), set()), key=_SCOPE_ORDER.__getitem__)


def user_can(user: User | AnonymousUser, action: str, model: type[models.Model]) -> bool:
    """Whether any of the user's permissions allows `action` on some record of `model`."""
    return bool(user_scopes(user, action, model))


def _scope_value(user: User, scope: str) -> Any:
    if scope == SCOPE_OWN:
        return user.pk
    if scope == SCOPE_GLOBAL:
        return True
    if user.organization_id is None:
        return None
    if scope == SCOPE_ORGANIZATION:
        return user.organization_id
    organization = user.organization
    return organization.country if organization is not None else None


def scope_filter(user: User | AnonymousUser, action: str, model: type[models.Model]) -> Q | None:
    """The Q that narrows `model` to what the user may `action`; None when nothing is allowed.

    Scopes nest: an organization's records (and a user's own) lie in its country. So a user whose national
    scope applies gets that condition alone; OR-ing the narrower ones into it would change nothing but the
    query plan (a needless OR makes the database read and sort every row of the country: bench/README.md)."""
    if not user.is_authenticated:
        return None
    paths: dict[str, Any] = getattr(model, "permission_scopes", {})
    condition: Q | None = None
    for scope in user_scopes(user, action, model):  # the widest first
        path = paths.get(scope)
        value = _scope_value(user, scope)
        if path is None or value is None:
            continue
        clause = path(value) if callable(path) else Q(**{path: value})
        if scope in (SCOPE_GLOBAL, SCOPE_NATIONAL):
            return clause
        condition = clause if condition is None else condition | clause
    return condition


def scope_allows_organization(user: User, action: str, model: type[models.Model], organization: Any) -> bool:
    """For records not written yet: may the user `action` a record that `organization` would own?"""
    for scope in user_scopes(user, action, model):
        if scope == SCOPE_GLOBAL and SCOPE_GLOBAL in getattr(model, "permission_scopes", {}):
            return True
        if scope == SCOPE_NATIONAL and user.organization and organization.country == user.organization.country:
            return True
        if scope in (SCOPE_ORGANIZATION, SCOPE_OWN) and organization.pk == user.organization_id:
            return True
    return False


class RestrictedQuerySet(models.QuerySet[M]):
    def restrict(self, user: User | AnonymousUser, action: str = "view") -> Self:
        condition = scope_filter(user, action, self.model)
        if condition is None:
            return self.none()
        return self.filter(condition)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)


def access_by_id(model: type[M], user: User, pk: Any, action: str = "view", queryset: Any = None) -> M:
    """Fetch one record the user may `action`, or NotFound whether it is missing or out of scope."""
    base = queryset if queryset is not None else cast(RestrictedQuerySet, model._default_manager.all())
    try:
        return base.restrict(user, action).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def require_permission(user: User, action: str, model: type[models.Model]) -> None:
    """For screens and endpoints without a single record: no permission answers NotFound too."""
    if not user_can(user, action, model):
        raise NotFound()


class _SystemGrants(dict[tuple[str, str], set[str]]):
    """The grants of system_reader: one scope for reading (`actions`) every object type."""

    def __init__(self, scope: str, actions: tuple[str, ...]) -> None:
        super().__init__()
        self.scope, self.actions = scope, actions

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        return {self.scope} if key[1] in self.actions else default


def system_reader(
    organization: Any, scope: str = SCOPE_NATIONAL, actions: tuple[str, ...] = ("view", "export")
) -> User:
    """A user object (never saved) for a command that reads as the system: `scope` (national: `organization`'s
    country; global: every country, of the models that take it) for `actions` on every object type, and nothing
    else. The command's audit events name no actor."""
    user_model = apps.get_model("accounts", "User")
    user = user_model(username="system", organization=organization, is_active=True)
    setattr(user, _GRANTS_CACHE, _SystemGrants(scope, actions))
    return user
