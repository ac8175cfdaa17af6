"""Referral API: every endpoint tried as anonymous, unpermitted, other-organization and permitted users; who
answers what; bad transitions that change nothing; what the sender and the receiver each see."""

from __future__ import annotations

import json
from typing import Any
from weakref import WeakKeyDictionary

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case, ServiceDelivery
from tipsom.cases.services import consent_record
from tipsom.cases.testing import case_actor, make_case
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.referrals import services
from tipsom.referrals.models import SUPPORT_TYPE, Referral, State
from tipsom.referrals.testing import make_service

MESSAGE = "She needs a safe place tonight; speaks Spanish only."
LIST_FIELDS = {
    "id",
    "case_number",
    "is_child",
    "channel",
    "service_type",
    "urgency",
    "state",
    "overdue",
    "due_at",
    "sent_at",
    "from_organization",
    "to_organization",
    "service",
    "partner_country",
    "version",
}


# --- Helpers (the other referral test modules import these) ----------------------------------------------------
def referable_case(organization: Organization) -> Case:
    """A case of `organization` whose person agreed to referral to every type of service."""
    case = make_case(organization)
    consent_record(
        actor=case_actor(case),
        case_id=case.pk,
        purpose="referral",
        given=True,
        recorded_on="2026-10-03",
        given_by="person",
        service_types=sorted(set(SUPPORT_TYPE.values())),
    )
    return Case.objects.get(pk=case.pk)


# Who sent each referral send_referral made.
_SENDERS: WeakKeyDictionary[Referral, User] = WeakKeyDictionary()


def send_referral(sender: Organization, receiver: Organization, **fields: Any) -> Referral:
    """A referral from a case of `sender` to a shelter of `receiver`, sent by the case's case manager; the
    sending user is kept (see sender_of), the case's too (cases.testing.case_actor)."""
    case = referable_case(sender)
    actor = make_user(sender, roles=("case_manager",))
    service = make_service(receiver)
    fields.setdefault("sections", ["identity"])
    fields.setdefault("message", MESSAGE)
    referral = services.referral_send(actor=actor, case_id=case.pk, service_id=service.pk, **fields)
    _SENDERS[referral] = actor
    return referral


def sender_of(referral: Referral) -> User:
    """The user send_referral sent `referral` as."""
    return _SENDERS[referral]


def receiver_of(referral: Referral) -> Any:
    return make_user(referral.to_organization, roles=("case_manager",))


def accepted_referral(sender: Organization, receiver: Organization) -> Referral:
    referral = send_referral(sender, receiver)
    services.referral_accept(actor=receiver_of(referral), referral_id=referral.pk)
    referral.refresh_from_db()
    return referral


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def referral_url(referral: Referral, name: str = "detail") -> str:
    return reverse(f"api:referral-{name}", kwargs={"pk": referral.pk})


def snapshot(referral: Referral) -> tuple[Any, ...]:
    """What a refused request must leave as it was: the row's state and version, and the audit trail."""
    row = Referral.objects.get(pk=referral.pk)
    return row.state, row.version, row.responded_at, row.ended_at, row.decline_reason, AuditEvent.objects.count()


# --- Access: every endpoint ----------------------------------------------------------------------------------
class ReceivedAccess(AccessCase):
    """Endpoints of a referral the home organization received."""

    permitted_role = "case_manager"
    method = "post"

    def make_object(self, organization: Organization) -> Referral:
        return send_referral(make_organization("BR"), organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class SentAccess(ReceivedAccess):
    """Endpoints of a referral the home organization sent."""

    def make_object(self, organization: Organization) -> Referral:
        return send_referral(organization, make_organization("BR"))


class TestReferralListApi(AccessCase):
    url_name = "api:referral-list"
    permitted_role = "case_manager"
    model = Referral

    def make_object(self, organization: Organization) -> None:
        send_referral(make_organization("BR"), organization)
        return None

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"box": "received"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        assert len(rows) == 1 and set(rows[0]) == LIST_FIELDS
        assert rows[0]["state"] == "sent" and rows[0]["case_number"].startswith("BR-2026-")
        assert MESSAGE not in response.content.decode() and "Maria" not in response.content.decode()


class TestReferralSendApi(AccessCase):
    url_name = "api:referral-list"
    method = "post"
    permitted_role = "case_manager"
    permitted_status = 201

    def make_object(self, organization: Organization) -> Case:
        case = referable_case(organization)
        case._service = make_service(make_organization("BR"))  # type: ignore[attr-defined]
        return case

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "case": obj.pk,
            "service": obj._service.pk,
            "sections": ["identity"],
            "urgency": "urgent",
            "message": MESSAGE,
        }

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        referral = Referral.objects.get(pk=body["id"])
        assert (referral.case_id, referral.service_id, referral.state) == (obj.pk, obj._service.pk, "sent")
        assert referral.sections == ["profile", "identity"] and referral.urgency == "urgent"
        assert body["view"] == "full" and body["message"] == MESSAGE
        event = AuditEvent.objects.filter(action="referral.send").latest("sequence")
        assert (event.object_id, event.channel) == (str(referral.pk), "api")

    def test_other_organization(self, home_org: Organization) -> None:
        case = self.make_object(home_org)
        user = make_user(make_organization("BR"), roles=(self.permitted_role,))
        response = self.request(self._client_for(user), case)
        assert response.status_code == 404, response.content
        assert not Referral.objects.exists()


class TestReferralDetailSenderApi(SentAccess):
    url_name = "api:referral-detail"
    method = "get"

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["view"] == "full" and body["message"] == MESSAGE and body["case"] == obj.case_id
        assert body["sections"] == ["profile", "identity"]


class TestReferralDetailReceiverApi(ReceivedAccess):
    url_name = "api:referral-detail"
    method = "get"

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["view"] == "header" and body["state"] == "sent"
        assert body["case_number"] == obj.case.case_number and body["sections"] == ["profile", "identity"]
        for sender_only in ("case", "recipient", "consent_override", "warnings", "created_by"):
            assert sender_only not in body
        # The receiver reads the sender's message to decide, while the referral is open.
        assert body["message"] == MESSAGE


class TestReferralSharedCaseApi(ReceivedAccess):
    url_name = "api:referral-case"
    method = "get"

    def make_object(self, organization: Organization) -> Referral:
        return accepted_referral(make_organization("BR"), organization)

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert set(body["sections"]) == {"profile", "identity"}
        assert body["sections"]["identity"]["names"][0]["name"] == "Maria Flores Condori"
        assert body["sections"]["profile"]["citizenships"] == ["BO"]
        assert body["referral"]["view"] == "header" and body["referral"]["message"] == MESSAGE
        event = AuditEvent.objects.filter(action="referral.access").latest("sequence")
        assert (event.object_id, event.channel, event.changes["via"]) == (str(obj.pk), "api", "api")


class TestReferralAcceptApi(ReceivedAccess):
    url_name = "api:referral-accept"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version}

    def check_permitted(self, response: Any, obj: Any) -> None:
        row = Referral.objects.get(pk=obj.pk)
        assert row.state == State.ACCEPTED and row.version == obj.version + 1
        assert response.json()["state"] == "accepted" and response.json()["version"] == row.version
        assert AuditEvent.objects.filter(action="referral.accept", object_id=str(obj.pk)).count() == 1


class TestReferralDeclineApi(ReceivedAccess):
    url_name = "api:referral-decline"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "No places left this week.", "version": obj.version}

    def check_permitted(self, response: Any, obj: Any) -> None:
        row = Referral.objects.get(pk=obj.pk)
        assert row.state == State.DECLINED and row.decline_reason == "No places left this week."
        assert response.json()["state"] == "declined"


class TestReferralStartApi(ReceivedAccess):
    url_name = "api:referral-start"

    def make_object(self, organization: Organization) -> Referral:
        return accepted_referral(make_organization("BR"), organization)

    def check_permitted(self, response: Any, obj: Any) -> None:
        row = Referral.objects.get(pk=obj.pk)
        assert row.state == State.IN_PROGRESS and row.started_at is not None
        assert response.json()["state"] == "in_progress"


class TestReferralCompleteApi(ReceivedAccess):
    url_name = "api:referral-complete"

    def make_object(self, organization: Organization) -> Referral:
        return accepted_referral(make_organization("BR"), organization)

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"outcome": "completed", "notes": "Stayed three weeks.", "version": obj.version}

    def check_permitted(self, response: Any, obj: Any) -> None:
        row = Referral.objects.get(pk=obj.pk)
        assert row.state == State.COMPLETED and row.outcome == "completed" and row.delivery_id is not None
        delivery = ServiceDelivery.objects.get(pk=row.delivery_id)
        assert (delivery.case_id, delivery.provider_id, delivery.support_type) == (
            obj.case_id,
            row.to_organization_id,
            "Shelter",
        )
        assert response.json()["state"] == "completed"


class TestReferralRevokeApi(SentAccess):
    url_name = "api:referral-revoke"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "The person moved to another city.", "version": obj.version}

    def check_permitted(self, response: Any, obj: Any) -> None:
        row = Referral.objects.get(pk=obj.pk)
        assert row.state == State.REVOKED and row.revoke_reason == "The person moved to another city."
        body = response.json()
        assert body["view"] == "full" and body["revoke_reason"] == "The person moved to another city."


# --- Who answers what; refused transitions change nothing ------------------------------------------------------


@pytest.fixture
def pair(db: Any) -> tuple[Organization, Organization]:
    return make_organization("BR"), make_organization("BR")


@pytest.mark.django_db
def test_the_sender_cannot_accept(pair) -> None:
    referral = send_referral(*pair)
    before = snapshot(referral)
    response = post(client_for(sender_of(referral)), referral_url(referral, "accept"))
    assert response.status_code == 403 and response.json()["code"] == "not_receiver"
    assert snapshot(referral) == before


@pytest.mark.django_db
def test_the_receiver_cannot_revoke(pair) -> None:
    referral = send_referral(*pair)
    before = snapshot(referral)
    response = post(client_for(receiver_of(referral)), referral_url(referral, "revoke"), {"reason": "Not ours."})
    assert response.status_code == 403 and response.json()["code"] == "not_sender"
    assert snapshot(referral) == before


@pytest.mark.django_db
def test_accept_after_revoke_is_refused_and_changes_nothing(pair) -> None:
    referral = send_referral(*pair)
    services.referral_revoke(actor=sender_of(referral), referral_id=referral.pk, reason="The person moved away.")
    receiver = receiver_of(referral)
    before = snapshot(referral)
    # The receiver no longer sees a revoked referral at all, so the answer is the service's own refusal...
    response = post(client_for(receiver), referral_url(referral, "accept"))
    assert response.status_code == 409 and response.json()["code"] == "referral_revoked"
    assert snapshot(referral) == before
    # ...and its detail is gone.
    assert client_for(receiver).get(referral_url(referral)).status_code == 404


@pytest.mark.django_db
def test_complete_from_sent_is_an_invalid_transition(pair) -> None:
    referral = send_referral(*pair)
    before = snapshot(referral)
    deliveries = ServiceDelivery.objects.count()
    response = post(client_for(receiver_of(referral)), referral_url(referral, "complete"), {"outcome": "completed"})
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "invalid_transition" and response.json()["extra"]["state"] == "sent"
    assert snapshot(referral) == before and ServiceDelivery.objects.count() == deliveries


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "  "}])
def test_decline_without_reason_is_refused(pair, payload) -> None:
    referral = send_referral(*pair)
    before = snapshot(referral)
    response = post(client_for(receiver_of(referral)), referral_url(referral, "decline"), payload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and "reason" in body["extra"]["fields"]
    assert snapshot(referral) == before


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict(pair) -> None:
    referral = send_referral(*pair)
    before = snapshot(referral)
    response = post(client_for(receiver_of(referral)), referral_url(referral, "accept"), {"version": 99})
    assert response.status_code == 409 and response.json()["extra"]["current_version"] == referral.version
    assert snapshot(referral) == before


@pytest.mark.django_db
def test_unknown_fields_are_refused(pair) -> None:
    referral = send_referral(*pair)
    before = snapshot(referral)
    response = post(client_for(receiver_of(referral)), referral_url(referral, "accept"), {"state": "completed"})
    assert response.status_code == 400 and "state" in response.json()["extra"]["fields"]
    assert snapshot(referral) == before


@pytest.mark.django_db
def test_the_receiver_sees_the_case_only_while_the_referral_is_live(pair) -> None:
    referral = send_referral(*pair)
    receiver = client_for(receiver_of(referral))
    assert receiver.get(referral_url(referral, "case")).status_code == 404  # sent: not yet
    assert post(receiver, referral_url(referral, "accept")).status_code == 200
    assert receiver.get(referral_url(referral, "case")).status_code == 200
    # The sender sees the case itself, not through the referral's grant.
    assert client_for(sender_of(referral)).get(referral_url(referral, "case")).status_code == 404
    services.referral_revoke(actor=sender_of(referral), referral_id=referral.pk, reason="The person moved away.")
    accesses = AuditEvent.objects.filter(action="referral.access").count()
    assert receiver.get(referral_url(referral, "case")).status_code == 404
    assert AuditEvent.objects.filter(action="referral.access").count() == accesses


@pytest.mark.django_db
def test_decline_answers_the_header_and_then_the_referral_is_closed_to_the_receiver(pair) -> None:
    referral = send_referral(*pair)
    receiver = client_for(receiver_of(referral))
    response = post(receiver, referral_url(referral, "decline"), {"reason": "No places left this week."})
    assert response.status_code == 200 and response.json()["view"] == "header"
    assert "decline_reason" not in response.json()
    assert receiver.get(referral_url(referral)).status_code == 404
    sender = client_for(sender_of(referral)).get(referral_url(referral)).json()
    assert sender["state"] == "declined" and sender["decline_reason"] == "No places left this week."


# --- Sending -----------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_service_with_warnings_needs_a_reason(pair) -> None:
    sender, receiver = pair
    case = referable_case(sender)
    full = make_service(receiver, capacity_total=10, capacity_available=0)
    client = client_for(make_user(sender, roles=("case_manager",)))
    counts = Referral.objects.count(), AuditEvent.objects.count()
    payload = {"case": case.pk, "service": full.pk}
    response = post(client, reverse("api:referral-list"), payload)
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "referral_warning" and [w["code"] for w in body["extra"]["warnings"]] == ["no_places"]
    assert (Referral.objects.count(), AuditEvent.objects.count()) == counts
    response = post(client, reverse("api:referral-list"), {**payload, "warning_override": "Promised a bed today."})
    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == ["no_places"] and response.json()["warning_override"]


@pytest.mark.django_db
def test_send_with_bad_fields_changes_nothing(pair) -> None:
    sender, _receiver = pair
    case = referable_case(sender)
    client = client_for(make_user(sender, roles=("case_manager",)))
    counts = Referral.objects.count(), AuditEvent.objects.count()
    response = post(
        client,
        reverse("api:referral-list"),
        {"case": case.pk, "service": 999999, "urgency": "now", "sections": ["diary"]},
    )
    assert response.status_code == 400, response.content
    assert set(response.json()["extra"]["fields"]) == {"service", "urgency", "sections"}
    assert (Referral.objects.count(), AuditEvent.objects.count()) == counts


# --- Lists -----------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_boxes_and_states(pair) -> None:
    home, other = pair
    received = send_referral(other, home)
    sent = send_referral(home, other)
    services.referral_accept(actor=receiver_of(sent), referral_id=sent.pk)
    client = client_for(make_user(home, roles=("case_manager",)))

    def ids(**params: str) -> list[int]:
        response = client.get(reverse("api:referral-list"), params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(box="received") == [received.pk]
    assert ids(box="sent") == [sent.pk]
    assert ids() == ids(box="all") == [sent.pk, received.pk]
    assert ids(box="all", state="accepted") == [sent.pk]
    assert ids(box="sent", state="sent") == []
    assert ids(box="received", state="open") == [received.pk]
    response = client.get(reverse("api:referral-list"), {"box": "mine"})
    assert response.status_code == 400 and "box" in response.json()["extra"]["fields"]


@pytest.mark.django_db
def test_the_list_costs_the_same_for_one_row_or_many(pair) -> None:
    home, other = pair
    client = client_for(make_user(home, roles=("case_manager",)))
    send_referral(other, home)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(reverse("api:referral-list")).json()["results"]) == 1
    for _ in range(3):
        send_referral(make_organization("BR"), home)
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(reverse("api:referral-list")).json()["results"]) == 4
    assert len(four) == len(one)


@pytest.mark.django_db
def test_a_national_coordinator_lists_the_country_without_case_data(pair) -> None:
    home, other = pair
    referral = send_referral(other, home)
    send_referral(make_organization("CO"), make_organization("CO"))
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    response = client_for(coordinator).get(reverse("api:referral-list"))
    assert [row["id"] for row in response.json()["results"]] == [referral.pk]
    assert MESSAGE not in response.content.decode()


@pytest.mark.django_db
def test_a_list_row_is_what_the_documented_serializer_gives(pair) -> None:
    """The list is built from .values() for speed; it must keep ReferralListSerializer's shape and values."""
    from tipsom.referrals.api.referral import ReferralListSerializer

    home, other = pair
    referral = send_referral(other, home)
    client = client_for(make_user(home, roles=("case_manager",)))
    row = client.get(reverse("api:referral-list"), {"box": "received"}).json()["results"][0]
    expected = ReferralListSerializer(
        Referral.objects.select_related("case", "from_organization", "to_organization", "service").get(pk=referral.pk)
    ).data
    assert row == json.loads(json.dumps(expected))
    assert row["to_organization"] == {"id": home.pk, "name": home.name} and row["case_number"]
