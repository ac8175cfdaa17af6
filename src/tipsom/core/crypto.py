"""Keyring, AES-256-GCM encryption of IDENTIFYING values and keyed (HMAC-SHA256) blind indexes.

The keyring is a JSON document kept outside the database, in a file (TIPSOM_KEYRING_FILE) or in the
TIPSOM_KEYRING environment variable:

    {"version": 1, "active": "k3f9a…", "keys": {"k3f9a…": "<base64 32 bytes>", …},
     "index_key": "<base64 32 bytes>"}

Every stored value names the key that sealed it, so old keys keep decrypting while `tipsom keys rotate`
re-encrypts rows under the new active key; a process that meets a key id it does not know reloads the file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "enc1"  # noqa: S105 (a format marker, not a secret)
NONCE_BYTES = 12


class KeyringError(ImproperlyConfigured):
    pass


class DecryptionError(ValueError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Keyring:
    active: str
    keys: dict[str, bytes]
    index_key: bytes
    source: str

    @classmethod
    def from_json(cls, text: str, source: str) -> Keyring:
        try:
            data = json.loads(text)
            keys = {kid: _unb64(value) for kid, value in data["keys"].items()}
            keyring = cls(active=data["active"], keys=keys, index_key=_unb64(data["index_key"]), source=source)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise KeyringError(f"The keyring in {source} is not valid: {exc}") from exc
        if keyring.active not in keyring.keys:
            raise KeyringError(f"The keyring in {source} names an active key it does not hold.")
        if any(len(key) != 32 for key in keyring.keys.values()) or len(keyring.index_key) != 32:
            raise KeyringError(f"The keyring in {source} holds a key that is not 256 bits long.")
        return keyring

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": 1,
                "active": self.active,
                "keys": {kid: _b64(key) for kid, key in self.keys.items()},
                "index_key": _b64(self.index_key),
            },
            indent=2,
        )

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.active]).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return f"{TOKEN_PREFIX}:{self.active}:{_b64(nonce + sealed)}"

    def decrypt(self, token: str, *, context: str) -> str:
        kid, payload = parse_token(token)
        key = self.keys.get(kid)
        if key is None:
            raise DecryptionError(f"Unknown key id {kid!r}.")
        raw = _unb64(payload)
        try:
            plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
        except InvalidTag as exc:
            raise DecryptionError("The value failed its integrity check (wrong key, column or tampering).") from exc
        return plain.decode("utf-8")


def parse_token(token: str) -> tuple[str, str]:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise DecryptionError("The stored value is not an encrypted tipsom value.")
    return parts[1], parts[2]


def new_key_id() -> str:
    return "k" + secrets.token_hex(6)


def generate_keyring() -> Keyring:
    kid = new_key_id()
    return Keyring(active=kid, keys={kid: AESGCM.generate_key(256)}, index_key=os.urandom(32), source="new")


# --- Loading ------------------------------------------------------------------------------------------------
_lock = threading.Lock()
_cached: Keyring | None = None
_cached_stamp: tuple[str, float] | None = None


def _source_stamp() -> tuple[str, float]:
    if settings.TIPSOM_KEYRING:
        return ("env", 0.0)
    path = Path(settings.TIPSOM_KEYRING_FILE)
    try:
        return (str(path), path.stat().st_mtime)
    except FileNotFoundError:
        return (str(path), -1.0)


_pinned: ContextVar[Keyring | None] = ContextVar("tipsom_keyring_pinned", default=None)
_index_memo: ContextVar[dict[tuple[str, str], str] | None] = ContextVar("tipsom_index_memo", default=None)


@contextmanager
def keyring_pinned() -> Iterator[Keyring]:
    """Within the block, encryption and blind indexes use the keyring as it was at its start, without looking at its
    file again: for a bulk write (a chunk of an import), where that look was a tenth of the time. A value sealed
    under a key the pinned keyring lacks still makes `decrypt` reload."""
    token = _pinned.set(get_keyring())
    memo = _index_memo.set({})  # the same words come back row after row: each is hashed once per block
    try:
        yield _pinned.get() or get_keyring()
    finally:
        _index_memo.reset(memo)
        _pinned.reset(token)


def get_keyring(*, reload: bool = False) -> Keyring:
    global _cached, _cached_stamp
    if not reload:
        pinned = _pinned.get()
        if pinned is not None:
            return pinned
    stamp = _source_stamp()
    with _lock:
        if _cached is not None and not reload and stamp == _cached_stamp:
            return _cached
        if settings.TIPSOM_KEYRING:
            keyring = Keyring.from_json(settings.TIPSOM_KEYRING, "TIPSOM_KEYRING")
        else:
            path = Path(settings.TIPSOM_KEYRING_FILE)
            if not path.exists():
                raise KeyringError(
                    f"No keyring at {path}. Create one with `tipsom keys init` "
                    "or point TIPSOM_KEYRING_FILE at the production keyring."
                )
            keyring = Keyring.from_json(path.read_text(encoding="utf-8"), str(path))
        _cached, _cached_stamp = keyring, stamp
        return keyring


def secret_file_write(path: Path, text: str) -> None:
    """Write a file of secrets (a keyring, the field form's keys): readable by its owner only (0600, in a 0700
    folder), synced, and replaced atomically, so that a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _write_keyring_file(path: Path, keyring: Keyring) -> None:
    secret_file_write(path, keyring.to_json())


def keyring_init() -> tuple[Keyring, bool]:
    """Create the keyring file if there is none. Returns the keyring and whether it was created."""
    if settings.TIPSOM_KEYRING:
        return get_keyring(), False
    path = Path(settings.TIPSOM_KEYRING_FILE)
    if path.exists():
        return get_keyring(), False
    keyring = generate_keyring()
    _write_keyring_file(path, keyring)
    return get_keyring(reload=True), True


def keyring_add_active_key() -> Keyring:
    """Add a fresh key and make it the active one; old keys stay so existing values still decrypt."""
    if settings.TIPSOM_KEYRING:
        raise KeyringError(
            "The keyring comes from TIPSOM_KEYRING; add a key in your secret store, then run "
            "`tipsom keys rotate --reencrypt-only`."
        )
    current = get_keyring(reload=True)
    kid = new_key_id()
    keyring = Keyring(
        active=kid,
        keys={**current.keys, kid: AESGCM.generate_key(256)},
        index_key=current.index_key,
        source=current.source,
    )
    _write_keyring_file(Path(settings.TIPSOM_KEYRING_FILE), keyring)
    return get_keyring(reload=True)


def encrypt(plaintext: str, *, context: str) -> str:
    return get_keyring().encrypt(plaintext, context=context)


def decrypt(token: str, *, context: str) -> str:
    keyring = get_keyring()
    kid, _ = parse_token(token)
    if kid not in keyring.keys:
        keyring = get_keyring(reload=True)  # another process may have rotated
    return keyring.decrypt(token, context=context)


def key_id_of(token: str) -> str:
    return parse_token(token)[0]


# --- Blind indexes ------------------------------------------------------------------------------------------
def normalize_for_index(value: str) -> str:
    """Case-, width- and spacing-insensitive form; script-aware matching keys live in the matching app."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(folded.split())


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed HMAC of the normalised value: equal inputs give equal indexes, and nothing reverses it."""
    memo = _index_memo.get()
    if memo is not None and (purpose, value) in memo:
        return memo[(purpose, value)]
    message = purpose.encode("utf-8") + b"\x00" + normalize_for_index(value).encode("utf-8")
    digest = hmac.new(get_keyring().index_key, message, hashlib.sha256).hexdigest()[:40]
    if memo is not None:
        memo[(purpose, value)] = digest
    return digest
