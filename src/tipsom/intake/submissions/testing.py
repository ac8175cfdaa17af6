"""Test factories for field submissions (tests and bench/intake_submissions.py): realistic answers to tipsom's
identification form, the exports ODK Central, ODK Briefcase and KoboToolbox make of them (CSV with group paths,
XLSX, OData and Kobo JSON), and a submission encrypted as ODK Collect encrypts it."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import itertools
import json
import os
import random
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any
from xml.sax.saxutils import escape

from cryptography.hazmat.decrepit.ciphers.modes import CFB  # ODK's cipher mode (the spec's, not our choice)
from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from django.utils import timezone
from openpyxl import Workbook

from tipsom.intake.forms_xls.questions import form_questions
from tipsom.intake.models import FieldForm
from tipsom.intake.submissions.encrypted import OAEP

FIRST = ["Maria", "Ana", "Fatima", "Olena", "Sita", "Aisha", "Joana", "Khadija", "Iryna", "Bounmy"]
SECOND = ["Silva", "Souza", "Benali", "Kovalenko", "Shrestha", "Diallo", "Santos", "Alaoui", "Boyko", "Phommachanh"]


def form_layout() -> list[tuple[str, str]]:
    """(group or "", question name) of every question and calculation, in the form's order."""
    top, groups = form_questions(form_id="", version="")
    layout = [("", question.name) for question in top]
    for group in groups:
        layout += [(group.name, question.name) for question in group.questions]
    return layout


def submission_answers(form: FieldForm, *, number: int = 0, **overrides: str) -> dict[str, str]:
    """The answers of one plausible submission (by question name), the metadata included; `overrides` replace
    any of them ("" to leave one unanswered)."""
    rng = random.Random(number)  # noqa: S311 (synthetic data)
    today = timezone.localdate()
    identified = today - timedelta(days=rng.randint(0, 60))
    child = rng.random() < 0.2
    answers = {
        "start": f"{identified.isoformat()}T09:00:00.000+00:00",
        "end": f"{identified.isoformat()}T09:40:00.000+00:00",
        "today": identified.isoformat(),
        "deviceid": f"collect:{rng.randrange(10**12):012d}",
        "username": "enumerator1",
        "tipsom_FormId": form.form_id,
        "tipsom_FormVersion": form.version,
        "con_Consent": "yes",
        "prs_FirstName": f"{rng.choice(FIRST)}{number}",
        "prs_MiddleName": "",
        "prs_SecondName": rng.choice(SECOND),
        "prs_Gender": rng.choice(["Feminine", "Masculine"]),
        "tipsom_BirthDateKnown": "age" if child else "date",
        "prs_Birthdate": "" if child else (identified - timedelta(days=rng.randint(19 * 365, 45 * 365))).isoformat(),
        "tipsom_Age": str(rng.randint(12, 17)) if child else "",
        "tipsom_PresumedMinor": "",
        "tipsom_IsChild": "1" if child else "0",
        "prs_Citizenship": rng.choice(["BR", "PY", "BO", "BR PY"]),
        "prs_PrimaryLanguage": "por",
        "prs_SecondaryLanguage": rng.choice(["", "spa"]),
        "prs_MobilePhone": f"+55619{rng.randrange(10**8):08d}",
        "tipsom_CaseType": "tip",
        "tipsom_Acts": "recruitment harbouring",
        "vic_MethodsOfControl": rng.choice(["DebtBondage", "DebtBondage WithholdsDocuments", "FalsePromises"]),
        "vic_TypeOfExploitation": "ForcedLabour",
        "vic_ForcedLabourIndustry": rng.choice(["A_AgricultureForestryAndFishing", "F_Construction"]),
        "vic_TypeOfSexExploitation": "",
        "vic_MethodOfRecruitment": "",
        "vic_RelationshipToTrafficker": rng.choice(["", "Acquainted"]),
        "tipsom_SomVulnerabilities": "",
        "cco_CaseComment": "Trabalhava sem salário numa fazenda.",
        "tipsom_IdentifiedOn": identified.isoformat(),
        "tipsom_Region": "BR-MT" if form.country == "BR" else "",
        "tipsom_OriginCountry": "BR",
        "tipsom_TransitCountries": "",
        "tipsom_DestinationCountry": "",
        "tipsom_ConsentGivenBy": "guardian" if child else "person",
        "tipsom_ConsentReferral": "given",
        "spl_Type": "Health Legal",
        "tipsom_ConsentStatistics": "given",
        "tipsom_ConsentFollowUp": "refused",
        "instanceID": f"uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
    }
    answers.update(overrides)
    return answers


# --- Exports ----------------------------------------------------------------------------------------------------


def _path(group: str, name: str, separator: str) -> str:
    return f"{group}{separator}{name}" if group else name


def odk_csv(rows: Iterable[dict[str, str]], *, form: FieldForm) -> bytes:
    """An ODK Central (or Briefcase) CSV export: "group-field" headings, "meta-instanceID", "KEY" and Central's
    metadata columns."""
    layout = form_layout()
    headers = [
        "SubmissionDate",
        *[_path(group, name, "-") for group, name in layout],
        "meta-instanceID",
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [
                row.get("SubmissionDate", f"{row['today']}T10:00:00.000Z"),
                *[row.get(name, "") for _group, name in layout],
                row["instanceID"],
                row["instanceID"],
                "5",
                row.get("SubmitterName", "enumerator1"),
                "0",
                "0",
                "",
                row.get("ReviewState", ""),
                row["deviceid"],
                "0",
                form.version,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def kobo_records(rows: Iterable[dict[str, str]], *, form: FieldForm) -> Iterator[dict[str, Any]]:
    """KoboToolbox's records (API v2 data, or its JSON export): "group/field" keys and Kobo's metadata."""
    layout = form_layout()
    for number, row in enumerate(rows, start=1):
        record: dict[str, Any] = {"_id": number}
        record.update({_path(group, name, "/"): row.get(name, "") for group, name in layout if row.get(name, "")})
        record.update(
            {
                "meta/instanceID": row["instanceID"],
                "_uuid": row["instanceID"].removeprefix("uuid:"),
                "_submission_time": row.get("SubmissionDate", f"{row['today']}T10:00:00"),
                "_submitted_by": row.get("SubmitterName", "enumerator1"),
                "__version__": "vKoboAssetVersion1",
                "_xform_id_string": form.form_id,
                "_validation_status": {},
                "_attachments": [],
            }
        )
        yield record


def kobo_json(rows: Iterable[dict[str, str]], *, form: FieldForm) -> bytes:
    records = list(kobo_records(rows, form=form))
    return json.dumps({"count": len(records), "next": None, "previous": None, "results": records}).encode()


def odata_records(rows: Iterable[dict[str, str]], *, form: FieldForm) -> Iterator[dict[str, Any]]:
    """ODK Central's OData rows: groups nested, "__id" and "__system"."""
    layout = form_layout()
    for row in rows:
        record: dict[str, Any] = {"__id": row["instanceID"]}
        for group, name in layout:
            value: Any = row.get(name, "") or None
            if group:
                record.setdefault(group, {})[name] = value
            else:
                record[name] = value
        record["meta"] = {"instanceID": row["instanceID"]}
        record["__system"] = {
            "submissionDate": row.get("SubmissionDate", f"{row['today']}T10:00:00.000Z"),
            "updatedAt": None,
            "submitterId": "5",
            "submitterName": row.get("SubmitterName", "enumerator1"),
            "attachmentsPresent": 0,
            "attachmentsExpected": 0,
            "status": None,
            "reviewState": row.get("ReviewState") or None,
            "deviceId": row["deviceid"],
            "edits": 0,
            "formVersion": form.version,
        }
        yield record


def odata_json(rows: Iterable[dict[str, str]], *, form: FieldForm) -> bytes:
    records = list(odata_records(rows, form=form))
    return json.dumps({"@odata.context": "https://central.example/v1/$metadata", "value": records}).encode()


def xlsx_export(rows: Iterable[dict[str, str]], *, form: FieldForm) -> bytes:
    """KoboToolbox's XLSX export: "group/field" headings and Kobo's metadata columns."""
    layout = form_layout()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("tipsom")
    headers = [_path(group, name, "/") for group, name in layout]
    sheet.append([*headers, "meta/instanceID", "_uuid", "_submission_time", "_submitted_by", "__version__"])
    for row in rows:
        sheet.append(
            [
                *[row.get(name, "") for _group, name in layout],
                row["instanceID"],
                row["instanceID"].removeprefix("uuid:"),
                f"{row['today']}T10:00:00",
                "enumerator1",
                "vKoboAssetVersion1",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- An encrypted submission, as ODK Collect makes it -----------------------------------------------------------


def submission_xml(answers: dict[str, str], *, form: FieldForm) -> bytes:
    """The submission XML the phone writes: groups as elements, the meta block with the instance id."""
    parts = [f'<data id="{escape(form.form_id)}" version="{escape(form.version)}">']
    current = ""
    for group, name in form_layout():
        if group != current:
            if current:
                parts.append(f"</{current}>")
            if group:
                parts.append(f"<{group}>")
            current = group
        parts.append(f"<{name}>{escape(answers.get(name, ''))}</{name}>")
    if current:
        parts.append(f"</{current}>")
    parts.append(f"<meta><instanceID>{escape(answers['instanceID'])}</instanceID></meta></data>")
    return "".join(parts).encode("utf-8")


def _public_key(form: FieldForm) -> rsa.RSAPublicKey:
    from tipsom.intake.forms_xls.keys import form_keys

    key = form_keys().keys[form.key_fingerprint].private_key.public_key()
    assert isinstance(key, rsa.RSAPublicKey)  # noqa: S101 (a test factory)
    return key


def encrypted_submission(
    xml: bytes, *, form: FieldForm, instance_id: str, public_der: bytes | None = None
) -> tuple[bytes, bytes]:
    """(manifest XML, submission.xml.enc) as ODK Collect sends an encrypted submission: a fresh AES-256 key
    encrypted to the form's RSA key (OAEP SHA-256), the XML in AES-CFB with PKCS#7 padding and the spec's IV, and
    the manifest's signature."""
    public = serialization.load_der_public_key(public_der) if public_der is not None else _public_key(form)
    assert isinstance(public, rsa.RSAPublicKey)  # noqa: S101 (a test factory)
    key = os.urandom(32)
    sealed_key = base64.b64encode(public.encrypt(key, OAEP)).decode("ascii")
    seed = bytearray(hashlib.md5(instance_id.encode("utf-8") + key).digest())  # noqa: S324 (the spec's IV)
    seed[0] = (seed[0] + 1) % 256
    padder = padding.PKCS7(128).padder()
    padded = padder.update(xml) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), CFB(bytes(seed))).encryptor()
    sealed_xml = encryptor.update(padded) + encryptor.finalize()
    lines = [form.form_id, form.version, sealed_key, instance_id, f"submission.xml::{hashlib.md5(xml).hexdigest()}"]  # noqa: S324
    digest = hashlib.md5(("\n".join(lines) + "\n").encode("utf-8")).digest()  # noqa: S324 (the spec's signature)
    signature = base64.b64encode(public.encrypt(digest, OAEP)).decode("ascii")
    manifest = (
        f'<data xmlns="http://opendatakit.org/submissions" id="{escape(form.form_id)}" encrypted="yes" '
        f'version="{escape(form.version)}"><base64EncryptedKey>{sealed_key}</base64EncryptedKey>'
        f"<encryptedXmlFile>submission.xml.enc</encryptedXmlFile>"
        f"<base64EncryptedElementSignature>{signature}</base64EncryptedElementSignature>"
        f'<meta xmlns="http://openrosa.org/xforms"><instanceID>{escape(instance_id)}</instanceID></meta></data>'
    )
    return manifest.encode("utf-8"), sealed_xml


_numbers = itertools.count(10_000)


def make_submission(
    organization: Any, *, form: FieldForm | None = None, number: int | None = None, **overrides: str
) -> Any:
    """A PENDING submission of `organization`, its draft read from generated answers as an import reads them."""
    import json as json_module

    from tipsom.intake.models import Submission
    from tipsom.intake.submissions.answers import Columns
    from tipsom.intake.submissions.draft import DraftBuilder

    form = form or FieldForm.objects.filter(country=organization.country).order_by("-published_at").first()
    if form is None:
        raise ValueError("publish the country's form first")
    answers = submission_answers(form, number=next(_numbers) if number is None else number, **overrides)
    columns = Columns.of(list(answers))
    values = columns.answers(answers)
    checked = DraftBuilder(organization.country).build(values, columns)
    if checked.errors:
        raise ValueError(f"the generated answers are not valid: {checked.errors}")
    return Submission.objects.create(
        owner_organization=organization,
        country=organization.country,
        instance_id=answers["instanceID"],
        form_id=form.form_id,
        form_version=form.version,
        submitted_at=timezone.now(),
        submitter=answers["username"],
        answers=json_module.dumps(values),
        registration=json_module.dumps(checked.registration),
    )
