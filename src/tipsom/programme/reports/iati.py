"""The programme as an IATI 2.03 activity file: one <iati-activity> per country programme, with its organisations,
dates, country, DAC sectors, yearly budgets, the grants' transactions and the results framework (result →
indicator → baseline → period with target and actual, and the actual's breakdowns as dimensions).

Elements are written in the order the schema's sequences require (iati-activities-schema.xsd 2.03); the tests
validate the file against the official schema (`make iati-schema`). The reporting organisation and the prefix of
the identifiers are configuration (TIPSOM_IATI_REPORTING_ORG, default UNODC's XM-DAC-41110).

Small counts of victims never reach the file: an actual withheld by the results framework's disclosure control is
left out (IATI has no mark for it), and the grants' victims assisted are not part of IATI's transactions."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from tipsom.accounts.models import User
from tipsom.core.locale_names import country_name
from tipsom.programme.models import IATI_RESULT_TYPE, Activity, GrantTransaction, Measure, Pillar, ResultLevel
from tipsom.programme.selectors.grants import grant_list
from tipsom.programme.selectors.results import FrameworkTable, framework_table

VERSION = "2.03"
# The programme's donor and its implementing UN partners (IATI organisation identifiers; type 40 multilateral,
# 15 other public sector).
FUNDING_ORG = ("XI-IATI-EC_INTPA", "15", "European Union")
IMPLEMENTING_ORGS = (
    ("XM-DAC-41110", "40", "United Nations Office on Drugs and Crime (UNODC)"),
    ("XM-DAC-47066", "40", "International Organization for Migration (IOM)"),
    ("XM-DAC-41122", "40", "United Nations Children's Fund (UNICEF)"),
)
# The DAC 5-digit sector of each pillar (DAC CRS codes, vocabulary 1): 15130 legal and judicial development,
# 15180 ending violence against women and girls (which names trafficking), 15190 facilitation of orderly, safe,
# regular and responsible migration and mobility. A country's sectors are shared out by its activities' pillars.
PILLAR_SECTORS: dict[int, str] = {
    Pillar.STRATEGY: "15190",
    Pillar.LEGISLATION: "15130",
    Pillar.CAPACITY: "15130",
    Pillar.COOPERATION: "15190",
    Pillar.PROTECTION: "15180",
    Pillar.CHILDREN: "15180",
}
ACTIVITY_STATUS_IMPLEMENTATION = "2"
ACTIVITY_DATE_ACTUAL_START = "2"
ACTIVITY_DATE_PLANNED_END = "3"
DESCRIPTION_GENERAL = "1"
ROLE_FUNDING, ROLE_ACCOUNTABLE, ROLE_IMPLEMENTING = "1", "2", "4"


def activity_identifier(country: str) -> str:
    return f"{settings.TIPSOM_IATI_REPORTING_ORG}-GLOACT-{country}"


@dataclass(frozen=True)
class IatiFile:
    content: bytes
    activities: int
    results: int
    transactions: int


def _narrative(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, **attributes)
    etree.SubElement(element, "narrative").text = text
    return element


def _decimal(value: Decimal | int) -> str:
    return format(Decimal(value).normalize(), "f")


def _sector_shares(activities: Iterable[Activity]) -> list[tuple[str, int]]:
    """(DAC code, percentage) by the pillars of the activities, the percentages whole and adding up to 100 (largest
    remainder); the three sectors alike when there is no activity."""
    weights: dict[str, int] = defaultdict(int)
    for activity in activities:
        weights[PILLAR_SECTORS.get(activity.pillar, "15130")] += 1
    if not weights:
        weights = {"15130": 1, "15180": 1, "15190": 1}
    total = sum(weights.values())
    exact = {code: Decimal(weight * 100) / total for code, weight in weights.items()}
    shares = {code: int(value) for code, value in exact.items()}
    remainder = 100 - sum(shares.values())
    for code in sorted(exact, key=lambda c: (-(exact[c] - shares[c]), c))[:remainder]:
        shares[code] += 1
    return sorted(shares.items())


def _years(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The period cut at the years' ends (IATI: a budget period is at most a year)."""
    periods = []
    for year in range(start.year, end.year + 1):
        periods.append((max(start, datetime.date(year, 1, 1)), min(end, datetime.date(year, 12, 31))))
    return periods


def _activity(
    root: etree._Element,
    *,
    user: User,
    country: str,
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime,
) -> tuple[int, int]:
    """One country's <iati-activity>; returns (results, transactions) written."""
    activities = list(Activity.objects.restrict(user, "view").filter(country=country, start_date__range=(start, end)))
    grants = list(grant_list(user=user, country=country, start=start, end=end))
    currency = grants[0].currency if grants else (activities[0].currency if activities else "USD")
    element = etree.SubElement(
        root,
        "iati-activity",
        {
            "last-updated-datetime": now.isoformat(timespec="seconds"),
            "{http://www.w3.org/XML/1998/namespace}lang": "en",
            "default-currency": currency,
        },
    )
    etree.SubElement(element, "iati-identifier").text = activity_identifier(country)
    _narrative(
        element,
        "reporting-org",
        settings.TIPSOM_IATI_REPORTING_ORG_NAME,
        ref=settings.TIPSOM_IATI_REPORTING_ORG,
        type="40",
    )
    name = country_name(country, "en")
    _narrative(
        element,
        "title",
        f"Global Action to Prevent and Address Trafficking in Persons and the Smuggling of Migrants (GLO.ACT): {name}",
    )
    _narrative(
        element,
        "description",
        f"The GLO.ACT programme in {name}: strategy and policy development, legislative assistance, capacity "
        "building, regional cooperation, and protection and assistance to victims of trafficking and smuggled "
        "migrants, children especially.",
        type=DESCRIPTION_GENERAL,
    )
    ref, kind, label = FUNDING_ORG
    _narrative(element, "participating-org", label, ref=ref, type=kind, role=ROLE_FUNDING)
    _narrative(
        element,
        "participating-org",
        settings.TIPSOM_IATI_REPORTING_ORG_NAME,
        ref=settings.TIPSOM_IATI_REPORTING_ORG,
        type="40",
        role=ROLE_ACCOUNTABLE,
    )
    for ref, kind, label in IMPLEMENTING_ORGS:
        _narrative(element, "participating-org", label, ref=ref, type=kind, role=ROLE_IMPLEMENTING)
    for grantee in sorted({grant.grantee.name for grant in grants}):
        _narrative(element, "participating-org", grantee, role=ROLE_IMPLEMENTING)
    etree.SubElement(element, "activity-status", code=ACTIVITY_STATUS_IMPLEMENTATION)
    first = Activity.objects.restrict(user, "view").filter(country=country).aggregate(first=Min("start_date"))
    started = min(filter(None, [first["first"], start]))
    etree.SubElement(element, "activity-date", type=ACTIVITY_DATE_ACTUAL_START, **{"iso-date": started.isoformat()})
    etree.SubElement(element, "activity-date", type=ACTIVITY_DATE_PLANNED_END, **{"iso-date": end.isoformat()})
    etree.SubElement(element, "recipient-country", code=country, percentage="100")
    for code, percentage in _sector_shares(activities):
        etree.SubElement(element, "sector", vocabulary="1", code=code, percentage=str(percentage))
    _budgets(element, activities, grants, start, end)
    transactions = _transactions(element, user, grants, start, end)
    results = _results(element, framework_table(user=user, country=country, period_start=start, period_end=end))
    return results, transactions


def _budgets(
    element: etree._Element, activities: list[Activity], grants: list[Any], start: datetime.date, end: datetime.date
) -> None:
    """A budget per year and currency: the budgets of the activities and the amounts of the grants starting in it."""
    for first, last in _years(start, end):
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        for activity in activities:
            if activity.budget and first <= activity.start_date <= last:
                amounts[activity.currency] += activity.budget
        for grant in grants:
            if first <= grant.start_date <= last:
                amounts[grant.currency] += grant.amount
        for currency, amount in sorted(amounts.items()):
            budget = etree.SubElement(element, "budget", type="1", status="1")
            etree.SubElement(budget, "period-start", **{"iso-date": first.isoformat()})
            etree.SubElement(budget, "period-end", **{"iso-date": last.isoformat()})
            value = etree.SubElement(budget, "value", currency=currency, **{"value-date": first.isoformat()})
            value.text = _decimal(amount)


def _transactions(
    element: etree._Element, user: User, grants: list[Any], start: datetime.date, end: datetime.date
) -> int:
    """The grants' commitments (2), disbursements (3) and expenditure (4) dated in the period."""
    by_pk = {grant.pk: grant for grant in grants}
    records = (
        GrantTransaction.objects.restrict(user, "view")
        .filter(grant__in=list(by_pk), date__range=(start, end), transaction_type__in=("2", "3", "4"))
        .order_by("date", "pk")
    )
    written = 0
    for record in records:
        grant = by_pk[record.grant_id]
        transaction = etree.SubElement(element, "transaction", ref=f"{grant.reference}-{record.pk}")
        etree.SubElement(transaction, "transaction-type", code=record.transaction_type)
        etree.SubElement(transaction, "transaction-date", **{"iso-date": record.date.isoformat()})
        value = etree.SubElement(
            transaction, "value", currency=grant.currency, **{"value-date": record.date.isoformat()}
        )
        value.text = _decimal(record.amount)
        _narrative(transaction, "description", record.description or grant.title)
        _narrative(transaction, "receiver-org", grant.grantee.name)
        written += 1
    return written


def _results(element: etree._Element, table: FrameworkTable) -> int:
    written = 0
    for row in table.rows:
        if not row.indicators:
            continue  # IATI: a result has at least one indicator
        result = etree.SubElement(element, "result", type=IATI_RESULT_TYPE[ResultLevel(row.node.level)])
        _narrative(result, "title", f"{row.node.code} {row.node.title}")
        if row.node.description:
            _narrative(result, "description", row.node.description)
        for item in row.indicators:
            indicator = item.indicator
            node = etree.SubElement(
                result, "indicator", measure=indicator.measure, ascending="1" if indicator.ascending else "0"
            )
            _narrative(node, "title", f"{indicator.code} {indicator.title}")
            if indicator.description:
                _narrative(node, "description", indicator.description)
            qualitative = indicator.measure == Measure.QUALITATIVE
            if item.baseline_year and (item.baseline_value is not None or qualitative):
                baseline = etree.SubElement(
                    node,
                    "baseline",
                    year=str(item.baseline_year),
                    **{"iso-date": datetime.date(item.baseline_year, 1, 1).isoformat()},
                )
                if item.baseline_value is not None:
                    baseline.set("value", _decimal(item.baseline_value))
            period = etree.SubElement(node, "period")
            period_start = item.period.period_start if item.period is not None else table.period_start
            period_end = item.period.period_end if item.period is not None else table.period_end
            etree.SubElement(period, "period-start", **{"iso-date": period_start.isoformat()})
            etree.SubElement(period, "period-end", **{"iso-date": period_end.isoformat()})
            if item.target is not None:
                etree.SubElement(period, "target", value=_decimal(item.target))
            if item.actual is not None and not item.withheld:
                etree.SubElement(period, "actual", value=_decimal(item.actual))
                # A breakdown is an actual of its own with the dimension it counts (a withheld part, a mark, is
                # left out).
                for dimension, values in sorted((item.disaggregated or {}).items()):
                    for key, number in sorted((values or {}).items()):
                        if isinstance(number, int | Decimal) and not isinstance(number, bool):
                            part = etree.SubElement(period, "actual", value=_decimal(number))
                            etree.SubElement(part, "dimension", name=str(dimension), value=str(key))
        written += 1
    return written


def iati_file(*, user: User, countries: list[str], start: datetime.date, end: datetime.date) -> IatiFile:
    """The IATI 2.03 activity file of the countries' programmes for the period, as the user may read them."""
    now = timezone.now().replace(microsecond=0)
    root = etree.Element("iati-activities", version=VERSION, **{"generated-datetime": now.isoformat()})
    root.append(etree.Comment(_("Generated by tipsom: the programme's activities, grants and results framework.")))
    results = transactions = 0
    for country in countries:
        written = _activity(root, user=user, country=country, start=start, end=end, now=now)
        results += written[0]
        transactions += written[1]
    content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return IatiFile(content=content, activities=len(countries), results=results, transactions=transactions)
