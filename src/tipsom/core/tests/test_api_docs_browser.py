"""The API documentation page works in a real browser under our Content-Security-Policy (no violations)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
ORIGIN = "http://localhost"  # a potentially trustworthy origin, so the browser applies every header

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("TIPSOM_REQUIRE_BROWSER") != "1",
        reason="Debian's chromium is not installed (CI installs it and sets TIPSOM_REQUIRE_BROWSER=1)",
    ),
]


def _answer_from_django(route: Any) -> None:
    """Serve the browser's request with Django's test client: the real middleware (CSP included), no server
    thread and no database (the docs page, its script, the schema and the static files need none; the throttles,
    which count in the database, are off for this test)."""
    request = route.request
    response = Client(HTTP_HOST="localhost").generic(request.method, request.url.removeprefix(ORIGIN))
    body = b"".join(response.streaming_content) if isinstance(response, StreamingHttpResponse) else response.content
    route.fulfill(status=response.status_code, headers=dict(response.items()), body=body)


def test_swagger_ui_renders_every_operation_without_csp_violations(monkeypatch: pytest.MonkeyPatch) -> None:
    from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
    from playwright.sync_api import sync_playwright

    for view in (SpectacularAPIView, SpectacularSwaggerSplitView):
        monkeypatch.setattr(view, "throttle_classes", [])

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.route(f"{ORIGIN}/**", _answer_from_django)
            problems: list[str] = []
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            response = page.goto(f"{ORIGIN}/api/docs/")
            assert response is not None and response.status == 200
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_selector(".opblock", timeout=20_000)
            # Swagger UI renders only the operations in view (a virtual list): read them while scrolling down.
            seen: set[str] = set()
            for _step in range(400):
                seen |= set(page.locator(".opblock-summary-path").all_inner_texts())
                if "/api/v1/users/" in seen:
                    break
                page.mouse.wheel(0, 600)  # less than the list keeps rendered, so no operation is skipped
                page.wait_for_timeout(50)
            paths = " ".join(sorted(seen))
            assert "/api/v1/organizations/" in paths and "/api/v1/auth/token/" in paths
            assert "/api/v1/justice/cases/" in paths and "/api/v1/users/" in paths
            assert "/api/v1/persons/match/" in paths
            assert page.locator("button.authorize").count() == 1  # the token scheme is declared
            assert not problems, problems
        finally:
            browser.close()
