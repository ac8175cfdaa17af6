"""Service directory endpoints: services (search, one, list, change, free places), pathways and response times.

Thin: serializers check shapes, referrals.services.directory validates, writes and audits; reads are narrowed to
the user's country and scope by referrals.selectors.directory."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import StrictInputSerializer, validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.integers import IdField
from tipsom.core.permissions import require_permission
from tipsom.referrals.filters import ServiceFilterSet
from tipsom.referrals.models import Pathway, ResponseTime, Service, ServiceType, Urgency
from tipsom.referrals.selectors import directory as selectors
from tipsom.referrals.services import directory as services

_WRITE_ERRORS = error_responses(409)
_VERSION_HELP = _("The `version` you read; a stale one answers 409 and changes nothing.")


# --- Serializers -----------------------------------------------------------------------------------------------
class ServiceSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "organization",
            "organization_name",
            "country",
            "service_type",
            "name",
            "description",
            "sexes",
            "age_min",
            "age_max",
            "serves_tip",
            "serves_som",
            "regions",
            "languages",
            "capacity_total",
            "capacity_available",
            "capacity_updated_at",
            "hours",
            "phone",
            "email",
            "is_active",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class ServiceInputSerializer(StrictInputSerializer):
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    sexes = serializers.ListField(
        child=serializers.CharField(max_length=30),
        required=False,
        max_length=10,
        help_text=_("prs_Gender codes; empty: everyone."),
    )
    age_min = serializers.IntegerField(required=False, allow_null=True)
    age_max = serializers.IntegerField(required=False, allow_null=True)
    serves_tip = serializers.BooleanField(required=False)
    serves_som = serializers.BooleanField(required=False)
    regions = serializers.ListField(
        child=serializers.CharField(max_length=10),
        required=False,
        max_length=200,
        help_text=_("ISO 3166-2 codes of the country; empty: nationwide."),
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=3),
        required=False,
        max_length=50,
        help_text=_("ISO 639-1 codes, such as pt."),
    )
    capacity_total = serializers.IntegerField(required=False, allow_null=True)
    capacity_available = serializers.IntegerField(required=False, allow_null=True)
    hours = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text=_("International format (E.164): +551199998888.")
    )
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class ServiceCreateSerializer(ServiceInputSerializer):
    organization = IdField(
        required=False, help_text=_("Left out: your organization. NRM administrators may name another of the country.")
    )


class VersionedSerializer(StrictInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_VERSION_HELP)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Required on PATCH too: a change without it could silently overwrite someone else's.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": [serializers.Field.default_error_messages["required"]]})
        return super().validate(attrs)


class ServiceUpdateSerializer(VersionedSerializer, ServiceInputSerializer):
    pass


class CapacitySerializer(StrictInputSerializer):
    available = serializers.IntegerField(min_value=0, help_text=_("Places free now."))
    total = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text=_("Places in all, when it changed.")
    )
    version = serializers.IntegerField(min_value=1, required=False, help_text=_VERSION_HELP)


# Pathway codes travel as plain text, documented in help texts: as enums, the same choice sets would appear
# under several names in the schema (child and foreign; case_type of cases; service_type of services).
_APPLIES_HELP = _("any, yes or no.")
_CASE_TYPES_HELP = _("tip, som or both; empty: every type.")
_SERVICE_TYPES_HELP = _("Service types (as service_type), suggested in this order.")


class PathwaySerializer(serializers.ModelSerializer):
    child = serializers.CharField(read_only=True, help_text=_APPLIES_HELP)
    foreign = serializers.CharField(read_only=True, help_text=_APPLIES_HELP)

    class Meta:
        model = Pathway
        fields = [
            "id",
            "country",
            "name",
            "child",
            "foreign",
            "case_types",
            "exploitation_types",
            "service_types",
            "priority",
            "is_active",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class PathwayInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200)
    child = serializers.CharField(max_length=3, required=False, help_text=_APPLIES_HELP)
    foreign = serializers.CharField(max_length=3, required=False, help_text=_APPLIES_HELP)
    case_types = serializers.ListField(
        child=serializers.CharField(max_length=4), required=False, max_length=3, help_text=_CASE_TYPES_HELP
    )
    exploitation_types = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        max_length=30,
        help_text=_("vic_TypeOfExploitation codes."),
    )
    service_types = serializers.ListField(
        child=serializers.CharField(max_length=24), max_length=20, help_text=_SERVICE_TYPES_HELP
    )
    priority = serializers.IntegerField(required=False, help_text=_("Lower comes first."))
    is_active = serializers.BooleanField(required=False)


class PathwayUpdateSerializer(VersionedSerializer, PathwayInputSerializer):
    pass


class ResponseTimeRowSerializer(serializers.Serializer):
    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    hours = serializers.IntegerField(read_only=True)
    configured = serializers.BooleanField(read_only=True, help_text=_("False: the deployment's default applies."))


class ResponseTimeInputSerializer(StrictInputSerializer):
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    hours = serializers.IntegerField(min_value=1)


class IdKeysetPagination(KeysetPagination):
    ordering = "-id"


# The list is built from `.values()` in ServiceSerializer's shape: model instances and the serializer per row were
# most of a directory search's time (bench/README.md, "Referrals").
_SERVICE_COLUMNS = [name for name in ServiceSerializer.Meta.fields if name != "organization_name"]
_DATETIME = serializers.DateTimeField()


def _service_row(row: dict[str, Any]) -> dict[str, Any]:
    data = {name: row[name] for name in _SERVICE_COLUMNS}
    data["organization_name"] = row["organization__name"]
    for name in ("capacity_updated_at", "updated_at"):
        data[name] = _DATETIME.to_representation(row[name]) if row[name] is not None else None
    return data


# --- Services --------------------------------------------------------------------------------------------------
@extend_schema(tags=["services"])
@extend_schema_view(list=extend_schema(responses={200: ServiceSerializer(many=True)}))
class ServiceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The service directory of the user's country: active services by default (include_inactive=true for all),
    newest first, paged by cursor."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = ServiceSerializer
    filterset_class = ServiceFilterSet
    pagination_class = IdKeysetPagination
    lookup_value_regex = "[0-9]+"  # so that services/pathways/ and services/response-times/ are not a service

    def get_queryset(self) -> Any:
        return selectors.service_list(user=self.request.user)

    def _detail(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        service = selectors.access_service_by_id(self.request.user, pk)
        return Response(ServiceSerializer(service).data, status=code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Service)
        rows = self.filter_queryset(self.get_queryset()).values(*_SERVICE_COLUMNS, "organization__name")
        page = self.paginate_queryset(rows)
        assert page is not None  # the view has a paginator
        return self.get_paginated_response([_service_row(row) for row in page])

    @extend_schema(responses={200: ServiceSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._detail(pk)

    @extend_schema(request=ServiceCreateSerializer, responses={201: ServiceSerializer, **_WRITE_ERRORS})
    def create(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", Service)
        data = validated(ServiceCreateSerializer, request.data)
        organization_id = data.pop("organization", request.user.organization_id)
        service = services.service_create(actor=request.user, organization_id=organization_id, **data)
        return self._detail(service.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ServiceUpdateSerializer, responses={200: ServiceSerializer, **_WRITE_ERRORS})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        selectors.access_service_by_id(request.user, pk, "change")
        data = validated(ServiceUpdateSerializer, request.data, partial=True)
        version = data.pop("version")
        services.service_update(actor=request.user, service_id=pk, version=version, **data)
        return self._detail(pk)

    @extend_schema(
        request=CapacitySerializer,
        responses={200: ServiceSerializer, **_WRITE_ERRORS},
        description="The provider's quick update of free places (and places in all); stamps capacity_updated_at.",
    )
    @action(detail=True, methods=["post"], url_path="capacity", url_name="capacity")
    def capacity(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        selectors.access_service_by_id(request.user, pk, "change")
        data = validated(CapacitySerializer, request.data)
        services.service_capacity_set(actor=request.user, service_id=pk, **data)
        return self._detail(pk)


# --- Pathways --------------------------------------------------------------------------------------------------
@extend_schema(tags=["services"])
@extend_schema_view(list=extend_schema(responses={200: PathwaySerializer(many=True)}))
class PathwayViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The referral pathways of the user's country, by priority (NRM administrators). Not deleted: retire one
    with is_active=false."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = PathwaySerializer
    pagination_class = None  # a country has a handful
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return selectors.pathway_list(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Pathway)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: PathwaySerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return Response(PathwaySerializer(selectors.access_pathway_by_id(request.user, pk)).data)

    @extend_schema(request=PathwayInputSerializer, responses={201: PathwaySerializer, **_WRITE_ERRORS})
    def create(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", Pathway)
        pathway = services.pathway_create(actor=request.user, **validated(PathwayInputSerializer, request.data))
        return Response(PathwaySerializer(pathway).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PathwayUpdateSerializer, responses={200: PathwaySerializer, **_WRITE_ERRORS})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        selectors.access_pathway_by_id(request.user, pk, "change")
        data = validated(PathwayUpdateSerializer, request.data, partial=True)
        version = data.pop("version")
        pathway = services.pathway_update(actor=request.user, pathway_id=pk, version=version, **data)
        return Response(PathwaySerializer(pathway).data)


# --- Response times --------------------------------------------------------------------------------------------
@extend_schema(tags=["services"])
class ResponseTimeViewSet(viewsets.ViewSet):
    """Hours to answer a referral per urgency in the user's country (the SLA); NRM administrators."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = ResponseTimeRowSerializer

    @extend_schema(responses={200: ResponseTimeRowSerializer(many=True)})
    def list(self, request: Request) -> Response:
        require_permission(self.request.user, "view", ResponseTime)
        rows = selectors.response_time_table(user=self.request.user)
        return Response(ResponseTimeRowSerializer(rows, many=True).data)

    @extend_schema(
        request=ResponseTimeInputSerializer,
        responses={200: ResponseTimeRowSerializer, **_WRITE_ERRORS},
        description="Set the hours for one urgency of your country.",
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "change", ResponseTime)
        data = validated(ResponseTimeInputSerializer, request.data)
        row = services.response_time_set(
            actor=request.user,
            country=request.user.country,
            urgency=data["urgency"],
            hours=data["hours"],
        )
        return Response({"urgency": row.urgency, "hours": row.hours, "configured": True})
