"""The GLOTIP screen, its downloads and its API: who may open them, and that the screen, the CSV file, the workbook
and the API give the same numbers for the same year."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.stats.exports import user_scope
from tipsom.stats.glotip import glotip, glotip_tables, long_rows
from tipsom.stats.tests.test_glotip import HEADER, YEAR, victim

pytestmark = pytest.mark.django_db
CELL = re.compile(r'data-cell="([^"]+)" data-status="([^"]*)">([^<]*)</td>')


def seed(organization: Organization) -> None:
    victim(organization, 12, sex="F", form="sexual", citizenship="VE")
    victim(organization, 7, sex="F", age=15, child=True, form="labour", citizenship="BR")
    victim(organization, 2, sex="M", age=12, child=True, form="begging", citizenship="BR")
    victim(organization, 9, sex="M", form="labour", citizenship="VE")


class TestGlotipScreen(AccessCase):
    url_name = "stats:glotip"
    permitted_role = "national_coordinator"
    unpermitted_role = "frontline_identifier"
    scope = "national"

    def make_object(self, organization: Organization) -> None:
        seed(organization)

    def check_permitted(self, response: Any, obj: Any) -> None:
        cells = {key: text for key, _status, text in CELL.findall(response.content.decode())}
        assert cells["victims_sex_age/Total/3"] == "30"  # the total of 2024, the latest year with data


class TestGlotipApi(AccessCase):
    url_name = "api:stats-glotip"
    permitted_role = "national_rapporteur"
    unpermitted_role = "frontline_identifier"
    scope = "national"

    def make_object(self, organization: Organization) -> None:
        seed(organization)

    def request(self, client: Client, obj: Any) -> Any:
        return client.get(reverse(self.url_name), {"year": YEAR})

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["columns"] == HEADER
        first = body["rows"][0]
        assert list(first) == HEADER
        assert first["VALUE"] == 30 and first["Iso3_code"] == "BRA"

    def test_other_organization(self, home_org: Organization) -> None:
        """A coordinator of another country gets their own country's figures: zeros, nothing of Brazil's."""
        seed(home_org)
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        response = sign_in(Client(), user).get(reverse(self.url_name), {"year": YEAR})
        assert response.status_code == 200
        rows = response.json()["rows"]
        assert {row["Iso3_code"] for row in rows} == {"COL"}
        assert {row["VALUE"] for row in rows} == {0}


@pytest.fixture
def coordinator_client() -> tuple[Client, Any]:
    organization = make_organization("BR")
    seed(organization)
    user = make_user(organization, roles=("me_officer",))
    return sign_in(Client(), user), user


def test_the_screen_the_files_and_the_api_give_the_same_numbers(coordinator_client: tuple[Client, Any]) -> None:
    client, user = coordinator_client
    data = glotip(user_scope(user), year=YEAR)
    assert data.small  # the year has small counts to protect

    screen = client.get(reverse("stats:glotip"), {"year": YEAR})
    assert screen.status_code == 200
    shown = {key: (status, unescape(text)) for key, status, text in CELL.findall(screen.content.decode())}
    expected = {
        f"{table.key}/{row.key}/{number}": (cell.status, cell.display)
        for table in glotip_tables(data)
        for row in table.all_rows()
        for number, cell in enumerate(row.cells)
    }
    assert shown == expected
    assert ("primary", "<5") in shown.values()

    download = client.get(reverse("stats:glotip"), {"year": str(YEAR), "format": "csv"})
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="glotip-BR-{YEAR}.csv"'
    file_rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8"))))

    api = client.get(reverse("api:stats-glotip"), {"year": YEAR})
    assert api.status_code == 200
    api_rows = api.json()["rows"]
    expected_rows = long_rows(data)
    assert [{k: str(v) for k, v in row.items()} for row in api_rows] == file_rows
    assert [{k: str(v) for k, v in row.items()} for row in expected_rows] == file_rows
    # Every figure of the screen that the long format publishes is the same there.
    published = {(r["Indicator"], r["Dimension"], r["Category"], r["Sex"], r["Age"]): r["VALUE"] for r in file_rows}
    assert (
        published[("Detected trafficking victims", "Total", "Total", "Total", "Total")]
        == shown["victims_sex_age/Total/3"][1]
    )
    workbook = client.get(reverse("stats:glotip"), {"year": str(YEAR), "format": "xlsx"})
    assert workbook.status_code == 200 and workbook.content.startswith(b"PK")
    # The downloads and the API answer are audited; showing the screen is not.
    assert AuditEvent.objects.filter(action="stats.export.glotip").count() == 3


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"year": "last"}, "Enter a whole number."),
        ({"year": "1800"}, "greater than or equal to 2000"),
        ({"year": str(YEAR), "format": "pdf"}, "Select a valid choice."),
    ],
)
def test_bad_input_on_the_screen_is_a_clear_message(
    coordinator_client: tuple[Client, Any], query: dict[str, str], words: str
) -> None:
    client, _user = coordinator_client
    response = client.get(reverse("stats:glotip"), dict(query))
    assert response.status_code == 400
    assert words in unescape(response.content.decode())
    assert not AuditEvent.objects.filter(action="stats.export.glotip").exists()


def test_bad_input_on_the_api_names_the_field(coordinator_client: tuple[Client, Any]) -> None:
    client, _user = coordinator_client
    queries: list[dict[str, str]] = [{}, {"year": "soon"}, {"year": "1999"}, {"year": str(YEAR), "country": "CO"}]
    for query in queries:
        response = client.get(reverse("api:stats-glotip"), query)
        assert response.status_code == 400, query
        assert response.json()["code"] == "invalid"
    assert not AuditEvent.objects.filter(action="stats.export.glotip").exists()


def test_a_year_without_data_is_an_empty_table_not_an_error(coordinator_client: tuple[Client, Any]) -> None:
    client, _user = coordinator_client
    response = client.get(reverse("stats:glotip"), {"year": 2031})
    assert response.status_code == 200
    cells = {key: text for key, _status, text in CELL.findall(response.content.decode())}
    assert cells["victims_sex_age/Total/3"] == "0"
