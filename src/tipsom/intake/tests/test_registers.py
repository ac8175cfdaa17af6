"""The import of legacy registers (issue 14, item 6): the mapping, the row errors (row, column, reason), the modes,
dry runs, the failed rows' file, duplicates across imports, and what reaches the database (done when 4)."""

from __future__ import annotations

import csv
import io
import secrets
from typing import Any

import pytest
from openpyxl import load_workbook

from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case, Screening
from tipsom.core.context import action_context
from tipsom.core.errors import ApplicationError
from tipsom.core.testing import database_bytes
from tipsom.intake import jobs
from tipsom.intake.models import ImportFileChunk, ImportJob, ImportRow
from tipsom.intake.registers import propose_mapping
from tipsom.intake.tests.registers_data import (
    HEADERS,
    MAPPING,
    importer,
    person_name,
    register_csv,
    register_source,
    spread_bad,
)
from tipsom.people.models import Person, PersonName

pytestmark = pytest.mark.django_db


def run(user: Any, data: bytes, source: Any, **options: Any) -> ImportJob:
    """Create, start and run an import in the foreground, as `tipsom intake import` does."""
    batch_rows = options.pop("batch_rows", 200)
    with action_context(channel="command"):
        job = jobs.job_create(
            actor=user,
            organization=user.organization,
            kind=ImportJob.Kind.REGISTER,
            stream=data,
            file_name=options.pop("file_name", "register.csv"),
            source=source,
            **options,
        )
        job = jobs.job_start(actor=user, job_id=job.pk, background=False)
        return jobs.job_run(job.pk, run_id=job.task_id, batch_rows=batch_rows)


def failed_file_rows(user: Any, job: ImportJob) -> list[dict[str, str]]:
    found = jobs.failed_rows_export(actor=user, job_id=job.pk)
    text = b"".join(found.chunks).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_mapping_is_proposed_from_portuguese_headings():
    assert propose_mapping(HEADERS) == MAPPING
    english = ["Full name", "Sex", "Date of birth", "Nationality", "Case type", "Identification date", "Exploitation"]
    assert propose_mapping(english) == dict(zip(MAPPING, english, strict=True))


def test_ten_thousand_rows_with_37_bad_ones(organization):
    """Done when 4: the good rows are imported, and the error file lists exactly the 37 bad ones."""
    user = importer(organization)
    bad = spread_bad(10_000, 37)
    job = run(user, register_csv(10_000, bad), register_source(user), batch_rows=500)
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.counts["imported"] == 9_963 and job.counts["failed"] == 37 and job.counts["skipped"] == 0
    assert Case.objects.filter(owner_organization=organization).count() == 9_963
    assert ImportRow.objects.filter(job=job).count() == 10_000
    failed = failed_file_rows(user, job)
    assert sorted(int(row["row"]) for row in failed) == sorted(index + 2 for index in bad)
    assert list(failed[0])[: len(HEADERS)] == HEADERS and list(failed[0])[-2:] == ["row", "errors"]
    # Each error names the column and the reason.
    by_row = {int(row["row"]): row["errors"] for row in failed}
    first_unknown, first_future, first_control = (index + 2 for index in sorted(bad)[:3])
    assert by_row[first_unknown].startswith("Nacionalidade: “XX”: Unknown code for Citizenships.")
    assert by_row[first_future] == "Data de identificação: This date is in the future."
    assert by_row[first_control] == "Nome: Contains direction-changing control characters."
    # Every imported case went through the case services' rules: its screening-free case, its person, its keys.
    case = Case.objects.filter(owner_organization=organization).select_related("person").order_by("pk").first()
    assert case is not None and case.case_type == "tip" and case.person.citizenships == ["BR"]
    assert case.person.gender == "Masculine" and case.person.birth_date == "1970-01-01"
    assert case.exploitation_types == ["ForcedLabour", "SexualExploitation"]


def test_row_errors_name_row_column_value_and_accepted_codes(organization):
    user = importer(organization)
    data = register_csv(3).replace(b"Masculino", b"Hombre?")
    job = run(user, data, register_source(user))
    line = ImportRow.objects.get(job=job, row_number=2)
    assert line.status == ImportRow.Status.FAILED
    [error] = line.errors
    assert error["column"] == "Sexo" and error["code"] == "unknown_code"
    assert "Hombre?" not in str(line.errors)  # the value is sealed in the database...
    text = jobs.error_text(error)
    assert text.startswith("“Hombre?”: Unknown code for Gender. Accepted codes: Feminine, Masculine")  # ...not here
    assert error["accepted"][:2] == ["Feminine", "Masculine"]


def test_all_or_nothing_imports_nothing_when_a_row_fails(organization):
    user = importer(organization)
    job = run(user, register_csv(50, {10: "future_date"}), register_source(user), mode=ImportJob.Mode.ALL_OR_NOTHING)
    assert job.status == ImportJob.Status.FAILED and "1 rows have errors" in job.error
    assert Case.objects.filter(owner_organization=organization).count() == 0
    assert list(ImportRow.objects.filter(job=job).values_list("row_number", "status")) == [(12, "failed")]
    again = run(user, register_csv(50), register_source(user, "Second"), mode=ImportJob.Mode.ALL_OR_NOTHING)
    assert again.status == ImportJob.Status.DONE and again.counts["imported"] == 50


def test_a_dry_run_creates_nothing_then_runs_for_real(organization):
    user = importer(organization)
    cases_before, audit_before = Case.objects.count(), AuditEvent.objects.count()
    dry = run(user, register_csv(20, {4: "unknown_code"}), register_source(user), dry_run=True)
    assert dry.status == ImportJob.Status.DONE
    assert dry.counts["valid"] == 19 and dry.counts["failed"] == 1
    assert Case.objects.count() == cases_before and Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="case.create").exists() and AuditEvent.objects.count() > audit_before
    with action_context(channel="command"):
        real = jobs.job_copy_for_real(actor=user, job_id=dry.pk, background=False)
        real = jobs.job_run(real.pk, run_id=real.task_id)
    assert real.counts["imported"] == 19 and real.counts["failed"] == 1
    assert ImportFileChunk.objects.filter(job=real).count() == ImportFileChunk.objects.filter(job=dry).count()
    assert Case.objects.filter(owner_organization=organization).count() == 19


def test_the_same_register_rows_are_skipped_in_a_later_import(organization):
    user = importer(organization)
    source = register_source(user)
    first = run(user, register_csv(30), source)
    assert first.counts["imported"] == 30
    # The register again, with 5 more rows and its columns in another order: only the new rows are imported.
    rows = list(csv.reader(io.StringIO(register_csv(35).decode()), delimiter=";"))
    reordered = io.StringIO()
    csv.writer(reordered).writerows([list(reversed(row)) for row in rows])
    second = run(user, reordered.getvalue().encode(), source)
    assert second.counts["imported"] == 5 and second.counts["skipped"] == 30
    assert Case.objects.filter(owner_organization=organization).count() == 35


def test_screening_values_mappings_and_defaults(organization):
    user = importer(organization)
    data = (
        b"Nome,Data,Atos,Meios,Vulnerabilidades,Tipo\n"
        b"Zqaa Quaresma,2024-01-02,Recrutado;transported,Debt bondage,,\n"
        b"Zqab Rabelo,02/03/2024,,,pregnant,SOM\n"
        b"Zqac Sardinha,2024-01-02,,,pregnant,\n"
    )
    source = register_source(
        user,
        column_mapping={
            "name": "Nome",
            "identified_on": "Data",
            "acts": "Atos",
            "means": "Meios",
            "som_vulnerabilities": "Vulnerabilidades",
            "case_type": "Tipo",
        },
        value_mappings={"acts": {"Recrutado": "recruitment"}, "case_type": {"": "tip"}},
    )
    job = run(user, data, source)
    assert job.counts["imported"] == 2 and job.counts["failed"] == 1
    smuggled = Case.objects.get(case_type="som")
    assert str(smuggled.identified_on) == "2024-03-02"
    screening = Screening.objects.get(case__case_type="tip")
    assert screening.acts == ["recruitment", "transportation"] and screening.means == ["DebtBondage"]
    [line] = ImportRow.objects.filter(job=job, status="failed")
    assert line.row_number == 4
    assert line.errors[0]["column"] == "Vulnerabilidades"
    assert "only to a case of smuggling of migrants" in line.errors[0]["message"]


def test_a_formula_is_stored_as_text_and_escaped_in_the_failed_rows_files(organization):
    user = importer(organization)
    data = register_csv(4, {1: "formula", 2: "unknown_code"})
    data = data.replace(
        b'"=HYPERLINK(""http://evil.example"",""x"")";F', b'"=HYPERLINK(""http://evil.example"",""x"")";Nope'
    )
    job = run(user, data, register_source(user))
    [first, second] = failed_file_rows(user, job)
    assert first["Nome"] == '\'=HYPERLINK("http://evil.example","x")'
    found = jobs.failed_rows_export(actor=user, job_id=job.pk, file_format="xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(found.chunks))).active
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://evil.example","x")'
    assert AuditEvent.objects.filter(action="intake.failed_rows_export", object_id=str(job.pk)).count() == 2


def test_a_formula_in_a_name_is_imported_as_text(organization):
    user = importer(organization)
    job = run(user, register_csv(2, {0: "formula"}), register_source(user))
    assert job.counts["imported"] == 2
    name = PersonName.objects.filter(person__owner_organization=organization).order_by("pk").first()
    assert name is not None and name.name == '=HYPERLINK("http://evil.example","x")'


def test_a_mapping_that_misses_a_column_is_refused_before_any_row(organization):
    user = importer(organization)
    source = register_source(user, column_mapping={**MAPPING, "identified_on": "Identificado"})
    with action_context(channel="command"):
        job = jobs.job_create(
            actor=user,
            organization=organization,
            kind="register",
            stream=register_csv(2),
            file_name="r.csv",
            source=source,
        )
        with pytest.raises(ApplicationError) as refused:
            jobs.job_start(actor=user, job_id=job.pk, background=False)
    assert "“Identificado”" in refused.value.message and "Nome, Sexo" in refused.value.message


@pytest.mark.django_db(transaction=True)
def test_no_plaintext_name_in_the_database_after_an_import(organization, tmp_path):
    """Item 7: a raw scan of every table finds no name of the imported register (nor a part of one)."""
    user = importer(organization)
    job = run(user, register_csv(40, {5: "unknown_code", 6: "control"}), register_source(user), file_name="Zqaa.csv")
    assert job.counts["imported"] == 38
    raw = database_bytes(tmp_path)
    for index in range(40):
        name = person_name(index)
        for part in (name, name.split()[-1], name.encode("utf-16-le").decode("latin-1")):
            assert part.encode("utf-8") not in raw, part
    assert b"1970-01-01" not in raw  # birth dates are identifying too
    assert b"Zqaa.csv" not in raw  # the file's name


def test_a_workbook_is_imported_through_its_stored_chunks(organization, settings):
    """An XLSX is a zip read by seeking: the engine reads it back from its encrypted chunks, here several."""
    from openpyxl import Workbook

    from tipsom.intake.tests.registers_data import register_rows

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Casos")
    sheet.append(HEADERS)
    for row in register_rows(2_500, {100: "future_date"}):
        # A big cell, hard to compress, in a column nobody maps: the workbook spans several chunks.
        sheet.append([*row, secrets.token_hex(1000)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    assert len(data) > 2 * jobs.CHUNK_BYTES
    user = importer(organization)
    job = run(user, data, register_source(user), file_name="abrigo.xlsx", sheet="Casos", batch_rows=1000)
    assert (job.file_format, jobs.job_sheet(job)) == ("xlsx", "Casos")
    assert job.counts["imported"] == 2_499 and job.counts["failed"] == 1
    assert ImportRow.objects.get(job=job, status="failed").row_number == 102


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_row_given_twice_in_one_file_is_imported_once(organization, dry_run):
    user = importer(organization)
    lines = register_csv(30).decode().splitlines()
    data = "\n".join([*lines, lines[3], lines[30], lines[30]]).encode() + b"\n"  # one row again later, one twice
    job = run(user, data, register_source(user), batch_rows=10, dry_run=dry_run)
    done = "valid" if dry_run else "imported"
    assert job.counts[done] == 30 and job.counts["skipped"] == 3
    skipped = ImportRow.objects.filter(job=job, status="skipped").values_list("row_number", flat=True)
    assert sorted(skipped) == [32, 33, 34]


def test_consent_columns_go_through_the_consent_rules(organization):
    from tipsom.cases.models import Consent

    user = importer(organization)
    data = (
        "Nome;Nascimento;Data;Tipo;Consentimento;Estatísticas;Dado por\n"
        "Zqaa Quaresma;1990;2024-01-02;tip;sim;não;\n"
        "Zqab Rabelo;2015;2024-01-02;tip;sim;;pessoa\n"
        "Zqac Sardinha;2016;2024-01-02;tip;talvez;;\n"
    ).encode()
    source = register_source(
        user,
        column_mapping={
            "name": "Nome",
            "birth_date": "Nascimento",
            "identified_on": "Data",
            "case_type": "Tipo",
            "consent_data_processing": "Consentimento",
            "consent_statistics": "Estatísticas",
            "consent_given_by": "Dado por",
        },
        value_mappings={"consent_given_by": {"pessoa": "person"}},
    )
    job = run(user, data, source)
    assert job.counts["imported"] == 1 and job.counts["failed"] == 2
    consents = Consent.objects.filter(case__owner_organization=organization).order_by("purpose")
    assert [(c.purpose, c.given, str(c.recorded_on), c.given_by) for c in consents] == [
        ("data_processing", True, "2024-01-02", "person"),
        ("statistics", False, "2024-01-02", "person"),
    ]
    child, unknown = (line.errors for line in ImportRow.objects.filter(job=job, status="failed").order_by("row_number"))
    assert child == [
        {
            "column": "Dado por",
            "code": "invalid",
            "message": "For a child, a guardian or parent gives or withdraws consent.",
        }
    ]
    assert unknown[0]["column"] == "Consentimento" and unknown[0]["code"] == "unknown_code"
    assert jobs.error_text(unknown[0]).startswith("“talvez”: Unknown code for Processing of personal data.")
