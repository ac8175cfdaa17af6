"""One error shape for the whole API: {"code", "message", "extra"}."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tipsom.core.errors import ApplicationError, TooManyRequests

_CODES = {
    exceptions.ParseError: "malformed_request",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "invalid",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        headers = {"Retry-After": str(exc.wait_seconds)} if isinstance(exc, TooManyRequests) else None
        return Response(exc.as_dict(), status=exc.status_code, headers=headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        # A session request without its CSRF token: about the request, not a record, so it may say so.
        message = gettext("The CSRF check failed: send the X-CSRFToken header, or use an API token.")
        return Response({"code": "csrf_failed", "message": message, "extra": {}}, status=403)
    if isinstance(exc, (Http404, exceptions.NotFound, PermissionDenied, exceptions.PermissionDenied)):
        # Forbidden looks like missing: a record's existence is not revealed.
        return Response({"code": "not_found", "message": gettext("Not found."), "extra": {}}, status=404)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
    extra: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        message = gettext("The request has invalid fields.")
        extra = {"fields": response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}}
    elif isinstance(exc, exceptions.Throttled):
        message = gettext("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": exc.wait or 1}
        extra = {"wait_seconds": exc.wait}
    elif isinstance(exc, exceptions.ParseError):
        message = gettext("The request body could not be parsed: %(detail)s") % {"detail": exc.detail}
    else:
        message = str(exc.detail) if hasattr(exc, "detail") else gettext("The request failed.")
    response.data = {"code": code, "message": message, "extra": extra}
    return response
