"""Helpline statistics: the contacts of a period by channel, by type (about something or not), by form of
exploitation, by month, by weekday and hour, how many became cases or referrals, and how many callbacks were
kept on time; for a helpline's supervisors (their helpline) and for the national coordinator (every helpline of
the country, or one of them).

Counting. Everything is counted in the database from coded columns (channel, type, time, the JSON list of forms of
exploitation, the case link, the callback's times), one grouped query per breakdown over the period's contacts (the
indexes (organization, time) and (country, time) find them); no value is decrypted and no row is read into Python.
Hours and weekdays are those of the deployment's time zone (settings.TIME_ZONE). A callback counts in the period
it was due: kept on time when it was made (the caller reached, no answer, or not safe to talk) at most
ON_TIME_GRACE after the time agreed, late after that, missed when it is still to be made and its time has passed;
a cancelled one is counted apart. A contact may name several forms of exploitation: that table does not add up.

Small numbers. Every viewer sees the statistics withheld the same way, on the screen, in the CSV file and in the
API: a table of statistics may be shown, printed or sent on, while a supervisor who needs a single exact count
finds it in the contact list. All the tables go through core.disclosure together, with the deployment's threshold
(TIPSOM_SMALL_CELL, 5 by default), because they are linked: every contact is in one channel, one type, one month,
one weekday and one hour; the types add up to "about something" and "not"; the weekday-by-hour cells add up to both
the weekday and the hour; the forms of exploitation cover the contacts about something (a contact under each of its
forms); the callbacks' outcomes add up to the callbacks. A count from 1 to 4 is "<5", and the complements that keep
it from being worked out from any of these sums are ".."."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.core.codes import code_label
from tipsom.core.disclosure import NOT_PUBLISHED, Relation, covers, holding, protect, sums, within
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import SCOPE_NATIONAL, scope_filter, user_scopes
from tipsom.helpline.models import NON_DATA_TYPES, Callback, CallbackStatus, Channel, Contact, ContactType
from tipsom.helpline.selectors_review import period_bounds
from tipsom.organizations.models import Organization

ON_TIME_GRACE = timedelta(minutes=15)
DEFAULT_MONTHS = 6
MAX_DAYS = 3 * 366
DONE = (CallbackStatus.REACHED, CallbackStatus.NO_ANSWER, CallbackStatus.UNSAFE)
CALLBACK_OUTCOMES = ("on_time", "late", "missed", "upcoming", "cancelled")
DATA_TYPES = tuple(t for t in ContactType if t not in NON_DATA_TYPES)
NON_DATA = tuple(t for t in ContactType if t in NON_DATA_TYPES)
HOURS = range(24)
ISO_WEEKDAYS = range(1, 8)  # Monday 1 ... Sunday 7

Key = tuple[Hashable, ...]


# --- What is asked and what comes back --------------------------------------------------------------------------
@dataclass(frozen=True)
class StatsFilters:
    """Contacts from `date_from` to `date_to` (both included), of one helpline of the country when a national
    viewer chooses one."""

    date_from: date
    date_to: date
    organization_id: int | None = None

    @classmethod
    def default(cls, today: date | None = None) -> StatsFilters:
        """The current month and the five before it."""
        today = today or timezone.localdate()
        year, month = today.year, today.month - (DEFAULT_MONTHS - 1)
        while month < 1:
            year, month = year - 1, month + 12
        return cls(date_from=date(year, month, 1), date_to=today)


@dataclass(frozen=True)
class Cell:
    """A count, or None when it is withheld, with its mark: "<5" (a small count) or ".." (a complement)."""

    value: int | None
    mark: str = NOT_PUBLISHED

    @property
    def withheld(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return self.mark if self.value is None else number_format(self.value, force_grouping=True)

    def as_json(self) -> int | None:
        return self.value


def share(part: Cell, whole: Cell) -> float | None:
    """part / whole, None when either is withheld or nothing is there to divide by."""
    if part.value is None or not whole.value:
        return None
    return part.value / whole.value


def share_text(value: float | None) -> str:
    return "—" if value is None else f"{number_format(round(value * 100, 1), decimal_pos=1)} %"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: Cell
    share: float | None = None  # of the table's total

    @property
    def share_text(self) -> str:
        return share_text(self.share)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    rows: list[Row]
    total: Cell
    adds_up: bool = True  # False: a contact may be in several rows (forms of exploitation)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "labels": [row.label for row in self.rows],
            "keys": [row.key for row in self.rows],
            "values": [row.count.as_json() for row in self.rows],
        }


@dataclass(frozen=True)
class HeatRow:
    weekday: int
    label: str
    cells: list[Cell]
    levels: list[str]  # a CSS class per cell: heat-0 (none) to heat-5 (the most), heat-x (withheld)

    @property
    def pairs(self) -> list[tuple[Cell, str]]:
        return list(zip(self.cells, self.levels, strict=True))


@dataclass(frozen=True)
class HelplineStats:
    filters: StatsFilters
    national: bool  # the viewer sees the country's helplines (the national coordinator)
    scope_label: str
    small_cell: int
    total: Cell
    tables: list[Table]
    heat: list[HeatRow]
    data_contacts: Cell
    cases: Cell
    referrals: Cell
    callbacks: Table
    withheld: int = 0
    time_zone: str = ""
    outcomes: list[Row] = field(default_factory=list)

    @property
    def callbacks_on_time_share(self) -> float | None:
        cells = {row.key: row.count for row in self.callbacks.rows}
        made = [cells["on_time"], cells["late"], cells["missed"]]
        if any(cell.value is None for cell in made):
            return None
        due = sum(cell.value or 0 for cell in made)
        return (cells["on_time"].value or 0) / due if due else None

    @property
    def hours(self) -> list[str]:
        return [f"{hour:02d}" for hour in HOURS]

    def table(self, key: str) -> Table:
        return next(table for table in [*self.tables, self.callbacks] if table.key == key)

    def chart_data(self) -> dict[str, Any]:
        """What the charts draw (helpline/stats.js): withheld counts are gaps (null)."""
        return {
            table.key: table.as_json()
            for table in self.tables
            if table.key in ("month", "hour", "weekday", "channel", "type", "category")
        }


# --- Scope ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatsScope:
    condition: Q  # narrows contacts and callbacks alike (both hold owner_organization, country, created_by)
    national: bool
    country: str


def stats_scope(user: User) -> StatsScope:
    """Whose contacts the user's statistics count: the country's helplines for a national coordinator (export on
    contacts, national), the helpline's own for its supervisors (approve on contacts); NotFound for anyone else."""
    for action in ("export", "approve"):
        condition = scope_filter(user, action, Contact)
        if condition is not None:
            organization = user.organization
            return StatsScope(
                condition=condition,
                national=SCOPE_NATIONAL in user_scopes(user, action, Contact),
                country=organization.country if organization is not None else "",
            )
    raise NotFound()


def may_see_stats(user: User) -> bool:
    try:
        stats_scope(user)
    except NotFound:
        return False
    return True


def stats_organizations(user: User) -> list[tuple[int, str]]:
    """The helplines a national viewer may choose among: the country's organizations with the helpline function."""
    scope = stats_scope(user)
    if not scope.national:
        return []
    rows = Organization.objects.filter(country=scope.country).order_by("name").values_list("pk", "name", "functions")
    return [(pk, name) for pk, name, functions in rows if "helpline" in (functions or [])]


def stats_contacts(*, user: User, filters: StatsFilters) -> QuerySet[Contact]:
    """The contacts the statistics count (never read as rows: only grouped and counted)."""
    scope = stats_scope(user)
    start, end = period_bounds(filters.date_from, filters.date_to)
    contacts = Contact.objects.filter(scope.condition, started_at__gte=start, started_at__lt=end)
    if filters.organization_id:
        contacts = contacts.filter(owner_organization_id=filters.organization_id)
    return contacts


def _check_period(filters: StatsFilters) -> None:
    if filters.date_from > filters.date_to:
        message = _("The end of the period cannot come before its start.")
        raise ApplicationError("invalid", message, {"fields": {"date_to": message}})
    if (filters.date_to - filters.date_from).days > MAX_DAYS:
        message = _("Choose a period of three years at most.")
        raise ApplicationError("invalid", message, {"fields": {"date_from": message}})


def _months(filters: StatsFilters) -> list[date]:
    months, current = [], filters.date_from.replace(day=1)
    while current <= filters.date_to:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def _local_date(value: Any) -> date:
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


# --- The statistics ----------------------------------------------------------------------------------------------
def helpline_stats(*, user: User, filters: StatsFilters) -> HelplineStats:  # noqa: PLR0915
    """The helpline statistics of the period for `user` (NotFound without a supervisor's or national coordinator's
    permission), every count withheld as the module's docstring says. Seven grouped queries."""
    scope = stats_scope(user)
    _check_period(filters)
    contacts = stats_contacts(user=user, filters=filters).order_by()
    values: dict[Key, int] = defaultdict(int)

    # 1. Channel and type (and the case link) in one grouped query.
    for row in contacts.values("channel", "contact_type").annotate(
        n=Count("pk"), cases=Count("pk", filter=Q(case__isnull=False))
    ):
        n = row["n"]
        values[("all",)] += n
        values[("channel", row["channel"])] += n
        values[("type", row["contact_type"])] += n
        kind = "non_data" if row["contact_type"] in NON_DATA_TYPES else "data"
        values[("kind", kind)] += n
        values[("cases",)] += row["cases"]
    # 2. Months, in the deployment's time zone.
    for by_month in contacts.annotate(month=TruncMonth("started_at")).values("month").annotate(n=Count("pk")):
        values[("month", _local_date(by_month["month"]).replace(day=1))] += by_month["n"]
    # 3. Weekday by hour.
    heat_rows = contacts.annotate(weekday=ExtractIsoWeekDay("started_at"), hour=ExtractHour("started_at"))
    for by_time in heat_rows.values("weekday", "hour").annotate(n=Count("pk")):
        weekday, hour, n = int(by_time["weekday"]), int(by_time["hour"]), by_time["n"]
        values[("cell", weekday, hour)] += n
        values[("weekday", weekday)] += n
        values[("hour", hour)] += n
    # 4. Forms of exploitation (each combination counted once, then added to each of its forms).
    categories: dict[str, int] = defaultdict(int)
    data_contacts = contacts.exclude(contact_type__in=list(NON_DATA_TYPES))
    for by_forms in data_contacts.values("exploitation_types").annotate(n=Count("pk")):
        forms = by_forms["exploitation_types"] or [""]
        for code in dict.fromkeys(forms):
            categories[code] += by_forms["n"]
    for code, n in categories.items():
        values[("category", code)] = n
    # 5. Contacts that led to a referral.
    through = Contact.referrals.through.objects.filter(contact__in=contacts.values("pk"))
    values[("referrals",)] = through.values("contact_id").distinct().count()
    # 6. Callbacks due in the period.
    start, end = period_bounds(filters.date_from, filters.date_to)
    callbacks = Callback.objects.filter(scope.condition, due_at__gte=start, due_at__lt=end)
    if filters.organization_id:
        callbacks = callbacks.filter(owner_organization_id=filters.organization_id)
    now = timezone.now()
    kept = Q(status__in=DONE)
    in_time = Q(done_at__lte=F("due_at") + ON_TIME_GRACE)
    counted = callbacks.order_by().aggregate(
        on_time=Count("pk", filter=kept & in_time),
        late=Count("pk", filter=kept & ~in_time),
        missed=Count("pk", filter=Q(status=CallbackStatus.PENDING, due_at__lt=now)),
        upcoming=Count("pk", filter=Q(status=CallbackStatus.PENDING, due_at__gte=now)),
        cancelled=Count("pk", filter=Q(status=CallbackStatus.CANCELLED)),
    )
    for outcome in CALLBACK_OUTCOMES:
        values[("callback", outcome)] = counted[outcome] or 0
    values[("callbacks",)] = sum(counted[outcome] or 0 for outcome in CALLBACK_OUTCOMES)

    months = _months(filters)
    published = protect(dict(values), _relations(months, categories, values))
    hidden = published.suppressed

    def cell(*key: Hashable) -> Cell:
        return Cell(published.value(key), published.mark(key) or NOT_PUBLISHED)

    total = cell("all")

    def table(key: str, title: str, items: Sequence[tuple[Key, str, str]], whole: Cell, adds_up: bool = True) -> Table:
        rows = []
        for value_key, row_key, label in items:
            count = cell(*value_key)
            rows.append(Row(row_key, label, count, share(count, whole)))
        return Table(key, title, rows, whole, adds_up)

    types = dict(ContactType.choices)
    type_items = [(("type", t.value), t.value, str(types[t])) for t in (*DATA_TYPES, *NON_DATA)]
    category_items = sorted(
        (
            (("category", code), code, code_label("vic_TypeOfExploitation", code) if code else _("None recorded"))
            for code in categories
        ),
        key=lambda item: (-values[item[0]], item[2]),
    )
    tables = [
        table("channel", _("By channel"), [(("channel", c.value), c.value, str(c.label)) for c in Channel], total),
        table(
            "kind",
            _("About something or not"),
            [
                (("kind", "data"), "data", _("About a person, a tip or a question")),
                (("kind", "non_data"), "non_data", _("Silent, hang-up, wrong number or prank")),
            ],
            total,
        ),
        table("type", _("By type of contact"), type_items, total),
        table("category", _("By form of exploitation"), category_items, cell("kind", "data"), adds_up=False),
        table(
            "month",
            _("By month"),
            [(("month", m), m.isoformat()[:7], date_format(m, "YEAR_MONTH_FORMAT")) for m in months],
            total,
        ),
        table(
            "weekday",
            _("By weekday"),
            [(("weekday", d), str(d), str(WEEKDAYS[d - 1])) for d in ISO_WEEKDAYS],
            total,
        ),
        table("hour", _("By hour of the day"), [(("hour", h), str(h), f"{h:02d}:00") for h in HOURS], total),
    ]
    heat = _heat(cell)
    callbacks_table = table(
        "callbacks",
        _("Callbacks due in the period"),
        [
            (("callback", "on_time"), "on_time", _("Kept on time")),
            (("callback", "late"), "late", _("Kept late")),
            (("callback", "missed"), "missed", _("Missed (time passed, not made)")),
            (("callback", "upcoming"), "upcoming", _("Not due yet")),
            (("callback", "cancelled"), "cancelled", _("Cancelled")),
        ],
        cell("callbacks"),
    )
    data_cell = cell("kind", "data")
    cases, referrals = cell("cases"), cell("referrals")
    outcomes = [
        Row("cases", _("Became a case (opened or linked)"), cases, share(cases, data_cell)),
        Row("referrals", _("Led to a referral"), referrals, share(referrals, data_cell)),
    ]
    return HelplineStats(
        filters=filters,
        national=scope.national,
        scope_label=_scope_label(user, scope, filters),
        small_cell=published.threshold,
        total=total,
        tables=tables,
        heat=heat,
        data_contacts=data_cell,
        cases=cases,
        referrals=referrals,
        callbacks=callbacks_table,
        withheld=len(hidden),
        time_zone=timezone.get_current_timezone_name(),
        outcomes=outcomes,
    )


def _relations(months: list[date], categories: dict[str, int], values: dict[Key, int]) -> list[Relation]:
    """What a reader knows of the linked tables: the sums each table shows, and the counts within others."""
    relations = [
        sums(("all",), [("channel", c.value) for c in Channel]),
        sums(("all",), [("kind", "data"), ("kind", "non_data")]),
        sums(("kind", "data"), [("type", t.value) for t in DATA_TYPES]),
        sums(("kind", "non_data"), [("type", t.value) for t in NON_DATA]),
        sums(("all",), [("month", m) for m in months]),
        sums(("all",), [("weekday", d) for d in ISO_WEEKDAYS]),
        sums(("all",), [("hour", h) for h in HOURS]),
        sums(("callbacks",), [("callback", o) for o in CALLBACK_OUTCOMES]),
        covers(("kind", "data"), [("category", code) for code in categories]),
    ]
    relations += [sums(("weekday", d), [("cell", d, h) for h in HOURS]) for d in ISO_WEEKDAYS]
    relations += [sums(("hour", h), [("cell", d, h) for d in ISO_WEEKDAYS]) for h in HOURS]
    # Contacts that became cases or led to referrals: within the contacts (where the records bear it out).
    relations += holding(values, [within(("all",), [("cases",)]), within(("all",), [("referrals",)])])
    return relations


def _heat(cell: Callable[..., Cell]) -> list[HeatRow]:
    cells = {(d, h): cell("cell", d, h) for d in ISO_WEEKDAYS for h in HOURS}
    top = max((shown.value or 0 for shown in cells.values()), default=0)
    rows = []
    for d in ISO_WEEKDAYS:
        levels = []
        for h in HOURS:
            value = cells[(d, h)].value
            if value is None:
                levels.append("heat-x")
            else:
                levels.append(f"heat-{0 if not value or not top else max(1, -(-value * 5 // top))}")
        rows.append(HeatRow(d, str(WEEKDAYS[d - 1]), [cells[(d, h)] for h in HOURS], levels))
    return rows


def _scope_label(user: User, scope: StatsScope, filters: StatsFilters) -> str:
    from tipsom.organizations import geography

    if filters.organization_id:
        name = Organization.objects.filter(pk=filters.organization_id).values_list("name", flat=True).first()
        return name or ""
    if scope.national:
        return _("Every helpline of %(country)s") % {"country": geography.country_name(scope.country)}
    organization = user.organization
    return organization.name if organization is not None else ""


def stats_rows(stats: HelplineStats) -> list[list[str]]:
    """The statistics as the CSV file's rows: section, key, label, count ("<5" or ".." when withheld), share of the
    section's total. The weekday-by-hour cells as section "weekday_hour", key "<weekday>-<hour>"."""
    rows = [["section", "key", "label", "count", "share"]]
    rows.append(["total", "all", _("All contacts"), str(stats.total), ""])
    for table in [*stats.tables, stats.callbacks]:
        for row in table.rows:
            rows.append([table.key, row.key, row.label, _csv(row.count), _csv_share(row.share)])
    for row in stats.outcomes:
        rows.append(["outcome", row.key, row.label, _csv(row.count), _csv_share(row.share)])
    for heat_row in stats.heat:
        for hour, count in enumerate(heat_row.cells):
            rows.append(["weekday_hour", f"{heat_row.weekday}-{hour:02d}", f"{heat_row.label} {hour:02d}:00",
                         _csv(count), ""])  # fmt: skip
    return rows


def _csv(count: Cell) -> str:
    return count.mark if count.value is None else str(count.value)


def _csv_share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"
