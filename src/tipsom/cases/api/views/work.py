"""The work on a case through the API: consent, trafficking events, assessments, the support plan, services
delivered, tasks, the journal and attachments (cases.services.work)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from tipsom.cases import selectors, services
from tipsom.cases.api import serializers
from tipsom.cases.api.views.base import CaseApiView, part_list, path_id, read_schema, write_schema
from tipsom.core.api.serializers import validated
from tipsom.core.http import AuthenticatedRequest


class CaseWorkViews(CaseApiView):
    """/cases/{id}/consents/, events/, assessments/, plan/, services/, tasks/, journal/ and attachments/."""

    # --- consent -------------------------------------------------------------------------------------------
    @extend_schema(responses={200: serializers.ConsentOverviewSerializer})
    @action(detail=True, methods=["get"], url_path="consents", url_name="consents")
    def consents(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        case = self._case(pk)
        current = services.consent_current(case)
        overview = {"current": current, "history": list(case.consents.all()), "case_version": case.version}
        return Response(serializers.ConsentOverviewSerializer(overview).data)

    @extend_schema(**write_schema(serializers.ConsentInputSerializer, serializers.ConsentSerializer))
    @consents.mapping.post
    def consent_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.ConsentInputSerializer, request.data)
        consent = services.consent_record(actor=request.user, case_id=pk, **data)
        return self._answer(pk, consent, serializers.ConsentSerializer)

    # --- events, assessments, plan, services -------------------------------------------------------------------
    @extend_schema(**read_schema(serializers.TraffickingEventSerializer))
    @part_list("events")
    def events(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "events", lambda case: case.events.all(), serializers.TraffickingEventSerializer)

    @extend_schema(**write_schema(serializers.EventInputSerializer, serializers.TraffickingEventSerializer))
    @events.mapping.post
    def event_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.EventInputSerializer, request.data)
        event = services.event_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, event, serializers.TraffickingEventSerializer)

    @extend_schema(**read_schema(serializers.AssessmentSerializer))
    @part_list("assessments")
    def assessments(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "assessments", lambda case: case.assessments.all(), serializers.AssessmentSerializer)

    @extend_schema(**write_schema(serializers.AssessmentInputSerializer, serializers.AssessmentSerializer))
    @assessments.mapping.post
    def assessment_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.AssessmentInputSerializer, request.data)
        assessment = services.assessment_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, assessment, serializers.AssessmentSerializer)

    @extend_schema(**read_schema(serializers.SupportPlanItemSerializer))
    @part_list("plan")
    def plan(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "plan", lambda case: case.plan_items.all(), serializers.SupportPlanItemSerializer)

    @extend_schema(**write_schema(serializers.PlanItemInputSerializer, serializers.SupportPlanItemSerializer))
    @plan.mapping.post
    def plan_item_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.PlanItemInputSerializer, request.data)
        item = services.plan_item_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, item, serializers.SupportPlanItemSerializer)

    @extend_schema(
        **write_schema(serializers.PlanStatusInputSerializer, serializers.SupportPlanItemSerializer, 200),
        parameters=[path_id("item_id")],
    )
    @action(detail=True, methods=["post"], url_path=r"plan/(?P<item_id>[0-9]+)/status", url_name="plan-item-status")
    def plan_item_status(
        self, request: AuthenticatedRequest, pk: str | None = None, item_id: str | None = None
    ) -> Response:
        self._require_part(self._case(pk, "change"), "plan_items", item_id)
        data = validated(serializers.PlanStatusInputSerializer, request.data)
        item = services.plan_item_set_status(actor=request.user, item_id=item_id, **data)
        return self._answer(pk, item, serializers.SupportPlanItemSerializer, status.HTTP_200_OK)

    @extend_schema(**read_schema(serializers.ServiceDeliverySerializer))
    @part_list("services")
    def services_delivered(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "services", lambda case: case.services.all(), serializers.ServiceDeliverySerializer)

    @extend_schema(**write_schema(serializers.ServiceInputSerializer, serializers.ServiceDeliverySerializer))
    @services_delivered.mapping.post
    def service_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.ServiceInputSerializer, request.data)
        data["provider_id"] = data.pop("provider")
        service = services.service_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, service, serializers.ServiceDeliverySerializer)

    # --- tasks and journal ---------------------------------------------------------------------------------
    @extend_schema(**read_schema(serializers.TaskSerializer))
    @part_list("tasks")
    def tasks(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "tasks", lambda case: case.tasks.all(), serializers.TaskSerializer)

    @extend_schema(**write_schema(serializers.TaskInputSerializer, serializers.TaskSerializer))
    @tasks.mapping.post
    def task_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.TaskInputSerializer, request.data)
        if "assigned_to" in data:
            data["assigned_to_id"] = data.pop("assigned_to")
        task = services.task_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, task, serializers.TaskSerializer)

    @extend_schema(
        **write_schema(serializers.VersionedInputSerializer, serializers.TaskSerializer, 200),
        parameters=[path_id("task_id")],
    )
    @action(detail=True, methods=["post"], url_path=r"tasks/(?P<task_id>[0-9]+)/done", url_name="task-done")
    def task_done(self, request: AuthenticatedRequest, pk: str | None = None, task_id: str | None = None) -> Response:
        self._require_part(self._case(pk, "change"), "tasks", task_id)
        data = validated(serializers.VersionedInputSerializer, request.data)
        task = services.task_complete(actor=request.user, task_id=task_id, **data)
        return self._answer(pk, task, serializers.TaskSerializer, status.HTTP_200_OK)

    @extend_schema(**read_schema(serializers.JournalEntrySerializer))
    @part_list("journal")
    def journal(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        # Append-only: entries are added (POST) and read, never changed or deleted (no PUT, PATCH or DELETE).
        return self._rows(pk, "journal", selectors.case_journal, serializers.JournalEntrySerializer)

    @extend_schema(**write_schema(serializers.JournalInputSerializer, serializers.JournalEntrySerializer))
    @journal.mapping.post
    def journal_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.JournalInputSerializer, request.data)
        entry = services.journal_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, entry, serializers.JournalEntrySerializer)

    # --- attachments ---------------------------------------------------------------------------------------
    @extend_schema(**read_schema(serializers.AttachmentSerializer))
    @part_list("attachments", parser_classes=[MultiPartParser])
    def attachments(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "attachments", selectors.case_attachments, serializers.AttachmentSerializer)

    @extend_schema(**write_schema(serializers.AttachmentInputSerializer, serializers.AttachmentSerializer))
    @attachments.mapping.post
    def attachment_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        upload = validated(serializers.AttachmentInputSerializer, request.data)["file"]
        attachment = services.attachment_add(
            actor=request.user, case_id=pk, filename=upload.name or "", content=upload.read()
        )
        return self._answer(pk, attachment, serializers.AttachmentSerializer)

    @extend_schema(
        parameters=[path_id("attachment_id")],
        # The file in its own type (one the deployment accepts, TIPSOM_ATTACHMENT_TYPES); errors are JSON.
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file; every download is audited.")
            for media_type in settings.TIPSOM_ATTACHMENT_TYPES
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)/download",
        url_name="attachment-download",
    )
    def attachment_download(
        self, request: AuthenticatedRequest, pk: str | None = None, attachment_id: str | None = None
    ) -> HttpResponse:
        self._require_part(self._case(pk), "attachments", attachment_id)
        attachment, content = services.attachment_open(actor=request.user, attachment_id=attachment_id)
        response = HttpResponse(content, content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.filename)
        response["Cache-Control"] = "no-store"
        return response
