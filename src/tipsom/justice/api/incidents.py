"""/api/v1/justice/incidents/: smuggling of migrants incidents (list, retrieve, create, partial update) with the
breakdown of the migrants nested in the body, and /mmp/?year= the year's incidents in the columns of IOM's Missing
Migrants Project. Thin: the payloads are shapes only; justice.services.incidents checks every value (so a count
of -1, 2.5, "ten" or true gets the same message here as on the screen) and decides."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import (
    AsGivenCodesField,
    AsGivenDateField,
    AsGivenDecimalField,
    AsGivenField,
    AsGivenIntegerField,
    StrictInputSerializer,
    text_input,
    validated,
)
from tipsom.core.errors import ApplicationError
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission
from tipsom.core.registry import ApiRoute
from tipsom.justice.forms.incidents import FIRST_YEAR, LAST_YEAR, IncidentFilterSet
from tipsom.justice.models import IncidentMigrants, SmugglingIncident
from tipsom.justice.selectors import incidents as selectors
from tipsom.justice.services import incidents as services


# --- Reading ----------------------------------------------------------------------------------------------------
class IncidentMigrantsSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidentMigrants
        fields = ["sex", "age_group", "citizenship", "count"]
        read_only_fields = fields


_COLUMNS = [
    "id",
    "reference",
    "country",
    "owner_organization",
    "occurred_on",
    "location_type",
    "incident_country",
    "region",
    "place",
    "latitude",
    "longitude",
    "route",
    "origin_countries",
    "transit_countries",
    "destination_country",
    "transport_mode",
    "migrants_total",
    "dead",
    "missing",
    "injured",
    "survivors",
    "cause_of_death",
    "aggravating_circumstances",
    "fee_per_migrant",
    "fee_currency",
    "information_source",
    "criminal_case",
    "version",
]


class IncidentListSerializer(serializers.ModelSerializer):
    """An incident's place, route and counts (no identifying value: none of its fields names anyone)."""

    class Meta:
        model = SmugglingIncident
        fields = _COLUMNS
        read_only_fields = fields


class IncidentDetailSerializer(IncidentListSerializer):
    """One incident with its migrants by sex, age group and citizenship, its smugglers (suspect ids of the criminal
    case) and the case numbers of the victim cases of the migrants assisted."""

    criminal_case_reference = serializers.SerializerMethodField()
    migrants = IncidentMigrantsSerializer(source="migrant_counts", many=True, read_only=True)
    smugglers: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    cases = serializers.SerializerMethodField()

    class Meta(IncidentListSerializer.Meta):
        fields = [*_COLUMNS, "criminal_case_reference", "migrants", "smugglers", "cases"]
        read_only_fields = fields

    def get_criminal_case_reference(self, incident: SmugglingIncident) -> str:
        return incident.criminal_case.reference if incident.criminal_case else ""

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_cases(self, incident: SmugglingIncident) -> list[str]:
        return [case.case_number for case in incident.cases.all()]


# --- Writing: shapes only, the service checks the values --------------------------------------------------------
@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "sex": {"type": "string"},
                "age_group": {"type": "string"},
                "citizenship": {"type": "string"},
                "count": {"type": "integer"},
            },
        },
    }
)
class BreakdownField(AsGivenField):
    """The migrants as rows of {sex, age_group, citizenship, count}."""


class IncidentFieldsSerializer(StrictInputSerializer):
    occurred_on = AsGivenDateField(required=False, help_text=_lazy("YYYY-MM-DD, not in the future."))
    location_type = text_input(20, _lazy("border_crossing, sea, river, desert, mountains, vehicle, train, ..."))
    incident_country = text_input(2, _lazy("ISO 3166-1 alpha-2."))
    region = text_input(10, _lazy("ISO 3166-2."))
    place = text_input(200)
    latitude = AsGivenDecimalField(required=False, allow_null=True, help_text=_lazy("-90 to 90; with the longitude."))
    longitude = AsGivenDecimalField(required=False, allow_null=True, help_text=_lazy("-180 to 180; with the latitude."))
    route = text_input(100)
    origin_countries = AsGivenCodesField(required=False)
    transit_countries = AsGivenCodesField(required=False)
    destination_country = text_input(2)
    transport_mode = text_input(12)
    migrants_total = AsGivenIntegerField(required=False, help_text=_lazy("Required to record an incident."))
    dead = AsGivenIntegerField(required=False, allow_null=True)
    missing = AsGivenIntegerField(required=False, allow_null=True, help_text=_lazy("The minimum estimated missing."))
    injured = AsGivenIntegerField(required=False, allow_null=True, help_text=_lazy("Among the survivors."))
    survivors = AsGivenIntegerField(required=False, allow_null=True)
    cause_of_death = text_input(20)
    aggravating_circumstances = AsGivenCodesField(
        required=False, help_text=_lazy("“death” is added when someone died.")
    )
    fee_per_migrant = AsGivenDecimalField(required=False, allow_null=True)
    fee_currency = text_input(3, _lazy("ISO 4217."))
    information_source = text_input(200)
    criminal_case = AsGivenIntegerField(required=False, allow_null=True, help_text=_lazy("A criminal case id."))
    smugglers = AsGivenCodesField(required=False, help_text=_lazy("Suspect ids of the criminal case."))
    cases = AsGivenCodesField(required=False, help_text=_lazy("Case numbers of SOM victim cases of the country."))
    migrants = BreakdownField(required=False, help_text=_lazy("They must add up to the migrants involved."))


class IncidentUpdateSerializer(IncidentFieldsSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_lazy("The `version` you read; a stale one answers 409 and changes nothing.")
    )


class MmpQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)


class MmpAnswerSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.DictField(), help_text=_lazy("One object per incident."))


# --- Views --------------------------------------------------------------------------------------------------------
_YEAR = OpenApiParameter("year", int, required=True, description="The year of the incidents (their date).")


@extend_schema(tags=["justice"])
@extend_schema_view(list=extend_schema(summary="Smuggling incidents"))
class IncidentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Smuggling of migrants incidents the user may see, newest recorded first, paged by cursor; filters: year,
    date_from, date_to, location_type, country (of the incident), route (a part of it), has_deaths."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = IncidentListSerializer
    filterset_class = IncidentFilterSet
    pagination_class = KeysetPagination
    lookup_value_regex = r"[0-9]+"
    queryset = SmugglingIncident.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> Any:
        return selectors.incident_list(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", SmugglingIncident)
        return super().list(request, *args, **kwargs)

    def _detail(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        incident = selectors.incident_detail(user=self.request.user, incident_id=pk)
        return Response(IncidentDetailSerializer(incident).data, status=code)

    @extend_schema(responses={200: IncidentDetailSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._detail(pk)

    @extend_schema(request=IncidentFieldsSerializer, responses={201: IncidentDetailSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Record an incident for your organization (its reference is given: BR-SI-2026-000001)."""
        require_permission(request.user, "add", SmugglingIncident)
        data = validated(IncidentFieldsSerializer, request.data)
        incident = services.incident_create(actor=request.user, **data)
        return self._detail(incident.pk, status.HTTP_201_CREATED)

    @extend_schema(request=IncidentUpdateSerializer, responses={200: IncidentDetailSerializer, **error_responses(409)})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Change the fields given; `migrants`, `smugglers` and `cases`, when given, replace the whole list."""
        selectors.incident_detail(user=request.user, incident_id=pk, action="change")
        data = validated(IncidentUpdateSerializer, request.data)
        version = data.pop("version")
        services.incident_update(actor=request.user, incident_id=pk, version=version, **data)
        return self._detail(pk)

    @extend_schema(parameters=[_YEAR], responses={200: MmpAnswerSerializer})
    @action(detail=False, methods=["get"], url_path="mmp", url_name="mmp", pagination_class=None)
    def mmp(self, request: AuthenticatedRequest) -> Response:
        """The incidents of a year you may see (with the list's other filters) in the columns of IOM's Missing
        Migrants Project, oldest first, plus the injured and the migrants involved."""
        require_permission(request.user, "view", SmugglingIncident)
        query = request.query_params.copy()
        year = validated(MmpQuerySerializer, {"year": query.pop("year", [None])[0]})["year"]
        filterset = IncidentFilterSet(query, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise ApplicationError("invalid", _("Some fields are not valid."), {"fields": dict(filterset.errors)})
        rows = selectors.incident_mmp_rows(user=request.user, year=year, queryset=filterset.qs)
        return Response({"year": year, "columns": list(selectors.MMP_COLUMNS), "rows": rows})


routes = [ApiRoute("justice/incidents", IncidentViewSet, "justice-incident")]
paths: list[Any] = []
