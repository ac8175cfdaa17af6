"""Opening a submission encrypted on the phone (ODK's encrypted forms, getodk.github.io/xforms-spec/encryption):
the server that relays it (ODK Central with a self-supplied key, KoboToolbox) holds only a manifest and the
encrypted files; the deployment's private form key (tipsom.intake.forms_xls.keys) opens them here.

- The manifest names the form, its version, the instance id, the AES key encrypted to the form's RSA key
  (RSA-OAEP with SHA-256, MGF1 with SHA-256), the encrypted media files and the encrypted submission XML.
- Each file is AES-256-CFB with PKCS#7 padding; the initialisation vectors come from an MD5 of the instance id
  and the AES key, one byte moved on per file, in the manifest's order (media first, the XML last).
- The manifest's signature (the MD5 of the form id, version, encrypted key, instance id and each file's name and
  MD5, encrypted to the same key) is checked: a manifest or file changed on the way is refused.

The decrypted XML becomes a flat record ("person/prs_FirstName": text), as tipsom.intake.files reads a JSON export.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.decrepit.ciphers.modes import CFB  # ODK's cipher mode (the spec's, not our choice)
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from defusedxml import ElementTree  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from tipsom.core.errors import ApplicationError
from tipsom.intake.forms_xls.keys import FormKeys

OAEP = rsa_padding.OAEP(mgf=rsa_padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
MAX_XML_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Manifest:
    """What the phone sends in clear beside an encrypted submission."""

    form_id: str
    version: str
    instance_id: str
    encrypted_key: str  # base64
    media: tuple[str, ...]
    xml_file: str
    signature: str  # base64, "" when absent


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _undecryptable(reason: str = "") -> ApplicationError:
    return ApplicationError(
        "undecryptable",
        reason or _("This submission cannot be decrypted with this deployment's form key (another key, or damaged)."),
    )


def manifest_of(xml: bytes) -> Manifest | None:
    """The manifest of an encrypted submission; None when the XML is a submission in clear."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise _undecryptable(_("The submission's XML cannot be read.")) from error
    if root.get("encrypted") != "yes":
        return None
    media: list[str] = []
    values: dict[str, str] = {}
    instance_id = ""
    for child in root:
        name = _local(child.tag)
        if name == "media":
            media += [(item.text or "").strip() for item in child if _local(item.tag) == "file"]
        elif name == "meta":
            instance_id = next(((item.text or "").strip() for item in child if _local(item.tag) == "instanceID"), "")
        else:
            values[name] = (child.text or "").strip()
    if not values.get("base64EncryptedKey") or not values.get("encryptedXmlFile") or not instance_id:
        raise _undecryptable(_("The encrypted submission's manifest is incomplete."))
    return Manifest(
        form_id=root.get("id", ""),
        version=root.get("version", ""),
        instance_id=instance_id,
        encrypted_key=values["base64EncryptedKey"],
        media=tuple(media),
        xml_file=values["encryptedXmlFile"],
        signature=values.get("base64EncryptedElementSignature", ""),
    )


def _rsa_open(keys: FormKeys, sealed: bytes) -> tuple[Any, bytes]:
    """(the key that opened it, the plaintext), trying the active key first, then older ones."""
    ordered = [keys.current, *[key for fp, key in keys.keys.items() if fp != keys.active]]
    for key in ordered:
        try:
            return key, key.private_key.decrypt(sealed, OAEP)
        except ValueError:
            continue
    raise _undecryptable()


def _ivs(instance_id: str, key: bytes, count: int) -> list[bytes]:
    seed = bytearray(hashlib.md5(instance_id.encode("utf-8") + key).digest())  # noqa: S324 (the spec's IV seed)
    ivs = []
    for index in range(count):
        seed[index % 16] = (seed[index % 16] + 1) % 256
        ivs.append(bytes(seed))
    return ivs


def _aes_open(key: bytes, iv: bytes, data: bytes) -> bytes:
    decryptor = Cipher(algorithms.AES(key), CFB(iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as error:
        raise _undecryptable() from error


def _signature_text(manifest: Manifest, originals: list[tuple[str, bytes]]) -> bytes:
    lines = [manifest.form_id]
    if manifest.version:
        lines.append(manifest.version)
    lines += [manifest.encrypted_key, manifest.instance_id]
    lines += [f"{name}::{hashlib.md5(content).hexdigest()}" for name, content in originals]  # noqa: S324 (spec)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _original_name(name: str) -> str:
    return name[: -len(".enc")] if name.endswith(".enc") else name


def submission_decrypt(*, manifest: Manifest, files: Mapping[str, bytes], keys: FormKeys) -> bytes:
    """The submission's XML in clear. `files` holds the encrypted files by the names the manifest gives (the XML,
    and the media, which are decrypted for the signature and then dropped: the form asks for none)."""
    try:
        sealed_key = base64.b64decode(manifest.encrypted_key, validate=True)
    except (binascii.Error, ValueError) as error:
        raise _undecryptable() from error
    form_key, key = _rsa_open(keys, sealed_key)
    if len(key) != 32:
        raise _undecryptable()
    names = [*manifest.media, manifest.xml_file]
    missing = [name for name in names if name not in files]
    if missing:
        raise _undecryptable(_("The encrypted submission lacks its file %(name)s.") % {"name": missing[0][:100]})
    ivs = _ivs(manifest.instance_id, key, len(names))
    originals = [(_original_name(name), _aes_open(key, iv, files[name])) for name, iv in zip(names, ivs, strict=True)]
    if manifest.signature:
        try:
            signed = form_key.private_key.decrypt(base64.b64decode(manifest.signature, validate=True), OAEP)
        except (binascii.Error, ValueError) as error:
            raise _undecryptable(_("The encrypted submission's signature does not hold: it was changed.")) from error
        expected = hashlib.md5(_signature_text(manifest, originals)).digest()  # noqa: S324 (the spec's signature)
        if not hmac.compare_digest(signed, expected):
            raise _undecryptable(_("The encrypted submission's signature does not hold: it was changed."))
    xml = originals[-1][1]
    if len(xml) > MAX_XML_BYTES:
        raise _undecryptable(_("The submission's XML is too large."))
    return xml


def xml_record(xml: bytes) -> dict[str, str]:
    """A submission's XML as a flat record: "group/field" -> text (a repeat's second entry is not read: the form
    has none)."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise _undecryptable(_("The submission's XML cannot be read.")) from error
    record: dict[str, str] = {}

    def walk(element: Any, prefix: str) -> None:
        for child in element:
            path = f"{prefix}{_local(child.tag)}"
            if len(child):
                walk(child, f"{path}/")
            else:
                record.setdefault(path, (child.text or "").strip())

    walk(root, "")
    return record
