"""cases_bulk_import and case_work_bulk_add: many cases (or parts of cases) written at once, checked as the one-by-one
services check them, all or nothing, with one summary audit event; the same rows the services would write."""

from datetime import UTC, datetime
from typing import Any

import pytest

from tipsom.audit.models import AuditEvent
from tipsom.cases.models import (
    Case,
    CaseOrganization,
    ChildProtection,
    ClosureRequest,
    Consent,
    JournalEntry,
    ServiceDelivery,
    StatusDecision,
    Task,
    TraffickingEvent,
)
from tipsom.cases.services import (
    CaseImport,
    CaseWorkImport,
    case_register,
    case_work_bulk_add,
    cases_bulk_import,
    child_closure_problems,
    consent_current,
)
from tipsom.core.errors import ApplicationError
from tipsom.people.models import Person, PersonName


def _adult() -> dict[str, Any]:
    return {
        "names": [{"name": "Maria Gomes"}],
        "gender": "Feminine",
        "citizenships": ["BR"],
        "birth_date": "1990",
        "birth_date_precision": "year",
    }


def _closed_child_case(
    home_org: Any, cp_agency: Any, identifier: Any, supervisor: Any, child_person: Any, case_data: Any
) -> CaseImport:
    """A child's case with everything done on it, closed with a supervisor's approval."""
    return CaseImport(
        organization=home_org,
        created_by=identifier,
        person=child_person,
        case=case_data,
        screening={"acts": ["recruitment"], "means": ["DebtBondage"], "purposes": ["ForcedLabour"]},
        events=[{"event_type": "Recruitment", "country": "BO", "place": "La Paz", "start_date": "2026-03-01"}],
        consents=[{"purpose": "data_processing", "given": True, "recorded_on": "2026-10-02", "given_by": "guardian"}],
        child_notified_organization=cp_agency,
        child_notified_at=datetime(2026, 10, 2, 11, tzinfo=UTC),
        child_updates=[
            {"guardian_organization": cp_agency, "guardian_appointed_on": "2026-10-05"},
            {
                "best_interests": "completed",
                "best_interests_completed_on": "2026-10-20",
                "family_tracing": "family_found",
            },
        ],
        decision={
            "status": "ActualVictimOfTrafficking",
            "basis": "Debt bondage in a workshop.",
            "decided_on": "2026-10-10",
            "deciding_organization_type": "NGO",
            "approved_by": supervisor,
            "approved_at": datetime(2026, 10, 11, 15, tzinfo=UTC),
        },
        services=[
            {"support_type": "Shelter", "delivered_on": "2026-10-03", "provider": home_org, "outcome": "completed"}
        ],
        tasks=[
            {
                "title": "Call the consulate",
                "due_on": "2026-10-09",
                "assigned_to": identifier,
                "done_at": datetime(2026, 10, 9, 16, tzinfo=UTC),
            }
        ],
        journal=["Met her at the shelter."],
        closure={
            "status": "Closed",
            "reason": "services_completed",
            "closed_on": "2026-11-02",
            "approved_by": supervisor,
            "approved_at": datetime(2026, 11, 3, 15, tzinfo=UTC),
        },
    )


@pytest.mark.django_db
def test_imports_cases_with_everything_done_on_them(
    home_org, cp_agency, identifier, supervisor, child_person, case_data
):
    before = AuditEvent.objects.count()
    record = _closed_child_case(home_org, cp_agency, identifier, supervisor, child_person, case_data)
    adult = CaseImport(organization=home_org, created_by=identifier, person=_adult(), case=case_data)
    child, other = cases_bulk_import(actor=None, records=[record, adult], note={"source": "register 2019"})

    child.refresh_from_db()
    assert child.case_number == f"BR-2026-{1:06d}" and other.case_number == f"BR-2026-{2:06d}"
    assert (child.status, child.closure_reason, child.trafficking_status) == (
        "Closed",
        "services_completed",
        "ActualVictimOfTrafficking",
    )
    assert child.is_child and child.case_owner == identifier and child.person.citizenships == ["BO"]
    assert child_closure_problems(child) == []
    assert CaseOrganization.objects.filter(case=child, organization=cp_agency, reason="child_protection").exists()
    decisions = StatusDecision.objects.filter(case=child).order_by("pk")
    assert [(d.status, d.approval) for d in decisions] == [
        ("PossibleVictimOfTrafficking", "not_needed"),
        ("ActualVictimOfTrafficking", "approved"),
    ]
    assert decisions[1].approved_by == supervisor
    assert ClosureRequest.objects.get(case=child).approval == "approved"
    assert Task.objects.get(case=child).done_at is not None
    assert TraffickingEvent.objects.get(case=child).place == "La Paz"
    assert JournalEntry.objects.filter(case=child).count() == 1
    assert PersonName.objects.get(person=child.person).name == "Juana Mamani Quispe"
    # The version counts the changes as the services would: event, consent, notification, two updates,
    # decision and its approval, service, task and its completion, closure and its approval.
    assert child.version == 1 + 12
    assert (other.status, other.version, other.is_child) == ("Active", 1, False)
    # One summary event, never a name.
    [event] = AuditEvent.objects.filter(action="case.bulk_import")
    assert AuditEvent.objects.count() == before + 1
    assert event.changes["rows"]["case"] == 2 and event.changes["rows"]["personname"] == 2
    assert event.changes["source"] == "register 2019"
    assert "Juana" not in str(event.changes)


@pytest.mark.django_db
def test_without_approval_a_decision_and_closure_wait_for_a_supervisor(home_org, identifier, case_data):
    record = CaseImport(
        organization=home_org,
        created_by=identifier,
        person=_adult(),
        case=case_data,
        decision={
            "status": "ActualVictimOfTrafficking",
            "basis": "Debt bondage.",
            "decided_on": "2026-10-10",
            "deciding_organization_type": "NGO",
        },
        closure={"status": "Closed", "reason": "services_completed", "closed_on": "2026-11-02"},
    )
    [case] = cases_bulk_import(actor=None, records=[record])
    assert case.trafficking_status == "PossibleVictimOfTrafficking" and case.status == "Active"
    assert StatusDecision.objects.get(case=case, status="ActualVictimOfTrafficking").approval == "pending"
    assert ClosureRequest.objects.get(case=case).approval == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"person": {**_adult(), "names": [{"name": "Maria\u202eGomes"}]}}, "1.person.names.0.name"),
        ({"case": {"case_type": "tip", "identified_on": "2099-01-01"}}, "1.identified_on"),
        ({"events": [{"event_type": "Nowhere", "country": "BO"}]}, "1.events.0.event_type"),
        (
            {"consents": [{"purpose": "referral", "given": True, "recorded_on": "2026-10-02", "given_by": "person"}]},
            "1.consents.0.service_types",
        ),
        ({"journal": ["A note with a bidi override \u202e"]}, "1.journal.0.text"),
        ({"closure": {"status": "Closed", "reason": "nothing", "closed_on": "2026-11-02"}}, "1.closure.reason"),
    ],
)
def test_a_bad_record_is_refused_by_field_and_nothing_is_written(home_org, identifier, case_data, change, field):
    good = CaseImport(organization=home_org, created_by=identifier, person=_adult(), case=case_data)
    bad = CaseImport(**{**good.__dict__, **change})
    with pytest.raises(ApplicationError) as caught:
        cases_bulk_import(actor=None, records=[good, bad])
    assert field in caught.value.extra["fields"], caught.value.extra
    assert not Case.objects.exists() and not Person.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_case_owner_is_an_active_user_of_the_organization(home_org, cp_officer, identifier, case_data):
    identifier.is_active = False
    identifier.save()
    for owner in (cp_officer, identifier):
        record = CaseImport(organization=home_org, created_by=owner, person=_adult(), case=case_data)
        with pytest.raises(ApplicationError) as caught:
            cases_bulk_import(actor=None, records=[record])
        assert "0.case_owner" in caught.value.extra["fields"]
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_childs_case_cannot_close_with_the_child_track_incomplete(
    home_org, identifier, supervisor, child_person, case_data
):
    record = CaseImport(
        organization=home_org,
        created_by=identifier,
        person=child_person,
        case=case_data,
        closure={
            "status": "Closed",
            "reason": "services_completed",
            "closed_on": "2026-11-02",
            "approved_by": supervisor,
        },
    )
    with pytest.raises(ApplicationError) as caught:
        cases_bulk_import(actor=None, records=[record])
    assert "0.closure" in caught.value.extra["fields"]


@pytest.mark.django_db
def test_a_supervisor_does_not_approve_their_own_decision(home_org, supervisor, case_data):
    record = CaseImport(
        organization=home_org,
        created_by=supervisor,
        person=_adult(),
        case=case_data,
        decision={
            "status": "ActualVictimOfTrafficking",
            "basis": "Debt bondage.",
            "decided_on": "2026-10-10",
            "deciding_organization_type": "NGO",
            "approved_by": supervisor,
        },
    )
    with pytest.raises(ApplicationError) as caught:
        cases_bulk_import(actor=None, records=[record])
    assert "0.decision.approved_by" in caught.value.extra["fields"]


@pytest.mark.django_db
def test_work_on_existing_cases(identifier, home_org, case_data):
    case = case_register(actor=identifier, organization=home_org, person=_adult(), **case_data)
    version = case.version
    consent = {
        "purpose": "referral",
        "given": True,
        "recorded_on": "2026-10-04",
        "given_by": "person",
        "service_types": ["Shelter"],
    }
    service = {"support_type": "Shelter", "delivered_on": "2026-10-05", "provider": home_org, "outcome": "ongoing"}
    [rows] = case_work_bulk_add(
        actor=None, records=[CaseWorkImport(case=case, created_by=identifier, consents=[consent], services=[service])]
    )
    assert rows.consents[0].pk and rows.services[0].pk
    assert consent_current(case)["referral"] == rows.consents[0]
    assert ServiceDelivery.objects.get(case=case).provider == home_org
    case.refresh_from_db()
    assert case.version == version + 2
    assert AuditEvent.objects.filter(action="case.bulk_work").count() == 1

    # A consent dated before the one in force would be overruled at once: refused, nothing written.
    earlier = {**consent, "recorded_on": "2026-10-03"}
    with pytest.raises(ApplicationError) as caught:
        case_work_bulk_add(actor=None, records=[CaseWorkImport(case=case, created_by=identifier, consents=[earlier])])
    assert "0.consents.0.recorded_on" in caught.value.extra["fields"]
    assert Consent.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_childs_track_follows_its_age_assessment(home_org, cp_agency, identifier, case_data):
    presumed = {"names": [{"name": "Ana"}], "gender": "Feminine", "is_presumed_minor": True}
    record = CaseImport(
        organization=home_org,
        created_by=identifier,
        person=presumed,
        case=case_data,
        child_notified_organization=cp_agency,
        child_notified_at=datetime(2026, 10, 2, 11, tzinfo=UTC),
        child_updates=[{"age_assessment": "adult"}],
    )
    [case] = cases_bulk_import(actor=None, records=[record])
    assert not case.is_child
    assert ChildProtection.objects.get(case=case).age_assessment == "adult"
