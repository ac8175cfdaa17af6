"""The one text rule in referrals: a referral's message (and a decline reason, a transfer's reason) holding a
direction override or another control character is refused with a clear message, by the service and the API;
nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization
from tipsom.referrals.services import referral_decline, transfer_request
from tipsom.referrals.tests.factories import World, make_world, send, snapshot

pytestmark = pytest.mark.django_db

SPOOFS = ["Needs a place \u202ethginot", "Needs \u2066a place\u2069 tonight", "Needs a place\x1b tonight"]


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


@pytest.mark.parametrize("message", SPOOFS)
def test_the_service_refuses_a_spoofed_message(world: World, message: str) -> None:
    before = snapshot()
    with pytest.raises(ApplicationError) as raised:
        send(world, message=message)
    assert "control characters" in raised.value.extra["fields"]["message"]
    assert snapshot() == before


@pytest.mark.parametrize("message", SPOOFS[:2])
def test_the_api_refuses_a_spoofed_message(world: World, message: str) -> None:
    before = snapshot()
    payload = {"case": world.case.pk, "service": world.service.pk, "sections": ["identity"], "message": message}
    response = sign_in(Client(), world.manager).post(
        reverse("api:referral-list"), json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "control characters" in json.dumps(response.json())
    assert snapshot() == before


def test_a_decline_reason_and_a_transfer_reason_follow_the_rule(world: World) -> None:
    referral = send(world, message="Needs a place tonight")
    before = snapshot()
    with pytest.raises(ApplicationError) as raised:
        referral_decline(actor=world.receiver, referral_id=referral.pk, reason="No \u202eplaces left")
    assert "reason" in raised.value.extra["fields"]
    other = make_organization("BR")
    make_user(other, roles=("case_manager",))
    with pytest.raises(ApplicationError) as raised:
        transfer_request(
            actor=world.manager, case_id=world.case.pk, to_organization_id=other.pk, reason="Moving \u2067to São Paulo"
        )
    assert "reason" in raised.value.extra["fields"]
    assert snapshot() == before
