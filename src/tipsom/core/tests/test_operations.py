"""Operations: health check, request ids, structured logs, the commands, production settings."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tipsom.accounts.models import User
from tipsom.audit.models import AuditEvent
from tipsom.core import crypto
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_keys(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "keys": "ok"}


def test_healthz_is_unhealthy_without_keys(client, settings, tmp_path):
    settings.TIPSOM_KEYRING_FILE = tmp_path / "missing.json"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["keys"] == "not loaded"


def test_request_id_is_returned_and_kept_when_well_formed(client):
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="trace-abc-123")["X-Request-ID"] == "trace-abc-123"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def test_logs_are_json_with_the_request_id(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    from django.conf import settings

    formatter_config = cast(dict[str, Any], settings.LOGGING)["formatters"]["json"]
    from pythonjsonlogger.json import JsonFormatter

    handler.setFormatter(JsonFormatter(formatter_config["fmt"], rename_fields=formatter_config["rename_fields"]))
    from tipsom.core.logging import RequestIdFilter

    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("tipsom.request")
    logger.addHandler(handler)
    try:
        response = client.get("/healthz", HTTP_X_REQUEST_ID="log-test-0001")
    finally:
        logger.removeHandler(handler)
    record = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert record["request_id"] == response["X-Request-ID"] == "log-test-0001"
    assert record["message"] == "request" and record["status"] == 200 and record["path"] == "/healthz"


def test_keys_commands(settings, tmp_path):
    settings.TIPSOM_KEYRING_FILE = tmp_path / "k" / "keyring.json"
    out = io.StringIO()
    call_command("keys", "init", stdout=out)
    assert "Created keyring" in out.getvalue()
    assert oct(settings.TIPSOM_KEYRING_FILE.stat().st_mode)[-3:] == "600"
    first = crypto.get_keyring().active
    call_command("keys", "init", stdout=out)
    assert crypto.get_keyring().active == first, "init never overwrites a keyring"
    call_command("keys", "rotate", stdout=out)
    assert crypto.get_keyring().active != first
    assert AuditEvent.objects.filter(action="keys.rotate", channel="command").exists()
    assert AuditEvent.objects.filter(action="keys.reencrypt", channel="command").exists()


def test_createuser_command_validates_and_audits(monkeypatch):
    organization = make_organization("BR", code="br-shelter")
    monkeypatch.setattr("sys.stdin", io.StringIO("a sturdy pass phrase 2026\n"))
    call_command(
        "createuser",
        "--username",
        "maria",
        "--full-name",
        "Maria Souza",
        "--organization",
        "br-shelter",
        "--role",
        "case_manager",
        "--password-stdin",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="maria")
    assert user.organization == organization and user.role_slugs() == ["case_manager"]
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk), channel="command").exists()

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command(
            "createuser",
            "--username",
            "joao",
            "--full-name",
            "João",
            "--organization",
            "br-shelter",
            "--password-stdin",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="Unknown role"):
        call_command(
            "createuser",
            "--username",
            "joao",
            "--full-name",
            "João",
            "--organization",
            "br-shelter",
            "--role",
            "wizard",
            "--password-stdin",
            stdout=io.StringIO(),
        )
    assert not User.objects.filter(username="joao").exists()


def test_argon2_is_the_password_hasher_in_production_settings():
    from django.conf import settings

    assert "Argon2PasswordHasher" in [h for h in settings.PASSWORD_HASHERS if "MD5" not in h][0]


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIPSOM_") and k != "PYTEST_CURRENT_TEST"}
    env.update(
        TIPSOM_ENV="production",
        TIPSOM_SECRET_KEY="x" * 20 + "production-secret-key-for-the-deploy-check-0123456789",
        TIPSOM_ALLOWED_HOSTS="tipsom.example.org",
        TIPSOM_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="tipsom.settings",
    )
    return env


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tipsom.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_missing_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["TIPSOM_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "tipsom.cli", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "TIPSOM_SECRET_KEY" in result.stderr


def test_createorganization_command_validates_and_audits():
    call_command(
        "createorganization",
        "--name",
        "Comitê Nacional",
        "--type",
        "CentralGovernmentOrganisation",
        "--country",
        "BR",
        "--region",
        "BR-MT",
        "--function",
        "national_coordination",
        "--code",
        "br-conatrap",
        stdout=io.StringIO(),
    )
    from tipsom.organizations.models import Organization

    organization = Organization.objects.get(code="br-conatrap")
    assert organization.functions == ["national_coordination"]
    assert AuditEvent.objects.filter(action="organization.create", channel="command").exists()
    with pytest.raises(CommandError, match="country"):
        call_command("createorganization", "--name", "X", "--type", "NGO", "--country", "ZZ", stdout=io.StringIO())
    with pytest.raises(CommandError, match="region"):
        call_command(
            "createorganization",
            "--name",
            "Y",
            "--type",
            "NGO",
            "--country",
            "BR",
            "--region",
            "CO-ANT",
            stdout=io.StringIO(),
        )
    assert Organization.objects.count() == 1
