"""The brief's screens, downloads and API, and the home widget of concluded cases ready for a brief: who may open
them (AccessCase per URL), what they answer, the refusals through the form and the API, and the audit."""

from __future__ import annotations

import io
import json
import re
from typing import Any, ClassVar

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.justice.models import CaseStage, CriminalCase
from tipsom.justice.report_widgets import briefs_widget
from tipsom.justice.tests.brief_fixtures import NAMES, SUMMARY, make_brief_world
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def _nameless(text: str) -> bool:
    lowered = text.casefold()
    return not any(word.casefold() in lowered for name in NAMES for word in name.split() if len(word) > 2)


def _brief_html(content: bytes) -> str:
    """The brief's part of the tab (the page's header is the case page's, not the brief)."""
    html = content.decode()
    found = re.search(r'<div class="row g-4" id="criminal-case-brief">(.*)', html, re.S)
    assert found, html[:500]
    return found.group(1)


class _BriefAccess(AccessCase):
    permitted_role = "prosecutor"
    unpermitted_role = "investigator"  # sees the case, may not export its brief
    model: ClassVar[Any] = None

    def make_object(self, organization: Organization) -> CriminalCase:
        return make_brief_world(office=organization).criminal_case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestBriefTab(_BriefAccess):
    url_name = "justice:brief"

    def check_permitted(self, response: Any, obj: Any) -> None:
        brief = _brief_html(response.content)
        assert obj.reference in brief and "Defendant 2" in brief and "neighbouring country" in brief
        assert _nameless(brief)
        assert reverse("justice:brief_pdf", kwargs={"pk": obj.pk}) in response.content.decode()
        assert 'id="brief-summary-form"' in brief  # a prosecutor of the case may write the summary


class TestBriefTabNational(TestBriefTab):
    url_name = "justice:brief"
    permitted_role = "national_rapporteur"
    scope = "national"

    def check_permitted(self, response: Any, obj: Any) -> None:
        brief = _brief_html(response.content)
        assert obj.reference in brief and _nameless(brief)
        assert 'id="brief-summary-form"' not in brief  # the rapporteur reads, does not write


class TestBriefJson(_BriefAccess):
    url_name = "justice:brief_json"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"].startswith("attachment;")
        assert obj.reference in response["Content-Disposition"]
        body = response.content.decode()
        assert json.loads(body)["reference"] == obj.reference and _nameless(body)
        assert AuditEvent.objects.filter(action="justice.brief.export", changes={"format": "json"}).exists()


class TestBriefJsonNational(TestBriefJson):
    url_name = "justice:brief_json"
    permitted_role = "national_rapporteur"
    scope = "national"


class TestBriefPdf(_BriefAccess):
    url_name = "justice:brief_pdf"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert obj.reference in text and _nameless(text)
        assert AuditEvent.objects.filter(action="justice.brief.export", changes={"format": "pdf"}).exists()


class TestBriefPdfNational(TestBriefPdf):
    url_name = "justice:brief_pdf"
    permitted_role = "national_rapporteur"
    scope = "national"


class TestBriefApi(_BriefAccess):
    url_name = "api:justice-case-brief"

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["reference"] == obj.reference and body["facts"] == SUMMARY
        assert _nameless(json.dumps(body, ensure_ascii=False))
        assert AuditEvent.objects.filter(action="justice.brief.export", changes={"format": "json"}).exists()


class TestBriefApiNational(TestBriefApi):
    url_name = "api:justice-case-brief"
    permitted_role = "national_rapporteur"
    scope = "national"


# What the screens and the API answer ------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def test_the_api_path_resolves_under_the_justice_cases_prefix() -> None:
    assert reverse("api:justice-case-brief", kwargs={"pk": 7}) == "/api/v1/justice/cases/7/brief/"


def test_the_api_refuses_a_case_not_concluded_and_a_summary_with_a_name() -> None:
    world = make_brief_world(stage=CaseStage.TRIAL)
    client = _client(world.prosecutor)
    url = reverse("api:justice-case-brief", kwargs={"pk": world.criminal_case.pk})
    response = client.get(url)
    assert response.status_code == 400 and response.json()["code"] == "brief_not_concluded"
    CriminalCase.objects.filter(pk=world.criminal_case.pk).update(
        stage=CaseStage.CONCLUDED, brief_summary="The victim MARIA was recruited."
    )
    response = client.get(url)
    assert response.status_code == 400 and response.json()["code"] == "brief_names"
    assert "maria" not in response.json()["message"].casefold()
    assert not AuditEvent.objects.filter(action="justice.brief.export").exists()


def test_the_downloads_refuse_a_case_not_concluded() -> None:
    world = make_brief_world(stage=CaseStage.APPEAL)
    client = _client(world.prosecutor)
    for name in ("justice:brief_json", "justice:brief_pdf"):
        response = client.get(reverse(name, kwargs={"pk": world.criminal_case.pk}))
        assert response.status_code == 400, name
        assert b"concluded" in response.content
    assert not AuditEvent.objects.filter(action="justice.brief.export").exists()


def test_the_tab_of_a_case_not_concluded_says_why_and_offers_no_download() -> None:
    world = make_brief_world(stage=CaseStage.TRIAL)
    response = _client(world.prosecutor).get(reverse("justice:brief", kwargs={"pk": world.criminal_case.pk}))
    assert response.status_code == 200
    assert b'data-brief-error="brief_not_concluded"' in response.content
    assert reverse("justice:brief_pdf", kwargs={"pk": world.criminal_case.pk}).encode() not in response.content


def test_the_summary_form_saves_and_refuses_a_name() -> None:
    world = make_brief_world()
    client = _client(world.prosecutor)
    url = reverse("justice:brief", kwargs={"pk": world.criminal_case.pk})
    version = world.criminal_case.version
    response = client.post(url, {"brief_summary": "Defendant 1 recruited two women.", "version": version})
    assert response.status_code == 302 and response["Location"] == url
    assert CriminalCase.objects.get(pk=world.criminal_case.pk).brief_summary == "Defendant 1 recruited two women."
    assert AuditEvent.objects.filter(action="justice.brief.summary").count() == 1

    response = client.post(url, {"brief_summary": "Defendant 1 recruited maria.", "version": version + 1})
    assert response.status_code == 400
    assert "Rewrite it without names" in response.content.decode()
    response = client.post(url, {"brief_summary": "Defendant 1 drove.", "version": version})  # stale
    assert response.status_code == 409
    fresh = CriminalCase.objects.get(pk=world.criminal_case.pk)
    assert fresh.brief_summary == "Defendant 1 recruited two women." and fresh.version == version + 1
    assert AuditEvent.objects.filter(action="justice.brief.summary").count() == 1


def test_the_rapporteur_may_not_post_the_summary() -> None:
    world = make_brief_world()
    rapporteur = make_user(make_organization("BR"), roles=("national_rapporteur",))
    response = _client(rapporteur).post(
        reverse("justice:brief", kwargs={"pk": world.criminal_case.pk}),
        {"brief_summary": "Changed.", "version": world.criminal_case.version},
    )
    assert response.status_code == 404
    assert CriminalCase.objects.get(pk=world.criminal_case.pk).brief_summary == SUMMARY


# The home widget --------------------------------------------------------------------------------------------------


def test_the_rapporteur_home_lists_the_countrys_concluded_cases_without_identities() -> None:
    world = make_brief_world()
    open_case = make_brief_world(office=world.office, stage=CaseStage.TRIAL).criminal_case
    abroad = make_brief_world(office=make_organization("CO")).criminal_case
    rapporteur = make_user(make_organization("BR"), roles=("national_rapporteur",))
    response = _client(rapporteur).get(reverse("home"))
    html = response.content.decode()
    assert 'data-widget="justice_briefs"' in html
    assert reverse("justice:brief", kwargs={"pk": world.criminal_case.pk}) in html
    assert world.criminal_case.reference in html
    assert open_case.reference not in html and abroad.reference not in html
    assert _nameless(html) and "Trabalho escravo" not in html  # no title either


def test_the_widget_is_the_prosecutors_organizations_and_nobody_elses() -> None:
    world = make_brief_world()
    assert [c.pk for c in briefs_widget(world.prosecutor)["cases"]] == [world.criminal_case.pk]  # type: ignore[index]
    assert briefs_widget(make_user(make_organization("BR"), roles=("prosecutor",))) == {
        "work": True,
        "cases": [],
        "total": 0,
    }
    assert briefs_widget(make_user(world.office, roles=("investigator",))) is None
    assert briefs_widget(make_user(world.office, roles=("case_manager",))) is None


def test_the_widget_shows_the_latest_five_in_two_queries(django_assert_max_num_queries: Any) -> None:
    office = make_organization("BR")
    cases = [make_brief_world(office=office).criminal_case for _ in range(6)]
    rapporteur = make_user(make_organization("BR"), roles=("national_rapporteur",))
    briefs_widget(rapporteur)  # the grants, read once per user
    with django_assert_max_num_queries(2):
        found = briefs_widget(rapporteur)
    assert found is not None and found["total"] == 6
    assert [c.pk for c in found["cases"]] == [c.pk for c in reversed(cases)][:5]
