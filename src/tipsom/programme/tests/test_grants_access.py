"""Who may reach each grant screen and endpoint: anonymous, a role without programme rights, a user of another
country (or, for the grantee's own pages, another organization of the country) and the permitted role. Plus: the
programme manager reads every country's grants but releases nothing."""

from __future__ import annotations

import base64
import datetime
import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Grant, GrantReport, GrantTransaction, Tranche
from tipsom.programme.models.choices import ReviewStatus, TransactionType
from tipsom.programme.testing import make_grant

pytestmark = pytest.mark.django_db


def _grant(organization: Organization) -> Grant:
    """A grant managed by `organization` to an NGO of its country."""
    return make_grant(organization, make_organization(organization.country, type="NGO", name="Grantee NGO"))


def _grant_to(organization: Organization) -> Grant:
    """A grant to `organization` (the grantee) managed by the coordination of its country."""
    office = make_organization(organization.country, type="CentralGovernmentOrganisation", name="Coordination")
    return make_grant(office, organization)


def _released(grant: Grant) -> Grant:
    Tranche.objects.filter(grant=grant, number=1).update(released_on=datetime.date(2019, 1, 5))
    return grant


def _submitted(grant: Grant) -> GrantReport:
    report = grant.reports.get(number=1)
    report.status = ReviewStatus.SUBMITTED
    report.narrative = "Done."
    report.save()
    return report


class OfficerCase(AccessCase):
    permitted_role = "me_officer"
    unpermitted_role = "frontline_identifier"
    scope = "national"


class CoordinatorCase(AccessCase):
    permitted_role = "national_coordinator"
    unpermitted_role = "frontline_identifier"
    scope = "national"


class PartnerCase(AccessCase):
    permitted_role = "implementing_partner"
    unpermitted_role = "frontline_identifier"
    scope = "organization"


# --- screens ------------------------------------------------------------------------------------------------------
class TestGrantList(OfficerCase):
    url_name = "programme:grants"
    model = Grant

    def make_object(self, organization: Organization) -> None:
        _grant(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"Grantee NGO" in response.content


class TestGrantListPartner(PartnerCase):
    url_name = "programme:grants"

    def make_object(self, organization: Organization) -> None:
        _grant_to(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"OVERDUE" in response.content


class TestGrantCreate(OfficerCase):
    url_name = "programme:grant_create"


class TestGrantPage(OfficerCase):
    url_name = "programme:grant"

    def make_object(self, organization: Organization) -> Grant:
        return _grant(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert obj.reference.encode() in response.content


class TestGrantPagePartner(PartnerCase):
    url_name = "programme:grant"

    def make_object(self, organization: Organization) -> Grant:
        return _grant_to(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestGrantEdit(OfficerCase):
    url_name = "programme:grant_edit"

    def make_object(self, organization: Organization) -> Grant:
        return _grant(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestTransactionCreate(PartnerCase):
    url_name = "programme:grant_transaction_create"
    model = GrantTransaction

    def make_object(self, organization: Organization) -> Grant:
        return _grant_to(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestTrancheRelease(CoordinatorCase):
    url_name = "programme:tranche_release"
    method = "post"
    permitted_status = 302
    model = Tranche

    def make_object(self, organization: Organization) -> Tranche:
        return _grant(organization).tranches.get(number=1)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"released_on": "2019-01-10"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Tranche.objects.get(pk=obj.pk).released_on == datetime.date(2019, 1, 10)


class TestReportSubmit(PartnerCase):
    url_name = "programme:grant_report_submit"
    model = GrantReport

    def make_object(self, organization: Organization) -> GrantReport:
        return _grant_to(organization).reports.get(number=1)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestReportApprove(CoordinatorCase):
    url_name = "programme:grant_report_approve"
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> GrantReport:
        return _submitted(_grant(organization))

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert GrantReport.objects.get(pk=obj.pk).status == ReviewStatus.APPROVED


class TestReportReturn(CoordinatorCase):
    url_name = "programme:grant_report_return"
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> GrantReport:
        return _submitted(_grant(organization))

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"comment": "Add the numbers."}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert GrantReport.objects.get(pk=obj.pk).status == ReviewStatus.RETURNED


class TestReportDocument(OfficerCase):
    url_name = "programme:grant_report_document"

    def make_object(self, organization: Organization) -> GrantReport:
        report = _submitted(_grant(organization))
        content = b"%PDF-1.4 test"
        report.document_name = "report.pdf"
        report.document_type = "application/pdf"
        report.document_size = len(content)
        report.document_sha256 = hashlib.sha256(content).hexdigest()
        report.document_content = base64.b64encode(content).decode("ascii")
        report.save()
        return report

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.content == b"%PDF-1.4 test" and response["Content-Type"] == "application/pdf"


# --- API ----------------------------------------------------------------------------------------------------------
class TestApiGrantList(OfficerCase):
    url_name = "api:programme-grants"

    def make_object(self, organization: Organization) -> None:
        _grant(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        assert len(rows) == 1 and rows[0]["grantee_name"] == "Grantee NGO" and rows[0]["overdue_reports"] == 3


class TestApiGrantCreate(OfficerCase):
    url_name = "api:programme-grants"
    method = "post"
    permitted_status = 201
    scope = "organization"  # the other officer of the country records a grant of its own organization

    def payload(self, obj: Any) -> dict[str, Any]:
        ngo = make_organization("BR", type="NGO", name="Grantee NGO")
        return {
            "title": "Shelter",
            "grantee": ngo.pk,
            "currency": "USD",
            "amount": "1000",
            "start_date": "2020-01-01",
            "end_date": "2020-12-31",
            "tranches": [{"amount": "600", "planned_on": "2020-01-01"}, {"amount": "400", "planned_on": "2020-07-01"}],
            "reports": [{"period_start": "2020-01-01", "period_end": "2020-06-30", "due_on": "2020-07-31"}],
        }

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert [tranche["amount"] for tranche in body["tranches"]] == ["600.00", "400.00"]
        assert len(body["reports"]) == 1


class TestApiGrant(OfficerCase):
    url_name = "api:programme-grant"

    def make_object(self, organization: Organization) -> Grant:
        return _grant(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestApiGrantPartner(PartnerCase):
    url_name = "api:programme-grant"

    def make_object(self, organization: Organization) -> Grant:
        return _grant_to(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestApiGrantPatch(OfficerCase):
    url_name = "api:programme-grant"
    method = "patch"

    def make_object(self, organization: Organization) -> Grant:
        return _grant(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": 1, "title": "Changed"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["title"] == "Changed" and response.json()["version"] == 2


class TestApiTransactions(PartnerCase):
    url_name = "api:programme-grant-transactions"

    def make_object(self, organization: Organization) -> Grant:
        grant = _released(_grant_to(organization))
        GrantTransaction.objects.create(
            grant=grant, transaction_type=TransactionType.DISBURSEMENT, date=datetime.date(2019, 2, 1), amount=500
        )
        return grant

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()[0]["disbursed"] == "500.00"


class TestApiTransactionRecord(OfficerCase):
    url_name = "api:programme-grant-transactions"
    method = "post"
    permitted_status = 201

    def make_object(self, organization: Organization) -> Grant:
        return _released(_grant(organization))

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"transaction_type": "3", "date": "2019-02-01", "amount": "2500"}


class TestApiTrancheRelease(CoordinatorCase):
    url_name = "api:programme-tranche-release"
    method = "post"

    def make_object(self, organization: Organization) -> Tranche:
        return _grant(organization).tranches.get(number=1)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"released_on": "2019-01-10"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["released_on"] == "2019-01-10"


class TestApiReportSubmit(PartnerCase):
    url_name = "api:programme-grant-report-submit"
    method = "post"

    def make_object(self, organization: Organization) -> GrantReport:
        return _grant_to(organization).reports.get(number=1)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"narrative": "We assisted 12 women.", "document": "JVBERi0xLjQKdGVzdA=="}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["status"] == "submitted" and response.json()["has_document"] is True


class TestApiReportApprove(CoordinatorCase):
    url_name = "api:programme-grant-report-approve"
    method = "post"

    def make_object(self, organization: Organization) -> GrantReport:
        return _submitted(_grant(organization))

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["status"] == "approved"


class TestApiReportReturn(CoordinatorCase):
    url_name = "api:programme-grant-report-return"
    method = "post"

    def make_object(self, organization: Organization) -> GrantReport:
        return _submitted(_grant(organization))

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"comment": "Add the numbers."}


# --- the programme manager ----------------------------------------------------------------------------------------
def test_programme_manager_reads_every_country_but_releases_nothing() -> None:
    grant = _grant(make_organization("BR"))
    manager = make_user(make_organization("CO"), roles=("programme_manager",))
    client = sign_in(Client(), manager)
    assert grant.reference.encode() in client.get(reverse("programme:grants")).content
    page = client.get(reverse("programme:grant", args=[grant.pk]))
    assert page.status_code == 200
    assert b"tranche-release" not in page.content
    tranche = grant.tranches.get(number=1)
    assert client.post(reverse("programme:tranche_release", args=[tranche.pk])).status_code == 404
    answer = client.post(
        reverse("api:programme-tranche-release", args=[tranche.pk]), {}, content_type="application/json"
    )
    assert answer.status_code == 404
    assert client.get(reverse("api:programme-grant", args=[grant.pk])).status_code == 200
    assert not Tranche.objects.filter(released_on__isnull=False).exists()
