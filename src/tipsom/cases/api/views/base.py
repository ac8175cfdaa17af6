"""What every part of the case API shares: the case of the URL fetched within the user's scope, the audited
reveal of identifying text, paged lists of a case's parts, write answers carrying the case's new version, and the
schema pieces that describe them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tipsom.cases import selectors, services
from tipsom.cases.api import serializers
from tipsom.cases.models import Case
from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.errors import NotFound
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import access_by_id

# The API shows a case's identifying free text only with an audited reason (services.case_text_reveal).
REVEAL_HEADER = "X-Reveal-Reason"
REVEAL_PARAMETER = OpenApiParameter(
    REVEAL_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Why you need the identifying text (at least 5 characters). Given, and allowed to reveal the "
    "case, the text is shown unmasked and the reveal is audited with this reason; not allowed: 404.",
)
WRITE_ERRORS = error_responses(409)


def path_id(name: str) -> OpenApiParameter:
    return OpenApiParameter(name, int, OpenApiParameter.PATH)


def read_schema(serializer: Any) -> dict[str, Any]:
    """extend_schema() of a GET listing a case's part."""
    return {"parameters": [REVEAL_PARAMETER], "responses": {200: serializer(many=True)}}


def write_schema(request_serializer: Any, response_serializer: Any, code: int = 201, **extra: Any) -> dict[str, Any]:
    """extend_schema() of a write to a case: the payload, the answer, and 409 for a stale version."""
    return {"request": request_serializer, "responses": {code: response_serializer, **WRITE_ERRORS}, **extra}


def part_list(name: str, **kwargs: Any) -> Any:
    """A GET of a case's part as a list: newest recorded first, paged by cursor like every list of the API
    (a case may have thousands of journal entries), and none of the case list's filters."""
    paging: dict[str, Any] = {"pagination_class": KeysetPagination, "filter_backends": []}
    return action(detail=True, methods=["get"], url_path=name, url_name=name, **paging, **kwargs)


class CaseApiView(viewsets.GenericViewSet):
    """The helpers of the case viewset's parts (see views/__init__.py)."""

    request: AuthenticatedRequest  # past IsAuthenticated

    def _case(self, pk: Any, action_name: str = "view") -> Case:
        return access_by_id(Case, self.request.user, pk, action_name)

    def _reveal(self, pk: Any, part: str) -> bool:
        """Whether this answer may show the part's identifying text; a reveal is checked and audited."""
        reason = self.request.headers.get(REVEAL_HEADER)
        if reason is None:
            return False
        services.case_text_reveal(actor=self.request.user, case_id=pk, part=part, reason=reason)
        return True

    def _rows(self, pk: Any, part: str, rows: Callable[[Case], Any], serializer: Any) -> Response:
        case = self._case(pk)
        reveal = self._reveal(pk, part)
        page = self.paginate_queryset(rows(case))
        assert page is not None  # the view has a paginator
        return self.get_paginated_response(serializer(page, many=True, context={"reveal": reveal}).data)

    def _answer(self, pk: Any, record: Any, serializer: Any, code: int = status.HTTP_201_CREATED) -> Response:
        version = self._case(pk).version
        return Response(serializer(record, context={"reveal": False, "case_version": version}).data, status=code)

    def _require_part(self, case: Case, related: str, part_id: Any) -> None:
        """The sub-record must belong to the case of the URL; anything else is missing."""
        try:
            if getattr(case, related).filter(pk=int(part_id)).exists():
                return
        except (TypeError, ValueError):
            pass
        raise NotFound()

    def _detail(self, case_id: Any, code: int = status.HTTP_200_OK) -> Response:
        case = selectors.access_case_for_api(self.request.user, case_id)
        return Response(serializers.CaseDetailSerializer(case, context={"reveal": False}).data, status=code)
