"""The Laws screens and /api/v1/justice/provisions/: who may see and change the country's provisions, and bad
input refused through the form and the API, saving nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.justice.models import LegalProvision
from tipsom.justice.testing import make_provision
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

FORM: dict[str, Any] = {
    "law": "Test Law 2/2026",
    "article": "art. 9",
    "title": "Smuggling of migrants",
    "offence_type": "som",
    "penalty_min_months": "24",
    "penalty_max_months": "60",
}


# --- Access: every URL tried as anonymous, unpermitted, another country's and permitted users ---------------------
class TestProvisionList(AccessCase):
    url_name = "justice:provisions"
    permitted_role = "prosecutor"
    scope = "national"
    model = LegalProvision

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"art. 149-A" in response.content and b"art. 188-A" not in response.content  # Brazil's only


class TestProvisionCreate(AccessCase):
    url_name = "justice:provision_create"
    permitted_role = "system_administrator"
    scope = "national"


class TestProvisionEdit(AccessCase):
    url_name = "justice:provision_edit"
    permitted_role = "system_administrator"
    scope = "national"

    def make_object(self, organization: Organization) -> LegalProvision:
        return make_provision(organization.country)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestProvisionDeactivate(AccessCase):
    url_name = "justice:provision_deactivate"
    permitted_role = "system_administrator"
    scope = "national"
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> LegalProvision:
        return make_provision(organization.country)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert not obj.is_active


class TestProvisionListApi(AccessCase):
    url_name = "api:justice-provision-list"
    permitted_role = "judiciary_liaison"
    scope = "national"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert {row["country"] for row in response.json()["results"]} == {"BR"}


class TestProvisionCreateApi(AccessCase):
    url_name = "api:justice-provision-list"
    permitted_role = "system_administrator"
    scope = "national"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {**FORM, "penalty_min_months": 24, "penalty_max_months": 60}

    def test_other_organization(self, home_org: Organization) -> None:
        """Another country's administrator adds to their own country, never to Brazil."""
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        response = self.request(self._client_for(user), None)
        assert response.status_code == 201 and response.json()["country"] == "CO"


class TestProvisionDetailApi(AccessCase):
    url_name = "api:justice-provision-detail"
    permitted_role = "national_rapporteur"
    scope = "national"

    def make_object(self, organization: Organization) -> LegalProvision:
        return make_provision(organization.country)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestProvisionUpdateApi(AccessCase):
    url_name = "api:justice-provision-detail"
    permitted_role = "system_administrator"
    scope = "national"
    method = "patch"

    def make_object(self, organization: Organization) -> LegalProvision:
        return make_provision(organization.country)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": 1, "penalty_max_months": 120}


# --- Behaviour ------------------------------------------------------------------------------------------------
@pytest.fixture
def admin_client(db: Any) -> tuple[Client, Any]:
    admin = make_user(make_organization("BR"), roles=("system_administrator",))
    return sign_in(Client(), admin), admin


def test_list_filters_by_offence_type_and_activity(admin_client: tuple[Client, Any]) -> None:
    client, _admin = admin_client
    make_provision("BR", law="Old law", article="art. 3", is_active=False)
    response = client.get(reverse("justice:provisions"), {"offence_type": "som"})
    assert b"art. 232-A" in response.content and b"art. 149-A" not in response.content
    response = client.get(reverse("justice:provisions"), {"is_active": "false"})
    assert b"Old law" in response.content and b"art. 232-A" not in response.content
    assert client.get(reverse("justice:provisions"), {"offence_type": "piracy"}).status_code == 400


def test_form_adds_then_refuses_the_same_article(admin_client: tuple[Client, Any]) -> None:
    client, _admin = admin_client
    response = client.post(reverse("justice:provision_create"), FORM)
    assert response.status_code == 302
    assert LegalProvision.objects.filter(country="BR", law="Test Law 2/2026", iccs_code="08051").exists()
    again = client.post(reverse("justice:provision_create"), FORM)
    assert again.status_code == 400
    assert b"already recorded" in again.content


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"penalty_min_months": "72"}, "cannot be shorter than the minimum"),
        ({"penalty_min_months": "-3"}, "whole number, 0 or more"),
        ({"penalty_max_months": "five"}, "whole number"),
        ({"offence_type": "piracy"}, "Select a valid choice"),
    ],
)
def test_form_refuses_bad_input(admin_client: tuple[Client, Any], change: dict[str, str], message: str) -> None:
    client, _admin = admin_client
    before = LegalProvision.objects.count()
    response = client.post(reverse("justice:provision_create"), {**FORM, **change})
    assert response.status_code == 400
    assert message.encode() in response.content
    assert LegalProvision.objects.count() == before


def test_edit_form_changes_and_a_stale_edit_is_refused(admin_client: tuple[Client, Any]) -> None:
    client, _admin = admin_client
    provision = make_provision("BR", law="Law E", article="art. 5")
    url = reverse("justice:provision_edit", args=[provision.pk])
    data = {**FORM, "law": "Law E", "article": "art. 5", "is_active": "on", "version": "1"}
    assert client.post(url, data).status_code == 302
    provision.refresh_from_db()
    assert (provision.title, provision.version) == ("Smuggling of migrants", 2)
    stale = client.post(url, {**data, "title": "Other"})
    assert stale.status_code == 409


def test_another_countrys_provision_is_404_on_the_screens_and_the_api(admin_client: tuple[Client, Any]) -> None:
    client, _admin = admin_client
    colombian = LegalProvision.objects.get(country="CO", article="art. 188-A")
    assert client.get(reverse("justice:provision_edit", args=[colombian.pk])).status_code == 404
    assert client.post(reverse("justice:provision_deactivate", args=[colombian.pk])).status_code == 404
    api = reverse("api:justice-provision-detail", args=[colombian.pk])
    assert client.patch(api, {"version": 1, "title": "x"}, content_type="application/json").status_code == 404
    colombian.refresh_from_db()
    assert colombian.is_active


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"penalty_min_months": 100, "penalty_max_months": 50}, "penalty_max_months"),
        ({"penalty_min_months": -1}, "penalty_min_months"),
        ({"penalty_max_months": "x"}, "penalty_max_months"),
        ({"offence_type": "piracy"}, "offence_type"),
        ({"law": "Law 13.344/2016", "article": "art. 149-A"}, "article"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_api_refuses_bad_input(admin_client: tuple[Client, Any], change: dict[str, Any], field: str) -> None:
    client, _admin = admin_client
    before = LegalProvision.objects.count()
    body = {**FORM, "penalty_min_months": 24, "penalty_max_months": 60, **change}
    response = client.post(reverse("api:justice-provision-list"), body, content_type="application/json")
    assert response.status_code == 400, response.content
    payload = response.json()
    assert field in payload["extra"]["fields"], payload
    assert LegalProvision.objects.count() == before


def test_api_update_needs_the_version(admin_client: tuple[Client, Any]) -> None:
    client, _admin = admin_client
    provision = make_provision("BR")
    url = reverse("api:justice-provision-detail", args=[provision.pk])
    response = client.patch(url, {"title": "New"}, content_type="application/json")
    assert response.status_code == 400
    response = client.patch(url, {"version": 1, "is_active": False}, content_type="application/json")
    assert response.status_code == 200 and response.json()["is_active"] is False
