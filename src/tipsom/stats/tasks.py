"""The background refresh of the statistical facts (django-tasks, run by `tipsom db_worker`, which `tipsom serve`
starts): enqueued once by each transaction that wrote audit events, when it commits."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django_tasks import task

from tipsom.core.context import action_context

_PENDING = "tipsom_stats_refresh_pending"


@task()
def refresh_facts() -> dict[str, Any]:
    from tipsom.stats.facts import engine

    with action_context(channel="task"):
        results = engine.refresh()
    return {result.kind: {"events": result.events, "rows": result.rows} for result in results}


def refresh_after_commit(**kwargs: Any) -> None:
    """post_save of an audit event: once per transaction, a refresh is enqueued for when it commits."""
    if not kwargs.get("created") or getattr(connection, _PENDING, False):
        return
    if not connection.in_atomic_block:
        return  # a change outside any transaction: the next read of the statistics refreshes
    setattr(connection, _PENDING, True)

    def enqueue() -> None:
        setattr(connection, _PENDING, False)
        refresh_facts.enqueue()

    transaction.on_commit(enqueue)
