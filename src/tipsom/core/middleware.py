"""Request id and audit context, response headers, request size limit, login by default, ApplicationError
rendering."""

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from tipsom.core.context import action_context
from tipsom.core.errors import ApplicationError, TooManyRequests
from tipsom.core.registry import registry

logger = logging.getLogger("tipsom.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Paths that carry their own authentication (the API answers 401, never a login redirect) or none.
PUBLIC_PREFIXES = ("/api/", "/healthz", "/static/", "/i18n/")


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind the proxy (TIPSOM_BEHIND_PROXY) the address that proxy
    appended to X-Forwarded-For, the last one: those before it are whatever the client chose to send."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    """Gives every request an id (or keeps a well-formed incoming X-Request-ID) that logs and audit carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        channel = "api" if is_api_request(request) else "web"
        started = time.monotonic()
        with action_context(
            request_id=incoming if _REQUEST_ID.match(incoming) else None, ip=client_ip(request), channel=channel
        ) as ctx:
            request.request_id = ctx.request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-ID"] = ctx.request_id
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
        return response


# No page of tipsom uses these browser features: a script that got in could not turn them on either.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), usb=(), xr-spatial-tracking=()"
)


class ResponseHeadersMiddleware:
    """A restrictive Permissions-Policy on every response, and no-store on every answer to a signed-in user:
    pages and API answers may carry identifying data that no browser or proxy cache may keep. Placed outside
    WhiteNoise, so static files get the policy but stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # request.user is set by the authentication middleware (and replaced by DRF's token authentication);
        # static files are answered before either runs.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def error_response(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    if is_api_request(request):
        response: HttpResponse = JsonResponse(error.as_dict(), status=error.status_code)
    else:
        response = render(request, "error.html", {"error": error}, status=error.status_code)
    if isinstance(error, TooManyRequests):
        response["Retry-After"] = str(error.wait_seconds)
    return response


class RequestSizeLimitMiddleware:
    """Refuses a declared body larger than TIPSOM_MAX_REQUEST_BYTES before anything reads it (or than the limit a
    page that takes large files registered for its path in `request_size_limits`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        larger = registry["request_size_limits"].get(request.path_info)
        limit = int(larger()) if larger is not None else settings.TIPSOM_MAX_REQUEST_BYTES
        if length < 0 or length > limit:
            error = ApplicationError(
                "request_too_large" if length > 0 else "bad_request",
                gettext("The request is larger than the %(limit)d bytes allowed.") % {"limit": limit}
                if length > 0
                else gettext("The request's Content-Length is not a number."),
                {"limit": limit},
                status=413 if length > 0 else 400,
            )
            return error_response(request, error)
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a login unless marked otherwise; the API authenticates itself and answers 401."""

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        if request.path.startswith(PUBLIC_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ApplicationErrorMiddleware:
    """Renders an ApplicationError raised by a view (or a service it called) as a page with its message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError):
            return error_response(request, exception)
        return None
