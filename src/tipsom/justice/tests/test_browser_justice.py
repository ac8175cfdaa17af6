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

import json
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
from tipsom.tests.test_accessibility import AXE, AXE_RUN

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)

CONVICTED = "Rogério Alves Batista"
ACQUITTED = "Francisco Menezes Lima"
WIDE = {"width": 1280, "height": 900}
# The visible elements of the page's content that reach past the left or right edge of the window.
OUTSIDE_THE_WINDOW = """
() => Array.from(document.querySelectorAll("main *"))
  .filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && (box.left < -1 || box.right > window.innerWidth + 1)
      && getComputedStyle(el).visibility !== "hidden" && !el.closest(".visually-hidden, thead");
  })
  .slice(0, 5)
  .map((el) => el.tagName + "." + el.className + " " + (el.textContent || "").trim().slice(0, 40))
"""


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


def signed_in_context(
    browser: Any,  # noqa: F811
    live_server: Any,
    user: Any,
    language: str = "en",
    axe: str | None = None,
    **options: Any,
) -> Any:
    """A browser context signed in as `user` (the session of Django's test client, second factor included), its
    interface in `language`; axe-core loaded into every page when given (an init script, outside the page's CSP)."""
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
    if axe is not None:
        context.add_init_script(axe)
    return context


def new_page(context: Any) -> Any:
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda message: message.type == "error" and pg.console_errors.append(message.text))
    pg.on("pageerror", lambda error: pg.console_errors.append(str(error)))
    return pg


def assert_fits(pg: Any, width: int) -> None:
    """Nothing wider than the window: no sideways scrolling of the page, and nothing of the page's content past
    either edge of the window (a badge pushed out of its card is cut off without widening the page)."""
    assert fit_problems(pg, width) == [], pg.url


def fit_problems(pg: Any, width: int) -> list[str]:
    scroll = pg.evaluate("document.documentElement.scrollWidth")
    problems = [f"the page is {scroll} px wide"] if scroll > width else []
    return problems + pg.evaluate(OUTSIDE_THE_WINDOW)


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
    shot(page, "journey-case-form-en")
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
    assert page.get_by_text("The offence is recorded.").count() == 1

    # Two suspects, with names.
    open_tab(page, "defendants")
    for name, year in ((CONVICTED, "1971"), (ACQUITTED, "1990")):
        page.get_by_role("link", name="Add a suspect").click()
        page.wait_for_load_state("load")
        page.locator('[name="name"]').fill(name)
        page.locator('[name="birth_year"]').fill(year)
        choose(page, "gender", page.locator('select[name="gender"] option').nth(2).get_attribute("value"))
        save(page)
    assert page.get_by_text("The suspect is added.").count() == 1  # said once, above the page
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
        assert page.get_by_text("The charge is recorded.").count() == 1

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
    shot(page, "journey-conviction-form-en")
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


# 2. The victim's case manager and the prosecutor ------------------------------------------------------------------


def test_case_manager_sees_the_hearing_prosecutor_gets_404(live_server, browser):  # noqa: F811
    from datetime import timedelta

    from tipsom.cases.services import journal_add
    from tipsom.justice.services import victims as services
    from tipsom.justice.tests.test_victims_services import victims_world

    world = victims_world()
    link = world.link(protection_measures=["video_link"], testimony_mode="video")
    starts_at = (timezone.now() + timedelta(days=6)).replace(hour=14, minute=0, second=0, microsecond=0)
    hearing = services.hearing_add(
        actor=world.prosecutor,
        criminal_case=world.criminal_case,
        kind="trial",
        starts_at=starts_at,
        court_name="1st Federal Court of Belém",
        room="Room 3",
        victims=[link.pk],
    )
    journal_add(actor=world.case_manager, case_id=world.victim_case.pk, text="Care note: she is afraid to testify.")
    case_url = f"{live_server.url}{reverse('cases:detail', kwargs={'pk': world.victim_case.pk})}"
    for language in ("en", "ar"):
        context = signed_in_context(browser, live_server, world.case_manager, language)
        try:
            pg = new_page(context)
            pg.set_default_timeout(10_000)
            pg.goto(case_url)
            tab = pg.get_by_role("tab", name=re.compile("Proceedings|الإجراءات"))
            tab = tab.or_(pg.locator(f'a[href$="{reverse("cases:proceedings", kwargs={"pk": world.victim_case.pk})}"]'))
            tab.first.click()
            shown = pg.locator(f'[data-hearing="{hearing.pk}"]')
            shown.wait_for()
            assert pg.locator("[data-hearing]").count() == 1
            text = shown.inner_text()
            assert str(timezone.localtime(starts_at).year) in text and "Room 3" in text, text
            assert (
                world.criminal_case.reference
                in pg.locator(f'[data-proceeding="{world.criminal_case.reference}"]').inner_text()
            )
            assert_fits(pg, WIDE["width"])
            shot(pg, f"victim-case-proceedings-{language}")
            assert_no_csp_violations(pg)
        finally:
            context.close()

    context = signed_in_context(browser, live_server, world.prosecutor)
    try:
        pg = new_page(context)
        for address in (
            reverse("cases:detail", kwargs={"pk": world.victim_case.pk}),
            reverse("cases:tab", kwargs={"pk": world.victim_case.pk, "tab": "journal"}),
        ):
            response = pg.goto(f"{live_server.url}{address}")
            assert response.status == 404, address
            assert "afraid" not in pg.content()
            assert pg.locator("h1").count() == 1  # the site's own 404 page, not a bare error
        shot(pg, "victim-case-404-prosecutor")
        assert_no_csp_violations(pg, expected_status=404)
    finally:
        context.close()


# 3 and 4. The national rapporteur; the smuggling incident -------------------------------------------------------


@pytest.fixture
def world() -> Any:
    """A concluded Brazilian forced-labour case built through the services as its prosecutor would: an offence
    under art. 149-A, two named defendants charged under it (one convicted and sentenced, one acquitted), a victim
    in the proceedings summoned to a hearing, a request to Bolivia; and a smuggling incident with deaths at sea
    recorded by the same prosecution office."""
    import datetime

    from tipsom.accounts.testing import make_user
    from tipsom.cases.testing import make_case
    from tipsom.justice.models import CooperationRequest, LegalProvision
    from tipsom.justice.services import process, victims
    from tipsom.justice.testing import make_criminal_case, make_incident, make_offence, make_suspect
    from tipsom.justice.tests.brief_fixtures import ACQUITTED_NAME, CONVICTED_ALIAS, CONVICTED_NAME, COURT, SUMMARY
    from tipsom.organizations.testing import make_organization

    office = make_organization("BR", name="Procuradoria da República no Pará", type="LawEnforcement")
    prosecutor = make_user(office, roles=("prosecutor",), username="paula", full_name="Paula Ramos")
    article = LegalProvision.objects.get(country="BR", article="art. 149-A")
    criminal_case = make_criminal_case(
        office,
        title="Forced labour on a cattle farm in Pará",
        file_number="IPL 0123/2025-SR/PF/PA",
        brief_summary=SUMMARY,
        prosecution_office=office,
        is_transnational=True,
        countries_involved=["BO"],
        investigation_closed_on=datetime.date(2025, 4, 30),
    )
    make_offence(
        criminal_case,
        provision=article,
        recruitment_methods=["AtWork"],
        means_of_control=["DebtBondage", "FalsePromises"],
        exploitation_types=["ForcedLabour"],
        places="Marabá, PA",
        is_transnational=True,
        countries_involved=["BO"],
    )
    arrested = {"contact_type": "arrested", "formal_contact_on": datetime.date(2025, 3, 1)}
    convicted = make_suspect(
        criminal_case,
        person={
            "names": [{"name": CONVICTED_NAME}, {"name": CONVICTED_ALIAS, "kind": "alias"}],
            "citizenships": ["BR"],
        },
        roles=["recruiter", "exploiter"],
        age_at_offence=51,
        **arrested,
    )
    acquitted = make_suspect(
        criminal_case,
        person={"names": [{"name": ACQUITTED_NAME}], "citizenships": ["BO"]},
        roles=["transporter"],
        age_at_offence=29,
        **arrested,
    )
    victim_case = make_case(make_organization("BR", name="Abrigo Esperança"))
    link = victims.victim_link_add(
        actor=prosecutor,
        criminal_case=criminal_case,
        case_number=victim_case.case_number,
        role="injured_party",
        protection_measures=["video_link"],
        testimony_mode="video",
    )
    victims.hearing_add(
        actor=prosecutor,
        criminal_case=criminal_case,
        kind="trial",
        starts_at=datetime.datetime(2026, 2, 10, 14, 0, tzinfo=datetime.UTC),
        court_name=COURT,
        room="Sala 2",
        victims=[link.pk],
    )
    CooperationRequest.objects.create(
        criminal_case=criminal_case,
        kind="mla",
        direction="outgoing",
        countries=["BO"],
        authority="Fiscalía General del Estado",
        subject="Testimony",
        status="answered",
        sent_on=datetime.date(2025, 6, 2),
        deadline=datetime.date(2025, 9, 1),
        answered_on=datetime.date(2025, 8, 14),
    )
    charges = [
        process.charge_add(actor=prosecutor, suspect=suspect, provision=article, charged_on="2025-05-12")
        for suspect in (convicted, acquitted)
    ]
    sentences: list[tuple[Any, str, dict[str, Any]]] = [
        (charges[0], "convicted", {"prison_months": 96, "fine_amount": "25000", "currency": "BRL"}),
        (charges[1], "acquitted", {}),
    ]
    for charge, outcome, sentence in sentences:
        process.decision_record(
            actor=prosecutor,
            criminal_case=criminal_case,
            charge=charge,
            level="first_instance",
            decided_on="2026-02-27",
            outcome=outcome,
            court_name=COURT,
            is_final=True,
            **sentence,
        )
    incident = make_incident(office, actor=prosecutor)
    rapporteur = make_user(make_organization("BR", name="Comitê Nacional"), roles=("national_rapporteur",))
    criminal_case.refresh_from_db()
    return {"case": criminal_case, "prosecutor": prosecutor, "incident": incident, "rapporteur": rapporteur}


def test_national_rapporteur_sees_cases_without_identities_and_the_year(live_server, browser, world):  # noqa: F811
    from tipsom.justice.tests.brief_fixtures import NAMES

    criminal_case = world["case"]
    context = signed_in_context(browser, live_server, world["rapporteur"])
    try:
        pg = new_page(context)
        pg.set_default_timeout(10_000)
        pg.goto(f"{live_server.url}/")
        pg.locator("nav").get_by_role("link", name="Criminal cases").first.click()
        pg.get_by_role("link", name=criminal_case.reference).click()
        pg.wait_for_load_state("load")
        for tab in ("defendants", "victims", "brief"):
            open_tab(pg, tab)
            text = pg.locator("#criminal-case-tab").inner_text()  # the title may name someone: not the tabs
            assert pg.locator("[data-reveal], form[action*='reveal'], form[action$='/name/']").count() == 0, tab
            assert "Reveal" not in text, tab
            for name in NAMES:
                assert name not in text, (tab, name)
        pg.locator("nav").get_by_role("link", name="Justice statistics").first.click()
        pg.wait_for_load_state("load")
        choose(pg, "year", "2026")
        pg.locator("main").get_by_role("button", name="Show").click()
        pg.wait_for_load_state("load")
        assert "2026" in pg.locator("h1").inner_text()
        assert pg.locator('[data-stage-total="convicted"]').inner_text() == "1"
        assert pg.locator('[data-total="dead"]').inner_text() == "12"  # the incident at sea
        assert pg.locator('[data-total="incidents"]').inner_text() == "1"
        shot(pg, "rapporteur-stats-en")
        choose(pg, "year", "2025")
        pg.locator("main").get_by_role("button", name="Show").click()
        pg.wait_for_load_state("load")
        assert pg.locator('[data-stage-total="prosecuted"]').inner_text() == "2"  # one per defendant
        assert_no_csp_violations(pg)
    finally:
        context.close()


def test_incident_with_deaths_at_sea_in_the_list_and_on_its_page(live_server, browser, world):  # noqa: F811
    incident = world["incident"]
    context = signed_in_context(browser, live_server, world["prosecutor"])
    try:
        pg = new_page(context)
        pg.set_default_timeout(10_000)
        pg.goto(f"{live_server.url}/")
        pg.locator("nav").get_by_role("link", name="Smuggling incidents").first.click()
        pg.wait_for_load_state("load")
        assert pg.locator('[data-total="dead"]').inner_text() == "12"
        pg.get_by_role("link", name=incident.reference).first.click()
        pg.wait_for_load_state("load")
        assert incident.reference in pg.locator("h1").inner_text()
        text = pg.locator("main").inner_text()
        assert "12" in text and "Agadez" in text, text
        assert_no_csp_violations(pg)
    finally:
        context.close()


# 5. English, Arabic, and a phone ---------------------------------------------------------------------------------


def test_pages_in_english_and_arabic(live_server, browser, world):  # noqa: F811
    criminal_case, incident = world["case"], world["incident"]
    pk = criminal_case.pk
    prosecutor_pages = [
        ("case-list", reverse("justice:list")),
        *(
            (f"case-{tab}", reverse(f"justice:{name}", kwargs={"pk": pk}))
            for tab, name in (
                ("overview", "detail"),
                ("offences", "offences"),
                ("defendants", "defendants"),
                ("process", "process"),
                ("victims", "victims"),
                ("cooperation", "cooperation"),
                ("brief", "brief"),
            )
        ),
        ("incident-list", reverse("justice:incidents")),
        ("incident-detail", reverse("justice:incident", kwargs={"pk": incident.pk})),
        ("laws", reverse("justice:provisions")),
    ]
    rapporteur_pages = [("stats", f"{reverse('justice:stats')}?year=2026")]
    axe = AXE.read_text(encoding="utf-8")
    found: dict[str, Any] = {}
    for language, direction in (("en", "ltr"), ("ar", "rtl")):
        for user, pages in ((world["prosecutor"], prosecutor_pages), (world["rapporteur"], rapporteur_pages)):
            context = signed_in_context(browser, live_server, user, language, axe)
            try:
                pg = new_page(context)
                for name, address in pages:
                    response = pg.goto(f"{live_server.url}{address}")
                    assert response.status == 200, (name, response.status)
                    html = pg.locator("html")
                    assert html.get_attribute("lang") == language and html.get_attribute("dir") == direction
                    assert_fits(pg, WIDE["width"])
                    # axe-core: no serious or critical violation of WCAG 2.1 A/AA and best practices.
                    violations = pg.evaluate(AXE_RUN)
                    if violations:
                        found[f"{language} {name}"] = violations
                    shot(pg, f"{name}-{language}")
                    assert_no_csp_violations(pg)
            finally:
                context.close()
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def test_case_pages_on_a_phone_in_arabic(live_server, browser, world):  # noqa: F811
    criminal_case = world["case"]
    pk = criminal_case.pk
    phone: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
    context = signed_in_context(browser, live_server, world["prosecutor"], "ar", **phone)
    try:
        pg = new_page(context)
        found: dict[str, list[str]] = {}
        for name, address in (
            ("case-list", reverse("justice:list")),
            ("case-process", reverse("justice:process", kwargs={"pk": pk})),
            ("case-defendants", reverse("justice:defendants", kwargs={"pk": pk})),
            ("case-victims", reverse("justice:victims", kwargs={"pk": pk})),
            ("incident-list", reverse("justice:incidents")),
            ("incident-detail", reverse("justice:incident", kwargs={"pk": world["incident"].pk})),
        ):
            pg.goto(f"{live_server.url}{address}")
            assert pg.locator("html").get_attribute("dir") == "rtl"
            problems = fit_problems(pg, 390)
            if problems:
                found[name] = problems
            shot(pg, f"{name}-ar-phone")
        assert found == {}, found
        assert_no_csp_violations(pg)
    finally:
        context.close()
