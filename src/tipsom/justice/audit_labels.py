"""What the audit screen says about justice records (registered from plugins.py): a criminal case, and the
offences and suspects of one, are named by the case's reference, linked to its page (which checks its own
permissions). Never a person's name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from tipsom.core.registry import AuditObjectLabels
from tipsom.justice.filters import YEAR_SERIAL


def _digits(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def criminal_case_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    from tipsom.justice.models import CriminalCase

    rows = CriminalCase.objects.filter(pk__in=_digits(ids)).values_list("pk", "reference")
    return {str(pk): (reference, reverse("justice:detail", kwargs={"pk": pk})) for pk, reference in rows}


def criminal_case_find(text: str) -> list[str]:
    """The cases a typed reference means: the full reference, or its year and serial ("2026-63")."""
    from tipsom.justice.models import CriminalCase

    text = "".join(text.split()).upper()
    match = YEAR_SERIAL.match(text)
    if match:
        cases = CriminalCase.objects.filter(reference__endswith=f"-{match['year']}-{int(match['serial']):06d}")
    else:
        cases = CriminalCase.objects.filter(reference=text)
    return [str(pk) for pk in cases.values_list("pk", flat=True)[:200]]


def _part_labels(model_name: str, tab: str) -> Any:
    """The offences or suspects of a case, named "<reference> · <part> <id>" and linked to the case's tab."""

    def labels(ids: list[str]) -> dict[str, tuple[str, str]]:
        from django.apps import apps

        model = apps.get_model("justice", model_name)
        rows = model.objects.filter(pk__in=_digits(ids)).values_list(
            "pk", "criminal_case_id", "criminal_case__reference"
        )
        return {
            str(pk): (f"{reference} · {pk}", reverse(f"justice:{tab}", kwargs={"pk": case_id}))
            for pk, case_id, reference in rows
        }

    return labels


def incident_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    from tipsom.justice.models import SmugglingIncident

    rows = SmugglingIncident.objects.filter(pk__in=_digits(ids)).values_list("pk", "reference")
    return {str(pk): (reference, reverse("justice:incident", kwargs={"pk": pk})) for pk, reference in rows}


def incident_find(text: str) -> list[str]:
    """The incidents a typed reference means: the full reference only (BR-SI-2026-000001)."""
    from tipsom.justice.models import SmugglingIncident

    found = SmugglingIncident.objects.filter(reference="".join(text.split()).upper())
    return [str(pk) for pk in found.values_list("pk", flat=True)[:200]]


def entries() -> Iterator[tuple[str, Any, str | None]]:
    yield "audit_object_labels", AuditObjectLabels(criminal_case_labels, criminal_case_find), "justice.criminalcase"
    yield "audit_object_labels", AuditObjectLabels(_part_labels("Offence", "offences")), "justice.offence"
    yield "audit_object_labels", AuditObjectLabels(_part_labels("Suspect", "defendants")), "justice.suspect"
    yield "audit_object_labels", AuditObjectLabels(incident_labels, incident_find), "justice.smugglingincident"
