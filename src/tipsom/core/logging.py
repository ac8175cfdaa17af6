"""Structured logs carry the request id of the action that wrote them."""

import logging

from tipsom.core.context import context_if_any


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        ctx = context_if_any()
        record.request_id = ctx.request_id if ctx else None
        return True
