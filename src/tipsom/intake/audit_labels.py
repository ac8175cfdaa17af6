"""What the audit screen says about intake records (registered from plugins.py): an import job is named
"Import <id>" and linked to its page (which checks its own permissions); a register source by its name. Never a
file name (it may name a person) nor a value of the file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tipsom.core.registry import AuditObjectLabels


def _digits(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def job_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    from tipsom.intake.models import ImportJob

    found = ImportJob.objects.filter(pk__in=_digits(ids)).values_list("pk", flat=True)
    return {str(pk): (_("Import %(id)s") % {"id": pk}, reverse("intake:job", kwargs={"pk": pk})) for pk in found}


def source_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    from tipsom.intake.models import RegisterSource

    rows = RegisterSource.objects.filter(pk__in=_digits(ids)).values_list("pk", "name")
    return {str(pk): (name, "") for pk, name in rows}


def entries() -> Iterator[tuple[str, Any, str | None]]:
    yield "audit_object_labels", AuditObjectLabels(job_labels), "intake.importjob"
    yield "audit_object_labels", AuditObjectLabels(source_labels), "intake.registersource"
