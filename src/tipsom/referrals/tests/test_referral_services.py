"""Referral services: sending (consent, warnings, channels), every transition, and the receiver's access grant."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case, ServiceDelivery
from tipsom.cases.services import case_close
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.organizations.testing import make_organization
from tipsom.referrals.models import Referral, ResponseTime, State
from tipsom.referrals.selectors.referral import access_referral_by_id
from tipsom.referrals.services import (
    referral_accept,
    referral_complete,
    referral_decline,
    referral_revoke,
    referral_shared_open,
    referral_start,
    referrals_expire_due,
)
from tipsom.referrals.tests.factories import (
    World,
    audit_actions,
    give_consent,
    make_peer,
    make_service,
    make_world,
    notified,
    send,
    snapshot,
)

pytestmark = pytest.mark.django_db

OVERRIDE = "Person in danger tonight, no time to ask"


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


def refused(call: Any, code: str, status: int) -> ApplicationError:
    """Run `call`, expect an ApplicationError of `code` and `status`, and that no row was written."""
    before = snapshot()
    with pytest.raises(ApplicationError) as caught:
        call()
    assert (caught.value.code, caught.value.status_code) == (code, status), caught.value.message
    assert snapshot() == before
    return caught.value


# Sending ------------------------------------------------------------------------------------------------------


def test_send_creates_the_referral_audits_and_tells_the_receiver(world: World) -> None:
    referral = send(world, message="Needs a place tonight")
    assert referral.state == State.SENT
    assert referral.case == world.case
    assert (referral.from_organization_id, referral.to_organization_id) == (world.home.pk, world.provider.pk)
    assert referral.service_type == "shelter"
    assert referral.country == "BR"
    assert referral.sections == ["profile", "identity"]
    assert referral.due_at - referral.sent_at == timedelta(hours=settings.TIPSOM_REFERRAL_RESPONSE_HOURS["routine"])
    assert referral.warnings == [] and referral.consent_override == "" and referral.warning_override == ""
    assert audit_actions(referral) == ["referral.send"]
    event = AuditEvent.objects.get(action="referral.send", object_id=str(referral.pk))
    assert event.organization_id == world.home.pk and event.actor_id == world.manager.pk
    assert event.changes["sections"] == ["profile", "identity"]
    assert "Needs a place" not in str(event.changes)
    # The provider's staff who answer referrals hear of it; nobody at the sender does.
    assert [n.params["referral"] for n in notified(world.receiver, "referral_received")] == [referral.pk]
    assert notified(world.provider_supervisor, "referral_received")
    assert not notified(world.manager) and not notified(world.supervisor)
    assert "Rosa" not in str(notified(world.receiver)[0].params)


@pytest.mark.parametrize("urgency", ["emergency", "urgent", "routine"])
def test_due_time_follows_the_urgency(world: World, urgency: str) -> None:
    referral = send(world, urgency=urgency)
    assert referral.due_at - referral.sent_at == timedelta(hours=settings.TIPSOM_REFERRAL_RESPONSE_HOURS[urgency])


def test_country_response_time_overrides_the_settings(world: World) -> None:
    ResponseTime.objects.create(country="BR", urgency="urgent", hours=7)
    ResponseTime.objects.create(country="AR", urgency="routine", hours=1)
    assert send(world, urgency="urgent").due_at - timezone.now() <= timedelta(hours=7)
    referral = Referral.objects.get()
    assert referral.due_at - referral.sent_at == timedelta(hours=7)
    other = send(world, urgency="routine", service_id=make_service(world.provider, "medical").pk)
    assert other.due_at - other.sent_at == timedelta(hours=settings.TIPSOM_REFERRAL_RESPONSE_HOURS["routine"])


@pytest.mark.parametrize(
    ("chosen", "stored"),
    [
        ([], ["profile"]),
        (None, ["profile"]),
        ("contact", ["profile", "contact"]),
        (["child", "identity", "profile", "identity"], ["profile", "identity", "child"]),
        (["plan", "needs", "exploitation", "contact"], ["profile", "contact", "exploitation", "needs", "plan"]),
    ],
)
def test_sections_are_normalised_with_the_profile(world: World, chosen: Any, stored: list[str]) -> None:
    assert send(world, sections=chosen).sections == stored


@pytest.mark.parametrize("chosen", [["identity", "bank_account"], [1], {"identity": True}, "everything"])
def test_unknown_section_is_refused(world: World, chosen: Any) -> None:
    error = refused(lambda: send(world, sections=chosen), "invalid", 400)
    assert "sections" in error.extra["fields"]


def test_bad_urgency_and_message_are_refused_together(world: World) -> None:
    error = refused(lambda: send(world, urgency="tomorrow", channel="fax"), "invalid", 400)
    assert {"urgency", "channel"} <= set(error.extra["fields"])


def test_no_consent_is_refused(db: Any) -> None:
    world = make_world(consent=[])
    refused(lambda: send(world), "consent_missing", 409)


def test_withdrawn_consent_is_refused(world: World) -> None:
    give_consent(world.manager, world.case, given=False)
    refused(lambda: send(world), "consent_withdrawn", 409)


def test_consent_for_another_type_of_service_only_is_refused(db: Any) -> None:
    world = make_world(consent=["Legal"])
    error = refused(lambda: send(world), "consent_missing", 409)
    assert error.extra == {"service_type": "Shelter"}
    assert send(world, service_id=make_service(world.provider, "legal_aid").pk).service_type == "legal_aid"


@pytest.mark.parametrize("reason", ["", "urgent", "  danger  "])
def test_short_consent_override_is_refused(db: Any, reason: str) -> None:
    world = make_world(consent=[])
    refused(lambda: send(world, consent_override=reason), "consent_missing", 409)


def test_consent_override_is_audited_and_supervisors_told(db: Any) -> None:
    world = make_world(consent=[])
    referral = send(world, consent_override=OVERRIDE)
    assert referral.consent_override == OVERRIDE
    assert audit_actions(referral) == ["referral.send", "referral.consent_override"]
    event = AuditEvent.objects.get(action="referral.consent_override", object_id=str(referral.pk))
    assert event.reason == OVERRIDE and event.organization_id == world.home.pk
    assert OVERRIDE not in str(event.changes)
    [note] = notified(world.supervisor, "consent_override")
    assert note.params["referral"] == referral.pk and OVERRIDE not in str(note.params)
    # Only the case owner's supervisors: not the sender, not the provider's supervisor.
    assert not notified(world.manager, "consent_override")
    assert not notified(world.provider_supervisor, "consent_override")


def test_consent_override_with_withdrawn_consent_is_accepted(world: World) -> None:
    give_consent(world.manager, world.case, given=False)
    assert send(world, consent_override=OVERRIDE).consent_override == OVERRIDE


def test_override_is_not_kept_when_consent_is_given(world: World) -> None:
    referral = send(world, consent_override=OVERRIDE)
    assert referral.consent_override == ""
    assert "referral.consent_override" not in audit_actions(referral)
    assert not notified(world.supervisor, "consent_override")


@pytest.mark.parametrize(
    ("service_fields", "code"),
    [
        ({"capacity_available": 0}, "no_places"),
        ({"sexes": ["Masculine"]}, "sex"),
        ({"age_min": 45}, "age"),
        ({"age_max": 17}, "age"),
        ({"serves_tip": False}, "case_type"),
        ({"regions": ["BR-SP"]}, "region"),
    ],
)
def test_warning_needs_an_override(db: Any, service_fields: dict[str, Any], code: str) -> None:
    world = make_world(**service_fields)
    error = refused(lambda: send(world), "referral_warning", 409)
    assert [w["code"] for w in error.extra["warnings"]] == [code]
    assert error.extra["field"] == "warning_override"
    refused(lambda: send(world, warning_override="why not"), "referral_warning", 409)
    referral = send(world, warning_override="The only shelter open in the state")
    assert referral.warnings == [code]
    assert referral.warning_override == "The only shelter open in the state"
    assert AuditEvent.objects.get(action="referral.send").changes["warnings"] == [code]


def test_service_serving_the_profile_raises_no_warning(db: Any) -> None:
    world = make_world(sexes=["Feminine"], age_min=18, age_max=60, serves_som=False, regions=["BR-MT"])
    referral = send(world, warning_override="not needed here")
    assert referral.warnings == [] and referral.warning_override == ""


def test_duplicate_open_referral_is_refused(world: World) -> None:
    first = send(world)
    error = refused(lambda: send(world), "conflict", 409)
    assert error.extra == {"code": "already_referred"}
    referral_decline(actor=world.receiver, referral_id=first.pk, reason="No beds this month")
    assert send(world).pk != first.pk


def test_closed_case_is_refused(world: World, settings: Any) -> None:
    settings.TIPSOM_CASE_APPROVALS = []
    case_close(actor=world.manager, case_id=world.case.pk, reason="services_completed", closed_on=timezone.localdate())
    refused(lambda: send(world), "case_closed", 409)


@pytest.mark.parametrize("which", ["inactive", "inactive_org", "other_country", "missing", "garbage"])
def test_service_must_be_active_and_of_the_country(world: World, which: str) -> None:
    if which == "inactive":
        service_id: Any = make_service(world.provider, is_active=False).pk
    elif which == "inactive_org":
        service_id = make_service(make_organization("BR", is_active=False)).pk
    elif which == "other_country":
        service_id = make_service(make_organization("AR")).pk
    elif which == "missing":
        service_id = 999999
    else:
        service_id = "1; drop table"
    error = refused(lambda: send(world, service_id=service_id), "invalid", 400)
    assert "service" in error.extra["fields"]


def test_letter_needs_a_recipient(world: World) -> None:
    error = refused(lambda: send(world, channel="letter", service_type="shelter", recipient=""), "invalid", 400)
    assert "recipient" in error.extra["fields"]
    error = refused(lambda: send(world, channel="letter", service_type="spa", recipient="Casa"), "invalid", 400)
    assert "service_type" in error.extra["fields"]
    referral = send(world, channel="letter", service_type="shelter", recipient="Casa Abrigo, Cuiabá")
    assert (referral.channel, referral.recipient, referral.service_id, referral.to_organization_id) == (
        "letter",
        "Casa Abrigo, Cuiabá",
        None,
        None,
    )
    assert audit_actions(referral) == ["referral.send"]
    assert not notified(world.receiver)


def test_abroad_needs_an_active_peer(world: World) -> None:
    def abroad(country: str) -> Referral:
        return send(world, channel="abroad", service_type="shelter", recipient="Refugio", partner_country=country)

    for country in ("AR", "BR", "XX", ""):
        error = refused(lambda country=country: abroad(country), "invalid", 400)
        assert "partner_country" in error.extra["fields"]
    make_peer("AR", is_active=False)
    refused(lambda: abroad("AR"), "invalid", 400)
    make_peer("PY")
    referral = abroad("PY")
    assert (referral.channel, referral.partner_country, referral.to_organization_id) == ("abroad", "PY", None)


@pytest.mark.parametrize("who", ["provider", "other_org", "other_country", "unpermitted"])
def test_user_who_cannot_change_the_case_gets_not_found(world: World, who: str) -> None:
    actor = {
        "provider": world.receiver,
        "other_org": make_user(make_organization("BR"), roles=("case_manager",)),
        "other_country": make_user(make_organization("AR"), roles=("case_manager",)),
        "unpermitted": make_user(world.home, roles=("me_officer",)),
    }[who]
    refused(lambda: send(world, actor=actor), "not_found", 404)


# Transitions --------------------------------------------------------------------------------------------------


def test_accept_start_complete(world: World) -> None:
    referral = send(world)
    referral = referral_accept(actor=world.receiver, referral_id=referral.pk, version=referral.version)
    assert referral.state == State.ACCEPTED and referral.responded_by == world.receiver
    assert referral.responded_at is not None
    assert [n.params["referral"] for n in notified(world.manager, "referral_accepted")] == [referral.pk]
    referral = referral_start(actor=world.receiver, referral_id=referral.pk, version=referral.version)
    assert referral.state == State.IN_PROGRESS and referral.started_at is not None
    assert notified(world.manager, "referral_started")
    referral = referral_complete(
        actor=world.receiver,
        referral_id=referral.pk,
        outcome="completed",
        notes="Stayed 3 weeks",
        version=referral.version,
    )
    assert referral.state == State.COMPLETED and referral.ended_at is not None
    delivery = ServiceDelivery.objects.get(case=world.case)
    assert referral.delivery == delivery
    assert (delivery.support_type, delivery.provider_id, delivery.outcome, delivery.notes) == (
        "Shelter",
        world.provider.pk,
        "completed",
        "Stayed 3 weeks",
    )
    assert delivery.delivered_on == timezone.localdate()
    assert notified(world.manager, "referral_completed")
    # The case gained a service: its version moved on, so a form opened on it before is stale.
    assert Case.objects.get(pk=world.case.pk).version == world.case.version + 1
    assert audit_actions(referral) == ["referral.send", "referral.accept", "referral.start", "referral.complete"]
    assert referral.version == 4


@pytest.mark.parametrize(
    ("service_type", "support_type"),
    [
        ("medical", "Health"),
        ("legal_aid", "Legal"),
        ("child_protection", "SocialCare"),
        ("interpretation", "Interpretation"),
    ],
)
def test_completion_records_the_mapped_support_type(db: Any, service_type: str, support_type: str) -> None:
    world = make_world(service_type=service_type)
    referral = send(world)
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    referral_complete(actor=world.receiver, referral_id=referral.pk, outcome="not_available")
    delivery = ServiceDelivery.objects.get(case=world.case)
    assert (delivery.support_type, delivery.outcome) == (support_type, "not_available")


def test_complete_validates_its_fields(world: World) -> None:
    referral = send(world)
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    error = refused(
        lambda: referral_complete(
            actor=world.receiver, referral_id=referral.pk, outcome="great", delivered_on=tomorrow
        ),
        "invalid",
        400,
    )
    assert {"outcome", "delivered_on"} <= set(error.extra["fields"])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    error = refused(
        lambda: referral_complete(
            actor=world.receiver, referral_id=referral.pk, outcome="completed", delivered_on=yesterday
        ),
        "invalid",
        400,
    )
    assert "delivered_on" in error.extra["fields"]


def test_delivery_date_is_compared_with_the_local_day_of_sending(world: World, settings: Any) -> None:
    settings.TIME_ZONE = "America/Cuiaba"  # UTC-4: 21:00 here is 01:00 the next day in UTC
    referral = send(world)
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    yesterday = timezone.localdate() - timedelta(days=1)
    evening = datetime.combine(yesterday, time(21, 0), tzinfo=timezone.get_current_timezone())
    Referral.objects.filter(pk=referral.pk).update(sent_at=evening)
    completed = referral_complete(
        actor=world.receiver, referral_id=referral.pk, outcome="completed", delivered_on=yesterday.isoformat()
    )
    assert completed.delivery is not None and completed.delivery.delivered_on == yesterday


def test_childs_return_waits_for_the_child_track(db: Any) -> None:
    world = make_world(child=True, service_type="return_reintegration")
    assert world.case.is_child
    referral = send(world, sections=["identity", "contact"])
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    error = refused(
        lambda: referral_complete(actor=world.receiver, referral_id=referral.pk, outcome="completed"),
        "child_steps_incomplete",
        400,
    )
    assert error.extra["problems"]
    assert Referral.objects.get(pk=referral.pk).state == State.ACCEPTED
    # A return that did not happen is recorded.
    referral_complete(actor=world.receiver, referral_id=referral.pk, outcome="not_available")
    assert ServiceDelivery.objects.get(case=world.case).support_type == "Return"


def test_decline_needs_a_reason(world: World) -> None:
    referral = send(world)
    for reason in ("", "  ", "no"):
        error = refused(
            lambda reason=reason: referral_decline(actor=world.receiver, referral_id=referral.pk, reason=reason),
            "invalid",
            400,
        )
        assert "reason" in error.extra["fields"]
    referral = referral_decline(actor=world.receiver, referral_id=referral.pk, reason="No beds this month")
    assert referral.state == State.DECLINED and referral.decline_reason == "No beds this month"
    assert referral.ended_at is not None and referral.responded_by == world.receiver
    assert notified(world.manager, "referral_declined")
    event = AuditEvent.objects.get(action="referral.decline")
    assert "No beds" not in str(event.changes)


def test_revoke_by_the_sender_needs_a_reason(world: World) -> None:
    referral = send(world)
    refused(lambda: referral_revoke(actor=world.manager, referral_id=referral.pk, reason=""), "invalid", 400)
    referral = referral_revoke(actor=world.supervisor, referral_id=referral.pk, reason="Person moved away")
    assert referral.state == State.REVOKED and referral.revoke_reason == "Person moved away"
    assert referral.ended_at is not None
    assert notified(world.receiver, "referral_revoked")
    assert audit_actions(referral)[-1] == "referral.revoke"


def test_sender_cannot_answer_and_receiver_cannot_revoke(world: World) -> None:
    referral = send(world)
    refused(lambda: referral_accept(actor=world.manager, referral_id=referral.pk), "not_receiver", 403)
    refused(
        lambda: referral_decline(actor=world.manager, referral_id=referral.pk, reason="No idea"), "not_receiver", 403
    )
    refused(
        lambda: referral_revoke(actor=world.receiver, referral_id=referral.pk, reason="Not ours"), "not_sender", 403
    )


def test_stranger_gets_not_found(world: World) -> None:
    referral = send(world)
    stranger = make_user(make_organization("BR"), roles=("case_manager",))
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    for actor in (stranger, coordinator):
        refused(lambda actor=actor: referral_accept(actor=actor, referral_id=referral.pk), "not_found", 404)
        refused(
            lambda actor=actor: referral_revoke(actor=actor, referral_id=referral.pk, reason="Because"),
            "not_found",
            404,
        )
    refused(lambda: referral_accept(actor=world.receiver, referral_id="nope"), "not_found", 404)


def test_stale_version_is_refused(world: World) -> None:
    referral = send(world)
    error = refused(lambda: referral_accept(actor=world.receiver, referral_id=referral.pk, version=0), "conflict", 409)
    assert error.extra["current_version"] == 1
    accepted = referral_accept(actor=world.receiver, referral_id=referral.pk, version=1)
    refused(lambda: referral_start(actor=world.receiver, referral_id=referral.pk, version=1), "conflict", 409)
    refused(
        lambda: referral_revoke(actor=world.manager, referral_id=referral.pk, reason="Moved", version=1),
        "conflict",
        409,
    )
    referral_start(actor=world.receiver, referral_id=referral.pk, version=accepted.version)


def test_accept_after_the_due_time_is_expired(world: World) -> None:
    referral = send(world)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    refused(lambda: referral_accept(actor=world.receiver, referral_id=referral.pk), "referral_expired", 409)
    # Declining late is still an answer the sender wants to hear.
    assert referral_decline(actor=world.receiver, referral_id=referral.pk, reason="Too late").state == State.DECLINED


def test_accept_after_revoke_says_revoked(world: World) -> None:
    referral = send(world)
    referral_revoke(actor=world.manager, referral_id=referral.pk, reason="Person moved away")
    refused(lambda: referral_accept(actor=world.receiver, referral_id=referral.pk), "referral_revoked", 409)


ACTIONS = ("accept", "decline", "start", "complete", "revoke")
LEGAL: dict[str, set[str]] = {
    State.SENT: {"accept", "decline", "revoke"},
    State.ACCEPTED: {"start", "complete", "revoke"},
    State.IN_PROGRESS: {"complete", "revoke"},
    State.DECLINED: set(),
    State.COMPLETED: set(),
    State.REVOKED: set(),
    State.EXPIRED: set(),
}


def _act(world: World, action: str, referral: Referral) -> Referral:
    receiver, sender, pk = world.receiver, world.manager, referral.pk
    if action == "accept":
        return referral_accept(actor=receiver, referral_id=pk)
    if action == "decline":
        return referral_decline(actor=receiver, referral_id=pk, reason="Cannot take her")
    if action == "start":
        return referral_start(actor=receiver, referral_id=pk)
    if action == "complete":
        return referral_complete(actor=receiver, referral_id=pk, outcome="completed")
    return referral_revoke(actor=sender, referral_id=pk, reason="Person moved away")


def referral_in(world: World, state: str) -> Referral:
    """A referral of the world's case brought to `state` through the services."""
    referral = send(world)
    paths: dict[str, list[str]] = {
        State.SENT: [],
        State.ACCEPTED: ["accept"],
        State.IN_PROGRESS: ["accept", "start"],
        State.DECLINED: ["decline"],
        State.COMPLETED: ["accept", "complete"],
        State.REVOKED: ["revoke"],
        State.EXPIRED: [],
    }
    path = paths[state]
    for action in path:
        referral = _act(world, action, referral)
    if state == State.EXPIRED:
        referrals_expire_due(now=referral.due_at + timedelta(minutes=1))
    referral.refresh_from_db()
    assert referral.state == state
    return referral


@pytest.mark.parametrize("state", list(LEGAL))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_from_every_state(world: World, state: str, action: str) -> None:
    referral = referral_in(world, state)
    if action in LEGAL[state]:
        assert _act(world, action, referral).version == referral.version + 1
        return
    codes: dict[str, str] = {State.REVOKED: "referral_revoked", State.EXPIRED: "referral_expired"}
    code = codes.get(state, "invalid_transition")
    refused(lambda: _act(world, action, referral), code, 409)
    assert Referral.objects.get(pk=referral.pk).state == state


# The access grant ---------------------------------------------------------------------------------------------


def test_receiver_sees_only_the_shared_sections_while_live(world: World) -> None:
    referral = send(world, sections=["identity"])
    with pytest.raises(NotFound):
        referral_shared_open(actor=world.receiver, referral_id=referral.pk)
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    opened, sections = referral_shared_open(actor=world.receiver, referral_id=referral.pk)
    assert opened.pk == referral.pk
    assert set(sections) == {"profile", "identity"}
    assert [name["name"] for name in sections["identity"]["names"]] == ["Rosa Condori Huanca"]
    assert sections["profile"]["gender"] == "Feminine" and sections["profile"]["region"] == "BR-MT"
    referral_start(actor=world.receiver, referral_id=referral.pk)
    referral_shared_open(actor=world.receiver, referral_id=referral.pk, via="api")
    events = AuditEvent.objects.filter(action="referral.access", object_id=str(referral.pk)).order_by("sequence")
    assert [(e.actor_id, e.changes["via"], e.organization_id) for e in events] == [
        (world.receiver.pk, "web", world.home.pk),
        (world.receiver.pk, "api", world.home.pk),
    ]
    assert all(e.changes["sections"] == ["profile", "identity"] for e in events)


def test_sender_and_strangers_never_open_the_grant(world: World) -> None:
    referral = send(world)
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    stranger = make_user(make_organization("BR"), roles=("case_manager",))
    provider_helpline = make_user(world.provider, roles=("me_officer",))
    for actor in (world.manager, stranger, provider_helpline):
        refused(lambda actor=actor: referral_shared_open(actor=actor, referral_id=referral.pk), "not_found", 404)


@pytest.mark.parametrize("end", ["revoke", "complete", "expire", "decline"])
def test_grant_ends_with_the_referral(world: World, end: str) -> None:
    referral = send(world, sections=["identity", "contact"])
    if end == "expire":
        referrals_expire_due(now=referral.due_at + timedelta(seconds=1))
    elif end == "decline":
        referral_decline(actor=world.receiver, referral_id=referral.pk, reason="No beds")
    else:
        referral_accept(actor=world.receiver, referral_id=referral.pk)
        assert access_referral_by_id(world.receiver, referral.pk).pk == referral.pk
        _act(world, end, referral)
    refused(lambda: referral_shared_open(actor=world.receiver, referral_id=referral.pk), "not_found", 404)
    with pytest.raises(NotFound):
        access_referral_by_id(world.receiver, referral.pk)
    # The sender's side keeps the record.
    assert access_referral_by_id(world.manager, referral.pk).pk == referral.pk
    assert access_referral_by_id(world.supervisor, referral.pk).pk == referral.pk


def test_access_by_id_for_receiver_while_open(world: World) -> None:
    referral = send(world)
    assert access_referral_by_id(world.receiver, referral.pk).pk == referral.pk
    with pytest.raises(NotFound):
        access_referral_by_id(make_user(make_organization("BR"), roles=("case_manager",)), referral.pk)


def test_case_data_stays_at_home_for_the_receiver(world: World) -> None:
    referral = send(world)
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    assert not Case.objects.restrict(world.receiver, "view").filter(pk=world.case.pk).exists()


def test_letter_answers_are_recorded_by_the_sender(world: World) -> None:
    referral = send(world, channel="letter", service_type="shelter", recipient="Casa Abrigo, Cuiabá")
    refused(lambda: referral_accept(actor=world.receiver, referral_id=referral.pk), "not_found", 404)
    referral = referral_accept(actor=world.manager, referral_id=referral.pk)
    assert referral.state == State.ACCEPTED and referral.responded_by == world.manager
    refused(lambda: referral_shared_open(actor=world.manager, referral_id=referral.pk), "not_found", 404)
    referral = referral_complete(actor=world.manager, referral_id=referral.pk, outcome="completed")
    # No organization on tipsom gave the service: nothing to record as delivered by one.
    assert referral.state == State.COMPLETED and referral.delivery is None
    assert not ServiceDelivery.objects.exists()


# Lists --------------------------------------------------------------------------------------------------------


def test_inbox_and_outbox_show_each_side_its_referrals(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tipsom.referrals.selectors.referral import referral_inbox, referral_list, referral_outbox

    shelter = send(world)
    medical = send(world, service_id=make_service(world.provider, "medical").pk)
    referral_decline(actor=world.receiver, referral_id=medical.pk, reason="No doctor this week")
    elsewhere = make_world()
    send(elsewhere)
    assert list(referral_inbox(user=world.receiver)) == [medical, shelter]
    assert list(referral_inbox(user=world.receiver, state="open")) == [shelter]
    assert list(referral_inbox(user=world.receiver, state="declined")) == [medical]
    assert list(referral_inbox(user=world.manager)) == []
    assert list(referral_outbox(user=world.manager)) == [medical, shelter]
    assert list(referral_outbox(user=world.manager, state="open")) == [shelter]
    assert list(referral_outbox(user=world.receiver)) == []
    assert {r.pk for r in referral_list(user=world.supervisor)} == {shelter.pk, medical.pk}
    with CaptureQueriesContext(connection) as queries:
        outbox = referral_outbox(user=world.manager)
        related = [(r.case, r.to_organization, r.service) for r in outbox]
        rows = [(case.case_number, to.name, service.name) for case, to, service in related if case and to and service]
    assert len(rows) == 2 and len(queries) <= 3
    # Lists never load the encrypted columns.
    assert {"message", "recipient", "decline_reason", "payload"} <= referral_inbox(user=world.receiver)[
        0
    ].get_deferred_fields()
