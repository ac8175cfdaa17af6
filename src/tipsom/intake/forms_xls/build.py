"""The XLSForm of tipsom's identification form for one country: survey, choices and settings sheets, labels in
every language of the deployment (settings.LANGUAGES, translated by the interface's own catalogues), the country's
regions and the project's code lists, the form id, version and the public key submissions are encrypted to.

Every text is tidied the one way (`xlsform_text`): NFC, no-break and other odd spaces turned into plain spaces,
runs of spaces made one, no space at either end, so no code or label carries the stray characters of the HTCDS
XLSForm ("DebtBondage ", "Feminine\\xa0")."""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tipsom.intake.forms_xls.questions import CHOICE_LISTS, Group, Question, form_questions

VERSION_PLACEHOLDER = "{version}"
# Spaces that look like a space but are not one (no-break, figure, thin, narrow no-break, ideographic ...).
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def xlsform_text(value: Any) -> str:
    """A label, hint or code as it goes into the sheet: NFC, odd spaces made plain, one space between words."""
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    return " ".join(_ODD_SPACES.sub(" ", text).split())


def form_id_for(country: str) -> str:
    return f"tipsom_identification_{country.lower()}"


@dataclass(frozen=True)
class Language:
    code: str  # Django's language code (translation.override)
    column: str  # the XLSForm's language name: "English (en)"


def form_languages(default: str | None = None) -> list[Language]:
    """The deployment's languages (settings.LANGUAGES), each named as XLSForm expects, "English (en)", the default
    one (settings.LANGUAGE_CODE unless given) first. A regional variant (pt-br) shares its language's column:
    XLSForm's language names carry a primary subtag only (pyxform warns about "pt-BR"); the variant fills the
    column when it is the default language, the language itself otherwise."""
    wanted = (default or settings.LANGUAGE_CODE).lower()
    chosen: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        primary = code.split("-")[0]
        if primary not in chosen or code == wanted or (chosen[primary] != wanted and code == primary):
            chosen[primary] = code
    names = {code: name for code, name in settings.LANGUAGES}
    with translation.override("en"):
        languages = [
            Language(code, f"{xlsform_text(names.get(primary, names[code]))} ({primary})")
            for primary, code in chosen.items()
        ]
    first = next((language for language in languages if language.code == wanted), languages[0])
    return [first, *[language for language in languages if language != first]]


@dataclass(frozen=True)
class FormContent:
    """The three sheets as rows of text (the first row names the columns)."""

    survey: list[list[str]]
    choices: list[list[str]]
    settings: list[list[str]]

    def sha256(self) -> str:
        """The hash of what the phone shows and sends, but the version (which it determines)."""
        data = json.dumps([self.survey, self.choices, self.settings], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def with_version(self, version: str) -> FormContent:
        def fill(rows: list[list[str]]) -> list[list[str]]:
            return [[cell.replace(VERSION_PLACEHOLDER, version) for cell in row] for row in rows]

        return FormContent(fill(self.survey), self.choices, fill(self.settings))

    def xlsx(self) -> bytes:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, rows in (("survey", self.survey), ("choices", self.choices), ("settings", self.settings)):
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _translations(languages: list[Language], text: Any) -> list[str]:
    if text is None:
        return ["" for _language in languages]
    values = []
    for language in languages:
        with translation.override(language.code):
            values.append(xlsform_text(text))
    return values


_SURVEY_TEXTS = ("label", "hint", "constraint_message")
_SURVEY_PLAIN = ("required", "relevant", "constraint", "calculation", "default", "appearance")


def _survey(languages: list[Language], top: tuple[Question, ...], groups: tuple[Group, ...]) -> list[list[str]]:
    header = ["type", "name"]
    for column in _SURVEY_TEXTS:
        header += [f"{column}::{language.column}" for language in languages]
    header += list(_SURVEY_PLAIN)
    rows = [header]

    def row(kind: str, name: str, texts: dict[str, Any], plain: dict[str, str]) -> list[str]:
        cells = [kind, name]
        for column in _SURVEY_TEXTS:
            cells += _translations(languages, texts.get(column))
        cells += [plain.get(column, "") for column in _SURVEY_PLAIN]
        return cells

    def question(item: Question) -> list[str]:
        texts = {"label": item.label, "hint": item.hint, "constraint_message": item.constraint_message}
        plain = {
            "required": "yes" if item.required else "",
            "relevant": item.relevant,
            "constraint": item.constraint,
            "calculation": item.calculation,
            "default": item.default,
            "appearance": item.appearance,
        }
        return row(item.type, item.name, texts, plain)

    rows += [question(item) for item in top]
    for group in groups:
        rows.append(
            row(
                "begin_group",
                group.name,
                {"label": group.label},
                {"relevant": group.relevant, "appearance": group.appearance},
            )
        )
        rows += [question(item) for item in group.questions]
        rows.append(row("end_group", group.name, {}, {}))
    return rows


def _choices(languages: list[Language], country: str, used: list[str]) -> list[list[str]]:
    rows = [["list_name", "name", *[f"label::{language.column}" for language in languages]]]
    for list_name in used:
        source = CHOICE_LISTS[list_name]
        labels: list[dict[str, str]] = []
        order: list[str] = []
        for index, language in enumerate(languages):
            with translation.override(language.code):
                pairs = [(xlsform_text(code), xlsform_text(label)) for code, label in source(country)]
            labels.append(dict(pairs))
            if index == 0:
                order = [code for code, _label in pairs]
        # One row per choice, in the order of the first language (sorted lists sort differently per language).
        rows += [[list_name, code, *[by_language[code] for by_language in labels]] for code in order]
    return rows


def form_content(
    *, country: str, public_key: str, language: str | None = None, version: str = VERSION_PLACEHOLDER
) -> FormContent:
    """The country's form; its version is left as a placeholder unless given (see FormContent.sha256)."""
    country = country.upper()
    languages = form_languages(language)
    default = languages[0]
    form_id = form_id_for(country)
    top, groups = form_questions(form_id=form_id, version=version)
    used = list(
        dict.fromkeys(
            item.list_name
            for item in (*top, *(question for group in groups for question in group.questions))
            if item.list_name
        )
    )
    with translation.override(default.code):
        title = xlsform_text(_("Identification screening (%(country)s)") % {"country": country})
    settings_rows = [
        ["form_title", "form_id", "version", "default_language", "instance_name", "public_key"],
        [
            title,
            form_id,
            version,
            default.column,
            "concat(${today}, ' ', ${tipsom_CaseType})",
            public_key,
        ],
    ]
    return FormContent(
        survey=_survey(languages, top, groups),
        choices=_choices(languages, country, used),
        settings=settings_rows,
    )
