"""Service directory screens: who may open each one, and what the forms do (listing, stale edits, the HTMX
free-places update, pathways, response times), with a search page whose query count does not grow."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.referrals.models import Pathway, ResponseTime, Service
from tipsom.referrals.testing import make_service
from tipsom.referrals.tests.directory_helpers import counts, make_pathway

NO_ROLE = ""  # every seeded role may see the directory; a user without a role may not
HTMX = {"HX-Request": "true"}
SERVICE_NAME = "Casa Girassol"


def _service(organization: Organization) -> Service:
    return make_service(
        organization,
        name=SERVICE_NAME,
        regions=["BR-SP"],
        capacity_total=8,
        capacity_available=3,
        phone="+551199998888",
    )


# --- Access: every URL, four kinds of user ------------------------------------------------------------------
class TestServiceSearch(AccessCase):
    url_name = "directory:search"
    permitted_role = "me_officer"
    unpermitted_role = NO_ROLE
    scope = "national"

    def make_object(self, organization: Organization) -> None:
        _service(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert SERVICE_NAME in content and "São Paulo" in content and "3 of 8" in content
        assert 'href="/directory/new/"' not in content  # a helpline operator lists no service

    def test_other_organization(self, home_org: Organization) -> None:
        _service(home_org)
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        response = self._client_for(user).get(reverse(self.url_name))
        assert response.status_code == 200 and SERVICE_NAME not in response.content.decode()


class TestServiceDetail(AccessCase):
    url_name = "directory:detail"
    permitted_role = "me_officer"
    unpermitted_role = NO_ROLE
    scope = "national"
    model = Service

    def make_object(self, organization: Organization) -> Service:
        return _service(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert SERVICE_NAME in content and "+551199998888" in content
        assert reverse("directory:capacity", kwargs={"pk": obj.pk}) not in content  # may not change it


class TestServiceCreate(AccessCase):
    url_name = "directory:create"
    permitted_role = "case_manager"
    unpermitted_role = "frontline_identifier"  # sees services, lists none

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert 'name="service_type"' in content and 'value="BR-SP"' in content
        assert 'name="organization"' not in content  # own organization only


class TestServiceEdit(AccessCase):
    url_name = "directory:edit"
    permitted_role = "case_manager"
    unpermitted_role = "frontline_identifier"

    def make_object(self, organization: Organization) -> Service:
        return _service(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert f'value="{SERVICE_NAME}"' in response.content.decode()


class TestServiceCapacity(AccessCase):
    url_name = "directory:capacity"
    method = "post"
    permitted_role = "case_manager"
    unpermitted_role = "frontline_identifier"
    permitted_status = 302

    def make_object(self, organization: Organization) -> Service:
        return _service(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"capacity-available": "0", "capacity-version": "1"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Service.objects.get(pk=obj.pk).capacity_available == 0


class TestPathways(AccessCase):
    url_name = "directory:pathways"
    permitted_role = "national_coordinator"
    unpermitted_role = "case_manager"  # uses pathways through suggestions, does not configure them
    scope = "national"
    model = Pathway

    def make_object(self, organization: Organization) -> None:
        make_pathway(name="Child victims first", service_types=["child_protection", "shelter"])
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert "Child victims first" in content and "Child protection → Shelter" in content
        assert 'name="service_types"' in content

    def test_other_organization(self, home_org: Organization) -> None:
        self.make_object(home_org)
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        response = self._client_for(user).get(reverse(self.url_name))
        assert response.status_code == 200 and "Child victims first" not in response.content.decode()


class TestPathwayEdit(AccessCase):
    url_name = "directory:pathway_edit"
    permitted_role = "system_administrator"
    unpermitted_role = "case_supervisor"
    scope = "national"

    def make_object(self, organization: Organization) -> Pathway:
        return make_pathway(name="Adults", service_types=["psychosocial", "legal_aid"])

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert 'value="psychosocial, legal_aid"' in response.content.decode()


class TestResponseTimes(AccessCase):
    url_name = "directory:response_times"
    permitted_role = "national_coordinator"
    unpermitted_role = "case_manager"
    scope = "national"
    model = ResponseTime

    def make_object(self, organization: Organization) -> None:
        ResponseTime.objects.create(country="BR", urgency="urgent", hours=7)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert 'value="7"' in content and "set for the country" in content

    def test_other_organization(self, home_org: Organization) -> None:
        self.make_object(home_org)
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        response = self._client_for(user).get(reverse(self.url_name))
        assert response.status_code == 200 and 'value="7"' not in response.content.decode()


# --- Behaviour ----------------------------------------------------------------------------------------------
@pytest.fixture
def org(db: Any) -> Organization:
    return make_organization("BR")


@pytest.fixture
def manager_client(org: Organization) -> Client:
    return sign_in(Client(), make_user(org, roles=("case_manager",)))


@pytest.fixture
def admin_client(db: Any) -> Client:
    return sign_in(Client(), make_user(make_organization("BR"), roles=("national_coordinator",)))


def test_menu_has_services(manager_client: Client) -> None:
    assert 'href="/directory/"' in manager_client.get(reverse("home")).content.decode()


def test_search_filters_and_bad_filters(manager_client: Client, org: Organization) -> None:
    _service(org)
    make_service(org, name="Legal clinic", service_type="legal_aid")
    content = manager_client.get(reverse("directory:search"), {"need": "legal_aid"}).content.decode()
    assert "Legal clinic" in content and SERVICE_NAME not in content
    content = manager_client.get(reverse("directory:search"), {"region": "BR-RJ"}).content.decode()
    assert "Legal clinic" in content and SERVICE_NAME not in content
    response = manager_client.get(reverse("directory:search"), {"age": "old"})
    assert response.status_code == 400 and "Legal clinic" not in response.content.decode()


def test_search_page_queries_do_not_grow(manager_client: Client, org: Organization) -> None:
    _service(org)
    url = reverse("directory:search")
    manager_client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert manager_client.get(url, {"free_places": "true"}).status_code == 200
    for number in range(30):
        make_service(make_organization("BR"), name=f"Shelter {number}", regions=["BR-SP", "BR-RJ"], languages=["es"])
    with CaptureQueriesContext(connection) as many:
        response = manager_client.get(url, {"free_places": "true"})
    assert "Shelter 29" in response.content.decode()
    assert len(many) == len(few), [query["sql"] for query in many]


def test_list_a_service(manager_client: Client, org: Organization) -> None:
    data = {
        "service_type": "shelter",
        "name": "Casa Nova",
        "sexes": ["Feminine"],
        "regions": ["BR-SP"],
        "languages": ["pt"],
        "serves_tip": "on",
        "capacity_total": "4",
        "capacity_available": "4",
    }
    response = manager_client.post(reverse("directory:create"), data)
    service = Service.objects.get(name="Casa Nova")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:detail", kwargs={"pk": service.pk})
    assert service.organization_id == org.pk and not service.serves_som and service.regions == ["BR-SP"]


def test_listing_refused_changes_nothing(manager_client: Client) -> None:
    before = counts()
    data = {"service_type": "shelter", "name": "Casa", "serves_tip": "on", "age_min": "18", "age_max": "10"}
    response = manager_client.post(reverse("directory:create"), data)
    assert response.status_code == 400 and "oldest age served cannot be below" in response.content.decode()
    assert counts() == before


def test_admin_chooses_the_organization(admin_client: Client, org: Organization) -> None:
    response = admin_client.get(reverse("directory:create"))
    assert f'value="{org.pk}"' in response.content.decode()
    data = {"organization": str(org.pk), "service_type": "medical", "name": "Clinic", "serves_tip": "on"}
    assert admin_client.post(reverse("directory:create"), data).status_code == 302
    assert Service.objects.get(name="Clinic").organization_id == org.pk


def test_stale_edit_is_409_and_writes_nothing(manager_client: Client, org: Organization) -> None:
    service = _service(org)
    url = reverse("directory:edit", kwargs={"pk": service.pk})
    data = {"service_type": "shelter", "name": "Renamed", "serves_tip": "on", "version": "1", "is_active": "on"}
    Service.objects.filter(pk=service.pk).update(version=2)
    before = counts()
    response = manager_client.post(url, data)
    assert response.status_code == 409 and "Nothing was saved" in response.content.decode()
    assert counts() == before and Service.objects.get(pk=service.pk).name == SERVICE_NAME
    data["version"] = "2"
    assert manager_client.post(url, data).status_code == 302
    assert Service.objects.get(pk=service.pk).name == "Renamed"


def test_capacity_with_htmx(manager_client: Client, org: Organization) -> None:
    service = _service(org)
    url = reverse("directory:capacity", kwargs={"pk": service.pk})
    response = manager_client.post(url, {"capacity-available": "1", "capacity-version": "1"}, headers=HTMX)
    content = response.content.decode()
    assert response.status_code == 200 and 'id="service-capacity"' in content and "1 of 8" in content
    assert 'name="capacity-version" value="2"' in content
    before = counts()
    response = manager_client.post(url, {"capacity-available": "9", "capacity-version": "2"}, headers=HTMX)
    assert response.status_code == 400 and "more free places than places in all" in response.content.decode()
    response = manager_client.post(url, {"capacity-available": "2", "capacity-version": "1"}, headers=HTMX)
    assert response.status_code == 409 and "Nothing was saved" in response.content.decode()
    assert counts() == before and Service.objects.get(pk=service.pk).capacity_available == 1


def test_capacity_refused_without_htmx_renders_the_page(manager_client: Client, org: Organization) -> None:
    service = _service(org)
    url = reverse("directory:capacity", kwargs={"pk": service.pk})
    response = manager_client.post(url, {"capacity-available": "-1", "capacity-version": "1"})
    assert response.status_code == 400 and SERVICE_NAME in response.content.decode()


def test_pathway_add_and_edit(admin_client: Client) -> None:
    data = {
        "name": "Foreign adults",
        "child": "no",
        "foreign": "yes",
        "service_types": "interpretation, consular",
        "priority": "20",
        "is_active": "on",
    }
    assert admin_client.post(reverse("directory:pathways"), data).status_code == 302
    pathway = Pathway.objects.get(name="Foreign adults")
    assert pathway.service_types == ["interpretation", "consular"] and pathway.country == "BR"
    before = counts()
    response = admin_client.post(reverse("directory:pathways"), {**data, "service_types": "consular, spa"})
    assert response.status_code == 400 and "Unknown types of service: spa" in response.content.decode()
    assert counts() == before
    url = reverse("directory:pathway_edit", kwargs={"pk": pathway.pk})
    response = admin_client.post(url, {**data, "service_types": "consular", "version": "1"})
    assert response.status_code == 302 and Pathway.objects.get(pk=pathway.pk).service_types == ["consular"]
    assert admin_client.post(url, {**data, "version": "1"}).status_code == 409


def test_response_time_set(admin_client: Client) -> None:
    url = reverse("directory:response_times")
    assert admin_client.post(url, {"urgency": "emergency", "hours": "3"}).status_code == 302
    assert ResponseTime.objects.get(country="BR", urgency="emergency").hours == 3
    assert AuditEvent.objects.filter(action="response_time.set").count() == 1
    response = admin_client.post(url, {"urgency": "emergency", "hours": "0"})
    assert response.status_code == 400 and ResponseTime.objects.get(urgency="emergency").hours == 3
