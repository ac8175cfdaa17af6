"""How the audit screen names cases (registered in `audit_object_labels` by CasesConfig.ready): by their case
number, linked to the case's page (which checks its own permissions). Never the person's name."""

from __future__ import annotations

import re

from django.urls import reverse

from tipsom.cases.models import Case
from tipsom.core.registry import AuditObjectLabels

# "2026-63" or "2026/000063": the year and serial of a case number in any country.
YEAR_SERIAL = re.compile(r"^(?P<year>\d{4})[-/.](?P<serial>\d{1,6})$")


def case_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    rows = Case.objects.filter(pk__in=[i for i in ids if i.isdigit()]).values_list("pk", "case_number")
    return {str(pk): (number, reverse("cases:detail", kwargs={"pk": pk})) for pk, number in rows}


def case_find(text: str) -> list[str]:
    """The cases a typed case number means: the full number, or its year and serial ("2026-63")."""
    text = "".join(text.split()).upper()
    match = YEAR_SERIAL.match(text)
    if match:
        cases = Case.objects.filter(case_number__endswith=f"-{match['year']}-{int(match['serial']):06d}")
    else:
        cases = Case.objects.filter(case_number=text)
    return [str(pk) for pk in cases.values_list("pk", flat=True)[:200]]


CASE_LABELS = AuditObjectLabels(labels=case_labels, find=case_find)
