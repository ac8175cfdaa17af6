"""The donor report's figures: one DonorReport of titled tables (sections), built once from the selectors of the
activities, the results framework and the grants, and written as it stands by the screen, the API, the XLSX and
the PDF, so that every form shows the same numbers.

A cell is a number (int or Decimal), a text, None (nothing to show: "—") or a Withheld mark ("<5" or ".."): a
small count of victims withheld under the disclosure rules (tipsom.core.disclosure), a gap in a chart, never 0."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tipsom.accounts.models import User
from tipsom.core.disclosure import protect
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.locale_names import country_name
from tipsom.core.permissions import SCOPE_GLOBAL, user_scopes
from tipsom.organizations.models import Organization
from tipsom.programme.models import (
    COOPERATION_TYPES,
    LEARNING_TYPES,
    ActionStatus,
    Activity,
    ActivityType,
    Channel,
    FollowUpAction,
    Pillar,
    ReviewStatus,
    Sector,
)
from tipsom.programme.selectors.activities import participant_counts_many
from tipsom.programme.selectors.grants import grant_summaries
from tipsom.programme.selectors.results import framework_table

FORMATS = ("xlsx", "pdf")
LONGEST_PERIOD_DAYS = 366 * 10  # a report of more than ten years is a mistake


@dataclass(frozen=True)
class Withheld:
    """A count not published: "<5" (a small count) or ".." (a count that would give a small one back)."""

    mark: str

    def __str__(self) -> str:
        return self.mark


Cell = int | Decimal | str | Withheld | None


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    decimals: int = 0


@dataclass(frozen=True)
class Chart:
    """A bar chart of a section: one bar per row (labelled by `label_column`), one series per value column."""

    title: str
    label_column: int
    value_columns: tuple[int, ...]


@dataclass
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] | None = None
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)
    # Rows that are headings (a result of the framework above its indicators): shown in bold, never charted.
    heading_rows: set[int] = field(default_factory=set)

    @property
    def all_rows(self) -> list[list[Cell]]:
        return [*self.rows, self.total] if self.total is not None else list(self.rows)

    def display_rows(self) -> list[dict[str, Any]]:
        """The rows as the screen writes them: each cell's text, whether it is a number, withheld, the chart's row
        label or one of its values (stats/charts.js draws the chart from those, a withheld value as a gap)."""
        labels = self.chart.label_column if self.chart is not None else None
        values = self.chart.value_columns if self.chart is not None else ()
        shown = []
        for index, row in enumerate(self.all_rows):
            total = self.total is not None and index == len(self.rows)
            cells = [
                {
                    "text": cell_text(cell, column),
                    "numeric": column.numeric,
                    "withheld": isinstance(cell, Withheld),
                    "label": position == labels,
                    "value": position in values,
                    "number": cell if isinstance(cell, int | Decimal) and not isinstance(cell, bool) else None,
                }
                for position, (cell, column) in enumerate(zip(row, self.columns, strict=True))
            ]
            shown.append({"cells": cells, "heading": index in self.heading_rows, "total": total, "key": index})
        return shown

    def header(self) -> list[dict[str, Any]]:
        values = self.chart.value_columns if self.chart is not None else ()
        return [
            {"label": column.label, "numeric": column.numeric, "key": f"c{position}" if position in values else ""}
            for position, column in enumerate(self.columns)
        ]

    def chart_rows(self) -> list[list[Cell]]:
        return [row for index, row in enumerate(self.rows) if index not in self.heading_rows]


@dataclass
class DonorReport:
    country: str
    country_name: str
    start: datetime.date
    end: datetime.date
    pillar: int | None
    generated_at: datetime.datetime
    sections: list[Section]

    @property
    def title(self) -> str:
        return _("Donor report: %(country)s") % {"country": self.country_name}

    @property
    def pillar_label(self) -> str:
        return str(Pillar(self.pillar).label) if self.pillar else _("All pillars")

    @property
    def period_label(self) -> str:
        return _("%(start)s to %(end)s") % {"start": date_text(self.start), "end": date_text(self.end)}

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    def numbers(self) -> Iterator[tuple[str, int, int, int | Decimal]]:
        """(section, row, column, value) of every number of the report (what every form must show alike)."""
        for section in self.sections:
            for r, row in enumerate(section.all_rows):
                for c, value in enumerate(row):
                    if isinstance(value, int | Decimal) and not isinstance(value, bool):
                        yield section.key, r, c, value

    def as_json(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "country_name": self.country_name,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "pillar": self.pillar,
            "generated_at": self.generated_at.isoformat(),
            "sections": [
                {
                    "key": section.key,
                    "title": section.title,
                    "columns": [column.label for column in section.columns],
                    "rows": [[json_cell(cell) for cell in row] for row in section.rows],
                    "total": [json_cell(cell) for cell in section.total] if section.total is not None else None,
                    "notes": section.notes,
                }
                for section in self.sections
            ],
        }


def json_cell(cell: Cell) -> Any:
    if isinstance(cell, Decimal):
        return str(cell)
    if isinstance(cell, Withheld):
        return {"withheld": cell.mark}
    return cell


def date_text(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def cell_text(cell: Cell, column: Column | None = None) -> str:
    """A cell as the screen and the PDF write it (numbers in the active language's grouping)."""
    if cell is None:
        return "—"
    if isinstance(cell, Withheld):
        return cell.mark
    if isinstance(cell, bool):
        return _("Yes") if cell else _("No")
    if isinstance(cell, int):
        return formats.number_format(cell, use_l10n=True, force_grouping=True)
    if isinstance(cell, Decimal):
        decimals = column.decimals if column is not None else 2
        return formats.number_format(cell, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return str(cell)


# --- Who may report which country, and the parameters --------------------------------------------------------------
def report_countries(user: User) -> list[str]:
    """The countries the user may report: any country of the deployment for whoever exports the programme of every
    country (the programme manager), else their own organization's country; none without `export` on activities."""
    scopes = user_scopes(user, "export", Activity)
    if not scopes:
        return []
    if SCOPE_GLOBAL in scopes:
        return sorted(set(Organization.objects.values_list("country", flat=True)))
    organization = getattr(user, "organization", None)
    return [organization.country] if organization is not None else []


@dataclass(frozen=True)
class ReportParameters:
    country: str
    start: datetime.date
    end: datetime.date
    pillar: int | None = None


def report_parameters(
    *, country: str, start: Any, end: Any, pillar: Any = None, countries: Iterable[str] | None = None
) -> ReportParameters:
    """The report's parameters checked: a country of the deployment (of `countries`, when given), dates (ISO
    strings or dates) in order and at most ten years apart, a pillar from 1 to 6 or none. ApplicationError
    "invalid" with every problem at once."""
    errors: dict[str, str] = {}
    code = (country or "").strip().upper()
    allowed = set(countries) if countries is not None else None
    if not code:
        errors["country"] = _("Give the country.")
    elif allowed is not None and code not in allowed:
        errors["country"] = _("You may not report on %(code)s.") % {"code": code}
    elif allowed is None and not Organization.objects.filter(country=code).exists():
        errors["country"] = _("No organization of this deployment is in %(code)s.") % {"code": code}
    first, last = _date(start, "from", errors), _date(end, "to", errors)
    if first and last:
        if first > last:
            errors["to"] = _("The end of the period is before its start.")
        elif (last - first).days > LONGEST_PERIOD_DAYS:
            errors["to"] = _("A report covers at most ten years.")
    chosen: int | None = None
    if pillar not in (None, ""):
        try:
            chosen = int(str(pillar))
        except ValueError:
            chosen = 0
        if chosen not in Pillar.values:
            errors["pillar"] = _("The pillar is a number from 1 to 6.")
    if errors:
        raise ApplicationError("invalid", _("The report cannot be made."), {"fields": errors})
    assert first is not None and last is not None
    return ReportParameters(country=code, start=first, end=last, pillar=chosen)


def _date(value: Any, name: str, errors: dict[str, str]) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors[name] = _("Give a date as YYYY-MM-DD.")
        return None


def check_format(value: str) -> str:
    format = (value or "").strip().lower()
    if format not in FORMATS:
        raise ApplicationError(
            "invalid",
            _("Unknown format %(format)s: give xlsx or pdf.") % {"format": value},
            {"fields": {"format": _("Give xlsx or pdf.")}},
        )
    return format


# --- The report ----------------------------------------------------------------------------------------------------
def donor_report(*, user: User, parameters: ReportParameters, today: datetime.date | None = None) -> DonorReport:
    """The donor report of a country (and a pillar) for the period, as the user may read it (NotFound for a
    country the user may not report on)."""
    if parameters.country not in report_countries(user):
        raise NotFound()
    today = today or timezone.localdate()
    period = Activity.objects.restrict(user, "view").filter(
        country=parameters.country, start_date__gte=parameters.start, start_date__lte=parameters.end
    )
    if parameters.pillar:
        period = period.filter(pillar=parameters.pillar)
    activities = list(period.order_by("start_date", "pk"))
    counts = participant_counts_many(activities)
    sections = [
        _activities_section(activities, counts),
        *_participant_sections(activities, counts),
        _framework_section(user, parameters),
        _campaigns_section(activities),
        _cooperation_section(user, activities, today),
        _grants_section(user, parameters),
        _impact_section(user, activities),
    ]
    sections.insert(0, _summary_section(sections))
    return DonorReport(
        country=parameters.country,
        country_name=country_name(parameters.country),
        start=parameters.start,
        end=parameters.end,
        pillar=parameters.pillar,
        generated_at=timezone.now(),
        sections=sections,
    )


def _activities_section(activities: list[Activity], counts: dict[int, Any]) -> Section:
    groups: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for activity in activities:
        group = groups[(activity.pillar, activity.kind)]
        group[0] += 1
        group[1] += counts[activity.pk].total
    kinds = list(ActivityType.values)
    rows: list[list[Cell]] = [
        [str(Pillar(pillar).label), str(ActivityType(kind).label), number, participants]
        for (pillar, kind), (number, participants) in sorted(
            groups.items(), key=lambda g: (g[0][0], kinds.index(g[0][1]))
        )
    ]
    return Section(
        key="activities",
        title=_("Activities by pillar and type"),
        columns=[
            Column(_("Pillar")),
            Column(_("Type")),
            Column(_("Activities"), numeric=True),
            Column(_("Participants"), numeric=True),
        ],
        rows=rows,
        total=[_("Total"), "", sum(g[0] for g in groups.values()), sum(g[1] for g in groups.values())],
        chart=Chart(_("Participants by pillar and type"), 1, (3,)),
        notes=[_("Activities that started in the period. A person who took part in two activities counts twice.")],
    )


def _participant_sections(activities: list[Activity], counts: dict[int, Any]) -> list[Section]:
    """Participants by sex and by sector: from the rosters where an activity has one, else its aggregate counts."""
    sexes = {"women": [0, 0], "men": [0, 0], "other": [0, 0]}
    sectors: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for activity in activities:
        count = counts[activity.pk]
        source = 0 if count.from_roster else 1
        sexes["women"][source] += count.women
        sexes["men"][source] += count.men
        sexes["other"][source] += count.other
        for sector, number in (count.by_sector or {}).items():
            sectors[sector][source] += int(number)
        unstated = count.total - sum(int(number) for number in (count.by_sector or {}).values())
        if unstated > 0:
            sectors[""][source] += unstated
    sex_labels = {
        "women": _("Women"),
        "men": _("Men"),
        "other": _("Other or not stated"),
    }
    columns = [
        Column(""),
        Column(_("On rosters"), numeric=True),
        Column(_("Aggregate counts"), numeric=True),
        Column(_("Participants"), numeric=True),
    ]
    by_sex = Section(
        key="sex",
        title=_("Participants by sex"),
        columns=[Column(_("Sex")), *columns[1:]],
        rows=[[sex_labels[key], roster, aggregate, roster + aggregate] for key, (roster, aggregate) in sexes.items()],
        chart=Chart(_("Participants by sex"), 0, (3,)),
    )
    by_sex.total = _column_totals(by_sex.rows, 1, 4)
    order = list(Sector.values)
    sector_rows: list[list[Cell]] = [
        [_sector_label(sector), roster, aggregate, roster + aggregate]
        for sector, (roster, aggregate) in sorted(
            sectors.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
        )
    ]
    by_sector = Section(
        key="sector",
        title=_("Participants by sector"),
        columns=[Column(_("Sector")), *columns[1:]],
        rows=sector_rows,
        total=_column_totals(sector_rows, 1, 4),
        chart=Chart(_("Participants by sector"), 0, (3,)),
        notes=[_("From the rosters where an activity has one, else from the counts recorded on the activity.")],
    )
    return [by_sex, by_sector]


def _sector_label(sector: str) -> str:
    if sector in Sector.values:
        return str(Sector(sector).label)
    return _("Not stated") if not sector else sector


def _column_totals(rows: list[list[Cell]], first: int, last: int) -> list[Cell]:
    totals: list[Cell] = [_("Total")]
    for column in range(first, last):
        totals.append(sum(_ints(row[column] for row in rows)))
    return totals


def _ints(cells: Iterable[Cell]) -> list[int]:
    return [cell for cell in cells if isinstance(cell, int) and not isinstance(cell, bool)]


def _decimals(cells: Iterable[Cell]) -> list[Decimal]:
    return [cell for cell in cells if isinstance(cell, Decimal)]


def _decimal(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal("0.01"))


def _framework_section(user: User, parameters: ReportParameters) -> Section:
    table = framework_table(
        user=user, country=parameters.country, period_start=parameters.start, period_end=parameters.end
    )
    statuses = dict(ReviewStatus.choices)
    rows: list[list[Cell]] = []
    headings: set[int] = set()
    for framework_row in table.rows:
        node = framework_row.node
        if parameters.pillar and node.pillar != parameters.pillar:
            continue
        headings.add(len(rows))
        rows.append([node.code, node.title, str(node.get_level_display()), None, None, None, None, ""])
        for row in framework_row.indicators:
            actual: Cell = _decimal(row.actual)
            if row.withheld and row.actual is None:
                actual = Withheld(row.marks.get("numerator") or row.marks.get("actual") or "..")
            status = _("Computed") if row.computed else str(statuses.get(row.status, row.status or "—"))
            rows.append(
                [
                    row.indicator.code,
                    row.indicator.title,
                    row.indicator.unit,
                    str(row.baseline_year) if row.baseline_year else None,  # a year, not a number to group
                    _decimal(row.baseline_value),
                    _decimal(row.target),
                    actual,
                    status,
                ]
            )
    return Section(
        key="framework",
        title=_("Results framework"),
        columns=[
            Column(_("Code")),
            Column(_("Result or indicator")),
            Column(_("Level or unit")),
            Column(_("Baseline year")),
            Column(_("Baseline"), numeric=True, decimals=2),
            Column(_("Target"), numeric=True, decimals=2),
            Column(_("Actual"), numeric=True, decimals=2),
            Column(_("Status")),
        ],
        rows=rows,
        heading_rows=headings,
        notes=[_("Targets and actuals of the indicator periods that match the report's period.")],
    )


def _campaigns_section(activities: list[Activity]) -> Section:
    campaigns = [activity for activity in activities if activity.kind == ActivityType.CAMPAIGN]
    rows: list[list[Cell]] = [
        [
            campaign.reference,
            campaign.title,
            date_text(campaign.start_date),
            date_text(campaign.end_date),
            ", ".join(_channel_label(channel) for channel in campaign.channels or []),
            campaign.people_reached,
            campaign.materials_count,
        ]
        for campaign in campaigns
    ]
    return Section(
        key="campaigns",
        title=_("Awareness campaigns"),
        columns=[
            Column(_("Reference")),
            Column(_("Campaign")),
            Column(_("Start")),
            Column(_("End")),
            Column(_("Channels and media")),
            Column(_("People reached"), numeric=True),
            Column(_("Materials distributed"), numeric=True),
        ],
        rows=rows,
        total=[_("Total"), "", "", "", "", *_column_totals(rows, 5, 7)[1:]],
        chart=Chart(_("People reached"), 1, (5,)),
    )


def _channel_label(channel: str) -> str:
    return str(Channel(channel).label) if channel in Channel.values else channel


def _cooperation_section(user: User, activities: list[Activity], today: datetime.date) -> Section:
    meetings = [
        activity
        for activity in activities
        if activity.kind in COOPERATION_TYPES and activity.pillar == Pillar.COOPERATION
    ]
    actions: dict[int, list[FollowUpAction]] = defaultdict(list)
    for action in FollowUpAction.objects.restrict(user, "view").filter(activity__in=[m.pk for m in meetings]):
        actions[action.activity_id].append(action)
    rows: list[list[Cell]] = []
    for meeting in meetings:
        own = actions[meeting.pk]
        open_actions = [action for action in own if action.status == ActionStatus.OPEN]
        overdue = [action for action in open_actions if action.due_on < today]
        rows.append(
            [
                meeting.reference,
                meeting.title,
                date_text(meeting.start_date),
                ", ".join(meeting.countries or []) or meeting.country,
                len(own),
                len(open_actions),
                len(overdue),
            ]
        )
    return Section(
        key="cooperation",
        title=_("Regional cooperation"),
        columns=[
            Column(_("Reference")),
            Column(_("Meeting")),
            Column(_("Date")),
            Column(_("Countries")),
            Column(_("Follow-up actions"), numeric=True),
            Column(pgettext("follow-up action", "Open"), numeric=True),
            Column(_("Overdue"), numeric=True),
        ],
        rows=rows,
        total=[_("Total"), "", "", "", *_column_totals(rows, 4, 7)[1:]],
        notes=[_("Overdue: open and past its due date on %(date)s.") % {"date": date_text(today)}],
    )


def _grants_section(user: User, parameters: ReportParameters) -> Section:
    summaries = grant_summaries(user=user, country=parameters.country, start=parameters.start, end=parameters.end)
    if parameters.pillar:  # the pillar of each grant's activity, read at once (not one activity per grant)
        linked = {summary.grant.activity_id for summary in summaries if summary.grant.activity_id is not None}
        in_pillar = set(Activity.objects.filter(pk__in=linked, pillar=parameters.pillar).values_list("pk", flat=True))
        summaries = [summary for summary in summaries if summary.grant.activity_id in in_pillar]
    # Victims assisted under each grant are counts of victims: small ones are withheld.
    persons = {summary.grant.pk: int(summary.victims_persons or 0) for summary in summaries}
    published = protect(persons)
    rows: list[list[Cell]] = []
    for summary in summaries:
        grant = summary.grant
        mark = published.mark(grant.pk)
        rows.append(
            [
                grant.reference,
                grant.title,
                grant.grantee.name,
                grant.currency,
                _decimal(summary.committed),
                _decimal(summary.released),
                _decimal(summary.disbursed),
                _decimal(summary.spent),
                Withheld(mark) if mark else persons[grant.pk],
                summary.overdue_reports,
            ]
        )
    currencies = {summary.grant.currency for summary in summaries}
    total: list[Cell] | None = None
    if len(currencies) == 1:
        total = [_("Total"), "", "", currencies.pop()]
        for column in range(4, 8):
            total.append(sum(_decimals(row[column] for row in rows), Decimal("0.00")))
        total += [None, sum(_ints(row[9] for row in rows))]
    return Section(
        key="grants",
        title=_("Grants to civil society"),
        columns=[
            Column(_("Reference")),
            Column(_("Grant")),
            Column(_("Grantee")),
            Column(_("Currency")),
            Column(_("Committed"), numeric=True, decimals=2),
            Column(_("Released"), numeric=True, decimals=2),
            Column(_("Disbursed"), numeric=True, decimals=2),
            Column(_("Spent"), numeric=True, decimals=2),
            Column(_("Victims assisted"), numeric=True),
            Column(_("Overdue reports"), numeric=True),
        ],
        rows=rows,
        total=total,
        chart=Chart(_("Committed, disbursed and spent"), 0, (4, 6, 7)),
        notes=[
            _("Victims assisted: persons who received a service under the grant (no identities)."),
            _("“<5” is a count from 1 to 4; “..” a count withheld so that no small count can be worked out."),
        ],
    )


def _impact_section(user: User, activities: list[Activity]) -> Section:
    """The impact estimate of the period's learning activities (trainings, workshops, study visits) on the
    identifications in the regions they reached (programme.selectors.impact), or why there is none."""
    from tipsom.programme.selectors.impact import AFTER, BEFORE, COMPARISON, TREATED, impact_analysis

    section = Section(
        key="impact",
        title=_("Impact of the period's trainings on identifications"),
        columns=[Column(_("Figure")), Column(_("Value"), numeric=True, decimals=2)],
    )
    learning = [activity.pk for activity in activities if activity.kind in LEARNING_TYPES]
    if not learning:
        section.notes.append(_("No training in the period."))
        return section
    try:
        result = impact_analysis(user=user, activity_ids=learning)
    except (ApplicationError, NotFound) as error:
        message = getattr(error, "message", "") or str(error)
        section.notes.append(_("No estimate: %(reason)s") % {"reason": message})
        return section
    labels = {
        (TREATED, BEFORE): _("Cases in the trained regions, before"),
        (TREATED, AFTER): _("Cases in the trained regions, after"),
        (COMPARISON, BEFORE): _("Cases in the comparison regions, before"),
        (COMPARISON, AFTER): _("Cases in the comparison regions, after"),
    }
    for (group, period), label in labels.items():
        value = result.counts.get(group, {}).get(period)
        status = result.count_statuses.get(group, {}).get(period, "")
        display = result.count_displays.get(group, {}).get(period, "..")
        section.rows.append([label, Withheld(display) if status or value is None else int(value)])
    for label, number in (
        (_("Estimate (cases per region and month)"), result.estimate),
        (_("Confidence interval, low"), result.ci_low),
        (_("Confidence interval, high"), result.ci_high),
    ):
        section.rows.append([label, Decimal(str(round(number, 2))) if number is not None else None])
    section.rows.append([_("Trained regions"), len(result.treated)])
    section.rows.append([_("Comparison regions"), len(result.comparison)])
    section.notes.extend(str(note) for note in [result.method, result.caveat, *result.notes] if note)
    return section


def _summary_section(sections: list[Section]) -> Section:
    by_key = {section.key: section for section in sections}
    activities, sexes = by_key["activities"], by_key["sex"]
    assert activities.total is not None and sexes.total is not None
    rows: list[list[Cell]] = [
        [_("Activities"), activities.total[2]],
        [_("Participants"), activities.total[3]],
        [_("Women"), sexes.rows[0][3]],
        [_("Men"), sexes.rows[1][3]],
        [_("Awareness campaigns"), len(by_key["campaigns"].rows)],
        [_("Cooperation meetings"), len(by_key["cooperation"].rows)],
        [_("Grants"), len(by_key["grants"].rows)],
    ]
    return Section(
        key="summary",
        title=_("Summary"),
        columns=[Column(_("Figure")), Column(_("Value"), numeric=True)],
        rows=rows,
    )


# For the schema of the API and the words of the screens.
SECTION_KEYS = ("summary", "activities", "sex", "sector", "framework", "campaigns", "cooperation", "grants", "impact")
FORMAT_LABELS = {"xlsx": gettext_lazy("Spreadsheet (XLSX)"), "pdf": gettext_lazy("PDF")}
