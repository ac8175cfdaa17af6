"""The HTCDS export: the encrypted archive, the HTCDS field names, identities only with the right, the audit event,
bad input refused with nothing changed. Small datasets built here, so every count is known."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import pyzipper  # type: ignore[import-untyped]

import tipsom
from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases import services as case_services
from tipsom.cases.models import Case
from tipsom.cases.testing import make_case
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.stats.htcds import (
    CSV_NAME,
    EVENTS,
    IDENTIFYING_FIELDS,
    JSON_NAME,
    README_NAME,
    htcds_command,
    htcds_command_arguments,
    htcds_export,
    htcds_export_country,
    htcds_filters,
    password_from_file,
)

PASSWORD = "a long enough passphrase"
HTCDS_CSV = Path(tipsom.__file__).resolve().parents[2] / "data" / "htcds" / "HTCDS_Field_Standards_2.0.csv"

# Three persons, each with values found nowhere else, so a search of the decrypted archive is conclusive.
ZULEIKA: dict[str, Any] = {
    "names": [{"name": "Zuleika Quenta Mamani"}, {"name": "Zulekita", "kind": "alias"}],
    "gender": "Feminine",
    "citizenships": ["BO"],
    "birth_date": "1987-11-23",
    "birth_date_precision": "exact",
    "contacts": [{"kind": "phone", "value": "+59177788991"}, {"kind": "email", "value": "zuleika@example.org"}],
    "documents": [{"doc_type": "passport", "number": "BOX998877", "issuing_country": "BO"}],
}
ORLANDO: dict[str, Any] = {
    "names": [{"name": "Orlando Huarachi Ccallo"}],
    "gender": "Masculine",
    "citizenships": ["PE"],
    "birth_date": "1979-02-14",
    "birth_date_precision": "exact",
    "documents": [{"doc_type": "national_id", "number": "PEQ445566", "issuing_country": "PE"}],
}
XIOMARA: dict[str, Any] = {
    "names": [{"name": "Xiomara Ticona Apaza"}],
    "gender": "Feminine",
    "citizenships": ["PY"],
    "birth_date": "1992-06-05",
    "birth_date_precision": "exact",
    "contacts": [{"kind": "phone", "value": "+595981223344"}],
}
SECRETS = {
    "zuleika": ["Zuleika", "Quenta", "Mamani", "Zulekita", "1987-11-23", "59177788991", "zuleika@example", "BOX998877"],
    "orlando": ["Orlando", "Huarachi", "Ccallo", "1979-02-14", "PEQ445566"],
    "xiomara": ["Xiomara", "Ticona", "Apaza", "1992-06-05", "595981223344"],
}


def open_archive(content: bytes, password: str = PASSWORD) -> dict[str, bytes]:
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(password.encode())
        return {name: archive.read(name) for name in archive.namelist()}


def htcds_names() -> set[str]:
    with HTCDS_CSV.open(encoding="utf-8") as stream:
        names = {row["Field Name including Prefix"] for row in csv.DictReader(stream)}
    return names - {""}


def found(files: dict[str, bytes], needles: list[str]) -> list[str]:
    text = b"\n".join(files.values()).decode("utf-8")
    return [needle for needle in needles if needle in text]


def htcds_audits() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="stats.export.htcds").order_by("pk"))


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    home = make_organization("BR")
    other = make_organization("BR")
    abroad = make_organization("CO")
    industries = ["A_AgricultureForestryAndFishing"]
    zuleika = make_case(home, person=ZULEIKA, identified_on="2024-05-02", industries=industries)
    orlando = make_case(home, person=ORLANDO, identified_on="2026-01-15", case_type="som", exploitation_types=[])
    xiomara = make_case(other, person=XIOMARA, identified_on="2025-03-03")
    make_case(abroad, identified_on="2025-03-03")
    actor = make_user(home, roles=("case_manager",))
    case_services.event_add(
        actor=actor, case_id=zuleika.pk, event_type="Recruitment", country="BO", start_date="2023-08-01"
    )
    case_services.event_add(
        actor=actor, case_id=zuleika.pk, event_type="Exploitation", country="BR", start_date="2023-10-01"
    )
    return {"home": home, "other": other, "abroad": abroad, "zuleika": zuleika, "orlando": orlando, "xiomara": xiomara}


def test_archive_opens_with_its_password_only(world: dict[str, Any]) -> None:
    user = make_user(world["home"], roles=("case_manager",))
    archive = htcds_export(actor=user, password=PASSWORD)
    assert archive.content.startswith(b"PK")
    assert archive.filename.startswith("htcds-br-") and archive.filename.endswith(".zip")
    with pyzipper.AESZipFile(io.BytesIO(archive.content)) as opened:
        assert sorted(opened.namelist()) == sorted([JSON_NAME, CSV_NAME, README_NAME])
        with pytest.raises(RuntimeError):
            opened.read(JSON_NAME)
        opened.setpassword(b"not the passphrase at all")
        with pytest.raises(RuntimeError):
            opened.read(JSON_NAME)
    files = open_archive(archive.content)
    assert json.loads(files[JSON_NAME])["record_count"] == 2
    # Encrypted: not even a case number shows in the raw bytes.
    assert world["zuleika"].case_number.encode() not in archive.content
    assert world["zuleika"].case_number.encode() in files[JSON_NAME]


def test_field_names_are_htcds_or_marked_as_tipsom(world: dict[str, Any]) -> None:
    user = make_user(world["home"], roles=("case_supervisor",))
    files = open_archive(htcds_export(actor=user, password=PASSWORD, include_identities=True).content)
    document = json.loads(files[JSON_NAME])
    standard = htcds_names()
    header = next(csv.reader(io.StringIO(files[CSV_NAME].decode())))
    assert header == document["fields"]
    names = set(header)
    for record in document["records"]:
        names |= set(record) - {EVENTS, "SupportPlan"}
        for entry in record[EVENTS] + record["SupportPlan"]:
            names |= set(entry)
    assert names - standard, "some tipsom fields are expected"
    assert all(name in standard or name.startswith("tipsom_") for name in names), sorted(names - standard)
    assert {"prs_Gender", "prs_Citizenship", "vic_TypeOfExploitation", "cas_Status", "hte_Type"} <= names
    assert document["htcds_version"] == "2.0"
    assert "version 2.0" in files[README_NAME].decode()
    assert all(name in files[README_NAME].decode() for name in header)


def test_record_values_and_csv_flattening(world: dict[str, Any]) -> None:
    user = make_user(world["home"], roles=("case_manager",))
    files = open_archive(htcds_export(actor=user, password=PASSWORD).content)
    records = {r["tipsom_CaseNumber"]: r for r in json.loads(files[JSON_NAME])["records"]}
    zuleika = records[world["zuleika"].case_number]
    assert zuleika["vic_TypeOfExploitation"] == ["ForcedLabour"]
    assert zuleika["vic_MethodsOfControl"] == ["DebtBondage"]
    assert zuleika["vic_ForcedLabourIndustry"] == ["A_AgricultureForestryAndFishing"]
    assert zuleika["prs_Gender"] == "Feminine"
    assert zuleika["prs_Citizenship"] == ["BO"]
    assert zuleika["cas_Status"] == "Active"
    assert zuleika["org_Name"] == world["home"].name
    assert zuleika["tipsom_AgeAtIdentification"] == 2024 - 1987
    assert zuleika["vic_AgeWhenTrafficked"] == 2023 - 1987
    assert [(e["hte_Type"], e["hte_Country"], e["hte_Date"]) for e in zuleika[EVENTS]] == [
        ("Recruitment", "BO", "2023-08-01"),
        ("Exploitation", "BR", "2023-10-01"),
    ]
    assert records[world["orlando"].case_number]["tipsom_CaseType"] == "som"
    rows = {row["tipsom_CaseNumber"]: row for row in csv.DictReader(io.StringIO(files[CSV_NAME].decode()))}
    row = rows[world["zuleika"].case_number]
    assert row["hte_Type"] == "Recruitment;Exploitation"
    assert row["hte_Country"] == "BO;BR"
    assert row["hte_Date"] == "2023-08-01;2023-10-01"
    assert row["vic_TypeOfExploitation"] == "ForcedLabour"
    assert rows[world["orlando"].case_number]["vic_TypeOfExploitation"] == ""
    assert rows[world["orlando"].case_number]["hte_Type"] == ""


def test_without_the_identities_right_no_identifying_value_anywhere(world: dict[str, Any]) -> None:
    for role in ("case_manager", "case_supervisor"):
        user = make_user(world["home"], roles=(role,))
        files = open_archive(htcds_export(actor=user, password=PASSWORD).content)
        assert found(files, [s for values in SECRETS.values() for s in values]) == []
        document = json.loads(files[JSON_NAME])
        assert not set(document["fields"]) & IDENTIFYING_FIELDS
        assert {r["tipsom_CaseNumber"] for r in document["records"]} == {
            world["zuleika"].case_number,
            world["orlando"].case_number,
        }


def test_national_coordinator_gets_the_countrys_cases_without_identities(world: dict[str, Any]) -> None:
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    files = open_archive(htcds_export(actor=coordinator, password=PASSWORD).content)
    document = json.loads(files[JSON_NAME])
    assert document["scope"] == "national"
    assert sorted(r["tipsom_CaseNumber"] for r in document["records"]) == sorted(
        world[name].case_number for name in ("zuleika", "orlando", "xiomara")
    )
    assert found(files, [s for values in SECRETS.values() for s in values]) == []
    with pytest.raises(ApplicationError) as refused:
        htcds_export(actor=coordinator, password=PASSWORD, include_identities=True)
    assert refused.value.code == "identities_forbidden"


def test_with_the_right_identities_of_the_organizations_persons_only(world: dict[str, Any]) -> None:
    supervisor = make_user(world["home"], roles=("case_supervisor",))
    archive = htcds_export(actor=supervisor, password=PASSWORD, include_identities=True)
    files = open_archive(archive.content)
    assert found(files, SECRETS["zuleika"]) == SECRETS["zuleika"]
    assert found(files, SECRETS["orlando"]) == SECRETS["orlando"]
    assert found(files, SECRETS["xiomara"]) == []
    records = {r["tipsom_CaseNumber"]: r for r in json.loads(files[JSON_NAME])["records"]}
    zuleika = records[world["zuleika"].case_number]
    assert zuleika["tipsom_IdentityIncluded"] is True
    assert (zuleika["prs_FirstName"], zuleika["prs_SecondName"]) == ("Zuleika", "Quenta Mamani")
    assert zuleika["tipsom_Aliases"] == ["Zulekita"]
    assert zuleika["prs_Birthdate"] == "1987-11-23"
    assert zuleika["prs_IdentityNumber"] == ["BOX998877"]
    assert zuleika["prs_MobilePhone"] == ["+59177788991"]
    assert zuleika["prs_Email"] == ["zuleika@example.org"]
    row = next(r for r in csv.DictReader(io.StringIO(files[CSV_NAME].decode())) if r["prs_FirstName"] == "Zuleika")
    assert row["prs_MobilePhone"] == "'+59177788991"  # a spreadsheet does not read it as a formula
    assert archive.identities_withheld == 0


def test_audit_event_counts_records_and_fields_never_the_password(world: dict[str, Any]) -> None:
    supervisor = make_user(world["home"], roles=("case_supervisor",))
    htcds_export(actor=supervisor, password=PASSWORD, filters=htcds_filters(year_from=2025))
    htcds_export(actor=supervisor, password=PASSWORD, include_identities=True)
    plain, identified = htcds_audits()
    assert plain.actor == supervisor
    assert plain.object_type == "stats.release"
    assert plain.changes["country"] == "BR"
    assert plain.changes["records"] == 1  # Orlando, identified in 2026
    assert plain.changes["parameters"]["identities"] is False
    assert plain.changes["parameters"]["filters"] == {"year_from": 2025}
    files = open_archive(htcds_export(actor=supervisor, password=PASSWORD).content)
    assert plain.changes["fields"] == len(json.loads(files[JSON_NAME])["fields"])
    assert identified.changes["records"] == 2
    assert identified.changes["parameters"]["identities"] is True
    assert identified.changes["parameters"]["identities_withheld"] == 0
    assert identified.changes["fields"] == plain.changes["fields"] + len(IDENTIFYING_FIELDS) + 1
    for event in htcds_audits():
        assert PASSWORD not in json.dumps(event.changes)
        assert found({"audit": json.dumps(event.changes).encode()}, SECRETS["zuleika"]) == []


def test_filters(world: dict[str, Any]) -> None:
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))

    def numbers(**filters: Any) -> set[str]:
        archive = htcds_export(actor=coordinator, password=PASSWORD, filters=htcds_filters(**filters))
        return {r["tipsom_CaseNumber"] for r in json.loads(open_archive(archive.content)[JSON_NAME])["records"]}

    assert numbers(year_from=2025, year_to=2025) == {world["xiomara"].case_number}
    assert numbers(year_to=2024) == {world["zuleika"].case_number}
    assert numbers(status="Closed") == set()
    assert len(numbers(status="Active", trafficking_status="PossibleVictimOfTrafficking")) == 3
    assert numbers(year_from=2030) == set()  # a year without data: an empty export, not an error


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"year_from": 2026, "year_to": 2025}, "year_to"),
        ({"year_from": "twenty"}, "year_from"),
        ({"status": "Open"}, "status"),
        ({"trafficking_status": "Victim"}, "trafficking_status"),
    ],
)
def test_bad_filters_are_named(arguments: dict[str, Any], field: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        htcds_filters(**arguments)
    assert list(refused.value.extra["fields"]) == [field]


def test_bad_input_changes_nothing_and_says_why(world: dict[str, Any], tmp_path: Path) -> None:
    manager = make_user(world["home"], roles=("case_manager",))
    output = tmp_path / "cases.zip"
    with pytest.raises(ApplicationError) as short:
        htcds_export(actor=manager, password="too short", output=output)
    assert short.value.code == "password_too_short" and "12 characters" in short.value.message
    assert short.value.extra == {"field": "password"}
    with pytest.raises(ApplicationError) as forbidden:
        htcds_export(actor=manager, password=PASSWORD, include_identities=True, output=output)
    assert forbidden.value.code == "identities_forbidden" and forbidden.value.status_code == 403
    with pytest.raises(ApplicationError):
        htcds_export(actor=manager, password=PASSWORD, output=tmp_path / "missing" / "cases.zip")
    with pytest.raises(NotFound):
        htcds_export(actor=make_user(world["home"], roles=("frontline_identifier",)), password=PASSWORD)
    assert htcds_audits() == []
    assert list(tmp_path.iterdir()) == []


def test_output_file_written_whole(world: dict[str, Any], tmp_path: Path) -> None:
    manager = make_user(world["home"], roles=("case_manager",))
    output = tmp_path / "cases.zip"
    archive = htcds_export(actor=manager, password=PASSWORD, output=output)
    assert output.read_bytes() == archive.content
    assert [p.name for p in tmp_path.iterdir()] == ["cases.zip"]


def test_command_line_export_is_national_without_identities(world: dict[str, Any], tmp_path: Path) -> None:
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    output = tmp_path / "br.zip"
    archive = htcds_export_country(password=password_from_file(secret), output=output, country="br")
    files = open_archive(output.read_bytes())
    document = json.loads(files[JSON_NAME])
    assert document["country"] == "BR" and document["identities_included"] is False
    assert document["record_count"] == 3 == archive.release.records
    assert found(files, [s for values in SECRETS.values() for s in values]) == []
    (event,) = htcds_audits()
    assert event.actor is None and event.changes["records"] == 3
    with pytest.raises(ApplicationError):
        htcds_export_country(password=PASSWORD, output=tmp_path / "x.zip", country="FR")
    assert Case.objects.count() == 4 and Organization.objects.count() == 3


def test_command_arguments_and_summary(world: dict[str, Any], tmp_path: Path) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    htcds_command_arguments(parser)
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD, encoding="utf-8")
    output = tmp_path / "br.zip"
    arguments = ["--output", str(output), "--password-file", str(secret), "--year-from", "2025", "--country", "BR"]
    options = vars(parser.parse_args(arguments))
    summary = htcds_command(options)
    assert "2 cases of BR" in summary and "without identities" in summary
    assert len(json.loads(open_archive(output.read_bytes())[JSON_NAME])["records"]) == 2
    short = tmp_path / "short.txt"
    short.write_text("short\n", encoding="utf-8")
    with pytest.raises(ApplicationError) as refused:
        htcds_command({**options, "password_file": short, "output": tmp_path / "other.zip"})
    assert refused.value.code == "password_too_short"
    with pytest.raises(ApplicationError) as unreadable:
        htcds_command({**options, "password_file": tmp_path / "absent.txt", "output": tmp_path / "other.zip"})
    assert unreadable.value.code == "password_file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["br.zip", "password.txt", "short.txt"]
    assert len(htcds_audits()) == 1
