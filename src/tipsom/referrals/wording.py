"""A referral's state in words that say what it means for the one reading: the receiver ("new, awaiting your
answer") or the sender ("sent, awaiting their answer"); a referral by letter or abroad, whose answer the sender
records, says so."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tipsom.referrals.models import Channel, State

RECEIVER = "receiver"
SENDER = "sender"

RECEIVER_WORDS: dict[str, Any] = {
    State.SENT: _("New, awaiting your answer"),
    State.ACCEPTED: _("Accepted by you, service not started yet"),
    State.IN_PROGRESS: _("Service in progress"),
    State.COMPLETED: _("Completed"),
    State.DECLINED: _("Declined by you"),
    State.REVOKED: _("Withdrawn by the sender"),
    State.EXPIRED: _("Expired: not answered in time"),
}
SENDER_WORDS: dict[str, Any] = {
    State.SENT: _("Sent, awaiting their answer"),
    State.ACCEPTED: _("Accepted, service not started yet"),
    State.IN_PROGRESS: _("Service in progress"),
    State.COMPLETED: _("Completed"),
    State.DECLINED: _("Declined by the receiver"),
    State.REVOKED: _("Withdrawn by your side"),
    State.EXPIRED: _("Expired: not answered in time"),
}
# By letter or abroad the other side answers outside tipsom: the sender records what it said.
RECORDED_WORDS: dict[str, Any] = {State.SENT: _("Sent, answer to record when it comes")}


def state_words(referral: Any, side: str = "") -> str:
    """The state of `referral` for the `side` reading it (RECEIVER or SENDER; any other: the plain state)."""
    state = referral.state
    if side == RECEIVER:
        return str(RECEIVER_WORDS.get(state, referral.get_state_display()))
    if side == SENDER:
        if referral.channel in (Channel.LETTER, Channel.ABROAD) and state in RECORDED_WORDS:
            return str(RECORDED_WORDS[state])
        return str(SENDER_WORDS.get(state, referral.get_state_display()))
    return str(referral.get_state_display())


def side_of(box: str) -> str:
    """The side a referral list is read from: "received" is the receiver's box, "sent" the sender's."""
    return {"received": RECEIVER, "sent": SENDER, RECEIVER: RECEIVER, SENDER: SENDER}.get(box, "")
