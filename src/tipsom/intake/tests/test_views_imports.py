"""The import screens: every URL tried as anonymous, unpermitted, other-organization and permitted users; the
journey upload -> mapping -> run -> errors -> failed rows; and bad uploads refused at the door or with a message."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.core.context import action_context
from tipsom.intake import jobs
from tipsom.intake.models import ImportFileChunk, ImportJob, ImportRow, RegisterSource
from tipsom.intake.tests.registers_data import MAPPING, importer, register_csv, register_source
from tipsom.organizations.models import Organization

ROLE = "case_manager"


def make_job(
    organization: Organization, *, rows: int = 6, bad: dict[int, str] | None = None, **options: Any
) -> ImportJob:
    """An import of the organization's register, created (and, with `run`, run in the foreground)."""
    run = options.pop("run", False)
    user = importer(organization)
    source = RegisterSource.objects.filter(owner_organization=organization).first() or register_source(user)
    with action_context(channel="command"):
        job = jobs.job_create(
            actor=user,
            organization=organization,
            kind=ImportJob.Kind.REGISTER,
            stream=register_csv(rows, bad),
            file_name="register.csv",
            source=source,
            **options,
        )
        if run:
            job = jobs.job_start(actor=user, job_id=job.pk, background=False)
            job = jobs.job_run(job.pk, run_id=job.task_id)
    return job


class TestImportList(AccessCase):
    url_name = "intake:imports"
    permitted_role = ROLE

    def make_object(self, organization: Organization) -> models.Model | None:
        self.job = make_job(organization, run=True)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert reverse("intake:job", kwargs={"pk": self.job.pk}).encode() in response.content


class TestUpload(AccessCase):
    url_name = "intake:upload"
    permitted_role = ROLE
    model = RegisterSource

    def make_object(self, organization: Organization) -> models.Model | None:
        register_source(importer(organization), name="Abrigo Esperança register")
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert "Abrigo Esperança register" in response.content.decode()


class TestJob(AccessCase):
    url_name = "intake:job"
    permitted_role = ROLE
    model = ImportJob

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_job(organization, bad={2: "unknown_code"}, run=True)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk if obj else 0}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        text = response.content.decode()
        assert 'data-row="4"' in text and "Nacionalidade" in text and "“XX”: Unknown code for Citizenships." in text
        assert "hx-get" not in text  # finished: the page no longer polls


class TestJobProgress(AccessCase):
    url_name = "intake:job_progress"
    permitted_role = ROLE
    model = ImportRow

    def make_object(self, organization: Organization) -> models.Model | None:
        job = make_job(organization)
        with action_context(channel="web"):
            return jobs.job_start(actor=importer(organization), job_id=job.pk)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk if obj else 0}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        text = response.content.decode()
        assert 'id="import-progress"' in text and "hx-get" in text and "<html" not in text


class TestMapping(AccessCase):
    url_name = "intake:mapping"
    permitted_role = ROLE

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_job(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk if obj else 0}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        text = response.content.decode()
        assert 'name="column_identified_on"' in text and "Data de identificação" in text


class TestFailedRows(AccessCase):
    url_name = "intake:failed_rows"
    permitted_role = ROLE
    model = ImportFileChunk

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_job(organization, bad={1: "future_date"}, run=True)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk if obj else 0}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        [row] = list(csv.DictReader(io.StringIO(text)))
        assert row["row"] == "3" and row["errors"] == "Data de identificação: This date is in the future."
        assert AuditEvent.objects.filter(action="intake.failed_rows_export").count() == 1


class TestRunForReal(AccessCase):
    url_name = "intake:run_for_real"
    permitted_role = ROLE
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_job(organization, dry_run=True, run=True)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk if obj else 0}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        real = ImportJob.objects.exclude(pk=obj.pk if obj else 0).get()
        assert response["Location"] == reverse("intake:job", kwargs={"pk": real.pk})
        assert not real.dry_run and real.task_id


class TestResume(AccessCase):
    url_name = "intake:resume"
    permitted_role = ROLE
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> models.Model | None:
        job = make_job(organization)
        with action_context(channel="command"):
            job = jobs.job_start(actor=importer(organization), job_id=job.pk, background=False)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)  # its process was killed
        return job

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk if obj else 0}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert obj is not None
        job = ImportJob.objects.get(pk=obj.pk)
        assert job.task_id.startswith("command-") is False  # a background task has it now


# --- The journey and bad uploads -----------------------------------------------------------------------------------
@pytest.fixture
def manager(organization: Organization) -> Any:
    return make_user(organization, roles=(ROLE,))


@pytest.fixture
def client_of(manager: Any) -> Client:
    return sign_in(Client(), manager)


def upload(client: Client, data: bytes, name: str = "register.csv", **fields: Any) -> Any:
    payload = {"new_source": "Abrigo 2015-2020", "mode": "valid", "dry_run": "", **fields}
    payload["file"] = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("intake:upload"), payload)


@pytest.mark.django_db
def test_upload_map_run_and_see_the_errors(client_of, organization):
    response = upload(client_of, register_csv(12, {3: "unknown_code", 5: "control"}))
    assert response.status_code == 302, response.content[:2000]
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("intake:mapping", kwargs={"pk": job.pk})
    page = client_of.get(response["Location"]).content.decode()
    for field, heading in MAPPING.items():  # proposed from the Portuguese headings
        assert f'<option value="{heading}" selected>' in page.split(f'name="column_{field}"')[1].split("</select>")[0]
    mapping = {f"column_{field}": heading for field, heading in MAPPING.items()}
    response = client_of.post(response["Location"], {**mapping, "values": "gender: F = Feminine"})
    assert response.status_code == 302 and response["Location"] == reverse("intake:job", kwargs={"pk": job.pk})
    job.refresh_from_db()
    assert job.source is not None and job.source.column_mapping == MAPPING
    assert job.source.value_mappings == {"gender": {"F": "Feminine"}}
    page = client_of.get(response["Location"]).content.decode()
    assert "hx-get" in page and "Waiting to start" in page  # queued: the page polls
    jobs.job_run(job.pk, run_id=job.task_id)  # what the worker does
    page = client_of.get(reverse("intake:job_progress", kwargs={"pk": job.pk})).content.decode()
    assert "hx-get" not in page and 'data-percent="100"' in page
    assert 'data-row="5"' in page and 'data-row="7"' in page and "Contains direction-changing" in page
    assert Case.objects.filter(owner_organization=organization).count() == 10
    download = client_of.get(reverse("intake:failed_rows", kwargs={"pk": job.pk}), {"format": "xlsx"})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_a_mapping_without_the_required_columns_is_refused(client_of):
    upload(client_of, register_csv(2))
    job = ImportJob.objects.get()
    response = client_of.post(reverse("intake:mapping", kwargs={"pk": job.pk}), {"column_name": "Nome"})
    assert response.status_code == 400
    assert "Choose the column of each required field: Type of case, Identified on" in response.content.decode()
    job.refresh_from_db()
    assert not job.task_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"%PDF-1.7 x", "register.pdf", "This is a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "register.xls", "old Excel file"),
        (b"Nome;Sexo\n", "headings.csv", "no data rows"),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_and_keeps_nothing(client_of, data, name, words):
    response = upload(client_of, data, name)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ImportJob.objects.exists() and not ImportFileChunk.objects.exists()


@pytest.mark.django_db
def test_a_200_mb_upload_is_refused_at_the_door(client_of):
    """The declared length is enough: nothing of the body is read (the test sends a small one claiming 200 MB)."""
    response = client_of.post(reverse("intake:upload"), {"new_source": "x"}, CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_alone_takes_files_larger_than_other_requests(client_of, settings):
    settings.TIPSOM_MAX_REQUEST_BYTES = 64 * 1024
    data = register_csv(2_000)  # about 150 KB
    assert upload(client_of, data).status_code == 302
    job = ImportJob.objects.get()
    other = client_of.post(reverse("intake:resume", kwargs={"pk": job.pk}), {"x": "y"}, CONTENT_LENGTH=str(len(data)))
    assert other.status_code == 413


@pytest.mark.django_db
def test_a_file_over_the_import_limit_is_stopped_while_it_uploads(client_of, settings):
    settings.TIPSOM_IMPORT_MAX_BYTES = 50 * 1024
    response = upload(client_of, register_csv(2_000))
    assert response.status_code == 413
    assert "larger than the 50.0\xa0KB allowed for an import" in response.content.decode()
    assert not ImportJob.objects.exists()
