"""The printable referral letter (PDF): for an organization not on tipsom, or any referral its sender prints.

It carries the minimum: the sender, the caseworker and the organization's contact, the date, the reference (case
number), the recipient, the service, the urgency, the sections the sender shared (identity only if shared), the
message and how consent was given, and nothing else of the case; then a confidentiality notice and a reply slip
the receiver fills in by hand. Every code is printed as its label in the active language (readable.py), and a
right-to-left language sets the page from the right. Text is set in Noto Sans (Latin, Greek, Cyrillic) with Noto
Sans Arabic and Noto Sans Devanagari as fallbacks, and the faces tipsom ships for the web (Lao: core.fonts), shaped
by HarfBuzz; a name in a script none of these fonts has is printed in its Latin transliteration."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import get_language, get_language_bidi, gettext_noop, pgettext
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.core.errors import NotFound
from tipsom.organizations import geography
from tipsom.referrals.models import Channel, Referral, ServiceType, Urgency
from tipsom.referrals.readable import readable_sections
from tipsom.referrals.sections import build_sections
from tipsom.referrals.selectors.referral import access_referral_by_id
from tipsom.referrals.services.answer import referral_sender_side
from tipsom.referrals.services.referral import referral_audit

_FONT_FAMILIES = ("fontpkg_noto_sans", "fontpkg_noto_sans_arabic", "fontpkg_noto_sans_devanagari")
_MAIN = "noto"


@cache
def _fonts() -> list[tuple[str, Path, frozenset[int]]]:
    """(name, file, code points covered) of each bundled font, main font first."""
    import importlib

    from fontTools.ttLib import TTFont

    fonts = []
    for index, package in enumerate(_FONT_FAMILIES):
        root = importlib.import_module(package).ROOT / "files"
        path = next(p for p in sorted(root.glob("*.ttf")) if "Italic" not in p.name)
        covered = frozenset(TTFont(path, lazy=True).getBestCmap())
        fonts.append((_MAIN if index == 0 else f"fallback{index}", path, covered))
    # Scripts no fontpkg package covers (Lao) come from the faces tipsom ships for the web.
    from tipsom.core.fonts import pdf_fallback_fonts

    for name, shipped in pdf_fallback_fonts():
        fonts.append((name, shipped, frozenset(TTFont(shipped, lazy=True).getBestCmap())))
    return fonts


def renderable(text: str) -> bool:
    """Whether every letter of `text` has a glyph in the bundled fonts (spaces and marks aside)."""
    covered = frozenset().union(*(font[2] for font in _fonts()))
    return all(ord(char) in covered or char.isspace() or ord(char) in (0x200C, 0x200D) for char in text)


def printable_name(name: dict[str, Any]) -> str:
    """A name as the letter prints it: in its own script when the fonts have it, else in Latin letters."""
    own, latin = name.get("name") or "", name.get("name_latin") or ""
    if renderable(own):
        return f"{own} ({latin})" if latin and latin != own else own
    return latin or own


# What the letter says --------------------------------------------------------------------------------------------


def _join(values: list[Any]) -> str:
    return ", ".join(str(v) for v in values if v not in (None, "")) or "—"


def _recipient(referral: Referral) -> str:
    if referral.to_organization is not None:
        service = referral.service.name if referral.service is not None else ""
        return _join([referral.to_organization.name, service])
    if referral.channel == Channel.ABROAD and referral.partner_country:
        return _join([referral.recipient, geography.country_name(referral.partner_country)])
    return referral.recipient or "—"


def _caseworker(referral: Referral) -> tuple[str, str]:
    """The sender's name and roles, in words."""
    user = referral.created_by
    if user is None:
        return "—", "—"
    roles = ", ".join(role.display_name for role in user.roles.all())
    return user.full_name or user.username, roles or "—"


def section_rows(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """One readable section (readable.readable_sections) as the letter's (label, value) rows."""
    rows: list[tuple[str, str]] = [
        (str(name["kind"]), printable_name({"name": name["name"], "name_latin": name["latin"]}))
        for name in entry.get("names", [])
    ]
    if entry["key"] == "contact":
        rows += [(str(c["kind"]), str(c["value"])) for c in entry.get("contacts", [])] or [(_("Contact details"), "—")]
    if entry["key"] == "child":
        rows.append((_("Guardian"), entry.get("guardian") or "—"))
    rows += [(str(label), str(value)) for label, value in entry.get("facts", [])]
    columns = [str(c) for c in entry.get("columns", [])]
    for cells in entry.get("rows", []):
        described = zip(columns[1:], cells[1:], strict=False)
        rows.append((str(cells[0]), "; ".join(f"{column}: {cell}" for column, cell in described)))
    if columns and not entry.get("rows"):
        rows.append((entry["title"], _("Nothing recorded.")))
    return rows


CONFIDENTIAL = gettext_noop(
    "Confidential. This letter carries personal data of a person who may be a victim of trafficking. Read it and "
    "share it only to provide the service; do not copy or forward it; keep it locked away and destroy it when it is "
    "no longer needed. If it reached you by mistake, tell the sender and destroy it."
)


def letter_lines(referral: Referral, sections: dict[str, Any]) -> dict[str, Any]:
    """Everything the letter prints, as words in the active language (the PDF lays it out; tests read it)."""
    sender = referral.from_organization
    name, roles = _caseworker(referral)
    header = [
        (_("From"), sender.name if sender else "—"),
        (_("Caseworker"), name),
        (_("Role"), roles),
        (_("Contact"), _join([sender.phone, sender.email]) if sender else "—"),
        (_("Date"), formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")),
        (_("Reference"), referral.case.case_number if referral.case is not None else "—"),
        (pgettext("recipient of a referral", "To"), _recipient(referral)),
        (_("Type of service"), str(ServiceType(referral.service_type).label)),
        (_("Urgency"), str(Urgency(referral.urgency).label)),
        (_("Answer requested by"), formats.date_format(timezone.localtime(referral.due_at), "SHORT_DATETIME_FORMAT")),
    ]
    shown = [entry for entry in readable_sections(sections) if entry["key"] in referral.sections]
    if referral.consent_override:
        consent = _(
            "The person's consent was not recorded for this referral; the sender referred in an emergency and "
            "recorded why. Share this information only as far as the service requires."
        )
    else:
        consent = _(
            "The person (or, for a child, their guardian or parent) agreed to this referral and to sharing the "
            "information above with a service of this type. Use it only to provide the service."
        )
    return {
        "title": _("Referral letter"),
        "header": header,
        "message": referral.message,
        "sections": [(entry["title"], section_rows(entry)) for entry in shown],
        "consent": consent,
        "confidential": _(CONFIDENTIAL),
        "reply_to": _join([sender.name, sender.phone, sender.email]) if sender else "—",
    }


# The PDF ---------------------------------------------------------------------------------------------------------


def _setup_fonts(pdf: Any) -> None:
    """The bundled fonts, the main one first and the others as fallbacks, shaped by HarfBuzz."""
    fonts = _fonts()
    for name, path, _covered in fonts:
        pdf.add_font(name, "", str(path))
    pdf.set_fallback_fonts([name for name, _path, _covered in fonts[1:]])
    pdf.set_text_shaping(True)


class _Writer:
    """The letter's layout: left to right, or from the right for Arabic and Urdu."""

    def __init__(self, pdf: Any, rtl: bool):
        self.pdf, self.rtl = pdf, rtl
        self.align = "R" if rtl else "L"

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.set_font(_MAIN, size=size)
        self.pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT", align=self.align)
        self.pdf.ln(1)

    def paragraph(self, text: str, size: int = 10) -> None:
        self.pdf.set_font(_MAIN, size=size)
        self.pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT", align=self.align)
        self.pdf.ln(2)

    def rows(self, rows: list[tuple[str, str]]) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font(_MAIN, size=10)
        pdf.set_fill_color(255)  # the table would take the notice's grey for its cells
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
        pdf.set_font(_MAIN, size=9)
        pdf.set_fill_color(240)
        pdf.multi_cell(0, 5, text, border=1, fill=True, new_x="LMARGIN", new_y="NEXT", align=self.align, padding=2)
        pdf.ln(3)

    def field(self, label: str) -> None:
        """A line to fill in by hand."""
        pdf = self.pdf
        pdf.set_font(_MAIN, size=10)
        pdf.multi_cell(0, 6, label, new_x="LMARGIN", new_y="NEXT", align=self.align)
        y = pdf.get_y() + 5
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y + 2)

    def tick_boxes(self, options: list[str]) -> None:
        """Boxes to tick by hand, one per option, on one line."""
        pdf = self.pdf
        pdf.set_font(_MAIN, size=11)
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


def render_letter(referral: Referral, sections: dict[str, Any]) -> bytes:
    """The letter's PDF bytes for `referral` and the `sections` it shares, in the active language."""
    from fpdf import FPDF

    # fontTools logs every subsetting step at INFO: one letter would fill the log.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    lines = letter_lines(referral, sections)
    pdf = FPDF(format="A4")
    pdf.set_title(lines["title"])
    pdf.set_lang(get_language() or "en")
    pdf.set_creator("tipsom")
    _setup_fonts(pdf)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    out = _Writer(pdf, get_language_bidi())

    out.heading(lines["title"], 16)
    out.box(lines["confidential"])
    out.rows(lines["header"])
    if lines["message"]:
        out.heading(_("Message"))
        out.paragraph(lines["message"])
    for title, rows in lines["sections"]:
        out.heading(title, 11)
        out.rows(rows)
    out.heading(_("Consent"))
    out.paragraph(lines["consent"])

    # The reply slip: on its own page, so the receiver can tear it off and send it back.
    pdf.add_page()
    out.heading(_("Reply slip"), 14)
    out.paragraph(
        _("Please fill in by hand and return this slip to the sender: %(sender)s") % {"sender": lines["reply_to"]}
    )
    out.rows([(label, value) for label, value in lines["header"] if label in (_("Reference"), _("Type of service"))])
    out.tick_boxes([_("Accepted"), _("Declined")])
    out.field(_("Reason (if declined)"))
    pdf.ln(4)
    out.field(_("Contact person, phone or email"))
    out.field(_("Date"))
    out.field(_("Signature"))
    return bytes(pdf.output())


@transaction.atomic
def referral_letter(*, actor: User, referral_id: Any) -> tuple[Referral, bytes]:
    """The letter of a referral, for the sender and the case's team only (the receiver and national viewers get
    NotFound).
    Every letter printed is audited, with the sections it carried."""
    referral = access_referral_by_id(actor, referral_id)
    if referral.case is None or not referral_sender_side(actor, referral):
        raise NotFound()
    sections = build_sections(referral.case, referral.sections)
    content = render_letter(referral, sections)
    referral_audit(actor, "referral.letter", referral, {"sections": referral.sections})
    return referral, content
