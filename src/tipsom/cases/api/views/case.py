"""The case through the API: the list and register, one case, its screenings, status decisions, closure, status
and team (cases.services.case); the viewset brings in the work (work.py) and the child track (child.py)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.cases import selectors, services
from tipsom.cases.api import serializers
from tipsom.cases.api.views.base import part_list, path_id, read_schema, write_schema
from tipsom.cases.api.views.child import ChildTrackViews
from tipsom.cases.api.views.work import CaseWorkViews
from tipsom.cases.filters import CaseFilterSet
from tipsom.cases.models import Case
from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.serializers import validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission

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
class CaseViewSet(mixins.ListModelMixin, CaseWorkViews, ChildTrackViews):
    """Victim cases (TIP and SOM) the user may see; newest first, paged by cursor (no count, any depth)."""

    serializer_class = serializers.CaseListSerializer
    filterset_class = CaseFilterSet
    pagination_class = CaseKeysetPagination

    def get_queryset(self) -> Any:
        # A list row is built from the few columns it shows, as plain values: at 1,000,000 cases, building model
        # instances and running them through serializer fields was most of a request's time. The person's
        # statistical facts only, never an encrypted column. Sub-resource actions fetch their case themselves.
        return selectors.case_list(user=self.request.user).values(*_ROW_COLUMNS).order_by("-id")

    # --- the case ------------------------------------------------------------------------------------------
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Case)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the view has a paginator
        return self.get_paginated_response([_list_row(row) for row in page])

    @extend_schema(**write_schema(serializers.CaseCreateSerializer, serializers.CaseDetailSerializer))
    def create(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", Case)
        data = validated(serializers.CaseCreateSerializer, request.data)
        case = services.case_register(actor=request.user, organization=request.user.organization, **data)
        return self._detail(case.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.CaseDetailSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._detail(pk)

    @extend_schema(**write_schema(serializers.CaseUpdateSerializer, serializers.CaseDetailSerializer, 200))
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.CaseUpdateSerializer, request.data)
        services.case_update(actor=request.user, case_id=pk, **data)
        return self._detail(pk)

    # --- screenings, decisions, closure, status, team --------------------------------------------------------
    @extend_schema(**read_schema(serializers.ScreeningSerializer))
    @part_list("screenings")
    def screenings(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "screenings", lambda case: case.screenings.all(), serializers.ScreeningSerializer)

    @extend_schema(**read_schema(serializers.StatusDecisionSerializer))
    @part_list("decisions")
    def decisions(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._rows(pk, "decisions", lambda case: case.decisions.all(), serializers.StatusDecisionSerializer)

    @extend_schema(
        **write_schema(serializers.DecisionInputSerializer, serializers.StatusDecisionSerializer),
        description="Record a status decision; an Actual victim decision may wait for a supervisor's approval.",
    )
    @decisions.mapping.post
    def decision_add(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.DecisionInputSerializer, request.data)
        decision = services.case_decide_status(actor=request.user, case_id=pk, **data)
        return self._answer(pk, decision, serializers.StatusDecisionSerializer)

    @extend_schema(
        **write_schema(serializers.ReviewInputSerializer, serializers.StatusDecisionSerializer, 200),
        parameters=[path_id("decision_id")],
    )
    @action(
        detail=True, methods=["post"], url_path=r"decisions/(?P<decision_id>[0-9]+)/review", url_name="decision-review"
    )
    def decision_review(
        self, request: AuthenticatedRequest, pk: str | None = None, decision_id: str | None = None
    ) -> Response:
        self._require_part(self._case(pk, "approve"), "decisions", decision_id)
        data = validated(serializers.ReviewInputSerializer, request.data)
        decision = services.decision_review(actor=request.user, decision_id=decision_id, **data)
        return self._answer(pk, decision, serializers.StatusDecisionSerializer, status.HTTP_200_OK)

    @extend_schema(**write_schema(serializers.CloseInputSerializer, serializers.ClosureRequestSerializer))
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.CloseInputSerializer, request.data)
        closure = services.case_close(actor=request.user, case_id=pk, **data)
        return self._answer(pk, closure, serializers.ClosureRequestSerializer)

    @extend_schema(
        **write_schema(serializers.ReviewInputSerializer, serializers.ClosureRequestSerializer, 200),
        parameters=[path_id("request_id")],
    )
    @action(
        detail=True, methods=["post"], url_path=r"closures/(?P<request_id>[0-9]+)/review", url_name="closure-review"
    )
    def closure_review(
        self, request: AuthenticatedRequest, pk: str | None = None, request_id: str | None = None
    ) -> Response:
        self._require_part(self._case(pk, "approve"), "closure_requests", request_id)
        data = validated(serializers.ReviewInputSerializer, request.data)
        closure = services.closure_review(actor=request.user, request_id=request_id, **data)
        return self._answer(pk, closure, serializers.ClosureRequestSerializer, status.HTTP_200_OK)

    @extend_schema(**write_schema(serializers.StatusInputSerializer, serializers.CaseDetailSerializer, 200))
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.StatusInputSerializer, request.data)
        services.case_set_status(actor=request.user, case_id=pk, **data)
        return self._detail(pk)

    @extend_schema(**write_schema(serializers.TeamInputSerializer, serializers.CaseDetailSerializer, 200))
    @action(detail=True, methods=["put"], url_path="team", url_name="team")
    def team(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.TeamInputSerializer, request.data)
        services.case_team_set(actor=request.user, case_id=pk, version=data["version"], user_ids=data["users"])
        return self._detail(pk)
