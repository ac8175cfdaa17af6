"""Justice API: reports. GET /api/v1/justice/cases/<pk>/brief/ answers the anonymised brief of a concluded case as
JSON (an export, audited by services.brief)."""

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.http import AuthenticatedRequest
from tipsom.core.registry import ApiRoute
from tipsom.justice.services.brief import brief_export


class CaseBriefView(APIView):
    """The anonymised brief of a concluded criminal case (SHERLOC case summary shape): no name, the defendants
    numbered, the victims counted by sex and age group. 404 out of scope; 400 `brief_not_concluded` or
    `brief_names`."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(tags=["justice"], responses={200: OpenApiTypes.OBJECT}, operation_id="justice_case_brief")
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(brief_export(actor=request.user, criminal_case=pk, export_format="json"))


routes: list[ApiRoute] = []
paths: list[Any] = [path("justice/cases/<int:pk>/brief/", CaseBriefView.as_view(), name="justice-case-brief")]
