"""The printable referral letter: the minimum data, the shared sections only, audited, for the sender's side."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from tipsom.accounts.testing import AccessCase, make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import NotFound
from tipsom.referrals.letter import printable_name, referral_letter, renderable
from tipsom.referrals.models import Referral
from tipsom.referrals.services import referral_send
from tipsom.referrals.tests.bundle_fixtures import NAME, PHONE, make_case, make_world

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_letter_without_contact_section_has_no_contact_details(db: Any) -> None:
    world = make_world(channel="letter", sections=())
    referral, content = referral_letter(actor=world.sender, referral_id=world.referral.pk)
    text = _text(content)
    assert world.case.case_number in text
    assert "Abrigo Esperança" in text and "+556533221100" in text  # the sender and its contact
    assert "Kyiv Shelter" in text and "Shelter" in text and "Urgent" in text
    assert "met at the airport" in text and "agreed to this referral" in text
    assert PHONE not in text and "Olena" not in text and NAME not in text  # neither contact nor identity
    assert "Forced labour" not in text.replace("\n", " ")  # exploitation was not shared
    event = AuditEvent.objects.get(action="referral.letter")
    assert event.object_id == str(referral.pk) and event.changes == {"sections": ["profile"]}


def test_letter_prints_the_shared_identity_and_contact(db: Any) -> None:
    world = make_world(channel="letter", sections=("identity", "contact"))
    text = _text(referral_letter(actor=world.sender, referral_id=world.referral.pk)[1])
    assert PHONE in text
    assert "Олена Коваль" in text and "Olena Koval" in text  # Cyrillic set in the letter's own font
    assert "1998-04-02" in text


def test_emergency_override_is_stated(db: Any) -> None:
    world = make_world(channel="letter")
    case = make_case(world.br_org, world.sender, sections_consent=["Legal"])  # no consent for a shelter
    referral = referral_send(
        actor=world.sender,
        case_id=case.pk,
        channel="letter",
        service_type="shelter",
        recipient="Casa",
        sections=[],
        consent_override="She is in immediate danger tonight.",
    )
    text = _text(referral_letter(actor=world.sender, referral_id=referral.pk)[1])
    assert "emergency" in text and "agreed to this referral" not in text


def test_names_in_scripts_without_a_font_print_in_latin_letters() -> None:
    assert renderable("Иван Петров محمد देवनागरी")
    cherokee = {"name": "ᏣᎳᎩ", "name_latin": "Tsalagi"}  # no bundled font has this script
    assert not renderable(cherokee["name"])
    assert printable_name(cherokee) == "Tsalagi"
    assert printable_name({"name": "محمد علي", "name_latin": "Muhammad Ali"}) == "محمد علي (Muhammad Ali)"


def test_only_the_sender_side_prints_the_letter(db: Any) -> None:
    world = make_world(channel="letter")
    for outsider in (make_user(world.ua_org, roles=("case_manager",)), make_user(roles=("national_coordinator",))):
        with pytest.raises(NotFound):
            referral_letter(actor=outsider, referral_id=world.referral.pk)
    assert not AuditEvent.objects.filter(action="referral.letter").exists()


class TestReferralLetter(AccessCase):
    url_name = "referrals:letter"
    permitted_role = "case_manager"

    def make_object(self, organization: Any) -> Referral:
        user = make_user(organization, roles=("case_manager",))
        case = make_case(organization, user)
        return referral_send(
            actor=user,
            case_id=case.pk,
            channel="letter",
            service_type="shelter",
            recipient="Casa Abrigo",
            sections=["identity"],
            message="Hello",
        )

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response["Content-Type"] == "application/pdf"
        assert obj.case.case_number in _text(response.content)
