"""Writes for accounts: users, roles, sign-in attempts, second factors. Each audits in its transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.accounts import lockout
from tipsom.accounts.models import Role, User
from tipsom.audit.services import audit_record, describe_changes
from tipsom.core.errors import ApplicationError, TooManyRequests
from tipsom.core.middleware import client_ip
from tipsom.core.permissions import (
    access_by_id,
    forget_grants,
    require_permission,
    scope_allows_organization,
)
from tipsom.core.validation import Errors, line, model_full_clean, model_update
from tipsom.organizations.models import Organization

USER_EDITABLE_FIELDS = ("full_name", "email", "phone", "organization", "is_active", "preferred_language")


def user_requires_2fa(user: User) -> bool:
    """Roles that may reveal identifying data, or that are flagged, need a second factor."""
    if not settings.TIPSOM_REQUIRE_2FA:
        return False
    for role in user.roles.all():
        if role.requires_2fa:
            return True
        if any("reveal" in permission.actions for permission in role.permissions.all()):
            return True
    return False


# --- Sign-in ------------------------------------------------------------------------------------------------
def login_attempt(*, username: str, password: str, request: Any = None) -> User:
    """Check a password within the sign-in limits (accounts.lockout): returns the user, or raises
    ApplicationError (400 for a wrong username or password, TooManyRequests while a limit holds); audits both.

    A username nobody has is counted, refused and timed as an existing one is (authenticate() hashes the
    password either way), so neither the status nor the lockout tells whether an account exists."""
    username = (username or "").strip()[:150]
    address = (client_ip(request) if request is not None else None) or "unknown"
    candidate = User.objects.filter(username__iexact=username).only("pk", "username", "organization_id").first()
    wait = lockout.seconds_to_wait(username=username, address=address)
    if wait:
        with transaction.atomic():
            audit_record(
                actor=None,
                action="auth.login_refused",
                target=candidate,
                object_type="accounts.user",
                organization=candidate.organization_id if candidate else None,
                changes={"reason": "locked"},
                actor_label=candidate.username if candidate else "unknown user",
            )
        raise TooManyRequests(
            "locked",
            _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.") % {"minutes": -(-wait // 60)},
            wait_seconds=wait,
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        lockout.record_failure(username=username, address=address)
        with transaction.atomic():
            audit_record(
                actor=None,
                action="auth.login_failed",
                target=candidate,
                object_type="accounts.user",
                organization=candidate.organization_id if candidate else None,
                actor_label=username if candidate else "unknown user",
            )
        raise ApplicationError("invalid_credentials", _("The username or password is not correct."), status=400)
    lockout.record_success(username=username, address=address)
    return user


def login_completed(*, user: User, method: str) -> None:
    with transaction.atomic():
        audit_record(actor=user, action="auth.login", target=user, changes={"method": method})


def logout_recorded(*, user: User, reason: str = "") -> None:
    with transaction.atomic():
        audit_record(actor=user, action="auth.logout", target=user, reason=reason)


# --- Second factor ------------------------------------------------------------------------------------------
def totp_device_for(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """An unconfirmed device to show as a QR code; it counts only once a code from it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_verify(*, user: User, token: str, enrolment: bool) -> TOTPDevice:
    """Checks a code. A failure (and the device's throttling of guesses) is committed before the error."""
    token = (token or "").strip().replace(" ", "")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=not enrolment).first()
        if device is not None and token.isdigit() and device.verify_token(token):
            if enrolment:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=user, action="auth.2fa_enrolled", target=user)
            return device
        audit_record(
            actor=None,
            action="auth.2fa_failed",
            target=user,
            organization=user.organization_id,
            actor_label=user.username,
        )
    raise ApplicationError("invalid_token", _("The code is not correct or has expired."))


@transaction.atomic
def user_reset_2fa(*, actor: User, user_id: Any) -> None:
    user = access_by_id(User, actor, user_id, "change")
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action="user.2fa_reset",
        target=user,
        organization=user.organization_id,
        changes={"devices_removed": removed},
    )


# --- Users --------------------------------------------------------------------------------------------------
def _check_roles(actor: User | None, roles: list[Role]) -> None:
    """Only a system administrator hands out the system administrator role."""
    if actor is None:
        return
    granting_admin = any(role.slug == "system_administrator" for role in roles)
    if granting_admin and "system_administrator" not in actor.role_slugs():
        raise ApplicationError("forbidden_role", _("You cannot grant the system administrator role."), status=403)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    password: str,
    organization: Organization,
    roles: list[Role] | None = None,
    email: str = "",
    phone: str = "",
    preferred_language: str = "",
) -> User:
    """Create a user. `actor=None` is a command run by an operator on the server (audited as such)."""
    if actor is not None:
        require_permission(actor, "add", User)
        if not scope_allows_organization(actor, "add", User, organization):
            raise ApplicationError(
                "forbidden_organization", _("You cannot create users for that organization."), status=403
            )
    errors = Errors()
    username = line(errors, "username", username)
    full_name = line(errors, "full_name", full_name)
    phone = line(errors, "phone", phone)
    errors.raise_if_any()
    if not username:
        raise ApplicationError("invalid", _("A username is required."), {"field": "username"})
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError("duplicate", _("That username is taken."), {"field": "username"})
    roles = list(roles or [])
    _check_roles(actor, roles)
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        organization=organization,
        preferred_language=preferred_language,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("weak_password", " ".join(exc.messages), {"field": "password"}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.roles.set(roles)
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        organization=organization,
        changes={
            **describe_changes(user, ["username", "full_name", "organization", "is_active", "phone"]),
            "roles": sorted(role.slug for role in roles),
        },
    )
    return user


@transaction.atomic
def user_update(*, actor: User, user_id: Any, data: dict[str, Any], roles: list[Role] | None = None) -> User:
    user = access_by_id(User, actor, user_id, "change", queryset=User.objects.select_for_update())
    unknown = set(data) - set(USER_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError("invalid", _("These fields cannot be changed: %s.") % ", ".join(sorted(unknown)))
    if "organization" in data and data["organization"].pk != user.organization_id:
        if not scope_allows_organization(actor, "change", User, data["organization"]):
            raise ApplicationError(
                "forbidden_organization", _("You cannot move users to that organization."), status=403
            )
    if user.pk == actor.pk and data.get("is_active") is False:
        raise ApplicationError("invalid", _("You cannot deactivate your own account."))
    errors = Errors()
    data = {
        name: line(errors, name, value) if name in ("full_name", "phone") and isinstance(value, str) else value
        for name, value in data.items()
    }
    errors.raise_if_any()
    update = model_update(user, data, check=lambda user: model_full_clean(user, exclude=["password"]))
    changes = describe_changes(user, update.fields, update.before)
    if roles is not None:
        old_roles = sorted(user.role_slugs())
        new_roles = sorted(role.slug for role in roles)
        if old_roles != new_roles:
            _check_roles(actor, roles)
            user.roles.set(roles)
            forget_grants(user)
            changes["roles"] = [old_roles, new_roles]
    if changes:
        action = "user.permissions_change" if "roles" in changes else "user.update"
        audit_record(actor=actor, action=action, target=user, organization=user.organization_id, changes=changes)
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("weak_password", " ".join(exc.messages), {"field": "password"}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password_change", target=user, organization=user.organization_id)


# --- API tokens ---------------------------------------------------------------------------------------------
@transaction.atomic
def api_token_create(*, actor: User) -> tuple[Any, str]:
    """A new API token for the actor. The token is shown once; only its digest is stored."""
    from knox.models import AuthToken
    from knox.settings import knox_settings

    instance, token = AuthToken.objects.create(user=actor, expiry=knox_settings.TOKEN_TTL)
    audit_record(actor=actor, action="api_token.create", object_type="knox.authtoken", object_id=instance.token_key)
    return instance, token


@transaction.atomic
def api_token_revoke(*, actor: User, token_key: str) -> None:
    from knox.models import AuthToken

    deleted, _details = AuthToken.objects.filter(user=actor, token_key=token_key).delete()
    if not deleted:
        from tipsom.core.errors import NotFound

        raise NotFound()
    audit_record(actor=actor, action="api_token.revoke", object_type="knox.authtoken", object_id=token_key)


@transaction.atomic
def user_set_preferred_language(*, actor: User, language: str) -> None:
    """One's own interface language, applied at each sign-in. Empty means "as the browser asks"."""
    if language and language not in dict(settings.LANGUAGES):
        raise ApplicationError("invalid", _("That language is not available."), {"field": "preferred_language"})
    update = model_update(actor, {"preferred_language": language})
    if not update:
        return
    audit_record(
        actor=actor,
        action="user.update",
        target=actor,
        organization=actor.organization_id,
        changes=describe_changes(actor, update.fields, update.before),
    )
