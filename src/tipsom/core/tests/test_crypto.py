"""Encryption at rest: AES-256-GCM values, key ids, column binding, blind indexes, rotation."""

import json

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from tipsom.accounts.models import User
from tipsom.audit.keys import keys_rotate
from tipsom.core import crypto
from tipsom.organizations.models import Organization


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (fixed names)
        return cursor.fetchone()[0]


def test_value_is_sealed_with_fresh_nonce_and_key_id(organization):
    first = crypto.encrypt("Rua das Flores 12", context="t.c")
    second = crypto.encrypt("Rua das Flores 12", context="t.c")
    assert first != second
    assert first.startswith(f"enc1:{crypto.get_keyring().active}:")
    assert crypto.decrypt(first, context="t.c") == "Rua das Flores 12"


def test_value_moved_to_another_column_does_not_decrypt():
    token = crypto.encrypt("+5511999990000", context="accounts_user.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="organizations_organization.street_address")


def test_tampered_value_fails_integrity_check():
    token = crypto.encrypt("secret", context="t.c")
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, context="t.c")


def test_encrypted_field_round_trip_and_nothing_plain_in_column(user_factory, organization):
    user = user_factory(organization, phone="+5565999887766")
    raw = _raw("accounts_user", "phone", user.pk)
    assert "999887766" not in raw and raw.startswith("enc1:")
    assert User.objects.get(pk=user.pk).phone == "+5565999887766"


def test_encrypted_field_refuses_equality_lookups(db):
    with pytest.raises(FieldError, match="blind index"):
        list(Organization.objects.filter(street_address="Rua X"))


def test_blind_index_is_keyed_normalised_and_purpose_bound(settings, tmp_path):
    a = crypto.blind_index("  Maria   da SILVA ", purpose="name")
    assert a == crypto.blind_index("maria da silva", purpose="name")
    assert a != crypto.blind_index("maria da silva", purpose="phone")
    assert "maria" not in a
    other = tmp_path / "other.json"
    other.write_text(crypto.generate_keyring().to_json())
    settings.TIPSOM_KEYRING_FILE = other
    assert crypto.blind_index("maria da silva", purpose="name") != a


def test_missing_or_broken_keyring_is_a_clear_error(settings, tmp_path):
    settings.TIPSOM_KEYRING_FILE = tmp_path / "absent.json"
    with pytest.raises(crypto.KeyringError, match="tipsom keys init"):
        crypto.get_keyring()
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"active": "k1", "keys": {"k1": "c2hvcnQ"}, "index_key": "c2hvcnQ"}))
    settings.TIPSOM_KEYRING_FILE = broken
    with pytest.raises(crypto.KeyringError, match="256 bits"):
        crypto.get_keyring()


def test_keyring_from_environment(settings):
    settings.TIPSOM_KEYRING = crypto.generate_keyring().to_json()
    token = crypto.encrypt("x", context="t.c")
    assert crypto.decrypt(token, context="t.c") == "x"
    with pytest.raises(crypto.KeyringError, match="secret store"):
        crypto.keyring_add_active_key()


@pytest.mark.django_db
def test_rotation_reencrypts_every_value_and_old_values_stay_readable(settings, tmp_path, user_factory):
    settings.TIPSOM_KEYRING_FILE = tmp_path / "keyring.json"
    crypto.keyring_init()
    old_key = crypto.get_keyring().active
    organization = Organization.objects.create(
        name="Casa Abrigo", code="casa", type="NGO", country="BR", street_address="Rua Secreta 7"
    )
    users = [user_factory(organization, phone=f"+55659990000{i}") for i in range(3)]
    assert crypto.key_id_of(_raw("accounts_user", "phone", users[0].pk)) == old_key

    report = keys_rotate()

    assert report.active_key != old_key
    assert report.values >= 4
    for user in users:
        assert crypto.key_id_of(_raw("accounts_user", "phone", user.pk)) == report.active_key
    assert crypto.key_id_of(_raw("organizations_organization", "street_address", organization.pk)) == report.active_key
    assert Organization.objects.get(pk=organization.pk).street_address == "Rua Secreta 7"
    assert set(crypto.get_keyring().keys) == {old_key, report.active_key}
