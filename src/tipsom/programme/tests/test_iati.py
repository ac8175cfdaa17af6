"""The IATI 2.03 activity file: valid against the official schema (var/iati/2.03, `make iati-schema`; the test fails
without it in CI and is skipped elsewhere), with the programme's organisations, sectors, budgets, the grants'
transactions and the results framework, and no withheld count of victims."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree

from tipsom.programme.reports.iati import activity_identifier, iati_file
from tipsom.programme.testing_reports import YEAR_END, YEAR_START, ReportData, make_report_data

pytestmark = pytest.mark.django_db
SCHEMA = Path(settings.BASE_DIR) / "var" / "iati" / "2.03" / "iati-activities-schema.xsd"


def _schema() -> etree.XMLSchema:
    if not SCHEMA.exists():
        reason = f"the IATI 2.03 schema is not in {SCHEMA}: run `make iati-schema` (it downloads it from PyPI)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


@pytest.fixture
def data() -> ReportData:
    return make_report_data()


def _file(data: ReportData) -> etree._Element:
    made = iati_file(user=data.officer, countries=["BR"], start=YEAR_START, end=YEAR_END)
    return etree.fromstring(made.content)


def test_the_file_is_valid_against_the_official_schema(data: ReportData) -> None:
    schema = _schema()
    root = _file(data)
    assert schema.validate(root), schema.error_log
    assert root.get("version") == "2.03"


def test_the_activity_holds_the_programme(data: ReportData) -> None:
    activity = _file(data).find("iati-activity")
    assert activity is not None
    assert activity.findtext("iati-identifier") == activity_identifier("BR") == "XM-DAC-41110-GLOACT-BR"
    assert activity.find("reporting-org").get("ref") == settings.TIPSOM_IATI_REPORTING_ORG
    roles = [(org.get("role"), org.findtext("narrative")) for org in activity.findall("participating-org")]
    assert ("1", "European Union") in roles
    assert ("4", "Shelter BR") in roles  # the grantee implements
    sectors = {sector.get("code"): int(sector.get("percentage")) for sector in activity.findall("sector")}
    assert sum(sectors.values()) == 100 and set(sectors) <= {"15130", "15180", "15190"}
    budget = activity.find("budget")
    assert budget.find("period-start").get("iso-date") == "2019-01-01"
    assert budget.findtext("value") == "50000.5"  # the activities' 12,000 and 8,000.50 and the grant's 30,000
    transactions = [
        (t.find("transaction-type").get("code"), t.findtext("value")) for t in activity.findall("transaction")
    ]
    assert transactions == [("2", "30000"), ("3", "10000"), ("4", "4250.75")]
    results = activity.findall("result")
    assert [result.get("type") for result in results] == ["1"]  # the output with the indicator; the outcome has none
    indicator = results[0].find("indicator")
    assert indicator.find("baseline").get("value") == "40"
    period = indicator.find("period")
    assert period.find("target").get("value") == "150"
    assert period.find("actual").get("value") == "128"


def test_a_period_over_two_years_has_a_budget_per_year(data: ReportData) -> None:
    import datetime

    made = iati_file(
        user=data.officer, countries=["BR"], start=datetime.date(2018, 7, 1), end=datetime.date(2019, 6, 30)
    )
    budgets = etree.fromstring(made.content).findall("iati-activity/budget")
    spans = [(b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date")) for b in budgets]
    assert spans == [("2018-07-01", "2018-12-31"), ("2019-01-01", "2019-06-30")]
