"""Justice API: the laws of the country (/api/v1/justice/provisions/: listed for every justice role, written by
administrators) and the year's justice statistics (GET /api/v1/justice/stats/?year=2026)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import StrictInputSerializer, validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission
from tipsom.core.registry import ApiRoute
from tipsom.justice.forms.provisions import FIRST_STATS_YEAR, ProvisionFilterSet
from tipsom.justice.models import CriminalCase, LegalProvision, OffenceType
from tipsom.justice.selectors import provisions as selectors
from tipsom.justice.selectors.stats import justice_stats
from tipsom.justice.services import provisions as services

_WRITE_ERRORS = error_responses(409)


class ProvisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalProvision
        fields = [
            "id",
            "country",
            "law",
            "article",
            "title",
            "offence_type",
            "iccs_code",
            "penalty_min_months",
            "penalty_max_months",
            "in_force_from",
            "in_force_until",
            "is_active",
            "source",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class ProvisionInputSerializer(StrictInputSerializer):
    """Shapes only: the service checks the rules (penalties, duplicates) and names every bad field."""

    law = serializers.CharField(max_length=200)
    article = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=300)
    offence_type = serializers.ChoiceField(choices=OffenceType.choices)
    iccs_code = serializers.CharField(max_length=8, required=False, allow_blank=True)
    penalty_min_months = serializers.IntegerField(required=False, allow_null=True)
    penalty_max_months = serializers.IntegerField(
        required=False, allow_null=True, help_text=gettext_lazy("Null for life imprisonment.")
    )
    in_force_from = serializers.DateField(required=False, allow_null=True)
    in_force_until = serializers.DateField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    source = serializers.CharField(max_length=300, required=False, allow_blank=True)  # type: ignore[assignment]  # a declared field, not Field.source (DRF's metaclass)


class ProvisionUpdateSerializer(ProvisionInputSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=gettext_lazy("The `version` you read; a stale one answers 409 and changes nothing.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "version" not in attrs:  # required on PATCH too
            raise serializers.ValidationError({"version": [serializers.Field.default_error_messages["required"]]})
        return super().validate(attrs)


@extend_schema(tags=["justice"])
@extend_schema_view(list=extend_schema(responses={200: ProvisionSerializer(many=True)}))
class ProvisionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The legal provisions of the user's country. Never deleted: deactivate with is_active=false."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilterSet

    def get_queryset(self) -> Any:
        return selectors.provision_list(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", LegalProvision)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: ProvisionSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return Response(ProvisionSerializer(selectors.provision_access(request.user, pk)).data)

    @extend_schema(request=ProvisionInputSerializer, responses={201: ProvisionSerializer, **_WRITE_ERRORS})
    def create(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", LegalProvision)
        data = validated(ProvisionInputSerializer, request.data)
        provision = services.provision_create(actor=request.user, **data)
        return Response(ProvisionSerializer(provision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProvisionUpdateSerializer, responses={200: ProvisionSerializer, **_WRITE_ERRORS})
    def update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._change(request, pk, partial=False)

    @extend_schema(request=ProvisionUpdateSerializer, responses={200: ProvisionSerializer, **_WRITE_ERRORS})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._change(request, pk, partial=True)

    def _change(self, request: AuthenticatedRequest, pk: str | None, *, partial: bool) -> Response:
        selectors.provision_access(request.user, pk, "change")
        data = validated(ProvisionUpdateSerializer, request.data, partial=partial)
        version = data.pop("version")
        provision = services.provision_update(actor=request.user, provision_id=pk, version=version, **data)
        return Response(ProvisionSerializer(provision).data)


class StatsQuerySerializer(StrictInputSerializer):
    year = serializers.IntegerField(
        required=False, min_value=FIRST_STATS_YEAR, help_text=gettext_lazy("Default: this year.")
    )

    def validate_year(self, value: int) -> int:
        if value > timezone.localdate().year:
            raise serializers.ValidationError(gettext_lazy("This year has not begun."))
        return value


class JusticeStatsView(APIView):
    """The year's justice statistics: persons brought into formal contact, prosecuted and convicted (by sex, adult
    or minor, citizenship and offence type), offences recorded and smuggling incidents. A release: for every user,
    counts from 1 to 4 are "<5" and the counts that would give them back ".." (core.disclosure)."""

    request: AuthenticatedRequest

    @extend_schema(
        tags=["justice"],
        parameters=[OpenApiParameter("year", int, description=gettext_lazy("Default: this year."))],
        responses={200: dict},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "view", CriminalCase)  # before the query is read: 404, not 400
        query = validated(StatsQuerySerializer, request.query_params.dict())
        year = query.get("year") or timezone.localdate().year
        stats = justice_stats(user=request.user, year=year, release=True)
        return Response(stats.as_json())


routes: list[ApiRoute] = [ApiRoute("justice/provisions", ProvisionViewSet, "justice-provision")]
paths: list[Any] = [path("justice/stats/", JusticeStatsView.as_view(), name="justice-stats")]
