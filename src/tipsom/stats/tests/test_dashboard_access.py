"""Who reaches the dashboard, its downloads and its API: anonymous users sign in, a role without the national
statistics gets 404, a national coordinator of another country sees only their country's (empty) statistics, and
the permitted user sees the home country's numbers, protected. The menu entry and the home widget follow the same
permission."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.stats.models import ContactFact, IncidentFact, JusticeFact, OffenceFact, ReferralFact, VictimFact
from tipsom.stats.tests.test_dashboard import victims

THIS_YEAR = timezone.localdate().year


def home_facts(organization: Organization) -> None:
    """This year: 7 victims, 6 persons convicted, 5 offences, an incident of 9 migrants, 8 contacts, 6 referrals."""
    victims(organization, THIS_YEAR, 7)
    common: dict[str, Any] = {
        "country": organization.country,
        "organization": organization,
        "organization_type": organization.type,
        "year": THIS_YEAR,
    }
    JusticeFact.objects.bulk_create(
        [JusticeFact(**common, source_id=n, person_cluster=n, counted=True, stage="convicted") for n in range(6)]
    )
    OffenceFact.objects.bulk_create([OffenceFact(**common, source_id=n, offence_type="tip") for n in range(5)])
    IncidentFact.objects.create(**common, source_id=1, migrants=9)
    ContactFact.objects.bulk_create(
        [ContactFact(**common, source_id=n, month=1, contact_type="victim", channel="phone") for n in range(8)]
    )
    ReferralFact.objects.bulk_create([ReferralFact(**common, source_id=n, service_type="shelter") for n in range(6)])


class StatsAccess(AccessCase):
    permitted_role = "national_coordinator"
    unpermitted_role = "frontline_identifier"
    scope = "national"
    expected: ClassVar[str] = ""

    def make_object(self, organization: Organization) -> models.Model | None:
        home_facts(organization)
        return None


class TestDashboardPage(StatsAccess):
    url_name = "stats:dashboard"
    model = VictimFact

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        tables = {table.key: table for table in response.context["tables"]}
        assert tables["victims"].totals is not None and tables["victims"].totals.cells[0].value == 7


class TestDashboardDownload(StatsAccess):
    url_name = "stats:dashboard"
    model = JusticeFact

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"panel": "justice", "format": "csv"}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response["Content-Type"].startswith("text/csv")
        assert f"{THIS_YEAR},0,0,6" in response.content.decode()


class PanelAccess(StatsAccess):
    panel: ClassVar[str] = ""
    column: ClassVar[int] = 0

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"key": self.panel}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        rows = {row["key"]: row["cells"][self.column]["value"] for row in response.json()["rows"]}
        assert rows.get(str(THIS_YEAR), rows.get("shelter")) == int(self.expected), rows


class TestPanelVictims(PanelAccess):
    url_name = "api:stats-panel"
    model = VictimFact
    panel, expected = "victims", "7"


class TestPanelOffences(PanelAccess):
    url_name = "api:stats-panel"
    model = OffenceFact
    panel, expected = "offences", "5"


class TestPanelIncidents(PanelAccess):
    url_name = "api:stats-panel"
    model = IncidentFact
    panel, expected, column = "incidents", "9", 1


class TestPanelContacts(PanelAccess):
    url_name = "api:stats-panel"
    model = ContactFact
    panel, expected = "contacts", "8"


class TestPanelReferrals(PanelAccess):
    url_name = "api:stats-panel"
    model = ReferralFact
    panel, expected = "referrals", "6"


class TestPanelList(StatsAccess):
    url_name = "api:stats-panels"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert [panel["key"] for panel in response.json()][:2] == ["victims", "sex_age"]


@pytest.mark.django_db
def test_another_countrys_coordinator_sees_only_zeros() -> None:
    home = make_organization("BR")
    home_facts(home)
    client = sign_in(Client(), make_user(make_organization("CO"), roles=("national_coordinator",)))
    response = client.get(reverse("api:stats-panel", kwargs={"key": "victims"}))
    assert response.status_code == 200
    assert all(cell["value"] == 0 for row in response.json()["rows"] for cell in row["cells"])


@pytest.mark.django_db
def test_menu_and_home_widget_follow_the_permission() -> None:
    home = make_organization("BR")
    victims(home, THIS_YEAR, 12)
    victims(home, THIS_YEAR - 1, 3, identified_on=date(THIS_YEAR - 1, 5, 1))
    coordinator = sign_in(Client(), make_user(home, roles=("national_coordinator",)))
    page = coordinator.get(reverse("home")).content.decode()
    dashboard_link = f'href="{reverse("stats:dashboard")}"'
    assert dashboard_link in page
    assert 'data-widget="stats_victims"' in page
    # Last year's 3 is withheld, and so is this year's 12 (the dashboard's total of 15 would give the 3 back).
    assert f'data-year="{THIS_YEAR - 1}" data-status="primary">&lt;5<' in page
    assert f'data-year="{THIS_YEAR}" data-status="secondary">..<' in page
    for role in ("frontline_identifier", "case_manager"):
        other = sign_in(Client(), make_user(home, roles=(role,)))
        page = other.get(reverse("home")).content.decode()
        assert dashboard_link not in page and "stats_victims" not in page
