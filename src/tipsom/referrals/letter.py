"""The printable referral letter (PDF): for an organization not on tipsom, or any referral its sender prints.

It carries the minimum: the sender, the caseworker and the organization's contact, the date, the reference (case
number), the recipient, the service, the urgency, the sections the sender shared (identity only if shared), the
message and how consent was given, and nothing else of the case; then a confidentiality notice and a reply slip
the receiver fills in by hand. Every code is printed as its label in the active language (readable.py), and a
right-to-left language sets the page from the right. Text is set in Noto Sans (Latin, Greek, Cyrillic) with Noto
Sans Arabic and Noto Sans Devanagari as fallbacks, and the faces tipsom ships for the web (Lao: core.fonts), shaped
by HarfBuzz; a name in a script none of these fonts has is printed in its Latin transliteration."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from tipsom.accounts.models import User
from tipsom.core.errors import NotFound
from tipsom.core.pdf import pdf_document, renderable
from tipsom.organizations import geography
from tipsom.referrals.models import Channel, Referral, ServiceType, Urgency
from tipsom.referrals.readable import readable_sections
from tipsom.referrals.sections import build_sections
from tipsom.referrals.selectors.referral import access_referral_by_id
from tipsom.referrals.services.answer import referral_sender_side
from tipsom.referrals.services.referral import referral_audit


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


def render_letter(referral: Referral, sections: dict[str, Any]) -> bytes:
    """The letter's PDF bytes for `referral` and the `sections` it shares, in the active language."""
    lines = letter_lines(referral, sections)
    pdf, out = pdf_document(lines["title"])

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
