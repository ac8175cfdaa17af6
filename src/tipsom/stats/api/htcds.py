"""POST /api/v1/stats/htcds/: the HTCDS export of the cases you may export, as the encrypted zip archive
(application/zip) the screen /stats/export/htcds/ downloads. The password protects the archive: it is never
stored, logged or sent back. Thin: stats.htcds checks, exports and audits; a refusal answers
{"code", "message", "extra"} and nothing is exported."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from tipsom.cases.models import Case
from tipsom.core.api.serializers import StrictInputSerializer, validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission
from tipsom.stats.htcds import MAX_PASSWORD, YEAR_MAX, YEAR_MIN, htcds_export, htcds_filters


class HtcdsExportFiltersSerializer(serializers.Serializer):
    year_from = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        help_text=gettext_lazy("Cases identified in this year or later."),
    )
    year_to = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        help_text=gettext_lazy("Cases identified in this year or earlier."),
    )
    status = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text=gettext_lazy("HTCDS cas_Status code.")
    )
    trafficking_status = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text=gettext_lazy("HTCDS vic_TraffickingStatus code.")
    )


class HtcdsExportInputSerializer(StrictInputSerializer):
    password = serializers.CharField(
        max_length=MAX_PASSWORD,
        trim_whitespace=False,
        write_only=True,
        help_text=gettext_lazy("Protects the archive (AES-256); at least 12 characters; never stored."),
    )
    include_identities = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "Names, birth dates, identity documents and contact details: only with the right to export "
            "your organization's persons' identities (refused otherwise)."
        ),
    )
    filters = HtcdsExportFiltersSerializer(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        given = self.initial_data.get("filters") if isinstance(self.initial_data, dict) else None
        if isinstance(given, dict):
            unknown = sorted(set(given) - set(HtcdsExportFiltersSerializer().fields))
            if unknown:
                raise serializers.ValidationError(
                    {f"filters.{name}": [_("This field is not accepted here.")] for name in unknown}
                )
        return attrs


class HtcdsExportView(APIView):
    """The cases you may export in HTCDS 2.0 (JSON, CSV and README in an AES-256 zip); every export is audited
    with the number of cases and fields."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(
        tags=["stats"],
        request=HtcdsExportInputSerializer,
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The encrypted archive: htcds.json, htcds.csv, README.txt."
            )
        },
    )
    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        require_permission(request.user, "export", Case)  # NotFound for anyone else
        data = validated(HtcdsExportInputSerializer, request.data)
        filters = htcds_filters(**data.get("filters", {}))
        archive = htcds_export(
            actor=request.user,
            password=data["password"],
            include_identities=data["include_identities"],
            filters=filters,
        )
        response = HttpResponse(archive.content, content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(True, archive.filename) or ""
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


routes: list[Any] = []
paths = [path("stats/htcds/", HtcdsExportView.as_view(), name="stats-htcds")]
