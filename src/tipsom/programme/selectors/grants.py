"""Reading grants: the list with each grant's money and reporting state, one grant's page (tranches, reports,
transactions with running totals) and the victims assisted under a grant, counted from the services its grantee
delivered in cases during the grant (numbers only, never identities). The donor report and the IATI file read
`grant_summaries` / `grant_summary`.

Money, as IATI and this page count it: `committed` is the grant's amount (the signed agreement); `released` the
released tranches; `disbursed` and `spent` the disbursement (3) and expenditure (4) transactions; `balance` what
is released but not yet disbursed. A report is overdue when its due date has passed and it is neither submitted
nor approved (a returned report past its date is overdue again)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.cases.models import ServiceDelivery
from tipsom.core import disclosure
from tipsom.core.permissions import access_by_id
from tipsom.programme.models import Grant, GrantReport, GrantTransaction, Tranche
from tipsom.programme.models.choices import ReviewStatus, TransactionType

OPEN_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)  # still to be (re)submitted by the grantee
ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class GrantSummary:
    """A grant's money and reporting state. `victims_cases` and `victims_persons` are raw counts: show them only
    through tipsom.core.disclosure (`victims_published`)."""

    grant: Grant
    committed: Decimal
    released: Decimal
    disbursed: Decimal
    spent: Decimal
    balance: Decimal
    next_report_due: date | None
    overdue_reports: int
    victims_cases: int
    victims_persons: int


def _sum(queryset: QuerySet[Any]) -> Coalesce:
    total = queryset.order_by().values("grant").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _count(queryset: QuerySet[Any], group: str, counted: Any) -> Coalesce:
    number = queryset.order_by().values(group).annotate(number=Count(counted, distinct=True)).values("number")
    return Coalesce(Subquery(number, output_field=IntegerField()), Value(0), output_field=IntegerField())


def _services_of(grant_ref: str = "") -> QuerySet[ServiceDelivery]:
    """The services the grantee delivered within the grant's dates (`grant_ref`: the path of the grant from the
    outer query). Counts only: the cases themselves are never read."""
    prefix = f"{grant_ref}__" if grant_ref else ""
    return ServiceDelivery.objects.filter(
        provider=OuterRef(f"{prefix}grantee"),
        delivered_on__gte=OuterRef(f"{prefix}start_date"),
        delivered_on__lte=OuterRef(f"{prefix}end_date"),
    )


# A person merged into another counts as that one (one level of merge, as the registry keeps it).
PERSON = Coalesce("case__person__merged_into", "case__person")


def with_totals(queryset: QuerySet[Grant], today: date | None = None) -> QuerySet[Grant]:
    """The grants with their money, reports and victims as annotations: one query whatever their number."""
    today = today or timezone.localdate()
    transactions = GrantTransaction.objects.filter(grant=OuterRef("pk"))
    open_reports = GrantReport.objects.filter(grant=OuterRef("pk"), status__in=OPEN_STATUSES)
    next_due = open_reports.order_by().values("grant").annotate(first=Min("due_on")).values("first")
    return queryset.annotate(
        released_total=_sum(Tranche.objects.filter(grant=OuterRef("pk"), released_on__isnull=False)),
        disbursed_total=_sum(transactions.filter(transaction_type=TransactionType.DISBURSEMENT)),
        spent_total=_sum(transactions.filter(transaction_type=TransactionType.EXPENDITURE)),
        next_report_due=Subquery(next_due),
        overdue_reports=_count(open_reports.filter(due_on__lt=today), "grant", "pk"),
        victims_cases=_count(_services_of(), "provider", "case"),
        victims_persons=_count(_services_of(), "provider", PERSON),
    )


def summary_of(grant: Grant) -> GrantSummary:
    """The summary of a grant read through `with_totals`."""
    released = grant.released_total  # type: ignore[attr-defined]
    disbursed = grant.disbursed_total  # type: ignore[attr-defined]
    return GrantSummary(
        grant=grant,
        committed=grant.amount,
        released=released,
        disbursed=disbursed,
        spent=grant.spent_total,  # type: ignore[attr-defined]
        balance=released - disbursed,
        next_report_due=grant.next_report_due,  # type: ignore[attr-defined]
        overdue_reports=grant.overdue_reports,  # type: ignore[attr-defined]
        victims_cases=grant.victims_cases,  # type: ignore[attr-defined]
        victims_persons=grant.victims_persons,  # type: ignore[attr-defined]
    )


def grant_summary(grant: Grant) -> GrantSummary:
    """One grant's summary (the caller has the grant: it was read in the user's scope)."""
    return summary_of(with_totals(Grant.objects.filter(pk=grant.pk).select_related("grantee")).get())


def grant_list(
    *,
    user: User,
    country: str | None = None,
    grantee: int | None = None,
    year: int | None = None,
    overdue: bool | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Grant]:
    """The grants the user may see, with their totals (with_totals), newest first. `year`, or `start`/`end`: the
    grants running at some time of that period; `overdue`: with (True) or without (False) an overdue report."""
    grants = Grant.objects.restrict(user, "view").select_related("grantee", "owner_organization")
    if country:
        grants = grants.filter(country=country)
    if grantee:
        grants = grants.filter(grantee_id=grantee)
    if year:
        start, end = date(year, 1, 1), date(year, 12, 31)
    if start:
        grants = grants.filter(end_date__gte=start)
    if end:
        grants = grants.filter(start_date__lte=end)
    if overdue is not None:
        late = GrantReport.objects.filter(
            grant=OuterRef("pk"), status__in=OPEN_STATUSES, due_on__lt=timezone.localdate()
        )
        grants = grants.filter(Exists(late)) if overdue else grants.exclude(Exists(late))
    return with_totals(grants).order_by("-start_date", "-pk")


def grant_summaries(*, user: User, country: str | None, start: date | None, end: date | None) -> list[GrantSummary]:
    """The summaries of the grants the user may see (of `country` when given) running at some time between
    `start` and `end` (either may be None: open), newest first. One query."""
    return [summary_of(grant) for grant in grant_list(user=user, country=country, start=start, end=end)]


def grant_detail(*, user: User, grant_id: Any, action: str = "view") -> Grant:
    """One grant as the user may `action` it (NotFound otherwise), with its totals."""
    queryset = with_totals(Grant.objects.select_related("grantee", "owner_organization", "activity"))
    return access_by_id(Grant, user, grant_id, action, queryset=queryset)


@dataclass(frozen=True)
class TransactionRow:
    record: GrantTransaction
    committed: Decimal
    disbursed: Decimal
    spent: Decimal


def grant_transactions(*, user: User, grant: Grant) -> list[TransactionRow]:
    """The grant's transactions the user may see, oldest first, each with the running totals after it."""
    rows: list[TransactionRow] = []
    totals = {TransactionType.COMMITMENT: ZERO, TransactionType.DISBURSEMENT: ZERO, TransactionType.EXPENDITURE: ZERO}
    records = GrantTransaction.objects.restrict(user, "view").filter(grant=grant).select_related("tranche")
    for record in records.order_by("date", "pk"):
        if record.transaction_type in totals:
            totals[record.transaction_type] += record.amount  # type: ignore[index]
        rows.append(
            TransactionRow(
                record,
                totals[TransactionType.COMMITMENT],
                totals[TransactionType.DISBURSEMENT],
                totals[TransactionType.EXPENDITURE],
            )
        )
    return rows


def grant_reports(*, user: User, grant: Grant) -> list[GrantReport]:
    reports = GrantReport.objects.restrict(user, "view").filter(grant=grant).select_related("reviewed_by")
    return list(reports.defer("document_content"))  # the file is decrypted only to download it


def grant_tranches(*, user: User, grant: Grant) -> list[Tranche]:
    return list(Tranche.objects.restrict(user, "view").filter(grant=grant).select_related("released_by"))


def report_is_overdue(report: GrantReport, today: date | None = None) -> bool:
    return report.status in OPEN_STATUSES and report.due_on < (today or timezone.localdate())


# --- victims assisted ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VictimsAssisted:
    """The victims assisted under a grant as they may be shown: each cell's display ("<5" for a small count)."""

    cases: str
    persons: str
    children: str
    adults: str
    small_cell: int


def victims_published(grant: Grant) -> VictimsAssisted:
    """The cases and persons the grantee assisted during the grant, and the cases of children and of adults,
    through the disclosure rule (TIPSOM_SMALL_CELL): a small count shows "<5"."""
    services = ServiceDelivery.objects.filter(
        provider_id=grant.grantee_id, delivered_on__gte=grant.start_date, delivered_on__lte=grant.end_date
    )
    counts = services.aggregate(
        cases=Count("case", distinct=True),
        persons=Count(PERSON, distinct=True),
        children=Count("case", distinct=True, filter=Q(case__is_child=True)),
        adults=Count("case", distinct=True, filter=Q(case__is_child=False)),
    )
    cases = disclosure.protect(
        {"cases": counts["cases"], "children": counts["children"], "adults": counts["adults"]},
        [disclosure.sums("cases", ["children", "adults"])],
    )
    persons = count_published(counts["persons"])
    return VictimsAssisted(
        cases=cases.display("cases"),
        persons=persons,
        children=cases.display("children"),
        adults=cases.display("adults"),
        small_cell=cases.threshold,
    )


def count_published(value: int) -> str:
    """One count on its own as it may be shown: what disclosure.protect gives for a lone cell (no relation, so no
    complement), "<5" from 1 to the threshold - 1, without its solver (a list shows one per row)."""
    threshold = disclosure.small_cell()
    return f"<{threshold}" if 0 < value < threshold else str(value)


# --- widgets ------------------------------------------------------------------------------------------------------
def reports_due(*, user: User, within_days: int = 60, limit: int = 10) -> list[GrantReport]:
    """The open reports of the user's grants (the grantee's) falling due within `within_days` or overdue, the
    earliest first (one query)."""
    horizon = timezone.localdate() + datetime.timedelta(days=within_days)
    reports = (
        GrantReport.objects.restrict(user, "change")
        .filter(status__in=OPEN_STATUSES, due_on__lte=horizon)
        .select_related("grant")
        .defer("document_content")
        .order_by("due_on", "pk")
    )
    return list(reports[:limit])


def reports_to_review(*, user: User, limit: int = 10) -> list[GrantReport]:
    """The submitted reports the user may approve, the longest waiting first (one query)."""
    reports = (
        GrantReport.objects.restrict(user, "approve")
        .filter(status=ReviewStatus.SUBMITTED)
        .select_related("grant", "grant__grantee")
        .defer("document_content")
        .order_by("submitted_on", "pk")
    )
    return list(reports[:limit])
