"""Case endpoints: the case list and register, one case, and its parts as sub-resources under /cases/{id}/.

Thin on purpose: serializers check shapes, cases.services decide, write and audit; reads are narrowed to the
user's scope. Identifying free text is masked unless revealed with a reason (see cases.api.serializers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.cases import selectors, services
from tipsom.cases.api import serializers
from tipsom.cases.filters import CaseFilterSet
from tipsom.cases.models import Case, ChildProtection
from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.errors import NotFound
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import access_by_id, require_permission

# The API shows a case's identifying free text only with an audited reason (services.case_text_reveal).
REVEAL_HEADER = "X-Reveal-Reason"
_WRITE_ERRORS = error_responses(409)
_REVEAL = OpenApiParameter(
    REVEAL_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Why you need the identifying text (at least 5 characters). Given, and allowed to reveal the "
    "case, the text is shown unmasked and the reveal is audited with this reason; not allowed: 404.",
)


def _id(name: str) -> OpenApiParameter:
    return OpenApiParameter(name, int, OpenApiParameter.PATH)


def _read(serializer: Any) -> dict[str, Any]:
    return {"parameters": [_REVEAL], "responses": {200: serializer(many=True)}}


def _part_list(name: str, **kwargs: Any) -> Any:
    """A GET of a case's part as a list: newest recorded first, paged by cursor like every list of the API
    (a case may have thousands of journal entries), and none of the case list's filters."""
    paging: dict[str, Any] = {"pagination_class": KeysetPagination, "filter_backends": []}
    return action(detail=True, methods=["get"], url_path=name, url_name=name, **paging, **kwargs)


def _write(request_serializer: Any, response_serializer: Any, code: int = 201, **extra: Any) -> dict[str, Any]:
    return {"request": request_serializer, "responses": {code: response_serializer, **_WRITE_ERRORS}, **extra}


_PERSON_FIELDS = serializers.PersonSummarySerializer.Meta.fields
_ROW_FIELDS = [name for name in serializers.CaseListSerializer.Meta.fields if name != "person"]
_ROW_COLUMNS = [*_ROW_FIELDS, *(f"person__{name}" for name in _PERSON_FIELDS)]


def _list_row(row: dict[str, Any]) -> dict[str, Any]:
    """One list row in CaseListSerializer's shape (which documents it), from `.values()`."""
    data = {name: row[name] for name in _ROW_FIELDS}
    data["identified_on"] = row["identified_on"].isoformat()
    data["person"] = {name: row[f"person__{name}"] for name in _PERSON_FIELDS}
    return data


class CaseKeysetPagination(KeysetPagination):
    ordering = "-id"  # rows are dicts from .values(), keyed by column name


@extend_schema(tags=["cases"])
@extend_schema_view(
    list=extend_schema(responses={200: serializers.CaseListSerializer(many=True)}),
)
class CaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Victim cases (TIP and SOM) the user may see; newest first, paged by cursor (no count, any depth)."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = serializers.CaseListSerializer
    filterset_class = CaseFilterSet
    pagination_class = CaseKeysetPagination

    def get_queryset(self) -> Any:
        # A list row is built from the few columns it shows, as plain values: at 1,000,000 cases, building model
        # instances and running them through serializer fields was most of a request's time. The person's
        # statistical facts only, never an encrypted column. Sub-resource actions fetch their case themselves.
        return selectors.case_list(user=self.request.user).values(*_ROW_COLUMNS).order_by("-id")

    # --- helpers -------------------------------------------------------------------------------------------
    def _case(self, pk: Any, action_name: str = "view") -> Case:
        return access_by_id(Case, self.request.user, pk, action_name)

    def _reveal(self, pk: Any, part: str) -> bool:
        """Whether this answer may show the part's identifying text; a reveal is checked and audited."""
        reason = self.request.headers.get(REVEAL_HEADER)
        if reason is None:
            return False
        services.case_text_reveal(actor=self.request.user, case_id=pk, part=part, reason=reason)
        return True

    def _rows(self, pk: Any, part: str, rows: Callable[[Case], Any], serializer: Any) -> Response:
        case = self._case(pk)
        reveal = self._reveal(pk, part)
        page = self.paginate_queryset(rows(case))
        assert page is not None  # the view has a paginator
        return self.get_paginated_response(serializer(page, many=True, context={"reveal": reveal}).data)

    def _payload(self, serializer: Any, request: AuthenticatedRequest) -> dict[str, Any]:
        payload = serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return dict(payload.validated_data)

    def _answer(self, pk: Any, record: Any, serializer: Any, code: int = status.HTTP_201_CREATED) -> Response:
        version = self._case(pk).version
        return Response(serializer(record, context={"reveal": False, "case_version": version}).data, status=code)

    def _require_part(self, case: Case, related: str, part_id: Any) -> None:
        """The sub-record must belong to the case of the URL; anything else is missing."""
        try:
            if getattr(case, related).filter(pk=int(part_id)).exists():
                return
        except (TypeError, ValueError):
            pass
        raise NotFound()

    def _detail(self, case_id: Any, code: int = status.HTTP_200_OK) -> Response:
        case = selectors.access_case_by_id(self.request.user, case_id)
        return Response(serializers.CaseDetailSerializer(case, context={"reveal": False}).data, status=code)

    # --- the case ------------------------------------------------------------------------------------------
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Case)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the view has a paginator
        return self.get_paginated_response([_list_row(row) for row in page])

    @extend_schema(**_write(serializers.CaseCreateSerializer, serializers.CaseDetailSerializer))
    def create(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", Case)
        data = self._payload(serializers.CaseCreateSerializer, request)
        case = services.case_register(actor=request.user, organization=request.user.organization, **data)
        return self._detail(case.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.CaseDetailSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._detail(pk)

    @extend_schema(**_write(serializers.CaseUpdateSerializer, serializers.CaseDetailSerializer, 200))
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.CaseUpdateSerializer, request)
        services.case_update(actor=request.user, case_id=pk, **data)
        return self._detail(pk)

    # --- screenings, decisions, closure, status, team --------------------------------------------------------
    @extend_schema(**_read(serializers.ScreeningSerializer))
    @_part_list("screenings")
    def screenings(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "screenings", lambda case: case.screenings.all(), serializers.ScreeningSerializer)

    @extend_schema(**_read(serializers.StatusDecisionSerializer))
    @_part_list("decisions")
    def decisions(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "decisions", lambda case: case.decisions.all(), serializers.StatusDecisionSerializer)

    @extend_schema(
        **_write(serializers.DecisionInputSerializer, serializers.StatusDecisionSerializer),
        description="Record a status decision; an Actual victim decision may wait for a supervisor's approval.",
    )
    @decisions.mapping.post
    def decision_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.DecisionInputSerializer, request)
        decision = services.case_decide_status(actor=request.user, case_id=pk, **data)
        return self._answer(pk, decision, serializers.StatusDecisionSerializer)

    @extend_schema(
        **_write(serializers.ReviewInputSerializer, serializers.StatusDecisionSerializer, 200),
        parameters=[_id("decision_id")],
    )
    @action(detail=True, methods=["post"], url_path=r"decisions/(?P<decision_id>[0-9]+)/review",
            url_name="decision-review")  # fmt: skip
    def decision_review(
        self, request: AuthenticatedRequest, pk: str | None = None, decision_id: str | None = None
    ) -> Response:
        self._require_part(self._case(pk, "approve"), "decisions", decision_id)
        data = self._payload(serializers.ReviewInputSerializer, request)
        decision = services.decision_review(actor=request.user, decision_id=decision_id, **data)
        return self._answer(pk, decision, serializers.StatusDecisionSerializer, status.HTTP_200_OK)

    @extend_schema(**_write(serializers.CloseInputSerializer, serializers.ClosureRequestSerializer))
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.CloseInputSerializer, request)
        closure = services.case_close(actor=request.user, case_id=pk, **data)
        return self._answer(pk, closure, serializers.ClosureRequestSerializer)

    @extend_schema(
        **_write(serializers.ReviewInputSerializer, serializers.ClosureRequestSerializer, 200),
        parameters=[_id("request_id")],
    )
    @action(detail=True, methods=["post"], url_path=r"closures/(?P<request_id>[0-9]+)/review",
            url_name="closure-review")  # fmt: skip
    def closure_review(
        self, request: AuthenticatedRequest, pk: str | None = None, request_id: str | None = None
    ) -> Response:
        self._require_part(self._case(pk, "approve"), "closure_requests", request_id)
        data = self._payload(serializers.ReviewInputSerializer, request)
        closure = services.closure_review(actor=request.user, request_id=request_id, **data)
        return self._answer(pk, closure, serializers.ClosureRequestSerializer, status.HTTP_200_OK)

    @extend_schema(**_write(serializers.StatusInputSerializer, serializers.CaseDetailSerializer, 200))
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.StatusInputSerializer, request)
        services.case_set_status(actor=request.user, case_id=pk, **data)
        return self._detail(pk)

    @extend_schema(**_write(serializers.TeamInputSerializer, serializers.CaseDetailSerializer, 200))
    @action(detail=True, methods=["put"], url_path="team", url_name="team")
    def team(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.TeamInputSerializer, request)
        services.case_team_set(actor=request.user, case_id=pk, version=data["version"], user_ids=data["users"])
        return self._detail(pk)

    # --- consent -------------------------------------------------------------------------------------------
    @extend_schema(responses={200: serializers.ConsentOverviewSerializer})
    @action(detail=True, methods=["get"], url_path="consents", url_name="consents")
    def consents(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        case = self._case(pk)
        current = services.consent_current(case)
        overview = {"current": current, "history": list(case.consents.all()), "case_version": case.version}
        return Response(serializers.ConsentOverviewSerializer(overview).data)

    @extend_schema(**_write(serializers.ConsentInputSerializer, serializers.ConsentSerializer))
    @consents.mapping.post
    def consent_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.ConsentInputSerializer, request)
        consent = services.consent_record(actor=request.user, case_id=pk, **data)
        return self._answer(pk, consent, serializers.ConsentSerializer)

    # --- events, assessments, plan, services -------------------------------------------------------------------
    @extend_schema(**_read(serializers.TraffickingEventSerializer))
    @_part_list("events")
    def events(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "events", lambda case: case.events.all(), serializers.TraffickingEventSerializer)

    @extend_schema(**_write(serializers.EventInputSerializer, serializers.TraffickingEventSerializer))
    @events.mapping.post
    def event_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.EventInputSerializer, request)
        event = services.event_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, event, serializers.TraffickingEventSerializer)

    @extend_schema(**_read(serializers.AssessmentSerializer))
    @_part_list("assessments")
    def assessments(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "assessments", lambda case: case.assessments.all(), serializers.AssessmentSerializer)

    @extend_schema(**_write(serializers.AssessmentInputSerializer, serializers.AssessmentSerializer))
    @assessments.mapping.post
    def assessment_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.AssessmentInputSerializer, request)
        assessment = services.assessment_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, assessment, serializers.AssessmentSerializer)

    @extend_schema(**_read(serializers.SupportPlanItemSerializer))
    @_part_list("plan")
    def plan(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "plan", lambda case: case.plan_items.all(), serializers.SupportPlanItemSerializer)

    @extend_schema(**_write(serializers.PlanItemInputSerializer, serializers.SupportPlanItemSerializer))
    @plan.mapping.post
    def plan_item_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.PlanItemInputSerializer, request)
        item = services.plan_item_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, item, serializers.SupportPlanItemSerializer)

    @extend_schema(
        **_write(serializers.PlanStatusInputSerializer, serializers.SupportPlanItemSerializer, 200),
        parameters=[_id("item_id")],
    )
    @action(detail=True, methods=["post"], url_path=r"plan/(?P<item_id>[0-9]+)/status", url_name="plan-item-status")
    def plan_item_status(
        self, request: AuthenticatedRequest, pk: str | None = None, item_id: str | None = None
    ) -> Response:
        self._require_part(self._case(pk, "change"), "plan_items", item_id)
        data = self._payload(serializers.PlanStatusInputSerializer, request)
        item = services.plan_item_set_status(actor=request.user, item_id=item_id, **data)
        return self._answer(pk, item, serializers.SupportPlanItemSerializer, status.HTTP_200_OK)

    @extend_schema(**_read(serializers.ServiceDeliverySerializer))
    @_part_list("services")
    def services_delivered(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "services", lambda case: case.services.all(), serializers.ServiceDeliverySerializer)

    @extend_schema(**_write(serializers.ServiceInputSerializer, serializers.ServiceDeliverySerializer))
    @services_delivered.mapping.post
    def service_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.ServiceInputSerializer, request)
        data["provider_id"] = data.pop("provider")
        service = services.service_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, service, serializers.ServiceDeliverySerializer)

    # --- tasks and journal ---------------------------------------------------------------------------------
    @extend_schema(**_read(serializers.TaskSerializer))
    @_part_list("tasks")
    def tasks(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "tasks", lambda case: case.tasks.all(), serializers.TaskSerializer)

    @extend_schema(**_write(serializers.TaskInputSerializer, serializers.TaskSerializer))
    @tasks.mapping.post
    def task_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.TaskInputSerializer, request)
        if "assigned_to" in data:
            data["assigned_to_id"] = data.pop("assigned_to")
        task = services.task_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, task, serializers.TaskSerializer)

    @extend_schema(
        **_write(serializers.VersionedInputSerializer, serializers.TaskSerializer, 200), parameters=[_id("task_id")]
    )
    @action(detail=True, methods=["post"], url_path=r"tasks/(?P<task_id>[0-9]+)/done", url_name="task-done")
    def task_done(self, request: AuthenticatedRequest, pk: str | None = None, task_id: str | None = None) -> Response:
        self._require_part(self._case(pk, "change"), "tasks", task_id)
        data = self._payload(serializers.VersionedInputSerializer, request)
        task = services.task_complete(actor=request.user, task_id=task_id, **data)
        return self._answer(pk, task, serializers.TaskSerializer, status.HTTP_200_OK)

    @extend_schema(**_read(serializers.JournalEntrySerializer))
    @_part_list("journal")
    def journal(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        # Append-only: entries are added (POST) and read, never changed or deleted (no PUT, PATCH or DELETE).
        return self._rows(pk, "journal", selectors.case_journal, serializers.JournalEntrySerializer)

    @extend_schema(**_write(serializers.JournalInputSerializer, serializers.JournalEntrySerializer))
    @journal.mapping.post
    def journal_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.JournalInputSerializer, request)
        entry = services.journal_add(actor=request.user, case_id=pk, **data)
        return self._answer(pk, entry, serializers.JournalEntrySerializer)

    # --- attachments ---------------------------------------------------------------------------------------
    @extend_schema(**_read(serializers.AttachmentSerializer))
    @_part_list("attachments", parser_classes=[MultiPartParser])
    def attachments(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "attachments", selectors.case_attachments, serializers.AttachmentSerializer)

    @extend_schema(**_write(serializers.AttachmentInputSerializer, serializers.AttachmentSerializer))
    @attachments.mapping.post
    def attachment_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        payload = serializers.AttachmentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        attachment = services.attachment_add(
            actor=request.user, case_id=pk, filename=upload.name or "", content=upload.read()
        )
        return self._answer(pk, attachment, serializers.AttachmentSerializer)

    @extend_schema(
        parameters=[_id("attachment_id")],
        # The file in its own type (one the deployment accepts, TIPSOM_ATTACHMENT_TYPES); errors are JSON.
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file; every download is audited.")
            for media_type in settings.TIPSOM_ATTACHMENT_TYPES
        },
    )
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>[0-9]+)/download",
            url_name="attachment-download")  # fmt: skip
    def attachment_download(
        self, request: AuthenticatedRequest, pk: str | None = None, attachment_id: str | None = None
    ) -> HttpResponse:
        self._require_part(self._case(pk), "attachments", attachment_id)
        attachment, content = services.attachment_open(actor=request.user, attachment_id=attachment_id)
        response = HttpResponse(content, content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.filename)
        response["Cache-Control"] = "no-store"
        return response

    # --- child track ---------------------------------------------------------------------------------------
    def _track(self, case: Case) -> ChildProtection:
        try:
            return case.child_protection
        except ChildProtection.DoesNotExist as exc:
            raise NotFound() from exc

    @extend_schema(parameters=[_REVEAL], responses={200: serializers.ChildProtectionSerializer})
    @action(detail=True, methods=["get"], url_path="child", url_name="child")
    def child(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        track = self._track(self._case(pk))
        reveal = self._reveal(pk, "child")
        return Response(serializers.ChildProtectionSerializer(track, context={"reveal": reveal}).data)

    @extend_schema(**_write(serializers.ChildUpdateSerializer, serializers.ChildProtectionSerializer, 200))
    @child.mapping.patch
    def child_change(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.ChildUpdateSerializer, request)
        track = services.child_update(actor=request.user, case_id=pk, **data)
        return self._answer(pk, track, serializers.ChildProtectionSerializer, status.HTTP_200_OK)

    @extend_schema(**_write(serializers.ChildNotifyInputSerializer, serializers.ChildProtectionSerializer, 200))
    @action(detail=True, methods=["post"], url_path="child/notify", url_name="child-notify")
    def child_notify(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = self._payload(serializers.ChildNotifyInputSerializer, request)
        track = services.child_notify(
            actor=request.user, case_id=pk, version=data["version"], organization_id=data["organization"]
        )
        return self._answer(pk, track, serializers.ChildProtectionSerializer, status.HTTP_200_OK)
