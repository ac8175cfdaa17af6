"""The justice statistics screen and GET /api/v1/justice/stats/: national users see every count on the screen, an
organization's users see small counts as "<5", and the API withholds them from everyone; a bad year is refused."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.justice.models import SmugglingIncident
from tipsom.justice.testing import make_criminal_case, make_suspect
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

YEAR = 2026


def _deaths_at_sea(organization: Organization) -> SmugglingIncident:
    return SmugglingIncident.objects.create(
        owner_organization=organization,
        country=organization.country,
        reference=f"{organization.country}-SI-{YEAR}-{organization.pk:06d}",
        occurred_on=datetime.date(YEAR, 6, 14),
        location_type="sea",
        incident_country=organization.country,
        migrants_total=40,
        dead=12,
        missing=3,
        injured=4,
        survivors=25,
    )


class TestStatsScreen(AccessCase):
    url_name = "justice:stats"
    permitted_role = "national_rapporteur"
    scope = "national"

    def make_object(self, organization: Organization) -> None:
        _deaths_at_sea(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b'data-total="dead">12<' in response.content


class TestStatsApi(AccessCase):
    url_name = "api:justice-stats"
    permitted_role = "investigator"
    scope = "organization"

    def make_object(self, organization: Organization) -> None:
        _deaths_at_sea(organization)
        return None

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"year": YEAR}

    def check_permitted(self, response: Any, obj: Any) -> None:
        incidents = response.json()["som_incidents"]
        assert incidents["dead"] == 12 and incidents["missing"] == "<5"

    def test_other_organization(self, home_org: Organization) -> None:
        """Another police unit of the country counts none of this unit's records."""
        self.make_object(home_org)
        user = make_user(make_organization(home_org.country), roles=(self.permitted_role,))
        response = self.request(self._client_for(user), None)
        assert response.status_code == 200 and response.json()["som_incidents"]["dead"] == 0


@pytest.fixture
def unit(db: Any) -> Organization:
    unit = make_organization("BR")
    case = make_criminal_case(unit)
    for number in range(3):
        make_suspect(
            case,
            person={"gender": "Feminine", "citizenships": ["BR"], "birth_date": f"{1980 + number}"},
            formal_contact_on=datetime.date(YEAR, 3, 1),
        )
    _deaths_at_sea(unit)
    return unit


def test_screen_shows_national_counts_and_withholds_small_ones_from_the_unit(unit: Organization) -> None:
    rapporteur = sign_in(Client(), make_user(make_organization("BR"), roles=("national_rapporteur",)))
    page = rapporteur.get(reverse("justice:stats"), {"year": YEAR})
    assert b'data-stage-total="formal_contact">3<' in page.content
    assert b'data-total="missing">3<' in page.content

    investigator = sign_in(Client(), make_user(unit, roles=("investigator",)))
    page = investigator.get(reverse("justice:stats"), {"year": YEAR})
    assert b'data-stage-total="formal_contact">&lt;5<' in page.content
    assert b'data-total="dead">12<' in page.content and b'data-total="missing">&lt;5<' in page.content


def test_api_gives_the_counts_as_json_through_disclosure_control(unit: Organization) -> None:
    """The API is a release: a national user's small counts are "<5" there too (the screen shows them)."""
    rapporteur = sign_in(Client(), make_user(make_organization("BR"), roles=("national_rapporteur",)))
    body = rapporteur.get(reverse("api:justice-stats"), {"year": YEAR}).json()
    assert body["national"] is True and body["protected"] is True
    contact = body["persons"]["formal_contact"]
    assert contact["total"] == "<5"
    assert contact["sex"] == [{"key": "Feminine", "label": "Feminine", "count": "<5"}]
    assert contact["age"] == [{"key": "adult", "label": "Adult", "count": "<5"}]
    assert body["persons"]["convicted"]["total"] == 0
    assert body["som_incidents"] == {
        "incidents": "<5",
        "migrants": 40,
        "dead": 12,
        "missing": "<5",
        "injured": "<5",
        "survivors": 25,
    }


@pytest.mark.parametrize("year", ["1800", "abc", str(timezone.localdate().year + 1)])
def test_a_bad_year_is_refused(unit: Organization, year: str) -> None:
    rapporteur = sign_in(Client(), make_user(make_organization("BR"), roles=("national_rapporteur",)))
    assert rapporteur.get(reverse("api:justice-stats"), {"year": year}).status_code == 400
    assert rapporteur.get(reverse("justice:stats"), {"year": year}).status_code == 400


def test_an_unknown_parameter_is_refused(unit: Organization) -> None:
    rapporteur = sign_in(Client(), make_user(make_organization("BR"), roles=("national_rapporteur",)))
    response = rapporteur.get(reverse("api:justice-stats"), {"year": str(YEAR), "country": "CO"})
    assert response.status_code == 400
