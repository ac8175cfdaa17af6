"""The field submissions' API on /api/v1/intake/submissions/: the queue (waiting ones by default), one submission
(its draft's statistical fields; names masked: no reveal through the API), and the identifier's decisions: accept
(a new person, or `person` to register the case for a person already in the registry: check first with
POST /api/v1/persons/match/) and reject with a reason. Thin: the submissions' services decide."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import StrictInputSerializer, validated
from tipsom.core.errors import ApplicationError
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.integers import IdField
from tipsom.core.masking import MASKED
from tipsom.core.permissions import require_permission
from tipsom.core.registry import ApiRoute
from tipsom.intake.models import Submission
from tipsom.intake.submissions import selectors, services

STATUSES = ["pending", "decided", "any"]


class SubmissionSerializer(serializers.ModelSerializer):
    """A field submission: where it came from, its status and decision, and its draft's statistical fields."""

    organization = serializers.IntegerField(source="owner_organization_id", read_only=True)
    case_number = serializers.SerializerMethodField()
    draft = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "organization",
            "status",
            "origin",
            "instance_id",
            "form_id",
            "form_version",
            "submitted_at",
            "submitter",
            "created_at",
            "reviewed_at",
            "case",
            "case_number",
            "person",
            "draft",
        ]
        read_only_fields = fields

    def get_case_number(self, submission: Submission) -> str:
        return submission.case.case_number if submission.case_id and submission.case else ""

    def get_draft(self, submission: Submission) -> dict[str, Any]:
        """The draft's coded fields; every name, the birth date, contacts and notes masked."""
        registration = services.submission_registration(submission)
        person = registration.get("person") or {}
        case = registration.get("case") or {}
        screening = registration.get("screening") or {}
        return {
            "names": [MASKED for _name in person.get("names") or []],
            "gender": person.get("gender", ""),
            "birth_year": str(person.get("birth_date") or "")[:4],
            "birth_date_precision": person.get("birth_date_precision", ""),
            "is_presumed_minor": bool(person.get("is_presumed_minor")),
            "citizenships": person.get("citizenships") or [],
            "languages": person.get("languages") or [],
            "case": {key: value for key, value in case.items()},
            "screening": {key: value for key, value in screening.items() if key != "notes"},
            "consents": registration.get("consents") or [],
        }


class AcceptSerializer(StrictInputSerializer):
    person = IdField(
        required=False,
        allow_null=True,
        help_text=_lazy("A person already in the registry (a possible match): the case is registered for them."),
    )


class RejectSerializer(StrictInputSerializer):
    reason = serializers.CharField(
        allow_blank=True, trim_whitespace=False, max_length=1000, help_text=_lazy("Why (kept encrypted).")
    )


class SubmissionPagination(KeysetPagination):
    ordering = ("-created_at", "-pk")  # type: ignore[assignment]  # DRF takes a tuple; the queue's order


_STATUS = OpenApiParameter("status", str, enum=STATUSES, description='Default "pending" (waiting for a decision).')


@extend_schema(tags=["intake"])
@extend_schema_view(list=extend_schema(summary="Field submissions", parameters=[_STATUS]))
class SubmissionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Field submissions of your organization, newest first; no name (masked)."""

    request: AuthenticatedRequest

    serializer_class = SubmissionSerializer
    pagination_class = SubmissionPagination
    filter_backends: list[Any] = []
    lookup_value_regex = r"[0-9]+"
    queryset = Submission.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> Any:
        return selectors.submission_list(user=self.request.user, status=None)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Submission)
        status = request.query_params.get("status", "pending")
        if status not in STATUSES:
            message = gettext("Unknown status: use pending, decided or any.")
            raise ApplicationError("invalid", message, {"fields": {"status": [message]}})
        submissions = self.get_queryset()
        if status == "pending":
            submissions = submissions.filter(status=Submission.Status.PENDING)
        elif status == "decided":
            submissions = submissions.exclude(status=Submission.Status.PENDING)
        page = self.paginate_queryset(submissions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: SubmissionSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return Response(self.get_serializer(selectors.access_submission(request.user, pk)).data)

    @extend_schema(request=AcceptSerializer, responses={200: SubmissionSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"])
    def accept(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Register the submission's case as the registration does: for a new person, or for `person`. 409 when
        the submission was already decided; 400 naming the fields the registration refuses."""
        selectors.access_submission(request.user, pk, "change")
        data = validated(AcceptSerializer, request.data)
        if data.get("person"):
            services.submission_merge(actor=request.user, submission_id=pk, person_id=data["person"])
        else:
            services.submission_accept(actor=request.user, submission_id=pk)
        return Response(self.get_serializer(selectors.access_submission(request.user, pk)).data)

    @extend_schema(request=RejectSerializer, responses={200: SubmissionSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"])
    def reject(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Reject the submission with a reason (required)."""
        selectors.access_submission(request.user, pk, "change")
        data = validated(RejectSerializer, request.data)
        services.submission_reject(actor=request.user, submission_id=pk, reason=data["reason"])
        return Response(self.get_serializer(selectors.access_submission(request.user, pk)).data)


routes = [ApiRoute("intake/submissions", SubmissionViewSet, "intake-submission")]
paths: list[Any] = []
