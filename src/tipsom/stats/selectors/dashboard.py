"""The national statistics dashboard: its filters and its panels, each a table of counts over the facts of the
user's scope (stats.models), counted in the database (grouped queries, a few hundred groups at most: the nine
victim panels share four, the other panels one each, the referrals two), then published through stats.tables
(protected for publication, the same for every viewer; panels that share cells are protected together).

Filters (a GET query, so a URL keeps them): the years `year_from`..`year_to` (default: the last five years), the
`region` (ISO 3166-2, where the victim was identified), the `organization_type` (HTCDS org_Type of the organization
that recorded the fact), `case_type` (tip: trafficking cases, including those that are both; som: smuggling cases,
including both; both: only the cases that are both) and `child` (yes/no: a child at identification). A filter that
has no meaning for a panel is not applied there, and the panel says so in a note (the justice record has no region
and no victim's age; helpline contacts have no case type).

Counting units: victims are the counted VictimFact rows (a person once per year, GLOTIP); the justice funnel the
counted JusticeFact rows (a person once per stage and year); offences, incidents, contacts and referrals one row
per record. A table over several years adds up per-year counts: a person identified in two years is in both.

Sex and age (GLOTIP): women and girls are female, men and boys male; girls and boys were children at
identification; women and men adults whose age is known. Everyone else (another or unknown sex, an adult age
unknown) is in "Sex or age unknown".
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipsom.accounts.models import User
from tipsom.cases.models.choices import ServiceType
from tipsom.core import disclosure
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.locale_names import country_name
from tipsom.core.permissions import SCOPE_NATIONAL, user_scopes
from tipsom.helpline.models import Channel, ContactType
from tipsom.organizations import geography
from tipsom.organizations.models import OrganizationType
from tipsom.referrals.selectors.stats import Percentile
from tipsom.stats.exports import Scope, user_scope
from tipsom.stats.facts import cube
from tipsom.stats.models import (
    UNKNOWN_COUNTRY,
    ContactFact,
    ExploitationForm,
    FactStage,
    IncidentFact,
    JusticeFact,
    OffenceFact,
    ReferralFact,
    VictimCount,
    VictimFact,
)
from tipsom.stats.tables import TOTAL, Column, PublishedCell, PublishedTable, RawTable, publish_group

MIN_YEAR = 1990
MAX_SPAN = 30  # years in one query
DEFAULT_SPAN = 5
TOP = 10  # citizenships and countries of exploitation named; the rest are "Other countries"
FLOW_TOP = 8  # countries named on each side of the flow view
OTHER = "other"
UNKNOWN = "unknown"
CASE_TYPES = {"tip": ("tip", "both"), "som": ("som", "both"), "both": ("both",)}


# --- Filters ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DashboardFilters:
    year_from: int
    year_to: int
    region: str = ""
    organization_type: str = ""
    case_type: str = ""  # "", tip, som, both
    child: bool | None = None

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))

    @classmethod
    def default(cls, year: int | None = None) -> DashboardFilters:
        last = year or timezone.localdate().year
        return cls(year_from=last - DEFAULT_SPAN + 1, year_to=last)

    def query(self) -> dict[str, str]:
        """The filters as GET parameters (those set), for links that keep them."""
        pairs = {
            "year_from": str(self.year_from),
            "year_to": str(self.year_to),
            "region": self.region,
            "organization_type": self.organization_type,
            "case_type": self.case_type,
            "child": {True: "yes", False: "no", None: ""}[self.child],
        }
        return {key: value for key, value in pairs.items() if value}


class DashboardFilterForm(forms.Form):
    year_from = forms.IntegerField(label=gettext_lazy("From the year"), required=False)
    year_to = forms.IntegerField(label=gettext_lazy("To the year"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    organization_type = forms.ChoiceField(label=gettext_lazy("Type of organization"), required=False)
    case_type = forms.ChoiceField(label=gettext_lazy("Trafficking or smuggling"), required=False)
    child = forms.ChoiceField(label=gettext_lazy("Children"), required=False)

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("year_from", "year_to"):
            self.fields[name].widget.attrs.update({"min": MIN_YEAR, "max": self.max_year(), "inputmode": "numeric"})
            self.fields[name].error_messages["invalid"] = _("Give a year as a number, such as 2024.")
        self.fields["region"].choices = [("", _("Every region")), *geography.region_choices(country)]  # type: ignore[attr-defined]
        self.fields["organization_type"].choices = [("", _("Every type")), *OrganizationType.choices]  # type: ignore[attr-defined]
        self.fields["case_type"].choices = [  # type: ignore[attr-defined]
            ("", _("Both")),
            ("tip", _("Trafficking in persons")),
            ("som", _("Smuggling of migrants")),
            ("both", _("Cases that are both")),
        ]
        self.fields["child"].choices = [("", _("Children and adults")), ("yes", _("Children")), ("no", _("Adults"))]  # type: ignore[attr-defined]

    @staticmethod
    def max_year() -> int:
        return timezone.localdate().year + 1

    def _year(self, name: str) -> int | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        if not MIN_YEAR <= value <= self.max_year():
            raise forms.ValidationError(
                _("Give a year from %(first)s to %(last)s.") % {"first": MIN_YEAR, "last": self.max_year()}
            )
        return int(value)

    def clean_year_from(self) -> int | None:
        return self._year("year_from")

    def clean_year_to(self) -> int | None:
        return self._year("year_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("year_from"), data.get("year_to")
        if start is not None and end is not None:
            if start > end:
                self.add_error("year_to", _("The last year cannot come before the first."))
            elif end - start + 1 > MAX_SPAN:
                self.add_error("year_from", _("Choose %(span)s years at most.") % {"span": MAX_SPAN})
        return data

    def filters(self) -> DashboardFilters:
        """The valid form as filters; a missing year falls back to the default span."""
        data = self.cleaned_data
        default = DashboardFilters.default()
        end = data.get("year_to")
        start = data.get("year_from")
        if end is None:
            end = max(default.year_to, start) if start is not None else default.year_to
            end = min(end, start + MAX_SPAN - 1) if start is not None else end
        if start is None:
            start = end - DEFAULT_SPAN + 1
        return DashboardFilters(
            year_from=start,
            year_to=end,
            region=data.get("region") or "",
            organization_type=data.get("organization_type") or "",
            case_type=data.get("case_type") or "",
            child={"yes": True, "no": False}.get(data.get("child") or ""),
        )


def dashboard_scope(user: User) -> Scope:
    """The scope of the dashboard for `user`: their country's facts. NotFound for anyone who may not see the
    national statistics (the dashboard's existence does not leak)."""
    if not user.is_authenticated or SCOPE_NATIONAL not in user_scopes(user, "view", VictimFact):
        raise NotFound()
    return user_scope(user)


def filter_form(
    scope: Scope, query: QueryDict | Mapping[str, Any]
) -> tuple[DashboardFilterForm, DashboardFilters | None]:
    """The filter form of a GET query and its filters (None when a value is bad: the form names it). A query
    without any filter (or with only `panel` and `format`) gives the default filters."""
    if not any(name in query for name in DashboardFilterForm.base_fields):
        query = DashboardFilters.default().query()
    form = DashboardFilterForm(query, country=scope.country)
    return form, form.filters() if form.is_valid() else None


def filter_error(form: DashboardFilterForm) -> ApplicationError:
    """The bad filters of an invalid form as one error: the first message, and each field's in extra["fields"]."""
    fields = {name: " ".join(str(m) for m in messages) for name, messages in form.errors.items()}
    first = next(iter(fields.values()), _("The filters are not valid."))
    return ApplicationError("invalid", first, {"fields": fields})


def parse_filters(scope: Scope, query: QueryDict | Mapping[str, Any]) -> DashboardFilters:
    """The filters of a GET query; ApplicationError ("invalid", with each bad field) for bad values."""
    form, filters = filter_form(scope, query)
    if filters is None:
        raise filter_error(form)
    return filters


# --- The facts of a panel -----------------------------------------------------------------------------------------
def _years(filters: DashboardFilters) -> Q:
    return Q(year__gte=filters.year_from, year__lte=filters.year_to)


def _facts(
    scope: Scope, model: Any, filters: DashboardFilters, applies: tuple[str, ...], notes: list[str]
) -> QuerySet[Any]:
    """The facts of `model` in the scope and the filters; `applies` names the filters the model has (besides the
    years); a filter set but not applicable adds a note."""
    queryset = scope.facts(model, "view").filter(_years(filters))
    skipped: list[str] = []
    if filters.region:
        if "region" in applies:
            queryset = queryset.filter(region=filters.region)
        else:
            skipped.append(_("region"))
    if filters.organization_type:
        queryset = queryset.filter(organization_type=filters.organization_type)
    if filters.case_type:
        if "case_type" in applies:
            queryset = queryset.filter(case_type__in=CASE_TYPES[filters.case_type])
        else:
            skipped.append(_("trafficking or smuggling"))
    if filters.child is not None:
        if "child" in applies:
            queryset = queryset.filter(is_child=filters.child)
        else:
            skipped.append(_("children"))
    if skipped:
        notes.append(_("Not filtered by %(filters)s: these records do not have it.") % {"filters": ", ".join(skipped)})
    return queryset


def _victims(scope: Scope, filters: DashboardFilters, dimension: str, notes: list[str]) -> QuerySet[VictimCount]:
    """The counted victims in the filters, from the victims cube (stats.facts.cube): rows of one dimension, each
    `n` victims."""
    return _facts(scope, VictimCount, filters, ("region", "case_type", "child"), notes).filter(dimension=dimension)


def _grouped(queryset: QuerySet[VictimCount], *fields: str) -> list[dict[str, Any]]:
    """The victims grouped by `fields`: one dict per group, with its count as `n`."""
    rows = queryset.values(*fields).annotate(victims=Sum("n")).order_by()
    return [{**{name: row[name] for name in fields}, "n": row["victims"]} for row in rows]


def _year_rows(filters: DashboardFilters) -> list[tuple[str, str]]:
    return [(str(year), str(year)) for year in filters.years]


# The cells several victim panels publish (they are protected together: stats.tables.publish_group).
VICTIMS_YEAR, VICTIMS_FORM, VICTIMS_DESTINATION = "victims-year", "victims-form", "victims-destination"
VICTIMS_ALL, CONTACTS_ALL = "victims-all", "contacts-all"


def _year_totals(filters: DashboardFilters) -> dict[tuple[str, str], Hashable]:
    """A year-by-something table's row totals and grand total: the victims by year and in all."""
    return {**{(str(y), TOTAL): (VICTIMS_YEAR, y) for y in filters.years}, (TOTAL, TOTAL): VICTIMS_ALL}


YEARS_NOTE = gettext_lazy("A person identified in several years counts once in each year.")


# --- Victims counted once for several panels ---------------------------------------------------------------------
Cache = dict[str, Any]
YEAR_CUBE = ("year", "sex", "is_child", "age_known", "case_type", "exploitation_form")
PLACE_CUBE = ("origin_country", "exploitation_country")


def _year_cube(scope: Scope, filters: DashboardFilters) -> list[dict[str, Any]]:
    rows = _grouped(
        _victims(scope, filters, cube.FORM, []), "year", "sex", "is_child", "age_group", "case_type", "value"
    )
    return [
        {
            "year": r["year"],
            "sex": r["sex"],
            "is_child": r["is_child"],
            "age_known": r["age_group"] != cube.AGE_UNKNOWN,
            "case_type": r["case_type"],
            "exploitation_form": r["value"],
            "n": r["n"],
        }
        for r in rows
    ]


def _place_cube(scope: Scope, filters: DashboardFilters) -> list[dict[str, Any]]:
    rows = []
    for r in _grouped(_victims(scope, filters, cube.FLOW, []), "value"):
        origin, _sep, destination = r["value"].partition(">")
        rows.append({"origin_country": origin, "exploitation_country": destination, "n": r["n"]})
    return rows


def _cube(
    scope: Scope, filters: DashboardFilters, fields: tuple[str, ...], cache: Cache | None
) -> list[dict[str, Any]]:
    """The counted victims grouped by `fields` (YEAR_CUBE or PLACE_CUBE: one query over the victims cube, a few
    thousand rows at most), kept in `cache` so that the panels published together (a group) read it once: the
    victims by year, by sex and age, by form and the trends come from one grouped query, the flows and the
    countries of exploitation from another."""
    name = "cube:" + ",".join(fields)
    if cache is not None and name in cache:
        return list(cache[name])
    rows = _year_cube(scope, filters) if fields == YEAR_CUBE else _place_cube(scope, filters)
    if cache is not None:
        cache[name] = rows
    return rows


def _summed(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], Hashable]) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for row in rows:
        k = key(row)
        out[k] = out.get(k, 0) + row["n"]
    return out


def sex_age_group(row: Mapping[str, Any]) -> str:
    """GLOTIP's women, girls, men, boys; everyone else (another or unknown sex, an adult of unknown age) unknown."""
    sex, child, known = row["sex"], bool(row["is_child"]), bool(row["age_known"])
    if sex in ("F", "M") and (child or known):
        return {("F", True): "girls", ("F", False): "women", ("M", True): "boys", ("M", False): "men"}[(sex, child)]
    return UNKNOWN


# --- Panels -------------------------------------------------------------------------------------------------------
def victims_by_year(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    notes = [str(YEARS_NOTE)]
    by_year = _summed(_cube(scope, filters, YEAR_CUBE, cache), lambda r: r["year"])
    counts = [{"year": year, "n": n} for year, n in by_year.items()]
    return RawTable(
        key="victims",
        title=_("Detected victims by year"),
        chart="bar",
        row_header=_("Year"),
        columns=[Column("victims", _("Victims"))],
        rows=_year_rows(filters),
        counts={(str(r["year"]), "victims"): r["n"] for r in counts},
        notes=notes,
        shared={**{(str(y), "victims"): (VICTIMS_YEAR, y) for y in filters.years}, (TOTAL, "victims"): VICTIMS_ALL},
    )


SEX_AGE = (
    ("women", gettext_lazy("Women")),
    ("girls", gettext_lazy("Girls")),
    ("men", gettext_lazy("Men")),
    ("boys", gettext_lazy("Boys")),
)


def _victims_by_year(
    scope: Scope,
    filters: DashboardFilters,
    cache: Cache | None,
    *,
    key: str,
    title: str,
    chart: str,
    columns: list[Column],
    category: Callable[[dict[str, Any]], str],
    shared: dict[tuple[str, str], Hashable] | None = None,
) -> RawTable:
    """A victim panel of years (rows) by one category (columns), from the cube: its rows add up to the victims of
    the year, which it shares with the other year panels."""
    grouped = _summed(_cube(scope, filters, YEAR_CUBE, cache), lambda r: (str(r["year"]), category(r)))
    return RawTable(
        key=key,
        title=title,
        chart=chart,
        row_header=_("Year"),
        columns=columns,
        rows=_year_rows(filters),
        counts=grouped,
        row_totals=True,
        notes=[str(YEARS_NOTE)],
        shared={**_year_totals(filters), **(shared or {})},
    )


def victims_by_sex_age(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    columns = [Column(key, str(label)) for key, label in SEX_AGE] + [Column(UNKNOWN, _("Sex or age unknown"))]
    return _victims_by_year(
        scope,
        filters,
        cache,
        key="sex_age",
        title=_("Detected victims: women, girls, men and boys"),
        chart="stacked",
        columns=columns,
        category=sex_age_group,
    )


def victims_by_form(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    notes: list[str] = []
    by_form = _summed(_cube(scope, filters, YEAR_CUBE, cache), lambda r: r["exploitation_form"])
    counts = [{"exploitation_form": form, "n": n} for form, n in by_form.items()]
    notes.append(_("Mixed: sexual exploitation and forced labour together. Each victim is in one row."))
    return RawTable(
        key="forms",
        title=_("Detected victims by form of exploitation"),
        chart="bar",
        row_header=_("Form of exploitation"),
        columns=[Column("victims", _("Victims"))],
        rows=[(str(value), str(label)) for value, label in ExploitationForm.choices],
        counts={(r["exploitation_form"], "victims"): r["n"] for r in counts},
        notes=notes,
        shared={
            **{(str(form), "victims"): (VICTIMS_FORM, str(form)) for form in ExploitationForm.values},
            (TOTAL, "victims"): VICTIMS_ALL,
        },
    )


def _country_label(code: str) -> str:
    if not code or code == UNKNOWN_COUNTRY:
        return _("Unknown")
    return country_name(code)


def _top(counts: Mapping[str, int], top: int) -> tuple[list[str], dict[str, int]]:
    """The `top` largest keys (ties by code; the unknown always last, never among them) and the counts with the
    others summed under OTHER: the total stays what it was."""
    known = sorted((k for k in counts if k != UNKNOWN), key=lambda k: (-counts[k], k))
    named = known[:top]
    grouped = {k: counts[k] for k in named}
    rest = sum(counts[k] for k in known[top:])
    if rest:
        grouped[OTHER] = rest
    if counts.get(UNKNOWN):
        grouped[UNKNOWN] = counts[UNKNOWN]
    return named, grouped


def _country_panel(
    scope: Scope,
    filters: DashboardFilters,
    field_name: str,
    key: str,
    title: str,
    header: str,
    share_rows: str = "",
    cache: Cache | None = None,
) -> RawTable:
    notes = [str(YEARS_NOTE)]
    counts: dict[str, int] = {}
    if field_name in PLACE_CUBE:
        found = _cube(scope, filters, PLACE_CUBE, cache)
    else:
        found = [
            {field_name: r["value"], "n": r["n"]}
            for r in _grouped(_victims(scope, filters, field_name, notes), "value")
        ]
    for r in found:
        code = r[field_name] if r[field_name] not in ("", UNKNOWN_COUNTRY) else UNKNOWN
        counts[code] = counts.get(code, 0) + r["n"]
    named, grouped = _top(counts, TOP)
    rows = [(code, _country_label(code)) for code in named]
    if OTHER in grouped:
        rows.append((OTHER, _("Other countries")))
    if UNKNOWN in grouped:
        rows.append((UNKNOWN, _("Unknown")))
    notes.append(_("The %(top)s countries with the most victims, then the others together.") % {"top": TOP})
    return RawTable(
        key=key,
        title=title,
        chart="bar",
        row_header=header,
        columns=[Column("victims", _("Victims"))],
        rows=rows,
        counts={(code, "victims"): n for code, n in grouped.items()},
        notes=notes,
        shared={
            **{(code, "victims"): (share_rows, code) for code in grouped if share_rows and code != OTHER},
            (TOTAL, "victims"): VICTIMS_ALL,
        },
    )


def victims_by_citizenship(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    return _country_panel(
        scope, filters, "citizenship", "citizenship", _("Detected victims by citizenship"), _("Citizenship")
    )


def victims_by_exploitation_country(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    return _country_panel(
        scope,
        filters,
        "exploitation_country",
        "exploitation_countries",
        _("Detected victims by country of exploitation"),
        _("Country of exploitation"),
        share_rows=VICTIMS_DESTINATION,
        cache=cache,
    )


def victims_by_region(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    notes = [str(YEARS_NOTE)]
    counts = {
        r["region"] or UNKNOWN: r["n"]
        for r in _grouped(_victims(scope, filters, cube.TOTAL, notes), "region")
        if r["n"]
    }
    rows = [(code, label) for code, label in geography.region_choices(scope.country) if code in counts]
    rows += [(code, code) for code in sorted(counts) if code != UNKNOWN and code not in dict(rows)]
    if UNKNOWN in counts:
        rows.append((UNKNOWN, _("Unknown")))
    return RawTable(
        key="regions",
        title=_("Detected victims by region of identification"),
        chart="bar",
        row_header=_("Region"),
        columns=[Column("victims", _("Victims"))],
        rows=rows,
        counts={(code, "victims"): n for code, n in counts.items()},
        notes=notes,
        shared={(TOTAL, "victims"): VICTIMS_ALL},
    )


def victim_flows(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    """Origin -> country of exploitation; the FLOW_TOP countries of each side by name, the others together.
    Flows are published without totals: only their own small counts are withheld."""
    notes = [str(YEARS_NOTE)]
    pairs: dict[tuple[str, str], int] = {}
    origins: dict[str, int] = {}
    destinations: dict[str, int] = {}
    for r in _cube(scope, filters, PLACE_CUBE, cache):
        origin = r["origin_country"] if r["origin_country"] not in ("", UNKNOWN_COUNTRY) else UNKNOWN
        destination = r["exploitation_country"] if r["exploitation_country"] not in ("", UNKNOWN_COUNTRY) else UNKNOWN
        pairs[(origin, destination)] = pairs.get((origin, destination), 0) + r["n"]
        origins[origin] = origins.get(origin, 0) + r["n"]
        destinations[destination] = destinations.get(destination, 0) + r["n"]
    named_origins, _grouped = _top(origins, FLOW_TOP)
    named_destinations, _grouped = _top(destinations, FLOW_TOP)
    flows: dict[tuple[str, str], int] = {}
    for (origin, destination), n in pairs.items():
        a = origin if origin in named_origins or origin == UNKNOWN else OTHER
        b = destination if destination in named_destinations or destination == UNKNOWN else OTHER
        flows[(a, b)] = flows.get((a, b), 0) + n

    def label(code: str) -> str:
        return _("Other countries") if code == OTHER else _country_label(code)

    ordered = sorted(flows, key=lambda pair: (-flows[pair], pair))
    rows = [(f"{a}>{b}", f"{label(a)} → {label(b)}") for a, b in ordered]
    notes.append(_("From the country of origin to the country of exploitation."))
    return RawTable(
        key="flows",
        title=_("Detected victims from their country of origin to the country of exploitation"),
        chart="sankey",
        row_header=_("From → to"),
        columns=[Column("value", _("Victims"))],
        rows=rows,
        counts={(f"{a}>{b}", "value"): n for (a, b), n in flows.items()},
        column_totals=False,
        notes=notes,
    )


def trend_by_case_type(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    columns = [
        Column("tip", _("Trafficking in persons")),
        Column("som", _("Smuggling of migrants")),
        Column("both", _("Both")),
    ]
    return _victims_by_year(
        scope,
        filters,
        cache,
        key="trend_case_type",
        title=_("Victims by year: trafficking and smuggling cases"),
        chart="line",
        columns=columns,
        category=lambda r: r["case_type"],
    )


def trend_by_form(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    return _victims_by_year(
        scope,
        filters,
        cache,
        key="trend_form",
        title=_("Victims by year and form of exploitation"),
        chart="stacked",
        columns=[Column(str(value), str(label)) for value, label in ExploitationForm.choices],
        category=lambda r: r["exploitation_form"],
        shared={(TOTAL, str(form)): (VICTIMS_FORM, str(form)) for form in ExploitationForm.values},
    )


def justice_funnel(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    notes: list[str] = []
    queryset = _facts(scope, JusticeFact, filters, (), notes).filter(counted=True)
    annotations = {str(stage): Count("id", filter=Q(stage=stage)) for stage in FactStage.values}
    rows = queryset.values("year").annotate(**annotations).order_by()
    columns = [Column(str(value), str(label)) for value, label in FactStage.choices]
    notes.append(_("Persons, once per stage and year, whatever the number of offences."))
    return RawTable(
        key="justice",
        title=_("Criminal justice: persons brought into formal contact, prosecuted and convicted"),
        chart="funnel",
        row_header=_("Year"),
        columns=columns,
        rows=_year_rows(filters),
        counts={(str(r["year"]), c.key): r[c.key] for r in rows for c in columns},
        column_totals=False,
        notes=notes,
    )


def offences_by_year(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    notes: list[str] = []
    queryset = _facts(scope, OffenceFact, filters, ("region",), notes)
    columns = [
        Column("tip", _("Trafficking in persons")),
        Column("som", _("Smuggling of migrants")),
        Column(OTHER, _("Related offences")),
    ]
    annotations = {
        "tip": Count("id", filter=Q(offence_type="tip")),
        "som": Count("id", filter=Q(offence_type="som")),
        OTHER: Count("id", filter=~Q(offence_type__in=("tip", "som"))),
    }
    rows = queryset.values("year").annotate(**annotations).order_by()
    return RawTable(
        key="offences",
        title=_("Offences recorded by year"),
        chart="stacked",
        row_header=_("Year"),
        columns=columns,
        rows=_year_rows(filters),
        counts={(str(r["year"]), c.key): r[c.key] for r in rows for c in columns},
        row_totals=True,
        notes=notes,
    )


INCIDENT_PERSONS = ("migrants", "dead", "missing", "injured")


def smuggling_incidents(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    notes: list[str] = []
    queryset = _facts(scope, IncidentFact, filters, ("region",), notes)
    sums: dict[str, Any] = {name: Coalesce(Sum(name), 0) for name in INCIDENT_PERSONS}
    rows = queryset.values("year").annotate(incidents=Count("id"), **sums).order_by()
    columns = [
        Column("incidents", _("Incidents")),
        Column("migrants", _("Migrants")),
        Column("dead", _("Dead")),
        Column("missing", _("Missing")),
        Column("injured", _("Injured")),
    ]
    notes.append(
        _(
            "Incidents are counted as they are. Migrants, dead, missing and injured are persons: a number from 1 to "
            "4 is withheld."
        )
    )
    return RawTable(
        key="incidents",
        title=_("Smuggling of migrants: incidents and deaths"),
        chart="line",
        row_header=_("Year"),
        columns=columns,
        rows=_year_rows(filters),
        counts={(str(r["year"]), c.key): r[c.key] for r in rows for c in columns},
        unprotected=frozenset({"incidents"}),
        notes=notes,
    )


CONTACT_COLUMNS = ("victim", "tip", "information")


def helpline_contacts(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    """Contacts by year × type; by month when the filters cover one year."""
    notes: list[str] = []
    queryset = _facts(scope, ContactFact, filters, ("region",), notes)
    columns = [Column(key, str(ContactType(key).label)) for key in CONTACT_COLUMNS]
    columns.append(Column(OTHER, _("Silent, hang-up, wrong number or prank")))
    annotations = {key: Count("id", filter=Q(contact_type=key)) for key in CONTACT_COLUMNS}
    annotations[OTHER] = Count("id", filter=~Q(contact_type__in=CONTACT_COLUMNS))
    monthly = filters.year_from == filters.year_to
    if monthly:
        rows_out = [(f"{filters.year_from}-{m:02d}", f"{filters.year_from}-{m:02d}") for m in range(1, 13)]
        counted = queryset.values("year", "month").annotate(**annotations).order_by()
        counts = {(f"{r['year']}-{r['month']:02d}", c.key): r[c.key] for r in counted for c in columns}
    else:
        rows_out = _year_rows(filters)
        counted = queryset.values("year").annotate(**annotations).order_by()
        counts = {(str(r["year"]), c.key): r[c.key] for r in counted for c in columns}
    return RawTable(
        key="contacts",
        title=_("Helpline contacts by month") if monthly else _("Helpline contacts by year"),
        chart="stacked",
        row_header=_("Month") if monthly else _("Year"),
        columns=columns,
        rows=rows_out,
        counts=counts,
        row_totals=True,
        notes=notes,
        shared={(TOTAL, TOTAL): CONTACTS_ALL},
    )


def helpline_channels(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    notes: list[str] = []
    counted = _facts(scope, ContactFact, filters, ("region",), notes).values("channel").annotate(n=Count("id"))
    counts = {r["channel"] or UNKNOWN: r["n"] for r in counted.order_by()}
    rows = [(str(value), str(label)) for value, label in Channel.choices]
    rows += [(code, code) for code in sorted(counts) if code not in dict(rows) and code != UNKNOWN]
    if UNKNOWN in counts:
        rows.append((UNKNOWN, _("Unknown")))
    return RawTable(
        key="channels",
        title=_("Helpline contacts by channel"),
        chart="bar",
        row_header=_("Channel"),
        columns=[Column("contacts", _("Contacts"))],
        rows=rows,
        counts={(code, "contacts"): n for code, n in counts.items()},
        notes=notes,
        shared={(TOTAL, "contacts"): CONTACTS_ALL},
    )


REFERRAL_COUNTS = ("sent", "answered", "accepted", "overdue")


def referral_performance(scope: Scope, filters: DashboardFilters, cache: Cache | None = None) -> RawTable:
    """Referrals by type of service: sent, answered, accepted, overdue, and the median hours to an answer
    (withheld with the count of answered referrals it is computed from)."""
    notes: list[str] = []
    queryset = _facts(scope, ReferralFact, filters, ("region", "case_type", "child"), notes)
    annotations: dict[str, Any] = {
        "sent": Count("id"),
        "answered": Count("id", filter=Q(answered=True)),
        "accepted": Count("id", filter=Q(accepted=True)),
        "overdue": Count("id", filter=Q(overdue=True)),
        "median": Percentile(F("response_hours"), 0.5),
    }
    grouped = {
        r["service_type"] or UNKNOWN: r for r in queryset.values("service_type").annotate(**annotations).order_by()
    }
    overall = queryset.aggregate(median=Percentile(F("response_hours"), 0.5))
    columns = [
        Column("sent", _("Sent")),
        Column("answered", _("Answered")),
        Column("accepted", _("Accepted")),
        Column("overdue", _("Overdue")),
        Column("median_hours", _("Median hours to an answer")),
    ]
    rows = [(str(value), str(label)) for value, label in ServiceType.choices if value in grouped]
    rows += [(code, _("Unknown") if code == UNKNOWN else code) for code in sorted(grouped) if code not in dict(rows)]

    def hours(value: float | None) -> int | None:
        return None if value is None else int(value + 0.5)

    medians: dict[str, int | None] = {code: hours(r["median"]) for code, r in grouped.items()}
    medians["total"] = hours(overall["median"])
    notes.append(_("A median is withheld when the number of answered referrals it comes from is."))
    return RawTable(
        key="referrals",
        title=_("Referrals by type of service"),
        chart="bar",
        row_header=_("Type of service"),
        columns=columns,
        rows=rows,
        counts={
            (code, key): r[key] for code, r in grouped.items() for key in ("sent", "answered", "accepted", "overdue")
        },
        derived={"median_hours": ("answered", medians)},
        within=[("answered", "sent"), ("accepted", "sent"), ("overdue", "sent")],
        notes=notes,
    )


# --- The panels, in the dashboard's order -------------------------------------------------------------------------
@dataclass(frozen=True)
class Panel:
    key: str
    title: Promise
    build: Callable[..., RawTable]  # (scope, filters, cache=None)


PANELS: dict[str, Panel] = {
    panel.key: panel
    for panel in (
        Panel("victims", gettext_lazy("Detected victims by year"), victims_by_year),
        Panel("sex_age", gettext_lazy("Detected victims: women, girls, men and boys"), victims_by_sex_age),
        Panel("forms", gettext_lazy("Detected victims by form of exploitation"), victims_by_form),
        Panel("citizenship", gettext_lazy("Detected victims by citizenship"), victims_by_citizenship),
        Panel(
            "exploitation_countries",
            gettext_lazy("Detected victims by country of exploitation"),
            victims_by_exploitation_country,
        ),
        Panel("regions", gettext_lazy("Detected victims by region of identification"), victims_by_region),
        Panel("flows", gettext_lazy("From the country of origin to the country of exploitation"), victim_flows),
        Panel("trend_case_type", gettext_lazy("Victims by year: trafficking and smuggling cases"), trend_by_case_type),
        Panel("trend_form", gettext_lazy("Victims by year and form of exploitation"), trend_by_form),
        Panel("justice", gettext_lazy("Criminal justice: formal contact, prosecution, conviction"), justice_funnel),
        Panel("offences", gettext_lazy("Offences recorded by year"), offences_by_year),
        Panel("incidents", gettext_lazy("Smuggling of migrants: incidents and deaths"), smuggling_incidents),
        Panel("contacts", gettext_lazy("Helpline contacts"), helpline_contacts),
        Panel("channels", gettext_lazy("Helpline contacts by channel"), helpline_channels),
        Panel("referrals", gettext_lazy("Referrals by type of service"), referral_performance),
    )
}


# Panels published together: they share cells (a count withheld in one must be withheld in the others).
GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "victims",
        "sex_age",
        "forms",
        "citizenship",
        "exploitation_countries",
        "regions",
        "flows",
        "trend_case_type",
        "trend_form",
    ),
    ("justice",),
    ("offences",),
    ("incidents",),
    ("contacts", "channels"),
    ("referrals",),
)
GROUP_OF = {key: group for group in GROUPS for key in group}


def _links(raws: Mapping[str, RawTable]) -> list[disclosure.Relation]:
    """What a reader knows across the victim panels beyond their shared cells: the flows add up to all victims,
    and the flows into a country of exploitation to that country's row."""
    flows, countries = raws.get("flows"), raws.get("exploitation_countries")
    if flows is None:
        return []
    keys = {row: ("flows", row, "value") for row, _label in flows.rows}
    links = [disclosure.sums(VICTIMS_ALL, list(keys.values()))] if "victims" in raws else []
    if countries is not None:
        named = {code for code, _label in countries.rows if code != OTHER}
        into: dict[str, list[Hashable]] = {}
        for row, key in keys.items():
            into.setdefault(row.split(">", 1)[1], []).append(key)
        links += [disclosure.sums((VICTIMS_DESTINATION, code), parts) for code, parts in into.items() if code in named]
    return links


def _publish(scope: Scope, filters: DashboardFilters, keys: tuple[str, ...]) -> dict[str, PublishedTable]:
    cache: Cache = {}  # the panels of a group read their shared grouped queries once
    raws = {key: PANELS[key].build(scope, filters, cache) for key in keys}
    tables = publish_group(list(raws.values()), _links(raws) if "flows" in raws else ())
    return {table.key: table for table in tables}


def panel_table(scope: Scope, filters: DashboardFilters, key: str) -> PublishedTable:
    """One panel, published (protected with the panels it shares cells with, as on the dashboard: the same
    numbers). NotFound for an unknown key."""
    if key not in PANELS:
        raise NotFound(_("There is no such panel."))
    return _publish(scope, filters, GROUP_OF[key])[key]


def dashboard_tables(scope: Scope, filters: DashboardFilters) -> list[PublishedTable]:
    """Every panel, published, in the dashboard's order."""
    published: dict[str, PublishedTable] = {}
    for group in GROUPS:
        published.update(_publish(scope, filters, group))
    return [published[key] for key in PANELS]


def victims_this_year_and_last(scope: Scope) -> tuple[int, list[tuple[str, PublishedCell]]]:
    """The home widget's figures: the victims detected this year and last, as the dashboard shows them by default
    (the same protection: its numbers are the dashboard's)."""
    filters = DashboardFilters.default()
    table = panel_table(scope, filters, "victims")
    return filters.year_to, [(row.key, row.cells[0]) for row in table.rows[-2:]]
