"""What the referrals app brings to notifications: its kinds of notification, the formatters of their
parameters, and the daily digest's overdue referrals. Registered from ReferralsConfig.ready()."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipsom.notifications.kinds import choice_label, format_params
from tipsom.notifications.services import DigestSource, permission_holders
from tipsom.referrals.models import OPEN_STATES, Referral, ServiceType, State, Urgency

KINDS = {
    "referral_received": gettext_lazy(
        "New referral for %(service_type)s (%(urgency)s) from %(organization)s, case %(case_number)s: "
        "answer by %(due_at)s."
    ),
    "referral_accepted": gettext_lazy(
        "%(organization)s accepted the referral for %(service_type)s of case %(case_number)s."
    ),
    "referral_declined": gettext_lazy(
        "%(organization)s declined the referral for %(service_type)s of case %(case_number)s."
    ),
    "referral_started": gettext_lazy("%(organization)s started %(service_type)s for case %(case_number)s."),
    "referral_completed": gettext_lazy("%(organization)s completed %(service_type)s for case %(case_number)s."),
    "referral_revoked": gettext_lazy(
        "%(organization)s revoked the referral for %(service_type)s of case %(case_number)s."
    ),
    "referral_expired": gettext_lazy(
        "The referral for %(service_type)s of case %(case_number)s to %(organization)s expired without an answer."
    ),
    "referral_overdue": gettext_lazy(
        "The referral for %(service_type)s of case %(case_number)s (%(organization)s) is overdue."
    ),
    "consent_override": gettext_lazy(
        "%(user)s referred case %(case_number)s for %(service_type)s without the person's consent "
        "(emergency override): please review."
    ),
    "referral_from_abroad": gettext_lazy("A referral for %(service_type)s arrived from %(country)s."),
    "transfer_requested": gettext_lazy("%(organization)s asks to transfer case %(case_number)s to your organization."),
    "transfer_accepted": gettext_lazy("%(organization)s accepted the transfer of case %(case_number)s."),
    "transfer_declined": gettext_lazy("%(organization)s declined the transfer of case %(case_number)s."),
    "transfer_cancelled": gettext_lazy("%(organization)s cancelled the transfer of case %(case_number)s."),
}

FORMATTERS = {"service_type": choice_label(ServiceType), "urgency": choice_label(Urgency)}


def overdue_referrals(now: datetime) -> dict[int, list[dict[str, Any]]]:
    """Open referrals past their time (flagged overdue, or sent and unanswered past due), for each user who may
    change referrals in the sending or the receiving organization."""
    rows = (
        Referral.objects.filter(Q(overdue=True, state__in=OPEN_STATES) | Q(state=State.SENT, due_at__lt=now))
        .values("pk", "case__case_number", "service_type", "due_at", "from_organization_id", "to_organization_id")
        .order_by("due_at", "pk")
    )
    by_organization: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        for side, organization_id in (("sent", row["from_organization_id"]), ("received", row["to_organization_id"])):
            if organization_id is not None:
                by_organization[organization_id].append({**row, "side": side})
    if not by_organization:
        return {}
    return {
        user.pk: by_organization[user.organization_id]
        for user in permission_holders(by_organization, "change", Referral)
    }


def referral_line(row: dict[str, Any]) -> str:
    values = format_params({"service_type": row["service_type"], "due_at": row["due_at"].isoformat()})
    line = (
        _("%(case_number)s · %(service_type)s · due %(due_at)s")
        if row["side"] == "received"
        else _("%(case_number)s · %(service_type)s · due %(due_at)s (sent by your organization)")
    )
    return line % {**values, "case_number": row["case__case_number"] or "—"}


DIGEST = DigestSource(
    name="referrals",
    heading=gettext_lazy("Referrals waiting past their time:"),
    collect=overdue_referrals,
    line=referral_line,
    weight=10,
)
