"""Request types for views: every view but the sign-in pages runs for a signed-in user (tipsom's
LoginRequiredMiddleware, DRF's IsAuthenticated default), so its request carries the user model, not AnonymousUser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from tipsom.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A web request past the login check, with django-htmx's details."""

    user: User
    htmx: HtmxDetails


class AuthenticatedRequest(Request):
    """An API request past DRF's IsAuthenticated."""

    user: User
