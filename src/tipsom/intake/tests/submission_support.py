"""Shared set-up of the field submissions' tests: a throw-away form key (outside the database, like the keyring),
the country's form published once per session and copied into each test's database, and running an import as
`tipsom intake import` does. Test modules import the fixtures by name."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from tipsom.accounts.testing import make_user
from tipsom.core.context import action_context
from tipsom.intake import jobs
from tipsom.intake.forms_xls.build import FormContent, form_content, form_id_for
from tipsom.intake.forms_xls.keys import form_key_init, form_keys
from tipsom.intake.models import FieldForm, ImportJob

VERSION = "2026120101"
IDENTIFIER_ROLES = ("frontline_identifier",)


@pytest.fixture(scope="session", autouse=False)
def form_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("form-key") / "form-key.json"
    with override_settings(TIPSOM_FORM_KEY_FILE=str(path), TIPSOM_FORM_KEY=""):
        form_key_init()
        yield path


@cache
def _content(country: str, fingerprint: str) -> tuple[FormContent, bytes]:
    keys = form_keys()
    draft = form_content(country=country, public_key=keys.keys[fingerprint].public_key_base64)
    return draft, draft.with_version(VERSION).xlsx()


def publish_form(country: str = "BR", version: str = VERSION) -> FieldForm:
    """The country's current form (the XLSForm built once per session; the row written in this test's database)."""
    keys = form_keys()
    draft, xlsx = _content(country, keys.active)
    return FieldForm.objects.create(
        country=country,
        form_id=form_id_for(country),
        version=version,
        content_sha256=draft.sha256() if version == VERSION else f"{draft.sha256()[:56]}{version[-8:]}",
        key_fingerprint=keys.active,
        xlsx=xlsx,
        published_at=timezone.now(),
    )


@pytest.fixture
def field_form(db: Any, form_key_file: Path) -> FieldForm:
    return publish_form("BR")


def identifier(organization: Any, **fields: Any) -> Any:
    return make_user(organization, roles=IDENTIFIER_ROLES, **fields)


def run_import(user: Any, data: bytes, *, file_name: str = "submissions.csv", **options: Any) -> ImportJob:
    """Create, start and run an import of field submissions in the foreground, as `tipsom intake import` does."""
    batch_rows = options.pop("batch_rows", 200)
    with action_context(channel="command"):
        job = jobs.job_create(
            actor=user,
            organization=user.organization,
            kind=ImportJob.Kind.SUBMISSIONS,
            stream=data,
            file_name=file_name,
            **options,
        )
        job = jobs.job_start(actor=user, job_id=job.pk, background=False)
        return jobs.job_run(job.pk, run_id=job.task_id, batch_rows=batch_rows)
