"""The transnational referral bundle: its format, and the cryptography that seals and opens it (no database).

A bundle is a JSON envelope. Its payload is encrypted to the receiving country's X25519 key with HPKE
(RFC 9180: DHKEM X25519, HKDF-SHA256, AES-256-GCM) whose `info` binds the header (bundle id, countries, dates,
sender key), and the whole envelope but the signature is signed with the sender country's Ed25519 key over its
canonical JSON: changing a header field or a byte of the ciphertext breaks the signature, and a header moved
onto another ciphertext breaks the decryption. The services (services/bundle.py) look the keys up and check, in
order, the receiver, the sender, the signature, the expiry and a repeated import before decrypting."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from tipsom.core.date_formats import format_datetime
from tipsom.core.errors import ApplicationError
from tipsom.core.jsontext import json_loads

FORMAT = "tipsom-referral-bundle/1"
MAX_BUNDLE_BYTES = 2 * 1024 * 1024
KEY_BYTES = 32
HEADER_FIELDS = ("format", "bundle_id", "sender_country", "receiver_country", "created_at", "expires_at", "sender_key")
_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def canonical(value: Any) -> bytes:
    """The one byte string a JSON value signs as: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def invalid(message: str) -> ApplicationError:
    return ApplicationError("bundle_invalid", message)


# Keys ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPairs:
    """A country's exchange keys, each half base64 of the raw 32 bytes."""

    signing_private: str
    signing_public: str
    encryption_private: str
    encryption_public: str


def generate_keys() -> KeyPairs:
    signing = Ed25519PrivateKey.generate()
    encryption = X25519PrivateKey.generate()
    return KeyPairs(
        signing_private=_b64(signing.private_bytes_raw()),
        signing_public=_b64(signing.public_key().public_bytes_raw()),
        encryption_private=_b64(encryption.private_bytes_raw()),
        encryption_public=_b64(encryption.public_key().public_bytes_raw()),
    )


def public_key_bytes(value: Any) -> bytes | None:
    """The raw 32 bytes of a base64 public key as an administrator pasted it; None when it is not one."""
    try:
        raw = _unb64(value.strip() if isinstance(value, str) else value)
    except (ValueError, binascii.Error):
        return None
    return raw if len(raw) == KEY_BYTES else None


def fingerprint(signing_public: str) -> str:
    """A short, stable name of a signing key, for the envelope and for administrators to compare by phone."""
    return hashlib.sha256(_unb64(signing_public)).hexdigest()[:32]


# Sealing ------------------------------------------------------------------------------------------------------


def _info(header: dict[str, Any]) -> bytes:
    """HPKE's context: the header, so a ciphertext cannot be moved under another bundle's header."""
    return FORMAT.encode("ascii") + b"\n" + canonical({name: header[name] for name in HEADER_FIELDS})


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def seal(
    *,
    payload: dict[str, Any],
    bundle_id: str,
    sender_country: str,
    receiver_country: str,
    created_at: datetime,
    expires_at: datetime,
    signing_private: str,
    signing_public: str,
    receiver_encryption_public: str,
) -> bytes:
    """The bundle's bytes: `payload` encrypted to the receiver, the envelope signed by the sender."""
    header = {
        "format": FORMAT,
        "bundle_id": str(bundle_id),
        "sender_country": sender_country,
        "receiver_country": receiver_country,
        "created_at": _stamp(created_at),
        "expires_at": _stamp(expires_at),
        "sender_key": fingerprint(signing_public),
    }
    plaintext = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode("utf-8")
    receiver = X25519PublicKey.from_public_bytes(_unb64(receiver_encryption_public))
    envelope = {**header, "ciphertext": _b64(_SUITE.encrypt(plaintext, receiver, info=_info(header)))}
    signer = Ed25519PrivateKey.from_private_bytes(_unb64(signing_private))
    envelope["signature"] = _b64(signer.sign(canonical(envelope)))
    return json.dumps(envelope, indent=1).encode("utf-8") + b"\n"


# Opening ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """A parsed bundle, not yet trusted: nothing in it may be used before `verify` passed."""

    fields: dict[str, Any]
    ciphertext: bytes
    signature: bytes

    @property
    def bundle_id(self) -> str:
        return self.fields["bundle_id"]

    @property
    def sender_country(self) -> str:
        return self.fields["sender_country"]

    @property
    def receiver_country(self) -> str:
        return self.fields["receiver_country"]

    @property
    def expires_at(self) -> datetime:
        return datetime.fromisoformat(self.fields["expires_at"])


def _country(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 2 and value.isascii() and value.isupper()


def parse(content: bytes) -> Envelope:
    """Read the envelope: size, JSON, format and the shape of every field. Refusals say what is wrong."""
    if len(content) > MAX_BUNDLE_BYTES:
        raise ApplicationError(
            "bundle_too_large",
            _("This file is larger than a referral bundle can be (%(limit)s MiB).")
            % {"limit": MAX_BUNDLE_BYTES // (1024 * 1024)},
        )
    try:
        data = json_loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise invalid(_("This file is not a referral bundle: it is not JSON text.")) from None
    if not isinstance(data, dict) or "format" not in data:
        raise invalid(_("This file is not a referral bundle: it has no format."))
    if data["format"] != FORMAT:
        raise ApplicationError(
            "bundle_format",
            _("This bundle has a format this tipsom does not read (%(format)s); it reads %(expected)s.")
            % {"format": str(data["format"])[:60], "expected": FORMAT},
        )
    expected = {*HEADER_FIELDS, "ciphertext", "signature"}
    if set(data) != expected or not all(isinstance(data[name], str) for name in expected):
        raise invalid(_("This referral bundle is incomplete or has unexpected fields."))
    if not _country(data["sender_country"]) or not _country(data["receiver_country"]):
        raise invalid(_("This referral bundle names its countries wrongly."))
    try:
        for name in ("created_at", "expires_at"):
            if datetime.fromisoformat(data[name]).tzinfo is None:
                raise ValueError(name)
        ciphertext, signature = _unb64(data["ciphertext"]), _unb64(data["signature"])
    except (ValueError, binascii.Error):
        raise invalid(_("This referral bundle is damaged: a date or an encoded part cannot be read.")) from None
    fields = {name: data[name] for name in HEADER_FIELDS}
    return Envelope(fields=fields, ciphertext=ciphertext, signature=signature)


def verify(envelope: Envelope, signing_public: str) -> None:
    """The signature over every field but itself, with the sender country's key as its administrators shared it."""
    signed = {**envelope.fields, "ciphertext": _b64(envelope.ciphertext)}
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(signing_public)).verify(envelope.signature, canonical(signed))
    except (InvalidSignature, ValueError):
        raise ApplicationError(
            "bundle_signature",
            _("This bundle was tampered with or signed with an unknown key; it was not imported."),
        ) from None


def check_expiry(envelope: Envelope, now: datetime) -> None:
    if envelope.expires_at < now:
        raise ApplicationError(
            "bundle_expired",
            _("This bundle expired on %(date)s; ask the sender for a new one.")
            % {"date": format_datetime(envelope.expires_at)},
        )


def open_payload(envelope: Envelope, encryption_private: str) -> dict[str, Any]:
    """Decrypt with this country's key; the header must be the one the sender sealed it under."""
    private = X25519PrivateKey.from_private_bytes(_unb64(encryption_private))
    try:
        plaintext = _SUITE.decrypt(envelope.ciphertext, private, info=_info(envelope.fields))
    except (InvalidTag, ValueError):
        raise ApplicationError(
            "bundle_decrypt",
            _("This bundle cannot be decrypted with this country's key: it was sealed for another key."),
        ) from None
    try:
        payload = json_loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        payload = None
    if not isinstance(payload, dict):
        raise invalid(_("This referral bundle's contents cannot be read."))
    return payload
