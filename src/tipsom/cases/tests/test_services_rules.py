"""The rules of the case services: numbering, the child track, approvals, closure, locking, consent, audit."""

import json
import threading
from datetime import date
from typing import Any, cast

import pytest
from django.db import connection, transaction
from django.test import override_settings

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases import services
from tipsom.cases.models import (
    ACTUAL_VICTIM,
    NOT_A_VICTIM,
    POSSIBLE_VICTIM,
    AppendOnlyError,
    Case,
    CaseOrganization,
    ChildProtection,
    JournalEntry,
    Screening,
    StatusDecision,
)
from tipsom.cases.selectors import access_case_by_id, case_list
from tipsom.cases.tests.test_services_validation import PDF, refused
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person
from tipsom.people.selectors import access_person_by_id

pytestmark = pytest.mark.django_db

ADULT = {"names": [{"name": "Maria das Dores Silva"}], "birth_date": "1990-03-17", "birth_date_precision": "exact"}


def register(actor: User, organization: Any, case_data: dict[str, Any], person: dict[str, Any] = ADULT, **changes):
    return services.case_register(actor=actor, organization=organization, person=person, **{**case_data, **changes})


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def adult_case(identifier, home_org, case_data) -> Case:
    return register(identifier, home_org, case_data)


@pytest.fixture
def ready_child_case(child_case, identifier, cp_agency, cp_officer) -> Case:
    """A child's case whose child track is complete: it may close, and the child may return."""
    services.child_notify(actor=identifier, case_id=child_case.pk, organization_id=cp_agency.pk)
    services.child_update(
        actor=cp_officer,
        case_id=child_case.pk,
        guardian_name="Dra. Helena Costa",
        guardian_appointed_on="2026-10-05",
        best_interests="completed",
        best_interests_completed_on="2026-10-20",
        family_tracing="family_found",
    )
    return fresh(child_case)


# Case numbers ---------------------------------------------------------------------------------------------------


def test_case_numbers_are_sequential_per_country_and_year(identifier, home_org, case_data):
    bolivian_org = make_organization("BO")
    bolivian = make_user(bolivian_org, roles=("case_manager",))
    numbers = [register(identifier, home_org, case_data).case_number for _ in range(3)]
    assert numbers == ["BR-2026-000001", "BR-2026-000002", "BR-2026-000003"]
    assert register(bolivian, bolivian_org, {**case_data, "region": ""}).case_number == "BO-2026-000001"
    assert register(identifier, home_org, case_data, identified_on="2025-12-31").case_number == "BR-2025-000001"
    assert register(identifier, home_org, case_data).case_number == "BR-2026-000004"
    assert Case.objects.values("country", "case_number").distinct().count() == Case.objects.count() == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_a_number(case_data):
    organization = make_organization("BR", region="BR-MT")
    users = [make_user(organization, roles=("frontline_identifier",)) for _ in range(4)]
    numbers: list[str] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(len(users))

    def work(user: User) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                numbers.append(register(user, organization, case_data).case_number)
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert sorted(numbers) == [f"BR-2026-{n:06d}" for n in range(1, 13)]


# Who is a child ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "precision", "on", "child"),
    [
        ("2008-11-23", "exact", "2026-11-22", True),
        ("2008-11-23", "exact", "2026-11-23", False),
        ("2008-02-29", "exact", "2026-02-28", True),
        ("2008-02-29", "exact", "2026-03-01", False),
        ("2008-11", "year_month", "2026-10-31", True),
        ("2008-11", "year_month", "2026-11-29", True),  # maybe born on the 30th
        ("2008-11", "year_month", "2026-11-30", False),  # 18 whatever the day of birth
        ("2008-02", "year_month", "2026-02-28", True),  # 2008 was a leap year: maybe born on the 29th
        ("2008-02", "year_month", "2026-03-01", False),
        ("2008", "year", "2026-01-01", True),
        ("2008", "year", "2026-12-30", True),
        ("2008", "year", "2026-12-31", False),
        ("2008", "estimated", "2026-12-30", True),
        ("2008", "estimated", "2027-01-01", False),
        ("", "", "2026-01-01", False),
    ],
)
def test_is_child_at_each_precision_around_the_18th_birthday(birth_date, precision, on, child):
    person = Person(birth_date=birth_date, birth_date_precision=precision)
    assert services.is_child_at(person, date.fromisoformat(on)) is child


def test_a_presumed_minor_is_a_child_whatever_the_birth_date():
    person = Person(birth_date="1980", birth_date_precision="year", is_presumed_minor=True)
    assert services.is_child_at(person, date(2026, 1, 1))
    assert services.is_child_at(Person(is_presumed_minor=True), date(2026, 1, 1))


def test_a_birth_date_that_does_not_exist_raises_value_error():
    with pytest.raises(ValueError):
        services.is_child_at(Person(birth_date="2010-13", birth_date_precision="year_month"), date(2026, 1, 1))


def test_a_presumed_minor_starts_the_child_track_until_assessed_adult(identifier, home_org, case_data, cp_agency):
    person = {"names": [{"name": "Sem Nome"}], "is_presumed_minor": True}
    case = register(identifier, home_org, case_data, person=person)
    assert case.is_child
    assert case.child_protection.age_assessment == ChildProtection.AgeAssessment.PENDING
    services.child_update(actor=identifier, case_id=case.pk, age_assessment="adult")
    case = fresh(case)
    assert not case.is_child
    assert ChildProtection.objects.filter(case=case).exists()  # the record of the track stays
    assert services.child_closure_problems(case) == []
    services.child_update(actor=identifier, case_id=case.pk, age_assessment="minor")
    assert fresh(case).is_child


def test_a_child_with_a_known_age_needs_no_age_assessment(identifier, home_org, case_data):
    person = {"names": [{"name": "Ana Paula Souza"}], "birth_date": "2009-01-15", "birth_date_precision": "exact"}
    case = register(identifier, home_org, case_data, person=person)
    assert case.is_child
    assert case.child_protection.age_assessment == ChildProtection.AgeAssessment.NOT_NEEDED
    adult = register(identifier, home_org, case_data, person={**person, "birth_date": "2008-10-02"})
    assert not adult.is_child
    assert not ChildProtection.objects.filter(case=adult).exists()


def test_an_earlier_identification_date_can_start_the_child_track(identifier, home_org, case_data):
    person = {"names": [{"name": "Ana Paula Souza"}], "birth_date": "2008-03-15", "birth_date_precision": "exact"}
    case = register(identifier, home_org, case_data, person=person)
    assert not case.is_child
    case = services.case_update(actor=identifier, case_id=case.pk, version=case.version, identified_on="2026-01-10")
    assert fresh(case).is_child
    assert ChildProtection.objects.get(case=case).age_assessment == ChildProtection.AgeAssessment.NOT_NEEDED
    event = AuditEvent.objects.filter(action="case.update", object_id=str(case.pk)).get()
    assert event.changes["is_child"] == [False, True]


@pytest.mark.parametrize(
    ("indicators", "is_child", "expected"),
    [
        ({"acts": ["recruitment"], "means": ["DebtBondage"], "purposes": ["ForcedLabour"]}, False, "likely_victim"),
        ({"acts": ["recruitment"], "purposes": ["SexualExploitation"]}, True, "likely_child_victim"),
        ({"acts": ["recruitment"], "purposes": ["SexualExploitation"]}, False, "possible_victim"),
        ({"means": ["FalsePromises"]}, False, "possible_victim"),
        ({"som_vulnerabilities": ["abandoned"]}, False, "vulnerable_migrant"),
        ({"som_vulnerabilities": ["abandoned"], "purposes": ["ForcedBegging"]}, False, "possible_victim"),
        ({}, True, "no_indicators"),
    ],
)
def test_screening_recommendation(indicators, is_child, expected):
    arguments = {"acts": [], "means": [], "purposes": [], "som_vulnerabilities": [], **indicators}
    assert services.screening_recommendation(is_child=is_child, **arguments) == expected


def test_the_screening_is_saved_with_its_recommendation_and_never_decides(identifier, home_org, case_data):
    screening = {
        "acts": ["recruitment"],
        "means": ["DebtBondage"],
        "purposes": ["ForcedLabour"],
        "notes": "Disse que o patrão ficou com o passaporte.",
    }
    case = register(identifier, home_org, case_data, screening=screening)
    saved = Screening.objects.get(case=case)
    assert saved.recommendation == "likely_victim"
    assert saved.screened_on == case.identified_on
    assert case.trafficking_status == POSSIBLE_VICTIM


# Approvals ----------------------------------------------------------------------------------------------------------


def _decide(actor: User, case: Case, status: str = ACTUAL_VICTIM) -> StatusDecision:
    return services.case_decide_status(
        actor=actor,
        case_id=case.pk,
        status=status,
        decided_on="2026-10-06",
        deciding_organization_type="Police",
        basis="Interview and labour inspection report.",
    )


def _close(actor: User, case: Case, **changes: Any):
    return services.case_close(
        actor=actor, case_id=case.pk, **{"reason": "services_completed", "closed_on": "2026-11-01", **changes}
    )


@override_settings(TIPSOM_CASE_APPROVALS=[])
def test_without_approvals_decisions_and_closures_apply_at_once(adult_case, case_manager):
    decision = _decide(case_manager, adult_case)
    assert decision.approval == StatusDecision.Approval.NOT_NEEDED
    assert fresh(adult_case).trafficking_status == ACTUAL_VICTIM
    request = _close(case_manager, adult_case)
    assert request.approval == StatusDecision.Approval.NOT_NEEDED
    case = fresh(adult_case)
    assert (case.status, case.closure_reason, case.closed_on) == ("Closed", "services_completed", date(2026, 11, 1))
    assert AuditEvent.objects.filter(action="case.close", object_id=str(case.pk)).exists()


@override_settings(TIPSOM_CASE_APPROVALS=["closure"])
def test_closure_only_approval(adult_case, case_manager, supervisor):
    assert _decide(case_manager, adult_case).approval == StatusDecision.Approval.NOT_NEEDED
    assert fresh(adult_case).trafficking_status == ACTUAL_VICTIM
    request = _close(case_manager, adult_case, status="ClosedReferred", reason="referred")
    assert request.approval == StatusDecision.Approval.PENDING
    assert fresh(adult_case).status == "Active"
    refused(lambda: _close(case_manager, adult_case), code="conflict")  # one pending closure at a time
    services.closure_review(actor=supervisor, request_id=request.pk, approve=True)
    assert (fresh(adult_case).status, fresh(adult_case).closure_reason) == ("ClosedReferred", "referred")


def test_actual_victim_waits_for_another_supervisor(home_org, case_data, supervisor):
    own_case = register(supervisor, home_org, case_data)
    decision = _decide(supervisor, own_case)
    assert decision.approval == StatusDecision.Approval.PENDING
    assert fresh(own_case).trafficking_status == POSSIBLE_VICTIM
    error = refused(
        lambda: services.decision_review(actor=supervisor, decision_id=decision.pk, approve=True), code="four_eyes"
    )
    assert error.status_code == 409
    refused(lambda: _decide(supervisor, own_case, NOT_A_VICTIM), code="conflict")  # pending blocks another
    other = make_user(home_org, roles=("case_supervisor",))
    services.decision_review(actor=other, decision_id=decision.pk, approve=True)
    assert fresh(own_case).trafficking_status == ACTUAL_VICTIM
    refused(
        lambda: services.decision_review(actor=other, decision_id=decision.pk, approve=False, comment="No"),
        code="conflict",
    )  # already reviewed


def test_a_rejection_needs_a_comment(adult_case, case_manager, supervisor):
    decision = _decide(case_manager, adult_case)
    refused(lambda: services.decision_review(actor=supervisor, decision_id=decision.pk, approve=False), field="comment")
    refused(
        lambda: services.decision_review(actor=supervisor, decision_id=decision.pk, approve=cast(Any, "false")),
        field="approve",
    )
    reviewed = services.decision_review(
        actor=supervisor, decision_id=decision.pk, approve=False, comment="The basis does not show the means."
    )
    assert reviewed.approval == StatusDecision.Approval.REJECTED
    assert reviewed.approved_by == supervisor
    assert fresh(adult_case).trafficking_status == POSSIBLE_VICTIM
    assert _decide(case_manager, adult_case).approval == StatusDecision.Approval.PENDING  # no longer blocked

    request = _close(case_manager, adult_case)
    refused(lambda: services.closure_review(actor=supervisor, request_id=request.pk, approve=False), field="comment")
    services.closure_review(actor=supervisor, request_id=request.pk, approve=False, comment="Plan not finished.")
    assert fresh(adult_case).status == "Active"


def test_only_supervisors_of_the_case_review(adult_case, case_manager, identifier):
    decision = _decide(identifier, adult_case)
    request = _close(identifier, adult_case)
    outsider = make_user(make_organization("BR"), roles=("case_supervisor",))
    for actor in (case_manager, outsider):
        refused(
            lambda actor=actor: services.decision_review(actor=actor, decision_id=decision.pk, approve=True),
            code="not_found",
        )
        refused(
            lambda actor=actor: services.closure_review(actor=actor, request_id=request.pk, approve=True),
            code="not_found",
        )
    refused(lambda: services.decision_review(actor=case_manager, decision_id="x", approve=True), code="not_found")


# Closed cases ---------------------------------------------------------------------------------------------------------


@override_settings(TIPSOM_CASE_APPROVALS=[])
def test_a_closed_case_refuses_changes_but_takes_notes_and_withdrawals(adult_case, identifier, home_org):
    plan = services.plan_item_add(actor=identifier, case_id=adult_case.pk, support_type="Shelter")
    task = services.task_add(actor=identifier, case_id=adult_case.pk, title="Call", due_on="2026-12-01")
    services.consent_record(
        actor=identifier,
        case_id=adult_case.pk,
        purpose="follow_up",
        given=True,
        recorded_on="2026-10-03",
        given_by="person",
    )
    _close(identifier, adult_case)
    case_id = adult_case.pk
    changes = [
        lambda: services.case_update(actor=identifier, case_id=case_id, version=None, region="BR-SP"),
        lambda: services.case_team_set(actor=identifier, case_id=case_id, version=None, user_ids=[identifier.pk]),
        lambda: _decide(identifier, adult_case, NOT_A_VICTIM),
        lambda: _close(identifier, adult_case),
        lambda: services.event_add(actor=identifier, case_id=case_id, event_type="Transit", country="PY"),
        lambda: services.assessment_add(
            actor=identifier, case_id=case_id, kind="needs", assessed_on="2026-11-02", level="low"
        ),
        lambda: services.plan_item_add(actor=identifier, case_id=case_id, support_type="Legal"),
        lambda: services.plan_item_set_status(actor=identifier, item_id=plan.pk, status="done"),
        lambda: services.service_add(
            actor=identifier,
            case_id=case_id,
            support_type="Health",
            delivered_on="2026-11-02",
            provider_id=home_org.pk,
            outcome="completed",
        ),
        lambda: services.task_add(actor=identifier, case_id=case_id, title="Visit", due_on="2026-12-01"),
        lambda: services.task_complete(actor=identifier, task_id=task.pk),
        lambda: services.attachment_add(actor=identifier, case_id=case_id, filename="a.pdf", content=PDF),
        lambda: services.consent_record(
            actor=identifier,
            case_id=case_id,
            purpose="statistics",
            given=True,
            recorded_on="2026-11-02",
            given_by="person",
        ),
    ]
    for change in changes:
        error = refused(change, code="case_closed")
        assert error.status_code == 409

    note = services.journal_add(actor=identifier, case_id=case_id, text="She called to say thank you.")
    assert note.pk is not None
    withdrawal = services.consent_record(
        actor=identifier, case_id=case_id, purpose="follow_up", given=False, recorded_on="2026-11-05", given_by="person"
    )
    assert not withdrawal.given
    assert not services.consent_allows(fresh(adult_case), "follow_up")

    case = services.case_set_status(actor=identifier, case_id=case_id, status="Active")
    assert (case.status, case.closure_reason, case.closed_on) == ("Active", "", None)
    assert AuditEvent.objects.filter(action="case.reopen", object_id=str(case_id)).exists()
    services.case_update(actor=identifier, case_id=case_id, version=case.version, region="BR-SP")
    assert fresh(adult_case).region == "BR-SP"
    refused(lambda: services.case_set_status(actor=identifier, case_id=case_id, status="Closed"), field="status")


# Optimistic locking -----------------------------------------------------------------------------------------------


def test_every_service_refuses_a_stale_version(ready_child_case, identifier, cp_officer, home_org, cp_agency):
    case = ready_child_case
    plan = services.plan_item_add(actor=identifier, case_id=case.pk, support_type="Shelter")
    task = services.task_add(actor=identifier, case_id=case.pk, title="Call", due_on="2026-12-01")
    stale = fresh(case).version - 1
    assert stale >= 1
    calls = {
        "case_update": lambda v: services.case_update(actor=identifier, case_id=case.pk, version=v, region="BR-SP"),
        "case_team_set": lambda v: services.case_team_set(
            actor=identifier, case_id=case.pk, version=v, user_ids=[identifier.pk]
        ),
        "case_decide_status": lambda v: services.case_decide_status(
            actor=identifier,
            case_id=case.pk,
            version=v,
            status=NOT_A_VICTIM,
            decided_on="2026-10-06",
            deciding_organization_type="NGO",
            basis="No means.",
        ),
        "case_close": lambda v: services.case_close(
            actor=identifier, case_id=case.pk, version=v, reason="services_completed", closed_on="2026-11-01"
        ),
        "case_set_status": lambda v: services.case_set_status(
            actor=identifier, case_id=case.pk, version=v, status="FollowUp"
        ),
        "child_notify": lambda v: services.child_notify(
            actor=identifier, case_id=case.pk, version=v, organization_id=cp_agency.pk
        ),
        "child_update": lambda v: services.child_update(
            actor=cp_officer, case_id=case.pk, version=v, guardian_name="Outro Nome"
        ),
        "consent_record": lambda v: services.consent_record(
            actor=identifier,
            case_id=case.pk,
            version=v,
            purpose="statistics",
            given=True,
            recorded_on="2026-10-03",
            given_by="guardian",
        ),
        "event_add": lambda v: services.event_add(
            actor=identifier, case_id=case.pk, version=v, event_type="Transit", country="PY"
        ),
        "assessment_add": lambda v: services.assessment_add(
            actor=identifier, case_id=case.pk, version=v, kind="needs", assessed_on="2026-10-04", level="low"
        ),
        "plan_item_add": lambda v: services.plan_item_add(
            actor=identifier, case_id=case.pk, version=v, support_type="Legal"
        ),
        "plan_item_set_status": lambda v: services.plan_item_set_status(
            actor=identifier, item_id=plan.pk, version=v, status="done"
        ),
        "service_add": lambda v: services.service_add(
            actor=identifier,
            case_id=case.pk,
            version=v,
            support_type="Health",
            delivered_on="2026-10-05",
            provider_id=home_org.pk,
            outcome="completed",
        ),
        "task_add": lambda v: services.task_add(
            actor=identifier, case_id=case.pk, version=v, title="Visit", due_on="2026-12-01"
        ),
        "task_complete": lambda v: services.task_complete(actor=identifier, task_id=task.pk, version=v),
    }
    for name, call in calls.items():
        current = fresh(case).version
        error = refused(lambda call=call, current=current: call(current - 1), code="conflict")
        assert isinstance(error, Conflict), name
        assert error.status_code == 409
        assert error.extra["current_version"] == current
        refused(lambda call=call, current=current: call(current + 1), code="conflict")
        call(current)  # the current version goes through
        assert fresh(case).version > current, name


# The journal is append-only ---------------------------------------------------------------------------------------


def test_journal_entries_are_never_changed_or_deleted(adult_case, identifier):
    entry = services.journal_add(actor=identifier, case_id=adult_case.pk, text="First contact at the shelter.")
    entry.text = "Rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).update(text="Rewritten")
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():  # bulk_update writes without a savepoint
        JournalEntry.objects.bulk_update([entry], ["text"])
    assert JournalEntry.objects.get(pk=entry.pk).text == "First contact at the shelter."


# Consent --------------------------------------------------------------------------------------------------------


def test_a_withdrawal_takes_effect_at_once(adult_case, identifier):
    consent = {
        "actor": identifier,
        "case_id": adult_case.pk,
        "purpose": "referral",
        "recorded_on": "2026-10-03",
        "given_by": "person",
    }
    services.consent_record(**consent, given=True, service_types=["Shelter", "Health"])
    assert services.consent_allows(adult_case, "referral", "Shelter")
    assert not services.consent_allows(adult_case, "referral", "Legal")
    assert not services.consent_allows(adult_case, "statistics")
    services.consent_record(**consent, given=False)  # the same day: the later record is in force
    assert not services.consent_allows(adult_case, "referral", "Shelter")
    referral_consent = services.consent_current(adult_case)["referral"]
    assert referral_consent is not None and referral_consent.given is False
    with pytest.raises(ApplicationError) as error:
        services.consent_require(adult_case, "referral", "Shelter")
    assert error.value.code == "consent_withdrawn"


# The child track ----------------------------------------------------------------------------------------------------


def test_a_child_returns_only_when_the_track_is_complete_and_the_family_found(
    child_case, identifier, cp_agency, cp_officer, home_org
):
    def give_return():
        return services.service_add(
            actor=identifier,
            case_id=child_case.pk,
            support_type="Return",
            delivered_on="2026-11-10",
            provider_id=home_org.pk,
            outcome="completed",
        )

    refused(give_return, code="child_steps_incomplete", field="best_interests")
    services.child_notify(actor=identifier, case_id=child_case.pk, organization_id=cp_agency.pk)
    services.child_update(
        actor=cp_officer,
        case_id=child_case.pk,
        guardian_name="Dra. Helena Costa",
        guardian_appointed_on="2026-10-05",
        best_interests="completed",
        best_interests_completed_on="2026-10-20",
        family_tracing="not_found",
    )
    error = refused(give_return, code="child_steps_incomplete", field="family_tracing")
    assert set(error.extra["fields"]) == {"family_tracing"}
    # Tracing concluded, so the case itself may close; the return still waits for a family.
    assert services.child_closure_problems(fresh(child_case)) == []
    services.child_update(actor=cp_officer, case_id=child_case.pk, family_tracing="family_found")
    assert give_return().support_type == "Return"


def test_an_adult_returns_without_the_child_track(adult_case, identifier, home_org):
    service = services.service_add(
        actor=identifier,
        case_id=adult_case.pk,
        support_type="Return",
        delivered_on="2026-11-10",
        provider_id=home_org.pk,
        outcome="completed",
    )
    assert service.pk is not None


def test_child_notify_lets_the_agency_see_the_case_and_the_person(child_case, identifier, cp_agency, cp_officer):
    stranger = make_user(make_organization("BR"), roles=("case_manager",))
    for user in (cp_officer, stranger):
        with pytest.raises(NotFound):
            access_case_by_id(user, child_case.pk)
        with pytest.raises(NotFound):
            access_person_by_id(user, child_case.person_id)
    track = services.child_notify(actor=identifier, case_id=child_case.pk, organization_id=cp_agency.pk)
    assert track.notified_organization == cp_agency and track.notified_at is not None
    assert CaseOrganization.objects.get(case=child_case).organization == cp_agency
    assert access_case_by_id(cp_officer, child_case.pk) == child_case
    assert access_person_by_id(cp_officer, child_case.person_id) == child_case.person
    assert list(case_list(user=cp_officer)) == [child_case]
    with pytest.raises(NotFound):
        access_case_by_id(stranger, child_case.pk)
    with pytest.raises(NotFound):
        access_person_by_id(stranger, child_case.person_id)
    with pytest.raises(NotFound):
        services.journal_add(actor=stranger, case_id=child_case.pk, text="Hello")
    # Notifying again keeps one row; the officer can now work on the case.
    services.child_notify(actor=identifier, case_id=child_case.pk, organization_id=cp_agency.pk)
    assert CaseOrganization.objects.filter(case=child_case).count() == 1
    services.journal_add(actor=cp_officer, case_id=child_case.pk, text="Guardian appointed by the court.")


def test_team_members_come_from_organizations_on_the_case(child_case, identifier, case_manager, cp_agency, cp_officer):
    stranger = make_user(make_organization("BR"), roles=("case_manager",))
    inactive = make_user(child_case.owner_organization, roles=("case_manager",), is_active=False)
    for user in (cp_officer, stranger, inactive):
        refused(
            lambda user=user: services.case_team_set(
                actor=identifier, case_id=child_case.pk, version=None, user_ids=[identifier.pk, user.pk]
            ),
            field="team",
        )
    services.child_notify(actor=identifier, case_id=child_case.pk, organization_id=cp_agency.pk)
    case = services.case_team_set(
        actor=identifier,
        case_id=child_case.pk,
        version=None,
        user_ids=[identifier.pk, case_manager.pk, cp_officer.pk, str(cp_officer.pk)],
    )
    assert set(case.team.all()) == {identifier, case_manager, cp_officer}


def test_who_may_register_and_change(home_org, case_data, adult_case):
    operator = make_user(home_org, roles=("me_officer",))
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    other_ngo = make_user(make_organization("BR"), roles=("case_manager",))
    refused(lambda: register(operator, home_org, case_data), code="not_found")
    refused(lambda: register(other_ngo, home_org, case_data), code="not_found")  # not their organization
    for user in (operator, coordinator, other_ngo):
        refused(
            lambda user=user: services.case_update(actor=user, case_id=adult_case.pk, version=None, region="BR-SP"),
            code="not_found",
        )
        refused(lambda user=user: services.journal_add(actor=user, case_id=adult_case.pk, text="x"), code="not_found")
    refused(
        lambda: services.case_register(
            actor=other_ngo, organization=other_ngo.organization, person_id=adult_case.person_id, **case_data
        ),
        code="not_found",
    )


def test_a_new_case_for_a_registered_person(adult_case, identifier, home_org, case_data):
    second = services.case_register(
        actor=identifier,
        organization=home_org,
        person_id=adult_case.person_id,
        **{**case_data, "identified_on": "2026-11-01"},
    )
    assert second.person_id == adult_case.person_id
    assert Person.objects.count() == 1


# Audit --------------------------------------------------------------------------------------------------------------

SECRETS = {
    "name": "Juana Mamani Quispe",
    "guardian": "Dra. Helena Costa",
    "note": "Contou que dormia no galpão da fábrica",
    "place": "Fazenda Boa Esperança",
    "basis": "Relato confirmado pela inspeção",
    "screening": "O patrão guardava os documentos",
    "filename": "declaracao-juana.pdf",
    "goal": "Vaga no abrigo municipal",
    "task": "Ligar para a tia em Cochabamba",
    "assessment": "Ansiedade e insônia",
    "service": "Consulta com psicóloga",
}


@override_settings(TIPSOM_CASE_APPROVALS=["actual_victim", "closure"])
def test_every_service_is_audited_without_identifying_values(
    identifier, home_org, child_person, case_data, cp_agency, cp_officer, supervisor, case_manager
):
    case = services.case_register(
        actor=identifier,
        organization=home_org,
        person=child_person,
        screening={"acts": ["recruitment"], "notes": SECRETS["screening"]},
        **case_data,
    )
    pk = case.pk
    services.case_update(actor=identifier, case_id=pk, version=None, industries=["A_AgricultureForestryAndFishing"])
    services.child_notify(actor=identifier, case_id=pk, organization_id=cp_agency.pk)
    services.child_update(
        actor=cp_officer,
        case_id=pk,
        guardian_name=SECRETS["guardian"],
        guardian_appointed_on="2026-10-05",
        best_interests="completed",
        best_interests_completed_on="2026-10-20",
        family_tracing="family_found",
    )
    services.case_team_set(actor=identifier, case_id=pk, version=None, user_ids=[identifier.pk, cp_officer.pk])
    decision = services.case_decide_status(
        actor=identifier,
        case_id=pk,
        status=ACTUAL_VICTIM,
        decided_on="2026-10-06",
        deciding_organization_type="Police",
        basis=SECRETS["basis"],
    )
    services.decision_review(actor=supervisor, decision_id=decision.pk, approve=True)
    services.consent_record(
        actor=identifier,
        case_id=pk,
        purpose="referral",
        given=True,
        recorded_on="2026-10-03",
        given_by="guardian",
        service_types=["Shelter"],
    )
    services.event_add(
        actor=identifier,
        case_id=pk,
        event_type="Exploitation",
        country="BR",
        place=SECRETS["place"],
        start_date="2026-06-01",
        end_date="2026-09-30",
    )
    services.assessment_add(
        actor=identifier,
        case_id=pk,
        kind="individual_risk",
        assessed_on="2026-10-04",
        level="high",
        notes=SECRETS["assessment"],
    )
    item = services.plan_item_add(actor=identifier, case_id=pk, support_type="Shelter", goal=SECRETS["goal"])
    services.plan_item_set_status(actor=identifier, item_id=item.pk, status="in_progress")
    services.service_add(
        actor=identifier,
        case_id=pk,
        support_type="Health",
        delivered_on="2026-10-08",
        provider_id=home_org.pk,
        outcome="completed",
        notes=SECRETS["service"],
    )
    task = services.task_add(actor=identifier, case_id=pk, title=SECRETS["task"], due_on="2026-12-01")
    services.task_complete(actor=identifier, task_id=task.pk)
    services.journal_add(actor=identifier, case_id=pk, text=SECRETS["note"])
    attachment = services.attachment_add(actor=identifier, case_id=pk, filename=SECRETS["filename"], content=PDF)
    opened, content = services.attachment_open(actor=identifier, attachment_id=attachment.pk)
    assert (opened.filename, content) == (SECRETS["filename"], PDF)
    services.case_set_status(actor=identifier, case_id=pk, status="FollowUp")
    request = services.case_close(actor=case_manager, case_id=pk, reason="returned", closed_on="2026-11-20")
    services.closure_review(actor=supervisor, request_id=request.pk, approve=True)
    services.case_set_status(actor=identifier, case_id=pk, status="Active")

    events = AuditEvent.objects.filter(object_type="cases.case", object_id=str(pk))
    assert set(events.values_list("action", flat=True)) == {
        "case.create",
        "case.update",
        "case.child_notify",
        "case.child_update",
        "case.team",
        "case.status_decision",
        "case.status_decision_review",
        "case.consent",
        "case.event_add",
        "case.assessment_add",
        "case.plan_add",
        "case.plan_status",
        "case.service_add",
        "case.task_add",
        "case.task_done",
        "case.journal_add",
        "case.attachment_add",
        "case.attachment_download",
        "case.status",
        "case.close_request",
        "case.close_review",
        "case.reopen",
    }
    assert all(event.organization_id == home_org.pk for event in events)
    logged = json.dumps([event.changes for event in AuditEvent.objects.all()], ensure_ascii=False)
    for label, secret in SECRETS.items():
        assert secret not in logged, label
        assert max(secret.split(), key=len) not in logged, label
    assert "[identifying]" in logged


def test_a_corrected_birth_date_puts_open_cases_on_the_child_track(identifier, home_org, case_data):
    from tipsom.people.services import person_update

    adult = {"names": [{"name": "Rosa Quispe"}], "birth_date": "1990", "birth_date_precision": "year"}
    case = services.case_register(actor=identifier, organization=home_org, person=adult, **case_data)
    assert not case.is_child and not ChildProtection.objects.filter(case=case).exists()
    person_update(actor=identifier, person_id=case.person_id, version=1, birth_date="2012", birth_date_precision="year")
    case.refresh_from_db()
    assert case.is_child and case.version == 2
    assert ChildProtection.objects.filter(case=case).exists()
    assert AuditEvent.objects.filter(action="case.update", object_id=str(case.pk)).exists()
