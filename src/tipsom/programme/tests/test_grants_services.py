"""Grants through the services: creating and changing a grant with its schedule, releasing tranches, the reports'
review, the transactions and their limits, who may do what, and that every refusal saves nothing."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.testing import database_bytes
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Grant, GrantReport, GrantTransaction, Tranche
from tipsom.programme.models.choices import ReviewStatus, TransactionType
from tipsom.programme.services.grants import (
    grant_create,
    grant_report_approve,
    grant_report_document_open,
    grant_report_return,
    grant_report_submit,
    grant_schedule,
    grant_update,
    tranche_release,
    transaction_record,
)
from tipsom.programme.testing_grants import GrantPeople, make_grant_people

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n%test report\n"


@pytest.fixture
def people() -> GrantPeople:
    return make_grant_people()


def _state() -> tuple[int, ...]:
    return (
        Grant.objects.count(),
        Tranche.objects.filter(released_on__isnull=False).count(),
        GrantReport.objects.exclude(status=ReviewStatus.DRAFT).count(),
        GrantTransaction.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(call: Any, **kwargs: Any) -> ApplicationError:
    """The call is refused and nothing is written."""
    before = _state()
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    assert _state() == before
    return caught.value


def _data(people: GrantPeople, **fields: Any) -> dict[str, Any]:
    return {
        "title": "Shelter and legal aid",
        "purpose": "Direct assistance to victims",
        "grantee": people.ngo.pk,
        "currency": "usd",
        "amount": "12000",
        "start_date": "2020-01-01",
        "end_date": "2020-12-31",
        **fields,
    }


def _schedule(count: int = 3) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return grant_schedule(start=D(2020, 1, 1), end=D(2020, 12, 31), amount=Decimal("12000"), tranches=count)


def _create(people: GrantPeople, **fields: Any) -> Grant:
    tranches, reports = _schedule()
    return grant_create(
        actor=people.officer,
        organization=people.office,
        data=_data(people, **fields),
        tranches=tranches,
        reports=reports,
    )


def _release_first(people: GrantPeople) -> Tranche:
    first = people.grant.tranches.get(number=1)
    return tranche_release(actor=people.coordinator, tranche_id=first.pk, released_on=D(2019, 1, 10))


def _disburse(people: GrantPeople, amount: str, **kwargs: Any) -> GrantTransaction:
    return transaction_record(
        actor=people.officer,
        grant_id=people.grant.pk,
        transaction_type=TransactionType.DISBURSEMENT,
        date=D(2019, 2, 1),
        amount=Decimal(amount),
        **kwargs,
    )


# --- creating and changing ----------------------------------------------------------------------------------------
def test_create_writes_the_grant_its_schedule_and_the_audit(people: GrantPeople) -> None:
    grant = _create(people)
    assert grant.reference == "BR-GR-2020-0001"
    assert grant.currency == "USD" and grant.amount == Decimal("12000.00") and grant.country == "BR"
    assert [t.amount for t in grant.tranches.all()] == [Decimal("4000.00")] * 3
    assert grant.reports.count() == 3
    assert grant.reports.get(number=1).due_on == grant.reports.get(number=1).period_end + datetime.timedelta(days=30)
    assert AuditEvent.objects.filter(action="programme.grant.create", object_id=str(grant.pk)).exists()
    assert _create(people).reference == "BR-GR-2020-0002"


def test_schedule_gives_the_cents_left_to_the_last_tranche() -> None:
    tranches, reports = grant_schedule(start=D(2020, 1, 1), end=D(2020, 12, 31), amount=Decimal("100"), tranches=3)
    assert [row["amount"] for row in tranches] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert reports[-1]["period_end"] == D(2020, 12, 31) and reports[0]["period_start"] == D(2020, 1, 1)


@pytest.mark.parametrize(
    ("fields", "tranches", "field"),
    [
        ({"amount": "0"}, None, "amount"),
        ({"amount": "-5"}, None, "amount"),
        ({"amount": "ten"}, None, "amount"),
        ({"end_date": "2019-12-31"}, None, "end_date"),
        ({"currency": "XXY"}, None, "currency"),
        ({"title": ""}, None, "title"),
        (
            {},
            [{"amount": "4000", "planned_on": "2020-01-01"}, {"amount": "4000", "planned_on": "2020-05-01"}],
            "tranches",
        ),
        ({}, [{"amount": "12000", "planned_on": "2021-03-01"}], "tranches.0.planned_on"),
        ({}, [{"amount": "12000.001", "planned_on": "2020-03-01"}], "tranches.0.amount"),
        (
            {},
            [{"amount": "0", "planned_on": "2020-03-01"}, {"amount": "12000", "planned_on": "2020-04-01"}],
            "tranches.0.amount",
        ),
        (
            {},
            [
                {"number": 1, "amount": "6000", "planned_on": "2020-01-01"},
                {"number": 3, "amount": "6000", "planned_on": "2020-07-01"},
            ],
            "tranches",
        ),
        ({}, [], "tranches"),
    ],
)
def test_bad_grant_is_refused_and_nothing_saved(
    people: GrantPeople, fields: dict[str, Any], tranches: list[dict[str, Any]] | None, field: str
) -> None:
    default_tranches, reports = _schedule()
    error = _refused(
        grant_create,
        actor=people.officer,
        organization=people.office,
        data=_data(people, **fields),
        tranches=default_tranches if tranches is None else tranches,
        reports=reports,
    )
    assert error.code == "invalid"
    assert field in error.extra["fields"], error.extra


def test_a_report_period_ending_before_it_starts_is_refused(people: GrantPeople) -> None:
    tranches, reports = _schedule()
    reports[1] = {**reports[1], "period_start": D(2020, 8, 1), "period_end": D(2020, 7, 1)}
    error = _refused(
        grant_create,
        actor=people.officer,
        organization=people.office,
        data=_data(people),
        tranches=tranches,
        reports=reports,
    )
    assert error.extra["fields"]["reports.1.period_end"] == "The reporting period ends before it starts."


def test_a_tranche_or_report_naming_an_unknown_field_is_refused(people: GrantPeople) -> None:
    tranches, reports = _schedule()
    tranches[0] = {**tranches[0], "colour": "red"}
    reports[1] = {**reports[1], "pages": 3, "author": "x"}
    error = _refused(
        grant_create,
        actor=people.officer,
        organization=people.office,
        data=_data(people),
        tranches=tranches,
        reports=reports,
    )
    assert error.extra["fields"]["tranches.0"] == "Unknown fields: colour."
    assert error.extra["fields"]["reports.1"] == "Unknown fields: author, pages."


def test_a_report_is_needed_for_every_tranche_but_the_last(people: GrantPeople) -> None:
    tranches, reports = _schedule()
    error = _refused(
        grant_create,
        actor=people.officer,
        organization=people.office,
        data=_data(people),
        tranches=tranches,
        reports=reports[:1],
    )
    assert "reports" in error.extra["fields"]


def test_the_grantee_must_be_civil_society_of_the_country(people: GrantPeople) -> None:
    police = make_organization("BR", type="LawEnforcement")
    abroad = make_organization("CO", type="NGO")
    for grantee in (police, abroad):
        tranches, reports = _schedule()
        error = _refused(
            grant_create,
            actor=people.officer,
            organization=people.office,
            data=_data(people, grantee=grantee.pk),
            tranches=tranches,
            reports=reports,
        )
        assert "grantee" in error.extra["fields"]


def test_only_the_officer_creates_grants(people: GrantPeople) -> None:
    tranches, reports = _schedule()
    for actor in (people.partner, people.coordinator, make_user(people.office, roles=("programme_manager",))):
        with pytest.raises(NotFound):
            grant_create(
                actor=actor, organization=people.office, data=_data(people), tranches=tranches, reports=reports
            )
    assert not Grant.objects.filter(title="Shelter and legal aid").exists()


def test_update_checks_the_version_and_keeps_the_tranches_true(people: GrantPeople) -> None:
    grant = _create(people)
    grant = grant_update(actor=people.officer, grant_id=grant.pk, version=1, data={"title": "New title"})
    assert grant.title == "New title" and grant.version == 2
    assert AuditEvent.objects.filter(action="programme.grant.update", object_id=str(grant.pk)).exists()
    error = _refused(grant_update, actor=people.officer, grant_id=grant.pk, version=1, data={"title": "Stale"})
    assert isinstance(error, Conflict)
    error = _refused(grant_update, actor=people.officer, grant_id=grant.pk, version=2, data={"amount": "15000"})
    assert "amount" in error.extra["fields"]
    tranches, reports = grant_schedule(start=D(2020, 1, 1), end=D(2020, 12, 31), amount=Decimal("15000"), tranches=2)
    grant = grant_update(
        actor=people.officer,
        grant_id=grant.pk,
        version=2,
        data={"amount": "15000", "tranches": tranches, "reports": reports},
    )
    assert grant.amount == Decimal("15000") and grant.tranches.count() == 2 and grant.reports.count() == 2


def test_schedule_cannot_be_replaced_once_money_moved(people: GrantPeople) -> None:
    _release_first(people)
    tranches, reports = grant_schedule(start=D(2019, 1, 1), end=D(2019, 12, 31), amount=Decimal("30000"), tranches=2)
    error = _refused(
        grant_update,
        actor=people.officer,
        grant_id=people.grant.pk,
        version=None,
        data={"tranches": tranches, "reports": reports},
    )
    assert error.code == "grant_started"


# --- tranches and reports -----------------------------------------------------------------------------------------
def test_tranche_two_waits_for_report_one_then_is_released_once(people: GrantPeople) -> None:
    first = _release_first(people)
    assert first.released_on == D(2019, 1, 10) and first.released_by == people.coordinator
    error = _refused(tranche_release, actor=people.coordinator, tranche_id=first.pk)
    assert error.code == "tranche_released"
    second = people.grant.tranches.get(number=2)
    error = _refused(tranche_release, actor=people.coordinator, tranche_id=second.pk, released_on=D(2019, 4, 10))
    assert error.code == "report_not_approved"
    assert "report 1 is approved" in error.message
    report = people.grant.reports.get(number=1)
    grant_report_submit(actor=people.partner, report_id=report.pk, narrative="We assisted 12 women.", document=PDF)
    error = _refused(tranche_release, actor=people.coordinator, tranche_id=second.pk, released_on=D(2019, 4, 10))
    assert error.code == "report_not_approved"
    grant_report_approve(actor=people.coordinator, report_id=report.pk)
    released = tranche_release(actor=people.coordinator, tranche_id=second.pk, released_on=D(2019, 4, 10))
    assert released.released_on == D(2019, 4, 10)
    assert AuditEvent.objects.filter(action="programme.tranche.release").count() == 2


def test_release_is_dated_within_the_grant_and_not_by_the_officer_or_partner(people: GrantPeople) -> None:
    first = people.grant.tranches.get(number=1)
    error = _refused(tranche_release, actor=people.coordinator, tranche_id=first.pk, released_on=D(2018, 12, 1))
    assert "released_on" in error.extra["fields"]
    manager = make_user(make_organization("CO"), roles=("programme_manager",))
    for actor in (people.officer, people.partner, manager):
        with pytest.raises(NotFound):
            tranche_release(actor=actor, tranche_id=first.pk)
    assert not Tranche.objects.filter(released_on__isnull=False).exists()


def test_report_review_rules(people: GrantPeople) -> None:
    report = people.grant.reports.get(number=1)
    error = _refused(grant_report_approve, actor=people.coordinator, report_id=report.pk)
    assert error.code == "report_not_submitted"
    error = _refused(grant_report_submit, actor=people.partner, report_id=report.pk, narrative="  ")
    assert "narrative" in error.extra["fields"]
    error = _refused(grant_report_submit, actor=people.partner, report_id=report.pk, narrative="x", document=b"MZ\x90")
    assert "document" in error.extra["fields"]
    grant_report_submit(actor=people.partner, report_id=report.pk, narrative="First quarter.", document=PDF)
    error = _refused(grant_report_submit, actor=people.partner, report_id=report.pk, narrative="again")
    assert error.code == "report_not_open"
    error = _refused(grant_report_return, actor=people.coordinator, report_id=report.pk, comment="")
    assert "comment" in error.extra["fields"]
    returned = grant_report_return(actor=people.coordinator, report_id=report.pk, comment="Add the numbers.")
    assert returned.status == ReviewStatus.RETURNED and returned.review_comment == "Add the numbers."
    grant_report_submit(actor=people.partner, report_id=report.pk, narrative="First quarter, with numbers.")
    approved = grant_report_approve(actor=people.coordinator, report_id=report.pk, comment="Thank you.")
    assert approved.status == ReviewStatus.APPROVED and approved.reviewed_by == people.coordinator
    # The document of the first submission is kept by the second, made without one.
    assert approved.document_name == "report.pdf" and approved.document_type == "application/pdf"
    assert approved.document_size == len(PDF) and approved.document_sha256 == hashlib.sha256(PDF).hexdigest()
    error = _refused(grant_report_approve, actor=people.coordinator, report_id=report.pk)
    assert error.code == "report_approved"
    actions = list(
        AuditEvent.objects.filter(object_id=str(report.pk), action__startswith="programme.grantreport").order_by("pk")
    )
    assert [event.action for event in actions] == [
        "programme.grantreport.submit",
        "programme.grantreport.return",
        "programme.grantreport.submit",
        "programme.grantreport.approve",
    ]


def test_partner_submits_only_its_own_reports_and_never_approves(people: GrantPeople) -> None:
    other = make_grant_people()
    report = other.grant.reports.get(number=1)
    with pytest.raises(NotFound):
        grant_report_submit(actor=people.partner, report_id=report.pk, narrative="Not mine.")
    mine = people.grant.reports.get(number=1)
    grant_report_submit(actor=people.partner, report_id=mine.pk, narrative="Mine.")
    with pytest.raises(NotFound):
        grant_report_approve(actor=people.partner, report_id=mine.pk)
    assert GrantReport.objects.get(pk=mine.pk).status == ReviewStatus.SUBMITTED


# --- transactions -------------------------------------------------------------------------------------------------
def test_a_disbursement_beyond_the_released_tranche_is_refused(people: GrantPeople) -> None:
    error = _refused(_disburse, people=people, amount="100")
    assert "beyond the released tranches" in error.extra["fields"]["amount"]
    _release_first(people)
    _disburse(people, "6000")
    error = _refused(_disburse, people=people, amount="4000.01")
    assert "beyond the released tranches" in error.extra["fields"]["amount"]
    _disburse(people, "4000")
    assert AuditEvent.objects.filter(action="programme.transaction.create").count() == 2


def test_a_disbursement_on_a_tranche_stays_within_it(people: GrantPeople) -> None:
    first = _release_first(people)
    second = people.grant.tranches.get(number=2)
    error = _refused(_disburse, people=people, amount="10", tranche_id=second.pk)
    assert "not released" in error.extra["fields"]["tranche"]
    _disburse(people, "9000", tranche_id=first.pk)
    report = people.grant.reports.get(number=1)
    grant_report_submit(actor=people.partner, report_id=report.pk, narrative="Done.")
    grant_report_approve(actor=people.coordinator, report_id=report.pk)
    tranche_release(actor=people.coordinator, tranche_id=second.pk, released_on=D(2019, 4, 1))
    error = _refused(_disburse, people=people, amount="1000.01", tranche_id=first.pk)
    assert "tranche 1" in error.extra["fields"]["amount"]


def test_expenditure_stays_within_what_was_disbursed(people: GrantPeople) -> None:
    _release_first(people)
    _disburse(people, "5000")
    spend: dict[str, Any] = {
        "grant_id": people.grant.pk,
        "transaction_type": TransactionType.EXPENDITURE,
        "date": D(2019, 3, 1),
    }
    transaction_record(actor=people.partner, amount=Decimal("4000"), **spend)
    error = _refused(transaction_record, actor=people.partner, amount=Decimal("1000.01"), **spend)
    assert "beyond the" in error.extra["fields"]["amount"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-1")}, "amount"),
        ({"date": D(2020, 1, 1)}, "date"),
        ({"date": D(2018, 12, 31)}, "date"),
        ({"date": D(2099, 1, 1)}, "date"),
        ({"transaction_type": "9"}, "transaction_type"),
    ],
)
def test_bad_transactions_are_refused(people: GrantPeople, fields: dict[str, Any], field: str) -> None:
    _release_first(people)
    values = {
        "actor": people.officer,
        "grant_id": people.grant.pk,
        "transaction_type": TransactionType.DISBURSEMENT,
        "date": D(2019, 2, 1),
        "amount": Decimal("10"),
        **fields,
    }
    error = _refused(transaction_record, **values)
    assert field in error.extra["fields"]


def test_commitments_add_up_to_the_grant_at_most(people: GrantPeople) -> None:
    commit: dict[str, Any] = {
        "actor": people.officer,
        "grant_id": people.grant.pk,
        "transaction_type": TransactionType.COMMITMENT,
    }
    transaction_record(date=D(2019, 1, 1), amount=Decimal("30000"), **commit)
    error = _refused(transaction_record, date=D(2019, 1, 2), amount=Decimal("1"), **commit)
    assert "beyond the grant" in error.extra["fields"]["amount"]


def test_the_partner_records_no_disbursement_and_only_for_its_own_grant(people: GrantPeople) -> None:
    _release_first(people)
    error = _refused(
        transaction_record,
        actor=people.partner,
        grant_id=people.grant.pk,
        transaction_type=TransactionType.DISBURSEMENT,
        date=D(2019, 2, 1),
        amount=Decimal("10"),
    )
    assert error.code == "transaction_not_allowed"
    other = make_grant_people()
    with pytest.raises(NotFound):
        transaction_record(
            actor=people.partner,
            grant_id=other.grant.pk,
            transaction_type=TransactionType.EXPENDITURE,
            date=D(2019, 2, 1),
            amount=Decimal("10"),
        )
    assert not GrantTransaction.objects.exists()


# --- the report's document, encrypted at rest ---------------------------------------------------------------------
SECRET_NAME = "relatorio-Wanderleia-Quispecondori.pdf"
SECRET_TEXT = b"Atendida Zebulonia Esperancinha, abrigo da rua Clotildes 17"


@pytest.mark.django_db(transaction=True)  # the raw scan copies SQLite's pages: none may be held by a transaction
def test_report_document_is_encrypted_at_rest_and_opened_decrypted_with_an_audit(
    people: GrantPeople, tmp_path: Any
) -> None:
    content = b"%PDF-1.4\n" + SECRET_TEXT + b"\n%%EOF\n"
    report = people.grant.reports.get(number=1)
    upload = SimpleUploadedFile(SECRET_NAME, content, content_type="text/plain")  # the type sent is not believed
    grant_report_submit(actor=people.partner, report_id=report.pk, narrative="First quarter.", document=upload)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document_name, document_type, document_size, document_content FROM programme_grantreport"
            " WHERE id = %s",
            [report.pk],
        )
        name, content_type, size, stored = cursor.fetchone()
    assert content_type == "application/pdf" and size == len(content)
    for column in (name, stored):
        assert column.startswith("enc1:")
        assert "Wanderleia" not in column and "Zebulonia" not in column
        assert base64.b64encode(content).decode("ascii") not in column
    raw = database_bytes(tmp_path)
    assert people.grant.reference.encode() in raw, "the scan must see plain columns, or it proves nothing"
    for secret in (SECRET_TEXT, b"Zebulonia", b"Wanderleia", base64.b64encode(content)[:24]):
        assert secret not in raw, secret

    opened, data = grant_report_document_open(actor=people.coordinator, report_id=report.pk)
    assert data == content and opened.document_name == "relatorio-Wanderleia-Quispecondori.pdf"
    assert opened.document_sha256 == hashlib.sha256(content).hexdigest()
    event = AuditEvent.objects.get(action="programme.grantreport.document")
    assert event.actor == people.coordinator and event.object_id == str(report.pk)


def test_report_document_is_opened_only_when_there_is_one_and_to_who_sees_the_report(people: GrantPeople) -> None:
    report = people.grant.reports.get(number=1)
    with pytest.raises(NotFound):
        grant_report_document_open(actor=people.coordinator, report_id=report.pk)
    grant_report_submit(actor=people.partner, report_id=report.pk, narrative="First quarter.", document=PDF)
    stranger = make_user(make_organization("CO"), roles=("me_officer",))
    with pytest.raises(NotFound):
        grant_report_document_open(actor=stranger, report_id=report.pk)
    assert not AuditEvent.objects.filter(action="programme.grantreport.document").exists()


def _office_file(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (_office_file("word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (_office_file("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 16, "image/png"),
    ],
)
def test_report_document_type_is_read_from_its_bytes(people: GrantPeople, content: bytes, kind: str) -> None:
    report = people.grant.reports.get(number=1)
    upload = SimpleUploadedFile("report.pdf", content)
    submitted = grant_report_submit(actor=people.partner, report_id=report.pk, narrative="Q1.", document=upload)
    assert submitted.document_type == kind
    assert submitted.document_name.rsplit(".", 1)[-1] in ("docx", "xlsx", "png")


def test_report_document_refused_when_too_big_or_of_another_type(people: GrantPeople, settings: Any) -> None:
    report = people.grant.reports.get(number=1)
    settings.TIPSOM_ATTACHMENT_MAX_BYTES = 64
    for document in (PDF + b"0" * 64, _office_file("other.xml"), b"<html><script>", "not a file"):
        error = _refused(
            grant_report_submit, actor=people.partner, report_id=report.pk, narrative="Q1.", document=document
        )
        assert set(error.extra["fields"]) == {"document"}
    report.refresh_from_db()
    assert report.status == ReviewStatus.DRAFT and not report.has_document and report.document_content == ""
