"""Grant screens and API as their users meet them: recording a grant with a generated schedule, the Release button
disabled with its reason, the report's submission and review, a disbursement beyond the released tranche refused
on the screen and through the API (nothing saved), the list's filters, OVERDUE flag and query count, a stale edit,
and the home widgets."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tipsom.accounts.testing import sign_in
from tipsom.audit.models import AuditEvent
from tipsom.programme.grant_widgets import grant_reports_due_widget, grant_reports_to_review_widget
from tipsom.programme.models import Grant, GrantTransaction
from tipsom.programme.models.choices import ReviewStatus, TransactionType
from tipsom.programme.services.grants import grant_report_submit, tranche_release
from tipsom.programme.testing import make_grant
from tipsom.programme.testing_grants import GrantPeople, make_grant_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> GrantPeople:
    return make_grant_people()


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def _release_first(people: GrantPeople) -> None:
    first = people.grant.tranches.get(number=1)
    tranche_release(actor=people.coordinator, tranche_id=first.pk, released_on=datetime.date(2019, 1, 5))


# --- the done-when check: a disbursement beyond the released tranche is refused ---------------------------------
def test_a_disbursement_beyond_the_released_tranche_is_refused_on_the_screen(people: GrantPeople) -> None:
    _release_first(people)  # 10,000 of 30,000 released
    url = reverse("programme:grant_transaction_create", args=[people.grant.pk])
    client = _client(people.officer)
    response = client.post(url, {"transaction_type": "3", "date": "2019-02-01", "amount": "10000.01"})
    assert response.status_code == 400
    assert "beyond the released tranches" in response.content.decode()
    assert not GrantTransaction.objects.exists()
    response = client.post(url, {"transaction_type": "3", "date": "2019-02-01", "amount": "10000"})
    assert response.status_code == 302
    assert GrantTransaction.objects.get().amount == Decimal("10000")


def test_a_disbursement_beyond_the_released_tranche_is_refused_through_the_api(people: GrantPeople) -> None:
    _release_first(people)
    url = reverse("api:programme-grant-transactions", args=[people.grant.pk])
    client = _client(people.officer)
    body = {"transaction_type": "3", "date": "2019-02-01", "amount": "10000.01"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "beyond the released tranches" in response.json()["extra"]["fields"]["amount"][0]
    assert not GrantTransaction.objects.exists()


def test_the_partner_cannot_disburse_through_the_api(people: GrantPeople) -> None:
    _release_first(people)
    url = reverse("api:programme-grant-transactions", args=[people.grant.pk])
    body = {"transaction_type": "3", "date": "2019-02-01", "amount": "10"}
    response = _client(people.partner).post(url, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "transaction_not_allowed"
    assert not GrantTransaction.objects.exists()


# --- recording a grant --------------------------------------------------------------------------------------------
def test_recording_a_grant_on_the_screen_generates_its_schedule(people: GrantPeople) -> None:
    data = {
        "title": "Legal aid",
        "grantee": people.ngo.pk,
        "amount": "10000",
        "currency": "EUR",
        "start_date": "2020-01-01",
        "end_date": "2020-12-31",
        "tranche_count": "4",
        "report_due_days": "30",
    }
    response = _client(people.officer).post(reverse("programme:grant_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = Grant.objects.get(title="Legal aid")
    assert [tranche.amount for tranche in grant.tranches.all()] == [Decimal("2500")] * 4
    assert [report.period_start.month for report in grant.reports.all()] == [1, 4, 7, 10]


def test_a_bad_grant_on_the_screen_says_why_and_saves_nothing(people: GrantPeople) -> None:
    data = {
        "title": "Legal aid",
        "grantee": people.ngo.pk,
        "amount": "10000",
        "currency": "ZZZ",
        "start_date": "2020-01-01",
        "end_date": "2020-12-31",
        "tranche_count": "4",
        "report_due_days": "30",
    }
    response = _client(people.officer).post(reverse("programme:grant_create"), data)
    assert response.status_code == 400
    assert "Unknown currency" in response.content.decode()
    assert not Grant.objects.filter(title="Legal aid").exists()


# --- the grant page -----------------------------------------------------------------------------------------------
def test_release_button_is_disabled_with_its_reason(people: GrantPeople) -> None:
    _release_first(people)
    page = _client(people.coordinator).get(reverse("programme:grant", args=[people.grant.pk])).content.decode()
    assert "Tranche 2 is released once report 1 is approved." in page
    assert page.count('class="btn btn-sm btn-primary" disabled') == 2  # tranches 2 and 3
    # Released anyway (a crafted request): refused, nothing changed.
    second = people.grant.tranches.get(number=2)
    response = _client(people.coordinator).post(reverse("programme:tranche_release", args=[second.pk]), {})
    assert response.status_code == 400
    second.refresh_from_db()
    assert second.released_on is None


def test_report_submitted_with_a_document_then_approved_on_the_screens(people: GrantPeople) -> None:
    report = people.grant.reports.get(number=1)
    document = SimpleUploadedFile("q1.pdf", b"%PDF-1.4 first quarter", content_type="application/pdf")
    response = _client(people.partner).post(
        reverse("programme:grant_report_submit", args=[report.pk]),
        {"narrative": "First quarter.", "document": document},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReviewStatus.SUBMITTED and report.has_document and report.document_name == "q1.pdf"
    page = _client(people.coordinator).get(reverse("programme:grant", args=[people.grant.pk])).content.decode()
    assert reverse("programme:grant_report_document", args=[report.pk]) in page
    # The coordinator downloads it: the decrypted bytes, the type read on upload, as an attachment; audited.
    response = _client(people.coordinator).get(reverse("programme:grant_report_document", args=[report.pk]))
    assert response.status_code == 200 and response.content == b"%PDF-1.4 first quarter"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="q1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="programme.grantreport.document", actor=people.coordinator).count() == 1
    response = _client(people.coordinator).post(reverse("programme:grant_report_approve", args=[report.pk]), {})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReviewStatus.APPROVED
    page = _client(people.coordinator).get(reverse("programme:grant", args=[people.grant.pk])).content.decode()
    assert "Tranche 2 is released once" not in page


def test_list_shows_money_overdue_and_only_the_partners_grants(people: GrantPeople) -> None:
    _release_first(people)
    other = make_grant(people.office, make_grant_people().ngo)
    other.reports.update(due_on=datetime.date(2099, 1, 1))
    page = _client(people.partner).get(reverse("programme:grants")).content.decode()
    assert people.grant.reference in page and other.reference not in page
    assert "OVERDUE" in page and "10,000.00" in page
    officer = _client(people.officer)
    overdue = officer.get(reverse("programme:grants"), {"overdue": "yes"}).content.decode()
    assert people.grant.reference in overdue and other.reference not in overdue
    assert officer.get(reverse("programme:grants"), {"year": "abc"}).status_code == 400


# --- widgets ------------------------------------------------------------------------------------------------------
def test_widgets_of_the_partner_and_the_coordinator(people: GrantPeople) -> None:
    due = grant_reports_due_widget(people.partner)
    assert due is not None and [row["report"].number for row in due["reports"]] == [1, 2, 3]
    assert all(row["overdue"] for row in due["reports"])
    assert grant_reports_due_widget(people.officer) is None
    assert grant_reports_to_review_widget(people.partner) is None
    review = grant_reports_to_review_widget(people.coordinator)
    assert review is not None and review["reports"] == []
    grant_report_submit(actor=people.partner, report_id=people.grant.reports.get(number=1).pk, narrative="Done.")
    review = grant_reports_to_review_widget(people.coordinator)
    assert review is not None and [report.number for report in review["reports"]] == [1]
    home = _client(people.partner).get(reverse("home")).content.decode()
    assert 'data-widget="programme_grant_reports_due"' in home


def test_transaction_type_choice_of_the_partner_is_expenditure(people: GrantPeople) -> None:
    page = _client(people.partner).get(reverse("programme:grant_transaction_create", args=[people.grant.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f'value="{TransactionType.EXPENDITURE.value}"' in text
    assert f'value="{TransactionType.DISBURSEMENT.value}"' not in text


def test_the_list_costs_the_same_queries_for_more_grants(people: GrantPeople) -> None:
    client = _client(people.officer)
    client.get(reverse("programme:grants"))  # warm up the session and the user's grants
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("programme:grants")).status_code == 200
    for _index in range(4):
        make_grant(people.office, people.ngo)
    with CaptureQueriesContext(connection) as more:
        assert client.get(reverse("programme:grants")).status_code == 200
    assert len(more) == len(few)


def test_a_stale_edit_is_refused_and_says_so(people: GrantPeople) -> None:
    url = reverse("programme:grant_edit", args=[people.grant.pk])
    data = {
        "title": "Changed",
        "grantee": people.ngo.pk,
        "amount": "30000",
        "currency": "USD",
        "start_date": "2019-01-01",
        "end_date": "2019-12-31",
        "version": "1",
    }
    client = _client(people.officer)
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "title": "Stale"})
    assert response.status_code == 409
    assert "Nothing was saved" in response.content.decode()
    people.grant.refresh_from_db()
    assert people.grant.title == "Changed" and people.grant.version == 2
