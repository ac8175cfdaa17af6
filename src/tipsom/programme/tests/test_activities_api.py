"""The activities API: who reaches each endpoint (AccessCase for every URL and method), creating with the service's
checks ({"code", "message", "extra"} naming the fields, nothing saved), the stale version, the list's filters and
scopes, the follow-up actions, and the schema's names."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import ActionStatus, Activity, ActivityType, FollowUpAction
from tipsom.programme.testing import make_activity, make_attendance, make_participant


def _meeting(organization: Organization) -> Activity:
    return make_activity(organization, kind=ActivityType.CONFERENCE, title="Ibero-American network")


class ProgrammeApiCase(AccessCase):
    permitted_role = "me_officer"
    unpermitted_role = "frontline_identifier"
    scope = "national"


class TestApiActivityList(ProgrammeApiCase):
    url_name = "api:programme-activities"
    model = Activity


class TestApiActivityCreate(ProgrammeApiCase):
    url_name = "api:programme-activities"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"kind": "training", "title": "Labour inspectors", "pillar": 3, "start_date": "2018-09-10"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["reference"] == "BR-ACT-2018-000001"


class TestApiActivityDetail(ProgrammeApiCase):
    url_name = "api:programme-activity"
    model = Activity

    def make_object(self, organization: Organization) -> Activity:
        return make_activity(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["reference"] == obj.reference


class TestApiActivityPatch(TestApiActivityDetail):
    url_name = "api:programme-activity"
    method = "patch"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": 1, "title": "Renamed"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["title"] == "Renamed" and response.json()["version"] == 2


class TestApiActivityFollowUps(ProgrammeApiCase):
    url_name = "api:programme-activity-follow-ups"
    model = FollowUpAction

    def make_object(self, organization: Organization) -> Activity:
        meeting = _meeting(organization)
        FollowUpAction.objects.create(activity=meeting, description="x", owner_name="y", due_on="2030-01-01")
        return meeting

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert [row["description"] for row in response.json()] == ["x"]


class TestApiActivityFollowUpAdd(TestApiActivityFollowUps):
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"description": "Exchange liaison officers", "owner_name": "Fiscalía", "due_on": "2030-03-01"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["status"] == "open" and response.json()["overdue"] is False


class TestApiFollowUp(ProgrammeApiCase):
    url_name = "api:programme-follow-up"
    model = FollowUpAction

    def make_object(self, organization: Organization) -> FollowUpAction:
        return FollowUpAction.objects.create(
            activity=_meeting(organization), description="x", owner_name="y", due_on="2020-01-01"
        )

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["overdue"] is True


class TestApiFollowUpPatch(TestApiFollowUp):
    method = "patch"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"status": "done", "done_on": "2024-01-15"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["status"] == "done" and response.json()["overdue"] is False


pytestmark = pytest.mark.django_db


def _api(user: Any) -> Client:
    return sign_in(Client(), user)


def test_creating_refuses_bad_input_with_the_fields_and_saves_nothing() -> None:
    officer = make_user(make_organization("CO"), roles=("me_officer",))
    client = _api(officer)
    body = {
        "kind": "workshop",
        "title": "ICBF",
        "pillar": 6,
        "start_date": "2018-05-14",
        "end_date": "2018-05-10",
        "participants_total": 125,
        "participants_women": 110,
        "participants_men": 23,
        "participants_by_sector": {"family_defenders": 130},
        "regions": ["CO-ANT", "BR-SP"],
        "budget": -3,
        "channels": ["radio"],
        "topics": ["nope"],
    }
    response = client.post(reverse("api:programme-activities"), body, content_type="application/json")
    assert response.status_code == 400
    answer = response.json()
    assert set(answer) == {"code", "message", "extra"} and answer["code"] == "invalid"
    assert {
        "end_date",
        "participants_women",
        "participants_by_sector",
        "regions",
        "budget",
        "channels",
        "topics",
    } <= set(answer["extra"]["fields"])
    assert not Activity.objects.exists()
    response = client.post(
        reverse("api:programme-activities"), {"title": "x", "colour": 1}, content_type="application/json"
    )
    assert response.status_code == 400 and "colour" in response.json()["extra"]["fields"]


def test_create_read_patch_with_the_version() -> None:
    icbf = make_organization("CO", name="ICBF")
    partner_org = make_organization("CO")
    officer = make_user(make_organization("CO"), roles=("me_officer",))
    client = _api(officer)
    body = {
        "owner_organization": icbf.pk,
        "kind": "workshop",
        "title": "ICBF family defenders",
        "pillar": 6,
        "start_date": "2018-05-14",
        "participants_total": 125,
        "participants_women": 102,
        "participants_men": 23,
        "implementing_organizations": [partner_org.pk],
        "regions": ["CO-ANT"],
    }
    response = client.post(reverse("api:programme-activities"), body, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["owner_organization"] == icbf.pk and created["implementing_organizations"] == [partner_org.pk]
    assert created["participant_counts"] == {
        "total": 125,
        "women": 102,
        "men": 23,
        "other": 0,
        "by_sector": {},
        "from_roster": False,
    }
    url = reverse("api:programme-activity", kwargs={"pk": created["id"]})
    assert client.patch(url, {"version": 1, "cost": "900"}, content_type="application/json").status_code == 200
    stale = client.patch(url, {"version": 1, "cost": "1"}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert client.get(url).json()["cost"] == "900.00"
    # An organization of another country cannot be the reporting one.
    body["owner_organization"] = make_organization("BR").pk
    response = client.post(reverse("api:programme-activities"), body, content_type="application/json")
    assert response.status_code == 400 and "owner_organization" in response.json()["extra"]["fields"]


def test_the_list_filters_and_scopes() -> None:
    co = make_organization("CO")
    kg = make_organization("KG")
    workshop = make_activity(co, kind=ActivityType.WORKSHOP, regions=["CO-ANT"])
    campaign = make_activity(
        kg, kind=ActivityType.CAMPAIGN, start_date=datetime.date(2019, 9, 1), end_date=datetime.date(2019, 12, 9)
    )
    make_attendance(workshop, make_participant("CO"))
    manager = make_user(make_organization("AT"), roles=("programme_manager",))
    client = _api(manager)
    url = reverse("api:programme-activities")
    assert {row["reference"] for row in client.get(url).json()["results"]} == {workshop.reference, campaign.reference}
    assert [row["reference"] for row in client.get(url, {"country": "KG"}).json()["results"]] == [campaign.reference]
    assert [row["reference"] for row in client.get(url, {"year": 2019}).json()["results"]] == [campaign.reference]
    assert [row["reference"] for row in client.get(url, {"region": "CO-ANT"}).json()["results"]] == [workshop.reference]
    detail = client.get(reverse("api:programme-activity", kwargs={"pk": workshop.pk})).json()
    assert detail["participant_counts"]["from_roster"] is True and detail["participant_counts"]["total"] == 1
    # Reads every country, records nothing.
    body = {"kind": "training", "title": "x", "pillar": 3, "start_date": "2018-01-01"}
    assert client.post(url, body, content_type="application/json").status_code == 404
    patch = client.patch(
        reverse("api:programme-activity", kwargs={"pk": workshop.pk}), {"version": 1}, content_type="application/json"
    )
    assert patch.status_code == 404
    partner = make_user(co, roles=("implementing_partner",))
    own = make_activity(co)
    make_activity(make_organization("CO"))
    assert {row["reference"] for row in _api(partner).get(url).json()["results"]} == {workshop.reference, own.reference}


def test_follow_ups_through_the_api() -> None:
    org = make_organization("CO")
    meeting = _meeting(org)
    officer = make_user(org, roles=("me_officer",))
    client = _api(officer)
    url = reverse("api:programme-activity-follow-ups", kwargs={"pk": meeting.pk})
    response = client.post(
        url, {"description": "x", "owner_name": "y", "due_on": "soon"}, content_type="application/json"
    )
    assert response.status_code == 400 and "due_on" in response.json()["extra"]["fields"]
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url, {"description": "x", "owner_name": "y", "due_on": past}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["overdue"] is True
    action = FollowUpAction.objects.get()
    answer = client.patch(
        reverse("api:programme-follow-up", kwargs={"pk": action.pk}),
        {"status": "dropped"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == ActionStatus.DROPPED
    training = make_activity(org)
    response = client.post(
        reverse("api:programme-activity-follow-ups", kwargs={"pk": training.pk}),
        {"description": "x", "owner_name": "y", "due_on": "2030-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "activity" in response.json()["extra"]["fields"]


def test_the_schema_names_the_activity_payloads() -> None:
    response = Client().get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    text = response.content.decode()
    for name in ("ActivityDetail", "ActivityFields", "ActivityUpdate", "ProgrammeFollowUp", "ProgrammeFollowUpFields"):
        assert name in text
    if schema is not None:
        assert (
            "/api/v1/programme/activities/{id}/" in schema["paths"]
            or "/api/v1/programme/activities/{pk}/" in schema["paths"]
        )
