"""The RSA key pair field forms encrypt submissions to (ODK's encrypted forms): the public half goes into the
XLSForm's `public_key`, so ODK Collect or KoboToolbox encrypt each submission on the phone and the server that
relays it (ODK Central, Kobo) never holds it in clear; the private half decrypts what `tipsom intake pull` fetches.

Kept like the keyring (core.crypto), never in the database: a JSON file written atomically with mode 0600
(TIPSOM_FORM_KEY_FILE, by default form-key.json beside the keyring) or the JSON itself in TIPSOM_FORM_KEY:

    {"version": 1, "active": "<fingerprint>", "keys": {"<fingerprint>": "<PKCS#8 PEM>", ...}}

A new key becomes the active one; older keys stay, so submissions made with an older form still decrypt."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from tipsom.core.crypto import KeyringError, secret_file_write

KEY_BITS = 2048  # what ODK expects: the encrypted symmetric key is one 256-byte RSA block


@dataclass(frozen=True)
class FormKey:
    private_key: rsa.RSAPrivateKey

    @property
    def public_der(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def public_key_base64(self) -> str:
        """The form's `public_key`: base64 of the DER SubjectPublicKeyInfo, on one line."""
        return base64.b64encode(self.public_der).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.public_der).hexdigest()

    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")


@dataclass(frozen=True)
class FormKeys:
    active: str
    keys: dict[str, FormKey]
    source: str

    @property
    def current(self) -> FormKey:
        return self.keys[self.active]

    def to_json(self) -> str:
        return json.dumps(
            {"version": 1, "active": self.active, "keys": {fp: key.private_pem() for fp, key in self.keys.items()}},
            indent=2,
        )


def form_key_path() -> Path:
    configured = settings.TIPSOM_FORM_KEY_FILE
    return Path(configured) if configured else Path(settings.TIPSOM_KEYRING_FILE).parent / "form-key.json"


def _parse(text: str, source: str) -> FormKeys:
    try:
        data = json.loads(text)
        keys: dict[str, FormKey] = {}
        for pem in data["keys"].values():
            private = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
            if not isinstance(private, rsa.RSAPrivateKey) or private.key_size != KEY_BITS:
                raise ValueError("not a 2048-bit RSA private key")
            key = FormKey(private)
            keys[key.fingerprint] = key
        active = data["active"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyringError(f"The field form key in {source} is not valid: {exc}") from exc
    if active not in keys:
        raise KeyringError(f"The field form key in {source} names an active key it does not hold.")
    return FormKeys(active=active, keys=keys, source=source)


def form_keys() -> FormKeys:
    """The deployment's field form keys; KeyringError when there are none yet (`tipsom intake xlsform` makes them)."""
    if settings.TIPSOM_FORM_KEY:
        return _parse(settings.TIPSOM_FORM_KEY, "TIPSOM_FORM_KEY")
    path = form_key_path()
    if not path.exists():
        raise KeyringError(f"No field form key at {path}. `tipsom intake xlsform` creates one.")
    return _parse(path.read_text(encoding="utf-8"), str(path))


def _write(path: Path, keys: FormKeys) -> None:
    secret_file_write(path, keys.to_json())


def form_key_init(*, new: bool = False) -> tuple[FormKeys, bool]:
    """The keys, created when there are none (never overwritten). `new` adds a fresh active key to those there
    (older keys stay: submissions made with an older form still decrypt). Returns the keys and whether one was made."""
    if settings.TIPSOM_FORM_KEY:
        if new:
            raise KeyringError("The field form key comes from TIPSOM_FORM_KEY; add a key in your secret store.")
        return form_keys(), False
    path = form_key_path()
    existing: dict[str, FormKey] = {}
    if path.exists():
        if not new:
            return form_keys(), False
        existing = form_keys().keys
    key = FormKey(rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS))
    keys = FormKeys(active=key.fingerprint, keys={**existing, key.fingerprint: key}, source=str(path))
    _write(path, keys)
    return form_keys(), True
