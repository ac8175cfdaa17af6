"""Consent and referral without dead ends (issue 11): "record consent now" on the referral form, one list of service
types for consent and referral, suggestions that fall back to other regions and to a letter, the same sections
ticked from a suggestion or from the list, and the letter offered at once after recording a referral by letter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.forms.case import ConsentForm
from tipsom.cases.models import Consent
from tipsom.cases.models.choices import SUPPORT_TYPE, consent_service_type_choices
from tipsom.cases.models.choices import ServiceType as CaseServiceType
from tipsom.core.codes import is_code
from tipsom.referrals.models import Pathway, Referral, ServiceType
from tipsom.referrals.sections import minimum_sections
from tipsom.referrals.tests.factories import days_ago, make_world, snapshot

pytestmark = pytest.mark.django_db

MESSAGE = "She needs a safe bed tonight; speaks Spanish only."


def client_for(user: Any) -> Client:
    return sign_in(Client(), user)


def post_send(world: Any, htmx: bool = True, **data: Any) -> Any:
    payload = {
        "channel": "system",
        "service": world.service.pk,
        "urgency": "urgent",
        "sections": ["identity"],
        "message": MESSAGE,
    }
    payload.update(data)
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client_for(world.manager).post(f"/cases/{world.case.pk}/referrals/send/", payload, **headers)


def consent_fields(**overrides: Any) -> dict[str, Any]:
    return {
        "record_consent": "on",
        "consent_given_by": "person",
        "consent_recorded_on": timezone.localdate().isoformat(),
        "consent_service_types": ["Shelter"],
        "consent_override": "",
        **overrides,
    }


# Record consent now ----------------------------------------------------------------------------------------------


def test_missing_consent_offers_to_record_it_inline_keeping_what_was_typed(db: Any) -> None:
    world = make_world(consent=[])
    before = snapshot()
    response = post_send(world)
    assert response.status_code == 409 and snapshot() == before
    html = response.content.decode()
    assert "data-inline-consent" in html and "Record consent now" in html
    assert re.search(r'name="record_consent"[^>]*checked', html)
    # The box of the referral's type is ticked: the shelter's support type.
    assert re.search(r'name="consent_service_types" value="Shelter"[^>]*checked', html)
    assert MESSAGE in html  # nothing typed is lost
    assert 'name="consent_override"' in html  # the emergency way stays open


def test_inline_consent_is_recorded_audited_and_the_referral_goes_out(db: Any) -> None:
    world = make_world(consent=[])
    response = post_send(world, **consent_fields())
    assert response.status_code == 200 and b"data-notice" in response.content
    consent = Consent.objects.get(case=world.case)
    assert consent.purpose == "referral" and consent.given and consent.service_types == ["Shelter"]
    assert consent.given_by == "person"
    referral = Referral.objects.get(case=world.case)
    assert referral.message == MESSAGE and referral.consent_override == ""
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-2:] == ["case.consent", "referral.send"]


def test_bad_consent_input_saves_nothing_and_keeps_the_input(db: Any) -> None:
    world = make_world(consent=[])
    post_send(world)
    before = snapshot()
    response = post_send(
        world, **consent_fields(consent_given_by="", consent_recorded_on=days_ago(400), consent_service_types=[])
    )
    assert response.status_code == 400 and snapshot() == before
    html = response.content.decode()
    assert MESSAGE in html and "data-inline-consent" in html
    assert 'href="#form-referral-send-system-consent_given_by"' in html  # the error points at the field
    assert 'href="#form-referral-send-system-consent_recorded_on"' in html


def test_consent_is_not_kept_when_the_referral_is_refused(db: Any) -> None:
    world = make_world(consent=[], capacity_total=5, capacity_available=0)  # full: asks for a reason
    before = snapshot()
    response = post_send(world, **consent_fields())
    assert response.status_code == 409 and snapshot() == before  # the consent went back with the refusal
    assert "data-inline-consent" in response.content.decode()


def test_a_new_consent_keeps_the_types_already_agreed(db: Any) -> None:
    world = make_world(consent=["Legal"])
    html = post_send(world).content.decode()
    assert re.search(r'name="consent_service_types" value="Legal"[^>]*checked', html)
    assert re.search(r'name="consent_service_types" value="Shelter"[^>]*checked', html)


# One list of service types -----------------------------------------------------------------------------------------


def test_consent_and_referral_offer_one_list_of_service_types() -> None:
    assert ServiceType is CaseServiceType  # the referral's list is the cases' one, re-exported
    choices = dict(consent_service_type_choices())
    assert dict(ConsentForm().fields["service_types"].choices) == choices  # type: ignore[attr-defined]
    # Every service type a referral can have is offered by name in the consent form, under the code consent keeps.
    for service_type, label in ServiceType.choices:
        code = SUPPORT_TYPE[service_type]
        assert is_code("spl_Type", code)
        assert str(label) in choices[code]
    assert choices["Health"] == "Medical care, Psychosocial support"
    assert set(choices) == set(SUPPORT_TYPE.values())  # nothing a referral could never use


# Suggestions that do not dead-end --------------------------------------------------------------------------------


def suggestion_world(**service_fields: Any) -> Any:
    world = make_world(**service_fields)
    Pathway.objects.create(country="BR", name="Every victim", service_types=["shelter"])
    return world


def test_no_service_in_the_region_suggests_other_regions_and_a_letter(db: Any) -> None:
    world = suggestion_world(regions=["BR-SP"])
    html = client_for(world.manager).get(f"/cases/{world.case.pk}/referrals/").content.decode()
    assert "data-elsewhere" in html and f'data-refer-service="{world.service.pk}"' in html
    assert 'data-refer-letter="shelter"' in html


def test_no_service_at_all_suggests_a_letter(db: Any) -> None:
    world = suggestion_world(sexes=["Masculine"])  # serves men only: not this woman, anywhere
    html = client_for(world.manager).get(f"/cases/{world.case.pk}/referrals/").content.decode()
    assert "data-elsewhere" not in html and f'data-refer-service="{world.service.pk}"' not in html
    assert 'data-refer-letter="shelter"' in html
    opened = client_for(world.manager).get(f"/cases/{world.case.pk}/referrals/?letter=shelter").content.decode()
    letter_form = opened.split('id="form-referral-send-letter"')[1].split('id="form-referral-send-abroad"')[0]
    assert re.search(r'<option value="shelter"[^>]*selected', letter_form)
    assert re.search(r'value="identity"[^>]*checked', letter_form)


def test_a_service_in_the_region_is_not_shown_as_elsewhere(db: Any) -> None:
    world = suggestion_world(regions=["BR-MT"])
    html = client_for(world.manager).get(f"/cases/{world.case.pk}/referrals/").content.decode()
    assert "data-elsewhere" not in html and f'data-refer-service="{world.service.pk}"' in html


def test_same_sections_from_a_suggestion_and_from_the_list(db: Any) -> None:
    world = suggestion_world(service_type="legal_aid")
    expected = minimum_sections("legal_aid")
    suggested = client_for(world.manager).get(f"/cases/{world.case.pk}/referrals/?service={world.service.pk}")
    form = suggested.content.decode().split('id="form-referral-send-system"')[1].split("</form>")[0]
    ticked = re.findall(r'name="sections" value="(\w+)"[^>]*checked', form)
    assert ticked == expected
    # From the list: the option carries the same sections, which the form's script ticks on choosing it.
    plain = client_for(world.manager).get(f"/cases/{world.case.pk}/referrals/").content.decode()
    option = re.search(rf'<option value="{world.service.pk}" data-sections="([\w ]+)"', plain)
    assert option is not None and option.group(1).split() == expected
    letter = re.search(r'<option value="legal_aid" data-sections="([\w ]+)"', plain)
    assert letter is not None and letter.group(1).split() == expected


# The letter at once ---------------------------------------------------------------------------------------------


def letter_payload() -> dict[str, Any]:
    return {"channel": "letter", "service": "", "service_type": "legal_aid", "recipient": "Defensoria Pública"}


def test_recording_a_letter_offers_the_letter_at_once(db: Any) -> None:
    world = make_world(consent=["Legal"])
    response = post_send(world, htmx=False, **letter_payload())
    referral = Referral.objects.get(case=world.case)
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/?sent=letter"
    page = client_for(world.manager).get(response["Location"]).content.decode()
    assert "data-letter-download" in page and f"/referrals/{referral.pk}/letter/" in page
    assert "Record the answer" in page and "They accepted" in page and "They declined" in page


def test_recording_a_letter_with_htmx_goes_to_its_page(db: Any) -> None:
    world = make_world(consent=["Legal"])
    response = post_send(world, **letter_payload())
    referral = Referral.objects.get(case=world.case)
    assert response["HX-Redirect"] == f"/referrals/{referral.pk}/?sent=letter"


def test_the_letter_banner_is_for_the_sender_only(db: Any) -> None:
    world = make_world(consent=["Legal"])
    post_send(world, htmx=False, **letter_payload())
    referral = Referral.objects.get(case=world.case)
    url = f"/referrals/{referral.pk}/?sent=letter"
    assert Client().get(url).status_code == 302  # anonymous: to the sign-in page
    stranger = make_user(world.provider, roles=("case_manager",))  # another organization
    assert client_for(stranger).get(url).status_code == 404
    national = make_user(roles=("national_coordinator",))
    page = client_for(national).get(url)
    assert page.status_code in (200, 404) and b"data-letter-download" not in page.content


# The receiver decides with the profile --------------------------------------------------------------------------


def test_the_receiver_sees_the_profile_before_accepting_and_nothing_identifying(db: Any) -> None:
    from tipsom.referrals.services import referral_accept
    from tipsom.referrals.tests.factories import send

    world = make_world()
    referral = send(world, sections=["identity", "contact"])
    page = client_for(world.receiver).get(f"/referrals/{referral.pk}/").content.decode()
    preview = page.split("data-profile-preview")[1].split("</section>")[0]
    for words in ("Victim of trafficking", "Feminine", "Bolivia", "Spanish", "29–30"):
        assert words in preview, words
    assert "Rosa" not in page and "Mato Grosso" not in preview  # no name, no place
    assert 'data-section="identity"' not in page  # the shared sections wait for the answer
    assert not AuditEvent.objects.filter(action="referral.access").exists()
    assert "New, awaiting your answer" in page
    referral_accept(actor=world.receiver, referral_id=referral.pk)
    accepted = client_for(world.receiver).get(f"/referrals/{referral.pk}/").content.decode()
    assert "data-profile-preview" not in accepted and 'data-section="identity"' in accepted


def test_only_the_receiver_gets_the_preview(db: Any) -> None:
    from tipsom.referrals.tests.factories import send

    world = make_world()
    referral = send(world)
    sender_page = client_for(world.manager).get(f"/referrals/{referral.pk}/").content.decode()
    assert "data-profile-preview" not in sender_page
    assert client_for(make_user(roles=("case_manager",))).get(f"/referrals/{referral.pk}/").status_code == 404


def test_states_read_as_words_for_each_side(db: Any) -> None:
    from tipsom.referrals.tests.factories import send

    world = make_world()
    send(world)
    inbox = client_for(world.receiver).get("/referrals/").content.decode()
    outbox = client_for(world.manager).get("/referrals/sent/").content.decode()
    assert "New, awaiting your answer" in inbox and "Sent, awaiting their answer" in outbox
    tab = client_for(world.manager).get(f"/cases/{world.case.pk}/referrals/").content.decode()
    assert "Sent, awaiting their answer" in tab


def test_the_received_tab_has_its_own_translation_context() -> None:
    from pathlib import Path

    nav = (Path(__file__).parents[1] / "templates" / "referrals" / "_nav.html").read_text()
    assert '{% translate "Received" context "referrals inbox" %}' in nav


def test_recording_consent_inline_needs_the_right_to_refer_the_case(db: Any) -> None:
    world = make_world(consent=[])
    url = f"/cases/{world.case.pk}/referrals/send/"
    payload = {"channel": "system", "service": world.service.pk, "urgency": "urgent", **consent_fields()}
    before = snapshot()
    assert Client().post(url, payload).status_code == 302  # anonymous: to the sign-in page
    stranger = make_user(world.provider, roles=("case_manager",))  # another organization
    assert client_for(stranger).post(url, payload).status_code == 404
    viewer = make_user(roles=("national_coordinator",))  # may not change the case
    assert client_for(viewer).post(url, payload).status_code == 404
    assert snapshot() == before
    assert client_for(world.manager).post(url, payload).status_code == 302  # permitted
    assert Consent.objects.filter(case=world.case).count() == 1
