"""Transnational bundles: the round trip between two countries' keys, and every refusal, each changing nothing."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tipsom.accounts.testing import AccessCase, make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.notifications.models import Notification
from tipsom.referrals import bundles
from tipsom.referrals.models import Channel, ExchangeKey, ExchangePeer, Referral, State
from tipsom.referrals.services.bundle import (
    exchange_key_create,
    exchange_peer_add,
    referral_bundle_export,
    referral_bundle_import,
)
from tipsom.referrals.tests.bundle_fixtures import NAME, PHONE, World, counts, make_world, referral_abroad

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> World:
    return make_world(sections=("identity", "contact"))


def _export(world: World, **kwargs: Any) -> bytes:
    return referral_bundle_export(actor=world.sender, referral_id=world.referral.pk, **kwargs)


def _rejected(world: World, content: bytes, code: str) -> ApplicationError:
    before = counts()
    with pytest.raises(ApplicationError) as caught:
        referral_bundle_import(actor=world.importer, content=content)
    assert caught.value.code == code, (caught.value.code, caught.value.message)
    assert counts() == before
    return caught.value


def _edit(content: bytes, **fields: Any) -> bytes:
    envelope = json.loads(content)
    envelope.update(fields)
    return json.dumps(envelope).encode()


def test_round_trip_between_two_countries(world: World) -> None:
    content = _export(world)
    envelope = json.loads(content)
    assert envelope["format"] == bundles.FORMAT
    assert envelope["sender_country"] == "BR" and envelope["receiver_country"] == "UA"
    assert NAME.encode() not in content and PHONE.encode() not in content  # encrypted
    world.referral.refresh_from_db()
    assert str(world.referral.bundle_id) == envelope["bundle_id"]
    assert AuditEvent.objects.filter(action="referral.bundle_export", object_id=str(world.referral.pk)).exists()

    imported = referral_bundle_import(actor=world.importer, content=content)
    assert imported.channel == Channel.FROM_ABROAD and imported.case_id is None
    assert (imported.country, imported.partner_country) == ("UA", "BR")
    assert imported.to_organization == world.ua_org and imported.state == State.SENT
    assert (imported.service_type, imported.urgency) == ("shelter", "urgent")
    assert imported.sections == ["profile", "identity", "contact"]
    assert imported.message == "She asks to be met at the airport."
    assert imported.due_at > imported.sent_at
    payload = json.loads(imported.payload)
    assert payload["sections"]["identity"]["names"][0]["name"] == NAME
    assert payload["sections"]["contact"]["contacts"][0]["value"] == PHONE
    assert payload["referral"]["sender"]["case_number"] == world.case.case_number
    assert payload["referral"]["consent"] == "given"
    event = AuditEvent.objects.get(action="referral.bundle_import")
    assert event.organization_id == world.ua_org.pk and NAME not in json.dumps(event.changes)
    note = Notification.objects.get(user=world.importer, kind="referral_from_abroad")
    assert note.params["country"] == "BR" and NAME not in json.dumps(note.params)


def test_only_the_shared_sections_travel(db: Any) -> None:
    world = make_world(sections=())
    imported = referral_bundle_import(actor=world.importer, content=_export(world))
    payload = json.loads(imported.payload)
    assert set(payload["sections"]) == {"profile"}
    assert NAME not in imported.payload and PHONE not in imported.payload


def test_export_again_keeps_the_bundle_id_and_import_refuses_the_second(world: World) -> None:
    first, second = _export(world), _export(world)
    assert json.loads(first)["bundle_id"] == json.loads(second)["bundle_id"]
    assert first != second  # a fresh encryption each time
    referral_bundle_import(actor=world.importer, content=first)
    error = _rejected(world, second, "bundle_already_imported")
    assert "imported already" in error.message


def test_tampered_ciphertext_is_rejected(world: World) -> None:
    content = _export(world)
    raw = bytearray(base64.b64decode(json.loads(content)["ciphertext"]))
    raw[40] ^= 1
    error = _rejected(world, _edit(content, ciphertext=base64.b64encode(bytes(raw)).decode()), "bundle_signature")
    assert "tampered with or signed with an unknown key" in error.message


def test_tampered_header_is_rejected(world: World) -> None:
    exchange_key_create(actor=None, country="MD")  # another country served here: the receiver is still "ours"
    ua_importer_md = make_user(world.ua_org, roles=("case_manager",))
    world.ua_org.country = "MD"
    world.ua_org.save()
    content = _edit(_export(world), receiver_country="MD")
    world.importer = ua_importer_md
    _rejected(world, content, "bundle_signature")


def test_extended_expiry_is_rejected(world: World) -> None:
    later = (datetime.now(UTC) + timedelta(days=300)).isoformat(timespec="seconds")
    _rejected(world, _edit(_export(world), expires_at=later), "bundle_signature")


def test_signed_with_another_key_is_rejected(world: World) -> None:
    """A bundle that claims to come from Brazil but is signed with a key Ukraine does not know for it."""
    stranger = bundles.generate_keys()
    ua = ExchangeKey.objects.get(country="UA")
    now = datetime.now(UTC).replace(microsecond=0)
    content = bundles.seal(
        payload={"referral": {}, "sections": {}},
        bundle_id=str(uuid.uuid4()),
        sender_country="BR",
        receiver_country="UA",
        created_at=now,
        expires_at=now + timedelta(days=1),
        signing_private=stranger.signing_private,
        signing_public=stranger.signing_public,
        receiver_encryption_public=ua.encryption_public,
    )
    _rejected(world, content, "bundle_signature")


def test_meant_for_another_receiver(world: World) -> None:
    content = _export(world)
    brazilian = make_user(world.br_org, roles=("case_manager",))
    before = counts()
    with pytest.raises(ApplicationError) as caught:
        referral_bundle_import(actor=brazilian, content=content)
    assert caught.value.code == "bundle_wrong_receiver" and "meant for another receiver" in caught.value.message
    assert counts() == before
    ExchangeKey.objects.filter(country="UA").delete()
    error = _rejected(world, content, "bundle_wrong_receiver")
    assert "(UA)" in error.message


def test_expired_bundle_is_rejected(world: World) -> None:
    br = ExchangeKey.objects.get(country="BR")
    ua = ExchangeKey.objects.get(country="UA")
    created = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    content = bundles.seal(
        payload={"referral": {}, "sections": {}},
        bundle_id=str(uuid.uuid4()),
        sender_country="BR",
        receiver_country="UA",
        created_at=created,
        expires_at=created + timedelta(days=14),
        signing_private=br.signing_private,
        signing_public=br.signing_public,
        receiver_encryption_public=ua.encryption_public,
    )
    error = _rejected(world, content, "bundle_expired")
    assert "expired on 2026-01-15 09:00" in error.message


def test_unknown_or_inactive_sender_is_rejected(world: World) -> None:
    content = _export(world)
    ExchangePeer.objects.filter(country="BR").update(is_active=False)
    _rejected(world, content, "bundle_unknown_sender")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x00\xff not json", "bundle_invalid"),
        (b"[1, 2]", "bundle_invalid"),
        (b'{"format": "other/9"}', "bundle_format"),
        (b"x" * (bundles.MAX_BUNDLE_BYTES + 1), "bundle_too_large"),
    ],
)
def test_garbage_is_rejected_clearly(world: World, content: bytes, code: str) -> None:
    _rejected(world, content, code)


def test_bad_base64_and_missing_fields(world: World) -> None:
    content = _export(world)
    _rejected(world, _edit(content, ciphertext="***"), "bundle_invalid")
    envelope = json.loads(content)
    del envelope["sender_key"]
    _rejected(world, json.dumps(envelope).encode(), "bundle_invalid")


def test_import_needs_permission(world: World) -> None:
    content = _export(world)
    helpline = make_user(world.ua_org, roles=("me_officer",))
    before = counts()
    with pytest.raises(NotFound):
        referral_bundle_import(actor=helpline, content=content)
    assert counts() == before


def test_export_only_an_open_referral_abroad_by_its_sender(db: Any) -> None:
    letter = make_world(channel="letter")
    with pytest.raises(NotFound):
        referral_bundle_export(actor=letter.sender, referral_id=letter.referral.pk)
    world = make_world()
    outsider = make_user(world.ua_org, roles=("case_manager",))
    with pytest.raises(NotFound):
        referral_bundle_export(actor=outsider, referral_id=world.referral.pk)
    with pytest.raises(ApplicationError) as caught:
        _export(world, to="MD")
    assert caught.value.code == "bundle_wrong_receiver"
    with pytest.raises(ApplicationError) as caught:
        _export(world, valid_days=0)
    assert caught.value.extra == {"field": "valid_days"}
    Referral.objects.filter(pk=world.referral.pk).update(state=State.REVOKED)
    before = counts()
    with pytest.raises(ApplicationError) as caught:
        _export(world)
    assert caught.value.code == "referral_closed" and counts() == before
    assert Referral.objects.get(pk=world.referral.pk).bundle_id is None


def test_keys_are_never_replaced_and_peer_keys_are_checked(db: Any) -> None:
    key = exchange_key_create(actor=None, country="BR")
    assert key.signing_private not in (key.signing_public, "")
    with pytest.raises(ApplicationError) as caught:
        exchange_key_create(actor=None, country="BR")
    assert caught.value.code == "exchange_key_exists"
    assert ExchangeKey.objects.get().signing_public == key.signing_public
    before = counts()
    with pytest.raises(ApplicationError) as caught:
        exchange_peer_add(actor=None, country="UA", name="UA", signing_public="c2hvcnQ=", encryption_public="!")
    assert set(caught.value.extra["fields"]) == {"signing_public", "encryption_public"}
    assert counts() == before


def test_a_user_without_the_grant_cannot_manage_keys(db: Any) -> None:
    world = make_world()
    with pytest.raises(NotFound):
        exchange_key_create(actor=world.sender, country="MD")
    assert not ExchangeKey.objects.filter(country="MD").exists()


def test_envelope_sealing_binds_the_header() -> None:
    """Pure crypto: a valid signature over a header moved onto another ciphertext still fails to decrypt."""
    sender, receiver = bundles.generate_keys(), bundles.generate_keys()
    now = datetime.now(UTC).replace(microsecond=0)

    def sealed(bundle_id: str) -> dict[str, Any]:
        content = bundles.seal(
            payload={"x": 1},
            bundle_id=bundle_id,
            sender_country="BR",
            receiver_country="UA",
            created_at=now,
            expires_at=now + timedelta(days=1),
            signing_private=sender.signing_private,
            signing_public=sender.signing_public,
            receiver_encryption_public=receiver.encryption_public,
        )
        return json.loads(content)

    first, second = sealed("a"), sealed("b")
    good = bundles.parse(json.dumps(first).encode())
    bundles.verify(good, sender.signing_public)
    assert bundles.open_payload(good, receiver.encryption_private) == {"x": 1}
    moved = bundles.parse(json.dumps({**first, "ciphertext": second["ciphertext"]}).encode())
    with pytest.raises(ApplicationError) as caught:
        bundles.open_payload(moved, receiver.encryption_private)
    assert caught.value.code == "bundle_decrypt"
    assert bundles.fingerprint(sender.signing_public) == first["sender_key"]


# Screens ------------------------------------------------------------------------------------------------------


class TestBundleExport(AccessCase):
    url_name = "referrals:bundle_export"
    permitted_role = "case_manager"
    method = "post"

    def make_object(self, organization: Any) -> Referral:
        return referral_abroad(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"valid_days": "7"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert f'filename="referral-{obj.pk}.tipsom-bundle"' in response["Content-Disposition"]
        envelope = json.loads(response.content)
        assert envelope["receiver_country"] == "UA"
        expires = datetime.fromisoformat(envelope["expires_at"]) - datetime.fromisoformat(envelope["created_at"])
        assert expires == timedelta(days=7)


class TestBundleImport(AccessCase):
    url_name = "referrals:bundle_import"
    permitted_role = "case_manager"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b'enctype="multipart/form-data"' in response.content


def test_export_page_and_refusal_on_screen(client: Any, db: Any) -> None:
    from tipsom.accounts.testing import sign_in

    world = make_world()
    sign_in(client, world.sender)
    url = f"/referrals/{world.referral.pk}/bundle/"
    page = client.get(url)
    assert page.status_code == 200 and b"Download the bundle" in page.content
    answer = client.post(url, {"valid_days": "500"})
    assert answer.status_code == 400 and Referral.objects.get(pk=world.referral.pk).bundle_id is None


def test_import_screen_files_the_referral_or_says_why_not(client: Any, db: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tipsom.accounts.testing import sign_in

    world = make_world()
    content = _export(world)
    sign_in(client, world.importer)
    before = counts()
    bad = client.post("/referrals/import/", {"bundle": SimpleUploadedFile("b.tipsom-bundle", content[:-40])})
    assert bad.status_code == 400 and b"not a referral bundle" in bad.content
    assert counts() == before
    tampered = _edit(content, expires_at=(timezone.now() + timedelta(days=99)).isoformat(timespec="seconds"))
    refused = client.post("/referrals/import/", {"bundle": SimpleUploadedFile("b.tipsom-bundle", tampered)})
    assert refused.status_code == 400 and b"tampered with" in refused.content
    assert counts() == before
    done = client.post("/referrals/import/", {"bundle": SimpleUploadedFile("b.tipsom-bundle", content)})
    imported = Referral.objects.get(channel=Channel.FROM_ABROAD)
    assert done.status_code == 302 and done["Location"] == f"/referrals/{imported.pk}/"
