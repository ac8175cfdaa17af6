"""Reads of international cooperation requests: a case's, the API's list, and the overdue ones of the user's
cases (the home page and the tab's badge)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.core.errors import NotFound
from tipsom.core.validation import pk_of
from tipsom.justice.models import CooperationRequest, CriminalCase
from tipsom.justice.models.choices import OPEN_COOPERATION

WIDGET_LIMIT = 10


def cooperation_of(criminal_case: CriminalCase) -> QuerySet[CooperationRequest]:
    return CooperationRequest.objects.filter(criminal_case=criminal_case).order_by("-pk")


def cooperation_list(*, user: User, criminal_case: int | None = None) -> QuerySet[CooperationRequest]:
    rows = CooperationRequest.objects.filter(criminal_case__in=CriminalCase.objects.restrict(user, "view"))
    if criminal_case is not None:
        rows = rows.filter(criminal_case_id=criminal_case)
    return rows


def access_cooperation_request(user: User, pk: Any, action: str = "view") -> CooperationRequest:
    found = (
        CooperationRequest.objects.filter(criminal_case__in=CriminalCase.objects.restrict(user, action))
        .filter(pk=pk_of(pk))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def overdue_filter(rows: QuerySet[CooperationRequest], today: datetime.date) -> QuerySet[CooperationRequest]:
    """The requests still open whose deadline has passed (the model's is_overdue, as a query)."""
    return rows.filter(status__in=OPEN_COOPERATION, deadline__lt=today)


def cooperation_overdue(
    *, user: User, today: datetime.date | None = None, limit: int | None = WIDGET_LIMIT
) -> list[CooperationRequest]:
    """The overdue requests of the user's criminal cases, the longest overdue first."""
    today = today or timezone.localdate()
    rows = (
        overdue_filter(cooperation_list(user=user), today)
        .select_related("criminal_case")
        .only(
            "id",
            "kind",
            "direction",
            "countries",
            "authority",
            "status",
            "deadline",
            "criminal_case__id",
            "criminal_case__reference",
        )
        .order_by("deadline", "pk")
    )
    return list(rows[:limit] if limit is not None else rows)


def cooperation_overdue_count(criminal_case: CriminalCase, today: datetime.date | None = None) -> int:
    return overdue_filter(cooperation_of(criminal_case), today or timezone.localdate()).count()
