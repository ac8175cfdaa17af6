"""Bad input to the case services: each answers a clear error naming the field, and saves nothing."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from django.test import override_settings

from tipsom.audit.models import AuditEvent
from tipsom.cases import services
from tipsom.cases.models import (
    ACTUAL_VICTIM,
    Assessment,
    Attachment,
    Case,
    CaseNumberCounter,
    CaseOrganization,
    ChildProtection,
    ClosureRequest,
    Consent,
    JournalEntry,
    Screening,
    ServiceDelivery,
    StatusDecision,
    SupportPlanItem,
    Task,
    TraffickingEvent,
)
from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person, PersonContact, PersonDocument, PersonName

pytestmark = pytest.mark.django_db

COUNTED = (
    Case,
    CaseNumberCounter,
    CaseOrganization,
    ChildProtection,
    ClosureRequest,
    Consent,
    JournalEntry,
    Screening,
    ServiceDelivery,
    StatusDecision,
    SupportPlanItem,
    Task,
    TraffickingEvent,
    Assessment,
    Attachment,
    Person,
    PersonName,
    PersonContact,
    PersonDocument,
    AuditEvent,
)
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CONTROL_CHARACTERS = ("\x00", "\x1b", "\u0007")


def snapshot() -> dict[str, Any]:
    """Every row count, and the state of each case and child track: what a refused call must leave alone."""
    state: dict[str, Any] = {model.__name__: model.objects.count() for model in COUNTED}
    state["cases"] = list(
        Case.objects.order_by("pk").values_list(
            "version", "status", "trafficking_status", "is_child", "identified_on", "exploitation_types", "region"
        )
    )
    state["tracks"] = list(ChildProtection.objects.order_by("pk").values_list("best_interests", "age_assessment"))
    state["counters"] = list(CaseNumberCounter.objects.order_by("pk").values_list("country", "year", "last"))
    return state


def refused(call: Callable[..., Any], *, code: str = "invalid", field: str | None = None) -> ApplicationError:
    """Call; it must raise `code` (naming `field` in extra.fields) and change nothing in the database."""
    before = snapshot()
    with pytest.raises(ApplicationError) as info:
        call()
    error = info.value
    assert error.code == code, (error.code, error.message, error.extra)
    assert error.message.strip()
    if field is not None:
        assert field in error.extra.get("fields", {}), error.extra
        assert str(error.extra["fields"][field]).strip()
    assert snapshot() == before
    return error


@pytest.fixture
def adult() -> dict[str, Any]:
    return {
        "names": [{"name": "Ярославна Кравчук"}],
        "gender": "Feminine",
        "citizenships": ["UA"],
        "birth_date": "1990-03-17",
        "birth_date_precision": "exact",
    }


@pytest.fixture
def adult_case(identifier, home_org, adult, case_data) -> Case:
    return services.case_register(actor=identifier, organization=home_org, person=adult, **case_data)


def register(identifier, home_org, person, case_data, **changes) -> Callable[[], Case]:
    return lambda: services.case_register(
        actor=identifier, organization=home_org, person=person, **{**case_data, **changes}
    )


# Registration -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "precision", "too_early", "first_possible"),
    [
        ("2010-05-20", "exact", "2010-05-19", "2010-05-20"),
        ("2010-05", "year_month", "2010-04-30", "2010-05-01"),
        ("2010", "year", "2009-12-31", "2010-01-01"),
        ("2010", "estimated", "2009-12-31", "2010-01-01"),
    ],
)
def test_identification_before_birth_is_refused(
    identifier, home_org, adult, case_data, birth_date, precision, too_early, first_possible
):
    person = {**adult, "birth_date": birth_date, "birth_date_precision": precision}
    error = refused(register(identifier, home_org, person, case_data, identified_on=too_early), field="identified_on")
    assert "birth" in error.extra["fields"]["identified_on"]
    case = register(identifier, home_org, person, case_data, identified_on=first_possible)()
    assert case.identified_on.isoformat() == first_possible


@pytest.mark.parametrize("value", ["2999-01-01", "2026-02-30", "yesterday", 20260101])
def test_identification_date_in_the_future_or_not_a_date(identifier, home_org, adult, case_data, value):
    refused(register(identifier, home_org, adult, case_data, identified_on=value), field="identified_on")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("case_type", "trafficking"),
        ("exploitation_types", ["ForcedLabour", "Slavery"]),
        ("exploitation_types", "ForcedLabour"),
        ("industries", ["Z_Nothing"]),
        ("means_of_control", ["Magic"]),
        ("sex_exploitation_types", ["ForcedLabour"]),
        ("recruitment_methods", [None]),
        ("vulnerabilities", [{"code": "x"}]),
        ("origin_country", "XX"),
        ("destination_country", "Brazil"),
        ("transit_countries", ["PY", "ZZ"]),
        ("region", "BR-XX"),
        ("region", "BO-L"),  # a real region, of another country
    ],
)
def test_unknown_codes_are_refused_at_registration(identifier, home_org, adult, case_data, field, value):
    refused(register(identifier, home_org, adult, case_data, **{field: value}), field=field)


@pytest.mark.parametrize("char", CONTROL_CHARACTERS)
def test_person_names_with_control_characters_are_refused(identifier, home_org, adult, case_data, char):
    person = {**adult, "names": [{"name": f"Juana{char}Mamani"}]}
    refused(register(identifier, home_org, person, case_data), field="names.0.name")
    alias = {**adult, "names": [{"name": "Juana Mamani"}, {"name": f"{char}Juanita", "kind": "alias"}]}
    refused(register(identifier, home_org, alias, case_data), field="names.1.name")


def test_person_and_case_errors_are_reported_together(identifier, home_org, adult, case_data):
    person = {**adult, "names": [{"name": "Juana\x00"}]}
    error = refused(register(identifier, home_org, person, case_data, identified_on="2999-01-01", region="BR-XX"))
    assert {"names.0.name", "identified_on", "region"} <= set(error.extra["fields"])


def test_registration_shape_errors(identifier, home_org, adult, case_data):
    refused(register(identifier, home_org, adult, case_data, colour="red"), field="colour")
    refused(lambda: services.case_register(actor=identifier, organization=home_org, **case_data), field="person")
    refused(
        lambda: services.case_register(
            actor=identifier, organization=home_org, person={"gender": "Feminine"}, **case_data
        ),
        field="names",
    )
    missing = {key: value for key, value in case_data.items() if key not in ("case_type", "identified_on")}
    error = refused(lambda: services.case_register(actor=identifier, organization=home_org, person=adult, **missing))
    assert {"case_type", "identified_on"} <= set(error.extra["fields"])


@pytest.mark.parametrize(
    ("screening", "field"),
    [
        ({"acts": ["kidnapping"]}, "screening.acts"),
        ({"means": ["Magic"]}, "screening.means"),
        ({"purposes": ["Slavery"]}, "screening.purposes"),
        ({"som_vulnerabilities": ["tired"]}, "screening.som_vulnerabilities"),
        ({"notes": "Said her name is \x1b[31mX"}, "screening.notes"),
        ({"screened_on": "2999-01-01"}, "screening.screened_on"),
        ({"screened_on": "1980-01-01"}, "screening.screened_on"),  # before the person was born
        ({"mood": "calm"}, "mood"),
    ],
)
def test_bad_screening_is_refused(identifier, home_org, adult, case_data, screening, field):
    refused(register(identifier, home_org, adult, case_data, screening=screening), field=field)


# Case changes and status decisions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("identified_on", "1989-12-31"),
        ("identified_on", "2999-01-01"),
        ("exploitation_types", ["Slavery"]),
        ("industries", ["C_Manufacturing", "Z"]),
        ("means_of_control", ["Magic"]),
        ("region", "UA-30"),
        ("origin_country", "SU"),
        ("case_owner", 999999),
        ("status", "Closed"),  # not a field case_update changes
    ],
)
def test_case_update_refuses_bad_values(adult_case, identifier, field, value):
    refused(
        lambda: services.case_update(
            actor=identifier, case_id=adult_case.pk, version=adult_case.version, **{field: value}
        ),
        field=field,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "Victim"}, "status"),
        ({"deciding_organization_type": "Army"}, "deciding_organization_type"),
        ({"decided_on": "2999-01-01"}, "decided_on"),
        ({"decided_on": "2026-10-01"}, "decided_on"),  # before the identification
        ({"basis": ""}, "basis"),
        ({"basis": "Interview\x00"}, "basis"),
    ],
)
def test_bad_status_decisions_are_refused(adult_case, identifier, changes, field):
    decision = {
        "status": ACTUAL_VICTIM,
        "decided_on": "2026-10-06",
        "deciding_organization_type": "Police",
        "basis": "Labour inspection report.",
        **changes,
    }
    refused(lambda: services.case_decide_status(actor=identifier, case_id=adult_case.pk, **decision), field=field)


def test_a_datetime_is_taken_as_its_date(adult_case, identifier):
    decision = services.case_decide_status(
        actor=identifier,
        case_id=adult_case.pk,
        status="NotAVictimOfTrafficking",
        decided_on=datetime(2026, 10, 6, 12, tzinfo=UTC),
        deciding_organization_type="NGO",
        basis="No indicators.",
    )
    assert decision.decided_on.isoformat() == "2026-10-06"


def test_a_version_that_is_not_a_number_is_refused(adult_case, identifier):
    refused(
        lambda: services.case_update(
            actor=identifier, case_id=adult_case.pk, version=cast(Any, "latest"), region="BR-SP"
        ),
        field="version",
    )


# Consent --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recorded_on": "2999-01-01"}, "recorded_on"),
        ({"recorded_on": "2026-09-30"}, "recorded_on"),  # before the identification
        ({"purpose": "marketing"}, "purpose"),
        ({"given_by": "neighbour"}, "given_by"),
        ({"given": "yes"}, "given"),
        ({"service_types": ["Spa"]}, "service_types"),
        ({"service_types": []}, "service_types"),  # a referral consent names its types of service
        ({"purpose": "statistics"}, "service_types"),  # types of service are for referral only
    ],
)
def test_bad_consent_is_refused(adult_case, identifier, changes, field):
    consent = {
        "purpose": "referral",
        "given": True,
        "recorded_on": "2026-10-03",
        "given_by": "person",
        "service_types": ["Shelter"],
        **changes,
    }
    refused(lambda: services.consent_record(actor=identifier, case_id=adult_case.pk, **consent), field=field)


def test_a_childs_consent_is_given_by_a_guardian_or_parent(child_case, identifier):
    refused(
        lambda: services.consent_record(
            actor=identifier,
            case_id=child_case.pk,
            purpose="data_processing",
            given=True,
            recorded_on="2026-10-03",
            given_by="person",
        ),
        field="given_by",
    )
    consent = services.consent_record(
        actor=identifier,
        case_id=child_case.pk,
        purpose="data_processing",
        given=True,
        recorded_on="2026-10-03",
        given_by="guardian",
    )
    assert consent.given_by == "guardian"


def test_consent_cannot_be_backdated_behind_the_consent_in_force(adult_case, identifier):
    services.consent_record(
        actor=identifier,
        case_id=adult_case.pk,
        purpose="referral",
        given=True,
        recorded_on="2026-10-10",
        given_by="person",
        service_types=["Shelter"],
    )
    refused(
        lambda: services.consent_record(
            actor=identifier,
            case_id=adult_case.pk,
            purpose="referral",
            given=False,
            recorded_on="2026-10-05",
            given_by="person",
        ),
        field="recorded_on",
    )
    assert services.consent_allows(adult_case, "referral", "Shelter")


def test_a_referral_after_consent_was_withdrawn_is_refused(adult_case, identifier):
    with pytest.raises(ApplicationError) as missing:
        services.consent_require(adult_case, "referral", "Shelter")
    assert missing.value.code == "consent_missing"
    services.consent_record(
        actor=identifier,
        case_id=adult_case.pk,
        purpose="referral",
        given=True,
        recorded_on="2026-10-03",
        given_by="person",
        service_types=["Health"],
    )
    with pytest.raises(ApplicationError) as other_type:
        services.consent_require(adult_case, "referral", "Shelter")
    assert other_type.value.code == "consent_missing"
    assert other_type.value.extra["service_type"] == "Shelter"
    services.consent_require(adult_case, "referral", "Health")  # allowed: no error

    services.consent_record(
        actor=identifier,
        case_id=adult_case.pk,
        purpose="referral",
        given=False,
        recorded_on="2026-10-03",
        given_by="person",
    )
    assert not services.consent_allows(adult_case, "referral", "Health")
    for service_type in ("Health", "Shelter", ""):
        with pytest.raises(ApplicationError) as withdrawn:
            services.consent_require(adult_case, "referral", service_type)
        assert withdrawn.value.code == "consent_withdrawn"
        assert withdrawn.value.status_code == 409
        assert "2026-10-03" in withdrawn.value.message
    with pytest.raises(ApplicationError) as unknown_purpose:
        services.consent_require(adult_case, "marketing")
    assert unknown_purpose.value.code == "consent_missing"


# Events, assessments, plan, services, tasks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"event_type": "Kidnap"}, "event_type"),
        ({"country": "XX"}, "country"),
        ({"country": ""}, "country"),
        ({"place": "Fazenda\x00Boa Vista"}, "place"),
        ({"place": "Fazenda\x1b Boa Vista"}, "place"),
        ({"place": "Fazenda\u0007"}, "place"),
        ({"place": "Fazenda\nBoa Vista"}, "place"),
        ({"place": "Fazenda\u2028Boa Vista"}, "place"),
        ({"place": "\u202eatsiV aoB"}, "place"),
        ({"start_date": "2999-01-01"}, "start_date"),
        ({"start_date": "1985-01-01"}, "start_date"),  # before the person's birth
        ({"start_date": "2026-05-01", "end_date": "2026-04-01"}, "end_date"),
    ],
)
def test_bad_trafficking_events_are_refused(adult_case, identifier, changes, field):
    event = {"event_type": "Exploitation", "country": "BR", "place": "Fazenda Boa Vista", **changes}
    refused(lambda: services.event_add(actor=identifier, case_id=adult_case.pk, **event), field=field)


def test_bad_case_work_is_refused(adult_case, identifier, home_org):
    case_id = adult_case.pk
    refused(
        lambda: services.assessment_add(
            actor=identifier, case_id=case_id, kind="needs", assessed_on="2026-10-04", level="high", needs=["Spa"]
        ),
        field="needs",
    )
    refused(
        lambda: services.assessment_add(
            actor=identifier, case_id=case_id, kind="needs", assessed_on="2999-01-01", level="extreme"
        ),
        field="level",
    )
    refused(lambda: services.plan_item_add(actor=identifier, case_id=case_id, support_type="Spa"), field="support_type")
    foreign = make_organization("BO")
    service = {
        "support_type": "Health",
        "delivered_on": "2026-10-05",
        "provider_id": home_org.pk,
        "outcome": "completed",
    }
    for changes, field in [
        ({"support_type": "Spa"}, "support_type"),
        ({"delivered_on": "2999-01-01"}, "delivered_on"),
        ({"delivered_on": "2026-10-01"}, "delivered_on"),
        ({"provider_id": foreign.pk}, "provider"),
        ({"provider_id": "not a number"}, "provider"),
        ({"outcome": "great"}, "outcome"),
        ({"notes": "Ok\x00"}, "notes"),
    ]:
        refused(
            lambda changes=changes: services.service_add(actor=identifier, case_id=case_id, **{**service, **changes}),
            field=field,
        )
    refused(
        lambda: services.task_add(actor=identifier, case_id=case_id, title="Call\x07", due_on="2026-12-01"),
        field="title",
    )
    refused(lambda: services.task_add(actor=identifier, case_id=case_id, title="Call", due_on="soon"), field="due_on")
    refused(
        lambda: services.task_add(
            actor=identifier, case_id=case_id, title="Call", due_on="2026-12-01", assigned_to_id="someone"
        ),
        field="assigned_to",
    )
    refused(
        lambda: services.case_team_set(actor=identifier, case_id=case_id, version=None, user_ids=["x"]), field="team"
    )


# Journal and attachments --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["She arrived\x00 at night", "\x1b[2J", "Bell\u0007", "", "   "])
def test_journal_notes_with_control_characters_or_empty_are_refused(adult_case, identifier, text):
    refused(lambda: services.journal_add(actor=identifier, case_id=adult_case.pk, text=text), field="text")


def test_journal_keeps_line_breaks_and_tabs(adult_case, identifier):
    entry = services.journal_add(actor=identifier, case_id=adult_case.pk, text="Line one\r\n\tLine two")
    assert JournalEntry.objects.get(pk=entry.pk).text == "Line one\n\tLine two"


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60),  # a Windows executable
        ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("report.pdf", b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 40),  # a zip archive
        ("report.pdf", b"GIF89a" + b"\x00" * 20),  # a real image, not accepted by default
        ("report.pdf", b""),
        ("report.pdf", "%PDF- a text, not bytes"),
    ],
)
def test_attachments_of_the_wrong_type_or_empty_are_refused(adult_case, identifier, filename, content):
    error = refused(
        lambda: services.attachment_add(actor=identifier, case_id=adult_case.pk, filename=filename, content=content),
        field="file",
    )
    assert error.extra["fields"]["file"]


@override_settings(TIPSOM_ATTACHMENT_MAX_BYTES=64)
def test_attachments_too_big_are_refused(adult_case, identifier):
    error = refused(
        lambda: services.attachment_add(
            actor=identifier, case_id=adult_case.pk, filename="scan.pdf", content=PDF + b"\x00" * 64
        ),
        field="file",
    )
    assert "too big" in error.extra["fields"]["file"]
    small = services.attachment_add(
        actor=identifier, case_id=adult_case.pk, filename="scan.pdf", content=PDF.ljust(64, b"\n")
    )
    assert small.size == 64


@pytest.mark.parametrize("filename", ["scan\x00.pdf", "scan\x1b.pdf", "../../etc/passwd.pdf", "C:\\scan.pdf", ""])
def test_attachment_names_with_control_characters_or_paths_are_refused(adult_case, identifier, filename):
    refused(
        lambda: services.attachment_add(actor=identifier, case_id=adult_case.pk, filename=filename, content=PDF),
        field="filename",
    )


# The child track ----------------------------------------------------------------------------------------------------


def test_a_childs_case_does_not_close_without_guardian_assessment_and_tracing(
    child_case, identifier, cp_agency, cp_officer
):
    close = lambda: services.case_close(  # noqa: E731
        actor=identifier, case_id=child_case.pk, reason="services_completed", closed_on="2026-11-01"
    )
    error = refused(close, code="child_steps_incomplete", field="guardian_name")
    assert {"notified_organization", "best_interests", "family_tracing"} <= set(error.extra["fields"])
    assert len(error.extra["problems"]) == 4

    services.child_notify(actor=identifier, case_id=child_case.pk, organization_id=cp_agency.pk)
    services.child_update(
        actor=cp_officer,
        case_id=child_case.pk,
        best_interests="completed",
        best_interests_completed_on="2026-10-20",
        family_tracing="family_found",
    )
    error = refused(close, code="child_steps_incomplete", field="guardian_name")
    assert set(error.extra["fields"]) == {"guardian_name"}
    assert "guardian" in error.message

    services.child_update(
        actor=cp_officer, case_id=child_case.pk, guardian_name="Dra. Helena Costa", guardian_appointed_on="2026-10-05"
    )
    request = close()
    assert request.approval == StatusDecision.Approval.PENDING  # closure waits for a supervisor by default


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"guardian_name": "Helena\x00Costa"}, "guardian_name"),
        ({"guardian_name": "Helena\nCosta"}, "guardian_name"),
        ({"guardian_appointed_on": "2999-01-01", "guardian_name": "Helena Costa"}, "guardian_appointed_on"),
        ({"guardian_appointed_on": "2026-10-05"}, "guardian_name"),  # appointed, but nobody named
        ({"best_interests": "completed"}, "best_interests_completed_on"),
        ({"family_tracing": "lost"}, "family_tracing"),
        ({"age_assessment": "teen"}, "age_assessment"),
        ({"guardian_organization": "abc"}, "guardian_organization"),
        ({"shoe_size": 38}, "shoe_size"),
    ],
)
def test_bad_child_track_updates_are_refused(child_case, identifier, changes, field):
    refused(lambda: services.child_update(actor=identifier, case_id=child_case.pk, **changes), field=field)


def test_only_a_child_protection_agency_of_the_country_is_notified(child_case, identifier, home_org):
    foreign_agency = make_organization("BO", functions=["child_protection"])
    for organization_id in (home_org.pk, foreign_agency.pk, "abc", None):
        refused(
            lambda organization_id=organization_id: services.child_notify(
                actor=identifier, case_id=child_case.pk, organization_id=organization_id
            ),
            field="organization",
        )


def test_som_vulnerabilities_belong_only_to_a_smuggling_case(identifier, home_org, adult, case_data):
    screening = {"som_vulnerabilities": ["abandoned"]}
    refused(
        register(identifier, home_org, adult, case_data, screening=screening), field="screening.som_vulnerabilities"
    )
    case = register(identifier, home_org, adult, {**case_data, "case_type": "som"}, screening=screening)()
    assert Screening.objects.get(case=case).som_vulnerabilities == ["abandoned"]
