"""Home page and health check."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tipsom.core import crypto
from tipsom.core.registry import ordered

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """The widgets the apps bring (`home_widgets` in the registry), each left out when the user may not see it,
    and the screens the user may open."""
    widgets = []
    for widget in ordered("home_widgets"):
        context = widget.context(request.user)
        if context is not None:
            widgets.append({"name": widget.name, "template": widget.template, **context})
    return render(request, "core/home.html", {"widgets": widgets})


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # any failure means unhealthy; the log says which
        logger.exception("health check: database unreachable")
        checks["database"] = "unreachable"
    try:
        crypto.get_keyring()
        checks["keys"] = "ok"
    except Exception:
        logger.exception("health check: keyring not loaded")
        checks["keys"] = "not loaded"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", **checks}, status=200 if healthy else 503)
