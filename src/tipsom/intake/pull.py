"""`tipsom intake pull`: fetch the new submissions of tipsom's identification form from the deployment's ODK Central
(through pyodk) or KoboToolbox (its API v2, through requests) and import them through the same handler as an
exported file (tipsom.intake.submissions.handler), as one import job.

- ODK Central: TIPSOM_ODK_URL, TIPSOM_ODK_USER, TIPSOM_ODK_PASSWORD, TIPSOM_ODK_PROJECT. The OData table of the
  form's submissions is read in pages ($top/$skip, @odata.count); an encrypted submission (the form carries the
  deployment's public key, so Central holds only its manifest) is fetched as its manifest XML and its encrypted
  file, and opened with the deployment's form key.
- KoboToolbox: TIPSOM_KOBO_URL, TIPSOM_KOBO_TOKEN, TIPSOM_KOBO_ASSET (the form's asset uid). The data endpoint is
  read in pages (`limit`, then its `next` link; Kobo answers at most 30,000 records a request); an encrypted record
  is fetched as XML and its attachment.
- Only what is new is fetched: submissions received since the newest one pulled from that server before (a minute
  of overlap), and of those only instance ids tipsom does not hold are imported. `full=True` fetches everything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _
from pyodk.errors import PyODKError  # type: ignore[import-untyped]

from tipsom.core.errors import ApplicationError
from tipsom.intake import jobs
from tipsom.intake.files import flatten
from tipsom.intake.forms_xls.keys import form_keys
from tipsom.intake.models import FieldForm, ImportJob, Submission
from tipsom.intake.submissions.answers import instance_id_of
from tipsom.intake.submissions.encrypted import manifest_of, submission_decrypt, xml_record
from tipsom.intake.submissions.handler import ORIGIN_HEADING
from tipsom.intake.submissions.selectors import field_form_current

ODK, KOBO = Submission.Origin.ODK.value, Submission.Origin.KOBO.value
ODK_PAGE = 500
KOBO_PAGE = 1000  # Kobo answers at most 30,000 records a request
OVERLAP = timedelta(minutes=1)
# What Central's OData says of a submission it holds encrypted (its data columns are empty).
ENCRYPTED_STATES = ("notDecrypted", "missingEncryptedFormData")
TIMEOUT = 60


@dataclass
class PullReport:
    server: str
    fetched: int = 0  # records the server listed
    new: int = 0  # of those, instance ids tipsom did not hold
    job: ImportJob | None = None
    since: datetime | None = None
    errors: list[str] = field(default_factory=list)


def configured_servers() -> list[str]:
    """The servers this deployment pulls from (their settings are complete)."""
    servers = []
    if settings.TIPSOM_ODK_URL and settings.TIPSOM_ODK_USER and settings.TIPSOM_ODK_PROJECT:
        servers.append(ODK)
    if settings.TIPSOM_KOBO_URL and settings.TIPSOM_KOBO_TOKEN and settings.TIPSOM_KOBO_ASSET:
        servers.append(KOBO)
    return servers


def _since(server: str, country: str, full: bool) -> datetime | None:
    if full:
        return None
    newest = Submission.objects.filter(origin=server, country=country).aggregate(newest=Max("submitted_at"))["newest"]
    return newest - OVERLAP if newest is not None else None


def _iso(moment: datetime) -> str:
    return moment.astimezone().isoformat().replace("+00:00", "Z")


# --- ODK Central ------------------------------------------------------------------------------------------------


def odk_client() -> Any:
    """A pyodk Client for the deployment's Central, configured in memory (no pyodk config or token cache file)."""
    from pyodk._utils.config import CentralConfig, Config  # type: ignore[import-untyped]
    from pyodk._utils.session import Session  # type: ignore[import-untyped]
    from pyodk.client import Client  # type: ignore[import-untyped]

    config = Config(
        central=CentralConfig(
            base_url=settings.TIPSOM_ODK_URL,
            username=settings.TIPSOM_ODK_USER,
            password=settings.TIPSOM_ODK_PASSWORD,
            default_project_id=settings.TIPSOM_ODK_PROJECT,
        )
    )
    session = Session(
        base_url=settings.TIPSOM_ODK_URL,
        api_version="v1",
        username=settings.TIPSOM_ODK_USER,
        password=settings.TIPSOM_ODK_PASSWORD,
        cache_path=None,
    )
    return Client(config=config, session=session, project_id=settings.TIPSOM_ODK_PROJECT)


def _odk_records(client: Any, form: FieldForm, since: datetime | None) -> Iterator[dict[str, Any]]:
    project = settings.TIPSOM_ODK_PROJECT
    where = f"__system/submissionDate ge {_iso(since)}" if since is not None else None
    skip = 0
    while True:
        page = client.submissions.get_table(
            form_id=form.form_id, project_id=project, top=ODK_PAGE, skip=skip, count=True, filter=where
        )
        values = page.get("value") or []
        yield from values
        skip += len(values)
        total = page.get("@odata.count")
        if not values or len(values) < ODK_PAGE or (total is not None and skip >= int(total)):
            return


def _odk_open(client: Any, form: FieldForm, row: dict[str, Any]) -> dict[str, str]:
    """The row as a flat record: as it is when Central holds the data in clear, else decrypted from its manifest
    and encrypted file."""
    system = row.get("__system") or {}
    flat = {key: value for key, value in flatten(row).items() if not key.startswith("__system/")}
    meta = {f"__system/{key}": str(value) for key, value in system.items() if value is not None}
    in_clear = any(key.rsplit("/", 1)[-1] == "tipsom_FormId" and value for key, value in flat.items())
    if in_clear and system.get("status") not in ENCRYPTED_STATES:
        return {**flat, **meta}
    instance_id = str(row.get("__id") or "")
    base = f"projects/{settings.TIPSOM_ODK_PROJECT}/forms/{form.form_id}/submissions/{instance_id}"
    response = client.get(f"{base}.xml")
    response.raise_for_status()
    manifest = manifest_of(response.content)
    if manifest is None:  # a submission in clear fetched as XML
        return {**xml_record(response.content), **meta}
    files = {}
    for name in (*manifest.media, manifest.xml_file):
        attachment = client.get(f"{base}/attachments/{name}")
        attachment.raise_for_status()
        files[name] = attachment.content
    xml = submission_decrypt(manifest=manifest, files=files, keys=form_keys())
    return {**xml_record(xml), "__id": instance_id, **meta}


def pull_odk(form: FieldForm, since: datetime | None, report: PullReport, known: Callable[[str], bool]) -> list[Any]:
    records = []
    with odk_client() as client:
        for row in _odk_records(client, form, since):
            report.fetched += 1
            instance_id = str(row.get("__id") or "")
            if known(instance_id):
                continue
            try:
                records.append(_odk_open(client, form, row))
            except ApplicationError as error:  # not imported: named in the report
                report.errors.append(f"{instance_id[:100]}: {error.message}")
    return records


# --- KoboToolbox -------------------------------------------------------------------------------------------------


def _kobo_get(session: requests.Session, url: str, **params: Any) -> requests.Response:
    response = session.get(url, params=params or None, timeout=TIMEOUT)
    response.raise_for_status()
    return response


def _kobo_records(session: requests.Session, since: datetime | None) -> Iterator[dict[str, Any]]:
    url = f"{settings.TIPSOM_KOBO_URL}/api/v2/assets/{settings.TIPSOM_KOBO_ASSET}/data/"
    params: dict[str, Any] = {"format": "json", "limit": KOBO_PAGE, "start": 0}
    if since is not None:
        params["query"] = json.dumps({"_submission_time": {"$gte": since.strftime("%Y-%m-%dT%H:%M:%S")}})
    next_url: str | None = url
    while next_url:
        page = _kobo_get(session, next_url, **params).json()
        yield from page.get("results") or []
        next_url, params = page.get("next"), {}  # the next link carries the query and the paging


def _kobo_open(session: requests.Session, record: dict[str, Any]) -> dict[str, str]:
    flat = flatten({key: value for key, value in record.items() if key != "_attachments"})
    if "base64EncryptedKey" not in record:
        return flat
    url = f"{settings.TIPSOM_KOBO_URL}/api/v2/assets/{settings.TIPSOM_KOBO_ASSET}/data/{record.get('_id')}/"
    manifest = manifest_of(_kobo_get(session, url, format="xml").content)
    if manifest is None:
        raise ApplicationError("undecryptable", _("The encrypted submission's manifest is incomplete."))
    by_name = {str(item.get("filename", "")).rsplit("/", 1)[-1]: item for item in record.get("_attachments") or []}
    files = {}
    for name in (*manifest.media, manifest.xml_file):
        attachment = by_name.get(name)
        if attachment is None:
            raise ApplicationError(
                "undecryptable", _("The encrypted submission lacks its file %(name)s.") % {"name": name[:100]}
            )
        files[name] = _kobo_get(session, str(attachment["download_url"])).content
    xml = submission_decrypt(manifest=manifest, files=files, keys=form_keys())
    meta = {key: value for key, value in flat.items() if key.startswith("_")}
    return {**xml_record(xml), **meta}


def pull_kobo(form: FieldForm, since: datetime | None, report: PullReport, known: Callable[[str], bool]) -> list[Any]:
    records = []
    with requests.Session() as session:
        session.headers["Authorization"] = f"Token {settings.TIPSOM_KOBO_TOKEN}"
        session.headers["Accept"] = "application/json"
        for record in _kobo_records(session, since):
            report.fetched += 1
            instance_id = str(record.get("meta/instanceID") or record.get("_uuid") or "")
            if known(instance_id):
                continue
            try:
                records.append(_kobo_open(session, record))
            except ApplicationError as error:  # not imported: named in the report
                report.errors.append(f"{instance_id[:100]}: {error.message}")
    return records


# --- Both ----------------------------------------------------------------------------------------------------------

PULLERS = {ODK: pull_odk, KOBO: pull_kobo}


def submissions_pull(*, server: str, organization: Any, created_by: Any, full: bool = False) -> PullReport:
    """Fetch the server's new submissions of the organization's country's form and import them (in the foreground)
    as one import job owned by the organization; `created_by` is the user the submissions are imported as."""
    if server not in configured_servers():
        raise ApplicationError(
            "not_configured", _("The %(server)s server is not configured for this deployment.") % {"server": server}
        )
    form = field_form_current(organization.country)
    if form is None:
        raise ApplicationError(
            "no_field_form",
            _("No field form was published for %(country)s yet: run `tipsom intake xlsform` first.")
            % {"country": organization.country},
        )
    report = PullReport(server=server, since=_since(server, organization.country, full))

    def known(instance_id: str) -> bool:
        return bool(instance_id) and Submission.objects.filter(instance_id=instance_id_of(instance_id)).exists()

    try:
        records = PULLERS[server](form, report.since, report, known)
    except (requests.RequestException, PyODKError) as error:
        raise ApplicationError(
            "server_unreachable",
            _("The %(server)s server did not answer as expected (%(error)s).")
            % {"server": server, "error": type(error).__name__},
        ) from error
    report.new = len(records)
    if not records:
        return report
    content = json.dumps({"value": [{**record, ORIGIN_HEADING: server} for record in records]}, ensure_ascii=False)
    job = jobs.job_create(
        actor=None,
        organization=organization,
        kind=ImportJob.Kind.SUBMISSIONS,
        stream=content.encode("utf-8"),
        file_name=f"{server}-pull.json",
        created_by=created_by,
    )
    job = jobs.job_start(actor=None, job_id=job.pk, background=False)
    report.job = jobs.job_run(job.pk, run_id=job.task_id)
    return report
