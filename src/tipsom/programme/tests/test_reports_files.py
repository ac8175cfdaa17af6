"""The donor report: its figures, and the XLSX and the PDF showing the same ones (read back with openpyxl and
pypdf), charts in both, an Arabic PDF, formulas escaped, small counts of victims withheld."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Grant
from tipsom.programme.reports.data import DonorReport, Withheld, cell_text, donor_report, report_parameters
from tipsom.programme.reports.pdf import report_pdf_bytes
from tipsom.programme.reports.xlsx import report_xlsx_bytes
from tipsom.programme.testing_reports import YEAR_END, YEAR_START, ReportData, make_report_data

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2020, 1, 15)


@pytest.fixture
def data() -> ReportData:
    return make_report_data()


def _report(data: ReportData, **fields) -> DonorReport:
    parameters = report_parameters(country="BR", start=YEAR_START, end=YEAR_END, **fields)
    return donor_report(user=data.officer, parameters=parameters, today=TODAY)


def test_the_report_counts_activities_participants_campaigns_meetings_and_grants(data: ReportData) -> None:
    report = _report(data)
    activities = report.section("activities")
    assert activities.total == ["Total", "", 4, 128]  # the activity of December 2018 is not in the period
    sex = {row[0]: row[1:] for row in report.section("sex").rows}
    assert sex["Women"] == [2, 102, 104]  # roster, aggregate counts, together
    assert sex["Men"] == [1, 23, 24]
    sectors = {row[0]: row[3] for row in report.section("sector").rows}
    assert sectors == {"Police": 2, "Judges": 1, "Family defenders": 125}
    framework = {row[0]: row for row in report.section("framework").rows}
    assert framework["3.1.a"][3:7] == ["2018", Decimal("40.00"), Decimal("150.00"), Decimal("128.00")]
    assert report.section("campaigns").rows[0][5] == 54321
    assert report.section("cooperation").rows[0][4:] == [3, 2, 1]  # three actions, two open, one overdue
    grant = report.section("grants").rows[0]
    assert grant[4:8] == [Decimal("30000.00"), Decimal("10000.00"), Decimal("10000.00"), Decimal("4250.75")]
    assert grant[9] == 3  # the three reports are past due and not submitted


def test_a_pillar_keeps_its_activities_and_results_only(data: ReportData) -> None:
    report = _report(data, pillar=6)
    assert report.section("activities").total == ["Total", "", 1, 125]
    assert report.section("framework").rows == []  # the framework's results are of pillar 3
    assert report.section("grants").rows == []  # the grant is linked to no activity of pillar 6


def test_a_pillar_keeps_the_grants_of_its_activities(data: ReportData) -> None:
    Grant.objects.filter(pk=data.grant.pk).update(activity=data.workshop)  # the workshop is of pillar 6
    assert [row[0] for row in _report(data, pillar=6).section("grants").rows] == [data.grant.reference]
    assert _report(data, pillar=3).section("grants").rows == []


def test_xlsx_and_pdf_show_the_same_figures(data: ReportData) -> None:
    report = _report(data)
    numbers = list(report.numbers())
    assert len(numbers) > 40
    workbook = load_workbook(io.BytesIO(report_xlsx_bytes(report)))
    sheets = workbook.worksheets[1:]  # after the cover
    assert len(sheets) == len(report.sections)
    for key, row, column, value in numbers:
        sheet = sheets[[section.key for section in report.sections].index(key)]
        assert Decimal(str(sheet.cell(row + 2, column + 1).value)) == Decimal(value), (key, row, column)
    charted = [sheet.title for sheet in sheets if sheet._charts]  # noqa: SLF001  # openpyxl keeps them there
    assert len(charted) == 5  # activities, sex, sector, campaigns, grants; summary, framework, cooperation: none
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf_bytes(report))).pages)
    flat = " ".join(text.split())
    for key, row, column, value in numbers:
        section = report.section(key)
        assert cell_text(value, section.columns[column]) in flat, (key, row, column, value)
    assert "Participants by sector" in flat  # a chart's title


def test_pdf_in_arabic_renders(data: ReportData) -> None:
    with translation.override("ar"):
        report = _report(data)
        content = report_pdf_bytes(report)
        title = report.title  # the title in Arabic
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2
    assert title.startswith("تقرير")
    assert reader.metadata is not None and reader.metadata.title == title


def test_spreadsheet_formulas_are_escaped(data: ReportData) -> None:
    data.campaign.title = '=HYPERLINK("http://evil")'
    data.campaign.save()
    workbook = load_workbook(io.BytesIO(report_xlsx_bytes(_report(data))))
    values = [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil")' in values
    assert not any(isinstance(value, str) and value.startswith("=") for value in values)


def test_small_counts_of_victims_assisted_are_withheld(data: ReportData) -> None:
    from tipsom.cases.testing import make_case
    from tipsom.programme.testing_grants import make_service_delivery

    make_service_delivery(make_case(data.ngo), data.ngo, datetime.date(2019, 4, 1))
    report = _report(data)
    cell = report.section("grants").rows[0][8]
    assert cell == Withheld("<5")
    workbook = load_workbook(io.BytesIO(report_xlsx_bytes(report)))
    grants = workbook.worksheets[1 + [s.key for s in report.sections].index("grants")]
    assert grants.cell(2, 9).value == "<5"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"country": "BR", "start": "2019-12-31", "end": "2019-01-01"}, "to"),
        ({"country": "BR", "start": "2019-13-01", "end": "2019-12-31"}, "from"),
        ({"country": "ZZ", "start": "2019-01-01", "end": "2019-12-31"}, "country"),
        ({"country": "BR", "start": "2019-01-01", "end": "2019-12-31", "pillar": 9}, "pillar"),
        ({"country": "BR", "start": "2000-01-01", "end": "2019-12-31"}, "to"),
    ],
)
def test_bad_parameters_are_refused_with_the_field(data: ReportData, fields: dict, field: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        report_parameters(**fields)
    assert field in caught.value.extra["fields"]


def test_the_impact_section_says_why_there_is_no_estimate(data: ReportData) -> None:
    impact = _report(data).section("impact")
    assert impact.rows == []
    assert "region" in impact.notes[0]  # the period's training names no region to compare


def test_the_impact_section_with_regions(data: ReportData) -> None:
    from tipsom.programme.testing_impact import make_victim_facts

    data.training.regions = ["BR-SP"]
    data.training.save()
    trained = make_organization("BR", region="BR-SP")
    untrained = make_organization("BR", region="BR-RJ")
    for month in range(30):  # 2018-01 to 2020-06: the window of 12 months around March 2019 and more
        day = datetime.date(2018 + month // 12, month % 12 + 1, 15)
        make_victim_facts(trained, day, 6 if day >= datetime.date(2019, 3, 1) else 3)
        make_victim_facts(untrained, day, 3)
    report = _report(data)
    impact = {row[0]: row[1] for row in report.section("impact").rows}
    assert impact["Cases in the trained regions, before"] == 36  # 12 months of 3
    assert impact["Cases in the trained regions, after"] == 72
    assert impact["Trained regions"] == 1 and impact["Comparison regions"] == 1
    assert isinstance(impact["Estimate (cases per region and month)"], Decimal)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf_bytes(report))).pages)
    assert cell_text(impact["Estimate (cases per region and month)"]) in " ".join(text.split())
