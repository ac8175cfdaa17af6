"""Writes for notifications: notify users or an organization's staff, copy by email after commit, mark as read,
and the daily digest of overdue referrals and tasks.

Other apps' services call `notify` / `notify_organization` inside their own transaction: the rows roll back
with the change, and the emails go only once it is committed. Marking one's own notifications as read is not
audited: it changes no record of a case, only the reader's inbox."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.core.errors import NotFound
from tipsom.core.permissions import SCOPE_OWN, object_type
from tipsom.core.registry import ordered
from tipsom.notifications.kinds import KINDS, render_message
from tipsom.notifications.models import Notification

logger = logging.getLogger(__name__)

_RECIPIENT_FIELDS = ("pk", "email", "preferred_language", "organization_id")
_SCALARS = (str, int, float, bool, type(None))


def _user_model() -> Any:
    return apps.get_model("accounts", "User")


# Recipients ---------------------------------------------------------------------------------------------------


def _permission_ids(action: str, model: type[models.Model] | str) -> list[int]:
    """The enabled permissions granting `action` on `model` over more than one's own records. The table is small
    and its lists are JSON (not filterable on SQLite), so it is read once and matched here."""
    label = model if isinstance(model, str) else object_type(model)
    rows = apps.get_model("accounts", "ObjectPermission").objects.filter(enabled=True).exclude(scope=SCOPE_OWN)
    return [
        pk
        for pk, types, actions in rows.values_list("pk", "object_types", "actions")
        if label in (types or []) and action in (actions or [])
    ]


def permission_holders(organization_ids: Iterable[int], action: str, model: type[models.Model] | str) -> Any:
    """Active users of the organizations whose roles grant `action` on `model` (one query)."""
    return (
        _user_model()
        .objects.filter(
            organization_id__in=list(organization_ids),
            is_active=True,
            roles__permissions__in=_permission_ids(action, model),
        )
        .distinct()
        .only(*_RECIPIENT_FIELDS)
        .order_by("pk")
    )


def _language(user: User) -> str:
    """The reader's language ("pt-br" stays Brazilian), else its base language, else the site's."""
    codes = {code for code, _name in settings.LANGUAGES}
    preferred = (getattr(user, "preferred_language", "") or "").lower()
    for candidate in (preferred, preferred.split("-")[0]):
        if candidate in codes:
            return candidate
    return str(settings.LANGUAGE_CODE)


# Notify -------------------------------------------------------------------------------------------------------


def _check(kind: str, params: Mapping[str, Any], link: str) -> dict[str, Any]:
    """Programming errors, not user input: the caller is code of tipsom."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not isinstance(params, Mapping) or not all(isinstance(value, _SCALARS) for value in params.values()):
        raise ValueError("notification params must be a mapping of plain values")
    max_link = Notification._meta.get_field("link").max_length or 0
    if link and (not link.startswith("/") or link.startswith("//") or len(link) > max_link):
        raise ValueError("a notification link is a path on this site, such as /referrals/12/")
    return dict(params)


@dataclass(frozen=True)
class _Copy:
    notification_id: int
    email: str
    language: str


@transaction.atomic
def notify(*, users: Iterable[Any], kind: str, params: Mapping[str, Any], link: str = "") -> list[Notification]:
    """One notification per active user (users or their ids, each once); an email copy after commit."""
    params = _check(kind, params, link)
    pks = {getattr(user, "pk", user) for user in users}
    recipients = list(_user_model().objects.filter(pk__in=pks, is_active=True).only(*_RECIPIENT_FIELDS).order_by("pk"))
    return _deliver(recipients, kind, params, link)


@transaction.atomic
def notify_organization(
    *,
    organization_id: int,
    kind: str,
    params: Mapping[str, Any],
    link: str = "",
    action: str = "change",
    model: type[models.Model] | str | None = None,
    roles: Iterable[str] | None = None,
) -> list[Notification]:
    """Notify the active users of an organization who hold one of `roles` (role slugs) when given, else those
    whose permissions grant `action` on `model` beyond their own records (organization or national scope)."""
    params = _check(kind, params, link)
    if roles is not None:
        recipients = (
            _user_model()
            .objects.filter(organization_id=organization_id, is_active=True, roles__slug__in=list(roles))
            .distinct()
            .only(*_RECIPIENT_FIELDS)
            .order_by("pk")
        )
    elif model is not None:
        recipients = permission_holders([organization_id], action, model)
    else:
        raise ValueError("notify_organization needs `model` (with `action`) or `roles`")
    return _deliver(list(recipients), kind, params, link)


def _deliver(recipients: list[Any], kind: str, params: dict[str, Any], link: str) -> list[Notification]:
    notifications = Notification.objects.bulk_create(
        [Notification(user=user, kind=kind, params=params, link=link) for user in recipients]
    )
    copies = [
        _Copy(notification.pk, user.email, _language(user))
        for notification, user in zip(notifications, recipients, strict=True)
        if user.email
    ]
    if copies:
        transaction.on_commit(lambda: _send_copies(copies, kind, params, link), robust=True)
    return notifications


def _absolute(link: str) -> str:
    base = getattr(settings, "TIPSOM_BASE_URL", "") or ""
    return f"{base.rstrip('/')}{link}" if link else ""


def _send_copies(copies: list[_Copy], kind: str, params: dict[str, Any], link: str) -> None:
    """Email each copy; a failure is logged (by notification id: never an address) and the others still go."""
    sent: list[int] = []
    try:
        connection = get_connection()
    except Exception:
        logger.exception("notification email: no mail connection")
        return
    for copy in copies:
        try:
            with translation.override(copy.language):
                message = render_message(kind, params)
                subject = Truncator(_("tipsom: %(message)s") % {"message": message}).chars(150)
                body = message
                if link:
                    body += "\n\n" + _("Open: %(url)s") % {"url": _absolute(link)}
            EmailMessage(subject, body, to=[copy.email], connection=connection).send()
        except Exception:
            logger.exception("notification email failed", extra={"notification": copy.notification_id})
            continue
        sent.append(copy.notification_id)
    if sent:
        Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())


# Read ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor: User, notification_id: Any) -> Notification:
    """Mark one of the actor's own notifications as read; anyone else's is NotFound."""
    try:
        notification = Notification.objects.select_for_update().get(pk=int(notification_id), user_id=actor.pk)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    """Mark all the actor's unread notifications as read; how many were."""
    return Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())


# The daily digest ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestSource:
    """One part of the daily digest, brought by another app (`digest_sources` in the registry): `collect(now)`
    returns each recipient's rows (user id -> rows), `line(row)` writes one row in the active language, under
    `heading`. Rows carry case numbers and codes only, never a name."""

    name: str
    heading: Any
    collect: Callable[[datetime], dict[int, list[Any]]]
    line: Callable[[Any], str]
    weight: int = 0


@dataclass
class _Digest:
    user: User
    parts: list[tuple[DigestSource, list[Any]]]

    @property
    def count(self) -> int:
        return sum(len(rows) for _source, rows in self.parts)


def _digests(now: datetime) -> list[_Digest]:
    """Each active user with an email address and something overdue, with their rows from every source."""
    rows_by_user: dict[int, list[tuple[DigestSource, list[Any]]]] = defaultdict(list)
    for source in ordered("digest_sources"):
        for user_id, rows in source.collect(now).items():
            if rows:
                rows_by_user[user_id].append((source, rows))
    if not rows_by_user:
        return []
    users = _user_model().objects.filter(pk__in=list(rows_by_user), is_active=True).exclude(email="")
    return [_Digest(user, rows_by_user[user.pk]) for user in users.only(*_RECIPIENT_FIELDS).order_by("pk")]


def _digest_text(digest: _Digest) -> tuple[str, str]:
    lines = [_("Overdue items in tipsom. Case numbers only: open tipsom to see more."), ""]
    for source, rows in digest.parts:
        lines.append(str(source.heading))
        lines.extend("- " + source.line(row) for row in rows)
        lines.append("")
    if getattr(settings, "TIPSOM_BASE_URL", ""):
        lines.append(_absolute("/"))
    subject = _("tipsom: %(count)d overdue items") % {"count": digest.count}
    return subject, "\n".join(lines)


def digest_send(*, now: datetime | None = None) -> int:
    """Email each user with overdue items one digest, from every registered source (their organization's overdue
    referrals when they may change referrals, their own tasks past their date...). How many emails were sent.

    Not one transaction: emails cannot be rolled back, and one failure must not stop the others."""
    now = now or timezone.now()
    sent = 0
    digests = _digests(now)
    connection = get_connection()
    for digest in digests:
        try:
            with translation.override(_language(digest.user)):
                subject, body = _digest_text(digest)
            EmailMessage(subject, body, to=[digest.user.email], connection=connection).send()
        except Exception:
            logger.exception("digest email failed", extra={"user": digest.user.pk})
            continue
        sent += 1
    audit_record(
        actor=None,
        action="notifications.digest",
        object_type=Notification._meta.label_lower,
        changes={"emails": sent, "recipients": len(digests)},
    )
    return sent
