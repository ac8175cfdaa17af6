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
from django.utils.translation import gettext_lazy as _

from tipsom.referrals.models import ServiceType, Urgency

MISSING = "—"

KINDS: dict[str, Promise] = {
    "referral_received": _(
        "New referral for %(service_type)s (%(urgency)s) from %(organization)s, case %(case_number)s: "
        "answer by %(due_at)s."
    ),
    "referral_accepted": _("%(organization)s accepted the referral for %(service_type)s of case %(case_number)s."),
    "referral_declined": _("%(organization)s declined the referral for %(service_type)s of case %(case_number)s."),
    "referral_started": _("%(organization)s started %(service_type)s for case %(case_number)s."),
    "referral_completed": _("%(organization)s completed %(service_type)s for case %(case_number)s."),
    "referral_revoked": _("%(organization)s revoked the referral for %(service_type)s of case %(case_number)s."),
    "referral_expired": _(
        "The referral for %(service_type)s of case %(case_number)s to %(organization)s expired without an answer."
    ),
    "referral_overdue": _("The referral for %(service_type)s of case %(case_number)s (%(organization)s) is overdue."),
    "consent_override": _(
        "%(user)s referred case %(case_number)s for %(service_type)s without the person's consent "
        "(emergency override): please review."
    ),
    "referral_from_abroad": _("A referral for %(service_type)s arrived from %(country)s."),
    "transfer_requested": _("%(organization)s asks to transfer case %(case_number)s to your organization."),
    "transfer_accepted": _("%(organization)s accepted the transfer of case %(case_number)s."),
    "transfer_declined": _("%(organization)s declined the transfer of case %(case_number)s."),
    "transfer_cancelled": _("%(organization)s cancelled the transfer of case %(case_number)s."),
}


def _choice_label(choices: Any) -> Callable[[Any], str]:
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


_FORMATTERS: dict[str, Callable[[Any], str]] = {
    "service_type": _choice_label(ServiceType),
    "urgency": _choice_label(Urgency),
    "country": _country,
    "due_at": _moment,
}


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
        formatter = _FORMATTERS.get(key, str)
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
