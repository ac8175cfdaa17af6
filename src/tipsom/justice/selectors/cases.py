"""Reads of criminal cases, their offences, suspects and groups: each starts from `.restrict(user, action)`."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from tipsom.accounts.models import User
from tipsom.core.errors import NotFound
from tipsom.justice.models import CriminalCase, CriminalGroup, Offence, Suspect

CASE_ORGANIZATIONS = ("owner_organization", "investigating_unit", "prosecution_office", "court")


def criminal_case_detail(user: User, pk: Any, action: str = "view") -> CriminalCase:
    """One criminal case the user may `action`, with its organizations; NotFound if missing or out of scope."""
    try:
        return CriminalCase.objects.restrict(user, action).select_related(*CASE_ORGANIZATIONS).get(pk=int(pk))
    except (CriminalCase.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def criminal_case_can(user: User, criminal_case: CriminalCase, action: str) -> bool:
    """Whether the user may `action` this case (one indexed query)."""
    return CriminalCase.objects.restrict(user, action).filter(pk=criminal_case.pk).exists()


def offences_of(criminal_case: CriminalCase) -> QuerySet[Offence]:
    return criminal_case.offences.select_related("provision", "reporting_unit").order_by("date_from", "pk")


def suspects_of(criminal_case: CriminalCase) -> QuerySet[Suspect]:
    """The suspects of a case with the person's statistical facts (gender, birth year, citizenships: never a name)
    and their groups, in three queries however many there are."""
    return (
        Suspect.objects.filter(criminal_case=criminal_case)
        .select_related("person")
        .only(
            *(f.name for f in Suspect._meta.concrete_fields),
            "person__id",
            "person__gender",
            "person__birth_year",
            "person__citizenships",
            "person__is_presumed_minor",
            "person__owner_organization_id",
        )
        .prefetch_related(Prefetch("groups", queryset=CriminalGroup.objects.only("id", "name")))
        .order_by("pk")
    )


LIST_COLUMNS = (
    "id",
    "reference",
    "title",
    "file_number",
    "stage",
    "offence_type",
    "investigation_opened_on",
    "is_transnational",
    "country",
    "owner_organization_id",
    "owner_organization__name",
)


def criminal_case_list(user: User) -> QuerySet[CriminalCase]:
    """The criminal cases the user may see, with the few columns a list row shows (never the encrypted facts);
    the caller filters (justice.filters) and pages (core.listing)."""
    return CriminalCase.objects.restrict(user, "view").select_related("owner_organization").only(*LIST_COLUMNS)


def criminal_group_list(user: User, action: str = "view") -> QuerySet[CriminalGroup]:
    return CriminalGroup.objects.restrict(user, action).select_related("owner_organization")
