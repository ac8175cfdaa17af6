"""`tipsom report donor|iati`: the files written as the system, audited; bad input a clear error, no file."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader

from tipsom.audit.models import AuditEvent
from tipsom.organizations.testing import make_organization
from tipsom.programme.testing import make_activity
from tipsom.programme.testing_reports import ReportData, make_report_data

pytestmark = pytest.mark.django_db
PERIOD = ("--from", "2019-01-01", "--to", "2019-12-31")


@pytest.fixture
def data() -> ReportData:
    return make_report_data()


def test_donor_report_as_xlsx_and_pdf(data: ReportData, tmp_path: Path) -> None:
    xlsx, pdf = tmp_path / "report.xlsx", tmp_path / "report.pdf"
    out = io.StringIO()
    call_command("report", "donor", "--country", "br", *PERIOD, "--output", str(xlsx), stdout=out)
    call_command("report", "donor", "--country", "BR", *PERIOD, "--format", "pdf", "--output", str(pdf), stdout=out)
    assert str(xlsx) in out.getvalue()
    workbook = load_workbook(xlsx)
    assert workbook.worksheets[2]["C2"].value is not None  # the activities' sheet has figures
    assert "54,321" in "".join(page.extract_text() for page in PdfReader(pdf).pages)  # the campaign's reach
    events = AuditEvent.objects.filter(action="programme.report.export").order_by("pk")
    assert [event.changes["format"] for event in events] == ["xlsx", "pdf"]
    assert events[0].actor_id is None and events[0].changes["country"] == "BR"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.pdf", "report.xlsx"]  # no temporary left


def test_donor_report_of_one_pillar(data: ReportData, tmp_path: Path) -> None:
    output = tmp_path / "pillar.xlsx"
    call_command("report", "donor", "--country", "BR", *PERIOD, "--pillar", "6", "--output", str(output))
    sheet = load_workbook(output).worksheets[2]
    assert [sheet.cell(row, 4).value for row in (2, 3)] == [125, 125]  # the workshop, then the total


def test_iati_of_a_country_and_of_all(data: ReportData, tmp_path: Path) -> None:
    make_activity(make_organization("CO"), start_date=datetime.date(2019, 2, 1), end_date=datetime.date(2019, 2, 2))
    make_organization("PL")  # a partner abroad (for referrals), with no programme: not in the file
    one, every = tmp_path / "br.xml", tmp_path / "all.xml"
    call_command("report", "iati", "--country", "BR", *PERIOD, "--output", str(one))
    call_command("report", "iati", "--all", *PERIOD, "--output", str(every))
    identifiers = [e.text for e in etree.parse(str(every)).iter("iati-identifier")]
    assert identifiers == ["XM-DAC-41110-GLOACT-BR", "XM-DAC-41110-GLOACT-CO"]
    assert [e.text for e in etree.parse(str(one)).iter("iati-identifier")] == ["XM-DAC-41110-GLOACT-BR"]
    assert AuditEvent.objects.filter(action="programme.iati.export").count() == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["donor", "--country", "ZZ", *PERIOD], "ZZ"),
        (["donor", "--country", "BR", "--from", "2019-12-31", "--to", "2019-01-01"], "before its start"),
        (["donor", "--country", "BR", *PERIOD, "--format", "docx"], "docx"),
        (["donor", "--country", "BR", *PERIOD, "--pillar", "7"], "pillar"),
        (["iati", "--country", "BR", "--from", "2019-01-01", "--to", "yesterday"], "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(
    data: ReportData, tmp_path: Path, arguments: list[str], message: str
) -> None:
    output = tmp_path / "out.file"
    with pytest.raises(CommandError) as caught:
        call_command("report", *arguments, "--output", str(output))
    assert message in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action__startswith="programme.").filter(action__endswith=".export").exists()


def test_an_unwritable_output_is_refused(data: ReportData, tmp_path: Path) -> None:
    output = tmp_path / "missing-folder" / "report.xlsx"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("report", "donor", "--country", "BR", *PERIOD, "--output", str(output))
    assert not output.parent.exists()
    assert not AuditEvent.objects.filter(action="programme.report.export").exists()
