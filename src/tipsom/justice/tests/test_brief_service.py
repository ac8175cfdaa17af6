"""The anonymised case brief (issue 12 item 8, done-when 5): its content, no name anywhere (JSON and PDF), the
refusals (names in the summary, a case not concluded, out of scope), the summary service, and the audit."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pypdf import PdfReader

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.justice.models import CaseStage, CriminalCase
from tipsom.justice.pdf import brief_pdf
from tipsom.justice.services.brief import (
    brief_build,
    brief_export,
    brief_text,
    criminal_case_brief_summary_set,
    names_in,
)
from tipsom.justice.tests.brief_fixtures import (
    ACQUITTED_NAME,
    CONVICTED_ALIAS,
    CONVICTED_NAME,
    COURT,
    NAMES,
    SUMMARY,
    VICTIM_NAME,
    make_brief_world,
)
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db

# Words of the case that are not names but must stay out too: the file number, the title, the encrypted facts and
# modus operandi, the statement, the description of confiscated assets, the cooperation's authority.
OTHER_TEXT = ("IPL 0123", "Trabalho escravo", "recrutou", "ficava com", "sem salário", "Fazenda de", "Fiscalía")


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _assert_nameless(text: str) -> None:
    lowered = text.casefold()
    for name in NAMES:
        for word in name.split():
            if len(word) > 2:
                assert word.casefold() not in lowered, word
    for other in OTHER_TEXT:
        assert other.casefold() not in lowered, other


def test_the_brief_of_a_concluded_case_in_the_shape_of_a_sherloc_summary() -> None:
    world = make_brief_world()
    brief = brief_build(actor=world.prosecutor, criminal_case=world.criminal_case)
    assert brief["reference"] == world.criminal_case.reference
    assert brief["country"] == {"code": "BR", "label": "Brazil"}
    assert brief["crime_types"] == [{"code": "tip", "label": "Trafficking in persons", "iccs_code": "0204"}]
    assert brief["transnational"] is True and [c["code"] for c in brief["countries_involved"]] == ["BO"]
    assert brief["dates"]["investigation_opened_on"] == "2025-01-10"
    assert brief["dates"]["concluded_on"] == "2026-03-20"
    assert brief["facts"] == SUMMARY
    modus = brief["modus_operandi"]
    assert [m["code"] for m in modus["recruitment"]] == ["AtWork"]
    assert [m["code"] for m in modus["control"]] == ["DebtBondage", "FalsePromises"]
    assert [m["code"] for m in modus["exploitation"]] == ["ForcedLabour"]
    assert all(m["label"] and m["label"] != m["code"] for m in modus["control"])  # codes in words

    first, second = brief["defendants"]
    assert (first["label"], second["label"]) == ("Defendant 1", "Defendant 2")
    assert first["sex"]["code"] == "Masculine" and first["age_group"]["code"] == "adult"
    assert [c["code"] for c in first["citizenships"]] == ["BR"] and [c["code"] for c in second["citizenships"]] == [
        "BO"
    ]
    assert [r["code"] for r in first["roles"]] == ["recruiter", "exploiter"]
    (charge,) = first["charges"]
    assert charge["provision"]["article"] == "art. 149-A" and charge["charged_on"] == "2025-05-12"
    (decision,) = charge["decisions"]
    assert decision["level"]["code"] == "first_instance" and decision["outcome"]["code"] == "convicted"
    assert decision["court"] == COURT and decision["decided_on"] == "2026-02-27" and decision["is_final"]
    assert decision["sentence"] == {
        "prison_months": 96,
        "prison_suspended": False,
        "fine": "25000.00",
        "confiscated_assets_value": "1200000.00",
        "compensation_ordered": "40000.00",
        "currency": "BRL",
    }
    (acquittal,) = second["charges"][0]["decisions"]
    assert acquittal["outcome"]["code"] == "acquitted" and acquittal["sentence"] is None

    assert brief["victims"]["total"] == 1
    (group,) = brief["victims"]["by_sex_and_age"]
    assert (group["sex"]["code"], group["age_group"]["code"], group["count"]) == ("Feminine", "adult", 1)
    (cooperation,) = brief["cooperation"]
    assert cooperation["kind"]["code"] == "mla" and cooperation["count"] == 1
    assert [c["code"] for c in cooperation["countries"]] == ["BO"]
    # Nothing else of the case: no file number, title or free text.
    assert "file_number" not in brief_text(brief) and "title" not in brief


def test_the_brief_names_no_one_in_json_or_pdf() -> None:
    world = make_brief_world()
    brief = brief_build(actor=world.prosecutor, criminal_case=world.criminal_case)
    _assert_nameless(brief_text(brief))
    _assert_nameless(json.dumps(brief))  # ASCII-escaped too
    text = _pdf_text(brief_pdf(brief))
    _assert_nameless(text)
    flat = " ".join(text.split())
    assert world.criminal_case.reference in flat and "Defendant 2" in flat and "art. 149-A" in flat
    assert "Marabá" in flat  # the court's name stays: a court is no person
    assert "neighbouring country" in flat  # the prosecutor's summary


def test_the_brief_in_arabic_sets_from_the_right() -> None:
    from django.utils import translation

    world = make_brief_world()
    with translation.override("ar"):
        brief = brief_build(actor=world.prosecutor, criminal_case=world.criminal_case)
        text = _pdf_text(brief_pdf(brief))
    _assert_nameless(text)
    assert world.criminal_case.reference in text


@pytest.mark.parametrize(
    "summary",
    [
        "The victim MARIA was recruited at work.",  # another letter case
        "The victim maria flores was recruited.",
        "Defendant 1 (known as zé do gato) recruited.",  # an alias, lower case
        "Defendant 1, Joao Carlos Pereira, recruited.",  # without the accent
        f"Defendant 2, {ACQUITTED_NAME}, drove the van.",  # Cyrillic
        "Defendant 2, ANTON SIDOROV, drove the van.",  # its Latin form
    ],
)
def test_a_summary_naming_a_person_of_the_case_is_refused(summary: str) -> None:
    world = make_brief_world()
    CriminalCase.objects.filter(pk=world.criminal_case.pk).update(brief_summary=summary)
    with pytest.raises(ApplicationError) as refused:
        brief_build(actor=world.prosecutor, criminal_case=world.criminal_case.pk)
    assert refused.value.code == "brief_names"
    assert "Rewrite" in refused.value.message
    for name in NAMES:
        for word in name.split():
            assert word.casefold() not in refused.value.message.casefold()  # the name is not echoed
    with pytest.raises(ApplicationError):
        brief_export(actor=world.prosecutor, criminal_case=world.criminal_case.pk, export_format="pdf")
    assert not AuditEvent.objects.filter(action="justice.brief.export").exists()


def test_words_that_only_contain_a_name_are_not_names() -> None:
    assert not names_in("Mariana and Marias went to Condoriville.", [VICTIM_NAME], parts=True)
    assert names_in("Sra. CONDORI testified.", [VICTIM_NAME], parts=True)
    # Outside the summary only whole names count (a court in a town named like a defendant is no leak).
    assert not names_in("Vara de Pereira", [CONVICTED_NAME], parts=False)
    assert names_in("JOÃO CARLOS PEREIRA", [CONVICTED_NAME], parts=False)


def test_a_name_in_a_script_without_spaces_is_found_inside_a_sentence() -> None:
    lao = "ສົມສັກ"  # a Lao given name, Somsak
    assert names_in(f"ຈຳເລີຍ 1 ແມ່ນ{lao}ທີ່ໄດ້ຮັບ", [lao], parts=True)
    assert not names_in("ຈຳເລີຍ 1 ໄດ້ຮັບ", [lao], parts=True)


def test_a_name_outside_the_summary_is_refused_too() -> None:
    world = make_brief_world()
    from tipsom.justice.models import CourtDecision

    CourtDecision.objects.filter(criminal_case=world.criminal_case).update(court_name=f"Juízo de {VICTIM_NAME}")
    with pytest.raises(ApplicationError) as refused:
        brief_build(actor=world.prosecutor, criminal_case=world.criminal_case)
    assert refused.value.code == "brief_names" and "Maria" not in refused.value.message


def test_a_case_not_concluded_has_no_brief() -> None:
    for stage in (CaseStage.INVESTIGATION, CaseStage.TRIAL, CaseStage.APPEAL, CaseStage.CLOSED):
        world = make_brief_world(stage=stage)
        with pytest.raises(ApplicationError) as refused:
            brief_export(actor=world.prosecutor, criminal_case=world.criminal_case, export_format="json")
        assert refused.value.code == "brief_not_concluded" and "concluded" in refused.value.message
    assert not AuditEvent.objects.filter(action="justice.brief.export").exists()


def test_who_may_export_the_brief() -> None:
    world = make_brief_world()
    rapporteur = make_user(make_organization("BR"), roles=("national_rapporteur",))
    assert brief_build(actor=rapporteur, criminal_case=world.criminal_case)["reference"]
    outsiders = [
        make_user(world.office, roles=("investigator",)),  # sees the case but may not export
        make_user(world.office, roles=("judiciary_liaison",)),
        make_user(make_organization("BR"), roles=("prosecutor",)),  # another office
        make_user(make_organization("CO"), roles=("national_rapporteur",)),  # another country
        make_user(make_organization("BR"), roles=("national_coordinator",)),
    ]
    for outsider in outsiders:
        with pytest.raises(NotFound):
            brief_export(actor=outsider, criminal_case=world.criminal_case.pk, export_format="json")
    assert not AuditEvent.objects.filter(action="justice.brief.export").exists()


def test_every_export_is_audited_with_its_format() -> None:
    world = make_brief_world()
    for export_format in ("json", "pdf"):
        brief_export(actor=world.prosecutor, criminal_case=world.criminal_case.pk, export_format=export_format)
    events = AuditEvent.objects.filter(action="justice.brief.export").order_by("pk")
    assert [e.changes for e in events] == [{"format": "json"}, {"format": "pdf"}]
    assert {e.object_id for e in events} == {str(world.criminal_case.pk)}
    assert all(e.object_type == "justice.criminalcase" for e in events)
    with pytest.raises(ApplicationError) as refused:
        brief_export(actor=world.prosecutor, criminal_case=world.criminal_case.pk, export_format="docx")
    assert refused.value.code == "invalid" and events.count() == 2


def test_the_brief_costs_a_fixed_number_of_queries(django_assert_max_num_queries: Any) -> None:
    world = make_brief_world()
    with django_assert_max_num_queries(11):
        brief_build(actor=world.prosecutor, criminal_case=world.criminal_case.pk)


# The summary ------------------------------------------------------------------------------------------------------


def test_the_prosecutor_writes_the_summary_audited_without_its_text() -> None:
    world = make_brief_world()
    case = criminal_case_brief_summary_set(
        actor=world.prosecutor,
        criminal_case=world.criminal_case.pk,
        brief_summary="  Defendant 1 recruited two women.  ",
        version=world.criminal_case.version,
    )
    assert case.brief_summary == "Defendant 1 recruited two women." and case.version == world.criminal_case.version + 1
    event = AuditEvent.objects.get(action="justice.brief.summary")
    assert event.object_id == str(case.pk) and "recruited" not in json.dumps(event.changes)


@pytest.mark.parametrize(
    ("summary", "code"),
    [
        ("Defendant 1 recruited MARIA.", "brief_names"),
        ("Zé do Gato kept the documents.", "brief_names"),
        ("x" * 4001, "invalid"),
        ("Defendant 1\u202e recruited.", "invalid"),
    ],
)
def test_a_bad_summary_is_refused_and_changes_nothing(summary: str, code: str) -> None:
    world = make_brief_world()
    with pytest.raises(ApplicationError) as refused:
        criminal_case_brief_summary_set(
            actor=world.prosecutor, criminal_case=world.criminal_case.pk, brief_summary=summary
        )
    assert refused.value.code == code
    assert "brief_summary" in refused.value.extra["fields"]
    fresh = CriminalCase.objects.get(pk=world.criminal_case.pk)
    assert fresh.brief_summary == SUMMARY and fresh.version == world.criminal_case.version
    assert not AuditEvent.objects.filter(action="justice.brief.summary").exists()


def test_the_summary_is_refused_to_those_who_may_not_change_the_case() -> None:
    world = make_brief_world()
    for outsider in (
        make_user(make_organization("BR"), roles=("national_rapporteur",)),
        make_user(make_organization("BR"), roles=("prosecutor",)),
    ):
        with pytest.raises(NotFound):
            criminal_case_brief_summary_set(actor=outsider, criminal_case=world.criminal_case.pk, brief_summary="x")
    with pytest.raises(Conflict):
        criminal_case_brief_summary_set(
            actor=world.prosecutor, criminal_case=world.criminal_case.pk, brief_summary="x", version=99
        )
    assert CriminalCase.objects.get(pk=world.criminal_case.pk).brief_summary == SUMMARY


def test_the_alias_alone_is_a_name() -> None:
    assert names_in(f"He called himself {CONVICTED_ALIAS.upper()}.", [CONVICTED_ALIAS], parts=True)
