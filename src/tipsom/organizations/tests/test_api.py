"""Organization API: who reaches each endpoint, filters, the confidential address, optimistic locking, bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

SHELTER_ADDRESS = "Rua das Flores 123, casa 4"
# A user without any role: every seeded role sees the directory, so "unpermitted" means no role at all.
NO_ROLE = "-"


def _admin(organization: Organization) -> User:
    return make_user(organization, roles=("system_administrator",))


def _latest_event() -> AuditEvent:
    return AuditEvent.objects.latest("sequence")


# --- Access: every endpoint, four kinds of user -------------------------------------------------------------
class TestOrganizationListApi(AccessCase):
    url_name = "api:organization-list"
    permitted_role = "case_manager"
    unpermitted_role = NO_ROLE
    scope = "national"
    model = Organization

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        assert rows and all("street_address" not in row for row in rows)


class TestOrganizationDetailApi(AccessCase):
    url_name = "api:organization-detail"
    permitted_role = "case_manager"
    unpermitted_role = NO_ROLE
    scope = "national"
    model = Organization

    def make_object(self, organization: Organization) -> Organization:
        return organization

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["name"] == obj.name
        assert "street_address" not in response.json()  # a case manager may not change it


class TestOrganizationCreateApi(AccessCase):
    url_name = "api:organization-list"
    method = "post"
    permitted_role = "system_administrator"
    scope = "national"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"name": "Casa Nova", "type": "NGO", "country": "BR", "functions": ["shelter"]}

    def check_permitted(self, response: Any, obj: Any) -> None:
        created = Organization.objects.get(pk=response.json()["id"])
        assert created.name == "Casa Nova" and created.functions == ["shelter"]
        event = _latest_event()
        assert (event.action, event.object_id, event.channel) == ("organization.create", str(created.pk), "api")

    def test_other_organization(self, home_org: Organization) -> None:
        # An administrator of another country cannot register organizations in this one; the service says why.
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        count = Organization.objects.count()
        response = self.request(self._client_for(user), None)
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "forbidden_country"
        assert Organization.objects.count() == count


class TestOrganizationUpdateApi(AccessCase):
    url_name = "api:organization-detail"
    method = "patch"
    permitted_role = "system_administrator"
    scope = "national"

    def make_object(self, organization: Organization) -> Organization:
        return organization

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "city": "Recife"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert (obj.city, obj.version) == ("Recife", 2)
        assert response.json()["version"] == 2
        event = _latest_event()
        assert (event.action, event.channel, event.changes["city"]) == ("organization.update", "api", ["", "Recife"])


class TestOrganizationReplaceApi(TestOrganizationUpdateApi):
    url_name = "api:organization-detail"
    method = "put"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "name": obj.name, "type": obj.type, "country": obj.country, "city": "Recife"}


# --- Reading ------------------------------------------------------------------------------------------------
def test_street_address_only_for_those_who_may_change_it(db: Any) -> None:
    shelter = make_organization("BR", street_address=SHELTER_ADDRESS, functions=["shelter"])
    url = reverse("api:organization-detail", kwargs={"pk": shelter.pk})
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    assert "street_address" not in sign_in(Client(), coordinator).get(url).json()
    assert sign_in(Client(), _admin(make_organization("BR"))).get(url).json()["street_address"] == SHELTER_ADDRESS
    listing = sign_in(Client(), _admin(make_organization("BR"))).get(reverse("api:organization-list")).content.decode()
    assert SHELTER_ADDRESS not in listing and "street_address" not in listing


def test_filters_narrow_the_list(db: Any) -> None:
    viewer = make_user(make_organization("BR", name="Viewer home"), roles=("case_manager",))
    make_organization("BR", name="Polícia Federal SP", type="LawEnforcement", region="BR-SP")
    make_organization("BR", name="Abrigo Luz", type="NGO", region="BR-RJ", is_active=False)
    make_organization("CO", name="Fiscalía Bogotá", type="LawEnforcement")
    client = sign_in(Client(), viewer)

    def names(**params: Any) -> set[str]:
        response = client.get(reverse("api:organization-list"), params)
        assert response.status_code == 200, response.content
        return {row["name"] for row in response.json()["results"]}

    assert names(type="LawEnforcement") == {"Polícia Federal SP"}
    assert names(region="BR-RJ") == {"Abrigo Luz"}
    assert names(is_active="false") == {"Abrigo Luz"}
    assert names(q="abrigo") == {"Abrigo Luz"}
    assert names(country="CO") == set()  # another country is outside a national scope


def test_invalid_filter_value_is_a_400_with_the_field(db: Any) -> None:
    viewer = make_user(make_organization("BR"), roles=("case_manager",))
    response = sign_in(Client(), viewer).get(reverse("api:organization-list"), {"type": "Circus"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "type" in body["extra"]["fields"]


def test_list_pages_with_a_cursor(db: Any) -> None:
    viewer = make_user(make_organization("BR"), roles=("case_manager",))
    for _ in range(4):
        make_organization("BR")
    client = sign_in(Client(), viewer)
    first = client.get(reverse("api:organization-list"), {"page_size": 3}).json()
    assert len(first["results"]) == 3 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and not second["next"]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    response = client.get(reverse("api:organization-list"), {"cursor": "not-a-cursor"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


# --- Writing: rules from the service, nothing changed on refusal -------------------------------------------
def _patch(client: Client, organization: Organization, data: Any, **extra: Any) -> Any:
    url = reverse("api:organization-detail", kwargs={"pk": organization.pk})
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.patch(url, body, content_type=extra.pop("content_type", "application/json"), **extra)


def _snapshot(organization: Organization) -> tuple[Any, ...]:
    organization.refresh_from_db()
    return (organization.name, organization.city, organization.version, AuditEvent.objects.count())


def test_stale_version_is_a_409_and_changes_nothing(db: Any) -> None:
    organization = make_organization("BR", name="Abrigo Sol")
    client = sign_in(Client(), _admin(make_organization("BR")))
    assert _patch(client, organization, {"version": 1, "city": "Natal"}).status_code == 200
    before = _snapshot(organization)
    response = _patch(client, organization, {"version": 1, "city": "Olinda"})
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["extra"] == {"current_version": 2}
    assert _snapshot(organization) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"city": "Natal"}, "version"),  # the version is required
        ({"version": "two", "city": "Natal"}, "version"),
        ({"version": 1, "is_active": "perhaps"}, "is_active"),
        ({"version": 1, "functions": "shelter"}, "functions"),
        ({"version": 1, "functions": ["juggling"]}, "functions.0"),  # a list's item is named by its place
        ({"version": 1, "name": ["a", "list"]}, "name"),
        ({"version": 1, "name": "x" * 201}, "name"),
        ({"version": 1, "email": "not-an-email"}, "email"),
        ({"version": 1, "colour": "blue"}, "colour"),  # unknown fields are refused, not ignored
        ({"version": 1, "code": "new-code"}, "code"),  # the code is fixed once created
    ],
)
def test_wrong_types_are_a_400_naming_the_field_and_change_nothing(db: Any, data: dict[str, Any], field: str) -> None:
    organization = make_organization("BR", name="Abrigo Sol")
    client = sign_in(Client(), _admin(make_organization("BR")))
    before = _snapshot(organization)
    response = _patch(client, organization, data)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["extra"]["fields"], body
    assert body["message"]
    assert _snapshot(organization) == before


def test_service_rules_answer_with_their_code_and_change_nothing(db: Any) -> None:
    organization = make_organization("BR", name="Abrigo Sol")
    client = sign_in(Client(), _admin(make_organization("BR")))
    before = _snapshot(organization)
    response = _patch(client, organization, {"version": 1, "region": "XX-99", "phone": "12"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["extra"]["fields"]) == {"region", "phone"}
    assert _snapshot(organization) == before


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ('{"version": 1, "city": ', "application/json", 400, "malformed_request"),
        ("[1, 2, 3]", "application/json", 400, "invalid"),
        ("city=Natal&version=1", "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_unreadable_bodies_are_refused_and_change_nothing(
    db: Any, body: str, content_type: str, status: int, code: str
) -> None:
    organization = make_organization("BR", name="Abrigo Sol")
    client = sign_in(Client(), _admin(make_organization("BR")))
    before = _snapshot(organization)
    response = _patch(client, organization, body, content_type=content_type)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert set(response.json()) == {"code", "message", "extra"}
    assert _snapshot(organization) == before


def test_create_refuses_bad_input_and_writes_nothing(db: Any) -> None:
    client = sign_in(Client(), _admin(make_organization("BR")))
    counts = (Organization.objects.count(), AuditEvent.objects.count())
    url = reverse("api:organization-list")
    missing = client.post(url, {"name": "No type"}, content_type="application/json")
    assert missing.status_code == 400 and {"type", "country"} <= set(missing.json()["extra"]["fields"])
    unknown_country = client.post(url, {"name": "X", "type": "NGO", "country": "ZZ"}, content_type="application/json")
    assert unknown_country.status_code == 400 and "country" in unknown_country.json()["extra"]["fields"]
    assert (Organization.objects.count(), AuditEvent.objects.count()) == counts


def test_create_with_a_taken_code_is_refused(db: Any) -> None:
    make_organization("BR", code="br-abrigo")
    client = sign_in(Client(), _admin(make_organization("BR")))
    count = Organization.objects.count()
    payload = {"name": "Abrigo", "type": "NGO", "country": "BR", "code": "br-abrigo"}
    response = client.post(reverse("api:organization-list"), payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "duplicate"
    assert Organization.objects.count() == count


def test_delete_is_not_offered(db: Any) -> None:
    organization = make_organization("BR")
    response = sign_in(Client(), _admin(organization)).delete(
        reverse("api:organization-detail", kwargs={"pk": organization.pk})
    )
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert Organization.objects.filter(pk=organization.pk).exists()
