"""Reads for victim cases, always narrowed to what the user may see. Lists never decrypt the registry."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tipsom.accounts.models import User
from tipsom.cases.models import (
    Attachment,
    Case,
    CaseOrganization,
    ClosureRequest,
    JournalEntry,
    StatusDecision,
)
from tipsom.core.fields import encrypted_fields
from tipsom.core.permissions import access_by_id, user_can
from tipsom.organizations.models import Organization
from tipsom.people.keys import query_keys
from tipsom.people.models import Person, PersonName

CASE_NUMBER = re.compile(r"^[A-Za-z]{2}-\d{4}-\d{1,6}$")


def _identifying_columns() -> list[str]:
    """The encrypted columns of what a list row joins: deferred, so a list never reads (or decrypts) them."""
    return [f"person__{field.name}" for field in encrypted_fields(Person)] + [
        f"owner_organization__{field.name}" for field in encrypted_fields(Organization)
    ]


def case_list(*, user: User) -> QuerySet[Case]:
    """The cases the user may see, with what a list row shows (no identifying value is read)."""
    return (
        Case.objects.restrict(user, "view")
        .select_related("owner_organization", "person")
        .defer(*_identifying_columns())
    )


def person_cases(*, user: User, person: Person) -> list[Case]:
    """The cases of one person that the user may see, newest first (the person page's Cases section)."""
    return list(case_list(user=user).filter(person=person).order_by("-pk"))


def persons_on_shared_cases(organization_id: int) -> Q | None:
    """The persons of cases an organization works on without owning them (a notified child protection agency):
    added to the person registry's organization scope (`person_scopes`). None when there are none, so the usual
    list keeps its plain (organization, id) index."""
    shared = CaseOrganization.objects.filter(organization_id=organization_id)
    return Q(pk__in=shared.values("case__person_id")) if shared.exists() else None


def case_allows(user: User, case: Case, action: str) -> bool:
    """Whether the user may `action` this case (for showing buttons; services check again when acting)."""
    return Case.objects.restrict(user, action).filter(pk=case.pk).exists()


def case_search(queryset: QuerySet[Case], query: str) -> QuerySet[Case]:
    """By case number, or by name through the blind-index keys (no name is decrypted to search)."""
    query = " ".join((query or "").split())
    if not query:
        return queryset
    number = CASE_NUMBER.match(query)
    if number:
        # "br-2026-42" is BR-2026-000042: the serial is stored with six digits.
        country, year, serial = query.upper().split("-")
        return queryset.filter(case_number=f"{country}-{year}-{int(serial):06d}")
    condition = Q()
    for field, key in query_keys(query):
        condition |= Q(**{field: key})
    if not condition:
        return queryset.none()
    return queryset.filter(person_id__in=PersonName.objects.filter(condition).values("person_id"))


def access_case_by_id(user: User, case_id: Any, action: str = "view") -> Case:
    """One case with everything its page shows, or NotFound."""
    queryset = (
        Case.objects.select_related(
            "owner_organization",
            "person",
            "case_owner",
            "child_protection",
            "child_protection__notified_organization",
            "child_protection__guardian_organization",
        )
        .prefetch_related(
            "person__names",
            "team",
            "organizations__organization",
        )
        .prefetch_related(
            Prefetch("decisions", queryset=StatusDecision.objects.select_related("created_by", "approved_by")),
        )
        .prefetch_related(
            Prefetch("closure_requests", queryset=ClosureRequest.objects.select_related("created_by", "approved_by")),
        )
    )
    return access_by_id(Case, user, case_id, action, queryset=queryset)


def access_case_for_api(user: User, case_id: Any, action: str = "view") -> Case:
    """One case with what its API answer (CaseDetailSerializer) shows, or NotFound: the related records it names
    by id only (owner, organizations, who decided) are not joined, and the person's names are not read. The page's
    query (access_case_by_id) reads them all; for the API that was most of an answer's CPU (issue 10)."""
    queryset = Case.objects.select_related("person", "child_protection").prefetch_related(
        "team", "organizations", "decisions", "closure_requests"
    )
    return access_by_id(Case, user, case_id, action, queryset=queryset)


def case_journal(case: Case) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(case=case).select_related("created_by").order_by("-created_at", "-pk")


def case_attachments(case: Case) -> QuerySet[Attachment]:
    """Attachments without their content (it is decrypted only to download one)."""
    return Attachment.objects.filter(case=case).defer("content").select_related("created_by")


def pending_approvals(*, user: User) -> dict[str, QuerySet[Any]]:
    """Decisions and closures waiting for a supervisor, among the cases the user may approve."""
    if not user_can(user, "approve", Case):
        return {"decisions": StatusDecision.objects.none(), "closures": ClosureRequest.objects.none()}
    cases = Case.objects.restrict(user, "approve").values("pk")
    pending = StatusDecision.Approval.PENDING
    return {
        "decisions": StatusDecision.objects.filter(case__in=cases, approval=pending).select_related("case"),
        "closures": ClosureRequest.objects.filter(case__in=cases, approval=pending).select_related("case"),
    }
