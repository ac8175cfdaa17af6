"""The CTDC export: codebook v6 columns and codes from hand-built facts, k-anonymity checked again here on the
written file, more records kept than CTDC's method, bad k refused, empty scope, atomicity, the command."""

from __future__ import annotations

import csv
import datetime
import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.stats.ctdc import export as ctdc_export_module
from tipsom.stats.ctdc.codebook import CTDC_COLUMNS, QUASI_IDENTIFIERS
from tipsom.stats.ctdc.export import ctdc_export
from tipsom.stats.exports import Scope
from tipsom.stats.models import VictimFact

_source = itertools.count(1)


def victim(organization: Organization, **fields: Any) -> VictimFact:
    """One counted victim (a VictimFact not saved)."""
    number = next(_source)
    values: dict[str, Any] = {
        "source_id": number,
        "person_cluster": number,
        "counted": True,
        "country": organization.country,
        "organization": organization,
        "year": 2023,
        "identified_on": datetime.date(fields.get("year", 2023), 3, 1),
        "case_type": "tip",
        "sex": "F",
        "age": 25,
        "citizenship": organization.country,
        "exploitation_country": organization.country,
    }
    values.update(fields)
    return VictimFact(**values)


def victim_population(organization: Organization, n: int, seed: int = 7) -> list[VictimFact]:
    """A realistic population: skewed years, sexes, ages, citizenships (a few neighbours many, a long tail of
    rare ones), mostly exploited at home, sexual exploitation and forced labour with their industries and means."""
    rng = np.random.default_rng(seed)
    home = organization.country
    tail = ["VE", "CO", "PY", "BO", "HT", "CN", "NG", "PE", "AR", "DO", "PH", "VN", "SN", "GH", "UA", "RU", "IN"]
    tail += ["BD", "NP", "KE", "ET", "MA", "EG", "SY", "AF", "PK", "ID", "TH", "MM", "KH", "LA", "ER", "SO", "CU"]
    countries = [home, *tail]
    citizenship_p = np.array([12.0] + [1 / (i + 1) ** 1.1 for i in range(len(tail))])
    citizenship_p /= citizenship_p.sum()
    places = [home, "AR", "PY", "US", "ES", "PT", "CL", "UY", "FR", "JP"]
    place_p = np.array([30.0, 2, 1.5, 1.2, 1, 0.8, 0.6, 0.4, 0.3, 0.2])
    place_p /= place_p.sum()
    years = np.arange(2016, 2025)
    year_p = np.linspace(1, 3, len(years))
    year_p /= year_p.sum()
    facts = []
    for _ in range(n):
        sex = rng.choice(["F", "M", "O", "U"], p=[0.64, 0.31, 0.01, 0.04])
        minor = rng.random() < 0.22
        age = None if rng.random() < 0.05 else int(rng.integers(3, 18) if minor else min(80, 18 + rng.gamma(2, 7)))
        form = rng.choice(["sex", "labour", "both", "other"], p=[0.5, 0.35, 0.05, 0.10])
        types = {
            "sex": ["SexualExploitation"],
            "labour": ["ForcedLabour"],
            "both": ["SexualExploitation", "ForcedLabour"],
            "other": [str(rng.choice(["ForcedMarriage", "ForcedBegging", "Servitude", "OrganRemoval", "Other"]))],
        }[str(form)]
        industries = (
            [
                str(
                    rng.choice(
                        ["A_AgricultureForestryAndFishing", "F_Construction", "T_ActivitiesOfHouseholdsAsEmployers"]
                    )
                )
            ]
            if "ForcedLabour" in types and rng.random() < 0.8
            else []
        )
        means = list(
            rng.choice(
                ["DebtBondage", "PhysicalThreats", "FalsePromises", "PsychologicalAbuse", "WithholdsDocuments"],
                size=int(rng.integers(0, 3)),
                replace=False,
            )
        )
        year = int(rng.choice(years, p=year_p))
        facts.append(
            victim(
                organization,
                year=year,
                identified_on=datetime.date(year, 6, 1),
                sex=str(sex),
                age=age,
                is_child=bool(age is not None and age < 18),
                citizenship=str(rng.choice(countries, p=citizenship_p)),
                exploitation_country=str(rng.choice(places, p=place_p)),
                data_source=str(rng.choice(["case_management", "helpline", "field"], p=[0.7, 0.2, 0.1])),
                exploitation_types=types,
                industries=industries,
                sex_exploitation_types=["Prostitution"] if "SexualExploitation" in types else [],
                means_of_control=[str(m) for m in means],
                recruiter_relations=[str(rng.choice(["Familial", "Acquainted", "Unaquainted"]))]
                if rng.random() < 0.6
                else [],
                exploitation_months=int(rng.integers(0, 40)),
            )
        )
    return facts


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def smallest_class_in(path: Path) -> int:
    """The test's own count of the file's equivalence classes over the quasi-identifiers."""
    rows = read_csv(path)
    sizes = Counter(tuple(row[column] for column in QUASI_IDENTIFIERS) for row in rows)
    return min(sizes.values())


@pytest.mark.django_db
def test_columns_and_codes_of_one_group_of_victims(tmp_path: Path) -> None:
    organization = make_organization("BR")
    other = make_organization("AR")
    # Two groups of identical quasi-identifiers: 3 women of 25 (one with each kind of record) and 2 boys of 12.
    VictimFact.objects.bulk_create(
        [
            victim(
                organization,
                exploitation_types=["SexualExploitation", "ForcedLabour"],
                industries=["F_Construction"],
                sex_exploitation_types=["Prostitution"],
                means_of_control=["PhysicalThreats", "ThreatensChildrenFamily", "DebtBondage"],
                recruiter_relations=["Familial", "Acquainted"],
                child_at_exploitation=True,
            ),
            victim(organization, exploitation_types=["ForcedBegging"]),
            victim(organization, exploitation_types=[]),
            victim(organization, sex="M", age=12, is_child=True, exploitation_types=["ForcedMarriage"]),
            victim(organization, sex="M", age=12, is_child=True, exploitation_types=["Servitude", "OrganRemoval"]),
            victim(organization, counted=False),  # a second case of a person: not a victim of its own
            victim(other, citizenship="AR", exploitation_country="AR"),  # another country's
        ]
    )
    output = tmp_path / "ctdc.csv"
    release = ctdc_export(Scope(country="BR"), k=2, output=output)

    with output.open(newline="", encoding="utf-8") as stream:
        header = next(csv.reader(stream))
    assert tuple(header) == CTDC_COLUMNS and len(header) == 63
    rows = read_csv(output)
    assert release.records == 5 and len(rows) == 5
    assert release.report["records_suppressed"] == 0
    assert release.report["generalised"]["ageBroad"]["level"] == 0
    first = next(row for row in rows if row["isSexualExploit"] == "1")
    assert first["yearOfRegistration"] == "2023"
    assert first["gender"] == "Female"
    assert first["ageBroad"] == "24--26"
    assert first["majorityStatus"] == "Adult"
    assert first["majorityStatusAtExploit"] == "Minor"
    assert first["majorityEntry"] == "-99"
    assert first["Datasource"] == "Case Management"
    assert first["citizenship"] == "BR" and first["CountryOfExploitation"] == "BR"
    assert (first["isForcedLabour"], first["isSexAndLabour"], first["isOtherExploit"]) == ("1", "1", "0")
    assert first["typeOfExploitConcatenated"] == "ForcedLabour;SexualExploit;SexAndLabour"
    assert first["typeOfLabourConstruction"] == "1" and first["typeOfLabourNotSpecified"] == "0"
    assert first["typeOfLabourConcatenated"] == "Construction"
    assert first["typeOfSexProstitution"] == "1" and first["typeOfSexConcatenated"] == "Prostitution"
    # Two threats count once; debt bondage.
    assert first["meansOfControlThreats"] == "1" and first["meansOfControlDebtBondage"] == "1"
    assert first["meansOfControlConcatenated"] == "DebtBondage;Threats"
    assert first["meansOfControlNotSpecified"] == "0"
    assert first["RecruiterRelationship"] == "Friend;Family/Relative"
    assert first["recruiterRelationFamily"] == "1" and first["recruiterRelationFriend"] == "1"
    assert first["recruiterRelationOther"] == "0"
    assert first["isAbduction"] == "-99"

    begging = next(row for row in rows if row["typeOfLabourBegging"] == "1")
    assert begging["isForcedLabour"] == "1" and begging["isSexualExploit"] == "0"
    assert begging["typeOfSexProstitution"] == "-99"  # not in sexual exploitation: the group is not recorded
    assert begging["meansOfControlDebtBondage"] == "-99" and begging["meansOfControlConcatenated"] == "-99"
    assert begging["RecruiterRelationship"] == "-99" and begging["recruiterRelationFamily"] == "-99"

    unknown = next(row for row in rows if row["gender"] == "Female" and row["isForcedLabour"] == "-99")
    assert unknown["typeOfExploitConcatenated"] == "-99" and unknown["typeOfLabourAgriculture"] == "-99"

    boys = [row for row in rows if row["gender"] == "Male"]
    assert {row["ageBroad"] for row in boys} == {"9--17"} and {row["majorityStatus"] for row in boys} == {"Minor"}
    assert sorted(row["typeOfExploitConcatenated"] for row in boys) == [
        "ForcedMarriage",
        "OrganRemoval;SlaveryAndPractices",
    ]


@pytest.mark.django_db
def test_small_classes_are_generalised_before_any_record_is_suppressed(tmp_path: Path) -> None:
    """11 women of 24--26 and one of 21--23, k = 3: CTDC's method loses the lone one; merging the adult bands
    18--29 keeps all 12 (a coarser age costs less than a lost record)."""
    organization = make_organization("BR")
    facts = [victim(organization, age=25) for _ in range(11)] + [victim(organization, age=22)]
    VictimFact.objects.bulk_create(facts)
    output = tmp_path / "ctdc.csv"
    release = ctdc_export(Scope(country="BR"), k=3, output=output)
    report = json.loads(Path(f"{output}.report.json").read_text())
    assert report["records_kept"] == 12 and report["records_suppressed"] == 0
    assert report["ctdc_method_records_kept"] == 11
    assert report["generalised"]["ageBroad"] == {"level": 1, "to": "five bands"}
    assert {row["ageBroad"] for row in read_csv(output)} == {"18--29"}
    assert smallest_class_in(output) >= 3
    assert release.records == 12


@pytest.mark.django_db
def test_a_lone_record_that_no_generalisation_can_hide_is_suppressed(tmp_path: Path) -> None:
    """20 women of 25 and one man of 60 from elsewhere, k = 5: hiding the man needs gender, age and citizenship
    all withheld for 21 records; suppressing him costs one record. He alone goes."""
    organization = make_organization("BR")
    facts = [victim(organization, age=25) for _ in range(20)]
    facts.append(victim(organization, age=60, sex="M", citizenship="JP", exploitation_country="JP", year=2019))
    VictimFact.objects.bulk_create(facts)
    output = tmp_path / "ctdc.csv"
    release = ctdc_export(Scope(country="BR"), k=5, output=output)
    rows = read_csv(output)
    assert len(rows) == 20 and release.report["records_suppressed"] == 1
    assert {row["gender"] for row in rows} == {"Female"}
    assert all(entry["level"] == 0 for entry in release.report["generalised"].values())


@pytest.mark.django_db
def test_a_realistic_population_keeps_more_than_ctdc_and_passes_k_11(tmp_path: Path) -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create(victim_population(organization, 3000))
    output = tmp_path / "ctdc.csv"
    release = ctdc_export(Scope(country="BR"), k=11, output=output)
    rows = read_csv(output)
    assert len(rows) == release.records == release.report["records_kept"]
    assert smallest_class_in(output) >= 11
    baseline = release.report["ctdc_method_records_kept"]
    assert len(rows) > baseline
    assert len(rows) / 3000 >= 0.85
    assert release.report["ctdc_method_share_kept"] < 0.8


@pytest.mark.django_db
def test_the_ctdc_baseline_agrees_with_an_independent_count(tmp_path: Path) -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create(victim_population(organization, 800, seed=3))
    frame = ctdc_export_module.victim_frame(VictimFact.objects.filter(country="BR"))
    sizes = Counter(zip(*(frame[column] for column in QUASI_IDENTIFIERS), strict=True))
    expected = sum(size for size in sizes.values() if size >= 11)
    release = ctdc_export(Scope(country="BR"), k=11, output=tmp_path / "out.csv")
    assert release.report["ctdc_method_records_kept"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("k", [1, 0, -3])
def test_k_below_two_is_refused(tmp_path: Path, k: int) -> None:
    make_organization("BR")
    with pytest.raises(ApplicationError, match="at least 2"):
        ctdc_export(Scope(country="BR"), k=k, output=tmp_path / "out.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("k", [11.0, "11", True])
def test_k_must_be_an_integer(tmp_path: Path, k: Any) -> None:
    make_organization("BR")
    with pytest.raises(ApplicationError, match="whole number"):
        ctdc_export(Scope(country="BR"), k=k, output=tmp_path / "out.csv")


@pytest.mark.django_db
def test_an_empty_scope_writes_the_header_and_says_so(tmp_path: Path) -> None:
    make_organization("BR")
    output = tmp_path / "ctdc.csv"
    release = ctdc_export(Scope(country="BR"), k=11, output=output)
    assert output.read_text() == ",".join(CTDC_COLUMNS) + "\n"
    assert release.records == 0 and release.report["empty"] is True
    event = AuditEvent.objects.get(action="stats.export.ctdc")
    assert event.changes["records"] == 0


@pytest.mark.django_db
def test_the_export_is_audited_with_records_fields_and_parameters(tmp_path: Path) -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create([victim(organization) for _ in range(4)])
    ctdc_export(Scope(country="BR"), k=2, output=tmp_path / "ctdc.csv")
    event = AuditEvent.objects.get(action="stats.export.ctdc")
    assert event.changes["records"] == 4 and event.changes["fields"] == 63
    assert event.changes["parameters"]["k"] == 2 and event.changes["country"] == "BR"


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create([victim(organization) for _ in range(40)])
    output = tmp_path / "ctdc.csv"
    real_lines = ctdc_export_module.ctdc_lines

    class Exploding(list[str]):
        """The lines of the file, failing after the first chunk has been written."""

        def __getitem__(self, index: Any) -> Any:
            if isinstance(index, slice) and index.start:
                raise OSError("disk full")
            return super().__getitem__(index)

    monkeypatch.setattr(ctdc_export_module, "CHUNK", 10)
    monkeypatch.setattr(ctdc_export_module, "ctdc_lines", lambda frame: Exploding(real_lines(frame)))
    with pytest.raises(OSError, match="disk full"):
        ctdc_export(Scope(country="BR"), k=2, output=output)
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action="stats.export.ctdc").exists()


@pytest.mark.django_db
def test_the_command_writes_the_file_and_its_report(tmp_path: Path) -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create([victim(organization) for _ in range(12)])
    output = tmp_path / "br.csv"
    call_command("export", "ctdc", "--k", "11", "--output", str(output), "--country", "BR")
    assert len(read_csv(output)) == 12
    report = json.loads(Path(f"{output}.report.json").read_text())
    assert report["records_kept"] == 12 and report["k"] == 11


@pytest.mark.django_db
def test_the_command_refuses_k_one(tmp_path: Path) -> None:
    make_organization("BR")
    with pytest.raises(CommandError, match="at least 2"):
        call_command("export", "ctdc", "--k", "1", "--output", str(tmp_path / "x.csv"), "--country", "BR")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_the_command_dispatches_glotip_and_htcds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The two other formats' subcommands reach their exports (their own tests check the contents)."""
    make_organization("BR")
    glotip = tmp_path / "glotip.csv"
    call_command("export", "glotip", "--year", "2023", "--output", str(glotip), "--country", "BR")
    assert glotip.exists() and glotip.read_text(encoding="utf-8-sig").count("\n") > 1
    password = tmp_path / "password.txt"
    password.write_text("a long enough archive password\n", encoding="utf-8")
    archive = tmp_path / "htcds.zip"
    call_command("export", "htcds", "--output", str(archive), "--country", "BR", "--password-file", str(password))
    assert archive.read_bytes()[:4] == b"PK\x03\x04"
    assert "(0 cases" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action__in=["stats.export.glotip", "stats.export.htcds"]).count() == 2
