"""The donor report as a PDF (tipsom.core.pdf: Noto fonts for Latin, Cyrillic, Arabic, Devanagari and Lao, set from
the right for Arabic and Urdu): the same tables as the workbook, and each section's bar chart drawn with fpdf2's
rectangles, lines and text. A withheld count shows its mark and draws no bar."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from tipsom.core.pdf import MAIN_FONT, PdfWriter, pdf_document
from tipsom.programme.reports.data import Cell, DonorReport, Section, cell_text, date_text

# The series' colours (Chart.js's default palette, as the screens' charts).
COLOURS = ((54, 162, 235), (255, 99, 132), (75, 192, 192), (255, 159, 64), (153, 102, 255))
LABEL_WIDTH = 55.0
VALUE_WIDTH = 24.0
BAR_HEIGHT = 3.6
TABLE_FONT = 7.5
# Characters fpdf2 must shape (join, reorder, place marks): combining marks, and every script from Hebrew on (Arabic,
# Devanagari, Lao...) but for punctuation and currency signs. A table of none of them is laid out unshaped: the same
# glyphs, without kerning, in about half the time (fpdf2 shapes each character apart to measure a line).
_UNSHAPED = frozenset(chr(code) for code in range(0x2000, 0x20D0))


def needs_shaping(texts: list[str]) -> bool:
    """Whether any of `texts` has a character that must be shaped to be shown right."""
    return any(
        (0x0300 <= ord(char) < 0x0370 or ord(char) >= 0x0590) and char not in _UNSHAPED
        for text in texts
        for char in text
    )


def _number(cell: Cell) -> float | None:
    if isinstance(cell, bool) or not isinstance(cell, int | Decimal):
        return None
    return float(cell)


class ReportWriter(PdfWriter):
    def table(self, section: Section) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        columns = list(section.columns)
        width = pdf.w - pdf.l_margin - pdf.r_margin
        weights = [1.0 if column.numeric else 2.2 for column in columns]
        widths = [width * weight / sum(weights) for weight in weights]
        order = list(range(len(columns)))
        if self.rtl:
            order.reverse()
        labels = [columns[i].label for i in order]
        texts = [[cell_text(row[i], columns[i]) for i in order] for row in section.all_rows]
        pdf.set_font(MAIN_FONT, size=TABLE_FONT)
        pdf.set_fill_color(255)
        heading = FontFace(fill_color=(235, 238, 242))
        total = FontFace(fill_color=(245, 245, 245))
        pdf.set_text_shaping(needs_shaping([*labels, *(text for row in texts for text in row)]))
        try:
            with pdf.table(
                col_widths=[widths[i] for i in order],
                first_row_as_headings=True,
                headings_style=FontFace(fill_color=(220, 225, 232)),
                line_height=TABLE_FONT * 0.5,
                padding=(0.6, 1),
                text_align=["R" if columns[i].numeric or self.rtl else "L" for i in order],
            ) as table:
                header = table.row()
                for label in labels:
                    header.cell(label)
                for index, row_texts in enumerate(texts):
                    is_total = section.total is not None and index == len(section.rows)
                    style = total if is_total else heading if index in section.heading_rows else None
                    line = table.row(style=style)
                    for text in row_texts:
                        line.cell(text)
        finally:
            pdf.set_text_shaping(True)
        if not section.all_rows:
            self.paragraph(_("Nothing in this period."), 9)
        pdf.ln(2)

    def bar_chart(self, section: Section) -> None:
        """Horizontal bars, one per row and series, with the label beside and the value at the bar's end."""
        spec = section.chart
        rows = section.chart_rows()
        if spec is None or not rows:
            return
        pdf = self.pdf
        values = [[_number(row[column]) for column in spec.value_columns] for row in rows]
        largest = max((value for row in values for value in row if value is not None), default=0.0)
        if largest <= 0:
            return
        series = len(spec.value_columns)
        row_height = BAR_HEIGHT * series + 2
        if pdf.get_y() + 12 + row_height * min(len(rows), 3) > pdf.page_break_trigger:
            pdf.add_page()
        self.heading(spec.title, 10)
        left, right = pdf.l_margin, pdf.w - pdf.r_margin
        area = right - left - LABEL_WIDTH - VALUE_WIDTH - 2
        pdf.set_font(MAIN_FONT, size=TABLE_FONT)
        pdf.set_draw_color(160)
        for row, row_values in zip(rows, values, strict=True):
            if pdf.get_y() + row_height > pdf.page_break_trigger:
                pdf.add_page()
            y = pdf.get_y()
            label = self._fit(cell_text(row[spec.label_column]), LABEL_WIDTH - 2)
            if self.rtl:
                pdf.set_xy(right - LABEL_WIDTH, y)
                pdf.cell(LABEL_WIDTH, row_height, label, align="R")
                origin = right - LABEL_WIDTH - 1
            else:
                pdf.set_xy(left, y)
                pdf.cell(LABEL_WIDTH, row_height, label)
                origin = left + LABEL_WIDTH + 1
            for number, (column, value) in enumerate(zip(spec.value_columns, row_values, strict=True)):
                top = y + 1 + number * BAR_HEIGHT
                length = area * value / largest if value is not None else 0.0
                pdf.set_fill_color(*COLOURS[number % len(COLOURS)])
                if length > 0:
                    pdf.rect(origin - length if self.rtl else origin, top, length, BAR_HEIGHT - 0.6, style="F")
                text = cell_text(row[column], section.columns[column])
                if self.rtl:
                    pdf.set_xy(origin - length - VALUE_WIDTH - 1, top - 0.4)
                    pdf.cell(VALUE_WIDTH, BAR_HEIGHT, text, align="R")
                else:
                    pdf.set_xy(origin + length + 1, top - 0.4)
                    pdf.cell(VALUE_WIDTH, BAR_HEIGHT, text)
            pdf.set_y(y + row_height)
        pdf.line(self._axis(left, right), pdf.get_y(), self._axis(left, right), pdf.get_y() - row_height * len(rows))
        if series > 1:
            self._legend(section)
        pdf.ln(4)

    def _axis(self, left: float, right: float) -> float:
        return right - LABEL_WIDTH - 1 if self.rtl else left + LABEL_WIDTH + 1

    def _legend(self, section: Section) -> None:
        assert section.chart is not None
        pdf = self.pdf
        pdf.ln(1)
        y = pdf.get_y()
        x = pdf.w - pdf.r_margin if self.rtl else pdf.l_margin + LABEL_WIDTH
        for number, column in enumerate(section.chart.value_columns):
            label = section.columns[column].label
            width = pdf.get_string_width(label) + 8
            pdf.set_fill_color(*COLOURS[number % len(COLOURS)])
            if self.rtl:
                pdf.rect(x - 3, y + 0.8, 3, 3, style="F")
                pdf.set_xy(x - width, y)
                pdf.cell(width - 4, 4.5, label, align="R")
                x -= width + 4
            else:
                pdf.rect(x, y + 0.8, 3, 3, style="F")
                pdf.set_xy(x + 4, y)
                pdf.cell(width - 4, 4.5, label)
                x += width + 4
        pdf.set_xy(pdf.l_margin, y + 6)

    def _fit(self, text: str, width: float) -> str:
        """The text cut to `width` with an ellipsis."""
        if self.pdf.get_string_width(text) <= width:
            return text
        while text and self.pdf.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"


def report_pdf_bytes(report: DonorReport) -> bytes:
    """The report's PDF in the active language."""
    pdf, out = pdf_document(report.title, ReportWriter)
    out.heading(report.title, 16)
    out.rows(
        [
            (_("Country"), f"{report.country_name} ({report.country})"),
            (_("Period"), report.period_label),
            (_("Pillar"), report.pillar_label),
            (_("Made on"), date_text(report.generated_at.date())),
        ]
    )
    for section in report.sections:
        if pdf.get_y() > pdf.page_break_trigger - 40:
            pdf.add_page()
        out.heading(section.title, 12)
        out.table(section)
        for note in section.notes:
            out.paragraph(note, 8)
        out.bar_chart(section)
    data: Any = pdf.output()
    return bytes(data)
