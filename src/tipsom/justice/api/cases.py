"""Justice API: criminal cases (/api/v1/justice/cases/: the list with the screen's filters, paged by cursor), their
offences (justice/offences/?criminal_case=<id>), suspects (justice/suspects/?criminal_case=<id>, with the audited
reveal POST justice/suspects/<id>/reveal/) and organised criminal groups (justice/groups/). Offences and suspects
are reached through their criminal case: out of the user's scope, the answer is 404."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import validated
from tipsom.core.errors import ApplicationError
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import access_by_id, require_permission
from tipsom.core.registry import ApiRoute
from tipsom.justice.api import serializers_cases as s
from tipsom.justice.filters import CriminalCaseFilterSet
from tipsom.justice.models import CriminalCase, CriminalGroup, Offence, Suspect
from tipsom.justice.selectors.cases import criminal_case_detail, criminal_case_list, criminal_group_list, suspects_of
from tipsom.justice.services import cases as case_services
from tipsom.justice.services import suspects as suspect_services
from tipsom.justice.services.common import criminal_case_for

_WRITE_ERRORS = error_responses(409)
_ROW_FIELDS = list(s.CriminalCaseListSerializer().fields)
_ROW_COLUMNS = [name if name != "owner_organization" else "owner_organization_id" for name in _ROW_FIELDS]
CASE_PARAMETER = OpenApiParameter(
    "criminal_case", int, OpenApiParameter.QUERY, required=True, description="The criminal case whose records to list."
)


def _row(row: dict[str, Any]) -> dict[str, Any]:
    data = {name: row[name] for name in _ROW_FIELDS if name != "owner_organization"}
    data["owner_organization"] = row["owner_organization_id"]
    data["investigation_opened_on"] = row["investigation_opened_on"].isoformat()
    return data


class CriminalCasePagination(KeysetPagination):
    ordering = "-id"  # rows are dicts from .values()


@extend_schema(tags=["justice"])
@extend_schema_view(list=extend_schema(responses={200: s.CriminalCaseListSerializer(many=True)}))
class CriminalCaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Criminal cases the user may see; newest first, paged by cursor. No name and no facts in the list."""

    request: AuthenticatedRequest
    serializer_class = s.CriminalCaseListSerializer
    filterset_class = CriminalCaseFilterSet
    pagination_class = CriminalCasePagination

    def get_queryset(self) -> Any:
        return criminal_case_list(self.request.user).select_related(None).values(*_ROW_COLUMNS).order_by("-id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", CriminalCase)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the view has a paginator
        return self.get_paginated_response([_row(row) for row in page])

    def _detail(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        criminal_case = criminal_case_detail(self.request.user, pk)
        return Response(s.CriminalCaseSerializer(criminal_case).data, status=code)

    @extend_schema(responses={200: s.CriminalCaseSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._detail(pk)

    @extend_schema(request=s.CriminalCaseCreateSerializer, responses={201: s.CriminalCaseSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", CriminalCase)
        data = validated(s.CriminalCaseCreateSerializer, request.data)
        criminal_case = case_services.criminal_case_create(actor=request.user, **data)
        return self._detail(criminal_case.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.CriminalCaseUpdateSerializer, responses={200: s.CriminalCaseSerializer, **_WRITE_ERRORS})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        criminal_case_for(request.user, pk, "change")
        data = validated(s.CriminalCaseUpdateSerializer, request.data)
        version = data.pop("version")
        case_services.criminal_case_update(actor=request.user, criminal_case_id=pk, version=version, **data)
        return self._detail(pk)


def _case_of_query(request: AuthenticatedRequest) -> CriminalCase:
    """The criminal case of `?criminal_case=` the user may see (required: offences and suspects are listed per
    case); 404 when out of scope."""
    value = request.query_params.get("criminal_case", "")
    if not value:
        message = _("Give the criminal case: ?criminal_case=<id>.")
        raise ApplicationError("invalid", message, {"fields": {"criminal_case": message}})
    return criminal_case_for(request.user, value, "view")


class CaseRecordPagination(KeysetPagination):
    ordering = "pk"


@extend_schema(tags=["justice"])
@extend_schema_view(list=extend_schema(parameters=[CASE_PARAMETER], responses={200: s.OffenceSerializer(many=True)}))
class OffenceViewSet(viewsets.GenericViewSet):
    """The offences of a criminal case."""

    request: AuthenticatedRequest
    serializer_class = s.OffenceSerializer
    pagination_class = CaseRecordPagination
    filter_backends: list[Any] = []
    queryset = Offence.objects.none()  # the schema's id type; list and actions fetch through the services
    lookup_value_regex = r"\d+"

    def list(self, request: AuthenticatedRequest) -> Response:
        criminal_case = _case_of_query(request)
        page = self.paginate_queryset(criminal_case.offences.all())
        assert page is not None
        return self.get_paginated_response(s.OffenceSerializer(page, many=True).data)

    @extend_schema(responses={200: s.OffenceSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return Response(s.OffenceSerializer(case_services.offence_for(request.user, pk, "view")).data)

    @extend_schema(request=s.OffenceCreateSerializer, responses={201: s.OffenceSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.OffenceCreateSerializer, request.data)
        offence = case_services.offence_add(actor=request.user, criminal_case_id=data.pop("criminal_case"), **data)
        return Response(s.OffenceSerializer(offence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OffenceInputSerializer, responses={200: s.OffenceSerializer})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        case_services.offence_for(request.user, pk, "change")
        data = validated(s.OffenceInputSerializer, request.data)
        offence = case_services.offence_update(actor=request.user, offence_id=pk, **data)
        return Response(s.OffenceSerializer(offence).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        case_services.offence_remove(actor=request.user, offence_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["justice"])
@extend_schema_view(list=extend_schema(parameters=[CASE_PARAMETER], responses={200: s.SuspectSerializer(many=True)}))
class SuspectViewSet(viewsets.GenericViewSet):
    """The suspects and defendants of a criminal case: the person's sex, birth year and citizenships, never a name
    (POST .../reveal/ with a reason shows the identity, audited)."""

    request: AuthenticatedRequest
    serializer_class = s.SuspectSerializer
    pagination_class = CaseRecordPagination
    filter_backends: list[Any] = []
    queryset = Suspect.objects.none()  # the schema's id type; list and actions fetch through the services
    lookup_value_regex = r"\d+"

    def list(self, request: AuthenticatedRequest) -> Response:
        criminal_case = _case_of_query(request)
        page = self.paginate_queryset(suspects_of(criminal_case))
        assert page is not None
        return self.get_paginated_response(s.SuspectSerializer(page, many=True).data)

    def _one(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        suspect = suspect_services.suspect_for(self.request.user, pk, "view")
        return Response(s.SuspectSerializer(suspect).data, status=code)

    @extend_schema(responses={200: s.SuspectSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._one(pk)

    @extend_schema(request=s.SuspectCreateSerializer, responses={201: s.SuspectSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        data = validated(s.SuspectCreateSerializer, request.data)
        suspect = suspect_services.suspect_add(actor=request.user, criminal_case_id=data.pop("criminal_case"), **data)
        return self._one(suspect.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.SuspectUpdateSerializer, responses={200: s.SuspectSerializer, **_WRITE_ERRORS})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        suspect_services.suspect_for(request.user, pk, "change")
        data = validated(s.SuspectUpdateSerializer, request.data)
        version = data.pop("version")
        suspect_services.suspect_update(actor=request.user, suspect_id=pk, version=version, **data)
        return self._one(pk)

    @extend_schema(responses={204: None})
    def destroy(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        suspect_services.suspect_remove(actor=request.user, suspect_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.JusticeRevealSerializer, responses={200: s.SuspectIdentitySerializer})
    @action(detail=True, methods=["post"], url_path="reveal", url_name="reveal")
    def reveal(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        suspect_services.suspect_for(request.user, pk, "reveal")
        data = validated(s.JusticeRevealSerializer, request.data)
        identity = suspect_services.suspect_identity_reveal(actor=request.user, suspect_id=pk, reason=data["reason"])
        return Response(s.SuspectIdentitySerializer(identity).data)


@extend_schema(tags=["justice"])
@extend_schema_view(list=extend_schema(responses={200: s.GroupSerializer(many=True)}))
class GroupViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Organised criminal groups the user may see (notes masked)."""

    request: AuthenticatedRequest
    serializer_class = s.GroupSerializer
    pagination_class = KeysetPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return criminal_group_list(self.request.user).select_related(None)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", CriminalGroup)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.GroupSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return Response(s.GroupSerializer(access_by_id(CriminalGroup, request.user, pk, "view")).data)

    @extend_schema(request=s.GroupInputSerializer, responses={201: s.GroupSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", CriminalGroup)
        data = validated(s.GroupInputSerializer, request.data)
        group = suspect_services.criminal_group_create(actor=request.user, **data)
        return Response(s.GroupSerializer(group).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.GroupUpdateSerializer, responses={200: s.GroupSerializer, **_WRITE_ERRORS})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        access_by_id(CriminalGroup, request.user, pk, "change")
        data = validated(s.GroupUpdateSerializer, request.data)
        version = data.pop("version")
        group = suspect_services.criminal_group_update(actor=request.user, group_id=pk, version=version, **data)
        return Response(s.GroupSerializer(group).data)


routes: list[ApiRoute] = [
    ApiRoute("justice/cases", CriminalCaseViewSet, "justice-case"),
    ApiRoute("justice/offences", OffenceViewSet, "justice-offence"),
    ApiRoute("justice/suspects", SuspectViewSet, "justice-suspect"),
    ApiRoute("justice/groups", GroupViewSet, "justice-group"),
]
paths: list[Any] = []
