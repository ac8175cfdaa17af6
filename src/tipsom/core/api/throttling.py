"""The API's throttles, counted in the database so every worker process sees the same counts, per client address
as core.middleware.client_ip reads it (a client cannot buy a fresh count with an X-Forwarded-For header of its
own), and cheaply: one upsert statement per request and throttle, atomic, in the table tipsom_rate_counter.

The count is a sliding-window estimate (the current window's hits plus the previous window's, weighted by how
much of it the sliding window still covers): no burst of twice the rate across a window's edge, and no list of
timestamps to read and write (decision 0005)."""

from __future__ import annotations

import random
from typing import Any

from django.db import connection
from rest_framework import throttling
from rest_framework.settings import api_settings

from tipsom.core.middleware import client_ip

_HIT = """
INSERT INTO tipsom_rate_counter (key, window_start, hits, previous_hits) VALUES (%s, %s, 1, 0)
ON CONFLICT (key) DO UPDATE SET
    previous_hits = CASE
        WHEN tipsom_rate_counter.window_start = excluded.window_start THEN tipsom_rate_counter.previous_hits
        WHEN tipsom_rate_counter.window_start = excluded.window_start - %s THEN tipsom_rate_counter.hits
        ELSE 0 END,
    hits = CASE
        WHEN tipsom_rate_counter.window_start = excluded.window_start THEN tipsom_rate_counter.hits + 1
        ELSE 1 END,
    window_start = excluded.window_start
RETURNING hits, previous_hits
"""
# Rows of clients not seen for a day are removed now and then (one request in this many).
_SWEEP_ONE_IN = 1000
_SWEEP_AGE_SECONDS = 24 * 60 * 60


def rate_counter_hit(key: str, *, window_start: int, duration: int) -> tuple[int, int]:
    """Counts one hit of `key` in the window starting at `window_start`: (hits in it, hits in the one before)."""
    with connection.cursor() as cursor:
        cursor.execute(_HIT, [key, window_start, duration])
        hits, previous = cursor.fetchone()
        if random.randrange(_SWEEP_ONE_IN) == 0:  # noqa: S311 (not for security: spreads the clean-up)
            cursor.execute(
                "DELETE FROM tipsom_rate_counter WHERE window_start < %s", [window_start - _SWEEP_AGE_SECONDS]
            )
    return int(hits), int(previous)


def rate_counters_clear() -> None:
    """Forget every count (tests start from none; a transactional test's flush leaves this table alone)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tipsom_rate_counter")


class SharedStoreThrottle(throttling.SimpleRateThrottle):
    def get_ident(self, request: Any) -> str:
        return client_ip(request) or "unknown"

    def get_rate(self) -> str | None:
        # Read at each request, so a deployment (or a test) can change it without a restart.
        rate = api_settings.DEFAULT_THROTTLE_RATES[str(self.scope)]
        return None if rate is None else str(rate)

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        num_requests, duration = self.parse_rate(self.rate)
        if num_requests is None or duration is None:
            return True
        self.now = self.timer()
        window_start = int(self.now) // duration * duration
        hits, previous = rate_counter_hit(self.key, window_start=window_start, duration=duration)
        elapsed = (self.now - window_start) / duration
        self.window_end = window_start + duration
        return hits + previous * (1 - elapsed) <= num_requests

    def wait(self) -> float:
        return max(1.0, self.window_end - self.now)


class AnonRateThrottle(SharedStoreThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(SharedStoreThrottle, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, SharedStoreThrottle):
    """Per view (`throttle_scope`) and client address, or user when signed in. DRF's class first: it picks the
    scope and its rate, then counts here."""
