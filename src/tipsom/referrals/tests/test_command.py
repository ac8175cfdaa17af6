"""`tipsom referral`: keys, partner countries, bundles and the tick; and the issue's "done when": a bundle exported
for another country imports on a second tipsom database, run as that deployment's own commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tipsom.accounts.testing import make_user
from tipsom.organizations.testing import make_organization
from tipsom.referrals.models import ExchangeKey, ExchangePeer, Referral, State
from tipsom.referrals.services import referral_send
from tipsom.referrals.tests.bundle_fixtures import counts, make_case, make_world

pytestmark = pytest.mark.django_db


def _call(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("referral", *args, stdout=out)
    return out.getvalue()


def test_keys_create_prints_the_public_halves_only(db: Any) -> None:
    printed = json.loads(_call("keys", "--country", "ua", "--create"))
    key = ExchangeKey.objects.get(country="UA")
    assert printed["signing_public"] == key.signing_public and printed["country"] == "UA"
    assert key.signing_private not in json.dumps(printed) and key.encryption_private not in json.dumps(printed)
    assert json.loads(_call("keys", "--country", "UA")) == printed  # without --create: the same keys
    with pytest.raises(CommandError, match="exist already"):
        _call("keys", "--country", "UA", "--create")
    with pytest.raises(CommandError, match="no exchange keys for MD"):
        _call("keys", "--country", "MD")


def test_peer_add_from_file_or_arguments(db: Any, tmp_path: Path) -> None:
    keys = json.loads(_call("keys", "--country", "UA", "--create"))
    path = tmp_path / "ua.json"
    path.write_text(json.dumps(keys))
    assert "Added" in _call("peer-add", "--file", str(path))
    assert ExchangePeer.objects.get(country="UA").encryption_public == keys["encryption_public"]
    before = counts()
    with pytest.raises(CommandError, match="32 bytes in base64"):
        _call(
            "peer-add",
            "--country",
            "MD",
            "--name",
            "Moldova",
            "--signing-public",
            "abc",
            "--encryption-public",
            keys["encryption_public"],
        )
    with pytest.raises(CommandError, match="Missing: name"):
        _call("peer-add", "--country", "MD", "--signing-public", "abc", "--encryption-public", "x")
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read the keys file"):
        _call("peer-add", "--file", str(path))
    assert counts() == before


def test_export_and_import_by_command_in_one_database(db: Any, tmp_path: Path) -> None:
    world = make_world()
    out = tmp_path / "r.tipsom-bundle"
    before = counts()
    with pytest.raises(CommandError, match="goes to UA, not to MD"):
        _call("export-bundle", str(world.referral.pk), "--to", "MD", "--user", world.sender.username, "--out", str(out))
    with pytest.raises(CommandError, match="No active user"):
        _call("export-bundle", str(world.referral.pk), "--to", "UA", "--user", "nobody", "--out", str(out))
    assert counts() == before and not out.exists()
    _call("export-bundle", str(world.referral.pk), "--to", "UA", "--user", world.sender.username, "--out", str(out))
    printed = _call("import-bundle", str(out), "--user", world.importer.username)
    imported = Referral.objects.get(channel="from_abroad")
    assert f"Imported referral {imported.pk} from BR" in printed
    before = counts()
    with pytest.raises(CommandError, match="imported already"):
        _call("import-bundle", str(out), "--user", world.importer.username)
    with pytest.raises(CommandError, match="Cannot read"):
        _call("import-bundle", str(tmp_path / "missing"), "--user", world.importer.username)
    assert counts() == before


def test_tick_expires_late_referrals(db: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    world = make_world(channel="letter")
    Referral.objects.filter(pk=world.referral.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert _call("tick").split() == ["expired:", "1", "overdue:", "0"]
    assert Referral.objects.get(pk=world.referral.pk).state == State.EXPIRED


# The second deployment ---------------------------------------------------------------------------------------


def _second(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tipsom.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.args, result.stdout, result.stderr)
    return result.stdout


@pytest.mark.slow
def test_a_bundle_for_another_country_imports_on_a_second_database(db: Any, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIPSOM_", "PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        TIPSOM_DATABASE_URL=f"sqlite:///{tmp_path / 'second.sqlite3'}",
        TIPSOM_KEYRING_FILE=str(tmp_path / "keys" / "keyring.json"),
        TIPSOM_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="tipsom.settings",
    )
    # Ukraine's deployment: its keyring, its database, its exchange keys, an organization and a case manager.
    _ok(_second(env, "keys", "init"))
    _ok(_second(env, "migrate", "--noinput"))
    ua_keys = tmp_path / "ua.json"
    ua_keys.write_text(_ok(_second(env, "referral", "keys", "--country", "UA", "--create")))
    _ok(
        _second(
            env,
            "createorganization",
            "--name",
            "Kyiv Shelter",
            "--type",
            "NGO",
            "--country",
            "UA",
            "--code",
            "kyiv-shelter",
        )
    )
    password = "correct horse battery staple\n"
    _ok(
        _second(
            env,
            "createuser",
            "--username",
            "olha",
            "--full-name",
            "Olha Shevchenko",
            "--organization",
            "kyiv-shelter",
            "--role",
            "case_manager",
            "--password-stdin",
            stdin=password,
        )
    )

    # Brazil's deployment (the test database) knows Ukraine's public keys; Ukraine's learns Brazil's.
    _call("keys", "--country", "BR", "--create")
    _call("peer-add", "--file", str(ua_keys))
    br_keys = tmp_path / "br.json"
    br_keys.write_text(_call("keys", "--country", "BR"))
    _ok(_second(env, "referral", "peer-add", "--file", str(br_keys)))

    organization = make_organization("BR", name="Abrigo Esperança")
    sender = make_user(organization, roles=("case_manager",))
    case = make_case(organization, sender)
    referral = referral_send(
        actor=sender,
        case_id=case.pk,
        channel="abroad",
        service_type="shelter",
        recipient="Kyiv Shelter",
        partner_country="UA",
        urgency="emergency",
        sections=["identity"],
        message="Arrives on flight PS 222.",
    )
    bundle = tmp_path / "referral.tipsom-bundle"
    _call("export-bundle", str(referral.pk), "--to", "UA", "--user", sender.username, "--out", str(bundle))

    imported = _ok(_second(env, "referral", "import-bundle", str(bundle), "--user", "olha"))
    assert "Imported referral 1 from BR for olha" in imported

    envelope = json.loads(bundle.read_bytes())
    envelope["receiver_country"], envelope["sender_country"] = "UA", "BR"
    envelope["bundle_id"] = "00000000-0000-4000-8000-000000000000"  # a "new" bundle, header changed
    tampered = tmp_path / "tampered.tipsom-bundle"
    tampered.write_text(json.dumps(envelope))
    refused = _second(env, "referral", "import-bundle", str(tampered), "--user", "olha")
    assert refused.returncode != 0
    assert "tampered with or signed with an unknown key" in refused.stderr
    again = _second(env, "referral", "import-bundle", str(bundle), "--user", "olha")
    assert again.returncode != 0 and "imported already" in again.stderr
