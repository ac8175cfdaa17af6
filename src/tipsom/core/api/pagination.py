"""Keyset (cursor) pagination: constant cost at any depth of a national-scale list. Every paged list of the API
answers {"next", "previous", "results"}: follow the links, never build a cursor."""

from typing import Any

from django.utils.translation import gettext
from rest_framework.exceptions import NotFound as DrfNotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from tipsom.core.errors import ApplicationError
from tipsom.core.paging import PAGE_SIZE


class KeysetPagination(CursorPagination):
    page_size = PAGE_SIZE  # the screens' page size: one number for both doors
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"

    def decode_cursor(self, request: Request) -> Any:
        # DRF answers a garbled cursor with 404; it is a bad request, not a missing record.
        try:
            return super().decode_cursor(request)
        except DrfNotFound as exc:
            message = gettext("The page cursor is not valid: follow the next and previous links.")
            raise ApplicationError("invalid_cursor", message, {"fields": {self.cursor_query_param: [message]}}) from exc

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        # The three keys are always there; next and previous are null at either end.
        return {**super().get_paginated_response_schema(schema), "required": ["next", "previous", "results"]}
