"""The API's throttles, counted in the shared cache (a database table every worker process sees) per client
address as core.middleware.client_ip reads it: a client cannot pick a fresh count with an X-Forwarded-For header
of its own, and N workers do not allow N times the rate."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from rest_framework import throttling
from rest_framework.settings import api_settings

from tipsom.core.middleware import client_ip


class SharedStoreThrottle(throttling.SimpleRateThrottle):
    @property
    def cache(self) -> BaseCache:  # type: ignore[override]
        return caches[settings.TIPSOM_SHARED_CACHE]

    def get_ident(self, request: Any) -> str:
        return client_ip(request) or "unknown"

    def get_rate(self) -> str | None:
        # Read at each request, so a deployment (or a test) can change it without a restart.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class AnonRateThrottle(SharedStoreThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(SharedStoreThrottle, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(SharedStoreThrottle, throttling.ScopedRateThrottle):
    """Per view (`throttle_scope`) and client address, or user when signed in."""
