"""The issue's journey in a real browser: a frontline identifier screens and registers a presumed child from
Bolivia exploited in Brazil; the child protection officer is notified and appoints a guardian; another NGO gets
404; the supervisor approves "Actual victim"; every step is audited and no name is stored in clear."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.accounts.models import User
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
def staff() -> dict[str, Any]:

    from tipsom.accounts.testing import make_user
    from tipsom.organizations.testing import make_organization

    ngo = make_organization("BR", name="Associação Rede Livre", type="NGO", functions=["victim_assistance"])
    agency = make_organization(
        "BR", name="Conselho Tutelar de Cuiabá", type="LocalGovernmentOrganisation", functions=["child_protection"]
    )
    other = make_organization("BR", name="Outra ONG", type="NGO", functions=["shelter"])
    users = {
        "identifier": make_user(ngo, roles=("frontline_identifier",), username="ana"),
        "supervisor": make_user(ngo, roles=("case_supervisor",), username="sergio"),
        "officer": make_user(agency, roles=("child_protection_officer",), username="clara"),
        "stranger": make_user(other, roles=("case_manager",), username="otto"),
    }
    for user in users.values():
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return {"agency": agency, **users}


def browser_sign_in(pg: Any, base_url: str, user: User) -> None:
    pg.context.clear_cookies()
    pg.goto(f"{base_url}/accounts/login/")
    pg.get_by_label("Username").fill(user.username)
    pg.get_by_label("Password").fill(PASSWORD)
    pg.get_by_role("button", name="Sign in").click()
    device = TOTPDevice.objects.get(user=user)
    pg.get_by_label("Six-digit code").fill(f"{totp(device.bin_key):06d}")
    pg.get_by_role("button", name=re.compile("Verify|Sign in|Continue")).click()
    pg.wait_for_load_state("load")
    assert "/accounts/login" not in pg.url, pg.content()[:2000]


def pick(pg: Any, name: str, typed: str, value: str) -> None:
    """Choose `value` in the searchable picker of the select `name`, by typing part of its label."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    select = pg.locator(f'select[name="{name}"][data-picker]')
    select_id = select.get_attribute("id")
    control = pg.locator(f"#{select_id}-ts-control")
    pg.locator(f".ts-control:has(> #{select_id}-ts-control)").click()  # the box (a chosen single item hides the input)
    pg.keyboard.type(typed)
    pg.locator(f'#{select_id}-ts-dropdown [data-value="{value}"]').click()
    pg.wait_for_load_state("networkidle")  # the recommendation follows each change (HTMX)
    # Escape closes the dropdown; an HTMX swap landing at that moment can swallow the key, so press it again.
    dropdown = pg.locator(f"#{select_id}-ts-dropdown")
    for _attempt in range(5):
        control.press("Escape")
        try:
            dropdown.wait_for(state="hidden", timeout=3_000)
            break
        except PlaywrightTimeoutError:
            continue
    dropdown.wait_for(state="hidden")
    assert value in select.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)")


def _open_tab(pg: Any, name: str) -> None:
    pg.get_by_role("tab", name=name).or_(pg.get_by_role("link", name=name)).first.click()
    pg.wait_for_load_state("networkidle")


def browser_action(pg: Any, name: str) -> Any:
    """The block of one case action, its collapsible card opened."""
    block = pg.locator(f'[data-action="{name}"]')
    details = block.locator("details")
    details.wait_for()
    if details.get_attribute("open") is None:
        block.locator("summary").click()
    block.locator("form").wait_for(state="visible")
    return block


def test_presumed_child_from_bolivia_end_to_end(live_server, page, staff, tmp_path):  # noqa: F811
    from tipsom.audit.models import AuditEvent
    from tipsom.cases.models import Case
    from tipsom.core.testing import database_bytes

    base = live_server.url
    # 1. The frontline identifier screens and registers the child.
    browser_sign_in(page, base, staff["identifier"])
    page.goto(f"{base}/cases/new/")
    # In steps: the person, the screening, the case, consent (nothing is saved before the last).
    page.locator('[name="name"]').fill("Juana Mamani Quispe")
    pick(page, "citizenships", "Bolivia", "BO")
    page.locator('[name="is_presumed_minor"]').check()
    page.get_by_role("button", name="Next").click()
    page.locator('[name="case_type"][value="tip"]').check()
    page.locator('input[name="acts"][value="recruitment"]').check()
    page.locator('input[name="acts"][value="transportation"]').check()
    pick(page, "purposes", "Forced labour", "ForcedLabour")
    pick(page, "means", "Debt", "DebtBondage")
    # The recommendation follows the indicators (HTMX); it advises, it does not decide.
    page.get_by_text(re.compile("presumed victim")).first.wait_for()
    page.get_by_role("button", name="Next").click()
    page.locator('[name="identified_on"]').fill("2026-10-02")
    pick(page, "origin_country", "Bolivia", "BO")
    pick(page, "destination_country", "Brazil", "BR")
    # The forms of exploitation come from the screening's purposes: not asked again.
    assert page.locator('select[name="exploitation_types"] option[value="ForcedLabour"]').evaluate("o => o.selected")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Register the case").click()
    page.wait_for_load_state("load")
    case = Case.objects.get()
    assert page.url.rstrip("/").endswith(f"/cases/{case.pk}"), page.url
    assert case.is_child and case.case_number in page.content() and case.exploitation_types == ["ForcedLabour"]
    assert "Juana" not in page.content()  # the identity is masked
    assert_no_csp_violations(page)

    # 2. The identifier notifies the child protection agency; its officer appoints a guardian.
    _open_tab(page, "Child track")
    notify = browser_action(page, "child_notify")
    notify.locator('[name="organization"]').select_option(str(staff["agency"].pk))
    notify.get_by_role("button", name="Notify").click()
    page.locator("[data-tab=child]").get_by_text("Conselho Tutelar").first.wait_for()

    # The identifier records "Actual victim": it waits for the supervisor (step 4).
    _open_tab(page, "Identification")
    decide = browser_action(page, "decide")
    decide.locator('[name="status"]').select_option("ActualVictimOfTrafficking")
    decide.locator('[name="decided_on"]').fill("2026-10-06")
    decide.locator('[name="deciding_organization_type"]').select_option("NGO")
    decide.locator('[name="basis"]').fill("Interview and labour inspection report.")
    decide.get_by_role("button", name="Record the decision").click()
    page.get_by_text("The decision was recorded.").first.wait_for()
    assert case.decisions.filter(approval="pending").exists()

    browser_sign_in(page, base, staff["officer"])
    page.goto(f"{base}/cases/{case.pk}/")
    assert case.case_number in page.content()
    _open_tab(page, "Child track")
    child = browser_action(page, "child")
    child.locator('[name="guardian_name"]').fill("Dra. Helena Costa")
    child.locator('[name="guardian_appointed_on"]').fill("2026-10-05")
    child.get_by_role("button", name="Save").click()
    page.locator("[data-tab=child]").get_by_text("Dra. Helena Costa").first.wait_for()
    assert page.get_by_text("No guardian has been appointed").count() == 0

    # 3. A case manager of another NGO does not find the case.
    browser_sign_in(page, base, staff["stranger"])
    response = page.goto(f"{base}/cases/{case.pk}/")
    assert response.status == 404

    # 4. The supervisor approves it.
    browser_sign_in(page, base, staff["supervisor"])
    page.goto(f"{base}/cases/approvals/")
    page.get_by_role("link", name=case.case_number).first.click()
    page.wait_for_load_state("load")
    _open_tab(page, "Identification")
    browser_action(page, "decision_review").get_by_role("button", name="Approve").click()
    page.get_by_text("The review was saved.").first.wait_for()
    case.refresh_from_db()
    assert case.trafficking_status == "ActualVictimOfTrafficking"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "case-approved.png"), full_page=True)
    assert_no_csp_violations(page, expected_status=404)  # the other NGO's 404 above

    # 5. Every step is audited, and the database holds no name in clear.
    actions = set(AuditEvent.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    assert {
        "case.create",
        "case.child_notify",
        "case.child_update",
        "case.status_decision",
        "case.status_decision_review",
    } <= actions, actions
    stored = database_bytes(tmp_path)
    for secret in ("Juana Mamani Quispe", "Mamani", "Helena Costa", "labour inspection report"):
        assert secret.encode() not in stored, secret
