"""The results framework as read: the tree of results with each indicator's baseline, target and actual for a
country and a period (the public contract the reports, the IATI file and the benchmark call: `framework_table`).

A computed indicator's actual is computed when read (selectors.computations), unless its period is approved: then
the figures frozen into the period at approval are shown. Counts from the cases go through core.disclosure
(computations.publish) whether computed or frozen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from tipsom.accounts.models import User
from tipsom.core.errors import NotFound
from tipsom.core.permissions import SCOPE_GLOBAL, SCOPE_NATIONAL, user_scopes
from tipsom.organizations import geography
from tipsom.programme.models import (
    Indicator,
    IndicatorBaseline,
    IndicatorPeriod,
    IndicatorSource,
    ResultNode,
    ReviewStatus,
)
from tipsom.programme.selectors.computations import COMPUTATIONS, Computed, Published, publish, ratio


@dataclass
class IndicatorRow:
    indicator: Indicator
    baseline_year: int | None
    baseline_value: Decimal | None
    target: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    actual: Decimal | None
    status: str
    locked: bool
    period: IndicatorPeriod | None
    disaggregated: dict[str, dict[str, Any]]
    withheld: bool
    marks: dict[str, str] = field(default_factory=dict)  # "numerator"/"denominator" → "<5" or ".." when withheld
    computed: bool = False  # figures computed now (not entered, not frozen)
    link: str = ""  # where a computed figure comes from
    country: str = ""

    def breakdowns(self) -> list[tuple[str, list[tuple[str, Any]]]]:
        """The breakdowns with their names as shown: [(dimension, [(category, value)])]."""
        return [
            (
                dimension_label(dimension),
                [(category_label(dimension, key, self.country), v) for key, v in values.items()],
            )
            for dimension, values in self.disaggregated.items()
            if isinstance(values, dict)
        ]

    @property
    def progress(self) -> Decimal | None:
        """The actual as a percentage of the target (of the way from the baseline to the target when the
        indicator has a baseline and lower is better), None without both."""
        if self.actual is None or not self.target:
            return None
        if not self.indicator.ascending and self.baseline_value is not None and self.baseline_value != self.target:
            moved = self.baseline_value - self.actual
            wanted = self.baseline_value - self.target
            return (moved * 100 / wanted).quantize(Decimal("0.1"))
        return (self.actual * 100 / self.target).quantize(Decimal("0.1"))


def dimension_label(dimension: str) -> str:
    labels = {
        "sex": _("sex"),
        "sector": _("sector"),
        "region": _("region"),
        "organization_type": _("organization type"),
        "type": _("type of activity"),
        "pillar": _("pillar"),
        "channel": _("channel"),
    }
    return str(labels.get(dimension, dimension))


def category_label(dimension: str, key: str, country: str) -> str:
    """A breakdown's category as shown (its code where no label is known)."""
    from tipsom.helpline.models import Channel
    from tipsom.organizations.models import OrganizationType
    from tipsom.programme.models import ActivityType, ParticipantSex, Pillar, Sector
    from tipsom.stats.models import Sex

    if key == "unknown" or key == "":
        return str(_("not stated"))
    choices: dict[str, Any] = {
        "sex": {**dict(ParticipantSex.choices), **dict(Sex.choices)},
        "sector": dict(Sector.choices),
        "organization_type": dict(OrganizationType.choices),
        "type": dict(ActivityType.choices),
        "pillar": {str(value): label for value, label in Pillar.choices},
        "channel": dict(Channel.choices),
    }
    if dimension == "region" and country:
        return geography.region_name(country, key)
    return str(choices.get(dimension, {}).get(key, key))


@dataclass
class FrameworkRow:
    node: ResultNode
    depth: int
    indicators: list[IndicatorRow]


@dataclass
class FrameworkTable:
    country: str
    period_start: date
    period_end: date
    rows: list[FrameworkRow]


def may_view_values(user: User, country: str) -> bool:
    """Whether the user may read the indicator values of `country`: a national user of their own country, a global
    one of any."""
    scopes = user_scopes(user, "view", IndicatorPeriod)
    if SCOPE_GLOBAL in scopes:
        return True
    organization = getattr(user, "organization", None)
    return SCOPE_NATIONAL in scopes and organization is not None and organization.country == country


def value_countries(user: User) -> list[str]:
    """The countries whose values the user may choose: their own (national), or every country with programme data
    (global: activities, indicator periods or baselines)."""
    from tipsom.programme.models import Activity

    scopes = user_scopes(user, "view", IndicatorPeriod)
    if SCOPE_GLOBAL in scopes:
        found: set[str] = set(Activity.objects.values_list("country", flat=True).distinct())
        found |= set(IndicatorPeriod.objects.values_list("country", flat=True).distinct())
        found |= set(IndicatorBaseline.objects.values_list("country", flat=True).distinct())
        return sorted(found)
    organization = getattr(user, "organization", None)
    if SCOPE_NATIONAL in scopes and organization is not None:
        return [organization.country]
    return []


def framework_tree(*, user: User) -> list[tuple[ResultNode, int, list[Indicator]]]:
    """The results and their indicators in tree order (a parent before its children), with each result's depth."""
    nodes = list(ResultNode.objects.restrict(user, "view"))
    indicators: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.restrict(user, "view"):
        indicators.setdefault(indicator.node_id, []).append(indicator)
    children: dict[int | None, list[ResultNode]] = {}
    known = {node.pk for node in nodes}
    for node in nodes:
        parent = node.parent_id if node.parent_id in known else None
        children.setdefault(parent, []).append(node)
    ordered: list[tuple[ResultNode, int, list[Indicator]]] = []

    def walk(parent: int | None, depth: int) -> None:
        for node in children.get(parent, []):
            ordered.append((node, depth, indicators.get(node.pk, [])))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return ordered


def frozen(period: IndicatorPeriod) -> Computed:
    """A locked computed period's figures as frozen at approval (numerator, denominator, breakdowns)."""
    numbers = {
        dimension: {key: int(value) for key, value in values.items() if isinstance(value, (int, float, Decimal))}
        for dimension, values in (period.disaggregated or {}).items()
        if isinstance(values, dict)
    }
    return Computed(
        numerator=int(period.numerator or 0),
        denominator=int(period.denominator) if period.denominator is not None else None,
        disaggregated=numbers,
    )


def _named(indicator: Indicator, raw: Computed) -> Computed:
    """The breakdowns the indicator names (all the computation gives when it names none)."""
    if not indicator.disaggregations:
        return raw
    kept = {name: values for name, values in raw.disaggregated.items() if name in indicator.disaggregations}
    return Computed(numerator=raw.numerator, denominator=raw.denominator, disaggregated=kept)


def _computed_row(
    indicator: Indicator,
    period: IndicatorPeriod | None,
    published: Published,
    *,
    computed: bool,
    link: str,
) -> dict[str, Any]:
    numerator = Decimal(published.numerator) if published.numerator is not None else None
    denominator = Decimal(published.denominator) if published.denominator is not None else None
    actual = None if published.withheld else ratio(numerator, denominator, indicator.factor)
    return {
        "numerator": numerator,
        "denominator": denominator,
        "actual": actual,
        "disaggregated": published.disaggregated,
        "withheld": published.withheld,
        "marks": published.marks,
        "computed": computed,
        "link": link,
    }


def indicator_row(
    indicator: Indicator,
    country: str,
    period_start: date,
    period_end: date,
    period: IndicatorPeriod | None,
    baseline: IndicatorBaseline | None,
    cache: dict[str, Computed] | None = None,
) -> IndicatorRow:
    """One indicator's row: entered values from the period; a computed indicator's figures computed now, or frozen
    in its locked period."""
    cache = {} if cache is None else cache
    figures: dict[str, Any]
    computation = COMPUTATIONS.get(indicator.source_key) if indicator.source != IndicatorSource.MANUAL else None
    if computation is not None:
        link = computation.link(country, period_start, period_end)
        if period is not None and period.locked:
            shown = _named(indicator, frozen(period))
            figures = _computed_row(indicator, period, publish(computation, shown), computed=False, link=link)
        else:
            if indicator.source_key not in cache:
                cache[indicator.source_key] = computation.compute(country, period_start, period_end)
            raw = _named(indicator, cache[indicator.source_key])
            figures = _computed_row(indicator, period, publish(computation, raw), computed=True, link=link)
    else:
        figures = {
            "numerator": period.numerator if period else None,
            "denominator": period.denominator if period else None,
            "actual": period.actual if period else None,
            "disaggregated": dict(period.disaggregated or {}) if period else {},
            "withheld": False,
            "marks": {},
            "computed": False,
            "link": "",
        }
    return IndicatorRow(
        indicator=indicator,
        baseline_year=baseline.year if baseline else None,
        baseline_value=baseline.value if baseline else None,
        target=period.target if period else None,
        status=period.status if period else ReviewStatus.DRAFT,
        locked=bool(period and period.locked),
        period=period,
        country=country,
        **figures,
    )


def framework_table(*, user: User, country: str, period_start: date, period_end: date) -> FrameworkTable:
    """The framework of `country` for the period: every result in tree order with its indicators' baseline (of the
    country), target, actual, status and breakdowns. NotFound unless the user may read the country's values."""
    if not may_view_values(user, country):
        raise NotFound()
    periods = {
        period.indicator_id: period
        for period in IndicatorPeriod.objects.restrict(user, "view")
        .filter(country=country, period_start=period_start, period_end=period_end)
        .defer("evidence_content")  # decrypted only to download it
    }
    baselines = {
        baseline.indicator_id: baseline
        for baseline in IndicatorBaseline.objects.restrict(user, "view").filter(country=country)
    }
    cache: dict[str, Computed] = {}
    rows = [
        FrameworkRow(
            node=node,
            depth=depth,
            indicators=[
                indicator_row(
                    indicator,
                    country,
                    period_start,
                    period_end,
                    periods.get(indicator.pk),
                    baselines.get(indicator.pk),
                    cache,
                )
                for indicator in indicators
            ],
        )
        for node, depth, indicators in framework_tree(user=user)
    ]
    return FrameworkTable(country=country, period_start=period_start, period_end=period_end, rows=rows)


def periods_awaiting_approval(*, user: User, limit: int = 10) -> list[IndicatorPeriod]:
    """Submitted values the user may approve (the coordinator's country), oldest first."""
    return list(
        IndicatorPeriod.objects.restrict(user, "approve")
        .filter(status=ReviewStatus.SUBMITTED)
        .select_related("indicator")
        .defer("evidence_content")
        .order_by("submitted_at", "pk")[:limit]
    )


def periods_returned(*, user: User, limit: int = 10) -> list[IndicatorPeriod]:
    """Values returned for revision that the user may change."""
    return list(
        IndicatorPeriod.objects.restrict(user, "change")
        .filter(status=ReviewStatus.RETURNED)
        .select_related("indicator")
        .defer("evidence_content")
        .order_by("-reviewed_at", "pk")[:limit]
    )
