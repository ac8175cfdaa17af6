"""The smuggling incident API: recording and changing with the breakdown nested, bad input refused with the
service's messages (nothing saved), filters, the MMP rows, and the list's query count."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.justice.models import IncidentMigrants, SmugglingIncident
from tipsom.justice.selectors.incidents import MMP_COLUMNS
from tipsom.justice.testing import INCIDENT_AT_SEA, make_incident
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db
LIST = reverse("api:justice-incident-list")
MMP = reverse("api:justice-incident-mmp")


@pytest.fixture
def police() -> Any:
    return make_organization("BR", type="Police", functions=["police"])


@pytest.fixture
def investigator(police: Any) -> Any:
    return make_user(police, roles=("investigator",))


@pytest.fixture
def client(investigator: Any) -> Client:
    return sign_in(Client(), investigator)


def _detail(pk: int) -> str:
    return reverse("api:justice-incident-detail", args=[pk])


def _body(**fields: Any) -> dict[str, Any]:
    return {**INCIDENT_AT_SEA, "incident_country": "BR", **fields}


def _refused(client: Client, body: dict[str, Any], status: int = 400) -> dict[str, list[str]]:
    before = (SmugglingIncident.objects.count(), IncidentMigrants.objects.count(), AuditEvent.objects.count())
    response = client.post(LIST, body, content_type="application/json")
    assert response.status_code == status, response.content
    assert (SmugglingIncident.objects.count(), IncidentMigrants.objects.count(), AuditEvent.objects.count()) == before
    return response.json()["extra"].get("fields", {})


def test_record_an_incident_with_deaths_at_sea(client: Client) -> None:
    response = client.post(LIST, _body(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "BR-SI-2026-000001"
    assert (body["location_type"], body["dead"], body["missing"], body["survivors"], body["injured"]) == (
        "sea",
        12,
        3,
        25,
        4,
    )
    assert sorted(row["count"] for row in body["migrants"]) == [8, 10, 22]
    assert body["latitude"] == "33.50000" and body["version"] == 1


@pytest.mark.parametrize("value", [-1, 2.5, "ten", True, None])
def test_a_negative_or_non_integer_count_of_migrants(client: Client, value: Any) -> None:
    fields = _refused(client, _body(migrants_total=value, migrants=[]))
    assert "migrants_total" in fields


@pytest.mark.parametrize("value", [-1, 2.5, "ten", True])
def test_a_negative_or_non_integer_count_of_dead(client: Client, value: Any) -> None:
    assert _refused(client, _body(dead=value))["dead"] == ["Enter a whole number, 0 or more."]


def test_dead_plus_survivors_more_than_the_migrants_involved(client: Client) -> None:
    fields = _refused(client, _body(migrants_total=30, dead=12, missing=0, survivors=25, migrants=[]))
    assert fields["survivors"] == ["Dead plus survivors (37) are more than the migrants involved (30)."]


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"injured": 30}, "injured"),
        ({"missing": 4}, "missing"),
        ({"migrants": [{"sex": "male", "age_group": "adult", "citizenship": "NG", "count": 2.5}]}, "migrants.0.count"),
        ({"migrants": [{"sex": "male", "age_group": "adult", "citizenship": "NG", "count": 39}]}, "migrants"),
        ({"latitude": 91}, "latitude"),
        ({"longitude": None}, "longitude"),
        ({"incident_country": "XX"}, "incident_country"),
        ({"origin_countries": ["QQ"]}, "origin_countries"),
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"aggravating_circumstances": ["torture"]}, "aggravating_circumstances"),
        ({"fee_per_migrant": -5}, "fee_per_migrant"),
        ({"fee_currency": ""}, "fee_currency"),
        ({"criminal_case": 999999}, "criminal_case"),
        ({"cases": ["BR-2026-999999"]}, "cases"),
        ({"smugglers": [1]}, "smugglers"),
        ({"names": ["Ali"]}, "names"),
    ],
)
def test_bad_input(client: Client, fields: dict[str, Any], name: str) -> None:
    assert name in _refused(client, _body(**fields))


def test_a_body_that_is_not_an_object(client: Client) -> None:
    response = client.post(LIST, [1, 2], content_type="application/json")
    assert response.status_code == 400
    assert not SmugglingIncident.objects.exists()


def test_partial_update_and_its_rules(client: Client, police: Any, investigator: Any) -> None:
    incident = make_incident(police, actor=investigator)
    url = _detail(incident.pk)
    response = client.patch(url, {"version": 1, "survivors": 29}, content_type="application/json")
    assert response.status_code == 400
    assert "survivors" in response.json()["extra"]["fields"]
    response = client.patch(url, {"version": 1, "dead": "ten"}, content_type="application/json")
    assert response.json()["extra"]["fields"] == {"dead": ["Enter a whole number, 0 or more."]}
    response = client.patch(url, {"injured": 5}, content_type="application/json")
    assert "version" in response.json()["extra"]["fields"]
    rows = [{"sex": "unknown", "age_group": "unknown", "citizenship": "", "count": 40}]
    response = client.patch(url, {"version": 1, "injured": 5, "migrants": rows}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["migrants"] == rows
    response = client.patch(url, {"version": 1, "injured": 6}, content_type="application/json")
    assert response.status_code == 409
    assert SmugglingIncident.objects.get(pk=incident.pk).injured == 5


def test_filters(client: Client, police: Any, investigator: Any) -> None:
    sea = make_incident(police, actor=investigator)
    desert = make_incident(
        police,
        actor=investigator,
        occurred_on="2025-03-02",
        location_type="desert",
        route="Agadez–Dirkou",
        dead=0,
        missing=0,
        injured=0,
        survivors=40,
        cause_of_death="",
        aggravating_circumstances=[],
        incident_country="NE",
    )

    def ids(**query: Any) -> list[int]:
        response = client.get(LIST, query)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [desert.pk, sea.pk]
    assert ids(year=2026) == [sea.pk]
    assert ids(date_from="2025-01-01", date_to="2025-12-31") == [desert.pk]
    assert ids(location_type="desert") == [desert.pk]
    assert ids(country="NE") == [desert.pk]
    assert ids(route="dirkou") == [desert.pk]
    assert ids(has_deaths="true") == [sea.pk]
    assert ids(has_deaths="false") == [desert.pk]
    assert client.get(LIST, {"year": "soon"}).status_code == 400
    assert client.get(LIST, {"location_type": "space"}).status_code == 400


def test_mmp_rows_of_a_year(client: Client, police: Any, investigator: Any) -> None:
    incident = make_incident(police, actor=investigator)
    make_incident(police, actor=investigator, occurred_on="2025-01-05")
    make_incident(make_organization("BR"))  # another organization's: not visible to this investigator
    response = client.get(MMP, {"year": 2026})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["columns"] == list(MMP_COLUMNS) and len(body["rows"]) == 1
    row = body["rows"][0]
    assert row["Incident ID"] == incident.reference
    assert row["Number of Dead"] == 12 and row["Minimum Estimated Number of Missing"] == 3
    assert row["Total Number of Dead and Missing"] == 15 and row["Number of Survivors"] == 25
    assert (row["Number of Females"], row["Number of Males"], row["Number of Children"]) == (10, 30, 8)
    assert row["Number of Injured"] == 4 and row["Number of Migrants Involved"] == 40
    assert row["Country of Origin"] == "Niger, Nigeria" and row["Cause of Death"] == "Drowning"
    assert row["Coordinates"] == "33.50000, 11.25000" and row["Month"] == "June"
    assert row["Migration Route"] == "Agadez–Sebha–Tripoli"
    assert client.get(MMP).status_code == 400
    assert client.get(MMP, {"year": "2026x"}).status_code == 400
    assert client.get(MMP, {"year": "2026", "location_type": "desert"}).json()["rows"] == []


def test_the_list_costs_the_same_whatever_its_length(
    client: Client, police: Any, investigator: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        make_incident(police, actor=investigator)
    client.get(LIST)  # the session and the user's grants once
    with django_assert_max_num_queries(6):
        assert len(client.get(LIST).json()["results"]) == 3
    for _ in range(20):
        make_incident(police, actor=investigator)
    with django_assert_max_num_queries(6):
        assert len(client.get(LIST).json()["results"]) == 23
    with django_assert_max_num_queries(7):
        assert len(client.get(MMP, {"year": 2026}).json()["rows"]) == 23
