"""The API as a whole: the root, one error shape for every kind of bad request, the OpenAPI schema and docs."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

ERROR_KEYS = {"code", "message", "extra"}


@pytest.fixture
def admin(db: Any) -> User:
    return make_user(make_organization("BR"), roles=("system_administrator",))


def _client(user: User, **defaults: Any) -> Client:
    client = Client(**defaults)
    sign_in(client, user)
    return client


def _counts() -> tuple[int, int, int]:
    return Organization.objects.count(), User.objects.count(), AuditEvent.objects.count()


def _assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == code and body["message"], body
    return body


# --- The root -----------------------------------------------------------------------------------------------
def test_root_needs_credentials(db: Any) -> None:
    response = Client().get("/api/v1/")
    _assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


def test_root_lists_the_endpoints(admin: User) -> None:
    body = _client(admin).get("/api/v1/").json()
    assert {"organizations", "users", "roles", "audit-events"} <= set(body)


# --- Bad requests: the error shape, and nothing written ------------------------------------------------------
_ORG = {"name": "Abrigo", "type": "NGO", "country": "BR"}


def test_malformed_json_is_400(admin: User) -> None:
    before = _counts()
    response = _client(admin).post(
        reverse("api:organization-list"), '{"name": "Abrigo",', content_type="application/json"
    )
    body = _assert_error(response, 400, "malformed_request")
    assert "JSON" in body["message"]
    assert _counts() == before


def test_wrong_types_are_400_with_fields(admin: User) -> None:
    before = _counts()
    payload = {"name": 42.5, "type": ["NGO"], "country": {"code": "BR"}, "is_active": "sometimes"}
    response = _client(admin).post(reverse("api:organization-list"), payload, content_type="application/json")
    body = _assert_error(response, 400, "invalid")
    assert {"type", "country", "is_active"} <= set(body["extra"]["fields"])
    assert _counts() == before


def _assert_field_errors(body: dict[str, Any]) -> dict[str, list[str]]:
    """The one field-error shape: extra.fields maps each field (or dotted path) to a list of messages."""
    fields = body["extra"]["fields"]
    assert fields and all(
        isinstance(name, str) and isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages)
        for name, messages in fields.items()
    ), fields
    return fields


def test_serializer_and_service_field_errors_have_one_shape(admin: User) -> None:
    client = _client(admin)
    url = reverse("api:organization-list")
    # Found by the serializer (types), by the service (a taken code, raised as {"fields": {name: message}}), and
    # by a service naming one field (a taken username, raised as {"field": name}): the same shape each time.
    by_serializer = _assert_error(
        client.post(url, {"name": ["x"], "type": "NGO"}, content_type="application/json"), 400, "invalid"
    )
    assert set(_assert_field_errors(by_serializer)) == {"name", "country"}
    taken = make_organization("BR", code="abrigo-br")
    by_service = client.post(url, {**_ORG, "code": taken.code}, content_type="application/json")
    assert _assert_field_errors(_assert_error(by_service, 400, "duplicate")) == {"code": ["That code is taken."]}
    user = {
        "username": admin.username,
        "full_name": "Twin",
        "password": "violet-harbour-lantern-42",
        "organization": admin.organization_id,
    }
    one_field = _assert_error(
        client.post(reverse("api:user-list"), user, content_type="application/json"), 400, "duplicate"
    )
    assert _assert_field_errors(one_field) == {"username": ["That username is taken."]}
    assert "field" not in one_field["extra"]


def test_nested_field_errors_are_named_by_their_path() -> None:
    from tipsom.core.api.errors import field_errors

    nested = {
        "person": {"names": [{}, {"name": ["Required."]}], "citizenships": {0: ["Not a code."]}},
        "non_field_errors": ["Bad."],
        "version": "Stale.",
    }
    assert field_errors(nested) == {
        "person.names.1.name": ["Required."],
        "person.citizenships.0": ["Not a code."],
        "non_field_errors": ["Bad."],
        "version": ["Stale."],
    }
    assert field_errors(["Whole request."]) == {"non_field_errors": ["Whole request."]}


def test_unsupported_media_type_is_415(admin: User) -> None:
    before = _counts()
    response = _client(admin).post(reverse("api:organization-list"), "name=Abrigo", content_type="text/plain")
    _assert_error(response, 415, "unsupported_media_type")
    assert _counts() == before


def test_method_not_allowed_is_405(admin: User) -> None:
    response = _client(admin).delete(reverse("api:organization-detail", kwargs={"pk": admin.organization_id}))
    _assert_error(response, 405, "method_not_allowed")
    assert Organization.objects.filter(users=admin).exists()


def test_oversized_body_is_413_before_anything_reads_it(admin: User, settings: Any) -> None:
    settings.TIPSOM_MAX_REQUEST_BYTES = 1024
    before = _counts()
    payload = {**_ORG, "city": "x" * 2000}
    response = _client(admin).post(reverse("api:organization-list"), payload, content_type="application/json")
    body = _assert_error(response, 413, "request_too_large")
    assert body["extra"]["limit"] == 1024
    assert _counts() == before
    token_request = Client().post(
        reverse("api:auth-token"),
        {"username": admin.username, "password": "p" * 2000},
        content_type="application/json",
    )
    _assert_error(token_request, 413, "request_too_large")
    assert _counts() == before


def test_missing_and_invalid_tokens_are_401(db: Any) -> None:
    before = _counts()
    url = reverse("api:organization-list")
    _assert_error(Client().post(url, _ORG, content_type="application/json"), 401, "not_authenticated")
    invalid = Client(HTTP_AUTHORIZATION="Token not-a-real-token")
    _assert_error(invalid.post(url, _ORG, content_type="application/json"), 401, "authentication_failed")
    _assert_error(invalid.get(url), 401, "authentication_failed")
    assert _counts() == before


def test_unpermitted_and_out_of_scope_are_404(db: Any) -> None:
    home = make_organization("BR")
    abroad = make_organization("CO")
    viewer = make_user(home, roles=("me_officer",))
    client = _client(viewer)
    before = _counts()
    # No permission to change, a record in another country, a record that does not exist: the same answer.
    for pk in (home.pk, abroad.pk, 987654):
        url = reverse("api:organization-detail", kwargs={"pk": pk})
        _assert_error(client.patch(url, {"version": 1, "city": "X"}, content_type="application/json"), 404, "not_found")
    _assert_error(client.get(reverse("api:organization-detail", kwargs={"pk": abroad.pk})), 404, "not_found")
    _assert_error(client.get(reverse("api:audit-event-list")), 404, "not_found")
    _assert_error(client.post(reverse("api:user-list"), {}, content_type="application/json"), 404, "not_found")
    assert _counts() == before


def test_session_writes_need_the_csrf_token(admin: User) -> None:
    before = _counts()
    client = _client(admin, enforce_csrf_checks=True)
    response = client.post(reverse("api:organization-list"), _ORG, content_type="application/json")
    _assert_error(response, 403, "csrf_failed")
    assert _counts() == before


def test_token_requests_need_no_csrf_token(admin: User) -> None:
    from tipsom.accounts import services

    _instance, token = services.api_token_create(actor=admin)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(reverse("api:organization-list"), _ORG, content_type="application/json")
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.latest("sequence")
    assert (event.action, event.channel, event.actor_id) == ("organization.create", "api", admin.pk)


def test_throttled_requests_are_429_with_the_wait(admin: User, settings: Any) -> None:
    # The throttles read their rate at each request (core.api.throttling).
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = _client(admin)
    url = reverse("api:organization-list")
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    before = _counts()
    response = client.post(url, _ORG, content_type="application/json")
    body = _assert_error(response, 429, "throttled")
    assert body["extra"]["wait_seconds"] > 0 and int(response["Retry-After"]) > 0
    assert _counts() == before


def test_application_errors_keep_their_status_and_code(admin: User) -> None:
    organization = make_organization("BR")
    client = _client(admin)
    url = reverse("api:organization-detail", kwargs={"pk": organization.pk})
    assert client.patch(url, {"version": 1, "city": "Natal"}, content_type="application/json").status_code == 200
    before = _counts()
    body = _assert_error(
        client.patch(url, {"version": 1, "city": "Olinda"}, content_type="application/json"), 409, "conflict"
    )
    assert body["extra"]["current_version"] == 2
    assert _counts() == before


def test_every_api_write_is_audited_on_the_api_channel(admin: User) -> None:
    client = _client(admin)
    start = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    created = client.post(reverse("api:organization-list"), _ORG, content_type="application/json").json()
    org_url = reverse("api:organization-detail", kwargs={"pk": created["id"]})
    client.patch(org_url, {"version": created["version"], "city": "Natal"}, content_type="application/json")
    user_payload = {
        "username": "api.made",
        "full_name": "Api Made",
        "password": "violet-harbour-lantern-42",
        "organization": created["id"],
    }
    user = client.post(reverse("api:user-list"), user_payload, content_type="application/json").json()
    client.patch(
        reverse("api:user-detail", kwargs={"pk": user["id"]}),
        {"full_name": "Api Changed"},
        content_type="application/json",
    )
    events = list(AuditEvent.objects.filter(sequence__gt=start).order_by("sequence").values_list("action", "channel"))
    assert events == [
        ("organization.create", "api"),
        ("organization.update", "api"),
        ("user.create", "api"),
        ("user.update", "api"),
    ]


def test_unknown_api_url_is_a_json_404_and_pages_keep_theirs(admin: User) -> None:
    _assert_error(Client().get("/api/v1/no-such-thing/"), 404, "not_found")
    _assert_error(_client(admin).get("/api/v1/no-such-thing/"), 404, "not_found")
    page = _client(admin).get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_unacceptable_accept_header_is_406(admin: User) -> None:
    _assert_error(_client(admin).get("/api/v1/", HTTP_ACCEPT="text/html"), 406, "not_acceptable")


def test_a_server_failure_keeps_the_shape_and_names_the_request(admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from tipsom.organizations.api import views as organization_api

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(organization_api.selectors, "organization_list", broken)
    client = _client(admin, raise_request_exception=False, HTTP_X_REQUEST_ID="trace-500-test")
    body = _assert_error(client.get(reverse("api:organization-list")), 500, "server_error")
    assert body["extra"] == {"request_id": "trace-500-test"}
    assert "simulated" not in body["message"]


# --- OpenAPI ------------------------------------------------------------------------------------------------
def test_schema_generates_without_warnings_and_validates(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    stderr = io.StringIO()
    # --fail-on-warn turns any drf-spectacular warning or error into a failure; --validate checks OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=stderr)
    assert "Warning" not in stderr.getvalue() and "Error" not in stderr.getvalue()
    schema = yaml.safe_load(target.read_text())
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Send "Token <token>"; obtain one from POST /api/v1/auth/token/.',
    }
    paths = schema["paths"]
    for path in (
        "/api/v1/organizations/{id}/",
        "/api/v1/users/",
        "/api/v1/roles/{slug}/",
        "/api/v1/audit-events/",
        "/api/v1/auth/token/",
        "/api/v1/auth/logout/",
        "/api/v1/me/",
    ):
        assert path in paths, path
    assert "delete" not in paths["/api/v1/organizations/{id}/"]
    assert set(paths["/api/v1/users/{id}/"]) == {"get", "patch"}
    assert paths["/api/v1/auth/token/"]["post"].get("security", [{}]) == [{}]  # no credentials needed
    listed = paths["/api/v1/organizations/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    component = listed["$ref"].rsplit("/", 1)[-1]
    rows = schema["components"]["schemas"][component]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert "street_address" not in schema["components"]["schemas"][rows]["properties"]
    assert "phone" not in schema["components"]["schemas"]["User"]["properties"]


def test_schema_endpoint_answers_yaml_and_json(db: Any) -> None:
    response = Client().get(reverse("api-schema"))
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")
    as_json = Client().get(reverse("api-schema"), {"format": "json"})
    assert as_json.status_code == 200 and json.loads(as_json.content)["info"]["title"] == "tipsom API"


def test_docs_page_loads_its_script_from_a_file_under_our_policy(db: Any) -> None:
    response = Client().get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";" and "unsafe-inline" not in policy
    assert "<script>" not in html  # every script comes from a file, which script-src 'self' allows
    assert "?script=" in html and "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = Client().get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert reverse("api-schema").encode() in script.content
