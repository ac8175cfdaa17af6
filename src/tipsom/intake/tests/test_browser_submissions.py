"""An identifier's review of a field submission in a real browser (issue 14, item 5): the menu counts the waiting
submission; the queue lists it without a name; its page shows that the person may already be registered (the
registry check of the case registration); she registers the case for a new person anyway, and lands on the case."""

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

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)


@pytest.fixture
def review(form_key_file: Any) -> dict[str, Any]:
    from tipsom.accounts.testing import make_user
    from tipsom.intake.submissions.services import submission_registration
    from tipsom.intake.submissions.testing import make_submission
    from tipsom.intake.tests.submission_support import publish_form
    from tipsom.organizations.testing import make_organization
    from tipsom.people.services import person_create

    publish_form("BR")
    labour = make_organization("BR", name="Inspeção do Trabalho", region="BR-MT")
    identifier = make_user(labour, roles=("frontline_identifier",), username="br.labour.identifier")
    TOTPDevice.objects.create(user=identifier, name="phone", confirmed=True)
    submission = make_submission(labour, number=7)
    person = submission_registration(submission)["person"]
    registered = person_create(
        actor=identifier,
        organization=labour,
        names=person["names"],
        gender=person["gender"],
        citizenships=person["citizenships"],
        **({"birth_date": person["birth_date"], "birth_date_precision": person["birth_date_precision"]}),
    )
    return {"identifier": identifier, "submission": submission, "registered": registered, "name": person["names"]}


def test_an_identifier_reviews_a_submission_with_a_possible_duplicate_and_accepts_it(
    live_server: Any,
    page: Any,  # noqa: F811
    review: dict[str, Any],
) -> None:
    from tipsom.cases.models import Case
    from tipsom.intake.models import Submission

    base = live_server.url
    submission = review["submission"]
    name = review["name"][0]["name"]
    browser_sign_in(page, base, review["identifier"])
    menu = page.locator('header a[href="/intake/submissions/"]').first  # in the bar or under "More"
    assert "1" in (menu.text_content() or "")  # the badge: one submission waits
    page.goto(f"{base}/intake/submissions/")
    row = page.locator(f'tr[data-submission="{submission.pk}"]')
    row.wait_for()
    assert name not in page.content()
    row.get_by_role("link").click()
    page.wait_for_load_state("load")

    box = page.locator(".match-candidates")
    box.wait_for()
    assert page.locator(f'.match-visible[data-person="{review["registered"].pk}"]').count() == 1
    assert name not in page.content()  # masked, and the candidate is named by its number
    page.screenshot(path=str(ARTIFACTS / "submission-review-possible-duplicate.png"), full_page=True)
    assert_no_csp_violations(page)

    box.locator('button[name="match_ack"]').click()
    page.wait_for_load_state("load")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    case = Case.objects.get(pk=submission.case_id)
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert case.case_number in page.content()
    assert case.person_id != review["registered"].pk
    page.screenshot(path=str(ARTIFACTS / "submission-accepted-case.png"), full_page=True)
