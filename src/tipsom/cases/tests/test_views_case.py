"""The case page: who reaches each of its URLs (anonymous, unpermitted, another organization, permitted)."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.db import models

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase
from tipsom.cases import services, testing
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
from tipsom.organizations.testing import make_organization

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ADULT = {
    "names": [{"name": "Maria Aparecida Souza"}],
    "gender": "Feminine",
    "citizenships": ["BO"],
    "birth_date": "1994-05-12",
    "birth_date_precision": "exact",
}
CHILD = {
    "names": [{"name": "Juana Mamani Quispe"}],
    "gender": "Feminine",
    "citizenships": ["BO"],
    "birth_date": "2011",
    "birth_date_precision": "estimated",
}
SCREENING = {"acts": ["recruitment"], "means": ["DebtBondage"], "purposes": ["ForcedLabour"], "notes": "Met at a farm"}


def make_case(organization: Any, *, child: bool = False, actor: User | None = None) -> Case:
    """A case of `organization` with a screening, registered by one of its case managers (who is on its team)."""
    case = testing.make_case(
        organization,
        actor=actor,
        person=CHILD if child else ADULT,
        screening=dict(SCREENING),
        identified_on="2025-03-01",
        means_of_control=[],
    )
    return Case.objects.get(pk=case.pk)


def registrar(case: Case) -> Any:
    return case.created_by


class CaseAccess(AccessCase):
    permitted_role = "case_manager"
    scope = "organization"

    def make_object(self, organization: Any) -> Any:
        return make_case(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class ActionAccess(CaseAccess):
    """A POST action: a permitted user without HTMX is sent back to the page."""

    method = "post"
    permitted_status = 302

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response["Location"].startswith(f"/cases/{obj.pk}/")


class TestCaseDetail(CaseAccess):
    url_name = "cases:detail"
    model: ClassVar[type[models.Model] | None] = Case

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert obj.case_number.encode() in response.content
        assert b"Aparecida" not in response.content


class TestCaseDetailCounter(TestCaseDetail):
    """Case numbers come from the counter, shown only as the case's number on its page."""

    url_name = "cases:detail"
    model = CaseNumberCounter


class TestCaseTabIdentification(CaseAccess):
    url_name = "cases:tab"
    model = Screening

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "tab": "identification"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"Met at a farm" in response.content


class TestCaseSummary(CaseAccess):
    url_name = "cases:summary"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert obj.case_number.encode() in response.content
        assert b"Met at a farm" not in response.content


class TestCaseEdit(ActionAccess):
    url_name = "cases:edit"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "case_type": "both", "origin_country": "BO", "destination_country": "BR"}


class TestCaseTeam(ActionAccess):
    url_name = "cases:team"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "team": [registrar(obj).pk]}


class TestCaseDecide(ActionAccess):
    url_name = "cases:decide"
    model = StatusDecision

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "version": obj.version,
            "status": ACTUAL_VICTIM,
            "decided_on": "2025-03-05",
            "deciding_organization_type": "NGO",
            "basis": "Interview",
        }


class TestCaseDecisionReview(ActionAccess):
    url_name = "cases:decision_review"
    permitted_role = "case_supervisor"

    def make_object(self, organization: Any) -> Any:
        case = make_case(organization)
        self.decision = services.case_decide_status(
            actor=registrar(case),
            case_id=case.pk,
            status=ACTUAL_VICTIM,
            decided_on="2025-03-05",
            deciding_organization_type="NGO",
            basis="Interview",
        )
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "decision_id": self.decision.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"decision": "approve", "comment": ""}


class TestCaseClose(ActionAccess):
    url_name = "cases:close"
    model = ClosureRequest

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "status": "Closed", "reason": "services_completed", "closed_on": "2025-04-01"}


class TestCaseClosureReview(ActionAccess):
    url_name = "cases:closure_review"
    permitted_role = "case_supervisor"

    def make_object(self, organization: Any) -> Any:
        case = make_case(organization)
        self.request_ = services.case_close(
            actor=registrar(case), case_id=case.pk, reason="services_completed", closed_on="2025-04-01"
        )
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "request_id": self.request_.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"decision": "approve", "comment": ""}


class TestCaseSetStatus(ActionAccess):
    url_name = "cases:set_status"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "status": "FollowUp"}


class TestCaseConsent(ActionAccess):
    url_name = "cases:consent"
    model = Consent

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "version": obj.version,
            "purpose": "statistics",
            "given": "given",
            "recorded_on": "2025-03-02",
            "given_by": "person",
        }


class TestCaseEvent(ActionAccess):
    url_name = "cases:event"
    model = TraffickingEvent

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "version": obj.version,
            "event_type": "Exploitation",
            "country": "BR",
            "place": "Sorriso farm",
            "start_date": "2024-06-01",
            "end_date": "2025-02-20",
        }


class TestCaseAssessment(ActionAccess):
    url_name = "cases:assessment"
    model = Assessment

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "version": obj.version,
            "kind": "needs",
            "assessed_on": "2025-03-03",
            "level": "high",
            "needs": ["Health"],
            "notes": "Needs a doctor",
        }


class TestCasePlan(ActionAccess):
    url_name = "cases:plan"
    model = SupportPlanItem

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "support_type": "Health", "goal": "See a doctor", "target_date": "2025-05-01"}


class TestCasePlanStatus(ActionAccess):
    url_name = "cases:plan_status"

    def make_object(self, organization: Any) -> Any:
        case = make_case(organization)
        self.item = services.plan_item_add(actor=registrar(case), case_id=case.pk, support_type="Health")
        return Case.objects.get(pk=case.pk)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "item_id": self.item.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "status": "done"}


class TestCaseService(ActionAccess):
    url_name = "cases:service"
    model = ServiceDelivery

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "version": obj.version,
            "support_type": "Health",
            "delivered_on": "2025-03-04",
            "provider": obj.owner_organization_id,
            "outcome": "completed",
            "notes": "",
        }


class TestCaseTask(ActionAccess):
    url_name = "cases:task"
    model = Task

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "title": "Call the consulate", "due_on": "2025-03-10"}


class TestCaseTaskDone(ActionAccess):
    url_name = "cases:task_done"

    def make_object(self, organization: Any) -> Any:
        case = make_case(organization)
        self.task = services.task_add(actor=registrar(case), case_id=case.pk, title="Call", due_on="2025-03-10")
        return Case.objects.get(pk=case.pk)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "task_id": self.task.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version}


class TestCaseJournal(ActionAccess):
    url_name = "cases:journal"
    model = JournalEntry

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"text": "Called the shelter."}


class TestCaseAttachment(ActionAccess):
    url_name = "cases:attachment"
    model = Attachment

    def payload(self, obj: Any) -> dict[str, Any]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return {"file": SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")}


class TestCaseAttachmentDownload(CaseAccess):
    url_name = "cases:attachment_download"

    def make_object(self, organization: Any) -> Any:
        case = make_case(organization)
        self.attachment = services.attachment_add(
            actor=registrar(case), case_id=case.pk, filename="report.pdf", content=PDF
        )
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "attachment_id": self.attachment.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "report.pdf" in response["Content-Disposition"]


class TestCaseChildNotify(ActionAccess):
    url_name = "cases:child_notify"
    model = CaseOrganization

    def make_object(self, organization: Any) -> Any:
        self.agency = make_organization(organization.country, functions=["child_protection"])
        return make_case(organization, child=True)

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "organization": self.agency.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        super().check_permitted(response, obj)
        assert ChildProtection.objects.get(case=obj).notified_organization_id == self.agency.pk


class TestCaseChild(ActionAccess):
    url_name = "cases:child"
    model = ChildProtection

    def make_object(self, organization: Any) -> Any:
        return make_case(organization, child=True)

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "version": obj.version,
            "guardian_name": "Dra. Helena Costa",
            "guardian_appointed_on": "2025-03-05",
            "best_interests": "in_progress",
            "family_tracing": "in_progress",
            "age_assessment": "not_needed",
        }


@pytest.mark.parametrize("tab", ["overview", "consent", "work", "journal", "attachments"])
def test_every_tab_opens_for_the_team(db: Any, tab: str) -> None:
    from django.test import Client

    from tipsom.accounts.testing import sign_in

    organization = make_organization("BR")
    case = make_case(organization)
    client = sign_in(Client(), registrar(case))
    response = client.get(f"/cases/{case.pk}/tab/{tab}/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'data-tab="{tab}"'.encode() in response.content
    assert b"<html" not in response.content
