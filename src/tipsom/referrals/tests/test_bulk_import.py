"""referrals_bulk_import: many referrals written at once, each checked as referral_send checks it, all or nothing;
a completed one puts its service delivered on the case through cases' own bulk service; one summary audit event."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case, ServiceDelivery
from tipsom.core.errors import ApplicationError
from tipsom.referrals.models import Referral, State
from tipsom.referrals.services import ReferralImport, referral_send, referrals_bulk_import
from tipsom.referrals.tests.factories import World, make_world, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


def _record(world: World, **fields: Any) -> ReferralImport:
    now = timezone.now()
    values: dict[str, Any] = {
        "case": world.case,
        "service": world.service,
        "created_by": world.manager,
        "sent_at": now - timedelta(days=10),
        "urgency": "routine",
        "sections": ["identity"],
        "message": "She needs a safe place tonight.",
        **fields,
    }
    return ReferralImport(**values)


def test_writes_referrals_in_every_state_with_their_deliveries(world: World) -> None:
    now = timezone.now()
    version = world.case.version
    completed = _record(
        world,
        state=State.COMPLETED,
        responded_at=now - timedelta(days=9),
        responded_by=world.receiver,
        started_at=now - timedelta(days=8),
        ended_at=now - timedelta(days=2),
        outcome="completed",
        outcome_notes="Stayed three weeks.",
    )
    before = AuditEvent.objects.count()
    done, waiting = referrals_bulk_import(
        actor=None, records=[completed, _record(world, service=_other_service(world))], note={"source": "test"}
    )
    done.refresh_from_db()
    assert (done.state, done.from_organization, done.to_organization) == ("completed", world.home, world.provider)
    assert done.due_at == done.sent_at + timedelta(hours=120)  # the routine response time
    assert done.delivery_id is not None
    delivery = ServiceDelivery.objects.get(pk=done.delivery_id)
    assert (delivery.case_id, delivery.provider, delivery.support_type, delivery.outcome, delivery.created_by) == (
        world.case.pk,
        world.provider,
        "Shelter",
        "completed",
        world.receiver,
    )
    assert delivery.delivered_on == timezone.localdate(done.ended_at)
    assert waiting.state == State.SENT and waiting.delivery is None
    assert Case.objects.get(pk=world.case.pk).version == version + 1  # the service delivered
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))[before:]
    assert actions == ["case.bulk_work", "referral.bulk_import"]
    summary = AuditEvent.objects.get(action="referral.bulk_import").changes
    assert summary["states"] == {"completed": 1, "sent": 1} and summary["source"] == "test"


def _other_service(world: World) -> Any:
    from tipsom.referrals.testing import make_service

    return make_service(world.provider, "medical", name="Clinic")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"urgency": "whenever"}, "1.urgency"),
        ({"sections": ["everything"]}, "1.sections"),
        ({"state": State.DECLINED}, "1.decline_reason"),
        ({"state": State.COMPLETED}, "1.outcome"),
        ({"message": "Look \u202e here"}, "1.message"),
        ({"sent_at": timezone.now() + timedelta(days=1)}, "1.sent_at"),
        ({"created_by": None}, "1.created_by"),
        ({"state": State.ACCEPTED, "responded_at": timezone.now(), "responded_by": "manager"}, "1.responded_by"),
    ],
)
def test_a_bad_referral_is_refused_by_field_and_nothing_is_written(world: World, fields: Any, error: str) -> None:
    if fields.get("responded_by") == "manager":  # the sender's colleague, not the receiver
        fields = {**fields, "responded_by": world.manager}
    before = snapshot()
    with pytest.raises(ApplicationError) as caught:
        referrals_bulk_import(actor=None, records=[_record(world), _record(world, **fields)])
    assert error in caught.value.extra["fields"], caught.value.extra
    assert snapshot() == before


def test_the_checks_of_referral_send(world: World) -> None:
    """No consent for the type of service, an inactive service, a second open referral to the same service."""
    clinic = _other_service(world)
    referral_send(actor=world.manager, case_id=world.case.pk, service_id=world.service.pk, sections=["identity"])
    world.service.is_active = False
    world.service.save()
    no_consent = make_world(consent=["Health"])
    with pytest.raises(ApplicationError) as caught:
        referrals_bulk_import(
            actor=None,
            records=[
                _record(world, service=clinic),
                _record(world),
                _record(world, service=clinic),
                _record(no_consent, case=no_consent.case, service=no_consent.service, created_by=no_consent.manager),
            ],
        )
    fields = caught.value.extra["fields"]
    assert "1.service" in fields  # inactive
    assert fields["2.service"] == "This case already has an open referral to this service."
    assert "3.consent" in fields
    assert "0.service" not in fields and not Referral.objects.filter(service=clinic).exists()
