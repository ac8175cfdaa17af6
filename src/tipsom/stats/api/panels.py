"""The dashboard's panels on /api/v1/stats/panels/: the list of panels, and one panel for the filters of the query
as its published table (the same numbers as the screen and its downloads: stats.tables); a withheld cell has the
value null, its display ("<5" or "..") and its status ("primary" or "secondary")."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.http import AuthenticatedRequest
from tipsom.stats.selectors.dashboard import (
    MIN_YEAR,
    PANELS,
    dashboard_scope,
    panel_table,
    parse_filters,
)


class StatsPanelQuerySerializer(serializers.Serializer):
    """The filters (for the schema; stats.selectors.dashboard checks them)."""

    year_from = serializers.IntegerField(
        required=False, min_value=MIN_YEAR, help_text=gettext_lazy("Default: four years before year_to.")
    )
    year_to = serializers.IntegerField(
        required=False,
        min_value=MIN_YEAR,
        help_text=gettext_lazy("Default: this year. At most 30 years from year_from."),
    )
    region = serializers.CharField(required=False, help_text=gettext_lazy("ISO 3166-2 region of your country."))
    organization_type = serializers.CharField(required=False, help_text=gettext_lazy("HTCDS org_Type."))
    case_type = serializers.ChoiceField(
        choices=["tip", "som", "both"],
        required=False,
        help_text=gettext_lazy("tip and som include the cases that are both; both: only those."),
    )
    child = serializers.ChoiceField(choices=["yes", "no"], required=False)


class StatsPanelSummarySerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()


class StatsPanelCellSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("null: withheld."))
    display = serializers.CharField(help_text=gettext_lazy("As shown: the number, “<5” or “..”."))
    status = serializers.CharField(
        allow_blank=True, help_text=gettext_lazy("Empty: published; primary: a small count; secondary: a complement.")
    )


class StatsPanelColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label


class StatsPanelRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    cells = StatsPanelCellSerializer(many=True)


class StatsPanelSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    chart = serializers.CharField(help_text=gettext_lazy("bar, stacked, line, sankey, funnel or doughnut."))
    row_header = serializers.CharField()
    columns = StatsPanelColumnSerializer(many=True)
    rows = StatsPanelRowSerializer(many=True)
    totals = StatsPanelRowSerializer(allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())


class StatsPanelListView(APIView):
    """The panels of the statistics dashboard."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(tags=["stats"], responses={200: StatsPanelSummarySerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        dashboard_scope(request.user)  # NotFound for anyone who may not see the national statistics
        panels = [{"key": panel.key, "title": str(panel.title)} for panel in PANELS.values()]
        return Response(StatsPanelSummarySerializer(panels, many=True).data)


class StatsPanelView(APIView):
    """One panel for the filters of the query, as it may be published."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(tags=["stats"], parameters=[StatsPanelQuerySerializer], responses={200: StatsPanelSerializer})
    def get(self, request: AuthenticatedRequest, key: str) -> Response:
        scope = dashboard_scope(request.user)
        filters = parse_filters(scope, request.query_params)
        table = panel_table(scope, filters, key)
        return Response(StatsPanelSerializer(table.as_json()).data)


paths = [
    path("stats/panels/", StatsPanelListView.as_view(), name="stats-panels"),
    path("stats/panels/<str:key>/", StatsPanelView.as_view(), name="stats-panel"),
]
