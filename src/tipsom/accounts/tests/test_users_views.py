"""User administration screens: who may open them, what they show and hide, and what every write leaves behind."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.accounts.models import Role, User
from tipsom.accounts.testing import AccessCase, make_user, organization_of, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

PHONE = "+5511987654389"
STRONG_PASSWORD = "violet-harbour-lantern-42"


def _target(organization: Organization) -> User:
    return make_user(organization, roles=("case_manager",), phone=PHONE, full_name="Maria Target")


class _AdminScreen(AccessCase):
    permitted_role = "system_administrator"
    scope = "national"


# --- Access: every URL, four kinds of user ------------------------------------------------------------------
class TestUserList(_AdminScreen):
    url_name = "accounts:user_list"
    model = User

    def make_object(self, organization: Organization) -> None:
        make_user(organization, username="listed.colleague")
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"listed.colleague" in response.content


class TestUserCreate(_AdminScreen):
    url_name = "accounts:user_create"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b'name="username"' in response.content
        assert b'name="password"' in response.content


class TestUserDetail(_AdminScreen):
    url_name = "accounts:user_detail"

    def make_object(self, organization: Organization) -> User:
        return _target(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert "Maria Target" in content
        assert "\u2022" * 6 + "89" in content
        assert PHONE not in content and PHONE[-6:] not in content


class TestUserEditForm(_AdminScreen):
    url_name = "accounts:user_edit"

    def make_object(self, organization: Organization) -> User:
        return _target(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert 'value="Maria Target"' in content
        assert PHONE not in content  # the edit form never carries the identifying value


class TestUserEditSubmit(_AdminScreen):
    url_name = "accounts:user_edit"
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> User:
        return _target(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"full_name": "Maria Renamed", "organization": obj.organization_id, "roles": [], "is_active": "on"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert obj.full_name == "Maria Renamed"
        assert obj.phone == PHONE  # an empty phone field keeps the number
        assert AuditEvent.objects.filter(action="user.permissions_change", object_id=str(obj.pk)).exists()


class TestUserReset2fa(_AdminScreen):
    url_name = "accounts:user_reset_2fa"
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> User:
        target = _target(organization)
        TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
        return target

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert not TOTPDevice.objects.filter(user=obj).exists()
        assert AuditEvent.objects.filter(action="user.2fa_reset", object_id=str(obj.pk)).exists()


class TestUserReveal(_AdminScreen):
    url_name = "accounts:user_reveal"
    method = "post"

    def make_object(self, organization: Organization) -> User:
        return _target(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "Calling about a locked account"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert PHONE in response.content.decode()
        assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


class TestRoleList(_AdminScreen):
    url_name = "accounts:role_list"
    model = Role

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert "Case manager" in content and "Auditor" in content
        assert "users.admin.national" in content


# --- The acceptance criterion: a case manager reaches no administration screen ------------------------------
ADMIN_URLS = [
    ("get", "accounts:user_list", False),
    ("get", "accounts:user_create", False),
    ("get", "accounts:role_list", False),
    ("get", "accounts:user_detail", True),
    ("get", "accounts:user_edit", True),
    ("post", "accounts:user_edit", True),
    ("post", "accounts:user_reset_2fa", True),
    ("post", "accounts:user_reveal", True),
    ("post", "accounts:user_create", False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url_name", "needs_pk"), ADMIN_URLS)
def test_case_manager_gets_404_on_every_administration_screen(method: str, url_name: str, needs_pk: bool):
    organization = make_organization("BR")
    case_manager = make_user(organization, roles=("case_manager",))
    colleague = _target(organization)  # same organization: users.view.organization still does not make an admin
    url = reverse(url_name, kwargs={"pk": colleague.pk} if needs_pk else {})
    data = {"reason": "just looking", "full_name": "X", "organization": organization.pk}
    response = getattr(sign_in(Client(), case_manager), method)(url, data)
    assert response.status_code == 404
    colleague.refresh_from_db()
    assert colleague.full_name == "Maria Target"
    assert not AuditEvent.objects.filter(action__in=["reveal", "user.update"]).exists()


# --- Creating users -----------------------------------------------------------------------------------------
@pytest.fixture
def admin(db: Any) -> User:
    return make_user(make_organization("BR", name="Ministry of Justice"), roles=("system_administrator",))


def _create_payload(organization: Organization, **overrides: Any) -> dict[str, Any]:
    payload = {
        "username": "new.worker",
        "full_name": "New Worker",
        "email": "new.worker@example.org",
        "phone": "+5521999990011",
        "organization": organization.pk,
        "roles": [Role.objects.get(slug="case_manager").pk],
        "password": STRONG_PASSWORD,
    }
    payload.update(overrides)
    return payload


def test_admin_creates_a_user_and_the_act_is_audited(admin: User):
    shelter = make_organization("BR", name="Casa Abrigo")
    response = sign_in(Client(), admin).post(reverse("accounts:user_create"), _create_payload(shelter))
    assert response.status_code == 302
    created = User.objects.get(username="new.worker")
    assert response["Location"] == reverse("accounts:user_detail", kwargs={"pk": created.pk})
    assert created.organization == shelter and created.role_slugs() == ["case_manager"]
    assert created.check_password(STRONG_PASSWORD)
    event = AuditEvent.objects.get(action="user.create", object_id=str(created.pk))
    assert event.actor == admin and event.changes["roles"] == ["case_manager"]
    assert "+5521999990011" not in json.dumps(event.changes)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password": "password123"}, "password", "too common"),
        ({"password": "12345678901234"}, "password", "entirely numeric"),
        ({"full_name": "New\x07Worker"}, None, "control characters"),
        ({"username": ""}, "username", "required"),
        ({"email": "not-an-email"}, "email", "valid email"),
    ],
)
def test_bad_user_input_answers_400_and_creates_nothing(admin: User, overrides, field, message):
    before = AuditEvent.objects.count()
    response = sign_in(Client(), admin).post(
        reverse("accounts:user_create"), _create_payload(organization_of(admin), **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    if field:
        assert field in response.context["form"].errors
    assert not User.objects.filter(username="new.worker").exists()
    assert AuditEvent.objects.count() == before


def test_duplicate_username_is_refused(admin: User):
    make_user(admin.organization, username="Taken.Name")
    response = sign_in(Client(), admin).post(
        reverse("accounts:user_create"), _create_payload(organization_of(admin), username="taken.name")
    )
    assert response.status_code == 400
    assert "That username is taken." in response.context["form"].errors["username"]
    assert User.objects.filter(username__iexact="taken.name").count() == 1


def test_organization_choices_are_those_the_admin_may_add_users_to(admin: User):
    home = make_organization("BR", name="Polícia Federal")
    abroad = make_organization("CO", name="Fiscalía Colombia")
    response = sign_in(Client(), admin).get(reverse("accounts:user_create"))
    content = response.content.decode()
    assert home.name in content and abroad.name not in content
    refused = sign_in(Client(), admin).post(reverse("accounts:user_create"), _create_payload(abroad))
    assert refused.status_code == 400
    assert "organization" in refused.context["form"].errors
    assert not User.objects.filter(username="new.worker").exists()


def test_only_a_system_administrator_grants_that_role(db: Any):
    organization = make_organization("BR")
    admins = Role.objects.create(slug="user_admin", name="User admin")
    admins.permissions.set(Role.objects.get(slug="system_administrator").permissions.all())
    actor = make_user(organization, roles=("user_admin",))
    payload = _create_payload(organization, roles=[Role.objects.get(slug="system_administrator").pk])
    response = sign_in(Client(), actor).post(reverse("accounts:user_create"), payload)
    assert response.status_code == 403
    assert "cannot grant the system administrator role" in response.content.decode()
    assert not User.objects.filter(username="new.worker").exists()


# --- Editing, deactivating ----------------------------------------------------------------------------------
def test_edit_with_new_phone_and_deactivation_is_audited_without_the_value(admin: User):
    target = _target(organization_of(admin))
    payload = {
        "full_name": "Maria Target",
        "organization": target.organization_id,
        "roles": [Role.objects.get(slug="case_manager").pk],
        "phone": "+5511900000001",
    }
    response = sign_in(Client(), admin).post(reverse("accounts:user_edit", kwargs={"pk": target.pk}), payload)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.phone == "+5511900000001" and target.is_active is False
    event = AuditEvent.objects.get(action="user.update", object_id=str(target.pk))
    assert event.changes["phone"] == "[identifying]"
    assert event.changes["is_active"] == [True, False]
    assert "+5511900000001" not in json.dumps(event.changes) and PHONE not in json.dumps(event.changes)


def test_admin_cannot_deactivate_themself(admin: User):
    payload = {
        "full_name": admin.full_name,
        "organization": admin.organization_id,
        "roles": [Role.objects.get(slug="system_administrator").pk],
    }
    response = sign_in(Client(), admin).post(reverse("accounts:user_edit", kwargs={"pk": admin.pk}), payload)
    assert response.status_code == 400
    assert "cannot deactivate your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_reset_2fa_answers_405_to_get(admin: User):
    target = _target(organization_of(admin))
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    response = sign_in(Client(), admin).get(reverse("accounts:user_reset_2fa", kwargs={"pk": target.pk}))
    assert response.status_code == 405
    assert TOTPDevice.objects.filter(user=target).exists()


# --- Detail and reveal ----------------------------------------------------------------------------------------
def test_detail_shows_roles_organization_and_second_factor_state(admin: User):
    target = _target(organization_of(admin))
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    content = sign_in(Client(), admin).get(reverse("accounts:user_detail", kwargs={"pk": target.pk})).content.decode()
    assert "Case manager" in content and organization_of(admin).name in content
    assert 'data-second-factor="enrolled"' in content
    assert reverse("accounts:user_reveal", kwargs={"pk": target.pk}) in content


def test_detail_lists_recent_audit_events_for_a_viewer_who_may_read_the_log(admin: User):
    viewer = make_user(admin.organization, roles=("system_administrator", "auditor"))
    target = _target(organization_of(admin))
    sign_in(Client(), admin).post(reverse("accounts:user_reset_2fa", kwargs={"pk": target.pk}))
    content = sign_in(Client(), viewer).get(reverse("accounts:user_detail", kwargs={"pk": target.pk})).content.decode()
    assert "Second factor reset" in content
    plain_admin = (
        sign_in(Client(), admin).get(reverse("accounts:user_detail", kwargs={"pk": target.pk})).content.decode()
    )
    assert "Second factor reset" not in plain_admin


def test_reveal_requires_a_reason_and_reveals_nothing_without_one(admin: User):
    target = _target(organization_of(admin))
    response = sign_in(Client(), admin).post(
        reverse("accounts:user_reveal", kwargs={"pk": target.pk}), {"reason": " hm "}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Say why you need to see this" in content
    assert PHONE not in content
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_reveal_is_audited_with_the_reason_and_without_the_value(admin: User):
    target = _target(organization_of(admin))
    url = reverse("accounts:user_reveal", kwargs={"pk": target.pk})
    response = sign_in(Client(), admin).post(url, {"reason": "Verifying identity by phone"})
    assert response.status_code == 200
    assert PHONE in response.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert (event.actor, event.object_type, event.object_id) == (admin, "accounts.user", str(target.pk))
    assert event.reason == "Verifying identity by phone"
    assert event.changes == {"fields": ["phone"]}
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert PHONE not in json.dumps(row, default=str) and PHONE[-8:] not in json.dumps(row, default=str)


def test_reveal_over_htmx_answers_a_fragment(admin: User):
    target = _target(organization_of(admin))
    url = reverse("accounts:user_reveal", kwargs={"pk": target.pk})
    client = sign_in(Client(), admin)
    shown = client.post(url, {"reason": "Verifying identity by phone"}, headers={"HX-Request": "true"})
    assert shown.status_code == 200
    assert PHONE in shown.content.decode() and "<html" not in shown.content.decode()
    refused = client.post(url, {"reason": ""}, headers={"HX-Request": "true"})
    assert "Say why you need to see this" in refused.content.decode() and PHONE not in refused.content.decode()
    assert AuditEvent.objects.filter(action="reveal").count() == 1


def test_user_in_another_country_is_not_found_even_for_reveal(admin: User):
    abroad = _target(make_organization("CO"))
    for name in ("accounts:user_detail", "accounts:user_edit"):
        assert sign_in(Client(), admin).get(reverse(name, kwargs={"pk": abroad.pk})).status_code == 404
    response = sign_in(Client(), admin).post(
        reverse("accounts:user_reveal", kwargs={"pk": abroad.pk}), {"reason": "curious!"}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


# --- The list -----------------------------------------------------------------------------------------------
def test_list_filters_by_organization_role_active_and_search(admin: User):
    shelter = make_organization("BR", name="Casa Abrigo")
    make_user(shelter, username="ana.shelter", full_name="Ana Souza", roles=("case_manager",))
    make_user(shelter, username="bruno.shelter", full_name="Bruno Lima", roles=("me_officer",))
    make_user(admin.organization, username="carla.ministry", full_name="Carla Dias", is_active=False)
    client = sign_in(Client(), admin)
    url = reverse("accounts:user_list")

    def usernames(**params: Any) -> set[str]:
        response = client.get(url, params)
        assert response.status_code == 200
        return {user.username for user in response.context["users"]}

    assert usernames(organization=shelter.pk) == {"ana.shelter", "bruno.shelter"}
    assert usernames(role="case_manager") == {"ana.shelter"}
    assert usernames(is_active="false") == {"carla.ministry"}
    assert usernames(q="souza") == {"ana.shelter"}
    assert usernames(q="SHELTER") == {"ana.shelter", "bruno.shelter"}


def test_list_rejects_an_unknown_filter_value_with_400(admin: User):
    response = sign_in(Client(), admin).get(reverse("accounts:user_list"), {"organization": "99999"})
    assert response.status_code == 400
    assert list(response.context["users"]) == []


def test_list_pages_and_keeps_the_filters(admin: User):
    for number in range(55):
        make_user(admin.organization, username=f"pager{number:02d}", full_name="Pager")
    client = sign_in(Client(), admin)
    first = client.get(reverse("accounts:user_list"), {"q": "pager"})
    assert len(first.context["users"]) == 50
    next_url = first.context["page"].next_url
    assert "q=pager" in next_url and "page=2" in next_url
    assert 'rel="next">Next<' in first.content.decode()
    second = client.get(reverse("accounts:user_list") + next_url)
    assert [u.username for u in second.context["users"]] == [f"pager{n}" for n in range(50, 55)]


def test_list_does_not_query_per_row(admin: User, django_assert_max_num_queries: Any):
    shelter = make_organization("BR")
    roles = list(Role.objects.filter(slug__in=["case_manager", "investigator"]))
    for number in range(30):
        user = make_user(shelter if number % 2 else admin.organization, username=f"row{number:02d}")
        user.roles.set(roles)
    client = sign_in(Client(), admin)
    client.get(reverse("accounts:user_list"))  # warm the session
    with django_assert_max_num_queries(14):
        response = client.get(reverse("accounts:user_list"))
    assert len(response.context["users"]) == 31
    assert response.content.decode().count("Investigator") >= 30
