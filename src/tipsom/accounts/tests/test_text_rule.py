"""The one text rule for users: a full name (or phone) holding a direction override or another control
character is refused with a clear message, by the service and the edit screen; nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.models import Role, User
from tipsom.accounts.services import user_create, user_update
from tipsom.accounts.testing import make_user, organization_of, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db

SPOOFS = ["Maria \u202eogaiT", "Maria \u2067Tiago\u2069", "Maria\x1b Tiago", "Maria\nTiago"]


@pytest.fixture
def admin(db: Any) -> User:
    return make_user(make_organization("BR"), roles=("system_administrator",))


@pytest.fixture
def target(admin: User) -> User:
    return make_user(admin.organization, roles=("case_manager",), full_name="Maria Tiago")


def _state(user: User) -> tuple[Any, ...]:
    user.refresh_from_db()
    return user.full_name, user.phone, User.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("name", SPOOFS)
def test_the_service_refuses_a_spoofed_full_name(admin: User, target: User, name: str) -> None:
    before = _state(target)
    with pytest.raises(ApplicationError) as raised:
        user_update(actor=admin, user_id=target.pk, data={"full_name": name})
    assert "control characters" in raised.value.extra["fields"]["full_name"]
    with pytest.raises(ApplicationError) as raised:
        user_create(
            actor=admin,
            username="newcomer",
            full_name=name,
            password="a long passphrase 4 tipsom",
            organization=organization_of(admin),
        )
    assert "full_name" in raised.value.extra["fields"]
    assert _state(target) == before


def test_the_service_refuses_a_spoofed_username_and_phone(admin: User) -> None:
    with pytest.raises(ApplicationError) as raised:
        user_create(
            actor=admin,
            username="ad\u202emin",
            full_name="Ana",
            password="a long passphrase 4 tipsom",
            organization=organization_of(admin),
            phone="+55\u2066119",
        )
    assert set(raised.value.extra["fields"]) == {"username", "phone"}


@pytest.mark.parametrize("name", SPOOFS[:2])
def test_the_edit_screen_refuses_a_spoofed_full_name(admin: User, target: User, name: str) -> None:
    before = _state(target)
    form = {
        "full_name": name,
        "organization": target.organization_id,
        "is_active": "on",
        "roles": [Role.objects.get(slug="case_manager").pk],
    }
    response = sign_in(Client(), admin).post(reverse("accounts:user_edit", kwargs={"pk": target.pk}), form)
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert _state(target) == before
