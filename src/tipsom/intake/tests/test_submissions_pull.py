"""`tipsom intake pull` (issue 14, item 5) against STAND-INS for the real servers: a small local HTTP server (in a
thread of the test process) that answers the documented API shapes of ODK Central (POST /v1/sessions for a token;
the form's OData Submissions table with $top/$skip/$count/$filter; a submission's XML and its attachments) and of
KoboToolbox's API v2 (/api/v2/assets/<uid>/data/ with limit/start/query and a `next` link; a record as XML; its
attachments' download URLs). It is not ODK Central or Kobo: it holds a few submissions, encrypted on the "phone"
with the deployment's public form key exactly as ODK Collect does (tipsom.intake.submissions.testing), and checks
the credentials. pyodk and requests talk to it over real HTTP.

Only new instance ids are created: a second pull creates nothing, and a submission added on the server since
comes in alone."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlparse

import pytest
from django.core.management import call_command
from django.test import override_settings

from tipsom.core.errors import ApplicationError
from tipsom.intake import pull
from tipsom.intake.models import ImportJob, Submission
from tipsom.intake.submissions.services import submission_registration
from tipsom.intake.submissions.testing import (
    encrypted_submission,
    kobo_records,
    odata_records,
    submission_answers,
    submission_xml,
)
from tipsom.intake.tests.submission_support import identifier
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db
TOKEN = "stand-in-session-token"  # noqa: S105 (a test server's)
KOBO_TOKEN = "stand-in-kobo-token"  # noqa: S105
PROJECT = 7


@dataclass
class Held:
    """One submission as the stand-in server holds it."""

    answers: dict[str, str]
    record: dict[str, Any]  # the OData row or the Kobo record as the API lists it
    xml: bytes  # the submission's XML as the API serves it: the manifest when encrypted
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class StandIn:
    """The state of the stand-in server and what it was asked."""

    odk: list[Held] = field(default_factory=list)
    kobo: list[Held] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    url: str = ""


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, value: Any) -> None:
            self._send(status, json.dumps(value).encode())

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            state.requests.append(f"POST {self.path}")
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path == "/v1/sessions":
                if body.get("email") == "collector@example.org" and body.get("password") == "right":
                    self._json(200, {"token": TOKEN, "expiresAt": "2099-01-01T00:00:00Z"})
                else:
                    self._json(401, {"code": 401.2, "message": "Could not authenticate with the provided credentials."})
                return
            self._json(404, {"code": 404.1, "message": "Not found."})

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            state.requests.append(f"GET {self.path}")
            parsed = urlparse(self.path)
            query = {key: values[0] for key, values in parse_qs(parsed.query).items()}
            if parsed.path.startswith("/v1/"):
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._json(401, {"code": 401.2, "message": "Not authenticated."})
                    return
                self._odk(parsed.path, query)
            elif parsed.path.startswith("/api/v2/") or parsed.path.startswith("/media/"):
                if self.headers.get("Authorization") != f"Token {KOBO_TOKEN}":
                    self._json(401, {"detail": "Authentication credentials were not provided."})
                    return
                self._kobo(parsed.path, query)
            else:
                self._json(404, {})

        # ODK Central: /v1/projects/<id>/forms/<form>.svc/Submissions and /submissions/<instance>[.xml|/attachments/x]
        def _odk(self, path: str, query: dict[str, str]) -> None:
            base = f"/v1/projects/{PROJECT}/forms/tipsom_identification_br"
            if path == f"{base}.svc/Submissions":
                rows = [held.record for held in state.odk]
                since = re.match(r"__system/submissionDate ge (\S+)", query.get("$filter", ""))
                if since:
                    rows = [row for row in rows if row["__system"]["submissionDate"] >= since.group(1)]
                skip, top = int(query.get("$skip", 0)), int(query.get("$top", 1000))
                page: dict[str, Any] = {"@odata.context": f"{state.url}{base}.svc/$metadata#Submissions"}
                if query.get("$count") == "true":
                    page["@odata.count"] = len(rows)
                page["value"] = rows[skip : skip + top]
                self._json(200, page)
                return
            found = re.fullmatch(rf"{base}/submissions/([^/]+?)(\.xml|/attachments/(.+))", path)
            held = next((h for h in state.odk if found and h.answers["instanceID"] == unquote(found.group(1))), None)
            if held is None or found is None:
                self._json(404, {"code": 404.1, "message": "Could not find the resource you were looking for."})
            elif found.group(2) == ".xml":
                self._send(200, held.xml, "application/xml")
            elif found.group(3) in held.files:
                self._send(200, held.files[found.group(3)], "application/octet-stream")
            else:
                self._json(404, {"code": 404.1, "message": "Could not find the attachment."})

        # KoboToolbox v2: /api/v2/assets/<uid>/data/ (json, paged), /data/<id>/?format=xml, /media/<file>
        def _kobo(self, path: str, query: dict[str, str]) -> None:
            base = "/api/v2/assets/aStandInAsset/data/"
            if path == base:
                records = [held.record for held in state.kobo]
                if "query" in query:
                    since = json.loads(query["query"])["_submission_time"]["$gte"]
                    records = [record for record in records if record["_submission_time"] >= since]
                start, limit = int(query.get("start", 0)), min(int(query.get("limit", 30000)), 30000)
                following = None
                if start + limit < len(records):
                    following = f"{state.url}{base}?" + urlencode({**query, "start": start + limit, "limit": limit})
                self._json(
                    200,
                    {
                        "count": len(records),
                        "next": following,
                        "previous": None,
                        "results": records[start : start + limit],
                    },
                )
                return
            found = re.fullmatch(rf"{base}(\d+)/", path)
            if found and query.get("format") == "xml":
                held = next((h for h in state.kobo if h.record["_id"] == int(found.group(1))), None)
                if held is not None:
                    self._send(200, held.xml, "application/xml")
                    return
            media = re.fullmatch(r"/media/(\d+)/(.+)", path)
            if media:
                held = next((h for h in state.kobo if h.record["_id"] == int(media.group(1))), None)
                if held is not None and media.group(2) in held.files:
                    self._send(200, held.files[media.group(2)], "application/octet-stream")
                    return
            self._json(404, {"detail": "Not found."})

    return Handler


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    state = StandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    servers = {
        "TIPSOM_ODK_URL": state.url,
        "TIPSOM_ODK_USER": "collector@example.org",
        "TIPSOM_ODK_PASSWORD": "right",
        "TIPSOM_ODK_PROJECT": PROJECT,
        "TIPSOM_KOBO_URL": state.url,
        "TIPSOM_KOBO_TOKEN": KOBO_TOKEN,
        "TIPSOM_KOBO_ASSET": "aStandInAsset",
    }
    try:
        with override_settings(**servers):
            yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def user(field_form: Any) -> Any:
    return identifier(make_organization("BR", name="Inspeção do Trabalho (test)"))


def put_on_odk(state: StandIn, form: Any, number: int, *, encrypted: bool = True, day: int = 1) -> dict[str, str]:
    """A submission as Central holds it: encrypted (its OData row carries only metadata) or in clear."""
    answers = submission_answers(form, number=number, SubmissionDate=f"2026-11-{day:02d}T10:00:00.000Z")
    [row] = odata_records([answers], form=form)
    xml = submission_xml(answers, form=form)
    held = Held(answers=answers, record=row, xml=xml)
    if encrypted:
        manifest, sealed = encrypted_submission(xml, form=form, instance_id=answers["instanceID"])
        held.xml, held.files = manifest, {"submission.xml.enc": sealed}
        held.record = {
            "__id": row["__id"],
            "__system": {**row["__system"], "status": "notDecrypted", "attachmentsPresent": 1},
            "meta": {"instanceID": row["__id"]},
        }
    state.odk.append(held)
    return answers


def put_on_kobo(state: StandIn, form: Any, number: int, *, day: int = 1) -> dict[str, str]:
    """A submission as Kobo holds an encrypted one: its manifest's fields, and the encrypted file as attachment."""
    answers = submission_answers(form, number=number, SubmissionDate=f"2026-11-{day:02d}T10:00:00")
    [record] = kobo_records([answers], form=form)
    record_id = len(state.kobo) + 100
    xml = submission_xml(answers, form=form)
    manifest, sealed = encrypted_submission(xml, form=form, instance_id=answers["instanceID"])
    listed = {
        "_id": record_id,
        "formhub/uuid": "b1b2",
        "meta/instanceID": answers["instanceID"],
        "base64EncryptedKey": "…",
        "encryptedXmlFile": "submission.xml.enc",
        "_uuid": record["_uuid"],
        "_submission_time": record["_submission_time"],
        "_submitted_by": "enumerator2",
        "_xform_id_string": form.form_id,
        "__version__": "vKoboAssetVersion1",
        "_validation_status": {},
        "_attachments": [
            {
                "download_url": f"{state.url}/media/{record_id}/submission.xml.enc",
                "filename": f"collector/attachments/b1b2/{answers['instanceID'][5:]}/submission.xml.enc",
                "mimetype": "application/octet-stream",
            }
        ],
    }
    state.kobo.append(Held(answers=answers, record=listed, xml=manifest, files={"submission.xml.enc": sealed}))
    return answers


def test_pull_from_odk_central_decrypts_and_imports_only_new_submissions(stand_in, user, field_form, monkeypatch):
    monkeypatch.setattr(pull, "ODK_PAGE", 2)  # three submissions: two pages
    first = put_on_odk(stand_in, field_form, 1, day=1)
    put_on_odk(stand_in, field_form, 2, day=2)
    put_on_odk(stand_in, field_form, 3, encrypted=False, day=3)
    report = pull.submissions_pull(server="odk", organization=user.organization, created_by=user)
    assert (report.fetched, report.new, report.errors) == (3, 3, [])
    assert report.job is not None and report.job.counts["imported"] == 3
    assert report.job.kind == ImportJob.Kind.SUBMISSIONS
    submission = Submission.objects.get(instance_id=first["instanceID"])
    assert submission.origin == Submission.Origin.ODK and submission.submitter == "enumerator1"
    draft = submission_registration(submission)
    assert draft["person"]["names"][0]["name"] == f"{first['prs_FirstName']} {first['prs_SecondName']}"
    assert "POST /v1/sessions" in stand_in.requests
    assert any(".svc/Submissions" in line and "%24skip=2" in line for line in stand_in.requests)
    assert any(line.endswith("/attachments/submission.xml.enc") for line in stand_in.requests)

    again = pull.submissions_pull(server="odk", organization=user.organization, created_by=user)
    assert again.new == 0 and again.job is None and Submission.objects.count() == 3
    assert any("submissionDate+ge" in line for line in stand_in.requests[-3:])  # only since the last one

    later = put_on_odk(stand_in, field_form, 4, day=4)
    third = pull.submissions_pull(server="odk", organization=user.organization, created_by=user)
    assert third.new == 1 and Submission.objects.filter(instance_id=later["instanceID"]).exists()
    assert Submission.objects.count() == 4


def test_pull_from_kobo_follows_the_next_link_and_imports_only_new_submissions(stand_in, user, field_form, monkeypatch):
    monkeypatch.setattr(pull, "KOBO_PAGE", 2)
    for number in range(3):
        put_on_kobo(stand_in, field_form, number, day=number + 1)
    report = pull.submissions_pull(server="kobo", organization=user.organization, created_by=user)
    assert (report.fetched, report.new, report.errors) == (3, 3, [])
    assert report.job is not None and report.job.counts["imported"] == 3
    assert set(Submission.objects.values_list("origin", flat=True)) == {Submission.Origin.KOBO}
    assert any("start=2" in line for line in stand_in.requests)  # the `next` link
    assert any("format=xml" in line for line in stand_in.requests)
    again = pull.submissions_pull(server="kobo", organization=user.organization, created_by=user)
    assert again.new == 0 and again.job is None and Submission.objects.count() == 3
    everything = pull.submissions_pull(server="kobo", organization=user.organization, created_by=user, full=True)
    assert everything.fetched == 3 and everything.new == 0


def test_a_tampered_encrypted_submission_is_not_imported(stand_in, user, field_form):
    put_on_odk(stand_in, field_form, 1)
    put_on_odk(stand_in, field_form, 2)
    sealed = bytearray(stand_in.odk[0].files["submission.xml.enc"])
    sealed[40] ^= 0x01
    stand_in.odk[0].files["submission.xml.enc"] = bytes(sealed)
    report = pull.submissions_pull(server="odk", organization=user.organization, created_by=user)
    assert report.new == 1 and len(report.errors) == 1
    assert stand_in.odk[0].answers["instanceID"] in report.errors[0]
    assert Submission.objects.get().instance_id == stand_in.odk[1].answers["instanceID"]


def test_wrong_credentials_and_an_unconfigured_server_are_refused(stand_in, user):
    with override_settings(TIPSOM_ODK_PASSWORD="wrong"), pytest.raises(ApplicationError) as refused:
        pull.submissions_pull(server="odk", organization=user.organization, created_by=user)
    assert refused.value.code == "server_unreachable"
    with override_settings(TIPSOM_KOBO_TOKEN=""), pytest.raises(ApplicationError) as missing:
        pull.submissions_pull(server="kobo", organization=user.organization, created_by=user)
    assert missing.value.code == "not_configured"
    assert Submission.objects.count() == 0


def test_the_pull_command(stand_in, user, field_form):
    put_on_odk(stand_in, field_form, 1)
    put_on_kobo(stand_in, field_form, 2)
    out = io.StringIO()
    call_command("intake", "pull", "--user", user.username, stdout=out)
    assert "odk: 1 listed, 1 new" in out.getvalue() and "kobo: 1 listed, 1 new" in out.getvalue()
    assert Submission.objects.count() == 2
    again = io.StringIO()
    call_command("intake", "pull", "--server", "odk", "--user", user.username, stdout=again)
    assert "0 new" in again.getvalue()
