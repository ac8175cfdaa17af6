"""The kinds of notification and their messages, rendered in the reader's language when shown or emailed.

A notification stores its kind and coded, non-identifying parameters (case numbers, organization names, service
type, urgency and country codes, a username, a due date), never text: so a French reader reads French, and
nothing that names a victim is ever stored in an inbox or an email."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from tipsom.core.registry import registry

MISSING = "—"

# name -> message (a lazy translation with %(param)s placeholders): each app that notifies registers its kinds
# (`register("notification_kinds", message, key=name)` from its ready()).
KINDS: dict[str, Promise] = registry["notification_kinds"]


def choice_label(choices: Any) -> Callable[[Any], str]:
    """A formatter for a parameter holding a value of Django `choices`: its label in the reader's language."""

    def label(value: Any) -> str:
        return str(choices(value).label) if value in choices.values else str(value)

    return label


def _country(value: Any) -> str:
    from tipsom.organizations.geography import country_name

    return country_name(str(value)) if value else MISSING


def _moment(value: Any) -> str:
    """An ISO date-time as the reader's locale writes it, in the deployment's time zone."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


# Parameter name -> formatter; apps add theirs (a referral's service type) to `notification_formatters`.
_FORMATTERS: dict[str, Callable[[Any], str]] = {"country": _country, "due_at": _moment}


class _Params(dict):
    """The formatted parameters; one a message names but the notification lacks reads as a dash."""

    def __missing__(self, key: str) -> str:
        return MISSING


def format_params(params: Mapping[str, Any]) -> dict[str, str]:
    formatted = _Params()
    for key, value in (params or {}).items():
        if value in (None, ""):
            formatted[key] = MISSING
            continue
        formatter = _FORMATTERS.get(key) or registry["notification_formatters"].get(key, str)
        formatted[key] = formatter(value)
    return formatted


def render_message(kind: str, params: Mapping[str, Any]) -> str:
    """The message of `kind` with `params`, in the active language. Never raises: an unknown kind or a broken
    translation falls back to a plain sentence rather than break the inbox."""
    template = KINDS.get(kind)
    if template is None:
        return gettext("Notification (%(kind)s).") % {"kind": kind}
    values = format_params(params if isinstance(params, Mapping) else {})
    try:
        return str(template) % values
    except (KeyError, ValueError, TypeError):
        return gettext("Notification (%(kind)s).") % {"kind": kind}


def render(notification: Any) -> str:
    return render_message(notification.kind, notification.params)
