"""Referral statistics: how many referrals went to each type of service, how fast receivers answered, how many
they accepted and how many ran late, for the referrals a user may see, overall and by service type, region and
receiving organization.

Everything is counted in the database, one grouped query per breakdown (conditional COUNTs and a percentile
aggregate), so the work does not grow with the rows read into Python. The region is the referring case's region:
where the victim is, which is what a coordinator plans services for (the receiver's own region says where an
office sits, not where the need is).

Small numbers. These are operational counts about services, not about persons, but a count of a handful of
referrals in one region can point at one victim. The region breakdown shown to a national viewer goes through
core.disclosure with the deployment's threshold (TIPSOM_SMALL_CELL, 5 by default): a count from 1 to 4 is withheld
("<5"), and so are the complements (".."), so that neither the national counts (shown in full: the breakdowns by
service type and by organization add up to them too) nor the relations between a row's counts (answered = accepted
+ declined, and each count within the total) give it back; the rates and response times computed from a withheld
count are withheld with it. Organizations see their own referrals in full.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Aggregate, Count, F, FloatField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.core.disclosure import Relation, holding, protect, small_cell, sums, within
from tipsom.core.permissions import SCOPE_NATIONAL, user_scopes
from tipsom.organizations import geography
from tipsom.organizations.models import Organization
from tipsom.referrals.models import Referral, ServiceType, State

DEFAULT_DAYS = 365
# Counted fields that may be withheld; the rates and response times that depend on each.
COUNTS = ("total", "answered", "accepted", "declined", "completed", "expired", "overdue")
_ANSWER_FIELDS = ("answered", "accepted", "declined")
# What a reader knows of one row's counts, when the row's data bears it out (an imported referral may break it):
# answered = accepted + declined; the declined, completed and expired are in distinct states; each within another.
_ROW_RELATIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("sums", "answered", ("accepted", "declined")),
    ("within", "total", ("answered",)),
    ("within", "total", ("declined", "completed", "expired")),
    ("within", "total", ("overdue",)),
    ("within", "answered", ("accepted",)),
    ("within", "accepted", ("completed",)),
)


# --- The response time and its percentiles, in SQL on both databases -------------------------------------------
class ResponseSeconds(Func):
    """Seconds from sending to the first answer; NULL for a referral nobody answered."""

    output_field = FloatField()
    # PostgreSQL (and any database with timestamp arithmetic).
    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "

    def __init__(self, **extra: Any) -> None:
        super().__init__(F("responded_at"), F("sent_at"), **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class _SqlitePercentile:
    """percentile_cont for SQLite, which has none: the group's values, sorted, interpolated linearly."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return continuous_percentile(self.values, self.fraction)


def continuous_percentile(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class Percentile(Aggregate):
    """The continuous percentile of an expression within each group (percentile_cont)."""

    name = "Percentile"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must lie between 0 and 1")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        # The fraction is a number this module chose, never input: it is safe in the SQL text.
        template = f"percentile_cont({self.fraction!r}) WITHIN GROUP (ORDER BY %(expressions)s)"
        return super().as_sql(
            compiler, connection, function=function, template=template, arg_joiner=arg_joiner, **extra_context
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        connection.ensure_connection()
        connection.connection.create_aggregate("tipsom_percentile", 2, _SqlitePercentile)
        template = f"tipsom_percentile(%(expressions)s, {self.fraction!r})"
        return super().as_sql(compiler, connection, template=template, **extra_context)


# --- What is asked and what comes back --------------------------------------------------------------------------
@dataclass(frozen=True)
class StatsFilters:
    """Referrals sent from `date_from` to `date_to` (both included), optionally of one type, urgency, channel or
    receiving organization."""

    date_from: date
    date_to: date
    service_type: str = ""
    urgency: str = ""
    channel: str = ""
    organization_id: int | None = None

    @classmethod
    def default(cls, today: date | None = None) -> StatsFilters:
        today = today or timezone.localdate()
        return cls(date_from=today - timedelta(days=DEFAULT_DAYS - 1), date_to=today)


@dataclass(frozen=True)
class StatsRow:
    """One line of a breakdown. A withheld count is None and named in `suppressed`, and in `small` too when it is
    below the threshold ("<5"; the others are complements, ".."); rates are None when there is nothing to divide
    by or when they would reveal a withheld count."""

    key: str
    label: str
    total: int | None
    answered: int | None
    accepted: int | None
    declined: int | None
    completed: int | None
    expired: int | None
    overdue: int | None
    median_hours: float | None
    p90_hours: float | None
    acceptance_rate: float | None = None
    overdue_share: float | None = None
    suppressed: tuple[str, ...] = ()
    small: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.acceptance_rate is None and self.answered and self.accepted is not None:
            object.__setattr__(self, "acceptance_rate", self.accepted / self.answered)
        if self.overdue_share is None and self.total and self.overdue is not None:
            object.__setattr__(self, "overdue_share", self.overdue / self.total)


@dataclass(frozen=True)
class ReferralStats:
    filters: StatsFilters
    national: bool  # the viewer sees the country's referrals: the region breakdown goes through core.disclosure
    small_cell: int
    summary: StatsRow
    by_service_type: list[StatsRow] = field(default_factory=list)
    by_region: list[StatsRow] = field(default_factory=list)
    by_organization: list[StatsRow] = field(default_factory=list)
    regions_withheld: bool = False  # no region breakdown could be published without giving a small count back


# --- The selector ----------------------------------------------------------------------------------------------
def _metrics() -> dict[str, Any]:
    answered = Q(responded_at__isnull=False)
    seconds = ResponseSeconds()
    return {
        "total": Count("pk"),
        # Answered: the receiver said yes or no. A referral revoked after it was accepted was accepted.
        "answered": Count("pk", filter=answered),
        "accepted": Count("pk", filter=answered & ~Q(state=State.DECLINED)),
        "declined": Count("pk", filter=Q(state=State.DECLINED)),
        "completed": Count("pk", filter=Q(state=State.COMPLETED)),
        "expired": Count("pk", filter=Q(state=State.EXPIRED)),
        "overdue": Count("pk", filter=Q(overdue=True)),
        "median_seconds": Percentile(seconds, 0.5),
        "p90_seconds": Percentile(seconds, 0.9),
    }


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(max(seconds, 0.0) / 3600, 1)


def _row(key: str, label: str, values: dict[str, Any]) -> StatsRow:
    count = {name: int(values[name] or 0) for name in COUNTS}
    return StatsRow(
        key=key,
        label=label,
        total=count["total"],
        answered=count["answered"],
        accepted=count["accepted"],
        declined=count["declined"],
        completed=count["completed"],
        expired=count["expired"],
        overdue=count["overdue"],
        median_hours=_hours(values["median_seconds"]),
        p90_hours=_hours(values["p90_seconds"]),
    )


def stats_queryset(*, user: User, filters: StatsFilters) -> QuerySet[Referral]:
    """The referrals the statistics count: those the user may see, sent within the dates, with the filters."""
    start = timezone.make_aware(datetime.combine(filters.date_from, time.min))
    end = timezone.make_aware(datetime.combine(filters.date_to + timedelta(days=1), time.min))
    queryset = Referral.objects.restrict(user, "view").filter(sent_at__gte=start, sent_at__lt=end)
    if filters.service_type:
        queryset = queryset.filter(service_type=filters.service_type)
    if filters.urgency:
        queryset = queryset.filter(urgency=filters.urgency)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.organization_id:
        queryset = queryset.filter(to_organization_id=filters.organization_id)
    return queryset


def _grouped(queryset: QuerySet[Referral], column: str) -> list[dict[str, Any]]:
    return list(queryset.order_by().values(column).annotate(**_metrics()).order_by(column))


def _row_relations(key: Any, row: StatsRow) -> list[Relation]:
    make = {"sums": sums, "within": within}
    relations = [make[kind]((key, total), [(key, part) for part in parts]) for kind, total, parts in _ROW_RELATIONS]
    return holding({(key, name): getattr(row, name) or 0 for name in COUNTS}, relations)


def protect_breakdown(
    summary: StatsRow, rows: list[StatsRow], threshold: int | None = None
) -> tuple[list[StatsRow], bool]:
    """The rows of a breakdown as they may be published beside the summary (shown in full): core.disclosure over
    every count of every row, the summary's counts public, each column adding up to the summary's and each row's
    counts bound as _ROW_RELATIONS says. Returns the rows and whether the whole breakdown must be withheld."""
    cells: dict[Any, int] = {("summary", name): getattr(summary, name) or 0 for name in COUNTS}
    relations: list[Relation] = []
    for number, row in enumerate(rows):
        cells.update({(number, name): getattr(row, name) or 0 for name in COUNTS})
        relations += _row_relations(number, row)
    relations += [sums(("summary", name), [(number, name) for number in range(len(rows))]) for name in COUNTS]
    published = protect(cells, relations, threshold=threshold, public=[("summary", name) for name in COUNTS])
    if published.withheld_all:
        return [], True
    protected = []
    for number, row in enumerate(rows):
        hidden = {name for name in COUNTS if published.value((number, name)) is None}
        if not hidden:
            protected.append(row)
            continue
        changes: dict[str, Any] = dict.fromkeys(hidden)
        if hidden & set(_ANSWER_FIELDS):
            changes.update(acceptance_rate=None, median_hours=None, p90_hours=None)
        if hidden & {"overdue", "total"}:
            changes["overdue_share"] = None
        small = {name for name in hidden if published.mark((number, name)) == published.small_mark}
        # replace() re-runs __post_init__, which leaves a rate withheld here withheld: its counts are None too.
        protected.append(
            replace(
                row,
                **changes,
                suppressed=tuple(name for name in COUNTS if name in hidden),
                small=tuple(name for name in COUNTS if name in small),
            )
        )
    return protected, False


def _region_label(code: str) -> str:
    return geography.region_name(code.split("-")[0], code) if code else _("Region not recorded")


def _organization_labels(ids: Iterable[int | None]) -> dict[int | None, str]:
    # Only the receiving organizations of referrals the user may see; organization names are public directory data.
    names: dict[int | None, str] = dict(
        Organization.objects.filter(pk__in=[pk for pk in ids if pk]).values_list("pk", "name")
    )
    names[None] = _("Not on tipsom (by letter or abroad)")
    return names


def user_sees_national(user: User) -> bool:
    return SCOPE_NATIONAL in user_scopes(user, "view", Referral)


def referral_stats(*, user: User, filters: StatsFilters) -> ReferralStats:
    """The statistics of the referrals `user` may see (national coordinators: the country; organizations:
    their own), in four grouped queries and one for organization names."""
    queryset = stats_queryset(user=user, filters=filters)
    national = user_sees_national(user)
    summary_values = queryset.order_by().aggregate(**_metrics())
    summary = _row("all", _("All referrals"), summary_values)

    types = dict(ServiceType.choices)
    by_type = [
        _row(values["service_type"], str(types.get(values["service_type"], values["service_type"])), values)
        for values in _grouped(queryset, "service_type")
    ]
    by_region = [
        _row(values["case__region"] or "", _region_label(values["case__region"] or ""), values)
        for values in _grouped(queryset, "case__region")
    ]
    threshold = small_cell()
    regions_withheld = False
    if national:
        by_region, regions_withheld = protect_breakdown(summary, by_region, threshold)
    grouped = _grouped(queryset, "to_organization_id")
    names = _organization_labels(values["to_organization_id"] for values in grouped)
    by_organization = sorted(
        (
            _row(str(values["to_organization_id"] or ""), names.get(values["to_organization_id"], "?"), values)
            for values in grouped
        ),
        key=lambda row: (-(row.total or 0), row.label),
    )
    return ReferralStats(
        filters=filters,
        national=national,
        small_cell=threshold,
        summary=summary,
        by_service_type=sorted(by_type, key=lambda row: (-(row.total or 0), row.label)),
        by_region=by_region,
        by_organization=by_organization,
        regions_withheld=regions_withheld,
    )
