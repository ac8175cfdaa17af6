"""The computed sources of the results framework: `COMPUTATIONS`, keyed by `Indicator.source_key`.

Each computation answers one country and one period with aggregate queries (GROUP BY in the database, a handful of
grouped rows back; never a loop over activities, attendances or facts) and returns the raw figures (`Computed`).
What may be shown of them is decided by `publish()`: the counts of victims, referrals and the justice process go
through tipsom.core.disclosure (a count from 1 to TIPSOM_SMALL_CELL - 1 is "<5", and the complements that stop it
being worked out from the total and the other parts of a breakdown are ".."); counts of the programme's own
activities and of helpline contacts are published as they are.

Periods: activities count when they start within the period; victims when they were identified within it
(`identified_on`, counted facts only, the GLOTIP unit); helpline contacts by their year and month; referrals and the
justice process by the years the period touches (their facts carry a year only)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tipsom.core import disclosure
from tipsom.programme.models import LEARNING_TYPES, Activity, ActivityType, Attendance, IndicatorSource, Participant
from tipsom.stats.models import ContactFact, FactStage, JusticeFact, ReferralFact, VictimFact

TOTAL = "total"
UNSTATED = "unknown"


@dataclass
class Computed:
    """The raw figures of a computation: a count (numerator, no denominator) or a ratio's two counts; the
    breakdowns by dimension ({"sex": {"female": 12, ...}, ...})."""

    numerator: int
    denominator: int | None = None
    disaggregated: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class Published:
    """What may be shown: numbers, or None where withheld; `marks` names each withheld figure ("<5" or "..");
    `disaggregated` holds ints or marks."""

    numerator: int | None
    denominator: int | None
    disaggregated: dict[str, dict[str, Any]]
    withheld: bool
    marks: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Computation:
    key: str
    label: Any
    source: str  # IndicatorSource.ACTIVITIES or STATISTICS
    compute: Callable[[str, date, date], Computed]
    link: Callable[[str, date, date], str]
    protected: bool = False  # counts of persons from the cases: through disclosure
    percentage: bool = False  # numerator ÷ denominator


# --- helpers ------------------------------------------------------------------------------------------------------
def _margins(rows: Iterable[Any], dimensions: dict[str, str], count: str = "n") -> dict[str, dict[str, int]]:
    """One-way breakdowns from the grouped rows of a cross-table: {dimension: {value: count}} (a blank value is
    "unknown", so each breakdown adds up to the total)."""
    result: dict[str, dict[str, int]] = {name: defaultdict(int) for name in dimensions}
    for row in rows:
        for name, column in dimensions.items():
            value = row[column]
            key = str(value) if value not in (None, "") else UNSTATED
            result[name][key] += int(row[count] or 0)
    return {name: dict(sorted(values.items())) for name, values in result.items()}


def _years(start: date, end: date) -> Q:
    return Q(year__gte=start.year, year__lte=end.year)


def _activities(country: str, start: date, end: date) -> Any:
    return Activity.objects.filter(country=country, start_date__gte=start, start_date__lte=end)


def _activities_link(country: str, start: date, end: date, **extra: str) -> str:
    """The activities list filtered to the country and the period's (first) year, and the type where one."""
    query = {"country": country, "year": str(start.year), **extra}
    return f"{reverse('programme:activities')}?{urlencode(query)}"


def _stats_link(country: str, start: date, end: date, **extra: str) -> str:
    query = {"year_from": str(start.year), "year_to": str(end.year), **extra}
    return f"{reverse('stats:dashboard')}?{urlencode(query)}"


def _single_region(regions: Any) -> str:
    return str(regions[0]) if isinstance(regions, list) and len(regions) == 1 else UNSTATED


# --- from the programme's activities -------------------------------------------------------------------------------
def practitioners_trained(country: str, start: date, end: date) -> Computed:
    """Distinct participants on the rosters of the learning activities (training, workshop, study visit) that
    started in the period, by sector, sex and region; plus the aggregate counts of learning activities without a
    roster (their region where the activity names exactly one)."""
    learning = _activities(country, start, end).filter(kind__in=LEARNING_TYPES)
    attended = Attendance.objects.filter(activity__in=learning).values("participant_id")
    rows = list(Participant.objects.filter(pk__in=attended).values("sector", "sex", "region").annotate(n=Count("pk")))
    breakdown = _margins(rows, {"sector": "sector", "sex": "sex", "region": "region"})
    total = sum(int(row["n"]) for row in rows)
    # Activities without a roster: their counts, grouped in the database by the breakdown they give.
    without = (
        learning.filter(~Exists(Attendance.objects.filter(activity=OuterRef("pk"))))
        .values("participants_by_sector", "regions")
        .annotate(
            activities=Count("pk"),
            people=Sum("participants_total"),
            women=Sum("participants_women"),
            men=Sum("participants_men"),
        )
    )
    for group in without:
        people, women, men = int(group["people"] or 0), int(group["women"] or 0), int(group["men"] or 0)
        if not people:
            continue
        total += people
        sexes = breakdown.setdefault("sex", {})
        for key, value in (("female", women), ("male", men), (UNSTATED, max(people - women - men, 0))):
            if value:
                sexes[key] = sexes.get(key, 0) + value
        sectors = breakdown.setdefault("sector", {})
        by_sector = group["participants_by_sector"] if isinstance(group["participants_by_sector"], dict) else {}
        named = 0
        for sector, value in by_sector.items():
            try:
                count = int(value) * int(group["activities"])
            except (TypeError, ValueError):
                continue
            sectors[str(sector)] = sectors.get(str(sector), 0) + count
            named += count
        if people > named:
            sectors[UNSTATED] = sectors.get(UNSTATED, 0) + people - named
        region = _single_region(group["regions"])
        regions = breakdown.setdefault("region", {})
        regions[region] = regions.get(region, 0) + people
    return Computed(numerator=total, disaggregated={k: dict(sorted(v.items())) for k, v in breakdown.items()})


def activities_held(country: str, start: date, end: date) -> Computed:
    rows = list(_activities(country, start, end).values("kind", "pillar").annotate(n=Count("pk")))
    return Computed(
        numerator=sum(int(row["n"]) for row in rows),
        disaggregated=_margins(rows, {"type": "kind", "pillar": "pillar"}),
    )


def campaign_reach(country: str, start: date, end: date) -> Computed:
    rows = list(
        _activities(country, start, end)
        .filter(kind=ActivityType.CAMPAIGN)
        .values("regions")
        .annotate(n=Sum("people_reached"))
    )
    regions: dict[str, int] = defaultdict(int)
    for row in rows:
        regions[_single_region(row["regions"])] += int(row["n"] or 0)
    return Computed(numerator=sum(regions.values()), disaggregated={"region": dict(sorted(regions.items()))})


# --- from tipsom's statistics -------------------------------------------------------------------------------------
def _victims(country: str, start: date, end: date, **extra: Any) -> Computed:
    rows = list(
        VictimFact.objects.filter(
            country=country, counted=True, identified_on__gte=start, identified_on__lte=end, **extra
        )
        .values("organization_type", "sex", "region")
        .annotate(n=Count("pk"))
    )
    return Computed(
        numerator=sum(int(row["n"]) for row in rows),
        disaggregated=_margins(rows, {"organization_type": "organization_type", "sex": "sex", "region": "region"}),
    )


def victims_identified(country: str, start: date, end: date) -> Computed:
    return _victims(country, start, end)


def child_victims_identified(country: str, start: date, end: date) -> Computed:
    return _victims(country, start, end, is_child=True)


def referrals_within_time(country: str, start: date, end: date) -> Computed:
    """Referrals answered within the response time (answered and not overdue) ÷ referrals answered."""
    answered = ReferralFact.objects.filter(_years(start, end), country=country, answered=True)
    figures = answered.aggregate(answered=Count("pk"), on_time=Count("pk", filter=Q(overdue=False)))
    return Computed(numerator=int(figures["on_time"] or 0), denominator=int(figures["answered"] or 0))


def _justice(stage: str) -> Callable[[str, date, date], Computed]:
    def compute(country: str, start: date, end: date) -> Computed:
        rows = list(
            JusticeFact.objects.filter(_years(start, end), country=country, counted=True, stage=stage)
            .values("sex")
            .annotate(n=Count("person_cluster", distinct=True))
        )
        # A person counted for two offence types is one person: the total is distinct persons.
        total = JusticeFact.objects.filter(_years(start, end), country=country, counted=True, stage=stage).aggregate(
            n=Count("person_cluster", distinct=True)
        )["n"]
        return Computed(numerator=int(total or 0), disaggregated=_margins(rows, {"sex": "sex"}))

    return compute


def helpline_contacts(country: str, start: date, end: date) -> Computed:
    months = Q(year__gt=start.year) | Q(year=start.year, month__gte=start.month)
    months &= Q(year__lt=end.year) | Q(year=end.year, month__lte=end.month)
    rows = list(ContactFact.objects.filter(months, country=country).values("channel", "region").annotate(n=Count("pk")))
    return Computed(
        numerator=sum(int(row["n"]) for row in rows),
        disaggregated=_margins(rows, {"channel": "channel", "region": "region"}),
    )


def _links(**extra: str) -> Callable[[str, date, date], str]:
    return lambda country, start, end: _stats_link(country, start, end, **extra)


def _activity_links(**extra: str) -> Callable[[str, date, date], str]:
    return lambda country, start, end: _activities_link(country, start, end, **extra)


ACTIVITIES, STATISTICS = IndicatorSource.ACTIVITIES.value, IndicatorSource.STATISTICS.value
COMPUTATIONS: dict[str, Computation] = {
    c.key: c
    for c in [
        Computation(
            "practitioners_trained",
            _("Practitioners trained (distinct participants of trainings, workshops and study visits)"),
            ACTIVITIES,
            practitioners_trained,
            _activity_links(),
        ),
        Computation("activities_held", _("Activities held"), ACTIVITIES, activities_held, _activity_links()),
        Computation(
            "campaign_reach",
            _("People reached by awareness campaigns"),
            ACTIVITIES,
            campaign_reach,
            _activity_links(kind=ActivityType.CAMPAIGN.value),
        ),
        Computation(
            "victims_identified", _("Victims identified"), STATISTICS, victims_identified, _links(), protected=True
        ),
        Computation(
            "child_victims_identified",
            _("Child victims identified"),
            STATISTICS,
            child_victims_identified,
            _links(child="yes"),
            protected=True,
        ),
        Computation(
            "referrals_within_time",
            # xgettext:no-python-format
            _("Referrals answered within the response time (% of referrals answered)"),
            STATISTICS,
            referrals_within_time,
            _links(),
            protected=True,
            percentage=True,
        ),
        Computation(
            "persons_prosecuted",
            _("Persons prosecuted"),
            STATISTICS,
            _justice(FactStage.PROSECUTED),
            _links(),
            protected=True,
        ),
        Computation(
            "persons_convicted",
            _("Persons convicted"),
            STATISTICS,
            _justice(FactStage.CONVICTED),
            _links(),
            protected=True,
        ),
        Computation("helpline_contacts", _("Helpline contacts"), STATISTICS, helpline_contacts, _links()),
    ]
}


def computation_choices(source: str | None = None) -> list[tuple[str, Any]]:
    return [(c.key, c.label) for c in COMPUTATIONS.values() if source is None or c.source == source]


def publish(computation: Computation | None, raw: Computed) -> Published:
    """What may be shown of `raw`: everything for an unprotected computation; else the total (and denominator) and
    the breakdowns protected together by core.disclosure, so that a small count is "<5" and cannot be worked out
    by subtracting the published parts from the total (each breakdown is known to add up to the total; the
    numerator of a ratio is known to lie within its denominator)."""
    if computation is None or not computation.protected:
        return Published(raw.numerator, raw.denominator, {k: dict(v) for k, v in raw.disaggregated.items()}, False)
    cells: dict[Any, int] = {TOTAL: raw.numerator}
    relations: list[disclosure.Relation] = []
    if raw.denominator is not None:
        cells["denominator"] = raw.denominator
        relations.append(disclosure.within("denominator", [TOTAL]))
    for dimension, values in raw.disaggregated.items():
        keys = [(dimension, value) for value in values]
        for key, value in zip(keys, values.values(), strict=True):
            cells[key] = int(value)
        relations.append(disclosure.sums(TOTAL, keys))
    protected = disclosure.protect(cells, disclosure.holding(cells, relations))
    marks: dict[str, str] = {}
    numerator: int | None = protected.value(TOTAL)
    denominator: int | None = None
    if numerator is None:
        marks["numerator"] = protected.mark(TOTAL) or disclosure.NOT_PUBLISHED
    if raw.denominator is not None:
        denominator = protected.value("denominator")
        if denominator is None:
            marks["denominator"] = protected.mark("denominator") or disclosure.NOT_PUBLISHED
    disaggregated: dict[str, dict[str, Any]] = {}
    for dimension, values in raw.disaggregated.items():
        disaggregated[dimension] = {}
        for category in values:
            shown = protected.value((dimension, category))
            disaggregated[dimension][category] = shown if shown is not None else protected.mark((dimension, category))
    return Published(numerator, denominator, disaggregated, withheld=bool(marks), marks=marks)


def ratio(numerator: Decimal | int | None, denominator: Decimal | int | None, factor: int) -> Decimal | None:
    """numerator ÷ denominator × factor (DHIS2), to 2 decimals; the numerator itself without a denominator."""
    if numerator is None:
        return None
    if denominator is None:
        return Decimal(numerator)
    if not denominator:
        return None
    return (Decimal(numerator) * factor / Decimal(denominator)).quantize(Decimal("0.01"))
