"""What a request cannot do to tipsom: JSON nested too deep and integers too large for the database are 400s
(never 500s), through the API, the screens and the file imports; every response carries a Permissions-Policy,
and every answer to a signed-in user is no-store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.cases.testing import make_case
from tipsom.core.api.throttling import AnonRateThrottle, rate_counter_hit
from tipsom.core.errors import ApplicationError
from tipsom.core.integers import DB_INT_MAX
from tipsom.core.jsontext import MAX_JSON_DEPTH, JSONTooDeep, json_loads
from tipsom.core.middleware import PERMISSIONS_POLICY
from tipsom.referrals import bundles

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000
TOO_LARGE = [2**63, -(10**30), 10**40]
EVERY_ROLE = ("system_administrator", "national_coordinator", "case_manager", "case_supervisor")


@pytest.fixture
def admin_client(organization: Any) -> Client:
    return sign_in(Client(raise_request_exception=False), make_user(organization, roles=EVERY_ROLE))


def _assert_error_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "extra"} and body["code"] == code and body["message"]
    return body


# --- JSON nested too deep -----------------------------------------------------------------------------------
def test_deep_json_at_the_api_sign_in_is_a_400(db: Any) -> None:
    response = Client(raise_request_exception=False).post(
        reverse("api:auth-token"), DEEP, content_type="application/json"
    )
    body = _assert_error_shape(response, 400, "malformed_request")
    assert f"more than {MAX_JSON_DEPTH} levels" in body["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/cases/"),
        ("post", "/api/v1/organizations/"),
        ("post", "/api/v1/users/"),
        ("post", "/api/v1/referrals/"),
        ("patch", "/api/v1/cases/{case}/"),
        ("put", "/api/v1/cases/{case}/team/"),
    ],
)
def test_deep_json_is_a_400_on_every_kind_of_json_endpoint(
    admin_client: Client, organization: Any, method: str, path: str
) -> None:
    case = make_case(organization)
    response = getattr(admin_client, method)(path.format(case=case.pk), DEEP, content_type="application/json")
    _assert_error_shape(response, 400, "malformed_request")


def test_json_a_little_deeper_than_the_limit_is_refused_and_at_the_limit_is_parsed(admin_client: Client) -> None:
    def nested(depth: int) -> str:
        return '{"name": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"

    too_deep = admin_client.post("/api/v1/organizations/", nested(MAX_JSON_DEPTH + 1), content_type="application/json")
    _assert_error_shape(too_deep, 400, "malformed_request")
    at_limit = admin_client.post("/api/v1/organizations/", nested(MAX_JSON_DEPTH), content_type="application/json")
    body = _assert_error_shape(at_limit, 400, "invalid")  # parsed, then refused by the serializer, field by field
    assert "name" in body["extra"]["fields"]


def test_json_loads_refuses_deep_nesting_as_a_value_error() -> None:
    with pytest.raises(JSONTooDeep):
        json_loads(DEEP)
    with pytest.raises(ValueError, match="levels deep"):
        json_loads("[" * 100_000 + "]" * 100_000)
    assert json_loads('{"a": [1, {"b": 2}]}') == {"a": [1, {"b": 2}]}


def test_a_deeply_nested_referral_bundle_is_refused_with_a_message(admin_client: Client) -> None:
    with pytest.raises(ApplicationError, match="not JSON text"):
        bundles.parse(DEEP.encode())
    upload = SimpleUploadedFile("deep.tipsom-bundle", DEEP.encode(), content_type="application/octet-stream")
    response = admin_client.post(reverse("referrals:bundle_import"), {"bundle": upload})
    assert response.status_code == 400 and "not JSON text" in response.content.decode()


# --- integers too large for the database --------------------------------------------------------------------
@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/services/", "/api/v1/referrals/stats/", "/api/v1/users/"])
def test_api_integer_filters_out_of_range_are_400(admin_client: Client, path: str, value: int) -> None:
    body = _assert_error_shape(admin_client.get(path, {"organization": value}), 400, "invalid")
    assert "organization" in body["extra"]["fields"]


@pytest.mark.parametrize("value", TOO_LARGE)
@pytest.mark.parametrize("path", ["/cases/", "/directory/", "/accounts/users/"])
def test_web_list_filters_out_of_range_are_a_form_error(admin_client: Client, path: str, value: int) -> None:
    response = admin_client.get(path, {"organization": value})
    assert response.status_code == 400
    assert response.context["filter"].form.errors["organization"]


@pytest.mark.parametrize("value", TOO_LARGE)
def test_web_referral_statistics_refuse_an_out_of_range_organization(admin_client: Client, value: int) -> None:
    response = admin_client.get(reverse("referrals:stats"), {"organization": value})
    assert response.status_code == 400 and response.context["form"].errors["organization"]


def test_the_largest_id_the_database_holds_is_a_valid_filter_that_finds_nothing(admin_client: Client) -> None:
    response = admin_client.get("/api/v1/cases/", {"organization": DB_INT_MAX})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("value", TOO_LARGE)
def test_case_team_refuses_out_of_range_user_ids(admin_client: Client, organization: Any, value: int) -> None:
    case = make_case(organization)
    api = admin_client.put(
        f"/api/v1/cases/{case.pk}/team/", {"users": [value], "version": case.version}, content_type="application/json"
    )
    assert "users.0" in _assert_error_shape(api, 400, "invalid")["extra"]["fields"]
    web = admin_client.post(reverse("cases:team", kwargs={"pk": case.pk}), {"team": [value], "version": case.version})
    assert web.status_code == 400
    case.refresh_from_db()
    assert list(case.team.all()) == []


def _int_routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _int_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and "<int:" in prefix + str(pattern.pattern):
            yield prefix + str(pattern.pattern)


def test_every_integer_in_a_path_out_of_range_is_a_404_never_a_500(admin_client: Client, organization: Any) -> None:
    routes = sorted(set(_int_routes(get_resolver().url_patterns)))
    assert len(routes) > 20
    answers = {}
    for route in routes:
        for value in (2**63, 10**40):
            url = "/" + re.sub(r"<[^>]+>", "x", re.sub(r"<int:\w+>", str(value), route))
            answers[url] = admin_client.get(url).status_code, admin_client.post(url).status_code
    assert {url: codes for url, codes in answers.items() if max(codes) >= 500} == {}


# --- response headers ---------------------------------------------------------------------------------------
def test_permissions_policy_on_every_response(client: Client, organization: Any) -> None:
    assert "camera=()" in PERMISSIONS_POLICY and "microphone=()" in PERMISSIONS_POLICY
    assert "geolocation=()" in PERMISSIONS_POLICY
    for response in (
        client.get(reverse("accounts:login")),
        client.get("/static/tipsom.css"),
        client.get("/api/v1/cases/"),
        client.get("/healthz"),
        sign_in(Client(), make_user(organization, roles=("case_manager",))).get("/cases/"),
    ):
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_answers_to_a_signed_in_user_are_not_stored(organization: Any) -> None:
    user = make_user(organization, roles=("case_manager",))
    case = make_case(organization, actor=user)
    client = sign_in(Client(), user)
    for path in ("/", "/cases/", f"/cases/{case.pk}/", "/api/v1/cases/", f"/api/v1/cases/{case.pk}/", "/api/v1/me/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], path


def test_answers_to_an_api_token_are_not_stored(organization: Any) -> None:
    user = make_user(organization, roles=("national_coordinator",))
    token = (
        Client()
        .post(
            reverse("api:auth-token"),
            {"username": user.username, "password": "correct horse battery staple"},
            content_type="application/json",
        )
        .json()["token"]
    )
    response = Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/cases/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_static_files_stay_cacheable(client: Client, organization: Any) -> None:
    sign_in(client, make_user(organization, roles=("case_manager",)))
    response = client.get("/static/tipsom.css")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


# --- throttles counted in the database ----------------------------------------------------------------------
def test_the_rate_counter_keeps_this_window_and_the_one_before_in_one_row() -> None:
    assert rate_counter_hit("throttle_test_a", window_start=600, duration=60) == (1, 0)
    assert rate_counter_hit("throttle_test_a", window_start=600, duration=60) == (2, 0)
    assert rate_counter_hit("throttle_test_b", window_start=600, duration=60) == (1, 0)
    assert rate_counter_hit("throttle_test_a", window_start=660, duration=60) == (1, 2)
    assert rate_counter_hit("throttle_test_a", window_start=780, duration=60) == (1, 0), "a window went by empty"


def test_a_throttle_slides_across_the_edge_of_a_window() -> None:
    now = [6000.0 - 5]  # five seconds before a minute's window ends

    class ThreeAMinute(AnonRateThrottle):
        rate = "3/min"

        def timer(self) -> float:
            return now[0]

    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "192.0.2.44"
    request.user = AnonymousUser()
    assert [ThreeAMinute().allow_request(request, None) for _ in range(3)] == [True, True, True]
    now[0] = 6000.0 + 5  # a new window: the last one's three hits still count for most of it
    throttle = ThreeAMinute()
    assert throttle.allow_request(request, None) is False and 1 <= throttle.wait() <= 60
    now[0] = 6000.0 + 59  # almost a whole window later: 1 + 1 + 3 x 1/60 of the last one
    assert ThreeAMinute().allow_request(request, None) is True
