"""Accounts API: tokens (with back-off, lockout and TOTP), one's own account, users and roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from tipsom.accounts.models import Role, User
from tipsom.accounts.testing import AccessCase, make_user, organization_of, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

PASSWORD = "correct horse battery staple"  # make_user's password
STRONG_PASSWORD = "violet-harbour-lantern-42"
PHONE = "+5511987654389"
NO_ROLE = "-"  # every seeded role sees some users; "unpermitted" means no role at all


def _token_for(user: User, **extra: Any) -> Any:
    return Client().post(
        reverse("api:auth-token"),
        {"username": user.username, "password": PASSWORD, **extra},
        content_type="application/json",
    )


def _token_client(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _colleague(organization: Organization) -> User:
    return make_user(organization, roles=("case_manager",), phone=PHONE, full_name="Maria Colleague")


def _latest_event() -> AuditEvent:
    return AuditEvent.objects.latest("sequence")


# --- Access: every endpoint, four kinds of user -------------------------------------------------------------
class TestUserListApi(AccessCase):
    url_name = "api:user-list"
    permitted_role = "national_coordinator"
    unpermitted_role = NO_ROLE
    scope = "national"
    model = User

    def make_object(self, organization: Organization) -> None:
        _colleague(organization)

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        colleague = next(row for row in rows if row["full_name"] == "Maria Colleague")
        assert colleague["has_phone"] is True and "phone" not in colleague
        assert PHONE not in response.content.decode()


class TestUserDetailApi(AccessCase):
    url_name = "api:user-detail"
    permitted_role = "case_manager"  # sees colleagues of the same organization
    scope = "organization"
    model = User

    def make_object(self, organization: Organization) -> User:
        return _colleague(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["username"] == obj.username and body["roles"] == ["case_manager"]
        assert body["has_phone"] is True and "phone" not in body and "password" not in body


class TestUserCreateApi(AccessCase):
    url_name = "api:user-list"
    method = "post"
    permitted_role = "system_administrator"
    scope = "national"
    permitted_status = 201

    def make_object(self, organization: Organization) -> Organization:
        return organization

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "username": "nova.colega",
            "full_name": "Nova Colega",
            "password": STRONG_PASSWORD,
            "organization": obj.pk,
            "roles": ["case_manager"],
            "phone": PHONE,
        }

    def check_permitted(self, response: Any, obj: Any) -> None:
        created = User.objects.get(username="nova.colega")
        assert created.check_password(STRONG_PASSWORD) and created.organization_id == obj.pk
        assert created.phone == PHONE and created.role_slugs() == ["case_manager"]
        assert response.json()["has_phone"] is True and PHONE not in response.content.decode()
        event = _latest_event()
        assert (event.action, event.object_id, event.channel) == ("user.create", str(created.pk), "api")
        assert PHONE not in str(event.changes)

    def test_other_organization(self, home_org: Organization) -> None:
        # An administrator of another country does not see this organization: it is an unknown id to them.
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        count = User.objects.count()
        response = self.request(self._client_for(user), home_org)
        assert response.status_code == 400, response.content
        assert "organization" in response.json()["extra"]["fields"]
        assert User.objects.count() == count


class TestUserUpdateApi(AccessCase):
    url_name = "api:user-detail"
    method = "patch"
    permitted_role = "system_administrator"
    scope = "national"

    def make_object(self, organization: Organization) -> User:
        return _colleague(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"full_name": "Maria Renamed", "roles": ["case_manager", "investigator"]}

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert obj.full_name == "Maria Renamed"
        assert sorted(obj.role_slugs()) == ["case_manager", "investigator"]
        assert response.json()["full_name"] == "Maria Renamed"
        event = _latest_event()
        assert (event.action, event.channel) == ("user.permissions_change", "api")
        assert event.changes["roles"] == [["case_manager"], ["case_manager", "investigator"]]


class TestRoleListApi(AccessCase):
    url_name = "api:role-list"
    permitted_role = "system_administrator"
    scope = "national"

    def check_permitted(self, response: Any, obj: Any) -> None:
        slugs = {role["slug"] for role in response.json()}
        assert {"system_administrator", "case_manager", "auditor"} <= slugs


class TestRoleDetailApi(AccessCase):
    url_name = "api:role-detail"
    permitted_role = "system_administrator"
    scope = "national"
    model = Role

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        # Roles are the same for the whole deployment: no organization owns one.
        return {"slug": "auditor"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["slug"] == "auditor" and body["requires_2fa"] is True
        assert any("audit.auditevent" in p["object_types"] for p in body["permissions"])


# --- Tokens -------------------------------------------------------------------------------------------------
def test_token_sign_in_use_and_logout(db: Any) -> None:
    user = make_user(roles=("national_coordinator",))
    response = _token_for(user)
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert response.json()["expiry"]
    assert _latest_event().action == "api_token.create" and _latest_event().channel == "api"
    client = _token_client(token)
    me = client.get(reverse("api:me"))
    assert me.status_code == 200
    assert me.json()["username"] == user.username
    assert me.json()["organization"]["id"] == user.organization_id
    assert me.json()["roles"] == ["national_coordinator"] and me.json()["requires_2fa"] is False
    assert client.post(reverse("api:auth-logout")).status_code == 204
    assert _latest_event().action == "api_token.revoke"
    assert not AuthToken.objects.filter(user=user).exists()
    after = client.get(reverse("api:me"))
    assert after.status_code == 401 and after.json()["code"] == "authentication_failed"
    assert "Token" in after["WWW-Authenticate"]


def test_only_a_token_request_can_log_a_token_out(db: Any) -> None:
    response = sign_in(Client(), make_user(roles=("national_coordinator",))).post(reverse("api:auth-logout"))
    assert response.status_code == 400 and response.json()["code"] == "not_token_authenticated"


def test_other_users_tokens_are_untouched_by_logout(db: Any) -> None:
    first, second = make_user(roles=("national_rapporteur",)), make_user(roles=("national_rapporteur",))
    token = _token_for(first).json()["token"]
    _token_for(second)
    assert _token_client(token).post(reverse("api:auth-logout")).status_code == 204
    assert AuthToken.objects.filter(user=second).count() == 1


@pytest.mark.parametrize(
    "header", ["Token", "Token abc def", "Token 0000000000000000000000000000000000000000000000000000000000000000"]
)
def test_bad_tokens_are_401(db: Any, header: str) -> None:
    response = Client(HTTP_AUTHORIZATION=header).get(reverse("api:me"))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_wrong_password_is_refused_counted_and_audited(db: Any) -> None:
    user = make_user(roles=("national_rapporteur",))
    response = Client().post(
        reverse("api:auth-token"), {"username": user.username, "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    event = _latest_event()
    assert (event.action, event.channel, event.object_id) == ("auth.login_failed", "api", str(user.pk))
    assert not AuthToken.objects.filter(user=user).exists()


def test_locked_account_gets_no_token_even_with_the_right_password(db: Any, settings: Any) -> None:
    settings.TIPSOM_LOGIN_FREE_FAILURES = 0
    settings.TIPSOM_LOGIN_LOCKOUT_FAILURES = 2
    user = make_user(roles=("national_rapporteur",))
    for _ in range(2):
        Client().post(
            reverse("api:auth-token"),
            {"username": user.username, "password": "nope"},
            content_type="application/json",
        )
    response = _token_for(user)
    assert response.status_code == 429, response.content
    assert response.json()["code"] == "locked"
    assert int(response["Retry-After"]) == response.json()["extra"]["wait_seconds"] >= 1
    assert not AuthToken.objects.filter(user=user).exists()


def test_inactive_user_gets_no_token(db: Any) -> None:
    user = make_user(roles=("national_rapporteur",), is_active=False)
    response = _token_for(user)
    assert response.status_code == 400 and response.json()["code"] == "invalid_credentials"
    assert not AuthToken.objects.filter(user=user).exists()


def test_second_factor_is_required_for_roles_that_need_it(db: Any) -> None:
    user = make_user(roles=("case_manager",))
    not_enrolled = _token_for(user)
    assert not_enrolled.status_code == 400 and not_enrolled.json()["code"] == "otp_not_enrolled"
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    missing = _token_for(user)
    assert missing.status_code == 400 and missing.json()["code"] == "otp_required"
    wrong = _token_for(user, otp="000000" if _current_code(device) != "000000" else "111111")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_token"
    assert (_latest_event().action, _latest_event().channel) == ("auth.2fa_failed", "api")
    assert not AuthToken.objects.filter(user=user).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    good = _token_for(user, otp=_current_code(device))
    assert good.status_code == 200, good.content
    assert _token_client(good.json()["token"]).get(reverse("api:me")).json()["requires_2fa"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "someone"}, "password"),
        ({"username": ["a"], "password": PASSWORD}, "username"),
        ({"username": "someone", "password": PASSWORD, "remember": True}, "remember"),
    ],
)
def test_token_request_with_wrong_shape_is_400(db: Any, payload: dict[str, Any], field: str) -> None:
    events = AuditEvent.objects.count()
    response = Client().post(reverse("api:auth-token"), payload, content_type="application/json")
    assert response.status_code == 400 and field in response.json()["extra"]["fields"]
    assert AuditEvent.objects.count() == events and not AuthToken.objects.exists()


def test_token_requests_are_throttled(db: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth_token": "3/min"},
    }
    user = make_user(roles=("national_rapporteur",))
    assert [_token_for(user).status_code for _ in range(3)] == [200, 200, 200]
    response = _token_for(user)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled" and response.json()["extra"]["wait_seconds"] > 0
    assert int(response["Retry-After"]) > 0
    assert AuthToken.objects.filter(user=user).count() == 3


def test_me_answers_401_without_credentials(db: Any) -> None:
    response = Client().get(reverse("api:me"))
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


# --- Users: writes through the services, refusals change nothing --------------------------------------------
def _counts() -> tuple[int, int]:
    return User.objects.count(), AuditEvent.objects.count()


def test_create_user_refuses_a_weak_password_and_writes_nothing(db: Any) -> None:
    admin = make_user(roles=("system_administrator",))
    before = _counts()
    payload = {"username": "weak.one", "full_name": "Weak", "password": "123", "organization": admin.organization_id}
    response = sign_in(Client(), admin).post(reverse("api:user-list"), payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "weak_password"
    assert _counts() == before


def test_create_user_refuses_a_taken_username(db: Any) -> None:
    admin = make_user(roles=("system_administrator",))
    before = _counts()
    payload = {
        "username": admin.username.upper(),
        "full_name": "Dup",
        "password": STRONG_PASSWORD,
        "organization": admin.organization_id,
    }
    response = sign_in(Client(), admin).post(reverse("api:user-list"), payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "duplicate"
    assert _counts() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"roles": ["wizard"]}, "roles"),
        ({"organization": "first"}, "organization"),
        ({"organization": 999999}, "organization"),
        ({"is_active": "maybe"}, "is_active"),
        ({"preferred_language": "tlh"}, "preferred_language"),
        ({"username": "renamed"}, "username"),  # not changeable
        ({"password": STRONG_PASSWORD}, "password"),  # not through this endpoint
    ],
)
def test_update_user_with_wrong_input_changes_nothing(db: Any, data: dict[str, Any], field: str) -> None:
    admin = make_user(roles=("system_administrator",))
    target = _colleague(organization_of(admin))
    before = (_counts(), target.full_name, target.role_slugs(), target.is_active)
    url = reverse("api:user-detail", kwargs={"pk": target.pk})
    response = sign_in(Client(), admin).patch(url, {"full_name": "Changed", **data}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()["extra"]["fields"]
    target.refresh_from_db()
    assert (_counts(), target.full_name, target.role_slugs(), target.is_active) == before


def test_only_a_system_administrator_grants_that_role(db: Any) -> None:
    admin = make_user(roles=("system_administrator",))
    limited = Role.objects.create(slug="user_admin", name="User admin")
    limited.permissions.set(Role.objects.get(slug="system_administrator").permissions.all())
    actor = make_user(admin.organization, roles=("user_admin",))
    target = _colleague(organization_of(admin))
    before = _counts()
    url = reverse("api:user-detail", kwargs={"pk": target.pk})
    response = sign_in(Client(), actor).patch(url, {"roles": ["system_administrator"]}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden_role"
    assert target.role_slugs() == ["case_manager"] and _counts() == before


def test_put_and_delete_are_not_offered_for_users(db: Any) -> None:
    admin = make_user(roles=("system_administrator",))
    target = _colleague(organization_of(admin))
    url = reverse("api:user-detail", kwargs={"pk": target.pk})
    client = sign_in(Client(), admin)
    assert client.put(url, {"full_name": "X"}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405
    assert User.objects.filter(pk=target.pk, full_name="Maria Colleague").exists()


def test_user_list_filters(db: Any) -> None:
    coordinator = make_user(roles=("national_coordinator",))
    other = make_organization("BR")
    make_user(other, username="ana.inspector", roles=("frontline_identifier",))
    make_user(other, username="old.account", is_active=False)
    client = sign_in(Client(), coordinator)

    def usernames(**params: Any) -> set[str]:
        response = client.get(reverse("api:user-list"), params)
        assert response.status_code == 200, response.content
        return {row["username"] for row in response.json()["results"]}

    assert usernames(organization=other.pk) == {"ana.inspector", "old.account"}
    assert usernames(role="frontline_identifier") == {"ana.inspector"}
    assert usernames(q="inspector") == {"ana.inspector"}
    assert "old.account" not in usernames(is_active="true")


def test_user_list_queries_do_not_grow_with_the_rows(db: Any, django_assert_num_queries: Any) -> None:
    coordinator = make_user(roles=("national_coordinator",))
    client = sign_in(Client(), coordinator)
    url = reverse("api:user-list")
    client.get(url)  # warm the session
    for _ in range(3):
        _colleague(make_organization("BR"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(6):
        _colleague(make_organization("BR"))
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["results"]) == 10
