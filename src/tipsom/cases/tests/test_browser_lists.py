"""Search that finds and lists that scan, in Chromium: "rosa" and "2026-63" find the case; at 1366 px no list table
is wider than its container, in English and Arabic; at 390 px the case list shows each row as a labelled card."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.cases.tests.test_browser_journey import browser_sign_in
from tipsom.core.tests.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    assert_no_csp_violations,
    browser,
    page,
    pytestmark,
)

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)

NUMBER = "BR-2026-000063"

# For each list table: is it wider than the box that holds it (which would scroll sideways)?
OVERFLOWING_TABLES = """
() => Array.from(document.querySelectorAll("main table")).filter((table) => {
  const box = table.closest(".table-responsive") || table.parentElement;
  return table.scrollWidth > box.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1;
}).map((table) => table.className + " " + table.scrollWidth + ">" + table.parentElement.clientWidth)
"""


@pytest.fixture
def caseworker() -> Any:
    from tipsom.accounts.testing import make_user
    from tipsom.cases import services
    from tipsom.cases.models import Case
    from tipsom.organizations.testing import make_organization
    from tipsom.referrals.testing import make_referral, make_service

    ngo = make_organization("BR", name="Associação Casa Rosa dos Ventos de Cuiabá", type="NGO")
    user = make_user(ngo, roles=("case_manager",), username="rita")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    everything = [
        "ForcedLabour",
        "SexualExploitation",
        "Servitude",
        "ForcedBegging",
        "ForcedMarriage",
        "ForcedCriminality",
    ]
    for index, name in enumerate(["Rosa María Quispe Mamani", "Олена Коваленко", "Ana Beatriz da Silva Souza"]):
        case = services.case_register(
            actor=None,
            organization=ngo,
            person={"names": [{"name": name}], "gender": "Feminine", "citizenships": ["BO", "PE", "PY"]},
            case_type="tip",
            identified_on=f"2026-0{index + 1}-15",
            exploitation_types=everything,
            origin_country="BO",
        )
        if index == 0:  # the demo's 63rd case of 2026
            Case.objects.filter(pk=case.pk).update(case_number=NUMBER)
        other = make_organization("BR", name=f"Casa de Acolhimento Institucional Número {index}", type="NGO")
        make_service(other, name=f"Acolhimento provisório para mulheres e crianças {index}", hours="24 horas")
        make_referral(case, ngo, other, due_at=timezone.now() + timedelta(days=index + 1))
    return user


def _search(pg: Any, base: str, query: str) -> list[str]:
    pg.goto(f"{base}/cases/")
    pg.get_by_label("Case number or name").fill(query)
    pg.get_by_label("Case number or name").press("Enter")
    pg.wait_for_load_state("load")
    return pg.locator("table.case-list tbody tr td:first-child a").all_inner_texts()


def test_search_finds_the_case_by_name_and_short_number(live_server: Any, page: Any, caseworker: Any) -> None:  # noqa: F811
    base = live_server.url
    browser_sign_in(page, base, caseworker)
    assert _search(page, base, "rosa") == [NUMBER]
    page.screenshot(path=str(ARTIFACTS / "lists-search-rosa.png"), full_page=True)
    assert _search(page, base, "2026-63") == [NUMBER]
    assert _search(page, base, "mamani ros") == [NUMBER]
    assert _search(page, base, "kovalenko") != []
    assert _search(page, base, "nobody") == []
    assert "Search by case number" in page.locator(".list-hint").inner_text()
    page.screenshot(path=str(ARTIFACTS / "lists-search-hint.png"), full_page=True)
    assert_no_csp_violations(page)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_list_table_overflows_at_1366(live_server: Any, page: Any, caseworker: Any, language: str) -> None:  # noqa: F811
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_sign_in(page, base, caseworker)
    page.context.add_cookies([{"name": "tipsom_language", "value": language, "url": base}])
    for path in ("/cases/", "/cases/?sort=-identified_on", "/people/", "/referrals/sent/", "/directory/"):
        page.goto(f"{base}{path}")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("main table").count() == 1
        assert page.evaluate(OVERFLOWING_TABLES) == [], path
    page.goto(f"{base}/cases/")
    page.screenshot(path=str(ARTIFACTS / f"lists-cases-1366-{language}.png"), full_page=True)
    for name in ("people", "referrals/sent", "directory"):
        page.goto(f"{base}/{name}/")
        shot = name.replace("/", "-")
        page.screenshot(path=str(ARTIFACTS / f"lists-{shot}-1366-{language}.png"), full_page=True)
    assert_no_csp_violations(page)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_case_list_is_cards_on_a_phone(live_server: Any, page: Any, caseworker: Any, language: str) -> None:  # noqa: F811
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, base, caseworker)
    page.context.add_cookies([{"name": "tipsom_language", "value": language, "url": base}])
    page.goto(f"{base}/cases/")
    first = page.locator("table.case-list tbody tr").first
    assert first.evaluate("(row) => getComputedStyle(row).display") == "block"
    cell = first.locator("td").nth(1)
    assert cell.evaluate("(td) => getComputedStyle(td, '::before').content") not in ("none", "normal", '""')
    assert page.locator("table.case-list thead").evaluate("(head) => head.getBoundingClientRect().height") <= 1
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(path=str(ARTIFACTS / f"lists-cases-390-{language}.png"), full_page=True)
    # The header row is hidden on a phone: the sort links above the cards take its place.
    page.locator(".list-sort-links a").nth(1).click()
    page.wait_for_load_state("load")
    assert "sort=-identified_on" in page.url
    numbers = page.locator("table.case-list tbody tr td:first-child a").all_inner_texts()
    assert numbers[-1] == NUMBER  # identified first (January), so last when the newest come first
    assert_no_csp_violations(page)
