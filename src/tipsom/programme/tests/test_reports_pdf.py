"""The PDF's tables are laid out without text shaping (about half the time) only where no text needs it: Latin,
Cyrillic, punctuation and marks like "<5" do not; Arabic, Devanagari, Lao and combining marks do."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from tipsom.programme.reports.data import donor_report, report_parameters
from tipsom.programme.reports.pdf import needs_shaping, report_pdf_bytes
from tipsom.programme.testing_reports import YEAR_END, YEAR_START, make_report_data


def test_only_scripts_that_join_or_reorder_or_place_marks_need_shaping() -> None:
    assert not needs_shaping(["Identification of victims", "Défenseurs — São Paulo…", "<5", "..", "1 234,50 €"])
    assert not needs_shaping(["Подготовка полиции", ""])
    assert needs_shaping(["Total", "تدريب الشرطة"])  # Arabic
    assert needs_shaping(["प्रशिक्षण"])  # Devanagari
    assert needs_shaping(["ການຝຶກອົບຮົມ"])  # Lao
    assert needs_shaping(["Jose\u0301"])  # a combining accent


@pytest.mark.django_db
def test_a_report_with_latin_and_arabic_tables_shows_both() -> None:
    data = make_report_data()
    data.campaign.title = "حملة ضد الاتجار"  # this table is shaped, the others not
    data.campaign.save()
    parameters = report_parameters(country="BR", start=YEAR_START, end=YEAR_END)
    report = donor_report(user=data.officer, parameters=parameters, today=datetime.date(2020, 1, 15))
    reader = PdfReader(io.BytesIO(report_pdf_bytes(report)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Practitioners identify victims" in text  # an unshaped table's text (the framework)
    assert "54,321" in text  # the people the Arabic-titled campaign reached, in the shaped table
    assert "Meeting of specialised prosecutors" in text  # a table after the shaped one
