"""The one text rule for organizations: a name (or city, address...) holding a direction override or another
control character is refused with a clear message, by the service, the edit screen and the API; nothing
changes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError
from tipsom.organizations.models import Organization
from tipsom.organizations.services import organization_create, organization_update
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db

SPOOFS = ["Abrigo \u202elos", "Abrigo \u2066Sol\u2069", "Abrigo\x1b Sol", "Abrigo\u2028Sol"]


@pytest.fixture
def admin(db: Any) -> Any:
    return make_user(make_organization("BR"), roles=("system_administrator",))


@pytest.fixture
def shelter(db: Any) -> Organization:
    return make_organization("BR", name="Abrigo Sol", city="Cuiabá")


def _state(organization: Organization) -> tuple[Any, ...]:
    organization.refresh_from_db()
    return organization.name, organization.city, organization.version, AuditEvent.objects.count()


@pytest.mark.parametrize("name", SPOOFS)
def test_the_service_refuses_a_spoofed_name(admin: Any, shelter: Organization, name: str) -> None:
    before, count = _state(shelter), Organization.objects.count()
    with pytest.raises(ApplicationError) as raised:
        organization_update(actor=admin, organization_id=shelter.pk, version=1, name=name)
    assert "control characters" in raised.value.extra["fields"]["name"]
    with pytest.raises(ApplicationError):
        organization_create(actor=admin, name=name, type="NGO", country="BR")
    assert _state(shelter) == before and Organization.objects.count() == count


@pytest.mark.parametrize("field", ["city", "street_address", "postal_code", "website"])
def test_every_text_field_follows_the_rule(admin: Any, shelter: Organization, field: str) -> None:
    with pytest.raises(ApplicationError) as raised:
        organization_update(actor=admin, organization_id=shelter.pk, version=1, **{field: "x\u202ey"})
    assert field in raised.value.extra["fields"]


@pytest.mark.parametrize("name", SPOOFS[:2])
def test_the_edit_screen_refuses_a_spoofed_name(admin: Any, shelter: Organization, name: str) -> None:
    before = _state(shelter)
    form = {"name": name, "type": shelter.type, "country": "BR", "city": shelter.city, "version": 1}
    response = sign_in(Client(), admin).post(reverse("organizations:edit", kwargs={"pk": shelter.pk}), form)
    assert response.status_code == 400
    assert "name" in response.context["form"].errors and "control characters" in response.content.decode()
    assert _state(shelter) == before


@pytest.mark.parametrize("name", SPOOFS[:2])
def test_the_api_refuses_a_spoofed_name(admin: Any, shelter: Organization, name: str) -> None:
    before = _state(shelter)
    response = sign_in(Client(), admin).patch(
        reverse("api:organization-detail", kwargs={"pk": shelter.pk}),
        json.dumps({"version": 1, "name": name}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "control characters" in json.dumps(response.json())
    assert _state(shelter) == before
