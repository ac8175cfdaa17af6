"""The referrals app's home-page widgets (registered as `home_widgets` from ReferralsConfig.ready()): referrals
waiting for the user's organization's answer, and the organization's sent referrals not answered or overdue.

Each is left out (None) for a user who may not see referrals or belongs to no organization. Each costs one count
query and, for the inbox, one short list, over the inbox and outbox indexes; like the lists, they read coded
columns only (no message, no case data beyond the number)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.core.permissions import user_can
from tipsom.core.registry import Section
from tipsom.referrals.models import OPEN_STATES, Referral, State
from tipsom.referrals.selectors.referral import referral_inbox, referral_outbox

LIMIT = 5


def _allowed(user: User) -> bool:
    return user.organization_id is not None and user_can(user, "view", Referral)


def inbox_widget(user: User) -> dict[str, Any] | None:
    if not _allowed(user):
        return None
    now = timezone.now()
    waiting = referral_inbox(user=user, state=State.SENT)
    rows = list(waiting.order_by("due_at", "pk")[:LIMIT])
    counts = (
        waiting.select_related(None)
        .order_by()
        .aggregate(waiting=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
    )
    return {"work": True, "rows": [{"referral": r, "late": r.due_at < now} for r in rows], **counts}


def outbox_widget(user: User) -> dict[str, Any] | None:
    if not _allowed(user):
        return None
    sent = referral_outbox(user=user).select_related(None).order_by()
    counts = sent.aggregate(
        not_answered=Count("pk", filter=Q(state=State.SENT)),
        overdue=Count("pk", filter=Q(overdue=True)),
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
    )
    return {"work": True, **counts}


WIDGETS = [
    Section("referrals_waiting", "referrals/widgets/inbox.html", inbox_widget, weight=-35),
    Section("referrals_sent", "referrals/widgets/outbox.html", outbox_widget, weight=-30),
]
