"""One error shape for the whole API: {"code", "message", "extra"}; invalid fields always as
extra["fields"] = {"<field or dotted.path>": ["message", ...]}, whether a serializer or a service found them."""

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


NON_FIELD_ERRORS = "non_field_errors"


def field_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Field errors in the API's one shape, {name: [messages]}: a serializer's nested errors ({"person": {"names":
    [{"name": [...]}]}}) become dotted paths ("person.names.0.name"), a service's single message a list of one."""
    flat: dict[str, list[str]] = {}

    def add(name: str, messages: list[str]) -> None:
        flat.setdefault(name or NON_FIELD_ERRORS, []).extend(messages)

    if isinstance(errors, dict):
        for name, value in errors.items():
            for path, messages in field_errors(value, f"{prefix}.{name}" if prefix else str(name)).items():
                add(path, messages)
    elif isinstance(errors, (list, tuple)):
        if all(not isinstance(item, (dict, list, tuple)) for item in errors):
            if errors:
                add(prefix, [str(item) for item in errors])
        else:
            for index, item in enumerate(errors):
                if item:  # a valid item of a list of objects has no errors ({})
                    for path, messages in field_errors(item, f"{prefix}.{index}" if prefix else str(index)).items():
                        add(path, messages)
    elif errors is not None:
        add(prefix, [str(errors)])
    return flat


def application_error_body(exc: ApplicationError) -> dict[str, Any]:
    """An ApplicationError as the API answers it: a field it names (extra["field"], or extra["fields"] with one
    message each) in the shape of field_errors."""
    extra = dict(exc.extra)
    named = extra.pop("field", None)
    fields = field_errors(extra.pop("fields", None) or {})
    if named:
        fields.setdefault(str(named), [exc.message])
    if fields:
        extra["fields"] = fields
    return {"code": exc.code, "message": exc.message, "extra": extra}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        headers = {"Retry-After": str(exc.wait_seconds)} if isinstance(exc, TooManyRequests) else None
        return Response(application_error_body(exc), status=exc.status_code, headers=headers)
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
        extra = {"fields": field_errors(response.data)}
    elif isinstance(exc, exceptions.Throttled):
        wait = exc.wait  # type: ignore[attr-defined]  # set by Throttled.__init__, missing from the DRF stubs
        message = gettext("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": wait or 1}
        extra = {"wait_seconds": wait}
    elif isinstance(exc, exceptions.ParseError):
        message = gettext("The request body could not be parsed: %(detail)s") % {"detail": exc.detail}
    else:
        message = str(exc.detail) if hasattr(exc, "detail") else gettext("The request failed.")
    response.data = {"code": code, "message": message, "extra": extra}
    return response
