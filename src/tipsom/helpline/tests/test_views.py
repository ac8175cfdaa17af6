"""The helpline's screens: recording in one screen (sections by type, caller and consent; what a hidden section holds
never sent), bad input shown next to its field with nothing saved, the reveal, opening a case with the registry
check of the case registration, referring, the case page's Contacts tab without caller data."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.cases.testing import make_case
from tipsom.helpline.models import Contact
from tipsom.helpline.testing import BRICK_KILN_CALL, make_contact
from tipsom.organizations.testing import make_organization
from tipsom.people.services import person_create
from tipsom.referrals.models import Referral
from tipsom.referrals.testing import make_service


def _post(**fields: Any) -> dict[str, Any]:
    return {
        "contact_type": "victim",
        "channel": "phone",
        "direction": "incoming",
        "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration": "7:30",
        "caller_role": "family",
        "language": "urd",
        "urgency": "urgent",
        **fields,
    }


def test_the_form_starts_now_by_phone_incoming(operator_client):
    response = operator_client.get(reverse("helpline:create"))
    content = response.content.decode()
    form = response.context["form"]
    assert form.initial["channel"] == "phone" and form.initial["direction"] == "incoming"
    assert 'id="hl-section-protocol"' in content and 'data-section="protocol" hidden' in content
    assert 'hx-post="/helpline/contacts/sections/"' in content


def test_a_call_is_recorded_from_the_screen(operator, operator_client):
    response = operator_client.post(
        reverse("helpline:create"),
        _post(
            caller_name="محمد اسلم",
            caller_number="0300 1234567",
            callback_consent="on",
            callback_number="0301 7654321",
            callback_safe_times="after sunset",
            callback_code_word="tea",
            callback_no_message="on",
            subject_age_group="child",
            acts=["recruitment"],
            exploitation_types=["ChildLabour"],
            actions=["information_given"],
        ),
    )
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("helpline:detail", kwargs={"pk": contact.pk})
    assert contact.duration_seconds == 450 and contact.callback_code_word == "tea" and contact.callback_no_message
    assert contact.recommendation == "likely_child_victim" and contact.actions == ["information_given"]
    page = operator_client.get(response["Location"]).content.decode()
    assert contact.reference in page and "محمد اسلم" not in page and "0301" not in page


def test_an_anonymous_tip_sends_no_caller_field_even_if_typed_before(operator_client):
    response = operator_client.post(
        reverse("helpline:create"),
        _post(
            contact_type="tip",
            channel="web_form",
            caller_role="anonymous",
            caller_name="Typed before switching",
            callback_consent="on",
            callback_number="0300 1234567",
            summary="Girls locked in a house near the bus station",
        ),
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.caller_name == "" and contact.callback_number == "" and not contact.callback_consent


def test_a_silent_call_keeps_only_what_it_may(operator_client):
    response = operator_client.post(
        reverse("helpline:create"), _post(contact_type="silent", summary="should not be kept", caller_name="X")
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.status == "closed" and contact.summary == "" and contact.caller_role == "" and contact.language == ""


def test_bad_input_shows_next_to_its_field_and_saves_nothing(operator_client):
    response = operator_client.post(reverse("helpline:create"), _post(caller_name="Ma\u202eria", duration="ten"))
    assert response.status_code == 400
    form = response.context["form"]
    assert "duration" in form.errors
    response = operator_client.post(reverse("helpline:create"), _post(caller_name="Ma\u202eria"))
    assert response.status_code == 400
    assert "caller_name" in response.context["form"].errors
    assert "direction-changing" in response.content.decode()
    assert not Contact.objects.exists()


def test_the_sections_follow_the_type_caller_and_consent(operator_client):
    url = reverse("helpline:form_sections")
    silent = operator_client.post(url, {"contact_type": "silent"}).content.decode()
    assert 'data-section="caller" hidden' in silent and 'data-section="screening" hidden' in silent
    anonymous = operator_client.post(url, {"contact_type": "tip", "caller_role": "anonymous"}).content.decode()
    assert 'data-section="identity" hidden' in anonymous and 'data-section="about"' in anonymous
    assert 'data-section="about" hidden' not in anonymous
    consent = operator_client.post(
        url, {"contact_type": "victim", "caller_role": "family", "callback_consent": "on"}
    ).content.decode()
    assert 'data-section="protocol" hidden' not in consent and 'name="callback_code_word"' in consent
    danger = operator_client.post(url, {"contact_type": "victim", "urgency": "emergency"}).content.decode()
    assert "data-emergency" in danger
    screening = operator_client.post(
        url,
        {
            "contact_type": "victim",
            "subject_age_group": "child",
            "acts": "recruitment",
            "exploitation_types": "ChildLabour",
        },
    ).content.decode()
    assert 'data-recommendation="likely_child_victim"' in screening


def test_the_edit_keeps_the_caller_unless_retyped(operator, operator_client):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    page = operator_client.get(reverse("helpline:edit", kwargs={"pk": contact.pk})).content.decode()
    assert "محمد اسلم" not in page and "0301 7654321" not in page
    data = _post(
        version=contact.version,
        editing="1",
        callback_consent="on",
        callback_no_message="on",
        subject_age_group="child",
        region="PK-PB",
        urgency="emergency",
    )
    response = operator_client.post(reverse("helpline:edit", kwargs={"pk": contact.pk}), data)
    assert response.status_code == 302, response.content[:2000]
    contact.refresh_from_db()
    assert contact.urgency == "emergency" and contact.caller_name == "محمد اسلم"
    assert contact.callback_number == "0301 7654321"


def test_the_reveal_shows_the_caller_on_its_answer_only(operator, operator_client):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    url = reverse("helpline:reveal", kwargs={"pk": contact.pk})
    refused = operator_client.post(url, {"reason": "asdf"})
    assert refused.status_code == 400 and "محمد اسلم" not in refused.content.decode()
    shown = operator_client.post(url, {"reason": "to call the father back about his son"}).content.decode()
    assert "محمد اسلم" in shown and "چائے" in shown
    assert (
        "محمد اسلم" not in operator_client.get(reverse("helpline:detail", kwargs={"pk": contact.pk})).content.decode()
    )
    assert AuditEvent.objects.filter(action="reveal", object_id=str(contact.pk)).count() == 1


def _case_post(**fields: Any) -> dict[str, Any]:
    return {
        "version": "1",
        "name": "عمران اسلم",
        "gender": "Masculine",
        "birth_date": "2013",
        "is_presumed_minor": "on",
        "case_type": "tip",
        "acts": ["recruitment", "harbouring"],
        "means": ["DebtBondage"],
        "purposes": ["ForcedLabour", "ChildLabour"],
        "identified_on": timezone.localdate().isoformat(),
        "region": "PK-PB",
        "data_processing": "given",
        "referral": "given",
        "service_types": ["SocialCare"],
        "given_by": "parent",
        **fields,
    }


def test_opening_a_case_starts_from_the_contact(operator, operator_client):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    page = operator_client.get(reverse("helpline:case_open", kwargs={"pk": contact.pk}))
    forms = page.context["forms"]
    assert forms["person"].initial["languages"] == ["urd"] and forms["person"].initial["is_presumed_minor"]
    assert forms["screening"].initial["acts"] == ["recruitment", "harbouring"]
    assert forms["case"].initial["region"] == "PK-PB"
    assert forms["consent"].fields["given_by"].initial == "guardian"  # a child: the family's consent


def test_opening_a_case_shows_possible_matches_first(operator, operator_client):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    existing = person_create(
        actor=None,
        organization=operator.organization,
        names=[{"name": "عمران اسلم"}],
        gender="Masculine",
        birth_date="2013",
        birth_date_precision="year",
    )
    url = reverse("helpline:case_open", kwargs={"pk": contact.pk})
    response = operator_client.post(url, _case_post())
    assert response.status_code == 200 and not Case.objects.exists()
    content = response.content.decode()
    assert "match-candidates" in content and 'form="contact-case-form"' in content
    chosen = operator_client.post(url, _case_post(use_person=str(existing.pk)))
    assert chosen.status_code == 200 and chosen.context["person"] == existing and not Case.objects.exists()
    saved = operator_client.post(url, _case_post(person_id=str(existing.pk)))
    assert saved.status_code == 302, saved.content[:3000]
    case = Case.objects.get()
    assert case.person == existing and case.is_child
    contact.refresh_from_db()
    assert contact.case == case


def test_opening_a_case_needs_the_family_s_consent(operator, operator_client):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    url = reverse("helpline:case_open", kwargs={"pk": contact.pk})
    response = operator_client.post(url, _case_post(data_processing="", match_ack="1"))
    assert response.status_code == 400
    assert "data_processing" in response.context["forms"]["consent"].errors
    assert not Case.objects.exists()


def test_refer_from_the_contact_and_see_it_on_the_case_tab(operator, operator_client):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    url = reverse("helpline:case_open", kwargs={"pk": contact.pk})
    assert operator_client.post(url, _case_post(match_ack="1")).status_code == 302
    agency = make_organization("PK", name="Child Protection Bureau Punjab", functions=["child_protection"])
    service = make_service(agency, "child_protection", name="Child protection unit")
    response = operator_client.post(
        reverse("helpline:refer", kwargs={"pk": contact.pk}), {"service": str(service.pk), "urgency": "urgent"}
    )
    assert response.status_code == 302, response.content[:3000]
    referral = Referral.objects.get()
    assert referral.service == service
    page = operator_client.get(reverse("helpline:detail", kwargs={"pk": contact.pk})).content.decode()
    assert f'data-referral="{referral.pk}"' in page
    # The case's team elsewhere sees the contact on the case page, never the caller.
    case = Case.objects.get()
    manager = make_user(operator.organization, roles=("case_manager",))
    tab = sign_in(Client(), manager).get(reverse("cases:contacts", kwargs={"pk": case.pk}))
    content = tab.content.decode()
    assert contact.reference in content and "محمد اسلم" not in content and "0301" not in content


def test_the_case_link_form_refuses_a_case_out_of_sight(operator, operator_client):
    contact = make_contact(actor=operator)
    other = make_case(make_organization("PK"))
    response = operator_client.post(
        reverse("helpline:case_link", kwargs={"pk": contact.pk}), {"case": other.case_number}
    )
    assert response.status_code == 400
    assert "No case you may see" in response.content.decode()
