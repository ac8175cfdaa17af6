"""Sign-in limits (accounts.lockout, docs/decisions/0005-sign-in-limits.md) through both doors, the web sign-in
and the API token: per username and address, per address, per username; a missing user is refused exactly as an
existing one; every 429 says when to come back; the counters live in the database, for every worker."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
WRONG = "not the password"
WEB, API = "web", "api"


def _try(door: str, username: str, password: str = WRONG, address: str = "127.0.0.1", **headers: Any) -> Any:
    client = Client(REMOTE_ADDR=address, **headers)
    if door == WEB:
        return client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client.post(
        reverse("api:auth-token"), {"username": username, "password": password}, content_type="application/json"
    )


def _signed_in(door: str, response: Any) -> bool:
    return response.status_code == (302 if door == WEB else 200)


@pytest.fixture(autouse=True)
def _no_api_rate_limit(settings: Any) -> None:
    """These tests are about the sign-in limits; the API's attempts-per-minute throttle is tested on its own."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    rates = {**rates, "auth_token": "1000/min", "anon": "1000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def operator(organization: Any) -> Any:
    return make_user(organization, roles=("national_rapporteur",), username="ana.operadora")


@pytest.mark.parametrize("door", [WEB, API])
@override_settings(TIPSOM_LOGIN_FREE_FAILURES=10, TIPSOM_LOGIN_LOCKOUT_FAILURES=3)
def test_a_missing_username_is_locked_exactly_like_an_existing_one(operator: Any, door: str) -> None:
    answers = {}
    for username in (operator.username, "nobody.here"):
        statuses = [_try(door, username).status_code for _ in range(3)]
        refused = _try(door, username, PASSWORD)
        body = refused.json() if door == API else None
        answers[username] = (statuses, refused.status_code, refused["Retry-After"], body)
    assert answers[operator.username] == answers["nobody.here"]
    assert answers["nobody.here"][:2] == ([400, 400, 400], 429)
    assert AuditEvent.objects.filter(action="auth.login_refused", actor_label="unknown user").count() == 1


@pytest.mark.parametrize("door", [WEB, API])
def test_a_failed_sign_in_costs_the_same_queries_for_a_missing_and_an_existing_user(operator: Any, door: str) -> None:
    counts = []
    for username in (operator.username, "nobody.here"):
        _try(door, username)  # warm up (content types, translations)
        with CaptureQueriesContext(connection) as queries:
            assert _try(door, username, address="192.0.2.9").status_code == 400
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("door", [WEB, API])
@override_settings(TIPSOM_LOGIN_FREE_FAILURES=10, TIPSOM_LOGIN_LOCKOUT_FAILURES=3)
def test_a_lock_from_one_address_does_not_keep_the_user_out_at_another(operator: Any, door: str) -> None:
    for _ in range(3):
        _try(door, operator.username, address="203.0.113.66")
    assert _try(door, operator.username, PASSWORD, address="203.0.113.66").status_code == 429
    assert _signed_in(door, _try(door, operator.username, PASSWORD, address="198.51.100.7"))


@pytest.mark.parametrize("door", [WEB, API])
@override_settings(TIPSOM_LOGIN_ADDRESS_FAILURES=5, TIPSOM_LOGIN_LOCKOUT_MINUTES=15)
def test_an_address_that_fails_for_many_usernames_is_locked(operator: Any, door: str) -> None:
    for number in range(5):
        assert _try(door, f"guess{number}", address="203.0.113.66").status_code == 400
    refused = _try(door, operator.username, PASSWORD, address="203.0.113.66")
    assert refused.status_code == 429 and 14 * 60 < int(refused["Retry-After"]) <= 15 * 60 + 1
    assert _signed_in(door, _try(door, operator.username, PASSWORD, address="198.51.100.7"))


@pytest.mark.parametrize("door", [WEB, API])
@override_settings(TIPSOM_LOGIN_ACCOUNT_FAILURES=6, TIPSOM_LOGIN_LOCKOUT_FAILURES=10)
def test_a_username_guessed_from_many_addresses_is_locked_except_where_it_signed_in(operator: Any, door: str) -> None:
    office = "198.51.100.7"
    assert _signed_in(door, _try(door, operator.username, PASSWORD, address=office))
    for number in range(6):
        assert _try(door, operator.username, address=f"203.0.113.{number + 1}").status_code == 400
    elsewhere = _try(door, operator.username, PASSWORD, address="203.0.113.200")
    assert elsewhere.status_code == 429 and int(elsewhere["Retry-After"]) > 0
    assert _signed_in(door, _try(door, operator.username, PASSWORD, address=office))


@override_settings(TIPSOM_LOGIN_FREE_FAILURES=1)
def test_the_limits_are_one_for_both_doors(operator: Any) -> None:
    _try(WEB, operator.username)
    _try(API, operator.username)  # the second failure: a wait starts, whichever door tries next
    assert _try(WEB, operator.username, PASSWORD).status_code == 429
    assert _try(API, operator.username, PASSWORD).json()["code"] == "locked"


@override_settings(TIPSOM_LOGIN_FREE_FAILURES=0)
def test_counters_are_in_the_database_where_every_worker_sees_them(operator: Any) -> None:
    _try(WEB, operator.username)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM tipsom_shared_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any(":signin:pair:" in key for key in keys), keys
    assert not any(operator.username in key or "127.0.0.1" in key for key in keys), "keys are hashed"


def test_the_api_sign_in_throttle_is_shared_and_ignores_a_forged_forwarded_for(operator: Any, settings: Any) -> None:
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "auth_token": "2/min"}}
    for number in range(2):
        assert _try(API, operator.username, PASSWORD, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}").status_code == 200
    throttled = _try(API, operator.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert throttled.status_code == 429 and throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, hits FROM tipsom_rate_counter WHERE key LIKE %s", ["throttle_auth_token%"])
        assert cursor.fetchall() == [("throttle_auth_token_127.0.0.1", 3)]
