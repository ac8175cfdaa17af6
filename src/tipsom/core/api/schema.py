"""OpenAPI pieces: the token scheme of our authentication class and the documented error answers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse

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


_ERROR_DESCRIPTIONS = {
    400: "Malformed JSON or invalid fields (extra.fields names them).",
    401: "No credentials, or an invalid or expired token.",
    404: "Missing, out of your scope, or not permitted: these answers are the same on purpose.",
    409: "The record changed since you read it (stale `version`).",
    413: "The request body is too large.",
    415: "Send application/json.",
    429: "Too many requests; extra.wait_seconds says when to try again.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Documented error answers, all with the {"code", "message", "extra"} body."""
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=_ERROR_DESCRIPTIONS[status])
        for status in statuses
    }
