"""The one way tipsom prints a PDF (the referral letter, the anonymised case brief): fpdf2 with Noto Sans (Latin,
Greek, Cyrillic) and Noto Sans Arabic and Devanagari as fallbacks, then the faces tipsom ships for the web
(core.fonts: Lao), shaped by HarfBuzz; A4 with 20 mm margins; set from the right for Arabic and Urdu.

    pdf, out = pdf_document(title)
    out.heading(title, 16)
    out.rows([(label, value), ...])
    data = bytes(pdf.output())"""

from __future__ import annotations

import importlib
import logging
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, overload

from django.utils.translation import get_language, get_language_bidi

from tipsom.core.fonts import pdf_fallback_fonts

W = TypeVar("W", bound="PdfWriter")
FONT_PACKAGES = ("fontpkg_noto_sans", "fontpkg_noto_sans_arabic", "fontpkg_noto_sans_devanagari")
MAIN_FONT = "noto"


@cache
def pdf_fonts() -> list[tuple[str, Path, frozenset[int]]]:
    """(name, file, code points covered) of each font a PDF uses, the main one first."""
    from fontTools.ttLib import TTFont

    fonts = []
    for index, package in enumerate(FONT_PACKAGES):
        root = importlib.import_module(package).ROOT / "files"
        path = next(p for p in sorted(root.glob("*.ttf")) if "Italic" not in p.name)
        fonts.append((MAIN_FONT if index == 0 else f"fallback{index}", path))
    fonts.extend(pdf_fallback_fonts())
    return [(name, path, frozenset(TTFont(path, lazy=True).getBestCmap())) for name, path in fonts]


def renderable(text: str) -> bool:
    """Whether every letter of `text` has a glyph in the PDF fonts (spaces and joiners aside)."""
    covered = frozenset().union(*(font[2] for font in pdf_fonts()))
    return all(ord(char) in covered or char.isspace() or ord(char) in (0x200C, 0x200D) for char in text)


class PdfWriter:
    """Headings, paragraphs, label-value rows, boxes and lines to fill in by hand: left to right, or from the
    right for Arabic and Urdu."""

    def __init__(self, pdf: Any, rtl: bool):
        self.pdf, self.rtl = pdf, rtl
        self.align = "R" if rtl else "L"

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.set_font(MAIN_FONT, size=size)
        self.pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT", align=self.align)
        self.pdf.ln(1)

    def paragraph(self, text: str, size: int = 10) -> None:
        self.pdf.set_font(MAIN_FONT, size=size)
        self.pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT", align=self.align)
        self.pdf.ln(2)

    def rows(self, rows: list[tuple[str, str]]) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font(MAIN_FONT, size=10)
        pdf.set_fill_color(255)  # the table would take a box's grey for its cells
        label_style = FontFace(color=80, size_pt=9)
        widths = (115, 55) if self.rtl else (55, 115)
        with pdf.table(
            col_widths=widths,
            first_row_as_headings=False,
            borders_layout="NONE",
            cell_fill_mode="NONE",
            line_height=5.5,
            padding=(0.5, 1),
        ) as table:
            for label, value in rows:
                row = table.row()
                if self.rtl:
                    row.cell(value or "—", align="R")
                    row.cell(label, align="R", style=label_style)
                else:
                    row.cell(label, style=label_style)
                    row.cell(value or "—")
        pdf.ln(2)

    def box(self, text: str) -> None:
        pdf = self.pdf
        pdf.set_font(MAIN_FONT, size=9)
        pdf.set_fill_color(240)
        pdf.multi_cell(0, 5, text, border=1, fill=True, new_x="LMARGIN", new_y="NEXT", align=self.align, padding=2)
        pdf.ln(3)

    def field(self, label: str) -> None:
        """A line to fill in by hand."""
        pdf = self.pdf
        pdf.set_font(MAIN_FONT, size=10)
        pdf.multi_cell(0, 6, label, new_x="LMARGIN", new_y="NEXT", align=self.align)
        y = pdf.get_y() + 5
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y + 2)

    def tick_boxes(self, options: list[str]) -> None:
        """Boxes to tick by hand, one per option, on one line."""
        pdf = self.pdf
        pdf.set_font(MAIN_FONT, size=11)
        y = pdf.get_y() + 1
        x = pdf.w - pdf.r_margin if self.rtl else pdf.l_margin
        for option in options:
            width = pdf.get_string_width(option) + 2
            if self.rtl:
                pdf.rect(x - 4, y + 0.5, 4, 4)
                pdf.set_xy(x - 6 - width, y)
                pdf.cell(width, 5, option, align="R")
                x -= width + 16
            else:
                pdf.rect(x, y + 0.5, 4, 4)
                pdf.set_xy(x + 6, y)
                pdf.cell(width, 5, option)
                x += width + 16
        pdf.set_xy(pdf.l_margin, y + 8)


@overload
def pdf_document(title: str) -> tuple[Any, PdfWriter]: ...
@overload
def pdf_document(title: str, writer: type[W]) -> tuple[Any, W]: ...
def pdf_document(title: str, writer: type[PdfWriter] = PdfWriter) -> tuple[Any, PdfWriter]:
    """A new A4 document titled `title` in the active language, its fonts set up and a first page added, with the
    writer (PdfWriter, or a subclass) that lays text out in the language's direction."""
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every subsetting step at INFO
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_lang(get_language() or "en")
    pdf.set_creator("tipsom")
    fonts = pdf_fonts()
    for name, path, _covered in fonts:
        pdf.add_font(name, "", str(path))
    pdf.set_fallback_fonts([name for name, _path, _covered in fonts[1:]])
    pdf.set_text_shaping(True)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    return pdf, writer(pdf, get_language_bidi())
