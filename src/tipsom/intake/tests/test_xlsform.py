"""The field form (issue 14, item 4): tipsom's XLSForm converts with pyxform without a warning; its field names are
HTCDS 2.0's exactly (or listed as tipsom's own, metadata or groups); no code or label carries a stray space; it has a
form id, a version that follows its content, every language of the deployment with the interface's translations,
the code lists of the project and the regions of the country, and the deployment's RSA public key. The shipped
HTCDS XLSForm is read too, to show that the defects these tests look for are real (and are not in ours)."""

from __future__ import annotations

import base64
import csv
import io
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

import tipsom
from tipsom.audit.models import AuditEvent
from tipsom.core.codes import code_choices
from tipsom.intake.forms_xls.build import form_languages, xlsform_text
from tipsom.intake.forms_xls.keys import form_key_path, form_keys
from tipsom.intake.forms_xls.questions import GROUP_NAMES, META_NAMES, TIPSOM_NAMES
from tipsom.intake.models import FieldForm
from tipsom.intake.submissions.services import field_form_publish
from tipsom.organizations import geography

REFERENCE = Path(tipsom.__file__).resolve().parents[2] / "data" / "htcds"  # IOM's files, CC BY 4.0
SHIPPED = REFERENCE / "htcds_xlsform.xlsx"
STANDARD = REFERENCE / "HTCDS_Field_Standards_2.0.csv"
ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("form_key_file")]


def standard_names() -> set[str]:
    with STANDARD.open(encoding="utf-8") as handle:
        return {
            row["Field Name including Prefix"] for row in csv.DictReader(handle) if row["Field Name including Prefix"]
        }


def sheets(xlsx: bytes) -> dict[str, list[list[Any]]]:
    workbook = load_workbook(io.BytesIO(xlsx))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook}


def records(rows: list[list[Any]]) -> list[dict[str, Any]]:
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def settings_of(xlsx: bytes) -> dict[str, Any]:
    return records(sheets(xlsx)["settings"])[0]


def stray_spaces(rows: list[list[Any]]) -> list[str]:
    """Cells with a space at either end, a no-break or other odd space, or text not in NFC."""
    found = []
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and (
                cell != cell.strip() or ODD_SPACES.search(cell) or unicodedata.normalize("NFC", cell) != cell
            ):
                found.append(cell)
    return found


@pytest.fixture
def published() -> FieldForm:
    return field_form_publish(actor=None, country="BR").form


def test_the_form_converts_with_pyxform_without_a_warning(published):
    warnings: list[str] = []
    result = convert(xlsform=bytes(published.xlsx), warnings=warnings, file_type=".xlsx")
    assert warnings == []
    assert result.warnings == []
    assert f'id="tipsom_identification_br" version="{published.version}"' in result.xform
    assert f'base64RsaPublicKey="{form_keys().current.public_key_base64}"' in result.xform


@pytest.mark.parametrize("country", ["EG", "LA", "UA"])
def test_every_country_converts_without_a_warning(country):
    form = field_form_publish(actor=None, country=country).form
    warnings: list[str] = []
    convert(xlsform=bytes(form.xlsx), warnings=warnings, file_type=".xlsx")
    assert warnings == []
    choices = records(sheets(bytes(form.xlsx))["choices"])
    regions = [row["name"] for row in choices if row["list_name"] == "regions"]
    assert sorted(regions) == sorted(code for code, _label in geography.region_choices(country))


def test_the_field_names_are_the_standards_or_listed(published):
    names = {row["name"] for row in records(sheets(bytes(published.xlsx))["survey"]) if row["name"]}
    standard = standard_names()
    assert names - standard == set(TIPSOM_NAMES) | set(GROUP_NAMES) | (set(META_NAMES) & names)
    assert not [name for name in TIPSOM_NAMES if name in standard], "a tipsom name hides a standard one"
    # The three names the shipped form misspells, as the standard spells them.
    assert {"prs_FirstName", "prs_SecondName", "vic_MethodsOfControl"} <= names
    assert not {"prs_First_Name", "prs_Second_Name", "vic_Methods_of_Control"} & names
    assert {"prs_Gender", "prs_Birthdate", "prs_Citizenship", "vic_TypeOfExploitation", "con_Consent"} <= names


def test_no_code_or_label_has_a_stray_space(published):
    for title, rows in sheets(bytes(published.xlsx)).items():
        assert stray_spaces(rows) == [], title
    codes = [row["name"] for row in records(sheets(bytes(published.xlsx))["choices"])]
    assert "DebtBondage" in codes and not [code for code in codes if " " in code]


def test_the_shipped_htcds_form_has_the_defects_ours_has_not():
    shipped = sheets(SHIPPED.read_bytes())
    survey = records(shipped["survey"])
    names = {row["name"] for row in survey}
    choices = records(shipped["choices"])
    assert "DebtBondage " in [row["name"] for row in choices]
    assert [row["label"] for row in choices if "\u00a0" in str(row["label"])]
    assert stray_spaces(shipped["choices"])
    assert {"prs_First_Name", "prs_Second_Name", "vic_Methods_of_Control"} <= names
    assert names - standard_names() - {"start", "end", "__version__"} == {
        "prs_First_Name",
        "prs_Second_Name",
        "vic_Methods_of_Control",
    }
    assert "form_id" not in records(shipped["settings"])[0]
    assert "public_key" not in records(shipped["settings"])[0]
    assert not [row for row in survey if str(row.get("required") or "").lower() in ("yes", "true")]
    warnings: list[str] = []
    assert "<submission" not in convert(xlsform=SHIPPED.read_bytes(), warnings=warnings, file_type=".xlsx").xform


def test_settings_form_id_version_languages_and_the_public_key(published):
    found = settings_of(bytes(published.xlsx))
    assert found["form_id"] == "tipsom_identification_br" == published.form_id
    assert re.fullmatch(r"\d{10}", found["version"]) and found["version"] == published.version
    assert found["version"].startswith(timezone.localdate().strftime("%Y%m%d"))
    assert found["default_language"] == "English (en)"
    assert found["instance_name"] and "prs_" not in found["instance_name"]  # nothing identifying in lists
    key = load_der_public_key(base64.b64decode(found["public_key"], validate=True))
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
    assert published.key_fingerprint == form_keys().current.fingerprint


def test_labels_in_every_language_are_the_interfaces_translations(published):
    survey = records(sheets(bytes(published.xlsx))["survey"])
    choices = records(sheets(bytes(published.xlsx))["choices"])
    languages = form_languages()
    assert {language.code for language in languages} == {code.split("-")[0] for code, _name in settings.LANGUAGES}
    gender = next(row for row in survey if row["name"] == "prs_Gender")
    feminine = next(row for row in choices if row["list_name"] == "prs_Gender" and row["name"] == "Feminine")
    for language in languages:
        with translation.override(language.code):
            assert gender[f"label::{language.column}"] == xlsform_text(gettext("Gender"))
            assert feminine[f"label::{language.column}"] == xlsform_text(dict(code_choices("prs_Gender"))["Feminine"])
    assert gender["label::Arabic (ar)"] != gender["label::English (en)"]  # the Arabic catalogue is used


def test_required_skip_logic_and_constraints(published):
    survey = {row["name"]: row for row in records(sheets(bytes(published.xlsx))["survey"]) if row["name"]}
    assert survey["prs_FirstName"]["required"] == "yes"
    assert survey["con_Consent"]["required"] == "yes"
    assert "ForcedLabour" in survey["vic_ForcedLabourIndustry"]["relevant"]
    assert "SexualExploitation" in survey["vic_TypeOfSexExploitation"]["relevant"]
    assert survey["prs_Birthdate"]["relevant"] == "${tipsom_BirthDateKnown} = 'date'"
    assert (
        "today()" in survey["prs_Birthdate"]["constraint"] and "today()" in survey["tipsom_IdentifiedOn"]["constraint"]
    )
    assert survey["tipsom_Age"]["constraint"] == ". >= 0 and . <= 120"
    assert "tipsom_IsChild" in survey["tipsom_ConsentGivenBy"]["constraint"]  # a child's consent is a guardian's
    assert "tipsom_IsChild" in survey["tipsom_SomVulnerabilities"]["constraint"]  # unaccompanied child: a child
    assert survey["tipsom_FormVersion"]["calculation"] == f"'{published.version}'"
    for name in ("prs_Birthdate", "tipsom_Age", "tipsom_IdentifiedOn", "tipsom_ConsentGivenBy"):
        assert survey[name]["constraint_message::English (en)"], name


def test_the_code_lists_are_the_projects_with_the_deployments_extensions():
    extra = {"vic_MethodsOfControl": [("Confiscation", "Confiscation of earnings")]}
    with override_settings(TIPSOM_EXTRA_CODES=extra):
        form = field_form_publish(actor=None, country="BR").form
        expected = [code for code, _label in code_choices("vic_MethodsOfControl")]
    choices = records(sheets(bytes(form.xlsx))["choices"])
    assert [row["name"] for row in choices if row["list_name"] == "vic_MethodsOfControl"] == expected
    assert "Confiscation" in expected


def test_the_same_content_keeps_its_version_and_new_content_gets_the_next():
    first = field_form_publish(actor=None, country="BR")
    again = field_form_publish(actor=None, country="BR")
    assert first.new_version and not again.new_version and again.form.pk == first.form.pk
    with override_settings(TIPSOM_EXTRA_CODES={"vic_MethodsOfControl": [("Confiscation", "Confiscation")]}):
        second = field_form_publish(actor=None, country="BR").form
    assert second.version == f"{first.form.version[:8]}{int(first.form.version[8:]) + 1:02d}"
    back = field_form_publish(actor=None, country="BR").form  # the first content again: current again
    assert back.pk == first.form.pk
    assert FieldForm.objects.filter(country="BR").order_by("-published_at").first() == back
    assert AuditEvent.objects.filter(action="intake.form_publish").count() == 3


def test_the_command_writes_the_form_and_keeps_the_key_like_the_keyring(tmp_path):
    output = tmp_path / "form.xlsx"
    path = tmp_path / "keys" / "form-key.json"
    out = io.StringIO()
    with override_settings(TIPSOM_FORM_KEY_FILE=str(path)):
        call_command("intake", "xlsform", "--country", "br", "--output", str(output), stdout=out)
        assert form_key_path() == path
        fingerprint = form_keys().current.fingerprint
    assert "Created the field form key" in out.getvalue()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    found = settings_of(output.read_bytes())
    assert found["form_id"] == "tipsom_identification_br"
    assert FieldForm.objects.get(version=found["version"]).key_fingerprint == fingerprint
    again = io.StringIO()
    with override_settings(TIPSOM_FORM_KEY_FILE=str(path)):
        call_command("intake", "xlsform", "--country", "BR", "--output", str(output), stdout=again)
    assert "Unchanged" in again.getvalue() and "Created" not in again.getvalue()
