"""Organization screens: who may open them, confidential addresses, validation, stale edits and their audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

ADDRESS = "Rua Secreta 123, Vila Protegida"
# Every seeded role may see the directory; a user without any role may not.
NO_ROLE = ""


def _shelter(organization: Organization) -> Organization:
    organization.street_address = ADDRESS
    organization.region = "BR-SP"
    organization.functions = ["shelter", "victim_assistance"]
    organization.save()
    return organization


# --- Access: every URL, four kinds of user ------------------------------------------------------------------
class TestOrganizationList(AccessCase):
    url_name = "organizations:list"
    permitted_role = "national_coordinator"
    unpermitted_role = NO_ROLE
    scope = "national"

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert Organization.objects.get(country="BR").name in content
        assert "Brazil" in content


class TestOrganizationDetail(AccessCase):
    url_name = "organizations:detail"
    permitted_role = "national_coordinator"
    unpermitted_role = NO_ROLE
    scope = "national"
    model = Organization

    def make_object(self, organization: Organization) -> Organization:
        return _shelter(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert obj.name in content and "São Paulo" in content and "Shelter" in content
        assert ADDRESS not in content and "Confidential" in content  # a coordinator may not change it


class TestOrganizationCreate(AccessCase):
    url_name = "organizations:create"
    permitted_role = "system_administrator"
    unpermitted_role = "national_coordinator"
    scope = "national"

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert 'name="name"' in content and 'value="BR"' in content
        assert 'value="CO"' not in content  # only countries the actor may register organizations in


class TestOrganizationEditForm(AccessCase):
    url_name = "organizations:edit"
    permitted_role = "system_administrator"
    unpermitted_role = "national_coordinator"
    scope = "national"

    def make_object(self, organization: Organization) -> Organization:
        return _shelter(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert f'value="{obj.name}"' in content and 'name="version" value="1"' in content


class TestOrganizationEditSubmit(AccessCase):
    url_name = "organizations:edit"
    permitted_role = "system_administrator"
    unpermitted_role = "national_coordinator"
    scope = "national"
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> Organization:
        return _shelter(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return _payload(obj, name="Renamed shelter")

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert (obj.name, obj.version) == ("Renamed shelter", 2)
        assert AuditEvent.objects.filter(action="organization.update", object_id=str(obj.pk)).exists()


def _payload(organization: Organization, **overrides: Any) -> dict[str, Any]:
    payload = {
        "name": organization.name,
        "type": organization.type,
        "functions": organization.functions,
        "country": organization.country,
        "region": organization.region,
        "city": organization.city,
        "street_address": organization.street_address,
        "postal_code": organization.postal_code,
        "phone": organization.phone,
        "email": organization.email,
        "website": organization.website,
        "is_active": "on" if organization.is_active else "",
        "version": organization.version,
    }
    payload.update(overrides)
    return payload


# --- Writing ----------------------------------------------------------------------------------------------------
@pytest.fixture
def admin(db: Any) -> User:
    return make_user(make_organization("BR", name="Ministério da Justiça"), roles=("system_administrator",))


def _create_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "name": "Casa Nova Esperança",
        "type": "NGO",
        "functions": ["shelter"],
        "country": "BR",
        "region": "BR-RJ",
        "city": "Rio de Janeiro",
        "street_address": ADDRESS,
        "phone": "+552133334444",
        "email": "contato@example.org",
        "website": "https://example.org",
    }
    payload.update(overrides)
    return payload


def test_admin_registers_an_organization_and_the_act_is_audited(admin: User):
    response = sign_in(Client(), admin).post(reverse("organizations:create"), _create_payload())
    assert response.status_code == 302
    created = Organization.objects.get(name="Casa Nova Esperança")
    assert response["Location"] == reverse("organizations:detail", kwargs={"pk": created.pk})
    assert (created.country, created.region, created.functions) == ("BR", "BR-RJ", ["shelter"])
    assert created.street_address == ADDRESS
    event = AuditEvent.objects.get(action="organization.create", object_id=str(created.pk))
    assert event.actor == admin and event.changes["street_address"] == "[identifying]"
    assert ADDRESS not in str(event.changes)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"country": "XX"}, "country", "Unknown country code"),
        ({"region": "AR-B"}, "region", "Unknown region for this country"),
        ({"name": "Casa\x00Nova"}, "name", "Null characters are not allowed"),
        ({"name": "Casa\x1bNova"}, "name", "Contains control characters"),
        ({"phone": "021 3333"}, "phone", "E.164"),
        ({"type": "Circus"}, "type", "Select a valid choice"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_bad_organization_input_answers_400_and_creates_nothing(admin: User, overrides, field, message):
    count, events = Organization.objects.count(), AuditEvent.objects.count()
    response = sign_in(Client(), admin).post(reverse("organizations:create"), _create_payload(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert Organization.objects.count() == count and AuditEvent.objects.count() == events


def test_admin_cannot_register_an_organization_abroad(admin: User):
    response = sign_in(Client(), admin).post(reverse("organizations:create"), _create_payload(country="CO", region=""))
    assert response.status_code == 403
    assert "cannot register organizations in that country" in response.content.decode()
    assert not Organization.objects.filter(name="Casa Nova Esperança").exists()


def test_stale_edit_answers_409_and_overwrites_nothing(admin: User):
    shelter = _shelter(make_organization("BR", name="Abrigo Original"))
    client = sign_in(Client(), admin)
    url = reverse("organizations:edit", kwargs={"pk": shelter.pk})
    opened_by_first, opened_by_second = _payload(shelter), _payload(shelter)
    first = client.post(url, {**opened_by_first, "name": "First editor's name"})
    assert first.status_code == 302
    second = client.post(url, {**opened_by_second, "name": "Second editor's name", "city": "Campinas"})
    assert second.status_code == 409
    assert "Someone else changed this organization" in second.content.decode()
    shelter.refresh_from_db()
    assert (shelter.name, shelter.city, shelter.version) == ("First editor's name", "", 2)
    assert AuditEvent.objects.filter(action="organization.update", object_id=str(shelter.pk)).count() == 1


def test_edit_in_another_country_is_not_found(admin: User):
    abroad = make_organization("CO", name="Fiscalía")
    client = sign_in(Client(), admin)
    url = reverse("organizations:edit", kwargs={"pk": abroad.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, _payload(abroad, name="Hijacked")).status_code == 404
    abroad.refresh_from_db()
    assert abroad.name == "Fiscalía"


def test_edit_with_bad_region_answers_400_and_changes_nothing(admin: User):
    shelter = _shelter(make_organization("BR"))
    response = sign_in(Client(), admin).post(
        reverse("organizations:edit", kwargs={"pk": shelter.pk}), _payload(shelter, region="BR-XX", city="Santos")
    )
    assert response.status_code == 400
    assert "Unknown region for this country" in response.context["form"].errors["region"][0]
    shelter.refresh_from_db()
    assert (shelter.region, shelter.city, shelter.version) == ("BR-SP", "", 1)


def test_edit_form_offers_the_regions_of_the_chosen_country(admin: User):
    shelter = _shelter(make_organization("BR"))
    url = reverse("organizations:edit", kwargs={"pk": shelter.pk})
    content = sign_in(Client(), admin).get(url).content.decode()
    assert 'value="BR-SP" selected' in content and "Rio de Janeiro" in content
    assert f'hx-get="{url}"' in content


# --- Reading ----------------------------------------------------------------------------------------------------
def test_detail_shows_the_address_to_those_who_may_change_it(admin: User):
    shelter = _shelter(make_organization("BR"))
    content = sign_in(Client(), admin).get(reverse("organizations:detail", kwargs={"pk": shelter.pk})).content.decode()
    assert ADDRESS in content
    assert reverse("organizations:edit", kwargs={"pk": shelter.pk}) in content


def test_list_filters(db: Any):
    coordinator = make_user(make_organization("BR", name="Coordenação Nacional"), roles=("national_coordinator",))
    shelter = _shelter(make_organization("BR", name="Abrigo Sul", type="NGO"))
    police = make_organization("BR", name="Polícia Civil", type="LawEnforcement", functions=["police"], region="BR-RJ")
    closed = make_organization("BR", name="Abrigo Fechado", is_active=False, functions=["shelter"])
    make_organization("CO", name="Refugio Bogotá", functions=["shelter"])
    client = sign_in(Client(), coordinator)

    def names(**params: Any) -> set[str]:
        response = client.get(reverse("organizations:list"), params)
        assert response.status_code == 200
        return {row["organization"].name for row in response.context["rows"]}

    assert names(function="shelter") == {shelter.name, closed.name}
    assert names(type="LawEnforcement") == {police.name}
    assert names(region="br-rj") == {police.name}
    assert names(is_active="false") == {closed.name}
    assert names(q="abrigo") == {shelter.name, closed.name}
    assert names(country="CO") == set()  # another country is out of the coordinator's scope


def test_list_rejects_an_unknown_filter_value_with_400(admin: User):
    response = sign_in(Client(), admin).get(reverse("organizations:list"), {"function": "magic"})
    assert response.status_code == 400
    assert response.context["rows"] == []


def test_list_shows_the_country_name_in_the_user_language(admin: User):
    response = sign_in(Client(), admin).get(reverse("organizations:list"), headers={"Accept-Language": "fr"})
    assert "Brésil" in response.content.decode()


def test_list_does_not_query_per_row(admin: User, django_assert_max_num_queries: Any):
    for number in range(30):
        make_organization("BR", name=f"Org {number:02d}", region="BR-SP", functions=["shelter"])
    client = sign_in(Client(), admin)
    client.get(reverse("organizations:list"))
    with django_assert_max_num_queries(11):
        response = client.get(reverse("organizations:list"))
    assert len(response.context["rows"]) == 31
