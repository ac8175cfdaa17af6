"""Who is acting, from where, under which request id: set by the web middleware or by a command."""

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ActionContext:
    request_id: str
    ip: str | None = None
    channel: str = "web"  # web, api, command, job
    # Facts looked up once per request (request_memo); dropped with the request.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)


_current: ContextVar[ActionContext | None] = ContextVar("tipsom_action_context", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def context_if_any() -> ActionContext | None:
    """The action under way, or None outside one (a log line written at start-up)."""
    return _current.get()


def request_memo() -> dict[Any, Any] | None:
    """A dict that lives as long as the web or API request under way, for facts a request would otherwise look up
    again and again (cases.models.case_team_scope); None outside a request (a command, a shell, a test calling a
    selector), where nothing is remembered. Whoever changes such a fact drops its key (request_forget)."""
    ctx = _current.get()
    return ctx.memo if ctx is not None and ctx.channel in ("web", "api") else None


def request_forget(key: Any) -> None:
    memo = request_memo()
    if memo is not None:
        memo.pop(key, None)


def current_context() -> ActionContext:
    ctx = _current.get()
    if ctx is None:
        # Code that runs outside a request or a command (a shell, a test) still gets a traceable id.
        ctx = ActionContext(request_id=new_request_id(), channel="process")
        _current.set(ctx)
    return ctx


@contextlib.contextmanager
def action_context(*, request_id: str | None = None, ip: str | None = None, channel: str) -> Iterator[ActionContext]:
    ctx = ActionContext(request_id=request_id or new_request_id(), ip=ip, channel=channel)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
