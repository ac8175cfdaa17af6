"""Blocked numbers: every rule and refusal of blocking (an operator's day, a supervisor's longer block with its
written reason, the number found whichever way it is written, a block already in force), blocking a contact's
number unseen, lifting early, the end by time, the audited reveal; the screens and the contact page's warning (a
contact from a blocked number is still recorded). Each refusal changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.helpline.models import BlockedNumber
from tipsom.helpline.numbers import number_index
from tipsom.helpline.selectors import number_blocked
from tipsom.helpline.services import blocks as services
from tipsom.helpline.testing import BRICK_KILN_CALL, make_blocked_number, make_contact, make_helpline, make_operator

NUMBER = "0300 1112233"
SAME_NUMBER = "+92 300 111 2233"
NOTE = "Threatened the operator three times this week"


def _audits(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- Blocking -------------------------------------------------------------------------------------------------
def test_an_operator_blocks_a_number_for_a_day(operator):
    before = timezone.now()
    block = services.number_block(actor=operator, number=NUMBER, reason="abuse")
    assert block.owner_organization_id == operator.organization_id and block.country == "PK"
    assert block.created_by == operator and block.reason == "abuse"
    assert before + datetime.timedelta(hours=24) <= block.until <= timezone.now() + datetime.timedelta(hours=24)
    assert BlockedNumber.objects.get(pk=block.pk).number == "+923001112233"  # kept in its normal form, encrypted
    # Found whichever way the number is written.
    found = number_blocked(organization_id=operator.organization_id, index=number_index(SAME_NUMBER, "PK"))
    assert found == block
    [event] = _audits("helpline.number.block")
    assert event.changes == {"reason": "abuse", "duration": "24h", "until": block.until.isoformat(), "note": ""}
    assert "1112233" not in str(event.changes) and block.number_index not in str(event.changes)


def test_an_operator_cannot_block_for_longer(operator):
    with pytest.raises(ApplicationError) as caught:
        services.number_block(actor=operator, number=NUMBER, reason="threats", duration="5y", note=NOTE)
    assert caught.value.status_code == 403 and caught.value.code == "forbidden"
    assert not BlockedNumber.objects.exists() and not _audits("helpline.number.block")


def test_a_supervisor_blocks_for_longer_with_a_written_reason(supervisor):
    with pytest.raises(ApplicationError) as caught:
        services.number_block(actor=supervisor, number=NUMBER, reason="threats", duration="1y")
    assert "note" in caught.value.extra["fields"]
    assert not BlockedNumber.objects.exists()
    block = services.number_block(actor=supervisor, number=NUMBER, reason="threats", duration="5y", note=NOTE)
    assert block.until - block.created_at > datetime.timedelta(days=5 * 365 - 1)
    assert BlockedNumber.objects.get(pk=block.pk).note == NOTE
    [event] = _audits("helpline.number.block")
    assert event.changes["note"] == "[identifying]" and NOTE not in str(event.changes)
    assert event.changes["duration"] == "5y"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"number": "", "reason": "abuse"}, "number"),
        ({"number": "call me", "reason": "abuse"}, "number"),
        ({"number": "12", "reason": "abuse"}, "number"),
        ({"number": NUMBER, "reason": "rude"}, "reason"),
        ({"number": NUMBER, "reason": "abuse", "duration": "2d"}, "duration"),
        ({"number": NUMBER, "reason": "abuse", "duration": "24h", "note": "bad\u202etext"}, "note"),
    ],
)
def test_bad_input_is_refused_with_its_field(supervisor, fields, field):
    with pytest.raises(ApplicationError) as caught:
        services.number_block(actor=supervisor, **fields)
    assert field in caught.value.extra["fields"]
    assert not BlockedNumber.objects.exists()


def test_a_number_blocked_at_least_as_long_is_not_blocked_again(operator, supervisor):
    day = services.number_block(actor=operator, number=NUMBER, reason="prank")
    with pytest.raises(Conflict) as caught:
        services.number_block(actor=operator, number=SAME_NUMBER, reason="abuse")
    assert caught.value.extra == {"block": day.pk}
    # A supervisor's longer block is added; the number is blocked until its end.
    year = services.number_block(actor=supervisor, number=SAME_NUMBER, reason="threats", duration="1y", note=NOTE)
    assert _audits("helpline.number.block")[-1].changes["extends"] == day.pk
    assert number_blocked(organization_id=operator.organization_id, index=day.number_index) == year
    with pytest.raises(Conflict):
        services.number_block(actor=supervisor, number=NUMBER, reason="threats", duration="30d", note=NOTE)
    assert BlockedNumber.objects.count() == 2


def test_each_helpline_blocks_its_own(operator):
    services.number_block(actor=operator, number=NUMBER, reason="abuse")
    other = make_operator(make_helpline("PK"))
    block = services.number_block(actor=other, number=NUMBER, reason="abuse")  # not blocked there yet
    assert block.owner_organization_id == other.organization_id
    assert BlockedNumber.objects.count() == 2


def test_who_may_not_block(helpline):
    for roles in ((), ("me_officer",), ("case_manager",)):
        with pytest.raises(NotFound):
            services.number_block(actor=make_user(helpline, roles=roles), number=NUMBER, reason="abuse")
    assert not BlockedNumber.objects.exists()


# --- From a contact -------------------------------------------------------------------------------------------
def test_a_contacts_number_is_blocked_without_being_shown(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    block = services.contact_number_block(actor=operator, contact_id=contact.pk, reason="abuse")
    assert block.number_index == contact.caller_number_index
    [event] = _audits("helpline.number.block")
    assert event.changes["contact"] == contact.pk
    assert not AuditEvent.objects.filter(action="reveal").exists()  # nobody saw the number


def test_a_contact_without_a_number_cannot_be_blocked_from(operator):
    anonymous = make_contact(actor=operator, caller_role="anonymous")
    silent = make_contact(actor=operator, contact_type="silent", caller_role="")
    for contact in (anonymous, silent):
        with pytest.raises(ApplicationError) as caught:
            services.contact_number_block(actor=operator, contact_id=contact.pk, reason="prank")
        assert caught.value.code == "no_number"
    assert not BlockedNumber.objects.exists()


def test_another_helplines_contact_is_not_found(operator):
    contact = make_contact(**BRICK_KILN_CALL)  # another helpline's
    with pytest.raises(NotFound):
        services.contact_number_block(actor=operator, contact_id=contact.pk, reason="abuse")
    assert not BlockedNumber.objects.exists()


def test_a_contact_from_a_blocked_number_is_still_recorded_and_flagged(operator):
    services.number_block(actor=operator, number=BRICK_KILN_CALL["caller_number"], reason="prank")
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    assert contact.pk and contact.is_open
    page = sign_in(Client(), operator).get(reverse("helpline:detail", kwargs={"pk": contact.pk}))
    assert page.status_code == 200
    assert b'id="blocked-number"' in page.content and b"data-blocked-until" in page.content
    assert b"This number is blocked" in page.content


# --- Lifting and ending -----------------------------------------------------------------------------------------
def test_only_a_supervisor_lifts_a_block_early(operator, supervisor):
    block = services.number_block(actor=operator, number=NUMBER, reason="abuse")
    with pytest.raises(ApplicationError) as caught:
        services.number_unblock(actor=operator, block_id=block.pk)
    assert caught.value.status_code == 403
    lifted = services.number_unblock(actor=supervisor, block_id=block.pk, version=block.version)
    assert lifted.lifted_at and lifted.lifted_by == supervisor and lifted.version == block.version + 1
    assert number_blocked(organization_id=block.owner_organization_id, index=block.number_index) is None
    with pytest.raises(Conflict):
        services.number_unblock(actor=supervisor, block_id=block.pk)
    assert len(_audits("helpline.number.unblock")) == 1


def test_a_stale_version_or_another_helpline_changes_nothing(operator, supervisor):
    block = services.number_block(actor=operator, number=NUMBER, reason="abuse")
    with pytest.raises(Conflict):
        services.number_unblock(actor=supervisor, block_id=block.pk, version=block.version + 1)
    other_supervisor = make_user(make_helpline("PK"), roles=("helpline_supervisor",))
    with pytest.raises(NotFound):
        services.number_unblock(actor=other_supervisor, block_id=block.pk)
    assert BlockedNumber.objects.get(pk=block.pk).lifted_at is None


def test_a_block_ends_by_itself(helpline):
    ended = make_blocked_number(helpline, "+923009998877", hours=-1)
    assert number_blocked(organization_id=helpline.pk, index=ended.number_index) is None
    later = timezone.now() + datetime.timedelta(hours=25)
    live = make_blocked_number(helpline, "+923009998876", hours=24)
    assert number_blocked(organization_id=helpline.pk, index=live.number_index) == live
    assert number_blocked(organization_id=helpline.pk, index=live.number_index, now=later) is None
    supervisor = make_user(helpline, roles=("helpline_supervisor",))
    with pytest.raises(Conflict):
        services.number_unblock(actor=supervisor, block_id=ended.pk)


# --- Reveal -----------------------------------------------------------------------------------------------------
def test_the_number_and_the_reason_are_revealed_with_an_audit(supervisor):
    block = services.number_block(actor=supervisor, number=NUMBER, reason="threats", duration="30d", note=NOTE)
    with pytest.raises(ApplicationError):
        services.block_reveal(actor=supervisor, block_id=block.pk, reason="test")
    values = services.block_reveal(actor=supervisor, block_id=block.pk, reason="To tell the police which number")
    assert values == {"number": "+923001112233", "note": NOTE}
    event = AuditEvent.objects.get(action="reveal", object_id=str(block.pk))
    assert event.object_type == "helpline.blockednumber" and event.changes == {"fields": ["note", "number"]}
    with pytest.raises(NotFound):
        services.block_reveal(
            actor=make_user(make_helpline("PK"), roles=("helpline_operator",)),
            block_id=block.pk,
            reason="To tell the police which number",
        )


# --- Screens ----------------------------------------------------------------------------------------------------
def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def test_the_blocks_page_masks_numbers_and_offers_what_the_role_may(operator, supervisor):
    services.number_block(actor=operator, number=NUMBER, reason="abuse")
    page = _client(operator).get(reverse("helpline:blocks"))
    text = page.content.decode()
    assert page.status_code == 200 and "••••••33" in text and "3001112233" not in text
    assert 'name="duration"' in text and '"5y"' not in text and "Lift" not in text
    page = _client(supervisor).get(reverse("helpline:blocks"))
    text = page.content.decode()
    assert '"5y"' in text and 'name="note"' in text and "Lift" in text


def test_blocking_on_the_screen(operator, supervisor):
    client = _client(operator)
    refused = client.post(reverse("helpline:block_create"), {"number": "abc", "reason": "abuse", "duration": "24h"})
    assert refused.status_code == 400 and not BlockedNumber.objects.exists()
    longer = client.post(reverse("helpline:block_create"), {"number": NUMBER, "reason": "abuse", "duration": "5y"})
    assert longer.status_code == 400 and not BlockedNumber.objects.exists()  # not a choice an operator has
    done = client.post(reverse("helpline:block_create"), {"number": NUMBER, "reason": "abuse", "duration": "24h"})
    assert done.status_code == 302 and BlockedNumber.objects.count() == 1
    block = BlockedNumber.objects.get()
    lifted = _client(supervisor).post(reverse("helpline:block_lift", kwargs={"pk": block.pk}), {"version": 1})
    assert lifted.status_code == 302 and BlockedNumber.objects.get().lifted_at is not None


def test_blocking_from_the_contact_page(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    client = _client(operator)
    page = client.get(reverse("helpline:detail", kwargs={"pk": contact.pk}))
    assert b"Block the number this contact came from" in page.content
    response = client.post(
        reverse("helpline:contact_block", kwargs={"pk": contact.pk}), {"reason": "abuse", "duration": "24h"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#blocked-number")
    assert BlockedNumber.objects.get().number_index == contact.caller_number_index
    again = client.get(reverse("helpline:detail", kwargs={"pk": contact.pk}))
    assert b"This number is blocked" in again.content


def test_revealing_on_the_screen(supervisor):
    block = services.number_block(actor=supervisor, number=NUMBER, reason="abuse")
    client = _client(supervisor)
    url = reverse("helpline:block_reveal", kwargs={"pk": block.pk})
    refused = client.post(url, {"reason": "x"})
    assert refused.status_code == 400 and not AuditEvent.objects.filter(action="reveal").exists()
    shown = client.post(url, {"reason": "To tell the police which number"})
    assert shown.status_code == 200 and "+923001112233" in shown.content.decode()
