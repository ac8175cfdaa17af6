"""The referral letter an outsider can read (issue 11): words, never codes, in the reader's language; the caseworker
and the organization's contact; a confidentiality notice; a reply slip to fill in by hand."""

from __future__ import annotations

import io
import re
import unicodedata
from typing import Any

import pytest
from django.utils import translation
from pypdf import PdfReader

from tipsom.cases.models import Assessment, CaseType, ChildProtection, ServiceDelivery, SupportPlanItem
from tipsom.cases.services import assessment_add, event_add, plan_item_add
from tipsom.core.codes import code_choices, code_lists
from tipsom.people.models import BirthDatePrecision, PersonContact, PersonName
from tipsom.referrals.letter import letter_lines, referral_letter
from tipsom.referrals.models import Channel, Section, ServiceType, State, Urgency
from tipsom.referrals.sections import build_sections
from tipsom.referrals.tests.bundle_fixtures import make_world

pytestmark = pytest.mark.django_db

ALL_SECTIONS = ("identity", "contact", "exploitation", "needs", "plan", "child")


def _text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    # Arabic presentation forms back to letters; the stray control characters some shaped glyphs extract as, out.
    text = unicodedata.normalize("NFKC", text)
    return "".join(char for char in text if char == "\n" or unicodedata.category(char) != "Cc")


def list_codes() -> set[str]:
    """Every code of every HTCDS code list (with tipsom's and the deployment's additions)."""
    return {code for name in code_lists() for code, _label in code_choices(name)}


def every_code() -> set[str]:
    """The code lists' codes and the values of every enumeration a letter could print."""
    codes = list_codes()
    for enum in (
        CaseType,
        Section,
        ServiceType,
        State,
        Urgency,
        Channel,
        Assessment.Kind,
        Assessment.Level,
        SupportPlanItem.Status,
        ServiceDelivery.Outcome,
        ChildProtection.Assessment,
        ChildProtection.Tracing,
        ChildProtection.AgeAssessment,
        BirthDatePrecision,
        PersonName.Kind,
        PersonContact.Kind,
    ):
        codes |= {str(value) for value in enum.values}
    return codes


def codes_in(text: str, codes: set[str]) -> list[str]:
    return sorted(code for code in codes if len(code) > 1 and re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text))


def printed_values(lines: dict[str, Any]) -> str:
    """What the letter prints from the referral and the case (not its fixed wording)."""
    rows = list(lines["header"]) + [row for _title, rows in lines["sections"] for row in rows]
    return "\n".join([*(f"{label}\t{value}" for label, value in rows), *(title for title, _ in lines["sections"])])


def rich_world() -> Any:
    world = make_world(channel="letter", sections=ALL_SECTIONS)
    case = world.case
    event_add(actor=world.sender, case_id=case.pk, event_type="Exploitation", country="BR", start_date="2026-01-05")
    assessment_add(
        actor=world.sender, case_id=case.pk, kind="needs", assessed_on="2026-10-03", level="high", needs=["Health"]
    )
    plan_item_add(actor=world.sender, case_id=case.pk, support_type="Shelter", goal="", target_date="2026-11-01")
    return world


# Data the test itself wrote (names, places, the message) may contain a word that is also a code.
DATA_WORDS = {"Shelter"}  # "Kyiv Shelter", the recipient's name


@pytest.mark.parametrize("language", ["pt", "ar"])
def test_the_letter_prints_no_code_only_words(db: Any, language: str) -> None:
    world = rich_world()
    sections = build_sections(world.case, world.referral.sections)
    with translation.override(language):
        text = _text(referral_letter(actor=world.sender, referral_id=world.referral.pk)[1])
        values = printed_values(letter_lines(world.referral, sections))
    assert world.case.case_number in text
    assert codes_in(text, list_codes() - DATA_WORDS) == []  # no code of any code list, anywhere on the letter
    assert codes_in(values, every_code() - DATA_WORDS) == []  # nor of any enumeration, in what it prints


@pytest.mark.parametrize("language", ["ar", "ur", "ne", "lo", "uk", "ru", "pt"])
def test_the_letter_renders_in_every_language(db: Any, language: str) -> None:
    world = rich_world()
    with translation.override(language):
        text = _text(referral_letter(actor=world.sender, referral_id=world.referral.pk)[1])
    assert world.case.case_number in text and "Kyiv Shelter" in text


def test_portuguese_letter_reads_in_portuguese(db: Any) -> None:
    world = rich_world()
    with translation.override("pt"):
        lines = letter_lines(world.referral, {})
        text = _text(referral_letter(actor=world.sender, referral_id=world.referral.pk)[1])
        expected = [str(ServiceType.SHELTER.label), str(Urgency.URGENT.label), lines["title"]]
    assert all(word in text for word in expected), expected
    assert not re.search(r"\b(Referral letter|Urgent)\b", text)  # no English left
    assert "Ucrânia" in text  # citizenship by its name, in Portuguese
    assert "ucraniano" in text.lower()  # the language, by its name


def test_arabic_letter_has_arabic_labels(db: Any) -> None:
    world = rich_world()
    with translation.override("ar"):
        lines = letter_lines(world.referral, {})
        content = referral_letter(actor=world.sender, referral_id=world.referral.pk)[1]
    text = _text(content)
    assert not re.search(r"\b(Referral letter|Urgent)\b", text)
    title = unicodedata.normalize("NFKC", lines["title"])
    arabic_words = [word for word in title.split() if re.search(r"[\u0600-\u06ff]", word)]
    assert arabic_words, title  # the catalogue translates the title
    # Extraction may give right-to-left words in either order of letters: any of them, either way round.
    assert any(word in text or word[::-1] in text for word in arabic_words)


def test_caseworker_notice_and_reply_slip(db: Any) -> None:
    world = rich_world()
    world.sender.full_name = "Marina Souza"
    world.sender.save()
    text = _text(referral_letter(actor=world.sender, referral_id=world.referral.pk)[1])
    assert "Marina Souza" in text and "Case manager" in text  # the caseworker's name and role, in words
    assert "+556533221100" in text and "abrigo@example.org" in text  # the organization's contact
    assert "Confidential" in text
    for words in ("Reply slip", "Accepted", "Declined", "Reason (if declined)", "Contact person", "Signature"):
        assert words in text, words
    assert "Abrigo Esperança" in text.split("Reply slip")[1]  # the slip says where to send it back


def test_letter_content_is_the_labels(db: Any) -> None:
    world = rich_world()
    profile = {"case_type": "tip", "gender": "Feminine", "languages": ["ukr"], "citizenships": ["UA"]}
    lines = letter_lines(world.referral, {"profile": profile, "contact": {"contacts": []}})
    header = dict(lines["header"])
    assert header["Type of service"] == "Shelter" and header["Urgency"] == "Urgent"
    titles = [title for title, _rows in lines["sections"]]
    assert titles == ["Profile: sex, age, citizenship, languages, type of case", "Contact details"]
    facts = dict(lines["sections"][0][1])
    assert facts["Type of case"] == "Victim of trafficking" and facts["Sex"] == "Feminine"
    assert facts["Citizenship"] == "Ukraine" and facts["Languages"] == "Ukrainian"
