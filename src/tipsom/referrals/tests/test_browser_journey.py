"""The referral journey in a real browser: a case manager refers a child victim to a shelter and to legal aid;
the shelter accepts and sees only the shared sections; the legal aid referral expires and the case page flags it;
the case manager revokes the shelter referral and the shelter's next request for it is a 404. No CSP violation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.cases.tests.test_browser_journey import browser_action, browser_sign_in
from tipsom.core.tests.test_browser import (  # noqa: F401  (fixtures)
    RECORD_CSP_VIOLATIONS,
    assert_no_csp_violations,
    browser,
    page,
    pytestmark,
)

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)

CHILD_NAME = "Juana Mamani Quispe"
CHILD_PHONE = "+55 65 99123-4567"


@pytest.fixture
def nrm() -> dict[str, Any]:
    from tipsom.accounts.testing import make_user
    from tipsom.organizations.testing import make_organization
    from tipsom.referrals.models import Pathway
    from tipsom.referrals.testing import make_service
    from tipsom.referrals.tests.factories import child_person, give_consent, make_case

    ngo = make_organization("BR", name="Associação Rede Livre", type="NGO", region="BR-MT")
    shelter_org = make_organization("BR", name="Casa Abrigo Esperança", type="NGO")
    legal_org = make_organization("BR", name="Defensoria Pública MT", type="GovernmentOrganisation")
    manager = make_user(ngo, roles=("case_manager",), username="ana")
    shelter_user = make_user(shelter_org, roles=("case_manager",), username="sofia")
    for user in (manager, shelter_user):
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    shelter = make_service(shelter_org, "shelter", name="Abrigo para meninas")
    legal = make_service(
        legal_org, "legal_aid", name="Assistência jurídica", capacity_total=None, capacity_available=None
    )
    Pathway.objects.create(country="BR", name="Child victims", child="yes", service_types=["shelter", "legal_aid"])
    case = make_case(manager, ngo, child=True, person=child_person(contacts=[{"kind": "phone", "value": CHILD_PHONE}]))
    give_consent(manager, case, ["Shelter", "Legal"])
    return {"manager": manager, "shelter_user": shelter_user, "shelter": shelter, "legal": legal, "case": case}


@pytest.fixture
def shelter_page(browser: Any) -> Any:  # noqa: F811
    """The shelter user's own browser (each user signs in once: a TOTP code is good for one sign-in)."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    other = context.new_page()
    other.add_init_script(RECORD_CSP_VIOLATIONS)
    other.console_errors = []
    other.on("console", lambda message: message.type == "error" and other.console_errors.append(message.text))
    other.on("pageerror", lambda error: other.console_errors.append(str(error)))
    yield other
    context.close()


def test_refer_a_child_accept_expire_revoke(live_server, page, shelter_page, nrm):  # noqa: F811
    from tipsom.referrals.models import Referral
    from tipsom.referrals.services import referrals_expire_due

    base, case = live_server.url, nrm["case"]

    # 1. The case manager refers the child to the suggested shelter, then to legal aid.
    browser_sign_in(page, base, nrm["manager"])
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("#case-tabs").get_by_role("link", name="Referrals").click()  # the menu has "Referrals" too
    page.locator('[data-tab="referrals"]').wait_for()
    page.locator(f'[data-refer-service="{nrm["shelter"].pk}"]').click()
    page.locator('[data-action="referral_send_system"] details[open]').wait_for()  # preselected: opened
    send = browser_action(page, "referral_send_system")
    assert send.locator('[name="service"]').input_value() == str(nrm["shelter"].pk)
    assert send.locator('input[name="sections"][value="identity"]').is_checked()
    assert send.locator('input[name="sections"][value="contact"]').is_checked() is False
    send.locator('[name="urgency"]').select_option("emergency")
    send.locator('[name="message"]').fill("Needs a bed tonight.")
    send.get_by_role("button", name="Send the referral").click()
    page.locator("[data-notice]").wait_for()
    assert_no_csp_violations(page)

    send = browser_action(page, "referral_send_system")
    send.locator('[name="service"]').select_option(str(nrm["legal"].pk))
    send.locator('input[name="sections"][value="identity"]').check()
    send.locator('input[name="sections"][value="exploitation"]').check()
    send.get_by_role("button", name="Send the referral").click()
    page.locator("[data-tab=referrals] tr[data-referral]").nth(1).wait_for()
    shelter_referral = Referral.objects.get(service=nrm["shelter"])
    legal_referral = Referral.objects.get(service=nrm["legal"])
    assert shelter_referral.sections == ["profile", "identity"] and shelter_referral.urgency == "emergency"
    assert legal_referral.sections == ["profile", "identity", "exploitation"]

    # 2. The shelter accepts from its inbox (no name there) and sees only the shared sections.
    browser_sign_in(shelter_page, base, nrm["shelter_user"])
    shelter_page.goto(f"{base}/referrals/")
    assert case.case_number in shelter_page.content() and "Juana" not in shelter_page.content()
    shelter_page.locator(f'[data-referral="{shelter_referral.pk}"]').get_by_role("link", name="Open").click()
    shelter_page.wait_for_load_state("load")
    assert "Needs a bed tonight." in shelter_page.content() and "Juana" not in shelter_page.content()
    shelter_page.get_by_role("button", name="Accept").click()
    shelter_page.wait_for_load_state("load")
    shelter_page.locator('[data-section="identity"]').wait_for()
    html = shelter_page.content()
    assert CHILD_NAME in html and 'data-section="profile"' in html
    assert 'data-section="contact"' not in html and CHILD_PHONE not in html
    assert 'data-section="exploitation"' not in html
    assert_no_csp_violations(shelter_page)

    # 3. Nobody answers the legal aid referral in time: it expires and the case page flags it.
    legal_referral.refresh_from_db()
    referrals_expire_due(now=legal_referral.due_at + timedelta(minutes=1))
    page.goto(f"{base}/cases/{case.pk}/referrals/")
    row = page.locator(f'[data-referral="{legal_referral.pk}"]')
    assert row.locator('[data-state="expired"]').count() == 1 and row.locator("[data-overdue]").count() == 1
    assert_no_csp_violations(page)

    # 4. The case manager revokes the shelter referral.
    page.goto(f"{base}/referrals/{shelter_referral.pk}/")
    revoke = page.locator('[data-answer="revoke"]')
    revoke.locator('[name="reason"]').fill("The child was placed with her aunt.")
    revoke.get_by_role("button", name="Revoke").click()
    page.wait_for_load_state("load")
    assert Referral.objects.get(pk=shelter_referral.pk).state == "revoked"
    assert_no_csp_violations(page)

    # 5. The shelter's access ended: its next request for the referral is a 404.
    response = shelter_page.goto(f"{base}/referrals/{shelter_referral.pk}/")
    assert response is not None and response.status == 404
    assert CHILD_NAME not in shelter_page.content()
    assert_no_csp_violations(shelter_page, expected_status=404)
