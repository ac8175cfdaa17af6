"""Whether training changed detection, and what an awareness campaign did to the helpline and identifications:
`impact_analysis` and `campaign_effect` (read only, over the statistics facts: counts, never identities).

Impact. The treated units of a group of learning activities of one country (trainings, workshops, study visits):
- unit "region": the activities' regions;
- unit "organization": the organizations of the participants on the rosters and the implementing organizations;
- unit "user": the tipsom users linked from the rosters (Participant.user), followed to the cases they recorded
  (stats.VictimFact.identified_by).
A unit's first training date is the start of the first chosen activity that reached it; its month is the unit's
cohort. The comparison units are the country's other units of the same kind that recorded at least one
identification in the months shown and that no learning activity of the country (chosen or not, seen by this user or
not: only whether a unit was trained is used) reached up to the end of the window. The outcome is every victim
fact of the unit's cases identified in a month (`counted` or not: a second registration of a person is still an
identification made). The estimate is programme.estimators.staggered_did.

Every count shown goes through core.disclosure.protect: the table of months (treated and comparison) with the
before, after and window totals of each group, linked by their sums; the chart's means per unit are drawn from the
published counts only, so a withheld month is a gap."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Count, F, Max, Min, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tipsom.accounts.models import User
from tipsom.core.disclosure import Protected, protect, small_cell, sums
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.organizations.models import Organization
from tipsom.programme.estimators import DRAWS, staggered_did
from tipsom.programme.models import LEARNING_TYPES, Activity, ActivityType, Attendance
from tipsom.stats.models import ContactFact, VictimFact

UNITS = ("region", "organization", "user")
MIN_MONTHS, MAX_MONTHS = 1, 60
DEFAULT_MONTHS = 12
MAX_ACTIVITIES = 2000  # a year of a large country's learning activities (the donor report passes them all)
# Fewer treated units than this and the interval understates the uncertainty (the bootstrap cannot vary them).
FEW_TREATED_UNITS = 5
TREATED, COMPARISON = "treated", "comparison"
BEFORE, AFTER, TOTAL = "before", "after", "total"


# --- Months ---------------------------------------------------------------------------------------------------
def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(index: int) -> datetime.date:
    return month_start(index + 1) - datetime.timedelta(days=1)


def last_complete_month() -> int:
    return month_index(timezone.localdate()) - 1


# --- Values that cross layers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthRow:
    """One month of a table: each series' published count (None: withheld) and its display ("<5", "..")."""

    month: datetime.date
    phase: str  # impact: before, training, between, after; campaign: before, during, after
    values: dict[str, int | None]
    displays: dict[str, str]
    statuses: dict[str, str]  # "" published, "primary" a small count, "secondary" a complement


@dataclass
class ImpactResult:
    country: str
    unit: str
    treated: list[str]
    comparison: list[str]
    months: list[datetime.date]
    treated_series: list[float | None]  # cases per treated unit in the month (None: withheld)
    comparison_series: list[float | None]
    training_dates: list[datetime.date]
    counts: dict[str, dict[str, int | None]]  # treated/comparison x before/after/total (None: withheld)
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    pre_trend: float | None
    pre_trend_ci: tuple[float, float] | None
    method: str
    caveat: str
    withheld: bool
    # Beyond the contract: what the page and the API show besides.
    activities: list[dict[str, Any]] = field(default_factory=list)  # id, reference, title, start_date, kind
    months_before: int = DEFAULT_MONTHS
    months_after: int = DEFAULT_MONTHS
    count_displays: dict[str, dict[str, str]] = field(default_factory=dict)
    count_statuses: dict[str, dict[str, str]] = field(default_factory=dict)
    rows: list[MonthRow] = field(default_factory=list)
    cohorts: list[dict[str, Any]] = field(default_factory=list)  # month, units, effect
    pre_trend_flag: bool = False  # the placebo's interval leaves out zero: the trends were not parallel
    notes: list[str] = field(default_factory=list)
    available: tuple[datetime.date, datetime.date] | None = None
    threshold: int = 5


@dataclass
class CampaignEffect:
    activity_id: int
    reference: str
    title: str
    country: str
    regions: list[str]  # empty: the whole country
    start_date: datetime.date
    end_date: datetime.date
    months: list[datetime.date]
    phases: list[str]  # before, during, after (one per month)
    contacts_series: list[int | None]  # helpline contacts per month (None: withheld)
    identifications_series: list[int | None]
    totals: dict[str, dict[str, int | None]]  # contacts/identifications x before/during/after
    monthly_means: dict[str, dict[str, float | None]]  # the same per month of the phase
    phase_months: dict[str, int]
    caveat: str
    rows: list[MonthRow] = field(default_factory=list)
    total_displays: dict[str, dict[str, str]] = field(default_factory=dict)
    total_statuses: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    threshold: int = 5


# --- Checking the request -------------------------------------------------------------------------------------
def _invalid(field_name: str, message: str, **extra: Any) -> ApplicationError:
    return ApplicationError("invalid", message, {"fields": {field_name: message}, **extra})


def check_months(value: Any, field_name: str) -> int:
    try:
        months = int(str(value).strip())
    except (TypeError, ValueError):
        months = 0
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise _invalid(
            field_name,
            _("Give a number of months from %(low)d to %(high)d.") % {"low": MIN_MONTHS, "high": MAX_MONTHS},
        )
    return months


def parse_activity_ids(values: Iterable[str]) -> list[int]:
    """The ids of "activities=3,4" or "activities=3&activities=4"; an invalid one is an error."""
    ids: list[int] = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or len(part) > 10 or int(part) > 2_147_483_647:
                raise _invalid("activities", _("“%(value)s” is not an activity number.") % {"value": part[:20]})
            if int(part) not in ids:
                ids.append(int(part))
    return ids


def _learning_activities(user: User, activity_ids: list[int]) -> list[Activity]:
    if not activity_ids:
        raise _invalid("activities", _("Choose at least one training, workshop or study visit."))
    if len(activity_ids) > MAX_ACTIVITIES:
        raise _invalid("activities", _("Choose at most %(count)d activities.") % {"count": MAX_ACTIVITIES})
    activities = list(Activity.objects.restrict(user).filter(pk__in=activity_ids).order_by("start_date", "pk"))
    if len(activities) != len(set(activity_ids)):
        raise NotFound()
    others = [a.reference for a in activities if a.kind not in LEARNING_TYPES]
    if others:
        raise _invalid(
            "activities",
            _("Only trainings, workshops and study visits can be followed to detection, not %(references)s.")
            % {"references": ", ".join(others)},
        )
    countries = sorted({a.country for a in activities})
    if len(countries) > 1:
        raise _invalid(
            "activities",
            _("Choose the activities of one country (these are of %(countries)s).")
            % {"countries": ", ".join(countries)},
        )
    return activities


# --- Units ----------------------------------------------------------------------------------------------------
FACT_FIELD = {"region": "region", "organization": "organization_id", "user": "identified_by"}


def _first_trainings(user: User, unit: str, activities: list[Activity]) -> dict[Any, datetime.date]:
    """Each treated unit with the start of the first chosen activity that reached it."""
    first: dict[Any, datetime.date] = {}

    def reached(key: Any, day: datetime.date) -> None:
        if key not in (None, "") and (key not in first or day < first[key]):
            first[key] = day

    starts = {a.pk: a.start_date for a in activities}
    if unit == "region":
        for activity in activities:
            for region in activity.regions or []:
                reached(str(region), activity.start_date)
        return first
    attendances = Attendance.objects.restrict(user).filter(activity_id__in=starts)
    if unit == "organization":
        through = Activity.implementing_organizations.through.objects.filter(activity_id__in=starts)
        for activity_id, organization_id in through.values_list("activity_id", "organization_id"):
            reached(organization_id, starts[activity_id])
        pairs = attendances.values_list("activity_id", "participant__organization_id").order_by().distinct()
    else:
        pairs = attendances.values_list("activity_id", "participant__user_id").order_by().distinct()
    for activity_id, key in pairs:
        reached(key, starts[activity_id])
    return first


def _trained_by_then(country: str, unit: str, last_day: datetime.date) -> set[Any]:
    """Every unit any learning activity of the country reached up to `last_day`: never a comparison unit. Over all
    the country's activities, not only those the user sees: only whether a unit was trained is used."""
    learning = Activity.objects.filter(country=country, kind__in=LEARNING_TYPES, start_date__lte=last_day)
    if unit == "region":
        return {str(region) for regions in learning.values_list("regions", flat=True) for region in regions or []}
    attendances = Attendance.objects.filter(activity__in=learning)
    if unit == "organization":
        through = Activity.implementing_organizations.through.objects.filter(activity__in=learning)
        trained = set(through.values_list("organization_id", flat=True).order_by().distinct())
        trained |= set(attendances.values_list("participant__organization_id", flat=True).order_by().distinct())
    else:
        trained = set(attendances.values_list("participant__user_id", flat=True).order_by().distinct())
    trained.discard(None)
    return trained


def _labels(unit: str, keys: Iterable[Any]) -> list[str]:
    keys = list(keys)
    if unit == "organization":
        names = dict(Organization.objects.filter(pk__in=keys).values_list("pk", "name"))
        return sorted(str(names.get(key, key)) for key in keys)
    if unit == "user":
        # Staff are named by number only: the view is about counts, not about who.
        return [_("User %(number)s") % {"number": key} for key in sorted(keys)]
    return sorted(str(key) for key in keys)


# --- Counting -------------------------------------------------------------------------------------------------
def _available_months(country: str) -> tuple[int, int] | None:
    """The first and last month of the country's identifications (the last at most the last complete month)."""
    bounds = VictimFact.objects.filter(country=country).aggregate(first=Min("identified_on"), last=Max("identified_on"))
    if bounds["first"] is None:
        return None
    first, last = month_index(bounds["first"]), min(month_index(bounds["last"]), last_complete_month())
    return (first, last) if last >= first else None


def count_by_month(facts: QuerySet[VictimFact], *fields: str) -> list[dict[str, Any]]:
    """Victim facts counted per `fields` and month of identification, each row with its month's index ("index").
    PostgreSQL extracts the year and month natively; SQLite would call a Python function for every row, so there the
    month is the first seven characters of the stored ISO date (a plain string operation in SQLite)."""
    if connection.vendor == "sqlite":
        keyed = facts.annotate(fact_month=Substr("identified_on", 1, 7))
        out = []
        for row in keyed.values(*fields, "fact_month").annotate(n=Count("pk")).order_by():
            year, month = str(row.pop("fact_month")).split("-")
            out.append({**row, "index": int(year) * 12 + int(month) - 1})
        return out
    extracted = facts.annotate(fact_year=ExtractYear("identified_on"), fact_month=ExtractMonth("identified_on"))
    rows = extracted.values(*fields, "fact_year", "fact_month").annotate(n=Count("pk")).order_by()
    return [{**row, "index": row["fact_year"] * 12 + row["fact_month"] - 1} for row in rows]


def _victim_panel(country: str, unit: str, first: int, last: int) -> dict[Any, dict[int, int]]:
    """Identifications per unit and month (the month's column from `first`), every fact of a case counted."""
    column = FACT_FIELD[unit]
    facts = VictimFact.objects.filter(
        country=country, identified_on__gte=month_start(first), identified_on__lte=month_end(last)
    )
    if unit == "region":
        facts = facts.exclude(region="")
    elif unit == "user":
        facts = facts.filter(identified_by__isnull=False)
    panel: dict[Any, dict[int, int]] = defaultdict(dict)
    for row in count_by_month(facts, column):
        panel[row[column]][row["index"] - first] = row["n"]
    return panel


def _published(protected: Protected, key: Any) -> tuple[int | None, str, str]:
    value = protected.value(key)
    if value is not None:
        return value, str(value), ""
    status = "primary" if key in protected.primary and not protected.masked else "secondary"
    return None, protected.display(key), status


# --- Impact ---------------------------------------------------------------------------------------------------
def impact_method() -> str:
    return _(
        "Callaway-Sant'Anna style difference-in-differences: an effect for each group of units first trained in the "
        "same month, against the units never trained, from the mean of the months before to each month after (the "
        "training month left out), averaged over the months after and weighted by the number of units; 95%% "
        "percentile interval from a bootstrap over units (%(draws)d draws, fixed seed)."
    ) % {"draws": DRAWS}


def impact_caveat() -> str:
    return _(
        "What this estimate means: the change in cases identified per unit and month after the training, minus the "
        "change over the same months in the units that were not trained. It is not proof that the training caused "
        "the change. It assumes that, without the training, the trained and the untrained units would have moved "
        "in parallel (the months before the training show whether they did). More identifications can mean more "
        "trafficking as well as better detection or more reporting, and other events of the same months (a law, a "
        "campaign, a new office) may explain part of it. With small numbers the estimate is uncertain: read the "
        "interval, not only the number."
    )


def impact_analysis(
    *,
    user: User,
    activity_ids: list[int],
    months_before: int = DEFAULT_MONTHS,
    months_after: int = DEFAULT_MONTHS,
    unit: str = "region",
) -> ImpactResult:
    """Cases identified by the units a group of learning activities trained, month by month around the training,
    against the units no learning activity reached, with a difference-in-differences estimate (see the module).
    NotFound when an activity is missing or out of the user's scope; ApplicationError("invalid") on bad input."""
    if unit not in UNITS:
        raise _invalid("unit", _("Choose the unit region, organization or user."))
    before = check_months(months_before, "before")
    after = check_months(months_after, "after")
    activities = _learning_activities(user, activity_ids)
    country = activities[0].country
    first_training = _first_trainings(user, unit, activities)
    if not first_training:
        message = {
            "region": _("The activities name no region: choose the unit organization or user."),
            "organization": _("No organization took part in these activities (roster or implementing)."),
            "user": _("No participant on these activities' rosters is linked to a tipsom user."),
        }[unit]
        raise _invalid("unit", message)
    cohort_of = {key: month_index(day) for key, day in first_training.items()}
    start, end = min(cohort_of.values()) - before, max(cohort_of.values()) + after
    available = _available_months(country)
    if available is None:
        raise _invalid("activities", _("No identification is recorded in this country yet."))
    if start < available[0] or end > available[1]:
        raise ApplicationError(
            "window_beyond_data",
            _(
                "The window runs from %(start)s to %(end)s, but identifications are recorded from %(first)s to "
                "%(last)s. Choose fewer months before or after, or other activities."
            )
            % {
                "start": month_start(start).strftime("%Y-%m"),
                "end": month_start(end).strftime("%Y-%m"),
                "first": month_start(available[0]).strftime("%Y-%m"),
                "last": month_start(available[1]).strftime("%Y-%m"),
            },
            {
                "fields": {"before": _("The window is longer than the data.")},
                "available_from": month_start(available[0]).isoformat(),
                "available_to": month_end(available[1]).isoformat(),
            },
        )
    trained = _trained_by_then(country, unit, month_end(end))
    width = end - start + 1
    panel = _victim_panel(country, unit, start, end)
    # The comparison: the units of the kind that identified someone in the months shown, never trained by then.
    comparison_keys = set(panel) - trained - set(cohort_of)
    treated_keys = sorted(cohort_of, key=str)
    comparison_sorted = sorted(comparison_keys, key=str)
    outcomes = np.zeros((len(treated_keys) + len(comparison_sorted), width))
    for row, key in enumerate([*treated_keys, *comparison_sorted]):
        for column, n in panel.get(key, {}).items():
            outcomes[row, column] = n
    cohorts = np.array([cohort_of[key] - start for key in treated_keys] + [-1] * len(comparison_sorted))
    n_treated = len(treated_keys)

    # The published table: months x group, with the before, after and window totals of each group.
    g_first, g_last = min(cohort_of.values()) - start, max(cohort_of.values()) - start
    before_columns = range(g_first - before, g_first)
    after_columns = range(g_last + 1, g_last + 1 + after)
    cells: dict[Any, int] = {}
    relations = []
    for group, block in ((TREATED, outcomes[:n_treated]), (COMPARISON, outcomes[n_treated:])):
        monthly = block.sum(axis=0).astype(int) if block.shape[0] else np.zeros(width, dtype=int)
        for column in range(width):
            cells[(group, column)] = int(monthly[column])
        cells[(group, BEFORE)] = int(sum(monthly[c] for c in before_columns))
        cells[(group, AFTER)] = int(sum(monthly[c] for c in after_columns))
        cells[(group, TOTAL)] = int(monthly.sum())
        relations.append(sums((group, TOTAL), [(group, c) for c in range(width)]))
        relations.append(sums((group, BEFORE), [(group, c) for c in before_columns]))
        relations.append(sums((group, AFTER), [(group, c) for c in after_columns]))
    threshold = small_cell()
    protected = protect(cells, relations, threshold=threshold)
    counts: dict[str, dict[str, int | None]] = {}
    count_displays: dict[str, dict[str, str]] = {}
    count_statuses: dict[str, dict[str, str]] = {}
    for group in (TREATED, COMPARISON):
        counts[group], count_displays[group], count_statuses[group] = {}, {}, {}
        for period in (BEFORE, AFTER, TOTAL):
            value, display, status = _published(protected, (group, period))
            counts[group][period] = value
            count_displays[group][period] = display
            count_statuses[group][period] = status
    sizes = {TREATED: n_treated, COMPARISON: len(comparison_sorted)}
    series: dict[str, list[float | None]] = {TREATED: [], COMPARISON: []}
    rows = []
    training_columns = {g - start for g in cohort_of.values()}
    for column in range(width):
        values, displays, statuses = {}, {}, {}
        for group in (TREATED, COMPARISON):
            value, display, status = _published(protected, (group, column))
            values[group], displays[group], statuses[group] = value, display, status
            size = sizes[group]
            series[group].append(round(value / size, 4) if value is not None and size else None)
        if column < g_first:
            phase = "before"
        elif column in training_columns:
            phase = "training"
        elif column > g_last:
            phase = "after"
        else:
            phase = "between"
        rows.append(MonthRow(month_start(start + column), phase, values, displays, statuses))

    notes: list[str] = []
    withheld = cells[(TREATED, TOTAL)] < threshold or cells[(COMPARISON, TOTAL)] < threshold
    estimate = placebo = None
    if not comparison_sorted:
        notes.append(_("No untrained unit of this kind recorded a case: there is nothing to compare with."))
    elif withheld:
        notes.append(
            _(
                "The trained or the comparison units identified fewer than %(threshold)d cases in these months: "
                "too few to estimate anything, and no estimate is shown."
            )
            % {"threshold": threshold}
        )
    else:
        estimate = staggered_did(outcomes, cohorts, before, after)
        placebo = staggered_did(outcomes, cohorts, before, after, placebo=True)
    pre_trend_flag = bool(placebo is not None and placebo.covers_zero is False)
    if pre_trend_flag:
        notes.append(
            _(
                "Before the training the trained and the comparison units were already moving apart (the check of "
                "the months before leaves out zero): the estimate is not to be trusted."
            )
        )
    if estimate is not None and n_treated < FEW_TREATED_UNITS:
        notes.append(
            ngettext(
                "Only %(count)d trained unit: the interval takes account of the variation among the comparison "
                "units only and understates the uncertainty.",
                "Only %(count)d trained units: with so few, the interval understates the uncertainty.",
                n_treated,
            )
            % {"count": n_treated}
        )
    if len(set(cohort_of.values())) > 1:
        notes.append(
            _(
                "The units were trained in different months: each is compared with its own months before and after; "
                "the table's before and after are the months before the first training and after the last."
            )
        )
    cohort_rows = []
    for g in sorted(set(cohort_of.values())):
        members = [key for key in treated_keys if cohort_of[key] == g]
        effect = estimate.cohorts.get(g - start) if estimate is not None else None
        cohort_rows.append({"month": month_start(g), "units": len(members), "effect": effect})
    return ImpactResult(
        country=country,
        unit=unit,
        treated=_labels(unit, treated_keys),
        comparison=_labels(unit, comparison_sorted),
        months=[month_start(start + column) for column in range(width)],
        treated_series=series[TREATED],
        comparison_series=series[COMPARISON],
        training_dates=sorted({a.start_date for a in activities}),
        counts=counts,
        estimate=estimate.value if estimate is not None else None,
        ci_low=estimate.low if estimate is not None else None,
        ci_high=estimate.high if estimate is not None else None,
        pre_trend=placebo.value if placebo is not None else None,
        pre_trend_ci=(placebo.low, placebo.high)
        if placebo is not None and placebo.low is not None and placebo.high is not None
        else None,
        method=impact_method(),
        caveat=impact_caveat(),
        withheld=withheld,
        activities=[
            {"id": a.pk, "reference": a.reference, "title": a.title, "kind": a.kind, "start_date": a.start_date}
            for a in activities
        ],
        months_before=before,
        months_after=after,
        count_displays=count_displays,
        count_statuses=count_statuses,
        rows=rows,
        cohorts=cohort_rows,
        pre_trend_flag=pre_trend_flag,
        notes=notes,
        available=(month_start(available[0]), month_end(available[1])),
        threshold=threshold,
    )


# --- Campaign -------------------------------------------------------------------------------------------------
CONTACTS, IDENTIFICATIONS = "contacts", "identifications"
DURING = "during"


def campaign_caveat() -> str:
    return _(
        "Helpline contacts and identifications in the campaign's regions before, during and after it. A change is "
        "not proof that the campaign caused it: the seasons, other events and the helpline's own hours move these "
        "numbers too, and more identifications can mean more trafficking as well as more reporting. With small "
        "numbers a difference may be chance."
    )


def campaign_effect(*, user: User, activity_id: int, months_around: int | None = None) -> CampaignEffect:
    """Helpline contacts and identifications per month in an awareness campaign's regions (the whole country when
    it names none): before (as many months as the campaign lasted, or `months_around`), during and after.
    NotFound when the activity is missing or out of scope; ApplicationError("invalid") when it is not a campaign."""
    try:
        activity = Activity.objects.restrict(user).get(pk=activity_id)
    except (Activity.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    if activity.kind != ActivityType.CAMPAIGN:
        raise _invalid("activity", _("This activity is not an awareness campaign."))
    first, last = month_index(activity.start_date), month_index(activity.end_date)
    around = check_months(months_around, "months") if months_around is not None else min(last - first + 1, 60)
    country = activity.country
    regions = [str(region) for region in activity.regions or []]
    start, end = first - around, last + around
    notes: list[str] = []
    data_first = _first_month_of_data(country)
    if data_first is None:
        raise _invalid("activity", _("No helpline contact or identification is recorded in this country yet."))
    if start < data_first:
        notes.append(
            _("The data start in %(month)s: the months before are fewer.")
            % {"month": month_start(data_first).strftime("%Y-%m")}
        )
        start = data_first
    if end > last_complete_month():
        end = last_complete_month()
        notes.append(_("The months after the campaign are fewer: the data end with the last complete month."))
    if end < start:
        if first > last_complete_month():
            raise _invalid("activity", _("The campaign has not begun yet: there is nothing to show."))
        raise _invalid(
            "activity",
            _("The data start in %(month)s, after the campaign and the months around it: there is nothing to show.")
            % {"month": month_start(data_first).strftime("%Y-%m")},
        )
    width = end - start + 1
    series = {
        CONTACTS: _contacts_by_month(country, regions, start, end),
        IDENTIFICATIONS: _identifications_by_month(country, regions, start, end),
    }
    phases = [
        "before" if start + column < first else DURING if start + column <= last else "after" for column in range(width)
    ]
    cells: dict[Any, int] = {}
    relations = []
    for measure, monthly in series.items():
        for column in range(width):
            cells[(measure, column)] = monthly.get(column, 0)
        for phase in (BEFORE, DURING, AFTER):
            columns = [c for c in range(width) if phases[c] == phase]
            cells[(measure, phase)] = sum(cells[(measure, c)] for c in columns)
            relations.append(sums((measure, phase), [(measure, c) for c in columns]))
    threshold = small_cell()
    protected = protect(cells, relations, threshold=threshold)
    phase_months = {phase: phases.count(phase) for phase in (BEFORE, DURING, AFTER)}
    totals: dict[str, dict[str, int | None]] = {}
    total_displays: dict[str, dict[str, str]] = {}
    total_statuses: dict[str, dict[str, str]] = {}
    means: dict[str, dict[str, float | None]] = {}
    published_series: dict[str, list[int | None]] = {}
    for measure in (CONTACTS, IDENTIFICATIONS):
        totals[measure], total_displays[measure], total_statuses[measure], means[measure] = {}, {}, {}, {}
        for phase in (BEFORE, DURING, AFTER):
            value, display, status = _published(protected, (measure, phase))
            totals[measure][phase], total_displays[measure][phase] = value, display
            total_statuses[measure][phase] = status
            months = phase_months[phase]
            means[measure][phase] = round(value / months, 2) if value is not None and months else None
        published_series[measure] = [protected.value((measure, column)) for column in range(width)]
    rows = []
    for column in range(width):
        values, displays, statuses = {}, {}, {}
        for measure in (CONTACTS, IDENTIFICATIONS):
            values[measure], displays[measure], statuses[measure] = _published(protected, (measure, column))
        rows.append(MonthRow(month_start(start + column), phases[column], values, displays, statuses))
    return CampaignEffect(
        activity_id=activity.pk,
        reference=activity.reference,
        title=activity.title,
        country=country,
        regions=regions,
        start_date=activity.start_date,
        end_date=activity.end_date,
        months=[month_start(start + column) for column in range(width)],
        phases=phases,
        contacts_series=published_series[CONTACTS],
        identifications_series=published_series[IDENTIFICATIONS],
        totals=totals,
        monthly_means=means,
        phase_months=phase_months,
        caveat=campaign_caveat(),
        rows=rows,
        total_displays=total_displays,
        total_statuses=total_statuses,
        notes=notes,
        threshold=threshold,
    )


def _first_month_of_data(country: str) -> int | None:
    firsts = []
    victims = VictimFact.objects.filter(country=country).aggregate(first=Min("identified_on"))["first"]
    if victims is not None:
        firsts.append(month_index(victims))
    contact = (
        ContactFact.objects.filter(country=country)
        .annotate(index=F("year") * 12 + F("month") - 1)
        .aggregate(first=Min("index"))["first"]
    )
    if contact is not None:
        firsts.append(int(contact))
    return min(firsts) if firsts else None


def _contacts_by_month(country: str, regions: list[str], first: int, last: int) -> dict[int, int]:
    contacts = ContactFact.objects.filter(country=country, year__gte=first // 12, year__lte=last // 12)
    if regions:
        contacts = contacts.filter(region__in=regions)
    rows = contacts.values("year", "month").annotate(n=Count("pk")).order_by()
    by_month: dict[int, int] = {}
    for row in rows:
        column = row["year"] * 12 + row["month"] - 1 - first
        if 0 <= column <= last - first:
            by_month[column] = row["n"]
    return by_month


def _identifications_by_month(country: str, regions: list[str], first: int, last: int) -> dict[int, int]:
    facts = VictimFact.objects.filter(
        country=country, identified_on__gte=month_start(first), identified_on__lte=month_end(last)
    )
    if regions:
        facts = facts.filter(region__in=regions)
    return {row["index"] - first: row["n"] for row in count_by_month(facts)}
