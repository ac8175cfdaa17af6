"""The expiry job: referrals nobody answered in time expire; accepted ones not started in time are flagged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings

from tipsom.audit.models import AuditEvent
from tipsom.notifications.models import Notification
from tipsom.referrals.models import Referral, ResponseTime, State
from tipsom.referrals.services import referral_accept, referral_start, referrals_expire_due
from tipsom.referrals.testing import make_service
from tipsom.referrals.tests.factories import World, audit_actions, make_world, notified, send, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


def test_only_sent_referrals_past_due_expire(world: World) -> None:
    late = send(world, urgency="emergency")
    waiting = send(world, urgency="routine", service_id=make_service(world.provider, "medical").pk)
    answered = send(world, urgency="routine", service_id=make_service(world.provider, "legal_aid").pk)
    referral_accept(actor=world.receiver, referral_id=answered.pk)
    now = late.due_at + timedelta(minutes=1)

    assert referrals_expire_due(now=now) == {"expired": 1, "overdue": 0}

    late.refresh_from_db()
    assert (late.state, late.overdue, late.ended_at, late.version) == (State.EXPIRED, True, now, 2)
    assert Referral.objects.get(pk=waiting.pk).state == State.SENT
    assert Referral.objects.get(pk=answered.pk).state == State.ACCEPTED
    assert audit_actions(late) == ["referral.send", "referral.expire"]
    event = AuditEvent.objects.get(action="referral.expire")
    assert event.actor_id is None and event.organization_id == world.home.pk
    for user in (world.manager, world.supervisor, world.receiver, world.provider_supervisor):
        assert [n.params["referral"] for n in notified(user, "referral_expired")] == [late.pk]

    before = snapshot()
    assert referrals_expire_due(now=now) == {"expired": 0, "overdue": 0}
    assert snapshot() == before


def test_referral_due_exactly_now_is_not_yet_expired(world: World) -> None:
    referral = send(world)
    assert referrals_expire_due(now=referral.due_at) == {"expired": 0, "overdue": 0}
    assert Referral.objects.get(pk=referral.pk).state == State.SENT


def test_accepted_not_started_in_time_is_flagged_only(world: World) -> None:
    referral = referral_accept(actor=world.receiver, referral_id=send(world, urgency="urgent").pk)
    assert referral.responded_at is not None
    hours = settings.TIPSOM_REFERRAL_RESPONSE_HOURS["urgent"]
    assert referrals_expire_due(now=referral.responded_at + timedelta(hours=hours - 1)) == {"expired": 0, "overdue": 0}
    now = referral.responded_at + timedelta(hours=hours, minutes=1)
    before = Notification.objects.count()

    assert referrals_expire_due(now=now) == {"expired": 0, "overdue": 1}

    referral.refresh_from_db()
    assert (referral.state, referral.overdue) == (State.ACCEPTED, True)
    assert audit_actions(referral) == ["referral.send", "referral.accept", "referral.overdue"]
    assert notified(world.manager, "referral_overdue") and notified(world.receiver, "referral_overdue")
    assert Notification.objects.count() > before
    snap = snapshot()
    assert referrals_expire_due(now=now + timedelta(days=3)) == {"expired": 0, "overdue": 0}
    assert snapshot() == snap
    # Flagged, it still starts.
    assert referral_start(actor=world.receiver, referral_id=referral.pk).state == State.IN_PROGRESS


def test_country_response_time_sets_when_accepted_is_overdue(world: World) -> None:
    ResponseTime.objects.create(country="BR", urgency="routine", hours=3)
    referral = referral_accept(actor=world.receiver, referral_id=send(world).pk)
    assert referral.responded_at is not None
    assert referrals_expire_due(now=referral.responded_at + timedelta(hours=2)) == {"expired": 0, "overdue": 0}
    assert referrals_expire_due(now=referral.responded_at + timedelta(hours=4)) == {"expired": 0, "overdue": 1}


def test_started_referral_is_never_flagged(world: World) -> None:
    referral = referral_accept(actor=world.receiver, referral_id=send(world, urgency="emergency").pk)
    referral = referral_start(actor=world.receiver, referral_id=referral.pk)
    assert referral.responded_at is not None
    assert referrals_expire_due(now=referral.responded_at + timedelta(days=30)) == {"expired": 0, "overdue": 0}
    assert not Referral.objects.get(pk=referral.pk).overdue


def test_letter_past_due_expires_and_tells_the_sender(world: World) -> None:
    referral = send(world, channel="letter", service_type="shelter", recipient="Casa Abrigo")
    assert referrals_expire_due(now=referral.due_at + timedelta(hours=1)) == {"expired": 1, "overdue": 0}
    assert notified(world.manager, "referral_expired")
    assert not notified(world.receiver)
