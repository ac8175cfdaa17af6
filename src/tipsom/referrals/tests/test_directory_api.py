"""Service directory API: every endpoint as anonymous, unpermitted, other-organization and permitted users, the
shared filters, keyset paging, stale versions and the routes under /services/ that must not clash."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.referrals.models import Pathway, ResponseTime, Service
from tipsom.referrals.testing import make_service
from tipsom.referrals.tests.directory_helpers import counts, make_pathway

NO_ROLE = ""
SERVICE_NAME = "Casa Girassol"


class ServiceAccess(AccessCase):
    permitted_role = "case_manager"
    unpermitted_role = "frontline_identifier"

    def make_object(self, organization: Organization) -> Service:
        return make_service(organization, name=SERVICE_NAME, capacity_total=6, capacity_available=2)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestServiceListApi(AccessCase):
    url_name = "api:service-list"
    permitted_role = "me_officer"
    unpermitted_role = NO_ROLE
    scope = "national"

    def make_object(self, organization: Organization) -> None:
        make_service(organization, name=SERVICE_NAME)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        assert [row["name"] for row in rows] == [SERVICE_NAME] and rows[0]["organization_name"]

    def test_other_organization(self, home_org: Organization) -> None:
        self.make_object(home_org)
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        response = self._client_for(user).get(reverse(self.url_name))
        assert response.status_code == 200 and response.json()["results"] == []


class TestServiceCreateApi(AccessCase):
    url_name = "api:service-list"
    method = "post"
    permitted_role = "case_manager"
    unpermitted_role = "frontline_identifier"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"service_type": "legal_aid", "name": "Legal clinic", "languages": ["pt", "es"], "regions": ["BR-SP"]}

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["country"] == "BR" and body["regions"] == ["BR-SP"] and body["version"] == 1
        event = AuditEvent.objects.get(action="service.create")
        assert event.object_id == str(body["id"]) and event.channel == "api"

    def test_other_organization(self, home_org: Organization) -> None:
        # One lists services for one's own organization: naming another one is missing.
        user = make_user(make_organization("BR"), roles=(self.permitted_role,))
        before = counts()
        response = self._client_for(user).post(
            reverse(self.url_name), {**self.payload(None), "organization": home_org.pk}, content_type="application/json"
        )
        assert response.status_code == 404 and counts() == before


class TestServiceDetailApi(ServiceAccess):
    url_name = "api:service-detail"
    permitted_role = "me_officer"
    unpermitted_role = NO_ROLE
    scope = "national"
    model = Service

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["name"] == SERVICE_NAME and response.json()["capacity_available"] == 2


class TestServiceUpdateApi(ServiceAccess):
    url_name = "api:service-detail"
    method = "patch"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": 1, "hours": "24/7"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["hours"] == "24/7" and response.json()["version"] == 2


class TestServiceCapacityApi(ServiceAccess):
    url_name = "api:service-capacity"
    method = "post"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"available": 0}

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["capacity_available"] == 0 and body["capacity_updated_at"]


class TestPathwayListApi(AccessCase):
    url_name = "api:pathway-list"
    permitted_role = "national_coordinator"
    unpermitted_role = "case_manager"
    scope = "national"

    def make_object(self, organization: Organization) -> None:
        make_pathway(name="Child victims", child="yes", service_types=["child_protection"])
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert [row["name"] for row in response.json()] == ["Child victims"]

    def test_other_organization(self, home_org: Organization) -> None:
        self.make_object(home_org)
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        response = self._client_for(user).get(reverse(self.url_name))
        assert response.status_code == 200 and response.json() == []


class TestPathwayCreateApi(AccessCase):
    url_name = "api:pathway-list"
    method = "post"
    permitted_role = "national_coordinator"
    unpermitted_role = "case_manager"
    scope = "national"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"name": "Smuggled migrants", "case_types": ["som"], "service_types": ["legal_aid", "medical"]}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Pathway.objects.get(pk=response.json()["id"]).service_types == ["legal_aid", "medical"]

    def test_other_organization(self, home_org: Organization) -> None:
        # A Colombian coordinator adds to Colombia, never to Brazil.
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        response = self.request(self._client_for(user), None)
        assert response.status_code == 201 and response.json()["country"] == "CO"
        assert not Pathway.objects.filter(country="BR").exists()


class TestPathwayDetailApi(AccessCase):
    url_name = "api:pathway-detail"
    permitted_role = "national_coordinator"
    unpermitted_role = "case_manager"
    scope = "national"
    model = Pathway

    def make_object(self, organization: Organization) -> Pathway:
        return make_pathway(name="Adults")

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["name"] == "Adults"


class TestPathwayUpdateApi(TestPathwayDetailApi):
    method = "patch"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": 1, "is_active": False}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["is_active"] is False and not Pathway.objects.get(pk=obj.pk).is_active


class TestResponseTimesApi(AccessCase):
    url_name = "api:response-time-list"
    permitted_role = "national_coordinator"
    unpermitted_role = "case_manager"
    scope = "national"
    model = ResponseTime

    def make_object(self, organization: Organization) -> None:
        ResponseTime.objects.create(country="BR", urgency="emergency", hours=1)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = {row["urgency"]: row for row in response.json()}
        assert rows["emergency"] == {"urgency": "emergency", "hours": 1, "configured": True}
        assert rows["routine"]["configured"] is False

    def test_other_organization(self, home_org: Organization) -> None:
        self.make_object(home_org)
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        rows = {row["urgency"]: row for row in self._client_for(user).get(reverse(self.url_name)).json()}
        assert rows["emergency"]["configured"] is False


class TestResponseTimeSetApi(AccessCase):
    url_name = "api:response-time-list"
    method = "post"
    permitted_role = "system_administrator"
    unpermitted_role = "case_manager"
    scope = "national"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"urgency": "urgent", "hours": 12}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json() == {"urgency": "urgent", "hours": 12, "configured": True}
        assert ResponseTime.objects.get(country="BR", urgency="urgent").hours == 12

    def test_other_organization(self, home_org: Organization) -> None:
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        assert self.request(self._client_for(user), None).status_code == 200
        assert not ResponseTime.objects.filter(country="BR").exists()


# --- Behaviour ----------------------------------------------------------------------------------------------
@pytest.fixture
def org(db: Any) -> Organization:
    return make_organization("BR")


@pytest.fixture
def client(org: Organization) -> Client:
    return sign_in(Client(), make_user(org, roles=("case_manager",)))


def test_list_filters_and_keyset_paging(client: Client, org: Organization) -> None:
    for number in range(5):
        make_service(org, name=f"Shelter {number}", regions=["BR-SP"] if number % 2 else [])
    make_service(org, name="Full", capacity_total=1, capacity_available=0)
    url = reverse("api:service-list")
    body = client.get(url, {"region": "BR-RJ", "page_size": "2"}).json()
    assert [row["name"] for row in body["results"]] == ["Full", "Shelter 4"]
    assert "cursor=" in body["next"]
    second = client.get(body["next"]).json()
    assert [row["name"] for row in second["results"]] == ["Shelter 2", "Shelter 0"]
    names = {row["name"] for row in client.get(url, {"free_places": "true"}).json()["results"]}
    assert "Full" not in names and len(names) == 5
    response = client.get(url, {"need": "spa"})
    assert response.status_code == 400 and "need" in response.json()["extra"]["fields"]


def test_update_needs_a_fresh_version(client: Client, org: Organization) -> None:
    service = make_service(org)
    url = reverse("api:service-detail", kwargs={"pk": service.pk})
    before = counts()
    response = client.patch(url, {"name": "X"}, content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()["extra"]["fields"]
    response = client.patch(url, {"name": "X", "version": 3}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    response = client.patch(url, {"regions": ["CO-ANT"], "version": 1}, content_type="application/json")
    assert response.status_code == 400 and "regions" in response.json()["extra"]["fields"]
    response = client.patch(url, {"colour": "red", "version": 1}, content_type="application/json")
    assert response.status_code == 400
    assert counts() == before


def test_capacity_refused_over_total(client: Client, org: Organization) -> None:
    service = make_service(org, capacity_total=2, capacity_available=1)
    before = counts()
    response = client.post(
        reverse("api:service-capacity", kwargs={"pk": service.pk}), {"available": 3}, content_type="application/json"
    )
    assert response.status_code == 400 and "available" in response.json()["extra"]["fields"]
    assert counts() == before


def test_routes_under_services_do_not_clash() -> None:
    assert reverse("api:pathway-list") == "/api/v1/services/pathways/"
    assert reverse("api:response-time-list") == "/api/v1/services/response-times/"
    assert reverse("api:service-detail", kwargs={"pk": 7}) == "/api/v1/services/7/"


def test_a_list_row_is_what_the_documented_serializer_gives(client: Client, org: Organization) -> None:
    """The list is built from .values() for speed; it must keep ServiceSerializer's shape and values."""
    import json

    from tipsom.referrals.api.directory import ServiceSerializer
    from tipsom.referrals.services.directory import service_capacity_set

    service = make_service(org, name="Casa", capacity_total=4, capacity_available=4, regions=["BR-SP"])
    manager = make_user(org, roles=("case_manager",))
    service_capacity_set(actor=manager, service_id=service.pk, available=2)
    row = client.get(reverse("api:service-list")).json()["results"][0]
    expected = ServiceSerializer(Service.objects.select_related("organization").get(pk=service.pk)).data
    assert row == json.loads(json.dumps(expected))
    assert row["organization_name"] == org.name and row["capacity_available"] == 2 and row["capacity_updated_at"]
