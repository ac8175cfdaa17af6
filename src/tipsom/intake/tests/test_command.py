"""`tipsom intake import` and `tipsom intake resume` from the server's shell."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tipsom.cases.models import Case
from tipsom.intake.models import ImportJob, RegisterSource
from tipsom.intake.tests.registers_data import MAPPING, importer, register_csv

pytestmark = pytest.mark.django_db


def test_import_proposes_the_mapping_saves_it_and_reports(organization, tmp_path):
    user = importer(organization)
    path = tmp_path / "abrigo.csv"
    path.write_bytes(register_csv(30, {4: "unknown_code"}))
    out = io.StringIO()
    arguments = ["--user", user.username, "--map", "gender=Sexo", "--value", "gender:F=Feminine"]
    call_command("intake", "import", str(path), *arguments, stdout=out)
    text = out.getvalue()
    assert "Register source 'abrigo' created." in text and "Proposed mapping: name=Nome" in text
    assert "done: imported 29, valid 0, failed 1, skipped 0." in text
    source = RegisterSource.objects.get(name="abrigo")
    assert source.column_mapping == MAPPING and source.value_mappings == {"gender": {"F": "Feminine"}}
    assert Case.objects.filter(owner_organization=organization).count() == 29
    # The same file again: a new import whose rows are all known already.
    out = io.StringIO()
    call_command("intake", "import", str(path), "--user", user.username, stdout=out)
    assert "imported 0, valid 0, failed 1, skipped 29." in out.getvalue()


def test_a_dry_run_in_the_background_is_queued(organization, tmp_path):
    user = importer(organization)
    path = tmp_path / "abrigo.csv"
    path.write_bytes(register_csv(5))
    out = io.StringIO()
    call_command("intake", "import", str(path), "--user", user.username, "--dry-run", "--background", stdout=out)
    job = ImportJob.objects.get()
    assert job.dry_run and job.task_id and job.status == ImportJob.Status.QUEUED
    assert f"handed to the background worker (task {job.task_id})" in out.getvalue()


def test_refusals(organization, tmp_path):
    user = importer(organization)
    path = tmp_path / "abrigo.pdf"
    path.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(CommandError, match="Give --user"):
        call_command("intake", "import", str(path))
    with pytest.raises(CommandError, match="This is a PDF document"):
        call_command("intake", "import", str(path), "--user", user.username)
    with pytest.raises(CommandError, match="No file"):
        call_command("intake", "import", str(tmp_path / "missing.csv"), "--user", user.username)
    with pytest.raises(CommandError, match="Not found"):
        call_command("intake", "resume", "999")
    assert not ImportJob.objects.exists()
