"""/api/v1/programme/activities/: the programme's activities (list with the screen's filters, create; one activity:
read, partial update with its version) and their follow-up actions (/activities/<pk>/follow-ups/ list and add,
/follow-ups/<pk>/ read and change). Thin: programme.services.activities checks every value and decides."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import validated
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission
from tipsom.programme.api.serializers_activities import (
    ActivityDetailSerializer,
    ActivityFieldsSerializer,
    ActivityListSerializer,
    ActivityUpdateSerializer,
    ProgrammeFollowUpFieldsSerializer,
    ProgrammeFollowUpSerializer,
)
from tipsom.programme.forms.activities import ActivityFilterSet
from tipsom.programme.models import Activity
from tipsom.programme.selectors import activities as selectors
from tipsom.programme.services import activities as services


def _detail(user: Any, pk: Any, code: int = status.HTTP_200_OK) -> Response:
    activity = selectors.activity_detail(user=user, activity_id=pk)
    return Response(ActivityDetailSerializer(activity).data, status=code)


@extend_schema(tags=["programme"])
class ActivityListView(generics.ListAPIView):
    """Activities the user may see, most recently recorded first, paged by cursor; filters: kind, pillar, year,
    region, organization (the reporting one), country (for a user who reads every country)."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = ActivityListSerializer
    filterset_class = ActivityFilterSet
    pagination_class = KeysetPagination
    queryset = Activity.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> Any:
        return selectors.activity_list(user=self.request.user)

    @extend_schema(summary="Programme activities")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Activity)
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ActivityFieldsSerializer, responses={201: ActivityDetailSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        """Record an activity for your organization (its reference is given: CO-ACT-2018-000012)."""
        require_permission(request.user, "add", Activity)
        data = validated(ActivityFieldsSerializer, request.data)
        organization = request.user.organization
        if "owner_organization" in data:
            chosen = selectors.reporting_organizations(user=request.user).filter(pk=data.pop("owner_organization"))
            organization = chosen.first()
            if organization is None:
                message = _("Choose your organization or, for a national scope, one of the country's.")
                raise ApplicationError("invalid", message, {"fields": {"owner_organization": message}})
        if organization is None:
            raise NotFound()
        activity = services.activity_create(actor=request.user, organization=organization, data=data)
        return _detail(request.user, activity.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["programme"])
class ActivityDetailView(APIView):
    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(responses={200: ActivityDetailSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        """One activity, with who took part (from the roster where there is one)."""
        return _detail(request.user, pk)

    @extend_schema(request=ActivityUpdateSerializer, responses={200: ActivityDetailSerializer, **error_responses(409)})
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        """Change the fields given; `implementing_organizations`, when given, replaces the whole list."""
        selectors.activity_detail(user=request.user, activity_id=pk, action="change")
        data = validated(ActivityUpdateSerializer, request.data)
        data.pop("owner_organization", None)
        version = data.pop("version")
        services.activity_update(actor=request.user, activity_id=pk, version=version, data=data)
        return _detail(request.user, pk)


@extend_schema(tags=["programme"])
class ActivityFollowUpsView(APIView):
    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(responses={200: ProgrammeFollowUpSerializer(many=True)})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The follow-up actions of a cooperation meeting, by due date (`overdue`: open and past due)."""
        activity = selectors.activity_detail(user=request.user, activity_id=pk)
        actions = selectors.follow_up_list(user=request.user, activity=activity)
        return Response(ProgrammeFollowUpSerializer(actions, many=True).data)

    @extend_schema(request=ProgrammeFollowUpFieldsSerializer, responses={201: ProgrammeFollowUpSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """Add a follow-up action to a meeting, conference or study visit."""
        selectors.activity_detail(user=request.user, activity_id=pk, action="change")
        data = validated(ProgrammeFollowUpFieldsSerializer, request.data)
        action = services.follow_up_add(actor=request.user, activity_id=pk, data=data)
        return Response(ProgrammeFollowUpSerializer(action).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["programme"])
class FollowUpDetailView(APIView):
    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(responses={200: ProgrammeFollowUpSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        action = selectors.follow_up_detail(user=request.user, follow_up_id=pk)
        return Response(ProgrammeFollowUpSerializer(action).data)

    @extend_schema(request=ProgrammeFollowUpFieldsSerializer, responses={200: ProgrammeFollowUpSerializer})
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        """Change a follow-up action: its status (done, with `done_on`, today by default; dropped; open)."""
        selectors.follow_up_detail(user=request.user, follow_up_id=pk, action="change")
        data = validated(ProgrammeFollowUpFieldsSerializer, request.data)
        action = services.follow_up_update(actor=request.user, follow_up_id=pk, data=data)
        return Response(ProgrammeFollowUpSerializer(action).data)


paths: list[Any] = [
    path("programme/activities/", ActivityListView.as_view(), name="programme-activities"),
    path("programme/activities/<int:pk>/", ActivityDetailView.as_view(), name="programme-activity"),
    path(
        "programme/activities/<int:pk>/follow-ups/",
        ActivityFollowUpsView.as_view(),
        name="programme-activity-follow-ups",
    ),
    path("programme/follow-ups/<int:pk>/", FollowUpDetailView.as_view(), name="programme-follow-up"),
]
