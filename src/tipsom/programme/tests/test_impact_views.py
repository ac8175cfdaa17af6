"""The impact screens and endpoints over hand-built facts (programme.testing_impact.ImpactWorld: a training in
BR-SP whose units gain exactly 4 cases a month): what the page and the API show, the same numbers in both, small
counts withheld, and each bad request refused with a clear message that names what to change."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.formats import date_format

from tipsom.accounts.testing import sign_in
from tipsom.programme.models import ActivityType
from tipsom.programme.testing import make_activity
from tipsom.programme.testing_impact import TRAINING, ImpactWorld, make_contact_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: Any) -> ImpactWorld:
    return ImpactWorld()


@pytest.fixture
def client(world: ImpactWorld) -> Client:
    return sign_in(Client(), world.officer)


def chart_data(content: bytes) -> dict[str, Any]:
    found = re.search(rb'<script id="programme-impact-data" type="application/json">(.*?)</script>', content, re.S)
    assert found, "no chart data"
    return dict(json.loads(found.group(1)))


def test_the_page_without_a_choice_shows_the_form(world: ImpactWorld, client: Client) -> None:
    response = client.get(reverse("programme:impact"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="activities"' in content and world.training.reference in content
    assert "data-estimate" not in content


def test_the_page_shows_the_estimate_the_chart_and_the_counts(world: ImpactWorld, client: Client) -> None:
    url = reverse("programme:impact")
    response = client.get(
        url, {"activities": str(world.training.pk), "before": "12", "after": "12", "unit": "organization"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-estimate="4.0"' in content
    assert 'data-pre-trend="0.0"' in content
    assert "not proof" in content  # the caveat
    chart = chart_data(response.content)
    assert len(chart["labels"]) == 25
    assert chart["markers"] == [{"index": 12, "label": f"{world.training.reference}, {date_format(TRAINING)}"}]
    assert chart["series"][0]["data"][:12] == [6.0] * 12 and chart["series"][0]["data"][13:] == [10.0] * 12
    # The API gives the same numbers.
    api = client.get(reverse("api:programme-impact"), {"activities": f"{world.training.pk}", "unit": "organization"})
    assert api.status_code == 200
    body = api.json()
    assert body["estimate"] == pytest.approx(4.0)
    assert body["treated_series"] == chart["series"][0]["data"]
    assert body["counts"]["treated"] == {"before": 72, "after": 120, "total": 198}
    assert body["months"][0] == "2021-06-01"


def test_withheld_counts_are_marks_on_the_page_and_null_in_the_api(world: ImpactWorld, client: Client) -> None:
    # The BA NGO alone as comparison (1 case a month): every one of its months withheld.
    from tipsom.stats.models import VictimFact

    VictimFact.objects.filter(organization__in=[world.rj, world.mg]).delete()
    response = client.get(reverse("programme:impact"), {"activities": str(world.training.pk), "unit": "organization"})
    assert response.status_code == 200, response.content.decode()[-3000:]
    content = response.content.decode()
    assert 'data-status="primary"' in content and "&lt;5" in content
    chart = chart_data(response.content)
    assert chart["series"][1]["data"] == [None] * 25
    body = client.get(reverse("api:programme-impact"), {"activities": str(world.training.pk), "unit": "organization"})
    rows = body.json()["rows"]
    assert {row["values"]["comparison"] for row in rows} == {None}
    assert {row["displays"]["comparison"] for row in rows} <= {"<5", ".."}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"activities": ""}, "Choose at least one training"),
        ({"activities": "abc"}, "is not an activity number"),
        ({"before": "0"}, "Ensure this value is greater than or equal to 1"),
        ({"after": "61"}, "Ensure this value is less than or equal to 60"),
        ({"unit": "village"}, "Select a valid choice"),
        ({"before": "24"}, "identifications are recorded from 2021-06 to 2023-06"),
        ({"unit": "user", "activities": "OTHER"}, "linked to a tipsom user"),
    ],
)
def test_bad_requests_on_the_page(world: ImpactWorld, client: Client, query: dict[str, str], message: str) -> None:
    day = datetime.date(2022, 6, 1)
    other = make_activity(world.office, regions=["BR-RJ"], start_date=day, end_date=day)
    data = {"activities": str(world.training.pk), "before": "12", "after": "12", "unit": "region", **query}
    if data["activities"] == "OTHER":
        data["activities"] = str(other.pk)
    response = client.get(reverse("programme:impact"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "data-estimate" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"activities": ""}, "invalid", "activities"),
        ({"activities": "99999999999"}, "invalid", "activities"),
        ({"activities": "٣"}, "invalid", "activities"),
        ({"before": "x"}, "invalid", "before"),
        ({"after": "0"}, "invalid", "after"),
        ({"unit": "village"}, "invalid", "unit"),
        ({"after": "13"}, "window_beyond_data", "before"),
        ({"activities": "CAMPAIGN"}, "invalid", "activities"),
    ],
)
def test_bad_requests_on_the_api(
    world: ImpactWorld, client: Client, query: dict[str, str], code: str, field: str
) -> None:
    campaign = make_activity(world.office, kind=ActivityType.CAMPAIGN)
    data = {"activities": str(world.training.pk), **query}
    if data["activities"] == "CAMPAIGN":
        data["activities"] = f"{world.training.pk},{campaign.pk}"
    response = client.get(reverse("api:programme-impact"), data)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert field in body["extra"]["fields"]


def test_activities_of_two_countries(world: ImpactWorld) -> None:
    from tipsom.accounts.testing import make_user
    from tipsom.organizations.testing import make_organization

    manager = make_user(make_organization("CO"), roles=("programme_manager",))
    colombian = make_activity(make_organization("CO"))
    client = sign_in(Client(), manager)
    response = client.get(reverse("api:programme-impact"), {"activities": f"{world.training.pk},{colombian.pk}"})
    assert response.status_code == 400
    assert "one country" in response.json()["message"]
    page = client.get(reverse("programme:impact"), {"activities": [world.training.pk, colombian.pk]})
    assert page.status_code == 400 and "one country" in page.content.decode(), page.content.decode()[-4000:]


def test_the_campaign_page_and_api(world: ImpactWorld, client: Client) -> None:
    campaign = make_activity(world.office, kind=ActivityType.CAMPAIGN, regions=["BR-SP"],
                             start_date=datetime.date(2022, 5, 1), end_date=datetime.date(2022, 7, 31))  # fmt: skip
    for month in range(2, 11):
        make_contact_facts(world.sp, 2022, month, 30 if 5 <= month <= 7 else 10)
    response = client.get(reverse("programme:campaign_effect", args=[campaign.pk]))
    assert response.status_code == 200
    chart = chart_data(response.content)
    assert chart["span"]["from"] == 3 and chart["span"]["to"] == 5
    assert chart["series"][0]["data"] == [10, 10, 10, 30, 30, 30, 10, 10, 10]
    content = response.content.decode()
    assert "not proof" in content
    assert 'data-key="contacts-mean"' in content
    api = client.get(reverse("api:programme-campaign-effect", args=[campaign.pk]), {"months": "2"})
    assert api.status_code == 200
    body = api.json()
    assert body["totals"]["contacts"] == {"before": 20, "during": 90, "after": 20}
    assert body["monthly_means"]["contacts"] == {"before": 10.0, "during": 30.0, "after": 10.0}
    bad = client.get(reverse("api:programme-campaign-effect", args=[campaign.pk]), {"months": "99"})
    assert bad.status_code == 400 and bad.json()["extra"]["fields"]["months"]
    page = client.get(reverse("programme:campaign_effect", args=[campaign.pk]), {"months": "0"})
    assert page.status_code == 400
    training = client.get(reverse("api:programme-campaign-effect", args=[world.training.pk]))
    assert training.status_code == 400 and "not an awareness campaign" in training.json()["message"]
