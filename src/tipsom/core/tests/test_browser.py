"""Browser journey: Playwright drives Debian's Chromium through sign-in, the home page and the Arabic (RTL) UI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# CI sets TIPSOM_REQUIRE_BROWSER=1: there a missing chromium fails the run instead of skipping these tests.
BROWSER_REQUIRED = os.environ.get("TIPSOM_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts" / "browser"
PASSWORD = "correct horse battery staple"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not BROWSER_REQUIRED,
        reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Records every Content-Security-Policy violation of the page (an init script runs outside the page's CSP).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("TIPSOM_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)")

    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse database calls
    # here. Only for this module: the variable must not leak to other tests (`check --deploy` rejects it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright)
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch(sync_playwright: Any) -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def shelter_operator() -> Any:
    """A helpline operator (no second factor needed) of a shelter NGO in Brazil."""

    from tipsom.accounts.testing import make_user
    from tipsom.organizations.testing import make_organization

    shelter = make_organization("BR", name="Abrigo Esperança", type="NGO", functions=["shelter"], city="Manaus")
    return make_user(shelter, roles=("national_rapporteur",), username="lucia", full_name="Lúcia Pereira")


def _sign_in(page: Any, base_url: str, password: str) -> None:
    page.goto(f"{base_url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("lucia")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def assert_no_csp_violations(page: Any, expected_status: int | None = None) -> None:
    """No CSP violation, and no other console error than the page's own expected status (a 400 form)."""
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], violations
    csp_messages = [text for text in page.console_errors if "Content Security Policy" in text]
    assert csp_messages == [], csp_messages
    expected = f"the server responded with a status of {expected_status}"
    others = [text for text in page.console_errors if not (expected_status and expected in text)]
    assert others == [], others


def test_wrong_password_shows_the_error(live_server, page, shelter_operator):
    _sign_in(page, live_server.url, "not my password")
    assert "/accounts/login/" in page.url
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "The username or password is not correct." in summary.inner_text()
    # tipsom.js moves the focus to the error summary so that screen readers read it first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_no_csp_violations(page, expected_status=400)


def test_sign_in_switch_to_arabic_and_screenshot(live_server, page, shelter_operator):
    _sign_in(page, live_server.url, PASSWORD)
    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").inner_text() == "Welcome, Lúcia Pereira"
    assert page.locator("main").get_by_text("Abrigo Esperança").first.is_visible()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert_no_csp_violations(page)

    # The language is in the account menu (the header stays on one line at 1366 px).
    page.locator("#account-menu-toggle").click()
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state("load")

    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert page.locator('link[href$="bootstrap.rtl.min.css"]').count() == 1
    # Laid out right to left: the brand sits at the right-hand end of the navigation bar.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > 1280 / 2, brand
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("main").get_by_text("Abrigo Esperança").first.is_visible()
    assert_no_csp_violations(page)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-ar.png"), full_page=True)
    assert (ARTIFACTS / "home-ar.png").stat().st_size > 10_000
