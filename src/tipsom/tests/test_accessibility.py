"""Accessibility in a real browser (Debian's Chromium through Playwright), issue 11 item 9:

- axe-core (vendored for tests only, tests/vendor/axe-core) finds no serious or critical violation on the main
  pages, for several roles, in English and in Arabic;
- the header is one line at 1366 px in every language of settings.LANGUAGES, for a user with every menu entry;
- the reveal button's colours meet WCAG AA (computed from the page's CSS in the browser);
- after a reveal on the case page, the masked value is gone (the revealed one replaces it).

Screenshots go to test-artifacts/browser/a11y-*.png."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.core.tests.test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    RECORD_CSP_VIOLATIONS,
    assert_no_csp_violations,
    browser,
    pytestmark,
)

pytestmark = pytestmark  # noqa: PLW0127  (the browser marks: skip without chromium, transactional database)

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WIDE = {"width": 1366, "height": 900}
# WCAG 2.0 and 2.1, A and AA, and axe's best practices (landmarks, headings, skip link); serious and critical fail.
AXE_RUN = """
async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary)}));
}
"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def _context(browser: Any, live_server: Any, user: Any, language: str, axe: str | None = None) -> Any:  # noqa: F811
    """A browser context signed in as `user` (the session of Django's test client, second factor included) in
    `language`, with axe loaded into every page (an init script: outside the page's CSP, never served)."""
    from tipsom.accounts.testing import sign_in

    context = browser.new_context(locale=language, viewport=WIDE)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    if user is not None:
        client = sign_in(Client(), user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url})
    context.add_cookies(cookies)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    if axe is not None:
        context.add_init_script(axe)
    return context


def _new_page(context: Any) -> Any:
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


@pytest.fixture
def world() -> dict[str, Any]:
    """Two NGOs of Brazil: a case with a pending decision, a referral between them, a service, a task."""
    from tipsom.accounts.testing import make_user
    from tipsom.cases import services
    from tipsom.cases.testing import make_case
    from tipsom.organizations.testing import make_organization
    from tipsom.referrals.testing import make_referral, make_service

    ngo = make_organization("BR", name="Associação Rede Livre", type="NGO", functions=["victim_assistance"])
    shelter = make_organization("BR", name="Casa Abrigo Esperança", type="NGO", functions=["shelter"])
    manager = make_user(ngo, roles=("case_manager", "frontline_identifier"), username="ana", full_name="Ana Lima")
    case = make_case(ngo, actor=manager)
    decision = services.case_decide_status(
        actor=manager,
        case_id=case.pk,
        status="ActualVictimOfTrafficking",
        decided_on="2026-10-05",
        deciding_organization_type="NGO",
        basis="Interview",
    )
    services.task_add(
        actor=manager,
        case_id=case.pk,
        title="Call the shelter",
        due_on=timezone.localdate() + timedelta(days=2),
        assigned_to_id=manager.pk,
    )
    make_service(shelter)
    referral = make_referral(case, ngo, shelter, due_at=timezone.now() + timedelta(days=3))
    return {
        "case": case,
        "decision": decision,
        "referral": referral,
        "person": case.person,
        "manager": manager,
        "supervisor": make_user(ngo, roles=("case_supervisor",), username="sergio", full_name="Sérgio Nunes"),
        "auditor": make_user(make_organization("BR", name="Controladoria"), roles=("auditor",), username="aud"),
        "everything": make_user(
            ngo,
            roles=("system_administrator", "national_coordinator", "case_supervisor", "case_manager", "auditor"),
            username="all",
            full_name="Maria Aparecida dos Santos Oliveira",
        ),
    }


def _pages(world: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """(name, path) of the main pages, by the role that opens them."""
    from tipsom.audit.models import AuditEvent

    case, person, referral, decision = world["case"], world["person"], world["referral"], world["decision"]
    event = AuditEvent.objects.filter(object_type="cases.case").order_by("-sequence").first()
    assert event is not None
    return {
        "anonymous": [("sign-in", reverse("accounts:login"))],
        "manager": [
            ("home", "/"),
            ("case-list", reverse("cases:list")),
            ("case", reverse("cases:detail", kwargs={"pk": case.pk})),
            ("registration", reverse("cases:register")),
            ("people", reverse("people:list")),
            ("person", reverse("people:detail", kwargs={"pk": person.pk})),
            ("referrals", reverse("referrals:inbox")),
            ("referral", reverse("referrals:detail", kwargs={"pk": referral.pk})),
            ("directory", reverse("directory:search")),
            ("tasks", reverse("cases:tasks")),
        ],
        "supervisor": [
            ("home", "/"),
            ("approvals", reverse("cases:approvals")),
            ("review", reverse("cases:decision_review", kwargs={"pk": case.pk, "decision_id": decision.pk})),
        ],
        "auditor": [
            ("audit", reverse("audit:event_list")),
            ("audit-event", reverse("audit:event_detail", kwargs={"pk": event.pk})),
        ],
        # Every menu entry at once (the header's longest line), and the administrators' screens.
        "everything": [
            ("home", "/"),
            ("users", reverse("accounts:user_list")),
            ("organizations", reverse("organizations:list")),
            ("notifications", reverse("notifications:inbox")),
            ("profile", reverse("accounts:profile")),
        ],
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_axe_finds_no_serious_violation_on_the_main_pages(
    live_server: Any,
    browser: Any,  # noqa: F811
    world: dict[str, Any],
    axe_source: str,
    language: str,
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, Any] = {}
    for role, pages in _pages(world).items():
        context = _context(browser, live_server, world.get(role), language, axe_source)
        page = _new_page(context)
        for name, path in pages:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (role, name, response and response.status)
            page.wait_for_load_state("load")
            html = page.locator("html")
            assert html.get_attribute("lang") == language
            assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            violations = page.evaluate(AXE_RUN)
            if violations:
                found[f"{language} {role} {name}"] = violations
            if role == "everything" and name == "home":
                # The header's menus open: "More" and the account menu (language, organisation, sign-out).
                for toggle in ("#nav-more", "#account-menu-toggle"):
                    page.locator(toggle).click()
                    page.locator(f"{toggle} + .dropdown-menu").wait_for(state="visible")
                    violations = page.evaluate(AXE_RUN)
                    if violations:
                        found[f"{language} {role} {name} {toggle}"] = violations
                page.keyboard.press("Escape")
            page.screenshot(path=str(ARTIFACTS / f"a11y-{language}-{role}-{name}.png"), full_page=True)
            assert_no_csp_violations(page)
        context.close()
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def _header_lines(page: Any) -> dict[str, Any]:
    """The navigation bar's height and the tops of its brand and entries (one line: the same top for each)."""
    return page.evaluate(
        """() => {
          const nav = document.querySelector("header .navbar");
          const items = [document.querySelector(".navbar-brand"),
                         ...document.querySelectorAll("#main-navigation > .navbar-nav > .nav-item")];
          const centers = items.map((el) => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; });
          return {height: nav.getBoundingClientRect().height, count: items.length,
                  spread: Math.max(...centers) - Math.min(...centers),
                  collapsed: getComputedStyle(document.querySelector("#main-navigation")).display === "none"};
        }"""
    )


def test_the_header_is_one_line_at_1366_px_in_every_language(
    live_server: Any,
    browser: Any,  # noqa: F811
    world: dict[str, Any],
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    languages = [code for code, _name in settings.LANGUAGES]
    assert {"en", "fr", "es", "pt", "ru", "ar", "ur", "uk", "ne", "lo"} <= set(languages)
    heights = {}
    for language in languages:
        context = _context(browser, live_server, world["everything"], language)
        page = _new_page(context)
        page.goto(f"{live_server.url}/")
        page.wait_for_load_state("load")
        lines = _header_lines(page)
        heights[language] = lines
        # The brand, the work entries, "More", the inbox and the account menu: 8 or more, on one line.
        assert not lines["collapsed"] and lines["count"] >= 8, (language, lines)
        assert lines["height"] <= 64 and lines["spread"] <= 4, (language, lines)
        page.locator("header").screenshot(path=str(ARTIFACTS / f"a11y-header-{language}.png"))
        # The account menu holds the organisation, the language and signing out.
        page.locator("#account-menu-toggle").click()
        menu = page.locator(".account-menu")
        menu.wait_for(state="visible")
        assert "Associação Rede Livre" in menu.inner_text()
        assert menu.locator("#language-select").is_visible()
        assert menu.locator('form[action$="/accounts/logout/"] button').is_visible()
        page.screenshot(path=str(ARTIFACTS / f"a11y-account-menu-{language}.png"))
        assert_no_csp_violations(page)
        context.close()


def _contrast_script() -> str:
    """The contrast ratio of an element's text (and border) against its background, from computed styles."""
    return """(el) => {
      const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => [r, g, b].map((c) => { c /= 255;
        return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); })
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
      const ratio = (a, b) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
      let node = el, bg = "rgba(0, 0, 0, 0)";
      while (node && (bg === "rgba(0, 0, 0, 0)" || bg === "transparent")) {
        bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
      const style = getComputedStyle(el);
      return {text: ratio(rgb(style.color), rgb(bg)), border: ratio(rgb(style.borderTopColor), rgb(bg))};
    }"""


def test_the_reveal_button_has_aa_contrast_and_the_mask_goes_after_a_reveal(
    live_server: Any,
    browser: Any,  # noqa: F811
    world: dict[str, Any],
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = _context(browser, live_server, world["manager"], "en")
    page = _new_page(context)
    page.goto(f"{live_server.url}{reverse('cases:detail', kwargs={'pk': world['case'].pk})}")
    button = page.locator("[data-reveal-identity]")
    button.wait_for()
    contrast = button.evaluate(_contrast_script())
    assert contrast["text"] >= 4.5 and contrast["border"] >= 3, contrast  # it was 1.6:1 (#ffc107 on white)
    masked = page.locator(".case-person [data-masked]")
    assert masked.is_visible()

    button.click()
    form = page.locator("#person-reveal form")
    form.wait_for()
    form.get_by_label("Why do you need to see the identity?").fill("test")
    form.get_by_role("button", name="Reveal the identity").click()
    page.get_by_text("at least 10 letters").first.wait_for()
    assert masked.is_visible()  # a refused reason reveals nothing

    page.locator("#person-reveal form").get_by_label("Why do you need to see the identity?").fill(
        "To call her about the hearing"
    )
    page.locator("#person-reveal form").get_by_role("button", name="Reveal the identity").click()
    revealed = page.locator("[data-identity-revealed]")
    revealed.wait_for()
    assert "Maria Flores Condori" in revealed.inner_text()
    # The value replaces the mask, never beside it (hidden once htmx has settled the swap: wait for it).
    from playwright.sync_api import expect

    expect(masked).to_be_hidden()
    expect(button).to_be_hidden()
    assert page.evaluate("document.activeElement.hasAttribute('data-identity-revealed')")
    page.screenshot(path=str(ARTIFACTS / "a11y-case-revealed.png"), full_page=True)
    assert_no_csp_violations(page)

    # The person's page: the reveal replaces the masked list.
    page.goto(f"{live_server.url}{reverse('people:detail', kwargs={'pk': world['person'].pk})}")
    assert page.locator("#identity-reveal .masked-value").count() > 0
    page.locator("#identity-reveal").get_by_label("Why do you need to see the identity?").fill(
        "Preparing the referral letter"
    )
    page.locator("#identity-reveal").get_by_role("button", name="Reveal the identity").click()
    page.locator("#identity-reveal [data-identity-revealed]").wait_for()
    assert page.locator("#identity-reveal .masked-value").count() == 0
    assert_no_csp_violations(page)
    context.close()
