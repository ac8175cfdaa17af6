"""Structured logs carry the request id of the action that wrote them."""

import logging

from tipsom.core.context import _current


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        ctx = _current.get()
        record.request_id = ctx.request_id if ctx else None
        return True
