"""Signing in and out: passwords, back-off and lockout, the TOTP second factor, sessions, CSRF, headers, language."""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user, sign_in
from tipsom.accounts.views.auth import PENDING_MAX_CODE_TRIES, PENDING_SINCE_KEY, PENDING_USER_KEY
from tipsom.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def _signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def _confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def operator(organization: Any) -> User:
    """A helpline operator: a role that does not need the second factor."""
    return make_user(organization, roles=("national_rapporteur",), username="ana.operadora", full_name="Ana Operadora")


@pytest.fixture
def case_manager(organization: Any) -> User:
    """A case manager: the role may reveal identifying data, so it needs the second factor."""
    return make_user(organization, roles=("case_manager",), username="bia.gestora", full_name="Bia Gestora")


# --- password sign-in ---------------------------------------------------------------------------------------
def test_login_page_is_public_and_accessible(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="form-label" for="id_username">' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'href="#main"' in html, "skip link"


def test_anonymous_pages_redirect_to_login_with_next(client):
    response = client.get("/accounts/me/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/accounts/me/"


def test_login_success_signs_in_goes_home_and_audits(client, operator):
    response = _login(client, "Ana.Operadora")
    assert response.status_code == 302 and response["Location"] == "/"
    assert _signed_in_user_id(client) == str(operator.pk)
    home = client.get("/")
    assert home.status_code == 200
    assert "Ana Operadora" in home.content.decode()
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == operator and event.changes == {"method": "password"}


def test_login_follows_a_local_next_but_not_another_site(client, operator):
    assert _login(client, operator.username, next="/accounts/me/")["Location"] == "/accounts/me/"
    client.logout()
    assert _login(client, operator.username, next="https://evil.example/steal")["Location"] == "/"
    client.logout()
    assert _login(client, operator.username, next="//evil.example/")["Location"] == "/"


def test_signed_in_user_opening_login_goes_home(client, operator):
    sign_in(client, operator)
    assert client.get(LOGIN)["Location"] == "/"


def test_wrong_password_says_so_changes_nothing_and_audits(client, operator):
    response = _login(client, operator.username, password="not the password")
    assert response.status_code == 400
    assert "The username or password is not correct." in response.content.decode()
    assert _signed_in_user_id(client) is None
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.object_id == str(operator.pk) and event.actor is None
    assert "not the password" not in str(event.changes)


def test_unknown_user_gets_the_same_message(client, operator):
    response = _login(client, "nobody-here")
    assert response.status_code == 400
    assert "The username or password is not correct." in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_label="unknown user").exists()


def test_empty_form_is_a_clear_400(client):
    response = client.post(LOGIN, {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_username_error"' in html
    assert 'id="id_username_error"' in html


@override_settings(TIPSOM_LOGIN_FREE_FAILURES=1, TIPSOM_LOGIN_LOCKOUT_FAILURES=10)
def test_back_off_refuses_even_the_right_password_for_a_while(client, operator, clock):
    _login(client, operator.username, password="wrong one")  # free
    assert _login(client, operator.username, password="wrong two").status_code == 400  # now waits 2 seconds
    response = _login(client, operator.username)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert 1 <= int(response["Retry-After"]) <= 3
    assert _signed_in_user_id(client) is None
    # Once the wait is over, the right password works and the count starts again.
    clock.advance(3)
    assert _login(client, operator.username).status_code == 302
    client.post(reverse("accounts:logout"))
    assert _login(client, operator.username, password="wrong three").status_code == 400  # free again
    assert _login(client, operator.username).status_code == 302


@override_settings(TIPSOM_LOGIN_FREE_FAILURES=10, TIPSOM_LOGIN_LOCKOUT_FAILURES=3, TIPSOM_LOGIN_LOCKOUT_MINUTES=30)
def test_lockout_after_repeated_failures(client, operator):
    for attempt in range(3):
        assert _login(client, operator.username, password=f"guess {attempt}").status_code == 400
    response = _login(client, operator.username)
    assert response.status_code == 429
    assert "Try again in 30 minutes" in response.content.decode()
    assert 29 * 60 < int(response["Retry-After"]) <= 30 * 60 + 1
    assert _signed_in_user_id(client) is None
    assert AuditEvent.objects.filter(action="auth.login_refused", object_id=str(operator.pk)).count() == 1
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 3


def test_inactive_user_cannot_sign_in(client, operator):
    User.objects.filter(pk=operator.pk).update(is_active=False)
    assert _login(client, operator.username).status_code == 400
    assert _signed_in_user_id(client) is None


# --- second factor ------------------------------------------------------------------------------------------
def test_two_factor_sign_in_end_to_end(client, case_manager):
    device = _confirmed_device(case_manager)
    response = _login(client, case_manager.username, next="/accounts/me/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login_verify")
    # The password alone signs nobody in.
    assert _signed_in_user_id(client) is None
    assert client.get("/")["Location"].startswith(LOGIN)
    page = client.get(reverse("accounts:login_verify"))
    assert page.status_code == 200 and "bia.gestora" in page.content.decode()

    response = client.post(reverse("accounts:login_verify"), {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert _signed_in_user_id(client) == str(case_manager.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING_USER_KEY not in client.session
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.get(action="auth.login").changes == {"method": "totp"}


def test_wrong_code_is_refused_and_audited(client, case_manager):
    device = _confirmed_device(case_manager)
    _login(client, case_manager.username)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:login_verify"), {"code": wrong})
    assert response.status_code == 400
    assert "The code is not correct or has expired." in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert AuditEvent.objects.filter(action="auth.2fa_failed", object_id=str(case_manager.pk)).exists()
    malformed = client.post(reverse("accounts:login_verify"), {"code": "12ab"})
    assert malformed.status_code == 400
    assert "Type the six digits" in malformed.content.decode()


def test_too_many_wrong_codes_start_the_sign_in_again(client, case_manager):
    _confirmed_device(case_manager)
    _login(client, case_manager.username)
    for _attempt in range(PENDING_MAX_CODE_TRIES - 1):
        assert client.post(reverse("accounts:login_verify"), {"code": "000000"}).status_code == 400
    response = client.post(reverse("accounts:login_verify"), {"code": "000000"}, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "Too many wrong codes" in response.content.decode()
    assert PENDING_USER_KEY not in client.session


def test_enrolment_shows_a_qr_code_and_signs_in_once_confirmed(client, case_manager):
    response = _login(client, case_manager.username)
    assert response["Location"] == reverse("accounts:login_enrol")
    page = client.get(reverse("accounts:login_enrol"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<path" in html
    device = TOTPDevice.objects.get(user=case_manager, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] in html and secret.replace(" ", "") in html.replace(" ", "")
    # Opening the page again shows the same secret (one pending device, not a new one each time).
    client.get(reverse("accounts:login_enrol"))
    assert TOTPDevice.objects.filter(user=case_manager).count() == 1

    response = client.post(reverse("accounts:login_enrol"), {"code": _code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert _signed_in_user_id(client) == str(case_manager.pk)
    assert AuditEvent.objects.filter(action="auth.2fa_enrolled", object_id=str(case_manager.pk)).exists()


def test_enrolment_with_a_wrong_code_confirms_nothing(client, case_manager):
    _login(client, case_manager.username)
    client.get(reverse("accounts:login_enrol"))
    response = client.post(reverse("accounts:login_enrol"), {"code": "000000"})
    assert response.status_code == 400
    assert "The code is not correct or has expired." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=case_manager, confirmed=True).exists()
    assert _signed_in_user_id(client) is None


def test_a_password_alone_cannot_enrol_a_second_device(client, case_manager):
    _confirmed_device(case_manager)
    _login(client, case_manager.username)
    response = client.get(reverse("accounts:login_enrol"))
    assert response["Location"] == reverse("accounts:login_verify")
    assert TOTPDevice.objects.filter(user=case_manager).count() == 1


def test_pending_sign_in_expires_after_five_minutes(client, case_manager):
    device = _confirmed_device(case_manager)
    _login(client, case_manager.username)
    session = client.session
    session[PENDING_SINCE_KEY] = session[PENDING_SINCE_KEY] - 301
    session.save()
    response = client.post(reverse("accounts:login_verify"), {"code": _code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "Your sign-in took too long" in response.content.decode()
    assert _signed_in_user_id(client) is None


def test_second_step_pages_without_a_password_go_back_to_login(client):
    assert client.get(reverse("accounts:login_verify"))["Location"] == LOGIN
    assert client.get(reverse("accounts:login_enrol"))["Location"] == LOGIN


@override_settings(TIPSOM_REQUIRE_2FA=False)
def test_second_factor_can_be_turned_off_for_demos(client, case_manager):
    assert _login(client, case_manager.username)["Location"] == "/"


# --- signing out, sessions ----------------------------------------------------------------------------------
def test_logout_needs_post_and_audits(client, operator):
    sign_in(client, operator)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert _signed_in_user_id(client) == str(operator.pk)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "You have signed out." in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=operator).exists()


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_session_expiry_slides_with_activity(client, operator):
    _login(client, operator.username)
    row = _session_row(client)
    Session.objects.filter(pk=row.pk).update(expire_date=timezone.now() + timedelta(seconds=30))
    assert client.get("/").status_code == 200
    remaining = _session_row(client).expire_date - timezone.now()
    assert (
        timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
        < remaining
        <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )


def test_inactive_session_is_rejected(client, operator):
    _login(client, operator.username)
    assert client.get("/").status_code == 200
    # No request for longer than SESSION_COOKIE_AGE: the session store's expiry date has passed.
    Session.objects.filter(pk=_session_row(client).pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/accounts/me/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@override_settings(SESSION_COOKIE_AGE=1)
def test_session_older_than_its_age_is_rejected_in_real_time(client, operator):
    _login(client, operator.username)
    time.sleep(1.2)
    assert client.get("/")["Location"].startswith(LOGIN)


# --- CSRF and headers ---------------------------------------------------------------------------------------
def test_csrf_is_enforced_on_login_and_logout(operator):
    client = Client(enforce_csrf_checks=True)
    response = _login(client, operator.username)
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
    assert _signed_in_user_id(client) is None

    token = client.get(LOGIN).context["csrf_token"]
    response = _login(client, operator.username, csrfmiddlewaretoken=str(token))
    assert response.status_code == 302 and _signed_in_user_id(client) == str(operator.pk)
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert _signed_in_user_id(client) == str(operator.pk)


@pytest.mark.parametrize("path", [LOGIN, "/"])
def test_security_headers(client, operator, path):
    if path == "/":
        sign_in(client, operator)
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_login_page_is_not_cached(client):
    assert "no-store" in client.get(LOGIN)["Cache-Control"]


# --- languages ----------------------------------------------------------------------------------------------
def test_accept_language_arabic_gives_right_to_left(client):
    html = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    assert "اسم المستخدم" in html  # "Username", from Django's own Arabic catalogue


def test_other_languages_are_left_to_right(client):
    html = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert "bootstrap.min.css" in html and "bootstrap.rtl.min.css" not in html


def test_language_switcher_lists_the_languages_and_switches(client, operator):
    sign_in(client, operator)
    html = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    for code, _name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in html
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert '<html lang="ar" dir="rtl">' in client.get("/").content.decode()
    # The cookie wins over the browser's Accept-Language.
    assert '<html lang="ar"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_language_switcher_ignores_unknown_languages_and_foreign_next(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_preferred_language_applies_at_sign_in(client, organization):
    make_user(organization, roles=("national_rapporteur",), username="joao", preferred_language="pt")
    response = _login(client, "joao")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt"
    assert '<html lang="pt" dir="ltr">' in client.get("/").content.decode()
