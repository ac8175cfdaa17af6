"""The helpline in a real browser (Debian's Chromium through Playwright):

1. done-when 1 of issue 14: an operator of a Pakistani helpline records a call in Urdu from a father about his son
   held in a brick kiln, with a safe number to call back on (the form's sections open as the caller and the
   consent are chosen); opens a case from the contact with the family's consent; refers the boy to the child
   protection service of the directory;
2. the contact form in Arabic (right to left).

Screenshots go to test-artifacts/browser/helpline-*.png."""

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
from tipsom.justice.tests.test_browser_justice import new_page, signed_in_context

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)


def shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"helpline-{name}.png"), full_page=True)


@pytest.fixture
def pakistan() -> dict[str, Any]:
    """A Pakistani helpline and its operator (second factor set up), and a child protection service."""
    from tipsom.helpline.testing import make_helpline, make_operator
    from tipsom.organizations.testing import make_organization
    from tipsom.referrals.testing import make_service

    helpline = make_helpline("PK", name="Madadgaar National Helpline")
    operator = make_operator(helpline, username="sana", full_name="Sana Iqbal")
    TOTPDevice.objects.create(user=operator, name="phone", confirmed=True)
    bureau = make_organization(
        "PK", name="Child Protection and Welfare Bureau Punjab", type="GovernmentAgency", functions=["child_protection"]
    )
    service = make_service(bureau, "child_protection", name="Child protection unit, Lahore")
    return {"helpline": helpline, "operator": operator, "service": service}


def pick_code(pg: Any, name: str, value: str) -> None:
    """Choose `value` in the select `name` of the page's main form: through its searchable picker (tom-select's own
    addItem, which fires the select's change as a click would), or as a plain select."""
    select = pg.locator(f'main form select[name="{name}"]')
    select.evaluate(
        "(s, v) => s.tomselect ? (s.tomselect.addItem(v), s.tomselect.close(), s.tomselect.blur()) : "
        "(s.value = v, s.dispatchEvent(new Event('change', {bubbles: true})))",
        value,
    )
    assert value in select.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)")


def redraw(pg: Any, change: Any) -> None:
    """Make a change that redraws sections of the contact form, and wait until they are redrawn (HTMX)."""
    with pg.expect_response(lambda response: "/helpline/contacts/sections/" in response.url):
        change()
    pg.wait_for_timeout(100)  # the swap follows the response


def test_an_urdu_call_becomes_a_case_and_a_referral_to_child_protection(live_server, page, pakistan):  # noqa: F811
    from tipsom.cases.models import Case, Consent
    from tipsom.helpline.models import Contact
    from tipsom.referrals.models import Referral

    base = live_server.url
    page.set_default_timeout(10_000)
    browser_sign_in(page, base, pakistan["operator"])
    page.locator("nav").get_by_role("link", name="Helpline").first.click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Record a contact").first.click()
    page.wait_for_load_state("load")

    # The call: a father, in Urdu, about his son in a brick kiln; he agrees to be called back on a safe number.
    redraw(page, lambda: page.get_by_label("About a possible victim").check())
    redraw(page, lambda: page.get_by_label("A family member").check())
    pick_code(page, "language", "urd")
    page.locator('[name="duration"]').fill("7:00")
    page.locator('[name="caller_name"]').fill("محمد اسلم")
    page.locator('[name="caller_number"]').fill("0300 1234567")
    assert page.locator("#hl-section-protocol").is_hidden()
    redraw(page, lambda: page.get_by_label("The caller agrees to be contacted back").check())
    assert page.locator("#hl-section-protocol").is_visible()
    page.locator('[name="callback_number"]').fill("0301 7654321")
    page.locator('[name="callback_safe_times"]').fill("بعد از مغرب")
    page.locator('[name="callback_code_word"]').fill("چائے")
    redraw(page, lambda: page.get_by_label("Child", exact=True).check())
    pick_code(page, "subject_gender", "Masculine")
    pick_code(page, "region", "PK-PB")
    page.locator('[name="place"]').fill("اینٹوں کا بھٹہ، قصور")
    page.locator('[name="summary"]').fill("His son, 13, makes bricks to pay a family debt and may not leave.")
    redraw(page, lambda: page.get_by_label("Recruited").check())
    redraw(page, lambda: pick_code(page, "means_of_control", "DebtBondage"))
    redraw(page, lambda: pick_code(page, "exploitation_types", "ChildLabour"))
    redraw(page, lambda: pick_code(page, "industries", "C_Manufacturing"))
    assert page.locator('#hl-recommendation[data-recommendation="likely_child_victim"]').count() == 1
    redraw(page, lambda: page.get_by_label("Urgent", exact=True).check())
    shot(page, "call-form-en")
    page.locator("main").get_by_role("button", name="Record").click()
    page.wait_for_load_state("load")
    contact = Contact.objects.get()
    assert page.url.rstrip("/").endswith(f"/helpline/contacts/{contact.pk}"), page.url
    assert contact.language == "urd" and contact.callback_number == "0301 7654321" and contact.callback_no_message
    assert contact.recommendation == "likely_child_victim"
    assert "محمد اسلم" not in page.content()  # masked until revealed
    assert_no_csp_violations(page)

    # The case, with the family's consent.
    page.get_by_role("link", name="Open a case").click()
    page.wait_for_load_state("load")
    page.locator('[name="name"]').fill("عمران اسلم")
    page.locator('[name="birth_date"]').fill("2013")
    page.locator('select[name="data_processing"]').select_option("given")
    page.locator('select[name="referral"]').select_option("given")
    pick_code(page, "service_types", "SocialCare")
    page.locator('select[name="given_by"]').select_option("parent")
    shot(page, "case-open-en")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_load_state("load")
    case = Case.objects.get()
    assert case.is_child and case.person.languages == ["urd"]
    assert page.get_by_text(f"Case {case.case_number} was opened").count() == 1
    assert {c.purpose: c.given_by for c in Consent.objects.filter(case=case)} == {
        "data_processing": "parent",
        "referral": "parent",
    }

    # The referral to the child protection service.
    pick_code(page, "service", str(pakistan["service"].pk))
    page.locator("main").get_by_role("button", name="Refer").click()
    page.wait_for_load_state("load")
    referral = Referral.objects.get()
    assert referral.service == pakistan["service"] and referral.case == case and referral.urgency == "urgent"
    assert page.locator(f'[data-referral="{referral.pk}"]').count() == 1
    shot(page, "contact-referred-en")
    assert page.console_errors == []


def test_the_contact_form_in_arabic(live_server, browser):  # noqa: F811
    from tipsom.helpline.testing import make_helpline, make_operator

    operator = make_operator(make_helpline("EG", name="خط نجدة الطفل"))
    context = signed_in_context(browser, live_server, operator, language="ar")
    try:
        pg = new_page(context)
        response = pg.goto(f"{live_server.url}/helpline/contacts/new/")
        assert response is not None and response.status == 200
        assert pg.locator("html").get_attribute("dir") == "rtl"
        assert pg.locator("html").get_attribute("lang") == "ar"
        assert pg.locator("#hl-section-contact").is_visible()
        redraw(pg, lambda: pg.locator('[name="contact_type"][value="silent"]').check())
        assert pg.locator("#hl-section-caller").is_hidden()
        shot(pg, "form-ar")
        assert_no_csp_violations(pg)
        assert pg.console_errors == []
    finally:
        context.close()
