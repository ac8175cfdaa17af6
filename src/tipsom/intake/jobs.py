"""The import engine: an import job from its file to its last row (store the file encrypted, start, run, resume,
the failed rows' file). The row handler protocol and its registry live in tipsom.intake.handlers and are
re-exported here: a kind of import plugs in with `register_handler(kind, HandlerClass)`."""

from __future__ import annotations

from tipsom.intake.handlers import (
    HANDLERS,
    RowError,
    RowHandler,
    RowHandlerBase,
    handler_for,
    open_value,
    register_handler,
    seal_value,
)

__all__ = [
    "HANDLERS",
    "RowError",
    "RowHandler",
    "RowHandlerBase",
    "handler_for",
    "open_value",
    "register_handler",
    "seal_value",
]
