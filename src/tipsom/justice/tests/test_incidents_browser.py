"""A smuggling incident in a real browser: an investigator records deaths at sea with the migrants in groups, first
with dead plus survivors more than the migrants involved (the summary names it, nothing saved), then right; the
incident shows in the list with its totals. No CSP violation, no console error."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.cases.tests.test_browser_journey import browser_sign_in
from tipsom.core.tests.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    assert_no_csp_violations,
    browser,
    page,
    pytestmark,
)
from tipsom.justice.models import SmugglingIncident

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)


@pytest.fixture
def investigator() -> Any:
    from tipsom.accounts.testing import make_user
    from tipsom.organizations.testing import make_organization

    police = make_organization("BR", name="Polícia Federal", type="Police", functions=["police"])
    user = make_user(police, roles=("investigator",), username="ines")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def test_record_an_incident_with_deaths_at_sea(live_server: Any, page: Any, investigator: Any) -> None:  # noqa: F811
    browser_sign_in(page, live_server.url, investigator)
    page.get_by_role("link", name="Smuggling incidents").first.click()
    page.get_by_role("link", name="Record an incident").click()
    page.locator("#id_occurred_on").fill("2026-06-14")
    page.locator("#id_location_type").select_option("sea")
    page.locator("#id_place").fill("Off the coast")
    page.locator("#id_route").fill("Agadez–Sebha–Tripoli")
    page.locator("#id_migrants_total").fill("40")
    page.locator("#id_dead").fill("12")
    page.locator("#id_missing").fill("3")
    page.locator("#id_survivors").fill("30")
    page.locator("#id_injured").fill("4")
    page.locator("#id_migrants-0-sex").select_option("male")
    page.locator("#id_migrants-0-age_group").select_option("adult")
    page.locator("#id_migrants-0-count").fill("30")
    page.locator("#id_migrants-1-sex").select_option("female")
    page.locator("#id_migrants-1-age_group").select_option("child")
    page.locator("#id_migrants-1-count").fill("10")
    page.get_by_role("button", name="Record").click()
    summary = page.locator(".error-summary")
    assert "Dead plus survivors (42) are more than the migrants involved (40)." in summary.inner_text()
    assert not SmugglingIncident.objects.exists()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "incident-form-refused.png"), full_page=True)
    assert_no_csp_violations(page, expected_status=400)
    page.console_errors.clear()  # the refused form's 400 is expected; nothing else may go wrong from here
    page.locator("#id_survivors").fill("25")
    page.get_by_role("button", name="Record").click()
    page.wait_for_load_state("load")
    assert "Smuggling incident BR-SI-2026-000001" in page.locator("h1").inner_text()
    assert SmugglingIncident.objects.get().transport_mode == "unknown"  # not the first option, unless chosen
    page.screenshot(path=str(ARTIFACTS / "incident-detail.png"), full_page=True)
    page.get_by_role("link", name="Smuggling incidents").first.click()
    assert page.locator('[data-total="dead"]').inner_text() == "12"
    assert page.locator('[data-total="injured"]').inner_text() == "4"
    page.screenshot(path=str(ARTIFACTS / "incident-list.png"), full_page=True)
    assert_no_csp_violations(page)
