"""The justice journeys of issue 12 in a real browser (Debian's Chromium through Playwright):

1. a prosecutor records a criminal case as a new user would: the case, an offence under Brazil's art. 149-A, two
   named suspects charged under it, a conviction with a sentence for one and an acquittal for the other, the case
   concluded; the funnel shows 2 prosecuted, 1 convicted, 1 sentenced; the anonymised brief names neither suspect;
2. the victim's case manager sees the hearing date on the victim case's Proceedings tab; the prosecutor gets the
   404 page for the victim case;
3. a national rapporteur sees the criminal cases and a case without any reveal, and the year's statistics;
4. a smuggling incident with deaths at sea in the incident list and on its page;
5. the pages in English and in Arabic (right to left), and on a phone (390 px wide).

Screenshots go to test-artifacts/browser/justice-*.png."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.cases.tests.test_browser_journey import browser_sign_in
from tipsom.core.tests.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    RECORD_CSP_VIOLATIONS,
    assert_no_csp_violations,
    browser,
    page,
    pytestmark,
)

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)

CONVICTED = "Rogério Alves Batista"
ACQUITTED = "Francisco Menezes Lima"
WIDE = {"width": 1280, "height": 900}


def shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"justice-{name}.png"), full_page=True)


def choose(pg: Any, name: str, value: str, scope: Any = None) -> None:
    """Choose `value` in the select `name`: a plain select, or a searchable picker by typing its label."""
    root = scope or pg
    select = root.locator(f'select[name="{name}"]')
    if select.get_attribute("data-picker") is None:
        select.select_option(value)
        return
    label = select.locator(f'option[value="{value}"]').inner_text()
    select_id = select.get_attribute("id")
    pg.locator(f".ts-control:has(> #{select_id}-ts-control)").click()
    pg.keyboard.type(label[:12])
    pg.locator(f'#{select_id}-ts-dropdown [data-value="{value}"]').click()
    pg.locator(f"#{select_id}-ts-control").press("Escape")
    assert value in select.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)")


def save(pg: Any, button: str = "Save") -> None:
    pg.locator("main").get_by_role("button", name=button).click()
    pg.wait_for_load_state("load")
    summary = pg.locator(".error-summary")
    assert summary.count() == 0 or not summary.is_visible(), summary.inner_text()


def open_tab(pg: Any, name: str) -> None:
    pg.locator(f'[data-tab-link="{name}"]').click()
    pg.wait_for_load_state("load")
    assert pg.locator(f'#criminal-case-tab[data-tab="{name}"]').count() == 1, pg.url


def signed_in_context(browser: Any, live_server: Any, user: Any, language: str = "en", **options: Any) -> Any:  # noqa: F811
    """A browser context signed in as `user` (the session of Django's test client, second factor included), its
    interface in `language`."""
    from tipsom.accounts.testing import sign_in

    client = sign_in(Client(), user)
    context = browser.new_context(locale="en-GB", viewport=options.pop("viewport", WIDE), **options)
    context.add_cookies(
        [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
        ]
    )
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context


def new_page(context: Any) -> Any:
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda message: message.type == "error" and pg.console_errors.append(message.text))
    pg.on("pageerror", lambda error: pg.console_errors.append(str(error)))
    return pg


def assert_fits(pg: Any, width: int) -> None:
    """Nothing wider than the window: no sideways scrolling of the page."""
    scroll = pg.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (pg.url, scroll)


@pytest.fixture
def office() -> dict[str, Any]:
    """A prosecution office of Brazil, its prosecutor (second factor set up) and a federal court."""
    from tipsom.accounts.testing import make_user
    from tipsom.organizations.testing import make_organization

    office = make_organization("BR", name="Procuradoria da República no Pará", type="LawEnforcement")
    court = make_organization("BR", name="2ª Vara Federal de Marabá", type="LawEnforcement")
    prosecutor = make_user(office, roles=("prosecutor",), username="paula", full_name="Paula Ramos")
    TOTPDevice.objects.create(user=prosecutor, name="phone", confirmed=True)
    return {"office": office, "court": court, "prosecutor": prosecutor}


# 1. The prosecutor's journey ---------------------------------------------------------------------------------------


def test_prosecutor_charges_two_convicts_one_acquits_the_other(live_server, page, office):  # noqa: F811
    from tipsom.justice.models import CaseStage, CriminalCase, LegalProvision

    base = live_server.url
    article = LegalProvision.objects.get(country="BR", article="art. 149-A")  # seeded by a migration
    page.set_default_timeout(10_000)
    browser_sign_in(page, base, office["prosecutor"])
    page.locator("nav").get_by_role("link", name="Criminal cases").first.click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="New criminal case").click()
    page.wait_for_load_state("load")

    # The case.
    page.locator('[name="title"]').fill("Forced labour on a cattle farm in Pará")
    page.locator('[name="file_number"]').fill("IPL 0456/2025")
    choose(page, "offence_type", "tip")
    page.locator('[name="investigation_opened_on"]').fill("2025-01-10")
    choose(page, "prosecution_office", str(office["office"].pk))
    save(page)
    criminal_case = CriminalCase.objects.get()
    assert page.url.rstrip("/").endswith(f"/justice/cases/{criminal_case.pk}"), page.url
    assert criminal_case.reference in page.locator("h1").inner_text()

    # An offence under art. 149-A.
    open_tab(page, "offences")
    page.get_by_role("link", name="Record an offence").click()
    choose(page, "offence_type", "tip")
    choose(page, "provision", str(article.pk))
    page.locator('[name="date_from"]').fill("2024-11-01")
    page.locator('[name="date_to"]').fill("2024-12-20")
    page.locator('[name="places"]').fill("Marabá")
    save(page)
    assert "149-A" in page.locator("#criminal-case-tab").inner_text()

    # Two suspects, with names.
    open_tab(page, "defendants")
    for name, year in ((CONVICTED, "1971"), (ACQUITTED, "1990")):
        page.get_by_role("link", name="Add a suspect").click()
        page.wait_for_load_state("load")
        page.locator('[name="name"]').fill(name)
        page.locator('[name="birth_year"]').fill(year)
        choose(page, "gender", page.locator('select[name="gender"] option').nth(2).get_attribute("value"))
        save(page)
    table = page.locator("[data-defendants]")
    assert table.locator("[data-suspect]").count() == 2
    for name in (CONVICTED, ACQUITTED):
        assert name not in page.content()  # masked until revealed
    shot(page, "journey-defendants-en")

    # Both charged under art. 149-A on the Process tab.
    open_tab(page, "process")
    suspects = list(criminal_case.suspects.order_by("pk"))
    for suspect in suspects:
        page.locator("main").get_by_role("link", name="Add a charge").first.click()
        page.wait_for_load_state("load")
        choose(page, "suspect", str(suspect.pk))
        choose(page, "provision", str(article.pk))
        page.locator('[name="charged_on"]').fill("2025-05-12")
        save(page)
        page.get_by_text("The charge is recorded.").first.wait_for()

    # A conviction with a sentence for the first, an acquittal for the second.
    first, second = suspects
    page.locator(f'[data-defendant="{first.pk}"]').get_by_role("link", name="Record a conviction").click()
    page.wait_for_load_state("load")
    page.locator('[name="decided_on"]').fill("2026-02-27")
    choose(page, "court", str(office["court"].pk))
    page.locator('[name="prison_months"]').fill("96")
    page.locator('[name="fine_amount"]').fill("25000")
    page.locator('[name="currency"]').fill("BRL")
    page.locator('[name="is_final"]').check()
    save(page)
    page.get_by_text("The court decision is recorded.").first.wait_for()
    page.locator(f'[data-defendant="{second.pk}"]').get_by_role("link", name="Record an acquittal or dismissal").click()
    page.wait_for_load_state("load")
    page.locator('[name="decided_on"]').fill("2026-02-27")
    choose(page, "court", str(office["court"].pk))
    page.locator('[name="is_final"]').check()
    save(page)

    # The funnel of the two defendants.
    totals = page.locator("[data-funnel-totals]")
    cells = totals.locator("td")
    assert [cells.nth(i).inner_text() for i in range(4)][1:] == ["2", "1", "1"], totals.inner_text()
    sentence = page.locator(f'[data-defendant="{first.pk}"] [data-sentence]').inner_text()
    assert "96 months" in sentence and "25000" in sentence.replace(",", "").replace(".00", ""), sentence
    assert page.locator(f'[data-defendant="{second.pk}"] [data-outcome="acquitted"]').count() >= 1

    # The investigation closed, the case concluded.
    if page.get_by_role("link", name="Close the investigation").count():
        page.get_by_role("link", name="Close the investigation").click()
        page.locator('[name="closed_on"]').fill("2025-04-30")
        save(page)
    # Final decisions on every charge conclude the case by themselves; otherwise the prosecutor concludes it.
    if page.get_by_role("link", name="Conclude the case").count():
        page.get_by_role("link", name="Conclude the case").click()
        page.locator('[name="concluded_on"]').fill("2026-03-20")
        save(page)
        page.get_by_text("The criminal case is concluded.").first.wait_for()
    criminal_case.refresh_from_db()
    assert criminal_case.stage == CaseStage.CONCLUDED
    shot(page, "journey-process-en")
    assert_no_csp_violations(page)

    # The anonymised brief names neither suspect.
    open_tab(page, "brief")
    brief = page.locator("#criminal-case-brief")
    brief.wait_for()
    text = page.locator("main").inner_text()
    for name in (CONVICTED, ACQUITTED, *CONVICTED.split(), *ACQUITTED.split()):
        assert name not in text, name
    if page.locator("#brief-summary-form").count():
        page.locator("#brief-summary-form textarea").first.fill(
            "In 2024 Defendant 1 kept workers on a cattle farm to pay off debts; Defendant 2 drove them there."
        )
        page.locator("#brief-summary-form").get_by_role("button", name="Save the summary").click()
        page.wait_for_load_state("load")
    sections = page.locator("#criminal-case-brief .brief-section")
    assert sections.count() > 0, page.locator("#criminal-case-brief").inner_text()
    text = page.locator("main").inner_text()
    for name in (CONVICTED, ACQUITTED, *CONVICTED.split(), *ACQUITTED.split()):
        assert name not in text, name
    assert "149-A" in text
    shot(page, "journey-brief-en")
    assert_no_csp_violations(page)
