"""The referral screens' behaviour: sending from the case page (consent, warnings, the reasons they ask for),
what the receiver sees and when, answers with stale versions or missing reasons, lists without names, and
transfers asked for and answered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.referrals.models import Referral, State, Transfer
from tipsom.referrals.services import referral_accept, referral_revoke, referrals_expire_due
from tipsom.referrals.tests.factories import (
    adult_person,
    give_consent,
    make_case,
    make_service,
    make_world,
    send,
    snapshot,
)

PHONE = "+55 65 99876-5432"
NAME = "Rosa Condori Huanca"


def client_for(user: User) -> Client:
    return sign_in(Client(), user)


@pytest.fixture
def world(db: Any) -> Any:
    """A consented adult case with a phone number, and a shelter of another organization."""
    world = make_world(consent=[])
    case = make_case(world.identifier, world.home, person=adult_person(contacts=[{"kind": "phone", "value": PHONE}]))
    give_consent(world.manager, case)
    case.refresh_from_db()
    world.case = case
    return world


def send_url(world: Any) -> str:
    return f"/cases/{world.case.pk}/referrals/send/"


def post_send(world: Any, client: Client | None = None, htmx: bool = False, **data: Any) -> Any:
    payload = {"channel": "system", "service": world.service.pk, "urgency": "urgent", "sections": ["identity"]}
    payload.update(data)
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return (client or client_for(world.manager)).post(send_url(world), payload, **headers)


# Sending -----------------------------------------------------------------------------------------------------------


def test_tab_preselects_a_suggested_service_with_its_minimum_sections(world: Any) -> None:
    body = client_for(world.manager).get(f"/cases/{world.case.pk}/referrals/?service={world.service.pk}").content
    html = body.decode()
    assert f'<option value="{world.service.pk}" selected data-sections="profile identity">' in html
    # The shelter's minimum (identity) is ticked; the profile is ticked and cannot be unticked.
    assert 'value="identity" class="form-check-input" id="form-referral-send-system-sections_1" checked>' in html
    assert (
        'value="profile" class="form-check-input" id="form-referral-send-system-sections_0" checked disabled>' in html
    )
    assert 'value="contact" class="form-check-input" id="form-referral-send-system-sections_2">' in html
    assert NAME.encode() not in body


def test_send_then_receiver_sees_only_the_shared_sections(world: Any) -> None:
    response = post_send(world, message="Needs a safe bed tonight.")
    assert response.status_code == 302, response.content[:500]
    referral = Referral.objects.get(case=world.case)
    assert referral.sections == ["profile", "identity"] and referral.urgency == "urgent"

    receiver = client_for(world.receiver)
    before_accept = receiver.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Needs a safe bed tonight." in before_accept  # enough to decide
    assert NAME not in before_accept and 'data-section="identity"' not in before_accept

    assert receiver.post(f"/referrals/{referral.pk}/accept/", {"version": referral.version}).status_code == 302
    accesses = AuditEvent.objects.filter(action="referral.access", object_id=str(referral.pk)).count()
    page = receiver.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'data-section="identity"' in page and NAME in page and 'dir="auto"' in page
    assert 'data-section="contact"' not in page and PHONE not in page  # contact was not shared
    assert 'data-section="profile"' in page
    assert AuditEvent.objects.filter(action="referral.access", object_id=str(referral.pk)).count() == accesses + 1


def test_sender_sees_who_opened_the_shared_sections(world: Any) -> None:
    referral = send(world)
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    assert client_for(world.receiver).get(f"/referrals/{referral.pk}/").status_code == 200
    page = client_for(world.manager).get(f"/referrals/{referral.pk}/").content.decode()
    assert 'data-audit-action="referral.access"' in page and world.receiver.full_name in page
    assert 'data-audit-action="referral.accept"' in page


def test_sender_page_links_to_the_letter_and_the_receiver_page_does_not(world: Any) -> None:
    referral = send(world)
    page = client_for(world.manager).get(f"/referrals/{referral.pk}/").content.decode()
    assert f'href="/referrals/{referral.pk}/letter/"' in page and "data-bundle" not in page
    letter = client_for(world.manager).get(f"/referrals/{referral.pk}/letter/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert "/letter/" not in client_for(world.receiver).get(f"/referrals/{referral.pk}/").content.decode()


def test_revoked_referral_is_gone_for_the_receiver(world: Any) -> None:
    referral = send(world)
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    receiver = client_for(world.receiver)
    assert receiver.get(f"/referrals/{referral.pk}/").status_code == 200
    referral.refresh_from_db()
    response = client_for(world.manager).post(
        f"/referrals/{referral.pk}/revoke/", {"version": referral.version, "reason": "The person moved away."}
    )
    assert response.status_code == 302
    assert receiver.get(f"/referrals/{referral.pk}/").status_code == 404
    assert receiver.post(f"/referrals/{referral.pk}/start/", {"version": referral.version + 1}).status_code == 404
    # Listed as closed, without a link.
    inbox = receiver.get("/referrals/?state=all").content.decode()
    assert f'data-referral="{referral.pk}"' in inbox and f'href="/referrals/{referral.pk}/"' not in inbox


def test_warning_asks_for_a_reason_then_sends(world: Any) -> None:
    full = make_service(world.provider, "shelter", name="Casa cheia", capacity_available=0)
    before = snapshot()
    response = post_send(world, service=full.pk)
    assert response.status_code == 409
    html = response.content.decode()
    assert "no free places" in html and 'name="warning_override"' in html
    assert snapshot() == before

    short = post_send(world, service=full.pk, warning_override="")
    assert short.status_code == 400 and snapshot() == before  # the reason is required once asked for

    done = post_send(world, service=full.pk, warning_override="Emergency bed promised by the director.")
    assert done.status_code == 302
    referral = Referral.objects.get(service=full)
    assert referral.warnings == ["no_places"] and referral.warning_override.startswith("Emergency bed")


def test_missing_consent_offers_the_emergency_override(db: Any) -> None:
    world = make_world(consent=[])
    before = snapshot()
    response = post_send(world, htmx=True)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#form-referral-send-system"
    html = response.content.decode()
    assert "No consent has been recorded" in html and 'name="consent_override"' in html
    assert snapshot() == before

    done = post_send(world, htmx=True, consent_override="Child in danger tonight, guardian unreachable.")
    assert done.status_code == 200 and b"data-notice" in done.content
    referral = Referral.objects.get(case=world.case)
    assert referral.consent_override.startswith("Child in danger")
    detail = client_for(world.manager).get(f"/referrals/{referral.pk}/").content.decode()
    assert "data-consent-override" in detail and "guardian unreachable" in detail


def test_withdrawn_consent_is_refused_clearly(world: Any) -> None:
    give_consent(world.manager, world.case, given=False)
    before = snapshot()
    response = post_send(world)
    assert response.status_code == 409
    assert "withdrawn" in response.content.decode() and snapshot() == before


def test_send_by_letter_and_bad_input(world: Any) -> None:
    before = snapshot()
    bad = post_send(world, channel="letter", service="", service_type="", recipient="")
    assert bad.status_code == 400 and snapshot() == before
    done = post_send(
        world, channel="letter", service="", service_type="legal_aid", recipient="Defensoria Pública de Cuiabá"
    )
    assert done.status_code == 302
    referral = Referral.objects.get(case=world.case)
    assert referral.channel == "letter" and referral.to_organization_id is None
    # The sender records the answer of a letter.
    page = client_for(world.manager).get(f"/referrals/{referral.pk}/").content.decode()
    assert 'data-answer="accept"' in page and 'data-answer="revoke"' in page


def test_unknown_channel_is_refused(world: Any) -> None:
    before = snapshot()
    response = post_send(world, channel="pigeon")
    assert response.status_code == 400 and snapshot() == before


# Answering ---------------------------------------------------------------------------------------------------------


def test_stale_version_answers_409_and_changes_nothing(world: Any) -> None:
    referral = send(world)
    stale = referral.version
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    referral.refresh_from_db()
    before = snapshot()
    response = client_for(world.receiver).post(f"/referrals/{referral.pk}/start/", {"version": stale})
    assert response.status_code == 409
    assert "Someone else changed this referral" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == State.ACCEPTED and snapshot() == before


def test_decline_needs_a_reason(world: Any) -> None:
    referral = send(world)
    before = snapshot()
    receiver = client_for(world.receiver)
    response = receiver.post(f"/referrals/{referral.pk}/decline/", {"version": referral.version, "reason": ""})
    assert response.status_code == 400 and snapshot() == before
    response = receiver.post(f"/referrals/{referral.pk}/decline/", {"version": referral.version, "reason": "no"})
    assert response.status_code == 400 and "Say why" in response.content.decode() and snapshot() == before
    assert Referral.objects.get(pk=referral.pk).state == State.SENT


def test_receiver_cannot_revoke_and_sender_cannot_accept(world: Any) -> None:
    referral = send(world)
    before = snapshot()
    response = client_for(world.receiver).post(
        f"/referrals/{referral.pk}/revoke/", {"version": referral.version, "reason": "Not ours to revoke"}
    )
    assert response.status_code == 403 and snapshot() == before
    response = client_for(world.manager).post(f"/referrals/{referral.pk}/accept/", {"version": referral.version})
    assert response.status_code == 403 and snapshot() == before


def test_complete_records_the_outcome_and_ends_access(world: Any) -> None:
    referral = send(world)
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    referral.refresh_from_db()
    receiver = client_for(world.receiver)
    response = receiver.post(
        f"/referrals/{referral.pk}/complete/",
        {
            "version": referral.version,
            "outcome": "completed",
            "delivered_on": timezone.localdate().isoformat(),
            "notes": "Stayed three weeks.",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/referrals/"
    assert receiver.get(f"/referrals/{referral.pk}/").status_code == 404
    sender_page = client_for(world.manager).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Stayed three weeks." in sender_page


# Lists and the case page ------------------------------------------------------------------------------------------


def test_inbox_and_outbox_show_no_names(world: Any) -> None:
    referral = send(world)
    inbox = client_for(world.receiver).get("/referrals/").content.decode()
    assert f'data-referral="{referral.pk}"' in inbox and world.case.case_number in inbox
    assert NAME not in inbox and "Rosa" not in inbox and PHONE not in inbox
    outbox = client_for(world.manager).get("/referrals/sent/").content.decode()
    assert f'data-referral="{referral.pk}"' in outbox and "Rosa" not in outbox
    assert client_for(world.receiver).get("/referrals/?state=bogus").status_code == 400


def test_inbox_filters_by_state(world: Any) -> None:
    referral = send(world)
    receiver = client_for(world.receiver)
    assert f'data-referral="{referral.pk}"'.encode() in receiver.get("/referrals/?state=sent").content
    assert f'data-referral="{referral.pk}"'.encode() not in receiver.get("/referrals/?state=accepted").content


def test_expired_referral_is_flagged_on_the_case_page(world: Any) -> None:
    referral = send(world)
    referrals_expire_due(now=referral.due_at + timedelta(minutes=1))
    html = client_for(world.manager).get(f"/cases/{world.case.pk}/referrals/").content.decode()
    row = html.split(f'data-referral="{referral.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-state="expired"' in row and "data-overdue" in row


def test_revoke_from_the_sender_keeps_the_record(world: Any) -> None:
    referral = send(world)
    referral_revoke(actor=world.manager, referral_id=referral.pk, reason="The person declined help.")
    page = client_for(world.manager).get(f"/referrals/{referral.pk}/").content.decode()
    assert "The person declined help." in page and 'data-answer="revoke"' not in page


# Transfers ---------------------------------------------------------------------------------------------------------


def test_transfer_asked_on_the_case_page_and_accepted(world: Any) -> None:
    manager = client_for(world.manager)
    before = snapshot()
    bad = manager.post(f"/cases/{world.case.pk}/transfer/", {"to_organization": world.home.pk, "reason": "x"})
    assert bad.status_code == 400 and snapshot() == before  # its own organization
    response = manager.post(
        f"/cases/{world.case.pk}/transfer/", {"to_organization": world.provider.pk, "reason": "Moved city."}
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(case=world.case)
    tab = manager.get(f"/cases/{world.case.pk}/referrals/").content.decode()
    assert "data-pending-transfer" in tab and 'data-action="transfer_request"' not in tab

    receiver = client_for(world.receiver)
    assert receiver.post(f"/referrals/transfers/{transfer.pk}/decline/", {"response": ""}).status_code == 400
    assert receiver.post(f"/referrals/transfers/{transfer.pk}/accept/").status_code == 302
    assert Case.objects.get(pk=world.case.pk).owner_organization_id == world.provider.pk
    assert receiver.get(f"/cases/{world.case.pk}/referrals/").status_code == 200
    assert manager.get(f"/cases/{world.case.pk}/").status_code == 404
    again = receiver.post(f"/referrals/transfers/{transfer.pk}/accept/")
    assert again.status_code == 409


def test_national_coordinator_sees_the_record_without_free_text_or_forms(world: Any) -> None:
    """A national coordinator of the sending organization sees the referral's record, masked, and acts on nothing."""
    referral = send(world, message="Call her aunt first.")
    coordinator = make_user(world.home, roles=("national_coordinator",))
    response = client_for(coordinator).get(f"/referrals/{referral.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and world.case.case_number in html
    assert "data-answer=" not in html and "Call her aunt" not in html and NAME not in html


def test_inbox_reads_a_fixed_number_of_queries(world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    receiver = client_for(world.receiver)
    send(world)
    receiver.get("/referrals/")
    with CaptureQueriesContext(connection) as one:
        receiver.get("/referrals/")
    for _index in range(4):
        case = make_case(world.identifier, world.home)
        give_consent(world.manager, case)
        _send_for(world, case)
    with CaptureQueriesContext(connection) as five:
        page = receiver.get("/referrals/").content.decode()
    assert page.count("data-referral=") == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def _send_for(world: Any, case: Any) -> Referral:
    from tipsom.referrals.services import referral_send

    return referral_send(actor=world.manager, case_id=case.pk, service_id=world.service.pk, sections=["identity"])


def test_tab_answers_a_partial_to_htmx(world: Any) -> None:
    send(world)
    response = client_for(world.manager).get(f"/cases/{world.case.pk}/referrals/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert 'data-tab="referrals"' in html and 'id="case-tabs"' in html and "hx-swap-oob" in html
    assert "<html" not in html
