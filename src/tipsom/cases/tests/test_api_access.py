"""Case API: every endpoint tried as anonymous, unpermitted, other-organization and permitted users."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases import services
from tipsom.cases.models import (
    ACTUAL_VICTIM,
    Assessment,
    Attachment,
    Case,
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
from tipsom.cases.testing import case_actor, make_case
from tipsom.core.masking import MASK_CHAR
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
MASKED = MASK_CHAR * 6


class CaseAccess(AccessCase):
    """Endpoints of one case: the case belongs to the home organization."""

    permitted_role = "case_manager"

    def make_object(self, organization: Organization) -> Case:
        return make_case(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


def _refresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# --- The case list and the case ------------------------------------------------------------------------------
class TestCaseListApi(AccessCase):
    url_name = "api:case-list"
    permitted_role = "case_manager"
    model = Case

    def make_object(self, organization: Organization) -> None:
        make_case(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        assert len(rows) == 1 and rows[0]["case_number"].startswith("BR-2026-")
        assert "Maria" not in response.content.decode()

    def test_other_organization(self, home_org: Organization) -> None:
        make_case(home_org)
        user = make_user(make_organization("BR"), roles=(self.permitted_role,))
        response = self._client_for(user).get(reverse(self.url_name))
        assert response.status_code == 200 and response.json()["results"] == []


class TestCaseRegisterApi(AccessCase):
    url_name = "api:case-list"
    method = "post"
    permitted_role = "frontline_identifier"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "person": {"names": [{"name": "Rosa Quispe"}], "citizenships": ["BO"]},
            "case_type": "tip",
            "identified_on": "2026-10-02",
        }

    def check_permitted(self, response: Any, obj: Any) -> None:
        case = Case.objects.get(pk=response.json()["id"])
        assert case.person.citizenships == ["BO"]
        event = AuditEvent.objects.filter(action="case.create").latest("sequence")
        assert (event.object_id, event.channel) == (str(case.pk), "api")

    def test_other_organization(self, home_org: Organization) -> None:
        # A user registers for their own organization: another organization's user adds nothing to this one.
        user = make_user(make_organization("BR"), roles=(self.permitted_role,))
        response = self.request(self._client_for(user), None)
        assert response.status_code == 201
        assert not Case.objects.filter(owner_organization=home_org).exists()


class TestCaseDetailApi(CaseAccess):
    url_name = "api:case-detail"

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["case_number"] == obj.case_number and body["decisions"][0]["status"]
        assert "Maria" not in response.content.decode()


class TestCaseUpdateApi(CaseAccess):
    url_name = "api:case-detail"
    method = "patch"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "industries": ["C_Manufacturing"]}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert _refresh(obj).industries == ["C_Manufacturing"]
        assert response.json()["version"] == obj.version + 1


class TestScreeningsApi(CaseAccess):
    url_name = "api:case-screenings"
    model = Screening

    def make_object(self, organization: Organization) -> Case:
        return make_case(organization, screening={"acts": ["recruitment"], "notes": "Met at the bus station."})

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        assert rows[0]["acts"] == ["recruitment"] and rows[0]["notes"] == MASKED


class TestDecisionsApi(CaseAccess):
    url_name = "api:case-decisions"
    model = StatusDecision

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert [row["status"] for row in response.json()["results"]] == ["PossibleVictimOfTrafficking"]


class TestDecisionAddApi(CaseAccess):
    url_name = "api:case-decisions"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "version": obj.version,
            "status": ACTUAL_VICTIM,
            "decided_on": "2026-10-06",
            "deciding_organization_type": "NGO",
            "basis": "Interview.",
        }

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["approval"] == "pending" and body["basis"] == MASKED
        assert body["case_version"] == _refresh(obj).version


class TestDecisionReviewApi(CaseAccess):
    url_name = "api:case-decision-review"
    method = "post"
    permitted_role = "case_supervisor"

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        decision = services.case_decide_status(
            actor=case_actor(case),
            case_id=case.pk,
            status=ACTUAL_VICTIM,
            decided_on="2026-10-06",
            deciding_organization_type="NGO",
            basis="Interview.",
        )
        case._decision = decision  # type: ignore[attr-defined]
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "decision_id": obj._decision.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"approve": True}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["approval"] == "approved"
        assert _refresh(obj).trafficking_status == ACTUAL_VICTIM


class TestCloseApi(CaseAccess):
    url_name = "api:case-close"
    method = "post"
    permitted_status = 201
    model = ClosureRequest

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "reason": "services_completed", "closed_on": "2026-11-01"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["approval"] == "pending"  # the country asks a supervisor to approve closures
        assert _refresh(obj).status == "Active"


class TestClosureReviewApi(CaseAccess):
    url_name = "api:case-closure-review"
    method = "post"
    permitted_role = "case_supervisor"

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        closure = services.case_close(
            actor=case_actor(case), case_id=case.pk, reason="services_completed", closed_on="2026-11-01"
        )
        case._closure = closure  # type: ignore[attr-defined]
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "request_id": obj._closure.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"approve": True}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["approval"] == "approved"
        assert _refresh(obj).status == "Closed"


class TestStatusApi(CaseAccess):
    url_name = "api:case-status"
    method = "post"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "status": "FollowUp"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["status"] == "FollowUp" and _refresh(obj).status == "FollowUp"


class TestTeamApi(CaseAccess):
    url_name = "api:case-team"
    method = "put"

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        case._member = make_user(organization, roles=("case_manager",))  # type: ignore[attr-defined]
        return case

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "users": [obj._member.pk]}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["team"] == [obj._member.pk]


class TestConsentsApi(CaseAccess):
    url_name = "api:case-consents"
    model = Consent

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        services.consent_record(
            actor=case_actor(case),
            case_id=case.pk,
            purpose="statistics",
            given=True,
            recorded_on="2026-10-03",
            given_by="person",
        )
        return case

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["current"]["statistics"]["given"] is True and body["current"]["referral"] is None
        assert len(body["history"]) == 1


class TestConsentAddApi(CaseAccess):
    url_name = "api:case-consents"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "version": obj.version,
            "purpose": "data_processing",
            "given": True,
            "recorded_on": "2026-10-03",
            "given_by": "person",
        }

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert services.consent_allows(_refresh(obj), "data_processing")


class TestEventsApi(CaseAccess):
    url_name = "api:case-events"
    model = TraffickingEvent

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        services.event_add(
            actor=case_actor(case),
            case_id=case.pk,
            event_type="Recruitment",
            country="BO",
            place="El Alto",
            start_date="2026-06-01",
        )
        return case

    def check_permitted(self, response: Any, obj: Any) -> None:
        row = response.json()["results"][0]
        assert row["country"] == "BO" and row["place"] == MASKED


class TestEventAddApi(CaseAccess):
    url_name = "api:case-events"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "event_type": "Exploitation", "country": "BR", "place": "Cuiabá"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert _refresh(obj).events.get().place == "Cuiabá"


class TestAssessmentsApi(CaseAccess):
    url_name = "api:case-assessments"
    model = Assessment

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        services.assessment_add(
            actor=case_actor(case),
            case_id=case.pk,
            kind="needs",
            assessed_on="2026-10-04",
            level="high",
            needs=["Shelter"],
        )
        return case

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["results"][0]["needs"] == ["Shelter"]


class TestAssessmentAddApi(CaseAccess):
    url_name = "api:case-assessments"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "kind": "individual_risk", "assessed_on": "2026-10-04", "level": "medium"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert _refresh(obj).assessments.get().level == "medium"


class TestPlanApi(CaseAccess):
    url_name = "api:case-plan"
    model = SupportPlanItem

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        services.plan_item_add(actor=case_actor(case), case_id=case.pk, support_type="Shelter", goal="Safe housing")
        return case

    def check_permitted(self, response: Any, obj: Any) -> None:
        row = response.json()["results"][0]
        assert row["support_type"] == "Shelter" and row["goal"] == MASKED


class TestPlanAddApi(CaseAccess):
    url_name = "api:case-plan"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "support_type": "Legal", "target_date": "2027-01-31"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert _refresh(obj).plan_items.get().support_type == "Legal"


class TestPlanItemStatusApi(CaseAccess):
    url_name = "api:case-plan-item-status"
    method = "post"

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        item = services.plan_item_add(actor=case_actor(case), case_id=case.pk, support_type="Shelter")
        case = _refresh(case)
        case._item = item  # type: ignore[attr-defined]
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "item_id": obj._item.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "status": "in_progress"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert SupportPlanItem.objects.get(pk=obj._item.pk).status == "in_progress"


class TestServicesApi(CaseAccess):
    url_name = "api:case-services"
    model = ServiceDelivery

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        services.service_add(
            actor=case_actor(case),
            case_id=case.pk,
            support_type="Health",
            delivered_on="2026-10-05",
            provider_id=organization.pk,
            outcome="completed",
        )
        return case

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["results"][0]["provider"] == obj.owner_organization_id


class TestServiceAddApi(CaseAccess):
    url_name = "api:case-services"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "version": obj.version,
            "support_type": "Health",
            "delivered_on": "2026-10-05",
            "provider": obj.owner_organization_id,
            "outcome": "ongoing",
        }

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert _refresh(obj).services.get().outcome == "ongoing"


class TestTasksApi(CaseAccess):
    url_name = "api:case-tasks"
    model = Task

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        services.task_add(actor=case_actor(case), case_id=case.pk, title="Call the consulate", due_on="2026-12-01")
        return case

    def check_permitted(self, response: Any, obj: Any) -> None:
        row = response.json()["results"][0]
        assert row["due_on"] == "2026-12-01" and row["title"] == MASKED


class TestTaskAddApi(CaseAccess):
    url_name = "api:case-tasks"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "title": "Book an interpreter", "due_on": "2026-12-01"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert _refresh(obj).tasks.get().title == "Book an interpreter"


class TestTaskDoneApi(CaseAccess):
    url_name = "api:case-task-done"
    method = "post"

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        task = services.task_add(actor=case_actor(case), case_id=case.pk, title="Call", due_on="2026-12-01")
        case = _refresh(case)
        case._task = task  # type: ignore[attr-defined]
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "task_id": obj._task.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Task.objects.get(pk=obj._task.pk).done_at is not None and response.json()["done_at"]


class TestJournalApi(CaseAccess):
    url_name = "api:case-journal"
    model = JournalEntry

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        services.journal_add(actor=case_actor(case), case_id=case.pk, text="Spoke with Maria about the shelter.")
        return case

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert [row["text"] for row in response.json()["results"]] == [MASKED]


class TestJournalAddApi(CaseAccess):
    url_name = "api:case-journal"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"text": "First contact at the shelter."}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert _refresh(obj).journal.get().text == "First contact at the shelter."


class TestAttachmentsApi(CaseAccess):
    url_name = "api:case-attachments"
    model = Attachment

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        services.attachment_add(actor=case_actor(case), case_id=case.pk, filename="statement.pdf", content=PDF)
        return case

    def check_permitted(self, response: Any, obj: Any) -> None:
        row = response.json()["results"][0]
        assert (row["content_type"], row["size"], row["filename"]) == ("application/pdf", len(PDF), MASKED)


class TestAttachmentAddApi(CaseAccess):
    url_name = "api:case-attachments"
    method = "post"
    permitted_status = 201

    def request(self, client: Client, obj: Any) -> Any:
        upload = SimpleUploadedFile("statement.pdf", PDF, content_type="application/pdf")
        return client.post(reverse(self.url_name, kwargs=self.url_kwargs(obj)), {"file": upload})

    def check_permitted(self, response: Any, obj: Any) -> None:
        attachment = _refresh(obj).attachments.get()
        assert (attachment.filename, attachment.size) == ("statement.pdf", len(PDF))


class TestAttachmentDownloadApi(CaseAccess):
    url_name = "api:case-attachment-download"

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        attachment = services.attachment_add(
            actor=case_actor(case), case_id=case.pk, filename="statement.pdf", content=PDF
        )
        case._attachment = attachment  # type: ignore[attr-defined]
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk, "attachment_id": obj._attachment.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.content == PDF and response["Content-Type"] == "application/pdf"
        assert 'filename="statement.pdf"' in response["Content-Disposition"]
        event = AuditEvent.objects.filter(action="case.attachment_download").latest("sequence")
        assert event.object_id == str(obj.pk)


class ChildCaseAccess(CaseAccess):
    def make_object(self, organization: Organization) -> Case:
        return make_case(organization, child=True)


class TestChildApi(ChildCaseAccess):
    url_name = "api:case-child"
    model = ChildProtection

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["age_assessment"] == "pending" and response.json()["has_guardian"] is False


class TestChildUpdateApi(ChildCaseAccess):
    url_name = "api:case-child"
    method = "patch"
    permitted_role = "child_protection_officer"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "guardian_name": "Dra. Helena Costa", "guardian_appointed_on": "2026-10-05"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["has_guardian"] is True and response.json()["guardian_name"] == MASKED
        assert ChildProtection.objects.get(case=obj).guardian_name == "Dra. Helena Costa"


class TestChildNotifyApi(ChildCaseAccess):
    url_name = "api:case-child-notify"
    method = "post"
    model = CaseOrganization

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization, child=True)
        case._agency = make_organization("BR", functions=["child_protection"])  # type: ignore[attr-defined]
        return case

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "organization": obj._agency.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["notified_organization"] == obj._agency.pk
        assert CaseOrganization.objects.filter(case=obj, organization=obj._agency).exists()
