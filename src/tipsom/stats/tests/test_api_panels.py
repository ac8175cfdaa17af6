"""The panels' API: the list, one panel as JSON with the same numbers as the screen and its CSV for the same filters,
withheld cells as null with their display, bad filters as a 400 that names the field, an unknown panel 404."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.organizations.models import Organization
from tipsom.stats.exports import Scope
from tipsom.stats.selectors.dashboard import PANELS
from tipsom.stats.tests.test_dashboard import facts, ngo, police  # noqa: F401  # fixtures

pytestmark = pytest.mark.django_db
QUERY = {"year_from": "2024", "year_to": "2025"}


@pytest.fixture
def client(facts: Scope, ngo: Organization) -> Client:  # noqa: F811  # the fixtures above
    return sign_in(Client(), make_user(ngo, roles=("national_rapporteur",)))


def api(client: Client, key: str, query: dict[str, str] = QUERY) -> Any:
    return client.get(reverse("api:stats-panel", kwargs={"key": key}), query)


def test_the_list_names_every_panel(client: Client) -> None:
    response = client.get(reverse("api:stats-panels"))
    assert response.status_code == 200
    assert [(p["key"], p["title"]) for p in response.json()] == [(k, str(p.title)) for k, p in PANELS.items()]


def test_a_panel_gives_the_screens_and_the_files_numbers(client: Client) -> None:
    screen = {t.key: t for t in client.get(reverse("stats:dashboard"), QUERY).context["tables"]}
    for key in PANELS:
        response = api(client, key)
        assert response.status_code == 200, (key, response.content)
        body = response.json()
        assert body == screen[key].as_json() | {"notes": body["notes"]}
        assert body["notes"] == [str(note) for note in screen[key].notes]
        download = client.get(reverse("stats:dashboard"), {**QUERY, "panel": key, "format": "csv"})
        lines = list(csv.reader(io.StringIO(download.content.decode("utf-8"))))
        rows = body["rows"] + ([body["totals"]] if body["totals"] else [])
        assert lines[1:] == [
            [row["label"], *[str(c["value"]) if c["value"] is not None else c["display"] for c in row["cells"]]]
            for row in rows
        ]
        for row in rows:
            for cell in row["cells"]:
                if cell["status"]:
                    assert cell["value"] is None and cell["display"] in ("<5", "..")


def test_the_victims_panel_by_hand(client: Client) -> None:
    body = api(client, "victims").json()
    assert body["chart"] == "bar" and body["columns"] == [{"key": "victims", "label": "Victims"}]
    assert [(r["key"], r["cells"][0]["value"]) for r in body["rows"]] == [("2024", 15), ("2025", 14)]
    assert body["totals"]["cells"][0] == {"value": 29, "display": "29", "status": ""}
    # TIP only: 2024 3 + 5 (both), 2025 13.
    body = api(client, "victims", {**QUERY, "case_type": "tip"}).json()
    assert [r["cells"][0]["value"] for r in body["rows"]] == [8, 13]
    flows = api(client, "flows").json()
    assert flows["chart"] == "sankey" and flows["totals"] is None
    assert {r["key"]: r["cells"][0]["display"] for r in flows["rows"]}["unknown>BR"] == "<5"


def test_bad_filters_are_a_400_naming_the_field(client: Client) -> None:
    response = api(client, "victims", {"year_from": "last year"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["message"] == "Give a year as a number, such as 2024."
    assert list(body["extra"]["fields"]) == ["year_from"]
    response = api(client, "victims", {"year_from": "2025", "year_to": "2020"})
    assert response.status_code == 400 and "year_to" in response.json()["extra"]["fields"]
    assert api(client, "salaries").status_code == 404


def test_a_year_without_data_is_an_empty_table(client: Client) -> None:
    body = api(client, "citizenship", {"year_from": "2001", "year_to": "2001"}).json()
    assert body["rows"] == [] and body["totals"]["cells"][0]["value"] == 0
