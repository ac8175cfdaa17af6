"""The CTDC import: the codebook's values and the redistributed copies' variants, malformed rows by line, duplicates
kept, the same file once, CTDC's share rule, bad files refused with nothing written, the comparison, the command."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization
from tipsom.stats.ctdc.codebook import CTDC_COLUMNS
from tipsom.stats.ctdc.export import ctdc_export
from tipsom.stats.ctdc.importer import ctdc_comparison, ctdc_import
from tipsom.stats.exports import Scope
from tipsom.stats.models import ExternalDataset, ExternalRecord, VictimFact
from tipsom.stats.tests.test_ctdc_export import victim

DATA = Path(__file__).parent / "data"
SMALL = DATA / "ctdc_small.csv"
REDISTRIBUTED = DATA / "ctdc_redistributed.csv"


@pytest.mark.django_db
def test_the_small_file_is_imported_with_its_malformed_row_named() -> None:
    dataset = ctdc_import(actor=None, country="BR", path=SMALL)
    assert (dataset.rows_read, dataset.rows_imported) == (6, 5)
    assert dataset.malformed == [{"line": 6, "reason": "gender Robot is not in the codebook"}]
    records = {record.line: record for record in ExternalRecord.objects.filter(dataset=dataset)}
    assert sorted(records) == [2, 3, 4, 5, 7]
    # The exact duplicate rows (lines 2 and 3) are both kept.
    assert (records[2].gender, records[2].age_band, records[2].citizenship) == ("Female", "18--20", "PH")
    assert (records[3].gender, records[3].age_band, records[3].citizenship) == ("Female", "18--20", "PH")
    assert records[2].exploitation_types == ["SexualExploit"] and records[2].sex_types == ["Prostitution"]
    assert records[4].exploitation_types == ["ForcedLabour", "SexualExploit"]
    assert records[4].labour_types == ["Construction"] and records[4].means_of_control == ["DebtBondage"]
    assert records[4].data_source == "Hotline" and records[4].year == 2020
    unknown = records[5]
    assert (unknown.gender, unknown.age_band, unknown.majority, unknown.citizenship) == ("Unknown", "", "", "ZZ")
    assert unknown.exploitation_types == []
    assert records[7].majority == "Minor" and records[7].labour_types == ["Agriculture"]


@pytest.mark.django_db
def test_shares_follow_ctdc_denominator_rule() -> None:
    summary = ctdc_import(actor=None, country="BR", path=SMALL).summary
    assert summary["gender"] == {"Female": 0.4, "Male": 0.4, "Unknown": 0.2}
    assert summary["data_source"] == {"Case Management": 0.6, "Hotline": 0.4}
    # Four of the five records have a form of exploitation: the shares are of those four, and add up past 100%.
    assert summary["exploitation_denominator"] == 4
    assert summary["exploitation"] == {"ForcedLabour": 0.5, "SexualExploit": 0.75}
    assert summary["malformed_rows"] == 1


@pytest.mark.django_db
def test_a_redistributed_copy_with_its_variants() -> None:
    dataset = ctdc_import(actor=None, country="BR", path=REDISTRIBUTED)
    assert (dataset.rows_read, dataset.rows_imported) == (4, 3)
    assert dataset.malformed == [{"line": 4, "reason": f"{len(CTDC_COLUMNS)} cells where the header has 64"}]
    records = {record.line: record for record in ExternalRecord.objects.filter(dataset=dataset)}
    # Em dash, en dash and a single hyphen in ageBroad.
    assert (records[2].age_band, records[3].age_band, records[5].age_band) == ("9--17", "24--26", "21--23")
    # NA in the binaries: the concatenated field says what they do not.
    assert records[2].exploitation_types == ["SexualExploit", "ForcedLabour"]
    # Missing written NA, empty, Missing.
    assert (records[3].data_source, records[3].citizenship, records[3].exploitation_country) == ("", "", "")
    assert records[3].majority == "Adult"  # from its age band
    assert (records[2].citizenship, records[2].exploitation_country) == ("MD", "RU")


@pytest.mark.django_db
def test_the_same_file_again_is_not_imported_twice(tmp_path: Path) -> None:
    first = ctdc_import(actor=None, country="BR", path=SMALL)
    copy = tmp_path / "renamed.csv"
    shutil.copy(SMALL, copy)
    again = ctdc_import(actor=None, country="BR", path=copy, name="another name")
    assert again.pk == first.pk
    assert ExternalDataset.objects.count() == 1 and ExternalRecord.objects.count() == 5
    assert AuditEvent.objects.filter(action="stats.import.ctdc").count() == 1


@pytest.mark.django_db
def test_the_import_is_audited() -> None:
    dataset = ctdc_import(actor=None, country="BR", path=SMALL)
    event = AuditEvent.objects.get(action="stats.import.ctdc")
    assert event.changes == {"country": "BR", "rows_read": 6, "rows_imported": 5, "malformed": 1}
    assert event.object_id == str(dataset.pk)


def _latin1(path: Path) -> Path:
    text = SMALL.read_text(encoding="utf-8").replace("Hotline", "Hotlîne", 1)
    path.write_bytes(text.encode("latin-1"))
    return path


def _xlsx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return path


def _missing_columns(path: Path) -> Path:
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    header = lines[0].replace("gender,", "sex,").replace(",citizenship,", ",nationality,")
    path.write_text("\n".join([header, *lines[1:]]) + "\n", encoding="utf-8")
    return path


BAD_FILES = {
    "utf16": (lambda path: path.write_bytes(SMALL.read_text().encode("utf-16")) and path, "UTF-16"),
    "latin1": (_latin1, "Line 4 is not UTF-8 (byte 0xEE)"),
    "xlsx": (_xlsx, "XLSX workbook"),
    "empty": (lambda path: path.write_bytes(b"") and path or path, "empty"),
    "binary": (lambda path: path.write_bytes(bytes(range(256)) * 4) and path, "not a text file"),
    "columns": (_missing_columns, "lacks the columns gender, citizenship"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_its_reason_and_nothing_written(tmp_path: Path, kind: str) -> None:
    make, message = BAD_FILES[kind]
    path = tmp_path / f"{kind}.csv"
    make(path)
    with pytest.raises(ApplicationError) as refused:
        ctdc_import(actor=None, country="BR", path=path)
    assert message in refused.value.message
    assert not ExternalDataset.objects.exists() and not ExternalRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="stats.import.ctdc").exists()


@pytest.mark.django_db
def test_a_bad_line_deep_in_a_large_file_rolls_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first batches are written before the bad line is read: the transaction takes them back."""
    from tipsom.stats.ctdc import importer

    monkeypatch.setattr(importer, "BATCH", 2)
    lines = SMALL.read_bytes().splitlines(keepends=True)
    path = tmp_path / "late.csv"
    path.write_bytes(b"".join([*lines, *lines[1:] * 3, "2020,Hotline,Fem\xe9".encode("latin-1") + b"\n"]))
    with pytest.raises(ApplicationError, match="Line 26 is not UTF-8"):
        importer.ctdc_import(actor=None, country="BR", path=path)
    assert not ExternalDataset.objects.exists() and not ExternalRecord.objects.exists()


@pytest.mark.django_db
def test_the_tipsom_export_can_be_imported_back(tmp_path: Path) -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create(
        [victim(organization, exploitation_types=["ForcedLabour"], industries=["F_Construction"]) for _ in range(3)]
    )
    output = tmp_path / "ctdc.csv"
    ctdc_export(Scope(country="BR"), k=2, output=output)
    dataset = ctdc_import(actor=None, country="BR", path=output)
    assert dataset.rows_imported == 3 and dataset.malformed == []
    record = ExternalRecord.objects.filter(dataset=dataset).first()
    assert record is not None and record.labour_types == ["Construction"] and record.year == 2023


@pytest.mark.django_db
def test_the_comparison_puts_the_country_beside_the_dataset() -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create(
        [
            victim(organization, sex="F", exploitation_types=["SexualExploitation"]),
            victim(organization, sex="F", exploitation_types=["SexualExploitation", "ForcedLabour"]),
            victim(organization, sex="M", age=12, is_child=True, exploitation_types=["ForcedLabour"]),
            victim(organization, sex="U", exploitation_types=[]),
            victim(organization, sex="M", counted=False, exploitation_types=["OrganRemoval"]),
        ]
    )
    dataset = ctdc_import(actor=None, country="BR", path=SMALL)
    comparison = ctdc_comparison(dataset, Scope(country="BR"))
    national = comparison["national"]
    assert national["records"] == 4
    assert national["gender"] == {"Female": 0.5, "Male": 0.25, "Unknown": 0.25}
    assert national["majority"] == {"Adult": 0.75, "Minor": 0.25}
    assert national["exploitation_denominator"] == 3
    assert national["exploitation"] == {"ForcedLabour": round(2 / 3, 4), "SexualExploit": round(2 / 3, 4)}
    assert comparison["external"]["records"] == 5
    # The dataset's rows exploited in Brazil: line 7 only (line 6 was malformed).
    same = comparison["external_same_country"]
    assert same["records"] == 1 and same["gender"] == {"Male": 1.0} and same["majority"] == {"Minor": 1.0}


@pytest.mark.django_db
def test_the_command_prints_the_summary_and_recognises_the_file_again(capsys: pytest.CaptureFixture[str]) -> None:
    make_organization("BR")
    call_command("import", "ctdc", str(SMALL), "--name", "CTDC 2024", "--country", "BR")
    out = capsys.readouterr().out
    assert "6 rows read, 5 imported, 1 malformed and skipped." in out
    assert "line 6: gender Robot is not in the codebook" in out
    assert "Gender: Female 40.0%, Male 40.0%, Unknown 20.0%" in out
    assert "Form of exploitation (of 4 records with one or more): ForcedLabour 50.0%, SexualExploit 75.0%" in out
    assert ExternalDataset.objects.get().name == "CTDC 2024"
    call_command("import", "ctdc", str(SMALL), "--country", "BR")
    assert "imported already" in capsys.readouterr().out
    assert ExternalDataset.objects.count() == 1


@pytest.mark.django_db
def test_the_command_names_a_bad_file(tmp_path: Path) -> None:
    make_organization("BR")
    path = tmp_path / "book.xlsx"
    _xlsx(path)
    with pytest.raises(CommandError, match="XLSX workbook"):
        call_command("import", "ctdc", str(path), "--country", "BR")
