"""Done-when 1 of issue 13 in a real browser: "Ольга Коваленко", born 1999, is registered by the police; a shelter's
identifier types "Olha Kovalenko", born 1999, and is told that a possible match is held by the police, without her
identity. She asks for access, the police grant it, and the new case is then registered for the person already in
the registry. In English and Arabic."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
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


@pytest.fixture
def ukraine() -> dict[str, Any]:
    from tipsom.accounts.testing import make_user
    from tipsom.matching.testing import make_person
    from tipsom.organizations.testing import make_organization

    police = make_organization("UA", name="National Police of Ukraine")
    shelter = make_organization("UA", name="Shelter of Hope", type="NGO", functions=["shelter"])
    users = {
        "police": make_user(police, roles=("case_manager",), username="ua.police.case"),
        "identifier": make_user(shelter, roles=("frontline_identifier",), username="ua.shelter.identifier"),
    }
    for user in users.values():
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    held = make_person(police, "Ольга Коваленко", birth_date="1999", actor=users["police"], citizenships=["UA"])
    return {"held": held, **users}


def _type_olha(pg: Any, base: str) -> None:
    pg.goto(f"{base}/cases/new/")
    pg.locator('[name="name"]').fill("Olha Kovalenko")
    pg.locator('[name="gender"]').select_option("Feminine")
    pg.locator('[name="birth_date"]').fill("1999")
    pg.locator('button[name="go"][value="next"]').click()
    pg.wait_for_load_state("load")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_possible_match_held_elsewhere_is_asked_for_and_then_used(
    live_server: Any,
    page: Any,  # noqa: F811
    ukraine: dict[str, Any],
    language: str,
) -> None:
    base = live_server.url
    held = ukraine["held"]
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    browser_sign_in(page, base, ukraine["identifier"])
    _type_olha(page, base)
    box = page.locator(".match-candidates")
    box.wait_for()
    assert page.locator(".match-hidden").count() == 1 and page.locator(".match-visible").count() == 0
    assert "National Police of Ukraine" in box.inner_text()
    content = page.content()
    assert "Ольга" not in content and "Коваленко" not in content and f"/people/{held.pk}/" not in content
    assert page.locator('input[name="step"][value="person"]').count() == 1  # still at the first step
    page.screenshot(path=str(ARTIFACTS / f"register-match-held-elsewhere-{language}.png"), full_page=True)
    assert_no_csp_violations(page)

    # She asks the police for access.
    page.locator(".match-ask summary").click()
    page.locator('.access-request-form [name="reason"]').fill("She is staying at our shelter since Monday.")
    page.locator(".access-request-form button[type=submit]").click()
    page.wait_for_load_state("load")
    from tipsom.matching.models import AccessRequest

    request = AccessRequest.objects.get()
    assert request.holding_organization_id == held.owner_organization_id and request.status == "pending"

    # The police grant it.
    browser_sign_in(page, base, ukraine["police"])
    page.goto(f"{base}/matching/requests/{request.pk}/")
    page.locator('.answer-form [name="grant"][value="yes"]').check()
    page.locator(".answer-form button[type=submit]").click()
    page.wait_for_load_state("load")
    request.refresh_from_db()
    assert request.status == "granted"

    # Now the identifier sees her and registers the new case for her (the same code may not serve twice: a new one).
    TOTPDevice.objects.filter(user=ukraine["identifier"]).update(last_t=-1)
    browser_sign_in(page, base, ukraine["identifier"])
    _type_olha(page, base)
    visible = page.locator(f'.match-visible[data-person="{held.pk}"]')
    visible.wait_for()
    page.screenshot(path=str(ARTIFACTS / f"register-match-granted-{language}.png"), full_page=True)
    visible.locator('button[name="use_person"]').click()
    page.wait_for_load_state("load")
    assert f"person={held.pk}" in page.url
    assert page.locator(".register-existing-person").count() == 1
    assert page.locator('input[name="step"][value="screening"]').count() == 1
