"""Browser: the impact chart (programme/impact/_chart.html + static/programme/impact.js) draws, in Debian's
Chromium, the series of its json_script with a line at the training, with no console error and no breach of the
Content-Security-Policy, in English and in Arabic (right to left: the months run from the right); and the
campaign chart shades the campaign's months."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.programme.models import ActivityType
from tipsom.programme.testing import make_activity
from tipsom.programme.testing_impact import ImpactWorld, make_contact_facts
from tipsom.stats.tests.test_browser_charts import BROWSER_REQUIRED, CHROMIUM, SHOTS, assert_clean, open_page
from tipsom.stats.tests.test_browser_charts import browser as browser  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not BROWSER_REQUIRED,
        reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHART_STATE = """() => {
  const canvas = document.querySelector('[data-impact-chart] canvas');
  const chart = window.Chart.getChart(canvas);
  return {
    drawn: canvas.dataset.drawn,
    labels: chart.data.labels.length,
    series: chart.data.datasets.map((d) => d.data),
    xReverse: !!chart.options.scales.x.reverse,
    markers: chart.options.plugins.programmeImpactMarkers.markers.map((m) => m.index),
    span: chart.options.plugins.programmeImpactMarkers.span,
  };
}"""


def coordinator(world: ImpactWorld) -> str:
    """A national coordinator of Brazil (programme.view.national; no second factor, unlike the M&E officer who may
    reveal participants' names): the username."""
    return str(make_user(world.office, roles=("national_coordinator",)).username)


def sign_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def chart_state(page: Any) -> dict[str, Any]:
    page.wait_for_load_state("load")
    try:
        page.wait_for_function(
            "() => document.querySelector('[data-impact-chart] canvas[data-drawn]') !== null", timeout=10000
        )
    except Exception as error:
        raise AssertionError((page.console_problems, page.evaluate("window.__cspViolations"), page.url)) from error
    return dict(page.evaluate(CHART_STATE))


def test_the_impact_chart_in_english_and_arabic(live_server: Any, browser: Any) -> None:  # noqa: F811
    world = ImpactWorld()
    page = open_page(browser, locale="en-GB")
    sign_in(page, live_server.url, coordinator(world))
    url = f"{live_server.url}/programme/impact/?activities={world.training.pk}&unit=organization"
    page.goto(url)
    english = chart_state(page)
    assert english["drawn"] == "1" and english["labels"] == 25
    assert english["series"][0][:12] == [6] * 12 and english["series"][0][13:] == [10] * 12
    assert english["markers"] == [12]
    assert english["xReverse"] is False
    assert page.locator("[data-estimate]").get_attribute("data-estimate") == "4.0"
    assert_clean(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "programme-impact-en.png"), full_page=True)

    page.locator("#account-menu-toggle").click()
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state("load")
    page.goto(url)
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    arabic = chart_state(page)
    assert arabic["series"] == english["series"] and arabic["markers"] == [12]
    assert arabic["xReverse"] is True
    assert_clean(page)
    page.screenshot(path=str(SHOTS / "programme-impact-ar.png"), full_page=True)
    page.context.close()


def test_the_campaign_chart_shades_the_campaign(live_server: Any, browser: Any) -> None:  # noqa: F811
    world = ImpactWorld()
    campaign = make_activity(world.office, kind=ActivityType.CAMPAIGN, regions=["BR-SP"],
                             start_date=datetime.date(2022, 5, 1), end_date=datetime.date(2022, 7, 31))  # fmt: skip
    for month in range(2, 11):
        make_contact_facts(world.sp, 2022, month, 30 if 5 <= month <= 7 else 10)
    page = open_page(browser, locale="en-GB")
    sign_in(page, live_server.url, coordinator(world))
    page.goto(f"{live_server.url}/programme/impact/campaign/{campaign.pk}/")
    state = chart_state(page)
    assert state["series"][0] == [10, 10, 10, 30, 30, 30, 10, 10, 10]
    assert state["span"]["from"] == 3 and state["span"]["to"] == 5
    assert_clean(page)
    page.screenshot(path=str(SHOTS / "programme-campaign-en.png"), full_page=True)
    page.context.close()
