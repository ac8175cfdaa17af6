"""Keyset (cursor) pagination: constant cost at any depth of a national-scale list."""

from typing import Any

from django.utils.translation import gettext
from rest_framework.exceptions import NotFound as DrfNotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from tipsom.core.errors import ApplicationError


class KeysetPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"

    def decode_cursor(self, request: Request) -> Any:
        # DRF answers a garbled cursor with 404; it is a bad request, not a missing record.
        try:
            return super().decode_cursor(request)
        except DrfNotFound as exc:
            raise ApplicationError(
                "invalid_cursor", gettext("The page cursor is not valid: follow the next and previous links.")
            ) from exc
