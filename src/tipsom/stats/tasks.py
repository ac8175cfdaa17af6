"""The background refresh of the statistical facts (django-tasks, run by `tipsom db_worker`, which `tipsom serve`
starts): enqueued once by each transaction that wrote audit events, when it commits."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django_tasks import task

from tipsom.core.context import action_context


@task()
def refresh_facts() -> dict[str, Any]:
    from tipsom.stats.facts import engine

    with action_context(channel="task"):
        results = engine.refresh()
    return {result.kind: {"events": result.events, "rows": result.rows} for result in results}


def refresh_after_commit(**kwargs: Any) -> None:
    """post_save of an audit event: once per transaction, a refresh is enqueued for when it commits (a transaction
    rolled back drops it with its other on-commit callbacks)."""
    if not kwargs.get("created") or not connection.in_atomic_block:
        return  # a change outside any transaction: the next read of the statistics refreshes
    if any(entry[1] is _enqueue_refresh for entry in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_refresh)


def _enqueue_refresh() -> None:
    refresh_facts.enqueue()
