"""HTCDS code lists: the generated module matches the sheet, and the codes API validates and translates."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from tipsom.core import codes, htcds_codes
from tipsom.core.errors import ApplicationError
from tipsom.organizations.models import OrganizationType

REPO = Path(__file__).resolve().parents[4]
GENERATOR = REPO / "scripts" / "generate_htcds_codes.py"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_htcds_codes", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_generated_module_is_up_to_date(tmp_path):
    generator = _generator()
    output = tmp_path / "htcds_codes.py"
    assert generator.main([str(generator.DEFAULT_CSV), "--output", str(output)]) == 0
    committed = (REPO / "src" / "tipsom" / "core" / "htcds_codes.py").read_text(encoding="utf-8")
    assert output.read_text(encoding="utf-8") == committed, "run scripts/generate_htcds_codes.py and commit the result"


def test_generator_pairs_misaligned_cells_sensibly():
    generator = _generator()
    warnings: list[str] = []
    entries = generator.pair_entries("x_List", ["A", "B", "A", "C"], ["Alpha", "Beta"], warnings)
    assert entries == [("A", "Alpha"), ("B", "Beta"), ("C", "C")]
    assert any("4 value names but 2 value labels" in w for w in warnings)
    assert any("'A' repeated" in w for w in warnings)
    assert generator.cell_lines("DebtBondage \n\nFeminine\xa0\n") == ["DebtBondage", "Feminine"]


def test_version_and_every_picklist_is_present():
    assert codes.HTCDS_VERSION == htcds_codes.HTCDS_VERSION == "2.0"
    expected = {
        "org_Type": 9,
        "prs_Gender": 6,
        "prs_MaritalStatus": 6,
        "prs_HighestLevelOfEducation": 9,
        "vic_TraffickingStatus": 3,
        "vic_TraffickingStatusDecisionMakingOrg": 5,
        "vic_RelationshipToTrafficker": 3,
        "vic_RecruitmentWebsitesAndApps": 15,
        "vic_MethodOfRecruitment": 10,
        "vic_MethodsOfControl": 16,
        "vic_TypeOfExploitation": 11,
        "vic_ForcedLabourIndustry": 21,
        "vic_TypeOfSexExploitation": 4,
        "vic_ExploitationWebsitesAndApps": 15,
        "vic_Vulnerabilities": 12,
        "per_RoleInProcess": 15,
        "cas_Status": 4,
        "cas_ReasonForIncomingReferral": 3,
        "cas_ReasonForOutgoingReferral": 3,
        "hte_Type": 3,
        "spl_Type": 9,
    }
    assert {name: len(entries) for name, entries in htcds_codes.CODE_LISTS.items()} == expected
    assert codes.code_lists() == list(expected)
    assert set(htcds_codes.CODE_LIST_LABELS) == set(expected)
    assert htcds_codes.REFERENCED_STANDARDS["prs_Citizenship"] == "ISO 3166"
    assert htcds_codes.REFERENCED_STANDARDS["prs_PrimaryLanguage"] == "ISO 639-2"


def test_codes_have_no_stray_whitespace():
    for name, entries in htcds_codes.CODE_LISTS.items():
        for code, label in entries:
            assert code == code.strip() and " " not in code, (name, code)
            assert str(label) == str(label).strip() and str(label), (name, code)


def test_forms_of_exploitation_named_by_the_issue():
    exploitation = dict(codes.code_choices("vic_TypeOfExploitation"))
    assert exploitation["OrganRemoval"] == "Organ removal"
    assert exploitation["ForcedBegging"] == "Forced begging"
    assert exploitation["ForcedMarriage"] == "Forced marriage"
    assert exploitation["ForcedLabour"] == "Forced labour"
    assert exploitation["SexualExploitation"] == "Sexual exploitation"
    # HTCDS v2.0 has no forced criminality: tipsom adds it after the standard's codes.
    assert "ForcedCriminality" not in dict(htcds_codes.CODE_LISTS["vic_TypeOfExploitation"])
    assert list(exploitation)[-1] == "ForcedCriminality"
    assert exploitation["ForcedCriminality"] == "Forced criminality"


def test_gender_and_status_lists():
    assert [code for code, _label in codes.code_choices("prs_Gender")] == [
        "Feminine",
        "Masculine",
        "TransgenderFeminine",
        "TransgenderMasculine",
        "NonConforming",
        "NonSpecifiedUnknown",
    ]
    assert codes.code_label("prs_Gender", "NonSpecifiedUnknown") == "Not Specified/Unknown"
    assert [code for code, _label in codes.code_choices("cas_Status")] == [
        "Active",
        "FollowUp",
        "Closed",
        "ClosedReferred",
    ]
    assert [code for code, _label in codes.code_choices("vic_TraffickingStatus")] == [
        "PossibleVictimOfTrafficking",
        "ActualVictimOfTrafficking",
        "NotAVictimOfTrafficking",
    ]


def test_organization_types_match_the_model():
    assert [code for code, _label in codes.code_choices("org_Type")] == list(OrganizationType.values)


def test_labels_align_with_codes():
    assert codes.code_label("vic_MethodsOfControl", "DebtBondage") == "Debt bondage"
    assert codes.code_label("vic_MethodsOfControl", "WithholdsDocuments") == "Withholds documents"
    assert codes.code_label("vic_ForcedLabourIndustry", "A_AgricultureForestryAndFishing") == (
        "Agriculture, forestry and fishing"
    )
    assert codes.code_label("vic_ForcedLabourIndustry", "U_ActivitiesOfExtraterritorialOrganizations") == (
        "Activities of extraterritorial organizations and bodies"
    )
    assert codes.code_label("prs_HighestLevelOfEducation", "BachelorsOrEquivalentLevel") == (
        "Bachelor’s or Equivalent Level"
    )
    assert codes.code_label("spl_Type", "SocialCare") == "Social Care"
    assert codes.code_label("spl_Type", "Shelter") == "Shelter"
    assert codes.code_list_label("vic_ForcedLabourIndustry") == "Forced Labour Industry"
    assert codes.code_list_description("org_Type") == "The organisation category."
    assert codes.code_list_description("prs_MaritalStatus") == ""
    # An unknown code (say, a retired extension still in old records) is shown as stored.
    assert codes.code_label("prs_Gender", "Retired") == "Retired"


def test_is_code():
    assert codes.is_code("vic_MethodsOfControl", "DebtBondage")
    assert not codes.is_code("vic_MethodsOfControl", "DebtBondage ")
    assert not codes.is_code("vic_MethodsOfControl", "debtbondage")
    assert not codes.is_code("vic_MethodsOfControl", None)


def test_validate_codes_accepts_known_codes():
    assert codes.validate_codes("vic_MethodsOfControl", ["DebtBondage", "PhysicalThreats"], field="m") == [
        "DebtBondage",
        "PhysicalThreats",
    ]
    assert codes.validate_codes("prs_Gender", "Feminine", field="gender") == ["Feminine"]
    assert codes.validate_codes("vic_TypeOfExploitation", [], field="forms") == []


def test_validate_codes_rejects_unknown_codes():
    with pytest.raises(ApplicationError) as caught:
        codes.validate_codes("vic_TypeOfExploitation", ["OrganRemoval", "Smuggling", "organremoval"], field="forms")
    error = caught.value
    assert error.code == "invalid"
    assert error.status_code == 400
    assert "Smuggling" in error.message and "organremoval" in error.message
    assert "OrganRemoval" not in error.message.replace("organremoval", "")
    assert "Type of Exploitation" in error.message
    assert error.extra["fields"] == {"forms": error.message}
    assert error.extra["codes"] == ["Smuggling", "organremoval"]


def test_validate_codes_rejects_duplicates_and_non_strings():
    with pytest.raises(ApplicationError) as caught:
        codes.validate_codes("vic_MethodsOfControl", ["TakesEarnings", "TakesEarnings"], field="control")
    assert "more than once" in caught.value.message and "TakesEarnings" in caught.value.message
    assert "control" in caught.value.extra["fields"]
    with pytest.raises(ApplicationError) as caught:
        codes.validate_codes("prs_Gender", cast(Any, [None, 3]), field="gender")
    assert "None" in caught.value.message and "3" in caught.value.message


def test_unknown_list_is_a_programming_error():
    for call in (
        lambda: codes.code_choices("vic_FormsOfExploitation"),
        lambda: codes.is_code("nope", "x"),
        lambda: codes.code_label("nope", "x"),
        lambda: codes.validate_codes("nope", ["x"], field="f"),
        lambda: codes.code_list_label("nope"),
    ):
        with pytest.raises(LookupError, match="Unknown code list"):
            call()


def test_extra_codes_from_settings(settings):
    settings.TIPSOM_EXTRA_CODES = {"vic_TypeOfExploitation": [("CyberScamCompounds", "Forced online scamming")]}
    assert codes.is_code("vic_TypeOfExploitation", "CyberScamCompounds")
    assert codes.code_label("vic_TypeOfExploitation", "CyberScamCompounds") == "Forced online scamming"
    assert codes.validate_codes("vic_TypeOfExploitation", ["CyberScamCompounds", "OrganRemoval"], field="f") == [
        "CyberScamCompounds",
        "OrganRemoval",
    ]
    assert codes.code_choices("vic_TypeOfExploitation")[-1] == ("CyberScamCompounds", "Forced online scamming")
    assert not codes.is_code("prs_Gender", "CyberScamCompounds")
    settings.TIPSOM_EXTRA_CODES = {}
    assert not codes.is_code("vic_TypeOfExploitation", "CyberScamCompounds")


@pytest.mark.parametrize(
    "extra",
    [
        {"vic_FormsOfExploitation": [("X", "X")]},
        {"prs_Gender": [("Feminine", "Again")]},
        {"prs_Gender": [("OnlyCode",)]},
        {"prs_Gender": [("", "Blank")]},
    ],
)
def test_bad_extra_codes_are_a_configuration_error(settings, extra):
    settings.TIPSOM_EXTRA_CODES = extra
    with pytest.raises(ImproperlyConfigured):
        codes.code_choices("prs_Gender")


def test_labels_follow_the_active_language():
    with translation.override("fr"):
        choices = codes.code_choices("vic_TypeOfExploitation")
        label = codes.code_label("vic_TypeOfExploitation", "OrganRemoval")
        list_label = codes.code_list_label("vic_TypeOfExploitation")
    assert all(isinstance(text, str) and text for _code, text in choices)
    assert label and list_label
    with translation.override("ar"), pytest.raises(ApplicationError) as caught:
        codes.validate_codes("prs_Gender", ["Unknown"], field="gender")
    assert "Unknown" in caught.value.message
