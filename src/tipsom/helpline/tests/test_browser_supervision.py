"""A helpline supervisor's pages in a real browser (Debian's Chromium through Playwright), in English and in Arabic
(right to left): the statistics with their charts drawn by Chart.js under the Content-Security-Policy, the quality
review's sample and a contact's review form, the blocked numbers; no CSP violation, no serious or critical axe-core
finding, nothing wider than the window. Screenshots go to test-artifacts/browser/helpline-*.png."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tipsom.core.tests.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    assert_no_csp_violations,
    browser,
    pytestmark,
)
from tipsom.justice.tests.test_browser_justice import WIDE, assert_fits, new_page, signed_in_context
from tipsom.tests.test_accessibility import AXE, AXE_RUN

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)


@pytest.fixture
def helpline_world() -> dict[str, Any]:
    """A Pakistani helpline with a month of contacts by two operators, a blocked number, and its supervisor."""
    from tipsom.helpline.services import contact_close
    from tipsom.helpline.services.blocks import number_block
    from tipsom.helpline.testing import make_contact, make_helpline, make_operator, make_supervisor

    helpline = make_helpline("PK", name="Madadgaar National Helpline")
    operators = [make_operator(helpline, full_name=name) for name in ("Sana Iqbal", "Bilal Ahmed")]
    now = timezone.now()
    for n in range(60):
        operator = operators[n % 2]
        contact = make_contact(
            actor=operator,
            started_at=now - datetime.timedelta(days=n % 25, hours=n % 9),
            channel=("phone", "whatsapp", "sms")[n % 3],
            contact_type=("victim", "tip", "information")[n % 3],
            exploitation_types=["ForcedLabour"] if n % 3 != 2 else [],
            language="urd",
        )
        contact_close(actor=operator, contact_id=contact.pk)
    supervisor = make_supervisor(helpline, full_name="Ayesha Khan")
    number_block(actor=operators[0], number="0300 1112233", reason="abuse")
    return {"supervisor": supervisor}


def test_a_supervisors_pages_in_english_and_arabic(live_server, browser, helpline_world):  # noqa: F811
    pages = [
        ("stats", reverse("helpline:stats")),
        ("reviews", reverse("helpline:reviews")),
        ("blocks", reverse("helpline:blocks")),
    ]
    axe = AXE.read_text(encoding="utf-8")
    found: dict[str, Any] = {}
    for language, direction in (("en", "ltr"), ("ar", "rtl")):
        context = signed_in_context(browser, live_server, helpline_world["supervisor"], language, axe)
        try:
            pg = new_page(context)
            for name, address in pages:
                response = pg.goto(f"{live_server.url}{address}")
                assert response.status == 200, (name, response.status)
                assert pg.locator("html").get_attribute("dir") == direction
                if name == "stats":
                    # Chart.js drew every chart from the page's JSON (a file script: no inline code).
                    pg.wait_for_selector('canvas[data-chart="month"][data-drawn="1"]')
                    assert pg.locator("canvas[data-chart]").count() == pg.locator("canvas[data-drawn='1']").count()
                    assert pg.locator("[data-total]").inner_text() == "60"
                if name == "reviews":
                    assert pg.locator("[data-sampled]").count() == 4  # two of each operator's 30
                    pg.locator("[data-sampled] a").first.click()
                    pg.wait_for_load_state("load")
                    assert pg.locator('input[name="score"]').count() == 5
                    name = "review"
                assert_fits(pg, WIDE["width"])
                violations = pg.evaluate(AXE_RUN)
                if violations:
                    found[f"{language} {name}"] = violations
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                pg.screenshot(path=str(ARTIFACTS / f"helpline-{name}-{language}.png"), full_page=True)
                assert_no_csp_violations(pg)
        finally:
            context.close()
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
