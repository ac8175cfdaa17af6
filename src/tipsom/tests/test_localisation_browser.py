"""In Chromium: names in Lao and Devanagari render with the fonts tipsom ships (not the system's), and the Urdu
page is laid out right to left (issue 11, items 10 and 12)."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.testing import make_user
from tipsom.core.tests.test_browser import ARTIFACTS, PASSWORD, assert_no_csp_violations, browser, page, pytestmark
from tipsom.organizations.testing import make_organization

__all__ = ["browser", "page", "pytestmark"]

LOADED_FAMILIES = """async () => {
  await document.fonts.ready;
  return [...document.fonts].filter((face) => face.status === "loaded").map((face) => face.family.replace(/"/g, ""));
}"""


def _sign_in(pg: Any, base_url: str, username: str) -> None:
    pg.goto(f"{base_url}/accounts/login/")
    pg.get_by_label("Username").fill(username)
    pg.get_by_label("Password").fill(PASSWORD)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_load_state("load")
    assert "/accounts/login" not in pg.url


def test_lao_and_devanagari_names_use_the_shipped_fonts_and_urdu_is_right_to_left(live_server, page):
    lao = make_organization("LA", name="ສູນຊ່ວຍເຫຼືອແມ່ຍິງ", type="NGO", functions=["shelter"])
    make_user(lao, roles=("national_rapporteur",), username="somsak", full_name="सीता शर्मा")
    fonts: list[str] = []

    def record(response: Any) -> None:
        if "/vendor/fonts/" in response.url:
            fonts.append(response.url)

    page.on("response", record)
    _sign_in(page, live_server.url, "somsak")
    main = page.locator("main")
    assert main.get_by_text("ສູນຊ່ວຍເຫຼືອແມ່ຍິງ").first.is_visible()
    assert main.get_by_text("सीता शर्मा").first.is_visible()
    loaded = page.evaluate(LOADED_FAMILIES)
    assert "Noto Sans Lao" in loaded and "Noto Sans Devanagari" in loaded, loaded
    assert any("noto-sans-lao" in url for url in fonts) and any("noto-sans-devanagari" in url for url in fonts)
    # The Lao text is drawn with the shipped face: its width equals the width measured with that face alone.
    widths = page.evaluate(
        """() => {
          const probe = (family) => {
            const span = document.createElement("span");
            span.textContent = "ສູນຊ່ວຍເຫຼືອແມ່ຍິງ";
            span.style.fontFamily = family;
            document.body.append(span);
            const width = span.getBoundingClientRect().width;
            span.remove();
            return width;
          };
          return [probe(getComputedStyle(document.body).fontFamily), probe('"Noto Sans Lao"')];
        }"""
    )
    assert widths[0] == widths[1], widths
    page.screenshot(path=str(ARTIFACTS / "l10n-lao-devanagari-home.png"), full_page=True)
    assert_no_csp_violations(page)

    page.locator("#account-menu-toggle").click()
    page.get_by_label("Language").select_option("ur")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state("load")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ur" and html.get_attribute("dir") == "rtl"
    assert page.locator('link[href$="bootstrap.rtl.min.css"]').count() == 1
    page.screenshot(path=str(ARTIFACTS / "l10n-urdu-home.png"), full_page=True)
    assert_no_csp_violations(page)
