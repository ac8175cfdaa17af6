"""The helpline's services: every rule and refusal of recording a contact, the steps from a contact (a case opened
through the ordinary registration, a case linked, a referral through the referral services), assignment,
situations, callbacks and reveals; each refusal changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case, Consent
from tipsom.cases.testing import make_case
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.helpline import services
from tipsom.helpline.models import Callback, Contact, ContactAction, ContactStatus
from tipsom.helpline.numbers import number_index, number_normal_form
from tipsom.helpline.testing import (
    BRICK_KILN_CALL,
    make_callback,
    make_contact,
    make_helpline,
    make_operator,
)
from tipsom.organizations.testing import make_organization
from tipsom.referrals.models import Referral
from tipsom.referrals.testing import make_service

FAMILY_CONSENT = [
    {"purpose": "data_processing", "given": True, "given_by": "parent"},
    {"purpose": "referral", "given": True, "given_by": "parent", "service_types": ["SocialCare"]},
]
BOY = {"names": [{"name": "عمران اسلم"}], "gender": "Masculine", "birth_date": "2013", "birth_date_precision": "year"}


def _fields(error: pytest.ExceptionInfo[ApplicationError]) -> dict[str, Any]:
    return error.value.extra.get("fields", {})


# --- Recording ------------------------------------------------------------------------------------------------
def test_a_call_is_recorded_with_its_number_screening_and_rank(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    year = timezone.localdate().year
    assert contact.reference == f"HL-{year}-000001"
    assert contact.country == "PK" and contact.owner_organization_id == operator.organization_id
    assert contact.status == ContactStatus.OPEN and contact.created_by == operator
    assert contact.recommendation == "likely_child_victim"
    assert contact.queue_rank == 1  # urgent
    assert contact.caller_number_index == number_index("+92 300 1234567", "PK")
    fresh = Contact.objects.get(pk=contact.pk)
    assert fresh.caller_name == BRICK_KILN_CALL["caller_name"]
    assert fresh.callback_code_word == BRICK_KILN_CALL["callback_code_word"]
    assert make_contact(actor=operator).reference == f"HL-{year}-000002"
    event = AuditEvent.objects.get(action="helpline.contact.create", object_id=str(contact.pk))
    assert event.changes["caller_name"] == "[identifying]"
    assert "caller_number_index" not in event.changes
    assert BRICK_KILN_CALL["caller_name"] not in str(event.changes)


def test_defaults_are_now_by_phone_incoming_and_routine(operator):
    contact = make_contact(actor=operator)
    assert contact.channel == "phone" and contact.direction == "incoming" and contact.urgency == "routine"
    assert abs((timezone.now() - contact.started_at).total_seconds()) < 60
    assert contact.queue_rank == 2


def test_references_count_per_country_and_year(operator):
    other = make_operator(make_helpline("NP"))
    assert make_contact(actor=operator).reference.endswith("-000001")
    assert make_contact(actor=other).reference.endswith("-000001")
    last_year = timezone.now() - datetime.timedelta(days=400)
    assert make_contact(actor=operator, started_at=last_year).reference == f"HL-{last_year.year}-000001"


def test_immediate_danger_tops_the_queue(operator):
    contact = make_contact(actor=operator, urgency="emergency")
    assert contact.queue_rank == 0


@pytest.mark.parametrize("kind", ["silent", "hang_up", "wrong_number", "prank"])
def test_a_non_data_contact_keeps_only_channel_time_duration_and_type(operator, kind):
    contact = make_contact(actor=operator, contact_type=kind, caller_role="", channel="sms", duration_seconds=5)
    assert contact.status == ContactStatus.CLOSED and contact.closed_at is not None
    assert contact.caller_role == "" and contact.recommendation == "" and contact.summary == ""
    with pytest.raises(ApplicationError) as refused:
        make_contact(actor=operator, contact_type=kind, caller_role="", summary="He said his name is Ali")
    assert set(_fields(refused)) == {"summary"}
    with pytest.raises(ApplicationError) as refused:
        make_contact(actor=operator, contact_type=kind, caller_role="self", caller_number="0300 1234567")
    assert {"caller_role", "caller_number"} <= set(_fields(refused))
    assert Contact.objects.count() == 1


def test_an_anonymous_contact_refuses_every_caller_field(operator):
    cases: list[tuple[str, Any]] = [
        ("caller_name", "Someone"),
        ("caller_number", "0300 1234567"),
        ("caller_email", "a@example.org"),
        ("callback_consent", True),
        ("callback_number", "0300 1234567"),
        ("callback_safe_times", "evenings"),
        ("callback_code_word", "tea"),
        ("callback_no_message", True),
    ]
    for name, value in cases:
        with pytest.raises(ApplicationError) as refused:
            make_contact(actor=operator, caller_role="anonymous", **{name: value})
        assert name in _fields(refused), name
    contact = make_contact(actor=operator, caller_role="anonymous", channel="web_form", contact_type="tip")
    assert contact.caller_number_index == "" and contact.caller_name == ""
    assert Contact.objects.count() == 1


def test_a_contact_made_anonymous_must_drop_the_caller(operator):
    contact = make_contact(actor=operator, caller_name="Ayesha", caller_number="0300 1234567")
    with pytest.raises(ApplicationError) as refused:
        services.contact_update(actor=operator, contact_id=contact.pk, caller_role="anonymous")
    assert {"caller_name", "caller_number"} <= set(_fields(refused))
    updated = services.contact_update(
        actor=operator, contact_id=contact.pk, caller_role="anonymous", caller_name="", caller_number=""
    )
    assert updated.caller_name == "" and updated.caller_number_index == ""


def test_the_callback_protocol_needs_consent_and_a_safe_number(operator):
    with pytest.raises(ApplicationError) as refused:
        make_contact(actor=operator, callback_code_word="tea")
    assert "callback_code_word" in _fields(refused)
    with pytest.raises(ApplicationError) as refused:
        make_contact(actor=operator, callback_consent=True)
    assert "callback_number" in _fields(refused)
    contact = make_contact(actor=operator, callback_consent=True, callback_number="0301 7654321")
    assert contact.callback_consent


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("caller_name", "Ma\u202eria"),  # a right-to-left override
        ("caller_name", "Ali\x07"),  # a control character
        ("caller_name", "Ali\nKhan"),
        ("caller_number", "call me maybe"),
        ("caller_number", "12"),
        ("channel", "pigeon"),
        ("contact_type", "gossip"),
        ("caller_role", "neighbour"),
        ("language", "xx"),
        ("subject_gender", "Robot"),
        ("subject_count", 0),
        ("subject_count", "two"),
        ("duration_seconds", -5),
        ("duration_seconds", 10**6),
        ("region", "BR-SP"),
        ("acts", ["kidnapped"]),
        ("means_of_control", ["Magic"]),
        ("exploitation_types", "ForcedLabour"),
        ("industries", ["Z_Nothing"]),
        ("urgency", "whenever"),
        ("actions", ["case_opened"]),
        ("started_at", "yesterday"),
        ("started_at", "2999-01-01T10:00"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(operator, field, value):
    with pytest.raises(ApplicationError) as refused:
        make_contact(actor=operator, **{field: value})
    assert field in _fields(refused), _fields(refused)
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="helpline.").exists()


def test_unknown_fields_are_refused(operator):
    with pytest.raises(ApplicationError) as refused:
        make_contact(actor=operator, victim_name="Ali")
    assert "victim_name" in _fields(refused)


def test_recording_needs_the_permission(helpline):
    for user in (make_user(helpline, roles=("me_officer",)), make_user(helpline, roles=("case_manager",))):
        with pytest.raises(NotFound):
            make_contact(actor=user)


def test_an_update_is_checked_whole_and_audited_without_values(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    with pytest.raises(ApplicationError):
        services.contact_update(actor=operator, contact_id=contact.pk, contact_type="silent")
    updated = services.contact_update(
        actor=operator, contact_id=contact.pk, version=contact.version, urgency="emergency", summary="Now in danger"
    )
    assert updated.queue_rank == 0 and updated.version == contact.version + 1
    event = AuditEvent.objects.get(action="helpline.contact.update")
    assert event.changes["summary"] == "[identifying]" and event.changes["urgency"] == ["urgent", "emergency"]
    with pytest.raises(Conflict):
        services.contact_update(actor=operator, contact_id=contact.pk, version=contact.version, urgency="routine")


def test_another_helpline_cannot_touch_a_contact(operator):
    contact = make_contact(actor=operator)
    stranger = make_operator(make_helpline("PK"))
    for call in (
        lambda: services.contact_update(actor=stranger, contact_id=contact.pk, urgency="urgent"),
        lambda: services.contact_close(actor=stranger, contact_id=contact.pk),
        lambda: services.contact_caller_reveal(actor=stranger, contact_id=contact.pk, reason="to call her back now"),
        lambda: services.contact_assign(actor=stranger, contact_id=contact.pk, assignee_id=stranger.pk),
    ):
        with pytest.raises(NotFound):
            call()


# --- Numbers ---------------------------------------------------------------------------------------------------
def test_numbers_written_differently_are_one_number():
    assert number_normal_form("0300 1234567", "PK") == "+923001234567"
    assert number_normal_form("0092 300-1234567", "BR") == "+923001234567"
    assert number_index("(0300) 123 4567", "PK") == number_index("+923001234567", "NP")
    assert number_index("", "PK") == ""


# --- Reveal ----------------------------------------------------------------------------------------------------
def test_the_caller_is_revealed_with_a_reason_and_audited(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    with pytest.raises(ApplicationError):
        services.contact_caller_reveal(actor=operator, contact_id=contact.pk, reason="test")
    values = services.contact_caller_reveal(
        actor=operator, contact_id=contact.pk, reason="to call the father back about his son"
    )
    assert values["callback_number"] == "0301 7654321" and values["caller_name"] == "محمد اسلم"
    event = AuditEvent.objects.get(action="reveal", object_type="helpline.contact")
    assert "0301" not in str(event.changes) and event.reason.startswith("to call")
    anonymous = make_contact(actor=operator, caller_role="anonymous")
    with pytest.raises(ApplicationError) as refused:
        services.contact_caller_reveal(actor=operator, contact_id=anonymous.pk, reason="to call the father back")
    assert refused.value.code == "nothing_to_reveal"


# --- Assignment, closing ---------------------------------------------------------------------------------------
def test_an_operator_takes_and_lets_go_a_contact_a_supervisor_assigns_others(operator, supervisor):
    contact = make_contact(actor=operator)
    colleague = make_operator(operator.organization)
    services.contact_assign(actor=operator, contact_id=contact.pk, assignee_id=operator.pk)
    with pytest.raises(ApplicationError) as refused:
        services.contact_assign(actor=operator, contact_id=contact.pk, assignee_id=colleague.pk)
    assert refused.value.status_code == 403
    with pytest.raises(ApplicationError):
        services.contact_assign(actor=colleague, contact_id=contact.pk, assignee_id=colleague.pk)  # taking another's
    services.contact_assign(actor=supervisor, contact_id=contact.pk, assignee_id=colleague.pk)
    assert Contact.objects.get(pk=contact.pk).assigned_to == colleague
    outsider = make_operator(make_helpline("PK"))
    with pytest.raises(ApplicationError) as refused:
        services.contact_assign(actor=supervisor, contact_id=contact.pk, assignee_id=outsider.pk)
    assert "assignee" in _fields(refused)
    services.contact_assign(actor=colleague, contact_id=contact.pk, assignee_id=None)
    assert Contact.objects.get(pk=contact.pk).assigned_to is None
    assert AuditEvent.objects.filter(action="helpline.contact.assign").count() == 3


def test_close_and_reopen(operator):
    contact = make_contact(actor=operator)
    services.contact_close(actor=operator, contact_id=contact.pk)
    with pytest.raises(Conflict):
        services.contact_close(actor=operator, contact_id=contact.pk)
    services.contact_reopen(actor=operator, contact_id=contact.pk)
    assert Contact.objects.get(pk=contact.pk).status == ContactStatus.OPEN
    silent = make_contact(actor=operator, contact_type="silent", caller_role="")
    with pytest.raises(ApplicationError) as refused:
        services.contact_reopen(actor=operator, contact_id=silent.pk)
    assert refused.value.code == "non_data_contact"


# --- Situations ------------------------------------------------------------------------------------------------
def test_contacts_about_one_situation_are_linked_and_unlinked(operator):
    phone = make_contact(actor=operator, contact_type="tip")
    web = make_contact(actor=operator, contact_type="tip", channel="web_form", caller_role="anonymous")
    again = make_contact(actor=operator, contact_type="tip")
    services.contact_situation_link(actor=operator, contact_id=web.pk, other=phone.reference)
    services.contact_situation_link(actor=operator, contact_id=again.pk, other=str(web.pk))
    assert set(Contact.objects.filter(situation_id=phone.pk).values_list("pk", flat=True)) == {
        phone.pk,
        web.pk,
        again.pk,
    }
    with pytest.raises(Conflict):
        services.contact_situation_link(actor=operator, contact_id=phone.pk, other=again.reference)
    with pytest.raises(ApplicationError) as refused:
        services.contact_situation_link(actor=operator, contact_id=phone.pk, other="HL-1999-000001")
    assert "other" in _fields(refused)
    services.contact_situation_leave(actor=operator, contact_id=phone.pk)
    assert Contact.objects.get(pk=phone.pk).situation_id is None
    assert set(Contact.objects.filter(situation_id=web.pk).values_list("pk", flat=True)) == {web.pk, again.pk}
    services.contact_situation_leave(actor=operator, contact_id=again.pk)
    assert not Contact.objects.filter(situation__isnull=False).exists()


def test_a_contact_of_another_helpline_cannot_be_linked(operator):
    mine = make_contact(actor=operator)
    theirs = make_contact(actor=make_operator(make_helpline("PK")))
    with pytest.raises(ApplicationError):
        services.contact_situation_link(actor=operator, contact_id=mine.pk, other=theirs.reference)
    assert Contact.objects.get(pk=theirs.pk).situation_id is None


# --- From a contact to a case ----------------------------------------------------------------------------------
def test_a_case_is_opened_from_the_contact_with_the_family_s_consent(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    case = services.contact_case_open(actor=operator, contact_id=contact.pk, person=BOY, consents=FAMILY_CONSENT)
    assert case.owner_organization_id == operator.organization_id and case.is_child
    assert case.exploitation_types == ["ForcedLabour", "ChildLabour"] and case.industries == ["C_Manufacturing"]
    assert case.region == "PK-PB" and case.identified_on == timezone.localdate()
    screening = case.screenings.get()
    assert screening.acts == ["recruitment", "harbouring"] and screening.means == ["DebtBondage"]
    assert screening.recommendation == "likely_child_victim"
    consents = {c.purpose: c for c in Consent.objects.filter(case=case)}
    assert consents["data_processing"].given_by == "parent" and consents["referral"].given
    contact.refresh_from_db()
    assert contact.case == case and ContactAction.CASE_OPENED in contact.actions
    assert AuditEvent.objects.filter(action="case.create", object_id=str(case.pk)).exists()
    assert AuditEvent.objects.get(action="helpline.contact.case_open").changes == {"case": case.pk}
    with pytest.raises(Conflict):
        services.contact_case_open(actor=operator, contact_id=contact.pk, person=BOY, consents=FAMILY_CONSENT)


def test_no_case_without_the_consent_to_process_the_data(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    for consents in (None, [], [{"purpose": "data_processing", "given": False, "given_by": "parent"}]):
        with pytest.raises(ApplicationError) as refused:
            services.contact_case_open(actor=operator, contact_id=contact.pk, person=BOY, consents=consents)
        assert refused.value.code == "consent_missing"
    assert not Case.objects.exists()


def test_a_refused_registration_leaves_nothing_half_done(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    with pytest.raises(ApplicationError) as refused:
        services.contact_case_open(
            actor=operator,
            contact_id=contact.pk,
            person={"names": [{"name": "Imr\u202ean"}]},
            consents=FAMILY_CONSENT,
        )
    assert "names.0.name" in _fields(refused)
    with pytest.raises(ApplicationError):  # a child's own consent is refused by the consent service
        services.contact_case_open(
            actor=operator,
            contact_id=contact.pk,
            person=BOY,
            consents=[{"purpose": "data_processing", "given": True, "given_by": "person"}],
        )
    assert not Case.objects.exists()
    contact.refresh_from_db()
    assert contact.case is None and contact.actions == []


def test_a_non_data_contact_becomes_no_case(operator):
    silent = make_contact(actor=operator, contact_type="silent", caller_role="")
    with pytest.raises(ApplicationError) as refused:
        services.contact_case_open(actor=operator, contact_id=silent.pk, person=BOY, consents=FAMILY_CONSENT)
    assert refused.value.code == "non_data_contact"


def test_a_contact_is_linked_to_a_case_the_operator_may_see(operator):
    contact = make_contact(actor=operator)
    own_case = make_case(operator.organization)
    other_case = make_case(make_organization("PK"))
    with pytest.raises(ApplicationError) as refused:
        services.contact_case_link(actor=operator, contact_id=contact.pk, case=other_case.case_number)
    assert "case" in _fields(refused)
    with pytest.raises(ApplicationError):
        services.contact_case_link(actor=operator, contact_id=contact.pk, case=str(other_case.pk))
    services.contact_case_link(actor=operator, contact_id=contact.pk, case=own_case.case_number)
    contact.refresh_from_db()
    assert contact.case == own_case and contact.actions == [ContactAction.CASE_LINKED]
    with pytest.raises(Conflict):
        services.contact_case_link(actor=operator, contact_id=contact.pk, case=own_case.case_number)


def _child_protection_service(country: str = "PK") -> Any:
    agency = make_organization(country, name="Child Protection Bureau", functions=["child_protection"])
    return make_service(agency, "child_protection", name="Child protection unit")


def test_a_referral_goes_through_the_referral_services_with_their_consent_gate(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    service = _child_protection_service()
    with pytest.raises(ApplicationError) as refused:
        services.contact_refer(actor=operator, contact_id=contact.pk, service_id=service.pk)
    assert refused.value.code == "no_case"
    services.contact_case_open(
        actor=operator, contact_id=contact.pk, person=BOY, consents=FAMILY_CONSENT[:1]
    )  # no consent to refer yet
    with pytest.raises(ApplicationError) as refused:
        services.contact_refer(actor=operator, contact_id=contact.pk, service_id=service.pk)
    assert refused.value.code == "consent_missing"
    assert not Referral.objects.exists()
    referral = services.contact_refer(
        actor=operator,
        contact_id=contact.pk,
        service_id=service.pk,
        consent={"given_by": "parent", "recorded_on": timezone.localdate(), "service_types": ["SocialCare"]},
    )
    assert referral.urgency == "urgent" and referral.to_organization == service.organization
    assert "child" in referral.sections
    contact.refresh_from_db()
    assert list(contact.referrals.all()) == [referral]
    assert ContactAction.REFERRED_SERVICE in contact.actions
    assert AuditEvent.objects.filter(action="referral.send").exists()
    assert AuditEvent.objects.filter(action="helpline.contact.refer").exists()


def test_in_immediate_danger_a_referral_may_go_without_consent_with_a_reason(operator):
    contact = make_contact(actor=operator, **{**BRICK_KILN_CALL, "urgency": "emergency"})
    services.contact_case_open(actor=operator, contact_id=contact.pk, person=BOY, consents=FAMILY_CONSENT[:1])
    referral = services.contact_refer(
        actor=operator,
        contact_id=contact.pk,
        service_id=_child_protection_service().pk,
        consent_override="The boy is beaten tonight; no parent can be reached.",
    )
    assert referral.urgency == "emergency" and referral.consent_override
    assert AuditEvent.objects.filter(action="referral.consent_override").exists()


# --- Callbacks ---------------------------------------------------------------------------------------------------
def test_callbacks_need_the_caller_s_consent_and_are_answered_once(operator):
    without = make_contact(actor=operator)
    with pytest.raises(ApplicationError) as refused:
        make_callback(without, actor=operator)
    assert refused.value.code == "no_callback_consent"
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    with pytest.raises(ApplicationError) as refused:
        make_callback(contact, actor=operator, due_at=timezone.now() - datetime.timedelta(days=2))
    assert "due_at" in _fields(refused)
    callback = make_callback(contact, actor=operator)
    assert callback.owner_organization_id == contact.owner_organization_id and callback.status == "pending"
    with pytest.raises(ApplicationError):
        services.callback_complete(actor=operator, callback_id=callback.pk, outcome="pending")
    done = services.callback_complete(
        actor=operator, callback_id=callback.pk, outcome="unsafe", note="A man answered; hung up"
    )
    assert done.status == "unsafe" and done.done_by == operator
    with pytest.raises(Conflict):
        services.callback_complete(actor=operator, callback_id=callback.pk, outcome="reached")
    event = AuditEvent.objects.get(action="helpline.callback.complete")
    assert "man answered" not in str(event.changes)
    stranger = make_operator(make_helpline("PK"))
    with pytest.raises(NotFound):
        services.callback_complete(actor=stranger, callback_id=callback.pk, outcome="reached")
    assert Callback.objects.count() == 1
