"""Home page and health check."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tipsom.core import crypto

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    from tipsom.organizations.geography import country_name

    user = request.user
    organization = user.organization
    return render(
        request,
        "core/home.html",
        {
            "organization": organization,
            "country": country_name(organization.country) if organization else "",
            "roles": list(user.roles.all()),
        },
    )


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
