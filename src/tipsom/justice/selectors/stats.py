"""The justice statistics of a year (GLOTIP and UN-CTS): persons brought into formal contact, prosecuted and
convicted, by sex, adult or minor, citizenship and offence type; offences recorded; smuggling incidents with the
dead, missing, injured and survivors.

Counting. GLOTIP counts persons, once per stage per year: a person suspected in two cases in the same year is one
person brought into formal contact (COUNT DISTINCT on the registry person). The stages:
- formal contact: a defendant's `formal_contact_on` in the year; offence type: the criminal case's;
- prosecuted: a charge's `charged_on` in the year (a person charged in January and again in June counts once);
  offence type: the charge's;
- convicted: a charge's `convicted_on` in the year (it is set only while a conviction stands, so an overturned one
  is not counted); offence type: the type convicted of (`convicted_type`, a lesser offence when so convicted).
Breakdowns. Sex is the registry person's gender. Adult or minor is the age reached in the year of the stage from
the person's birth year (only the year is statistical), else the defendant's age at the offence; unknown when
neither is known (when a person's records disagree, with no birth year: the first of adult, child, unknown).
A person with two citizenships counts once under each (the citizenship rows may add up to more than the total),
and once under each offence type they reached the stage for.

Everything is counted in the database, one query per stage: a subquery groups the stage's rows of the year by
person (over the indexes suspect_contact, charge_charged, charge_convicted), and the outer query counts the persons
per combination of sex, citizenships, age group and offence types; the few combinations are added up into each
breakdown (the total is exact: each person is in one combination). One more query counts the offences recorded
(offence_recorded), one sums the incidents. No row is read into Python.

Scope. The records of the criminal cases the user may see (a police unit's, a prosecution office's, a court's
cases; the country's for a national rapporteur or coordinator), and the smuggling incidents the user may see. A
deployment serves one country: when no case of another country is recorded, a national user's counts need no join
on the criminal case (the offences are then counted from their index alone).

Small numbers. National users see every count on the screen. Everyone else, and every release (the API:
`release=True`), gets the counts through core.disclosure with the deployment's threshold (TIPSOM_SMALL_CELL, 5 by
default): a count from 1 to 4 is "<5", and the complements that keep it from being worked out are "..". Each stage
is one table: the total, the sexes and the age groups adding up to it, the citizenships and the offence types
covering it (a person under each of theirs); the offences recorded add up to their total; the smuggling incidents'
sums are bound as the incident form requires (the dead, missing and survivors within the migrants involved, the
injured among the survivors, at least one migrant per incident), where the data bears it out."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connections
from django.db.models import Aggregate, Case, CharField, Count, F, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.core.codes import code_label
from tipsom.core.disclosure import NOT_PUBLISHED, Relation, covers, holding, protect, small_cell, sums, within
from tipsom.core.permissions import SCOPE_NATIONAL, require_permission, user_scopes
from tipsom.justice.models import (
    AgeGroup,
    Charge,
    CriminalCase,
    Offence,
    OffenceType,
    SmugglingIncident,
    Suspect,
)
from tipsom.organizations import geography

ADULT_AGE = 18
STAGES = ("formal_contact", "prosecuted", "convicted")
INCIDENT_TOTALS = ("incidents", "migrants", "dead", "missing", "injured", "survivors")


# --- What comes back ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """A count, or None when it is withheld, with its mark: "<5" (a small count) or ".." (a complement)."""

    value: int | None
    mark: str = NOT_PUBLISHED

    @property
    def withheld(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return self.mark if self.value is None else str(self.value)

    def as_json(self) -> int | str:
        return str(self) if self.value is None else self.value


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: Cell


@dataclass(frozen=True)
class StageStats:
    stage: str
    label: str
    total: Cell
    by_sex: list[Row]
    by_age: list[Row]
    by_citizenship: list[Row]
    by_offence_type: list[Row]

    @property
    def breakdowns(self) -> list[tuple[str, str, list[Row]]]:
        return [
            ("sex", _("Sex"), self.by_sex),
            ("age", _("Adult or minor"), self.by_age),
            ("citizenship", _("Citizenship"), self.by_citizenship),
            ("offence_type", _("Offence type"), self.by_offence_type),
        ]


@dataclass(frozen=True)
class JusticeStats:
    year: int
    national: bool  # the user's scope is the country
    small_cell: int
    stages: list[StageStats]
    offences_total: Cell
    offences_by_type: list[Row]
    incidents: dict[str, Cell] = field(default_factory=dict)
    protected: bool = True  # through core.disclosure; False: a national user's screen, every count exact

    def as_json(self) -> dict[str, Any]:
        def rows(items: list[Row]) -> list[dict[str, Any]]:
            return [{"key": row.key, "label": row.label, "count": row.count.as_json()} for row in items]

        return {
            "year": self.year,
            "national": self.national,
            "protected": self.protected,
            "small_cell": self.small_cell,
            "persons": {
                stage.stage: {
                    "total": stage.total.as_json(),
                    **{name: rows(items) for name, _label, items in stage.breakdowns},
                }
                for stage in self.stages
            },
            "offences_recorded": {"total": self.offences_total.as_json(), "offence_type": rows(self.offences_by_type)},
            "som_incidents": {name: cell.as_json() for name, cell in self.incidents.items()},
        }


# --- Scope ----------------------------------------------------------------------------------------------------
def user_sees_national(user: User) -> bool:
    return SCOPE_NATIONAL in user_scopes(user, "view", CriminalCase)


def case_record_scope(user: User) -> Q | None:
    """The Q that narrows offences, defendants and charges to the criminal cases the user may see (these records
    take the case's permissions); None when the user sees no case. National: the country's cases (a join on the
    case's country); narrower scopes: the cases the user's organization works on (a short subquery)."""
    scopes = user_scopes(user, "view", CriminalCase)
    if not scopes:
        return None
    if SCOPE_NATIONAL in scopes and user.organization is not None:
        country = user.organization.country
        if not _other_countries_have_cases(country):
            return Q()  # one deployment, one country: every record is the country's, no join on the case needed
        return Q(criminal_case__country=country)
    return Q(criminal_case__in=CriminalCase.objects.restrict(user, "view").values("pk"))


def _other_countries_have_cases(country: str) -> bool:
    """Whether a criminal case of another country is recorded here (two probes of the country index)."""
    cases = CriminalCase.objects.order_by()
    return cases.filter(country__lt=country).exists() or cases.filter(country__gt=country).exists()


def _scoped(queryset: QuerySet[Any], scope: Q | None) -> QuerySet[Any]:
    return queryset.none() if scope is None else queryset.filter(scope)


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# --- The grouped queries ----------------------------------------------------------------------------------------
def _age_group(person: str, age_at_offence: str, year: int) -> Case:
    """adult, child or unknown: the age reached in `year` from the birth year, else the age at the offence."""
    birth_year = f"{person}birth_year"
    return Case(
        When(**{f"{birth_year}__gt": year - ADULT_AGE}, then=Value(AgeGroup.CHILD.value)),
        When(**{f"{birth_year}__isnull": False}, then=Value(AgeGroup.ADULT.value)),
        When(**{f"{age_at_offence}__lt": ADULT_AGE}, then=Value(AgeGroup.CHILD.value)),
        When(**{f"{age_at_offence}__isnull": False}, then=Value(AgeGroup.ADULT.value)),
        default=Value(AgeGroup.UNKNOWN.value),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class _Stage:
    name: str
    queryset: QuerySet[Any]
    person: str  # the lookup of the registry person: "person__" or "suspect__person__"
    age_at_offence: str
    offence_type: str


def _stage_queries(scope: Q | None, year: int) -> list[_Stage]:
    start, end = _year(year)
    return [
        _Stage(
            "formal_contact",
            _scoped(Suspect.objects.filter(formal_contact_on__range=(start, end)), scope),
            "person__",
            "age_at_offence",
            "criminal_case__offence_type",
        ),
        _Stage(
            "prosecuted",
            _scoped(Charge.objects.filter(charged_on__range=(start, end)), scope),
            "suspect__person__",
            "suspect__age_at_offence",
            "offence_type",
        ),
        _Stage(
            "convicted",
            _scoped(Charge.objects.filter(convicted_on__range=(start, end)), scope),
            "suspect__person__",
            "suspect__age_at_offence",
            "convicted_type",
        ),
    ]


class TypeSet(Aggregate):
    """The distinct offence types of a person's rows, joined with commas (codes hold no comma; "" for none)."""

    function = "STRING_AGG"
    template = "%(function)s(DISTINCT %(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, template="GROUP_CONCAT(DISTINCT %(expressions)s)", **extra_context)


def _per_person(stage: _Stage, year: int) -> QuerySet[Any]:
    """One row per person who reached the stage in the year: their sex and citizenships (the person's), their age
    group (the first of adult, child, unknown when their records disagree) and their offence types."""
    return (
        stage.queryset.order_by()
        .values(
            k_person=F(f"{stage.person}id"),
            k_sex=F(f"{stage.person}gender"),
            k_citizenships=F(f"{stage.person}citizenships"),
        )
        .annotate(
            k_age=Min(_age_group(stage.person, stage.age_at_offence, year)),
            k_types=TypeSet(Coalesce(F(stage.offence_type), Value(""))),
        )
    )


def _stage_counts(stage: _Stage, year: int) -> dict[str, Any]:
    """The stage's counts from one query: the persons (grouped once each in a subquery) counted per combination of
    sex, citizenships, age group and offence types; the combinations (a few dozen, never the rows) are then added
    up into each breakdown. Exact: each person is in one combination."""
    counts: dict[str, Any] = {"total": 0, "sex": {}, "age": {}, "citizenship": {}, "offence_type": {}}
    if stage.queryset.query.is_empty():
        return counts
    inner_sql, params = _per_person(stage, year).query.sql_with_params()
    connection = connections[stage.queryset.db]
    columns = ", ".join(connection.ops.quote_name(name) for name in ("k_sex", "k_citizenships", "k_age", "k_types"))
    sql = f"SELECT {columns}, COUNT(*) FROM ({inner_sql}) per_person GROUP BY {columns}"  # noqa: S608 (our names)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        combinations = cursor.fetchall()
    by: dict[str, dict[str, int]] = {name: defaultdict(int) for name in ("sex", "age", "citizenship", "offence_type")}
    for sex, citizenships, age, types, persons in combinations:
        counts["total"] += persons
        by["sex"][sex or ""] += persons
        by["age"][age] += persons
        if isinstance(citizenships, str):  # SQLite hands the JSON over as text
            citizenships = json.loads(citizenships)
        for code in dict.fromkeys(citizenships or [""]):
            by["citizenship"][code] += persons
        for key in set((types or "").split(",")):
            by["offence_type"][key] += persons
    counts.update({name: dict(values) for name, values in by.items()})
    return counts


# --- Disclosure control ----------------------------------------------------------------------------------------
BREAKDOWNS = ("sex", "age", "citizenship", "offence_type")
INCIDENT_RELATIONS = (
    within("migrants", ["dead", "missing", "survivors"]),
    within("survivors", ["injured"]),
    within("migrants", ["incidents"]),
)


def disclosed(cells: dict[Any, int], relations: list[Relation], protect_cells: bool) -> dict[Any, Cell]:
    """Every cell as it may be shown: through core.disclosure, or exact when `protect_cells` is False."""
    if not protect_cells:
        return {key: Cell(value) for key, value in cells.items()}
    published = protect(cells, relations)
    return {key: Cell(published.value(key), published.mark(key) or NOT_PUBLISHED) for key in cells}


def _stage_cells(counts: dict[str, Any]) -> tuple[dict[Any, int], list[Relation]]:
    cells: dict[Any, int] = {("total",): counts["total"]}
    for kind in BREAKDOWNS:
        cells.update({(kind, key): value for key, value in counts[kind].items()})
    relations = [
        sums(("total",), [("sex", key) for key in counts["sex"]]),
        sums(("total",), [("age", key) for key in counts["age"]]),
        covers(("total",), [("citizenship", key) for key in counts["citizenship"]]),
        covers(("total",), [("offence_type", key) for key in counts["offence_type"]]),
    ]
    return cells, relations


def _rows(kind: str, counts: dict[str, int], shown: dict[Any, Cell]) -> list[Row]:
    """The rows of a breakdown, largest shown count first (a withheld one sorts as 0: its size is not shown)."""
    labels = _labels(kind, counts)
    rows = [Row(key, labels.get(key, key), shown[(kind, key)]) for key in counts]
    return sorted(rows, key=lambda row: (-(row.count.value or 0), row.label))


def _labels(kind: str, keys: Iterable[str]) -> dict[str, str]:
    if kind == "sex":
        return {key: code_label("prs_Gender", key) if key else _("Sex not recorded") for key in keys}
    if kind == "age":
        return {key: str(AgeGroup(key).label) for key in keys}
    if kind == "citizenship":
        return {key: geography.country_name(key) if key else _("Citizenship not recorded") for key in keys}
    types = dict(OffenceType.choices)
    return {key: str(types.get(key, key)) if key else _("Offence type not recorded") for key in keys}


def _stage_stats(name: str, label: str, counts: dict[str, Any], protect_cells: bool) -> StageStats:
    cells, relations = _stage_cells(counts)
    shown = disclosed(cells, relations, protect_cells)
    return StageStats(
        stage=name,
        label=label,
        total=shown[("total",)],
        by_sex=_rows("sex", counts["sex"], shown),
        by_age=_rows("age", counts["age"], shown),
        by_citizenship=_rows("citizenship", counts["citizenship"], shown),
        by_offence_type=_rows("offence_type", counts["offence_type"], shown),
    )


def stage_label(stage: str) -> str:
    return {
        "formal_contact": _("Persons brought into formal contact"),
        "prosecuted": _("Persons prosecuted"),
        "convicted": _("Persons convicted"),
    }[stage]


# --- The statistics -------------------------------------------------------------------------------------------
def justice_stats(*, user: User, year: int, release: bool = False) -> JusticeStats:
    """The year's justice statistics of the records `user` may see (NotFound without any justice view): exact for
    a national user's screen, through core.disclosure for anyone else and for every release (`release`: the API,
    a file)."""
    require_permission(user, "view", CriminalCase)
    national = user_sees_national(user)
    protect_cells = release or not national
    scope = case_record_scope(user)
    stages = [
        _stage_stats(stage.name, stage_label(stage.name), _stage_counts(stage, year), protect_cells)
        for stage in _stage_queries(scope, year)
    ]

    start, end = _year(year)
    offences = _scoped(Offence.objects.filter(recorded_on__range=(start, end)), scope)
    by_type = {
        row["offence_type"]: row["n"]
        for row in offences.order_by().values("offence_type").annotate(n=Count("pk")).values("offence_type", "n")
    }
    offence_cells: dict[Any, int] = {("total",): sum(by_type.values())}
    offence_cells.update({("offence_type", key): value for key, value in by_type.items()})
    offences_shown = disclosed(
        offence_cells, [sums(("total",), [("offence_type", key) for key in by_type])], protect_cells
    )

    incidents = (
        SmugglingIncident.objects.restrict(user, "view")
        .filter(occurred_on__range=(start, end))
        .aggregate(
            incidents=Count("pk"),
            migrants=Sum("migrants_total"),
            dead=Sum("dead"),
            missing=Sum("missing"),
            injured=Sum("injured"),
            survivors=Sum("survivors"),
        )
    )
    incident_counts = {name: incidents[name] or 0 for name in INCIDENT_TOTALS}
    incident_cells = disclosed(incident_counts, holding(incident_counts, INCIDENT_RELATIONS), protect_cells)
    return JusticeStats(
        year=year,
        national=national,
        small_cell=small_cell(),
        stages=stages,
        offences_total=offences_shown[("total",)],
        offences_by_type=_rows("offence_type", by_type, offences_shown),
        incidents=incident_cells,
        protected=protect_cells,
    )
