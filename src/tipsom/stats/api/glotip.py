"""GET /api/v1/stats/glotip/?year=Y: the year's GLOTIP figures in the data portal's long format, as JSON rows
with the portal's columns (VALUE a count or "<5"; a withheld complement has no row), the same rows as the CSV
file. Answering is a release of statistics: it is audited like a download."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.api.serializers import StrictInputSerializer, validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission
from tipsom.stats.exports import Release, audit_release, user_scope
from tipsom.stats.glotip import COLUMNS, FIRST_YEAR, LAST_YEAR, glotip, long_rows
from tipsom.stats.models import VictimFact


class GlotipQuerySerializer(StrictInputSerializer):
    year = serializers.IntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, help_text=gettext_lazy("The year of the figures.")
    )


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^<5$"}]})
class GlotipValueField(serializers.Field):
    """A count, or "<5" for a count from 1 to 4."""

    def to_representation(self, value: Any) -> Any:
        return value


class GlotipRowSerializer(serializers.Serializer):
    Iso3_code = serializers.CharField()
    Country = serializers.CharField()
    Region = serializers.CharField()
    Subregion = serializers.CharField()
    Indicator = serializers.CharField()
    Dimension = serializers.CharField()
    Category = serializers.CharField()
    Sex = serializers.CharField()
    Age = serializers.CharField()
    Year = serializers.IntegerField()
    VALUE = GlotipValueField(help_text=gettext_lazy('A count, or "<5" for a count from 1 to 4.'))
    Source = serializers.CharField()

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["Unit of measurement"] = serializers.CharField()  # not a Python name
        return {name: fields[name] for name in COLUMNS}


class GlotipSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = GlotipRowSerializer(many=True)


class GlotipView(APIView):
    """The year's GLOTIP long format of the user's country, protected as the CSV file is."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(tags=["stats"], parameters=[GlotipQuerySerializer], responses={200: GlotipSerializer})
    def get(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "export", VictimFact)  # NotFound for anyone else
        year = validated(GlotipQuerySerializer, request.query_params.dict())["year"]
        scope = user_scope(request.user)
        rows = long_rows(glotip(scope, year=year))
        release = Release(
            kind="glotip",
            country=scope.country,
            records=len(rows),
            fields=len(COLUMNS),
            parameters={"year": year, "format": "json"},
        )
        audit_release(scope, release)
        return Response(GlotipSerializer({"year": year, "columns": list(COLUMNS), "rows": rows}).data)


routes: list[Any] = []
paths = [path("stats/glotip/", GlotipView.as_view(), name="stats-glotip")]
