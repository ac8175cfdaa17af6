"""The import of a register in a real browser (Debian's Chromium through Playwright): a case manager uploads a
register, checks the proposed column mapping, runs a dry run whose progress bar moves and reaches 100 %, reads the
row in error, then imports for real.

No background worker runs in the tests: the test runs the task's body (jobs.job_run) itself once the page waits for
it, in chunks, and lets the page poll between two chunks. The live server shares the test's SQLite connection, so
requests and chunks take turns (a lock around each request and each chunk). Screenshots go to
test-artifacts/browser/intake-*.png."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.cases.models import Case
from tipsom.cases.tests.test_browser_journey import browser_sign_in
from tipsom.core.tests.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    assert_no_csp_violations,
    browser,
    page,
    pytestmark,
)
from tipsom.intake import jobs
from tipsom.intake.models import ImportJob
from tipsom.intake.tests.registers_data import register_csv

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)
ROWS = 120
PERCENT = "() => +document.querySelector('#import-progress').dataset.percent"


def shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"intake-{name}.png"), full_page=True)


@pytest.fixture
def turns(monkeypatch: pytest.MonkeyPatch) -> threading.Lock:
    """A lock each request of the live server holds while it is served."""
    lock = threading.Lock()
    serve = WSGIHandler.__call__

    def one_at_a_time(self: Any, environ: Any, start_response: Any) -> Any:
        with lock:
            return serve(self, environ, start_response)

    monkeypatch.setattr(WSGIHandler, "__call__", one_at_a_time)
    return lock


def run_watched(pg: Any, job: ImportJob, turns: threading.Lock, *, watch: bool) -> ImportJob:
    """Run the job as the worker would, 20 rows a chunk; with `watch`, after the first chunks let the page poll until
    its bar shows the progress, part of the way."""
    seen: list[int] = []

    def between_chunks(current: ImportJob) -> None:
        if not watch or seen or current.done_rows < ROWS // 3:
            return
        turns.release()
        try:
            pg.wait_for_function(f"() => {{ const p = ({PERCENT})(); return p > 0 && p < 100; }}", timeout=20_000)
            seen.append(pg.evaluate(PERCENT))
            shot(pg, "progress")
        finally:
            turns.acquire()

    with turns:
        job = jobs.job_run(job.pk, run_id=job.task_id, progress=between_chunks, batch_rows=20)
    if watch:
        assert seen and 0 < seen[0] < 100
    return job


def test_upload_map_dry_run_and_import_with_the_progress_bar(live_server, page, turns):  # noqa: F811
    from tipsom.accounts.testing import make_user
    from tipsom.organizations.testing import make_organization

    shelter = make_organization("BR", name="Abrigo Esperança", type="NGO", functions=["shelter"])
    manager = make_user(shelter, roles=("case_manager",), username="marta")
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    browser_sign_in(page, live_server.url, manager)

    page.goto(f"{live_server.url}/intake/imports/")
    page.get_by_role("link", name="Import a register").click()
    page.get_by_label("Name of the new register").fill("Abrigo 2015-2020")
    page.set_input_files(
        'input[name="file"]',
        files=[{"name": "abrigo.csv", "mimeType": "text/csv", "buffer": register_csv(ROWS, {50: "unknown_code"})}],
    )
    assert page.get_by_label("Dry run", exact=False).is_checked()
    page.get_by_role("button", name="Upload and map the columns").click()
    page.wait_for_load_state("load")

    # The mapping page proposes each column from its Portuguese heading.
    assert page.locator('select[name="column_identified_on"]').input_value() == "Data de identificação"
    assert page.locator('select[name="column_citizenships"]').input_value() == "Nacionalidade"
    page.get_by_label("Values of the file that stand for codes").fill("gender: F = Feminine")
    shot(page, "mapping")
    page.get_by_role("button", name="Save and check the rows (dry run)").click()
    page.wait_for_load_state("load")
    assert "Waiting to start" in page.locator("#import-progress").inner_text()

    dry = ImportJob.objects.get()
    dry = run_watched(page, dry, turns, watch=True)
    assert dry.status == ImportJob.Status.DONE
    page.wait_for_selector('#import-progress[data-status="done"][data-percent="100"]', timeout=20_000)
    progress = page.locator("progress.import-progress")
    assert progress.get_attribute("value") == progress.get_attribute("max") == str(ROWS)
    text = page.locator("#import-progress").inner_text()
    assert "Valid (would be imported)" in text and "119" in text
    assert page.locator('tr[data-row="52"]').inner_text().startswith("52\tNacionalidade\t“XX”: Unknown code")
    assert Case.objects.count() == 0
    shot(page, "dry-run")

    page.get_by_role("button", name="Import for real").click()
    page.wait_for_load_state("load")
    real = ImportJob.objects.get(dry_run=False)
    run_watched(page, real, turns, watch=False)
    page.wait_for_selector('#import-progress[data-status="done"][data-percent="100"]', timeout=20_000)
    assert "Imported" in page.locator("#import-progress").inner_text()
    assert Case.objects.filter(owner_organization=shelter).count() == ROWS - 1
    shot(page, "imported")
    assert_no_csp_violations(page)
