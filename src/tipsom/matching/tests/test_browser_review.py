"""The reviewer's journey of issue 13 (done-when 3) in a real browser (Debian's Chromium through Playwright):

"Ольга Коваленко" registered by the police and "Olha Kovalenko" by a shelter, both born in 1999, are a pair in the
review queue. A registry reviewer opens the queue, opens the pair (both persons masked, one revealed with a
reason), merges them, sees the merge in the list, undoes it, and both persons are back exactly as they were. The
queue and the pair in English and in Arabic (right to left), on a wide screen and a phone, without a CSP violation
or a serious accessibility problem.

Screenshots go to test-artifacts/browser/matching-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.core.tests.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    assert_no_csp_violations,
    browser,
    pytestmark,
)
from tipsom.justice.tests.test_browser_justice import assert_fits, new_page, signed_in_context
from tipsom.tests.test_accessibility import AXE, AXE_RUN

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)

OLGA = "Ольга Коваленко"
OLHA = "Olha Kovalenko"
PHONE = {"width": 390, "height": 844}


def shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"matching-{name}.png"), full_page=True)


@pytest.fixture
def registry() -> dict[str, Any]:
    """Olga at the police and Olha at a shelter (Ukraine), both born in 1999, each with a case; the pair the
    registration put in the queue; a registry reviewer of the national committee (second factor set up)."""
    from tipsom.accounts.testing import make_user
    from tipsom.cases.testing import make_case
    from tipsom.matching.models import CandidatePair
    from tipsom.organizations.testing import make_organization

    police = make_organization("UA", name="National Police of Ukraine", type="LawEnforcement")
    shelter = make_organization("UA", name="Shelter of Hope", type="NGO")
    committee = make_organization("UA", name="National Anti-Trafficking Committee", type="Government")
    person = {"birth_date": "1999", "birth_date_precision": "year", "gender": "Feminine", "citizenships": ["UA"]}
    first = make_case(police, person={**person, "names": [{"name": OLGA}]}, origin_country="UA")
    second = make_case(shelter, person={**person, "names": [{"name": OLHA}]}, origin_country="UA")
    reviewer = make_user(committee, roles=("registry_reviewer",), username="iryna", full_name="Iryna Melnyk")
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    pair = CandidatePair.objects.get()  # put in the queue by the second registration
    return {"olga": first.person, "olha": second.person, "cases": (first, second), "pair": pair, "reviewer": reviewer}


def _state(person: Any) -> dict[str, Any]:
    from tipsom.cases.models import Case
    from tipsom.people.models import PersonName

    person.refresh_from_db()
    return {
        "fields": {
            name: getattr(person, name)
            for name in ("birth_date", "birth_date_precision", "birth_year", "is_presumed_minor", "merged_into_id")
        },
        "names": sorted(PersonName.objects.filter(person=person).values_list("pk", "kind", "name")),
        "cases": sorted(Case.objects.filter(person=person).values_list("pk", flat=True)),
    }


def test_reviewer_merges_the_two_olhas_and_undoes_the_merge(live_server: Any, browser: Any, registry: Any) -> None:  # noqa: F811
    from tipsom.matching.models import CandidatePair, PersonMerge

    olga, olha, pair = registry["olga"], registry["olha"], registry["pair"]
    before = {olga.pk: _state(olga), olha.pk: _state(olha)}
    context = signed_in_context(browser, live_server, registry["reviewer"])
    pg = new_page(context)
    pg.set_default_timeout(10_000)
    base = live_server.url

    # The queue, from the menu.
    pg.goto(f"{base}/")
    pg.locator("nav").get_by_role("link", name="Possible duplicates").first.click()
    pg.wait_for_load_state("load")
    row = pg.locator(f'[data-pair="{pair.pk}"]')
    assert row.count() == 1
    text = row.inner_text()
    assert "National Police of Ukraine" in text and "Shelter of Hope" in text and "1999" in text
    assert "Birth date: same year" in text
    assert OLGA not in pg.content() and OLHA not in pg.content()
    shot(pg, "queue-en")

    # The pair: both masked; Olga revealed with a reason (audited), Olha still masked.
    row.get_by_role("link", name="Compare").click()
    pg.wait_for_load_state("load")
    assert pg.locator(".pair-person").count() == 2 and OLGA not in pg.content()
    column = pg.locator(f'.pair-person[data-person="{olga.pk}"]')
    column.locator('[name="reason"]').fill("Reviewing a possible duplicate across agencies")
    column.get_by_role("button", name="Reveal the identity").click()
    column.locator("[data-identity-revealed]").wait_for()
    assert OLGA in column.inner_text() and OLHA not in pg.locator(f'.pair-person[data-person="{olha.pk}"]').inner_text()
    shot(pg, "pair-en")

    # Merge: Olga's record is kept (the first choice).
    pg.locator(f"#survivor-{olga.pk}").check()
    pg.locator(".pair-merge-form").get_by_role("button", name="Merge").click()
    pg.wait_for_load_state("load")
    assert pg.url.endswith("/matching/merges/"), pg.url
    merge = PersonMerge.objects.get()
    assert (merge.survivor_id, merge.merged_id) == (olga.pk, olha.pk)
    assert pg.get_by_text("was merged into").count() == 1
    assert "In force" in pg.locator(f'[data-merge="{merge.pk}"]').inner_text()
    assert CandidatePair.objects.get(pk=pair.pk).status == CandidatePair.Status.MERGED
    assert _state(olha)["cases"] == [] and len(_state(olga)["cases"]) == 2
    shot(pg, "merged-en")

    # Undo, confirmed.
    pg.locator(f'[data-merge="{merge.pk}"]').get_by_role("link", name="Undo").click()
    pg.wait_for_load_state("load")
    shot(pg, "undo-confirm-en")
    pg.get_by_role("button", name="Undo the merge").click()
    pg.wait_for_load_state("load")
    assert pg.get_by_text("The merge is undone").count() == 1
    assert "Undone" in pg.locator(f'[data-merge="{merge.pk}"]').inner_text()
    shot(pg, "undone-en")
    assert {olga.pk: _state(olga), olha.pk: _state(olha)} == before
    assert_no_csp_violations(pg)
    context.close()


def test_the_queue_and_the_pair_in_arabic_and_on_a_phone(live_server: Any, browser: Any, registry: Any) -> None:  # noqa: F811
    pair = registry["pair"]
    axe = AXE.read_text(encoding="utf-8")
    found: dict[str, Any] = {}
    for language, viewport, suffix in (("ar", None, "ar"), ("en", PHONE, "phone-en"), ("ar", PHONE, "phone-ar")):
        options = {"viewport": viewport} if viewport else {}
        context = signed_in_context(browser, live_server, registry["reviewer"], language, axe, **options)
        pg = new_page(context)
        for name, path in (("queue", "/matching/"), ("pair", f"/matching/pairs/{pair.pk}/")):
            pg.goto(f"{live_server.url}{path}")
            pg.wait_for_load_state("load")
            assert pg.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            assert OLGA not in pg.content() and OLHA not in pg.content()
            if viewport:
                assert_fits(pg, viewport["width"])
            violations = pg.evaluate(AXE_RUN)
            if violations:
                found[f"{suffix} {name}"] = violations
            shot(pg, f"{name}-{suffix}")
            assert_no_csp_violations(pg)
        context.close()
    assert found == {}, found


def test_a_running_job_moves_on_its_own_and_a_holder_answers_a_request(
    live_server: Any,
    browser: Any,  # noqa: F811
    registry: Any,
) -> None:
    """The jobs page follows a running job every 2 seconds (HTMX) without a reload; the police answer the shelter's
    request for access from the inbox."""
    from tipsom.accounts.testing import make_user
    from tipsom.matching.models import AccessRequest, DedupeJob
    from tipsom.matching.selectors import candidate_token
    from tipsom.matching.services import access_request_create

    job = DedupeJob.objects.create(country="UA", threshold=0.9, step="blocking", done=120, total=1000)
    context = signed_in_context(browser, live_server, registry["reviewer"])
    pg = new_page(context)
    pg.goto(f"{live_server.url}/matching/jobs/")
    row = pg.locator(f'[data-job="{job.pk}"]')
    assert "Finding candidate pairs" in row.inner_text() and "120 / 1000" in row.inner_text()
    shot(pg, "jobs-running-en")
    DedupeJob.objects.filter(pk=job.pk).update(step="predicting", done=700)
    pg.get_by_text("700 / 1000").wait_for(timeout=6_000)
    DedupeJob.objects.filter(pk=job.pk).update(
        status=DedupeJob.Status.DONE, step="done", done=1000, counts={"persons": 1000, "pairs_new": 12, "clusters": 5}
    )
    pg.locator(f'[data-job="{job.pk}"][data-status="done"]').wait_for(timeout=6_000)
    assert "New pairs to review" in pg.locator(f'[data-job="{job.pk}"]').inner_text()
    assert pg.locator("#matching-jobs[hx-trigger]").count() == 0  # done: it stops asking
    shot(pg, "jobs-done-en")
    assert_no_csp_violations(pg)
    context.close()

    olga, shelter_case = registry["olga"], registry["cases"][1]
    asker = make_user(shelter_case.owner_organization, roles=("case_manager",), full_name="Oksana Bondar")
    access_request_create(
        actor=asker, token=candidate_token(user=asker, person_id=olga.pk), reason="She came to our shelter in May."
    )
    holder = make_user(olga.owner_organization, roles=("case_manager",), username="petro", full_name="Petro Shevchuk")
    TOTPDevice.objects.create(user=holder, name="phone", confirmed=True)
    context = signed_in_context(browser, live_server, holder)
    pg = new_page(context)
    pg.goto(f"{live_server.url}/")
    assert pg.locator('[data-widget="matching_access_requests"]').count() == 1
    pg.locator("nav").get_by_role("link", name="Access requests").first.click()
    pg.wait_for_load_state("load")
    shot(pg, "requests-en")
    access = AccessRequest.objects.get()
    pg.locator(f'[data-request="{access.pk}"]').get_by_role("link").click()
    pg.wait_for_load_state("load")
    pg.get_by_label("Grant access").check()
    pg.get_by_label("Note to the asking organization").fill("Granted for the referral to the shelter.")
    shot(pg, "request-answer-en")
    pg.get_by_role("button", name="Send the answer").click()
    pg.wait_for_load_state("load")
    assert pg.get_by_text("Access granted: Shelter of Hope now sees this person.").count() == 1
    access.refresh_from_db()
    assert access.status == AccessRequest.Status.GRANTED and access.grant_until is None
    assert_no_csp_violations(pg)
    context.close()
