"""The issue's journey at the service layer: a presumed child from Bolivia exploited in Brazil."""

import pytest

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases import services
from tipsom.cases.models import ACTUAL_VICTIM, Case, ChildProtection, StatusDecision
from tipsom.cases.selectors import access_case_by_id, case_list
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def test_presumed_child_from_bolivia_through_to_approval(
    identifier, home_org, cp_agency, cp_officer, supervisor, child_person, case_data
):
    case = services.case_register(
        actor=identifier,
        organization=home_org,
        person=child_person,
        screening={"acts": ["recruitment", "transportation"], "means": ["DebtBondage"], "purposes": ["ForcedLabour"]},
        **case_data,
    )
    assert case.case_number == "BR-2026-000001"
    assert case.is_child
    assert case.screenings.get().recommendation == "likely_child_victim"
    assert case.trafficking_status == "PossibleVictimOfTrafficking"

    # The child protection agency cannot see the case until it is notified.
    with pytest.raises(NotFound):
        access_case_by_id(cp_officer, case.pk)
    services.child_notify(actor=identifier, case_id=case.pk, organization_id=cp_agency.pk)
    assert access_case_by_id(cp_officer, case.pk) == case
    services.child_update(
        actor=cp_officer, case_id=case.pk, guardian_name="Dra. Helena Costa", guardian_appointed_on="2026-10-05"
    )
    assert ChildProtection.objects.get(case=case).has_guardian

    # Another NGO does not reach it.
    stranger = make_user(make_organization("BR"), roles=("case_manager",))
    with pytest.raises(NotFound):
        access_case_by_id(stranger, case.pk)
    assert not case_list(user=stranger).exists()

    decision = services.case_decide_status(
        actor=identifier,
        case_id=case.pk,
        status=ACTUAL_VICTIM,
        decided_on="2026-10-06",
        deciding_organization_type="Police",
        basis="Interview and labour inspection report.",
    )
    assert decision.approval == StatusDecision.Approval.PENDING
    assert Case.objects.get(pk=case.pk).trafficking_status == "PossibleVictimOfTrafficking"
    services.decision_review(actor=supervisor, decision_id=decision.pk, approve=True)
    assert Case.objects.get(pk=case.pk).trafficking_status == ACTUAL_VICTIM

    actions = set(AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    assert {
        "case.create",
        "case.child_notify",
        "case.child_update",
        "case.status_decision",
        "case.status_decision_review",
    } <= actions


def test_a_childs_case_does_not_close_without_a_guardian(child_case, identifier):
    with pytest.raises(ApplicationError) as error:
        services.case_close(
            actor=identifier, case_id=child_case.pk, reason="services_completed", closed_on="2026-11-01"
        )
    assert error.value.code == "child_steps_incomplete"
    assert "guardian" in error.value.message
    assert not Case.objects.get(pk=child_case.pk).closure_requests.exists()
    assert Case.objects.get(pk=child_case.pk).status == "Active"
