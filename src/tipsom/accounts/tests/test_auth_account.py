"""One's own account: the profile page, password change, preferred language and API tokens.

These pages show only the signed-in user's own account, so the AccessCase "unpermitted" and "other
organization" tries do not apply (core/tests/test_meta.py lists them as exempt); the tests below check
instead that anonymous users are sent to sign in and that nobody reaches another user's tokens.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from tipsom.accounts import services
from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def member(organization: Any) -> User:
    return make_user(organization, roles=("national_rapporteur",), username="carla", full_name="Carla Lima")


@pytest.fixture
def member_client(member: User) -> Client:
    client = Client()
    sign_in(client, member)
    return client


@pytest.mark.parametrize(
    ("method", "url_name", "kwargs"),
    [
        ("get", "accounts:profile", {}),
        ("get", "accounts:password_change", {}),
        ("post", "accounts:token_create", {}),
        ("post", "accounts:token_revoke", {"token_key": "abcdef12"}),
    ],
)
def test_anonymous_users_are_sent_to_sign_in(client, method, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not AuthToken.objects.exists()


def test_profile_shows_own_account(member_client, member, organization):
    other = make_user(make_organization("BR", name="Another Agency"), roles=("case_manager",), full_name="Other One")
    AuthToken.objects.create(user=other)
    response = member_client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Carla Lima" in html and organization.name in html and "National rapporteur" in html
    assert "Password only" in html
    assert "Other One" not in html and "Another Agency" not in html
    assert "You have no API tokens." in html


def test_profile_shows_two_step_state(organization):
    manager = make_user(organization, roles=("case_manager",))
    assert "Two-step sign-in is on" in sign_in(Client(), manager).get(reverse("accounts:profile")).content.decode()
    operator = make_user(organization, roles=("national_rapporteur",))
    assert "Password only" in sign_in(Client(), operator).get(reverse("accounts:profile")).content.decode()


# --- API tokens ---------------------------------------------------------------------------------------------
def test_token_create_shows_it_once_and_it_works(member_client, member):
    assert member_client.get(reverse("accounts:token_create")).status_code == 405
    response = member_client.post(reverse("accounts:token_create"))
    assert response.status_code == 200
    token = response.context["new_token"]
    instance = AuthToken.objects.get(user=member)
    assert token.startswith(instance.token_key)
    assert token in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # The API accepts it; the profile never shows it again, only its first characters.
    api = Client().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 200
    html = member_client.get(reverse("accounts:profile")).content.decode()
    assert token not in html and instance.token_key in html
    assert AuditEvent.objects.filter(action="api_token.create", actor=member, object_id=instance.token_key).exists()


def test_token_revoke_removes_own_token(member_client, member):
    instance, token = AuthToken.objects.create(user=member)
    response = member_client.post(reverse("accounts:token_revoke", kwargs={"token_key": instance.token_key}))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert not AuthToken.objects.filter(user=member).exists()
    assert Client().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=member).exists()


def test_token_revoke_of_someone_elses_token_is_not_found(member_client, organization):
    colleague = make_user(organization, roles=("national_rapporteur",))
    instance, _token = AuthToken.objects.create(user=colleague)
    response = member_client.post(reverse("accounts:token_revoke", kwargs={"token_key": instance.token_key}))
    assert response.status_code == 404
    assert "Not found." in response.content.decode()
    assert AuthToken.objects.filter(user=colleague).count() == 1
    assert member_client.get(reverse("accounts:token_revoke", kwargs={"token_key": "x"})).status_code == 405


# --- password -----------------------------------------------------------------------------------------------
def _change(client: Client, old: str, new1: str, new2: str | None = None) -> Any:
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new1 if new2 is None else new2},
    )


def test_password_change_page(member_client):
    html = member_client.get(reverse("accounts:password_change")).content.decode()
    assert 'autocomplete="new-password"' in html and 'id="id_new_password1_helptext"' in html


def test_password_change_keeps_this_session_and_audits(member_client, member):
    response = _change(member_client, PASSWORD, "a much longer pass phrase 2026")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    member.refresh_from_db()
    assert member.check_password("a much longer pass phrase 2026")
    assert member_client.get("/").status_code == 200, "this session survives the change"
    assert AuditEvent.objects.filter(action="user.password_change", object_id=str(member.pk)).exists()
    fresh = Client()
    assert fresh.post(reverse("accounts:login"), {"username": "carla", "password": PASSWORD}).status_code == 400


@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        ("wrong old password", "a much longer pass phrase 2026", None, "Your current password is not correct."),
        (PASSWORD, "a much longer pass phrase 2026", "something else entirely", "The two new passwords do not match."),
        (PASSWORD, "short", None, "This password is too short."),
        (PASSWORD, "123456789012345", None, "This password is entirely numeric."),
        (PASSWORD, "", None, "This field is required."),
    ],
)
def test_password_change_refusals_change_nothing(member_client, member, old, new1, new2, message):
    response = _change(member_client, old, new1, new2)
    assert response.status_code == 400
    assert message in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="user.password_change").exists()


# --- preferred language -------------------------------------------------------------------------------------
def test_preferred_language_is_saved_and_applied(member_client, member):
    response = member_client.post(reverse("accounts:profile"), {"preferred_language": "ru"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    member.refresh_from_db()
    assert member.preferred_language == "ru"
    assert '<html lang="ru" dir="ltr">' in member_client.get("/").content.decode()
    assert AuditEvent.objects.get(action="user.update", object_id=str(member.pk)).changes == {
        "preferred_language": ["", "ru"]
    }


def test_unknown_preferred_language_is_refused(member_client, member):
    response = member_client.post(reverse("accounts:profile"), {"preferred_language": "xx"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    member.refresh_from_db()
    assert member.preferred_language == ""
    with pytest.raises(ApplicationError):
        services.user_set_preferred_language(actor=member, language="xx")


def test_a_session_without_a_required_second_factor_is_ended(organization):
    """A role that needs two-step sign-in, gained after a password-only sign-in, ends that session."""
    from tipsom.accounts.models import Role
    from tipsom.audit.models import AuditEvent

    user = make_user(organization, roles=("national_rapporteur",))
    client = sign_in(Client(), user)
    assert client.get(reverse("home")).status_code == 200
    user.roles.add(Role.objects.get(slug="case_manager"))

    response = client.get(reverse("home"))

    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert client.get(reverse("home")).status_code == 302, "the session is gone"
    logouts = AuditEvent.objects.filter(action="auth.logout", object_id=str(user.pk))
    assert any("second" in event.reason for event in logouts)
    api = sign_in(Client(), user)  # verified now: the API answers
    assert api.get("/api/v1/me/").status_code == 200
