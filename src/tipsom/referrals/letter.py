"""The printable referral letter (PDF): for an organization not on tipsom, or any referral its sender prints.

It carries the minimum: the sender and its contact, the date, the reference (case number), the recipient, the
service, the urgency, the sections the sender shared (identity only if shared), the message and how consent was
given, and nothing else of the case. Text is set in Noto Sans (Latin, Greek, Cyrillic) with Noto Sans Arabic and
Noto Sans Devanagari as fallbacks, shaped by HarfBuzz; a name in a script these fonts lack (Lao, for one) is
printed in its Latin transliteration."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.core.errors import NotFound
from tipsom.referrals.models import Channel, Referral, Section, ServiceType, Urgency
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


# What each shared section prints ------------------------------------------------------------------------------


def _join(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values if v not in (None, "")) or "—"


def _age(data: dict[str, Any]) -> str:
    low, high = data.get("age_min"), data.get("age_max")
    if low is None and high is None:
        return "—"
    return str(low) if low == high else f"{low}–{high}"


def _profile(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (_("Type of case"), str(data.get("case_type") or "—").upper()),
        (_("Child"), _("yes") if data.get("is_child") else _("no")),
        (_("Sex"), str(data.get("gender") or "—")),
        (_("Age"), _age(data)),
        (_("Citizenship"), _join(data.get("citizenships", []))),
        (_("Languages"), _join(data.get("languages", []))),
        (_("Region"), str(data.get("region") or "—")),
    ]


def _identity(data: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [(_("Name"), printable_name(name)) for name in data.get("names", [])]
    birth = data.get("birth_date") or "—"
    precision = data.get("birth_date_precision") or ""
    rows.append((_("Date of birth"), f"{birth} ({precision})" if precision else str(birth)))
    return rows


def _contact(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(c.get("kind", "")).capitalize(), str(c.get("value", ""))) for c in data.get("contacts", [])] or [
        (_("Contact details"), "—")
    ]


def _exploitation(data: dict[str, Any]) -> list[tuple[str, str]]:
    route = [data.get("origin_country"), *data.get("transit_countries", []), data.get("destination_country")]
    return [
        (_("Forms of exploitation"), _join(data.get("exploitation_types", []))),
        (_("Sectors"), _join(data.get("industries", []))),
        (_("Means of control"), _join(data.get("means_of_control", []))),
        (_("Route"), " → ".join(str(c) for c in route if c) or "—"),
    ]


def _needs(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (f"{a.get('kind', '')} {a.get('assessed_on', '')}", f"{a.get('level') or '—'}; {_join(a.get('needs', []))}")
        for a in data.get("assessments", [])
    ] or [(_("Assessments"), "—")]


def _plan(data: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [
        (_("Planned: %(type)s") % {"type": p.get("support_type")}, str(p.get("status"))) for p in data.get("plan", [])
    ]
    rows += [
        (_("Given: %(type)s") % {"type": s.get("support_type")}, f"{s.get('delivered_on')}, {s.get('outcome') or '—'}")
        for s in data.get("services", [])
    ]
    return rows or [(_("Support plan"), "—")]


def _child(data: dict[str, Any]) -> list[tuple[str, str]]:
    if not data:
        return [(_("Child protection"), "—")]
    return [
        (_("Guardian"), _join([data.get("guardian_name"), data.get("guardian_organization")])),
        (_("Guardian appointed on"), str(data.get("guardian_appointed_on") or "—")),
        (_("Best-interests assessment"), str(data.get("best_interests") or "—")),
        (_("Family tracing"), str(data.get("family_tracing") or "—")),
        (_("Age assessment"), str(data.get("age_assessment") or "—")),
    ]


_PRINTERS = {
    Section.PROFILE: _profile,
    Section.IDENTITY: _identity,
    Section.CONTACT: _contact,
    Section.EXPLOITATION: _exploitation,
    Section.NEEDS: _needs,
    Section.PLAN: _plan,
    Section.CHILD: _child,
}


# The PDF ------------------------------------------------------------------------------------------------------


def _recipient(referral: Referral) -> str:
    if referral.to_organization is not None:
        service = referral.service.name if referral.service is not None else ""
        return _join([referral.to_organization.name, service])
    if referral.channel == Channel.ABROAD:
        return _join([referral.recipient, referral.partner_country])
    return referral.recipient or "—"


def render_letter(referral: Referral, sections: dict[str, Any]) -> bytes:
    """The letter's PDF bytes for `referral` and the `sections` it shares."""
    from fpdf import FPDF

    # fontTools logs every subsetting step at INFO: one letter would fill the log.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = FPDF(format="A4")
    pdf.set_title(_("Referral letter"))
    pdf.set_creator("tipsom")
    fonts = _fonts()
    for name, path, _covered in fonts:
        pdf.add_font(name, "", str(path))
    pdf.set_fallback_fonts([name for name, _path, _covered in fonts[1:]])
    pdf.set_text_shaping(True)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font(_MAIN, size=size)
        pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1)

    def row(label: str, value: str) -> None:
        pdf.set_font(_MAIN, size=9)
        pdf.set_text_color(80)
        pdf.multi_cell(55, 6, label, new_x="RIGHT", new_y="TOP", align="L")
        pdf.set_font(_MAIN, size=10)
        pdf.set_text_color(0)
        pdf.multi_cell(0, 6, value or "—", new_x="LMARGIN", new_y="NEXT", align="L")

    def paragraph(text: str) -> None:
        pdf.set_font(_MAIN, size=10)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(2)

    sender = referral.from_organization
    heading(_("Referral letter"), 16)
    row(_("From"), sender.name if sender else "—")
    row(_("Contact"), _join([sender.phone, sender.email]) if sender else "—")
    row(_("Date"), timezone.localdate().isoformat())
    row(_("Reference"), referral.case.case_number if referral.case is not None else "—")
    row(_("To"), _recipient(referral))
    row(_("Service"), str(ServiceType(referral.service_type).label))
    row(_("Urgency"), str(Urgency(referral.urgency).label))
    row(_("Answer requested by"), timezone.localtime(referral.due_at).strftime("%Y-%m-%d %H:%M"))
    pdf.ln(3)
    if referral.message:
        heading(_("Message"))
        paragraph(referral.message)
    for key in referral.sections:
        if key not in sections:
            continue
        heading(str(Section(key).label), 11)
        for label, value in _PRINTERS[Section(key)](sections[key]):
            row(label, value)
        pdf.ln(2)
    heading(_("Consent"))
    if referral.consent_override:
        paragraph(
            _(
                "The person's consent was not recorded for this referral; the sender referred in an emergency and "
                "recorded why. Share this information only as far as the service requires."
            )
        )
    else:
        paragraph(
            _(
                "The person (or, for a child, their guardian or parent) agreed to this referral and to sharing the "
                "information above with a service of this type. Use it only to provide the service."
            )
        )
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
