"""OpenAPI pieces: the token scheme of our authentication class, the default AutoSchema that documents the error
answers every endpoint can give, and `error_responses` for the answers only some endpoints give (409, 403)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication

from tipsom.core.api.serializers import ErrorSerializer


class TipsomTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <token>`, the token from POST /api/v1/auth/token/."""

    target_class = "tipsom.core.api.authentication.TokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Send "Token <token>"; obtain one from POST /api/v1/auth/token/.',
        }


ERROR_DESCRIPTIONS = {
    400: "Malformed JSON, an invalid query parameter or invalid fields: extra.fields maps each field "
    '(a dotted path inside nested objects, such as "person.names.0.name") to its messages.',
    401: "No credentials, or an invalid or expired token.",
    403: "A signed-in browser session without its CSRF token (code csrf_failed): send X-CSRFToken, or use a token.",
    404: "Missing, out of your scope, or not permitted: these answers are the same on purpose.",
    409: "The record changed since you read it (stale `version`).",
    413: "The request body is too large.",
    415: "Send application/json.",
    429: "Too many requests; extra.wait_seconds and the Retry-After header say when to try again.",
}
_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Documented error answers, all with the {"code", "message", "extra"} body. Those every endpoint can give
    (400, 401, 403, 404, 413, 415, 429) are added by TipsomAutoSchema: name here only the others (409) or a
    description of your own."""
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[status]) for status in statuses
    }


def may_be_blank(field: serializers.Field) -> bool:
    """A read-only text field of a model column that may be blank: it answers "" when the column is empty (empty
    text is "" throughout the API, never null), which its enum or format must allow."""
    if not field.read_only or getattr(field, "allow_blank", False):
        return False
    if not isinstance(field, (serializers.CharField, serializers.ChoiceField)):
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        column = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return bool(column.blank) and isinstance(column, (models.CharField, models.TextField))


class TipsomAutoSchema(AutoSchema):
    """The default schema class (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]): every operation documents the error
    answers the framework and our exception handler give to any request of its kind, so a view declares only
    what is particular to it; a read-only field of a column that may be blank allows "" in its enum or format.
    DRF drops `allow_blank` from read-only fields, which drf-spectacular reads for that."""

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(schema, dict) or direction != "response" or not may_be_blank(field):
            return schema
        if "enum" in schema and "" not in schema["enum"]:
            schema["enum"] = [*schema["enum"], ""]
        elif schema.get("type") == "string" and ("format" in schema or "pattern" in schema):
            inner = {key: schema.pop(key) for key in ("type", "format", "pattern") if key in schema}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]
        return schema

    def common_error_statuses(self, operation: dict[str, Any]) -> list[int]:
        security = operation.get("security") or []
        authenticated = bool(security) and {} not in security
        parameters = [p for p in operation.get("parameters", []) if p.get("in") in ("query", "header")]
        has_body = "requestBody" in operation
        statuses = []
        if has_body or parameters or self.method in _UNSAFE_METHODS:
            # A write's service refuses what its rules do not allow with a 400 (ApplicationError), body or not.
            statuses.append(400)
        if authenticated:
            # Refusals are 404 (never 403), so any endpoint that needs a permission can answer 404.
            statuses += [401, 404]
            sessions = any(isinstance(auth, SessionAuthentication) for auth in self.view.get_authenticators())
            if sessions and self.method in _UNSAFE_METHODS:
                statuses.append(403)
        if has_body:
            statuses += [413, 415]
        if self.view.get_throttles():
            statuses.append(429)
        return statuses

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error = {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}
        responses = operation["responses"]
        for status in self.common_error_statuses(operation):
            answer: dict[str, Any] = {"content": error, "description": ERROR_DESCRIPTIONS[status]}
            if status == 429:
                answer["headers"] = _RETRY_AFTER
            responses.setdefault(str(status), answer)
        return operation
