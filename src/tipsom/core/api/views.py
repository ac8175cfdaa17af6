"""The API's documentation page (Swagger UI) under our Content-Security-Policy, and the API's shape for 404/400/500."""

from __future__ import annotations

import base64
import hashlib
import re

from csp.decorators import csp_update
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.views import defaults
from drf_spectacular.views import SpectacularSwaggerSplitView

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.middleware import is_api_request

_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)


def inline_style_hashes(template_name: str) -> list[str]:
    """CSP hashes of the template's fixed <style> blocks: they are allowed by content, not by 'unsafe-inline'."""
    # The Django backend's template wraps the engine's, which holds the source (django-stubs types only the wrapper).
    source = loader.get_template(template_name).template.source  # type: ignore[attr-defined]
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()}'"
        for block in _STYLE_BLOCK.findall(source)
    ]


# The split view serves Swagger UI's start-up script as a file of its own (?script), so script-src 'self'
# suffices, where the plain view would inline it and our policy would block it.
api_docs_view = csp_update({"style-src": inline_style_hashes(SpectacularSwaggerSplitView.template_name)})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)


# --- Errors outside any API view (unknown URL, server failure) keep the API's error shape -----------------
def not_found(request: AuthenticatedHttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(NotFound().as_dict(), status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: AuthenticatedHttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        error = ApplicationError("bad_request", gettext("The request could not be understood."))
        return JsonResponse(error.as_dict(), status=400)
    return defaults.bad_request(request, exception)


def server_error(request: AuthenticatedHttpRequest) -> HttpResponse:
    if is_api_request(request):
        message = gettext("Something went wrong on our side. Quote the request id when you report it.")
        error = ApplicationError("server_error", message, {"request_id": getattr(request, "request_id", "")})
        return JsonResponse(error.as_dict(), status=500)
    return defaults.server_error(request)
