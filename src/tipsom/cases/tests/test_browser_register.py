"""Done-when 2 of issue 11 in a real browser: a Brazilian frontline identifier registers a presumed child victim in
steps (person -> screening -> case -> consent), answering the means and the purpose once, choosing from the
searchable pickers, in English and in Arabic; the child protection officer signs in and finds the notification."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.cases.tests.test_browser_journey import browser_sign_in, pick
from tipsom.core.tests.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    assert_no_csp_violations,
    browser,
    page,
    pytestmark,
)

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)


@pytest.fixture
def brazil() -> dict[str, Any]:
    from tipsom.accounts.testing import make_user
    from tipsom.organizations.testing import make_organization

    ngo = make_organization("BR", name="Associação Rede Livre", type="NGO", functions=["victim_assistance"])
    agency = make_organization(
        "BR", name="Conselho Tutelar de São Paulo", type="LocalGovernmentOrganisation", functions=["child_protection"]
    )
    users = {
        "identifier": make_user(ngo, roles=("frontline_identifier",), username="br.identifier"),
        "child": make_user(agency, roles=("child_protection_officer",), username="br.child", email="c@ct.example"),
    }
    for user in users.values():
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return {"agency": agency, **users}


def _step(pg: Any, name: str) -> None:
    pg.locator(f'input[name="step"][value="{name}"]').wait_for(state="attached")
    current = pg.locator('.register-progress [aria-current="step"]')
    assert current.count() == 1


def _next(pg: Any, value: str = "next") -> None:
    pg.locator(f'button[name="go"][value="{value}"]').click()
    pg.wait_for_load_state("load")


def register_presumed_child(pg: Any, base: str, language: str, name: str) -> None:
    pg.goto(f"{base}/cases/new/")
    # 1. The person: one field for the age ("about 15" in the page's language is understood too).
    _step(pg, "person")
    pg.locator('[name="name"]').fill(name)
    pg.locator('[name="gender"]').select_option("Feminine")
    pick(pg, "citizenships", "Boliv" if language == "en" else "بوليف", "BO")
    pg.locator('[name="birth_date"]').fill("about 15" if language == "en" else "حوالي ١٥ سنة")
    pg.locator('[name="is_presumed_minor"]').check()
    pg.screenshot(path=str(ARTIFACTS / f"register-1-person-{language}.png"), full_page=True)
    _next(pg)
    # 2. The screening: act, means, purpose, asked here once; no smuggled migrant's vulnerabilities for a TIP case.
    _step(pg, "screening")
    assert pg.locator(".register-som").is_hidden()
    pg.locator('[name="case_type"][value="som"]').check()
    assert pg.locator(".register-som").is_visible()  # shown for a smuggling case ...
    pg.locator('[name="case_type"][value="tip"]').check()
    assert pg.locator(".register-som").is_hidden()  # ... and gone again for trafficking
    pg.locator('input[name="acts"][value="recruitment"]').check()
    pg.locator('input[name="acts"][value="harbouring"]').check()
    pick(pg, "means", "Debt" if language == "en" else "", "DebtBondage")
    pick(pg, "purposes", "Forced lab" if language == "en" else "", "ForcedLabour")
    pg.locator('[data-recommendation="likely_child_victim"]').wait_for()
    pg.screenshot(path=str(ARTIFACTS / f"register-2-screening-{language}.png"), full_page=True)
    _next(pg)
    # 3. The case: means of control and forms of exploitation already filled in from the screening.
    _step(pg, "case")
    chosen = pg.locator('select[name="means_of_control"]').evaluate(
        "s => Array.from(s.selectedOptions).map(o => o.value)"
    )
    assert chosen == ["DebtBondage"], chosen
    assert pg.locator('select[name="exploitation_types"] option[value="ForcedLabour"]').evaluate("o => o.selected")
    pick(pg, "origin_country", "Boliv" if language == "en" else "بوليف", "BO")
    pg.locator('[name="identified_on"]').fill("2026-10-02")
    pg.screenshot(path=str(ARTIFACTS / f"register-3-case-{language}.png"), full_page=True)
    # Back to the screening and forward again: nothing typed is lost.
    pg.locator('button[name="go"][value="back"]').click()
    pg.wait_for_load_state("load")
    _step(pg, "screening")
    assert pg.locator('input[name="acts"][value="harbouring"]').is_checked()
    _next(pg)
    _step(pg, "case")
    assert pg.locator('[name="identified_on"]').input_value() == "2026-10-02"
    _next(pg)
    # 4. Consent, by a guardian for a child, and the child protection agency notified at once.
    _step(pg, "consent")
    pg.locator('[name="data_processing"]').select_option("given")
    pg.locator('[name="given_by"]').select_option("guardian")
    pg.locator('[name="notify_agency"]').select_option(label="Conselho Tutelar de São Paulo")
    pg.screenshot(path=str(ARTIFACTS / f"register-4-consent-{language}.png"), full_page=True)
    _next(pg, "save")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_br_identifier_registers_a_presumed_child_in_steps_and_br_child_is_notified(
    live_server,
    page,  # noqa: F811
    brazil,
    language,
):
    from tipsom.cases.models import Case, ChildProtection, Screening
    from tipsom.notifications.models import Notification

    base = live_server.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser_sign_in(page, base, brazil["identifier"])
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    register_presumed_child(page, base, language, "Rosa Quispe Mamani")
    case = Case.objects.get()
    assert page.url.rstrip("/").endswith(f"/cases/{case.pk}"), page.url
    assert page.locator("html").get_attribute("lang") == language
    assert case.is_child and case.means_of_control == ["DebtBondage"] and case.exploitation_types == ["ForcedLabour"]
    assert Screening.objects.get(case=case).means == ["DebtBondage"]
    track = ChildProtection.objects.get(case=case)
    assert track.notified_organization == brazil["agency"] and track.age_assessment == "pending"
    assert "Rosa" not in page.content()
    # The case page's edit form has its long lists as pickers too (wired by static/tipsom-picker.js).
    assert page.locator('select[name="industries"]').evaluate("s => Boolean(s.tomselect)")
    page.screenshot(path=str(ARTIFACTS / f"register-5-case-page-{language}.png"), full_page=True)
    assert_no_csp_violations(page)

    # br.child signs in and finds the notification: the case number and a link, never the name.
    notification = Notification.objects.get(user=brazil["child"])
    browser_sign_in(page, base, brazil["child"])
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    page.goto(f"{base}/notifications/")
    inbox = page.content()
    assert case.case_number in inbox and "Rosa" not in inbox
    page.screenshot(path=str(ARTIFACTS / f"register-6-child-inbox-{language}.png"), full_page=True)
    page.locator(f'a[href*="{notification.link}"]').first.click()
    page.wait_for_load_state("load")
    assert case.case_number in page.content()
    assert_no_csp_violations(page)
