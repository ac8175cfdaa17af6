"""The programme API: the donor report (/api/v1/programme/report/?country=&from=&to=&pillar=&format=json|xlsx|pdf:
the report's tables as JSON, or its file) and the IATI activity file (/api/v1/programme/iati/?country=&from=&to=,
XML). Each answer is an export: audited like a download from the screen."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.api.serializers import StrictInputSerializer, validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission
from tipsom.programme.models import Activity
from tipsom.programme.reports.data import ReportParameters, report_countries, report_parameters
from tipsom.programme.reports.exports import donor_report_export, iati_export


class ReportQuerySerializer(StrictInputSerializer):
    country = serializers.CharField(
        required=False, help_text=gettext_lazy("ISO alpha-2; default: your organization's country.")
    )
    pillar = serializers.IntegerField(required=False, min_value=1, max_value=6)
    format = serializers.ChoiceField(choices=["json", "xlsx", "pdf"], required=False, default="json")

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField(help_text=gettext_lazy("The first day of the period."))
        fields["to"] = serializers.DateField(help_text=gettext_lazy("The last day of the period."))
        return fields


class IatiQuerySerializer(ReportQuerySerializer):
    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        del fields["pillar"], fields["format"]
        return fields


class ReportSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))
    total = serializers.ListField(child=serializers.JSONField(), allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())


class ReportSerializer(serializers.Serializer):
    country = serializers.CharField()
    country_name = serializers.CharField()
    pillar = serializers.IntegerField(allow_null=True)
    generated_at = serializers.DateTimeField()
    sections = ReportSectionSerializer(many=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class FormatParameterNegotiation(DefaultContentNegotiation):
    """`format` names the report's file here, not one of DRF's renderers: always answer with the first renderer."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        renderer = renderers[0]
        return renderer, renderer.media_type


def _parameters(request: AuthenticatedRequest, serializer: type[serializers.Serializer]) -> tuple[Any, dict[str, Any]]:
    require_permission(request.user, "export", Activity)  # NotFound for anyone else
    query = validated(serializer, request.query_params.dict())
    countries = report_countries(request.user)
    country = query.get("country") or (countries[0] if len(countries) == 1 else "")
    parameters: ReportParameters = report_parameters(
        country=country, start=query["from"], end=query["to"], pillar=query.get("pillar"), countries=countries
    )
    return parameters, query


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class DonorReportView(APIView):
    """The donor report of a country (and a pillar) for a period: JSON tables, or the XLSX or PDF file."""

    request: AuthenticatedRequest  # past IsAuthenticated
    content_negotiation_class = FormatParameterNegotiation

    @extend_schema(
        tags=["programme"],
        parameters=[ReportQuerySerializer],
        responses={
            200: ReportSerializer,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY
            ),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    def get(self, request: AuthenticatedRequest) -> Any:
        parameters, query = _parameters(request, ReportQuerySerializer)
        format = query.get("format") or "json"
        made = donor_report_export(actor=request.user, reader=request.user, parameters=parameters, format=format)
        if format == "json":
            import json

            return Response(json.loads(made.content))
        return _file(made.content, made.content_type, made.name)


class IatiView(APIView):
    """The programme's IATI 2.03 activity file for a country and a period (XML)."""

    request: AuthenticatedRequest  # past IsAuthenticated
    content_negotiation_class = FormatParameterNegotiation

    @extend_schema(
        tags=["programme"],
        parameters=[IatiQuerySerializer],
        responses={(200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        parameters, _query = _parameters(request, IatiQuerySerializer)
        made, _iati = iati_export(
            actor=request.user,
            reader=request.user,
            countries=[parameters.country],
            start=parameters.start,
            end=parameters.end,
        )
        return _file(made.content, made.content_type, made.name)


routes: list[Any] = []
paths = [
    path("programme/report/", DonorReportView.as_view(), name="programme-report"),
    path("programme/iati/", IatiView.as_view(), name="programme-iati"),
]
