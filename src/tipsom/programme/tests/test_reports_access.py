"""Who may open the donor report's screen, its downloads and its API: coordinators, M&E officers and programme
managers (`export` on activities), each for their own country (the programme manager for any); out of scope 404."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Activity
from tipsom.programme.testing import make_activity

LAST_YEAR = timezone.localdate().year - 1
PERIOD = {"from": f"{LAST_YEAR}-01-01", "to": f"{LAST_YEAR}-12-31"}


def _seed(organization: Organization) -> None:
    """An activity of last year (the screen's default period) whose title names the organization."""
    make_activity(
        organization,
        title=f"Training by {organization.name}",
        start_date=datetime.date(LAST_YEAR, 3, 1),
        end_date=datetime.date(LAST_YEAR, 3, 2),
        participants_total=40,
    )


class ReportAccess(AccessCase):
    model = Activity
    permitted_role = "me_officer"
    unpermitted_role = "frontline_identifier"
    scope = "national"

    def make_object(self, organization: Organization) -> None:
        _seed(organization)


class TestReportScreen(ReportAccess):
    url_name = "programme:report"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"Training by" not in response.content  # the report counts; it names no activity but campaigns
        assert b'data-section="activities"' in response.content
        assert b'data-panel="activities" data-chart="bar"' in response.content  # charts.js draws it from the table
        assert b'<td class="text-end" data-value="40">40</td>' in response.content
        assert response.context["report"].section("activities").total[3] == 40


class TestReportXlsx(ReportAccess):
    url_name = "programme:report_xlsx"
    permitted_role = "national_coordinator"

    def check_permitted(self, response: Any, obj: Any) -> None:
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.worksheets[2]["D2"].value == 40
        assert AuditEvent.objects.filter(action="programme.report.export").exists()


class TestReportPdf(ReportAccess):
    url_name = "programme:report_pdf"
    permitted_role = "programme_manager"
    scope = "organization"  # the programme manager reads every country: another's is only not the default

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response["Content-Type"] == "application/pdf"
        assert len(PdfReader(io.BytesIO(response.content)).pages) >= 1


class TestReportIati(ReportAccess):
    url_name = "programme:report_iati"

    def check_permitted(self, response: Any, obj: Any) -> None:
        root = etree.fromstring(response.content)
        assert [e.text for e in root.iter("iati-identifier")] == ["XM-DAC-41110-GLOACT-BR"]
        assert AuditEvent.objects.filter(action="programme.iati.export").exists()


class TestReportApi(ReportAccess):
    url_name = "api:programme-report"

    def payload(self, obj: Any) -> dict[str, Any]:
        return PERIOD

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["country"] == "BR"
        activities = next(section for section in body["sections"] if section["key"] == "activities")
        assert activities["total"][3] == 40


class TestIatiApi(ReportAccess):
    url_name = "api:programme-iati"

    def payload(self, obj: Any) -> dict[str, Any]:
        return PERIOD

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response["Content-Type"] == "application/xml"
        assert b"GLOACT-BR" in response.content


@pytest.mark.django_db
def test_a_programme_manager_chooses_any_country_a_coordinator_only_theirs() -> None:
    brazil, colombia = make_organization("BR"), make_organization("CO")
    _seed(colombia)
    manager = sign_in(Client(), make_user(brazil, roles=("programme_manager",)))
    response = manager.get(reverse("programme:report"), {"country": "CO", "start": PERIOD["from"], "end": PERIOD["to"]})
    assert response.status_code == 200
    assert response.context["report"].country == "CO"
    coordinator = sign_in(Client(), make_user(brazil, roles=("national_coordinator",)))
    refused = coordinator.get(reverse("programme:report_xlsx"), {"country": "CO", **_screen_period()})
    assert refused.status_code == 400 and not AuditEvent.objects.filter(action="programme.report.export").exists()
    api = coordinator.get(reverse("api:programme-report"), {"country": "CO", **PERIOD})
    assert api.status_code == 400 and api.json()["code"] == "invalid"


def _screen_period() -> dict[str, str]:
    return {"start": PERIOD["from"], "end": PERIOD["to"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2019-12-31", "to": "2019-01-01"}, "to"),
        ({"from": "2019-01-01", "to": "2019-12-31", "format": "docx"}, "format"),
        ({"from": "2019-01-01"}, "to"),
        ({"from": "2019-01-01", "to": "2019-12-31", "colour": "red"}, "colour"),
    ],
)
def test_the_api_refuses_bad_input_and_exports_nothing(query: dict[str, str], field: str) -> None:
    client = sign_in(Client(), make_user(make_organization("BR"), roles=("me_officer",)))
    response = client.get(reverse("api:programme-report"), query)
    assert response.status_code == 400, response.content
    assert field in str(response.json()["extra"])
    assert not AuditEvent.objects.filter(action="programme.report.export").exists()


@pytest.mark.django_db
def test_the_screen_refuses_a_period_that_ends_before_it_starts() -> None:
    client = sign_in(Client(), make_user(make_organization("BR"), roles=("me_officer",)))
    response = client.get(reverse("programme:report"), {"country": "BR", "start": "2019-12-31", "end": "2019-01-01"})
    assert response.status_code == 400
    assert "before its start" in response.content.decode()
