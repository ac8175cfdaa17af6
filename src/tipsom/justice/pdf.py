"""The case brief in words and as a PDF: `brief_sections` turns the brief (services.brief) into titled sections of
(label, value) rows and paragraphs in the active language, which the brief tab shows and `brief_pdf` prints.

The PDF is set like the referral letter (core.pdf), from the right for Arabic and Urdu. The brief holds no name,
so no transliteration is needed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.core.pdf import PdfWriter, pdf_document

ANONYMISED = gettext_noop(
    "Anonymised case brief. It names no defendant, victim or witness: defendants are numbered, victims counted by "
    "sex and age group. The summary of the facts was written by the prosecutor."
)


@dataclass
class BriefSection:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    # Sub-sections (a defendant's charges), each with its own rows.
    parts: list[BriefSection] = field(default_factory=list)


def _date(value: str | None) -> str:
    if not value:
        return "—"
    return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")


def _labels(items: list[dict[str, Any]]) -> str:
    return ", ".join(item["label"] for item in items) or "—"


def _provision(provision: dict[str, Any] | None) -> str:
    if provision is None:
        return "—"
    return f"{provision['law']}, {provision['article']} ({provision['title']})"


def _amount(value: str) -> str:
    """An amount of the brief ("25000.00") as the language writes it (25,000.00 or 25.000,00)."""
    return formats.number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)


def _sentence(sentence: dict[str, Any] | None) -> str:
    if sentence is None:
        return ""
    parts = []
    currency = sentence["currency"]
    if sentence["prison_months"]:
        if sentence["prison_suspended"]:
            parts.append(_("%(months)s months in prison, suspended") % {"months": sentence["prison_months"]})
        else:
            parts.append(_("%(months)s months in prison") % {"months": sentence["prison_months"]})
    if sentence["fine"]:
        parts.append(_("fine of %(amount)s %(currency)s") % {"amount": _amount(sentence["fine"]), "currency": currency})
    if sentence["confiscated_assets_value"]:
        parts.append(
            _("assets confiscated worth %(amount)s %(currency)s")
            % {"amount": _amount(sentence["confiscated_assets_value"]), "currency": currency}
        )
    if sentence["compensation_ordered"]:
        parts.append(
            _("compensation to victims of %(amount)s %(currency)s")
            % {"amount": _amount(sentence["compensation_ordered"]), "currency": currency}
        )
    return "; ".join(parts)


def _decision_row(decision: dict[str, Any]) -> tuple[str, str]:
    label = ", ".join(
        part for part in (decision["level"]["label"], decision["court"], _date(decision["decided_on"])) if part
    )
    value = [decision["outcome"]["label"]]
    if decision["convicted_under"]:
        value.append(_("under %(provision)s") % {"provision": _provision(decision["convicted_under"])})
    if decision["sentence"]:
        value.append(_sentence(decision["sentence"]))
    if decision["is_final"]:
        value.append(_("final"))
    return label, "; ".join(value)


def _defendant(defendant: dict[str, Any]) -> BriefSection:
    section = BriefSection(
        defendant["label"],
        rows=[
            (_("Sex"), defendant["sex"]["label"]),
            (_("Age group"), defendant["age_group"]["label"]),
            (_("Citizenship"), _labels(defendant["citizenships"])),
            (_("Roles"), _labels(defendant["roles"])),
        ],
    )
    for number, charge in enumerate(defendant["charges"], start=1):
        rows = [
            (_("Provision"), _provision(charge["provision"])),
            (_("Charged on"), _date(charge["charged_on"])),
        ]
        if charge["withdrawn_on"]:
            rows.append((_("Withdrawn on"), _date(charge["withdrawn_on"])))
        rows += [_decision_row(decision) for decision in charge["decisions"]]
        if not charge["decisions"]:
            rows.append((_("Verdict"), _("No decision recorded.")))
        section.parts.append(BriefSection(_("Charge %(number)s") % {"number": number}, rows=rows))
    if not defendant["charges"]:
        section.rows.append((_("Charges"), _("Not charged.")))
    return section


def brief_sections(brief: dict[str, Any]) -> list[BriefSection]:
    """The brief as titled sections in the active language, in the order of a SHERLOC case summary."""
    dates = brief["dates"]
    crime_types = [
        f"{item['label']} (ICCS {item['iccs_code']})" if item["iccs_code"] else item["label"]
        for item in brief["crime_types"]
    ]
    case = BriefSection(
        _("The case"),
        rows=[
            (_("Reference"), brief["reference"]),
            (_("Country"), brief["country"]["label"]),
            (_("Crime types"), ", ".join(crime_types) or "—"),
            (_("Transnational"), _("Yes") if brief["transnational"] else _("No")),
            (_("Countries involved"), _labels(brief["countries_involved"])),
            (_("Offences from"), _date(dates["offences_from"])),
            (_("Investigation opened on"), _date(dates["investigation_opened_on"])),
            (_("Investigation closed on"), _date(dates["investigation_closed_on"])),
            (_("Concluded on"), _date(dates["concluded_on"])),
        ],
    )
    facts = BriefSection(_("Facts"), text=brief["facts"] or _("No summary of the facts written."))
    modus = brief["modus_operandi"]
    modus_operandi = BriefSection(
        _("Modus operandi"),
        rows=[
            (_("Recruitment"), _labels(modus["recruitment"])),
            (_("Control"), _labels(modus["control"])),
            (_("Exploitation"), _labels(modus["exploitation"])),
        ],
    )
    victims = brief["victims"]
    victim_rows = [
        (f"{group['sex']['label']}, {group['age_group']['label']}", str(group["count"]))
        for group in victims["by_sex_and_age"]
    ]
    victims_section = BriefSection(_("Victims"), rows=[(_("In all"), str(victims["total"])), *victim_rows])
    cooperation_rows = [
        (f"{item['kind']['label']} ({item['direction']['label']})", f"{item['count']}: {_labels(item['countries'])}")
        for item in brief["cooperation"]
    ]
    cooperation = BriefSection(_("International cooperation"), rows=cooperation_rows or [(_("Requests"), _("None."))])
    defendants = [_defendant(defendant) for defendant in brief["defendants"]]
    return [case, facts, modus_operandi, *defendants, victims_section, cooperation]


# The PDF ---------------------------------------------------------------------------------------------------------


class _BriefWriter(PdfWriter):
    def section(self, section: BriefSection, size: int = 12) -> None:
        self.heading(section.title, size)
        if section.text:
            self.paragraph(section.text)
        if section.rows:
            self.rows(section.rows)
        for part in section.parts:
            self.section(part, size - 1)


def brief_pdf(brief: dict[str, Any]) -> bytes:
    """The brief's PDF bytes, in the active language."""
    title = _("Case brief %(reference)s") % {"reference": brief["reference"]}
    pdf, out = pdf_document(title, _BriefWriter)
    out.heading(title, 16)
    out.box(_(ANONYMISED))
    for section in brief_sections(brief):
        out.section(section)
    return bytes(pdf.output())
