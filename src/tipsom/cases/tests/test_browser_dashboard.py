"""Done-when 1 of issue 11 in a real browser: a case manager signs in and sees their tasks due, referrals waiting
and recent cases on the home page, in English and in Arabic (right to left), and on a phone (390 px wide); the
counts lead to the filtered Tasks page. Screenshots under test-artifacts/browser/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.cases.tests.test_browser_journey import browser_sign_in
from tipsom.core.tests.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    PASSWORD,
    assert_no_csp_violations,
    browser,
    page,
    pytestmark,
)

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)


@pytest.fixture
def shelter_work() -> dict[str, Any]:
    """A shelter's case manager with two cases, tasks overdue, due today and upcoming, and a referral from another
    NGO waiting for the shelter's answer."""
    from tipsom.accounts.testing import make_user
    from tipsom.cases import services
    from tipsom.cases.testing import make_case
    from tipsom.organizations.testing import make_organization
    from tipsom.referrals.testing import make_referral

    shelter = make_organization("BR", name="Casa Abrigo Esperança", type="NGO", functions=["shelter"])
    ngo = make_organization("BR", name="Rede Livre", type="NGO", functions=["victim_assistance"])
    manager = make_user(shelter, roles=("case_manager",), username="bia", full_name="Beatriz Souza")
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    first = make_case(shelter, actor=manager)
    second = make_case(shelter, actor=manager)
    today = timezone.localdate()
    for case, days in ((first, -2), (first, 0), (second, 3), (second, 20)):
        services.task_add(
            actor=manager,
            case_id=case.pk,
            title="Accompany her to the hearing",
            due_on=today + timedelta(days=days),
            assigned_to_id=manager.pk,
        )
    make_referral(make_case(ngo), ngo, shelter, due_at=timezone.now() + timedelta(days=1))
    return {"manager": manager, "cases": [first, second]}


def _widget(pg: Any, name: str) -> Any:
    return pg.locator(f'[data-widget="{name}"]')


def test_case_manager_home_shows_the_work(live_server, page, shelter_work):  # noqa: F811
    manager, cases = shelter_work["manager"], shelter_work["cases"]
    browser_sign_in(page, live_server.url, manager)
    page.goto(f"{live_server.url}/")
    widgets = page.locator("[data-widget]").evaluate_all("nodes => nodes.map(n => n.dataset.widget)")
    assert widgets[0] == "tasks", widgets  # a case manager's tasks come first
    tasks = _widget(page, "tasks")
    assert tasks.locator('[data-count="overdue"]').inner_text().startswith("1")
    assert tasks.locator('[data-count="today"]').inner_text().startswith("1")
    assert tasks.locator('[data-count="week"]').inner_text().startswith("2")
    waiting = _widget(page, "referrals_waiting")
    assert waiting.locator('[data-count="waiting"]').inner_text().startswith("1")
    assert "Rede Livre" in waiting.inner_text()
    recent = _widget(page, "recent_cases").inner_text()
    assert all(case.case_number in recent for case in cases)
    assert_no_csp_violations(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-case-manager-en.png"), full_page=True)

    # The overdue count opens the Tasks page filtered to the overdue task, its case number linked.
    tasks.locator('[data-count="overdue"]').click()
    page.wait_for_load_state("load")
    assert "/cases/tasks/" in page.url and "due=overdue" in page.url
    rows = page.locator("tr[data-task]")
    assert rows.count() == 1
    assert cases[0].case_number in rows.first.inner_text()
    assert "Accompany her to the hearing" in rows.first.inner_text()
    page.get_by_role("link", name="Due this week").click()
    page.wait_for_load_state("load")
    assert page.locator("tr[data-task]").count() == 2
    assert_no_csp_violations(page)
    page.screenshot(path=str(ARTIFACTS / "tasks-en.png"), full_page=True)


def test_case_manager_home_in_arabic(live_server, page, shelter_work):  # noqa: F811
    from django.conf import settings

    manager, cases = shelter_work["manager"], shelter_work["cases"]
    browser_sign_in(page, live_server.url, manager)
    # The interface language a user picks is kept in the language cookie (the account menu's switcher sets it).
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url}])
    page.goto(f"{live_server.url}/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert _widget(page, "tasks").locator('[data-count="overdue"]').inner_text().startswith("1")
    assert _widget(page, "referrals_waiting").is_visible()
    assert cases[0].case_number in _widget(page, "recent_cases").inner_text()
    # Right to left: the first widget (tasks) starts at the right-hand side.
    box = _widget(page, "tasks").bounding_box()
    assert box["x"] + box["width"] > 1280 / 2, box
    assert_no_csp_violations(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-case-manager-ar.png"), full_page=True)
    page.goto(f"{live_server.url}/cases/tasks/")
    assert page.locator("tr[data-task]").count() == 4
    page.screenshot(path=str(ARTIFACTS / "tasks-ar.png"), full_page=True)


def test_case_manager_home_on_a_phone(live_server, browser, shelter_work):  # noqa: F811
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    try:
        browser_sign_in(pg, live_server.url, shelter_work["manager"])
        for path, name in (("/", "home-phone.png"), ("/cases/tasks/", "tasks-phone.png")):
            pg.goto(f"{live_server.url}{path}")
            # Nothing wider than the screen: no sideways scrolling of the page.
            width = pg.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
            pg.screenshot(path=str(ARTIFACTS / name), full_page=True)
        # The widgets stack, one card per row.
        pg.goto(f"{live_server.url}/")
        cards = pg.locator("[data-widget]")
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        assert second["y"] >= first["y"] + first["height"] - 1, (first, second)
        assert _widget(pg, "tasks").locator('[data-count="today"]').is_visible()
    finally:
        context.close()
