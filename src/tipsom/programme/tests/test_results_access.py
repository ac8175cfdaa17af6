"""Permission tests of every results framework URL and endpoint: the M&E officer enters and submits, the national
coordinator approves, the programme manager reads every country and shapes the framework but enters no value, an
implementing partner sees the framework and no value."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.core import validation as check
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Indicator, IndicatorBaseline, IndicatorPeriod, ResultNode, ReviewStatus
from tipsom.programme.services.results import evidence
from tipsom.programme.testing import make_indicator, make_node, make_period

YEAR = {"country": "BR", "year": "2018"}
PNG = b"\x89PNG\r\n\x1a\n scan"


def _period(organization: Organization, **fields: Any) -> IndicatorPeriod:
    indicator = make_indicator(code=f"ACC{Indicator.objects.count() + 1}", title="Access indicator")
    return make_period(indicator, organization.country, actual=7, **fields)


class _National(AccessCase):
    permitted_role = "me_officer"
    unpermitted_role = "frontline_identifier"
    scope = "national"
    model: ClassVar[type[models.Model] | None] = IndicatorPeriod


class _Shared:
    """The framework is the programme's: a reader in another country reads the same record."""

    def test_other_organization(self, home_org: Organization) -> None:  # every country: nothing to hide
        return None


# --- screens --------------------------------------------------------------------------------------------------------
class TestResultsPage(_National):
    url_name = "programme:results"

    def make_object(self, organization: Organization) -> models.Model | None:
        _period(organization)
        return None

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"year": "2018"}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"Access indicator" in response.content and b"results-framework" in response.content


class TestResultsPageCoordinator(TestResultsPage):
    url_name = "programme:results"
    permitted_role = "national_coordinator"


class TestResultsPageManager(_Shared, TestResultsPage):
    """A programme manager chooses any country with data and reads its values."""

    url_name = "programme:results"
    permitted_role = "programme_manager"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return YEAR

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"results-framework" in response.content and b'value="BR"' in response.content
        assert reverse("programme:results_node_create").encode() in response.content


class TestResultsPagePartner(TestResultsPage):
    """An implementing partner sees the framework, and no value."""

    url_name = "programme:results"
    permitted_role = "implementing_partner"
    scope = "organization"
    model = ResultNode

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"Access indicator" in response.content
        assert b"results-framework" not in response.content and b"results-tree" in response.content


class _PeriodScreen(_National):
    def make_object(self, organization: Organization) -> models.Model | None:
        return _period(organization)

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return YEAR


class TestPeriodEdit(_PeriodScreen):
    url_name = "programme:results_period_edit"

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"indicator_pk": obj.indicator_id}  # type: ignore[union-attr]

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"period-form" in response.content


class TestPeriodEditPost(TestPeriodEdit):
    url_name = "programme:results_period_edit"
    method = "post"
    permitted_status = 302

    def request(self, client: Client, obj: models.Model | None) -> Any:
        url = reverse(self.url_name, kwargs=self.url_kwargs(obj)) + "?country=BR&year=2018"
        return client.post(url, {"target": "10", "actual": "8", "version": obj.version})  # type: ignore[union-attr]

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert IndicatorPeriod.objects.get(pk=obj.pk).actual == 8  # type: ignore[union-attr]


class TestPeriodEditManagerRefused(TestPeriodEdit):
    """A programme manager reads every country but enters no value."""

    url_name = "programme:results_period_edit"
    unpermitted_role = "programme_manager"


class TestBaseline(_PeriodScreen):
    url_name = "programme:results_baseline"
    model = IndicatorBaseline

    def make_object(self, organization: Organization) -> models.Model | None:
        indicator = make_indicator(title="Access indicator")
        return IndicatorBaseline.objects.create(indicator=indicator, country=organization.country, year=2017, value=3)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"indicator_pk": obj.indicator_id}  # type: ignore[union-attr]

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"baseline-form" in response.content and b"2017" in response.content


class TestSubmit(_PeriodScreen):
    url_name = "programme:results_period_submit"
    method = "post"
    permitted_status = 302

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk}  # type: ignore[union-attr]

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert IndicatorPeriod.objects.get(pk=obj.pk).status == ReviewStatus.SUBMITTED  # type: ignore[union-attr]


class TestReview(TestSubmit):
    url_name = "programme:results_period_review"
    permitted_role = "national_coordinator"
    unpermitted_role = "me_officer"  # the officer enters; the coordinator approves

    def make_object(self, organization: Organization) -> models.Model | None:
        submitter = make_user(organization, roles=("me_officer",))
        return _period(organization, status=ReviewStatus.SUBMITTED, submitted_by=submitter)

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"decision": "approve"}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        period = IndicatorPeriod.objects.get(pk=obj.pk)  # type: ignore[union-attr]
        assert period.status == ReviewStatus.APPROVED and period.locked


class TestEvidence(_PeriodScreen):
    url_name = "programme:results_period_evidence"

    def make_object(self, organization: Organization) -> models.Model | None:
        return _period(organization, **(evidence(check.Errors(), b"%PDF-1.4 proof") or {}))

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk}  # type: ignore[union-attr]

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.content == b"%PDF-1.4 proof" and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="evidence.pdf"'
        assert AuditEvent.objects.filter(action="programme.period.evidence", object_id=str(obj.pk)).count() == 1  # type: ignore[union-attr]


class _Framework(AccessCase):
    permitted_role = "programme_manager"
    unpermitted_role = "me_officer"
    scope = "organization"
    model: ClassVar[type[models.Model] | None] = ResultNode


class TestNodeCreate(_Framework):
    url_name = "programme:results_node_create"


class TestNodeCreatePost(_Framework):
    url_name = "programme:results_node_create"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"level": "outcome", "code": "OC77", "title": "A new outcome"}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert ResultNode.objects.filter(code="OC77").exists()


class TestNodeEdit(_Shared, _Framework):
    url_name = "programme:results_node_edit"

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_node(code="OC5")

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk}  # type: ignore[union-attr]

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"OC5" in response.content


class TestIndicatorCreate(_Framework):
    url_name = "programme:results_indicator_create"
    model = Indicator


class TestIndicatorEdit(_Shared, _Framework):
    url_name = "programme:results_indicator_edit"
    model = Indicator

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_indicator(code="IN5")

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk}  # type: ignore[union-attr]


class TestIndicatorEditPost(TestIndicatorEdit):
    url_name = "programme:results_indicator_edit"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {
            "node": obj.node_id,  # type: ignore[union-attr]
            "code": "IN5",
            "title": "Renamed",
            "measure": "1",
            "factor": "1",
            "source": "manual",
        }

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert Indicator.objects.get(pk=obj.pk).title == "Renamed"  # type: ignore[union-attr]


# --- API ------------------------------------------------------------------------------------------------------------
class TestApiResults(_PeriodScreen):
    url_name = "api:programme-results"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        data = response.json()
        assert data["country"] == "BR"
        codes = [item["code"] for row in data["rows"] for item in row["indicators"]]
        assert obj.indicator.code in codes  # type: ignore[union-attr]


class TestApiResultsManager(_Shared, TestApiResults):
    url_name = "api:programme-results"
    permitted_role = "programme_manager"


class TestApiResultsPartnerRefused(TestApiResults):
    url_name = "api:programme-results"
    unpermitted_role = "implementing_partner"


class TestApiNodes(AccessCase):
    url_name = "api:programme-result-nodes"
    permitted_role = "implementing_partner"
    unpermitted_role = "frontline_identifier"
    model: ClassVar[type[models.Model] | None] = ResultNode

    def make_object(self, organization: Organization) -> models.Model | None:
        make_node(code="OC3")
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert "OC3" in [node["code"] for node in response.json()]


class TestApiNodesPost(_Framework):
    url_name = "api:programme-result-nodes"
    method = "post"
    permitted_status = 201

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"level": "impact", "code": "IM1", "title": "Fewer victims"}


class TestApiNode(_Shared, _Framework):
    url_name = "api:programme-result-node"
    method = "patch"

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_node(code="OC6")

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk}  # type: ignore[union-attr]

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"title": "Changed"}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["title"] == "Changed"


class TestApiNodeGet(TestApiNode):
    url_name = "api:programme-result-node"
    method = "get"
    permitted_role = "me_officer"
    unpermitted_role = "frontline_identifier"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["code"] == "OC6"


class TestApiIndicators(TestApiNodes):
    url_name = "api:programme-indicators"
    model = Indicator

    def make_object(self, organization: Organization) -> models.Model | None:
        make_indicator(code="IN3")
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert "IN3" in [indicator["code"] for indicator in response.json()]


class TestApiIndicatorsPost(_Framework):
    url_name = "api:programme-indicators"
    method = "post"
    permitted_status = 201
    model = Indicator

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_node()

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {
            "node": obj.pk,  # type: ignore[union-attr]
            "code": "VIC1",
            "title": "Victims identified",
            "source": "statistics",
            "source_key": "victims_identified",
        }

    def test_other_organization(self, home_org: Organization) -> None:  # the framework is every country's
        return None


class TestApiIndicator(_Shared, _Framework):
    url_name = "api:programme-indicator"
    method = "patch"
    model = Indicator

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_indicator(code="IN6")

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk}  # type: ignore[union-attr]

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"unit": "people"}


class TestApiIndicatorGet(TestApiIndicator):
    url_name = "api:programme-indicator"
    method = "get"
    permitted_role = "implementing_partner"
    unpermitted_role = "frontline_identifier"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return None


class TestApiBaselines(_National):
    url_name = "api:programme-indicator-baselines"
    method = "post"
    model = IndicatorBaseline

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_indicator()

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"indicator": obj.pk, "country": "BR", "year": 2017, "value": "12.5"}  # type: ignore[union-attr]

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert IndicatorBaseline.objects.get(indicator_id=obj.pk).value == 12.5  # type: ignore[union-attr]


class TestApiPeriodSave(_National):
    url_name = "api:programme-indicator-periods"
    method = "post"

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_indicator()

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {
            "indicator": obj.pk,  # type: ignore[union-attr]
            "country": "BR",
            "period_start": "2018-01-01",
            "period_end": "2018-12-31",
            "actual": "5",
            "target": "10",
        }

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["actual"] == "5.0000" and response.json()["status"] == "draft"


class TestApiPeriodSaveManagerRefused(TestApiPeriodSave):
    url_name = "api:programme-indicator-periods"
    unpermitted_role = "programme_manager"


class _ApiPeriod(_PeriodScreen):
    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {"pk": obj.pk}  # type: ignore[union-attr]

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return None


class TestApiPeriod(_ApiPeriod):
    url_name = "api:programme-indicator-period"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["actual"] == "7.0000"


class TestApiPeriodManager(_Shared, TestApiPeriod):
    url_name = "api:programme-indicator-period"
    permitted_role = "programme_manager"


class TestApiPeriodPatch(_ApiPeriod):
    url_name = "api:programme-indicator-period"
    method = "patch"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"actual": "9", "version": obj.version}  # type: ignore[union-attr]

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["actual"] == "9.0000"


class TestApiSubmit(_ApiPeriod):
    url_name = "api:programme-indicator-period-submit"
    method = "post"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["status"] == "submitted"


class TestApiApprove(_ApiPeriod):
    url_name = "api:programme-indicator-period-approve"
    method = "post"
    permitted_role = "national_coordinator"
    unpermitted_role = "me_officer"

    def make_object(self, organization: Organization) -> models.Model | None:
        submitter = make_user(organization, roles=("me_officer",))
        return _period(organization, status=ReviewStatus.SUBMITTED, submitted_by=submitter)

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["status"] == "approved" and response.json()["locked"] is True


class TestApiReturn(TestApiApprove):
    url_name = "api:programme-indicator-period-return"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"comment": "Attach the list of participants."}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["status"] == "returned"


class TestApiApproveManagerRefused(TestApiApprove):
    url_name = "api:programme-indicator-period-approve"
    unpermitted_role = "programme_manager"


# --- behaviour through the screens ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_screen_refuses_a_bad_value_and_saves_nothing() -> None:
    brazil = make_organization("BR")
    officer = make_user(brazil, roles=("me_officer",))
    indicator = make_indicator(denominator_label="cases")
    client = sign_in(Client(), officer)
    url = reverse("programme:results_period_edit", args=[indicator.pk]) + "?country=BR&year=2018"
    response = client.post(url, {"numerator": "3", "denominator": "0"})
    assert response.status_code == 400 and b"cannot be zero" in response.content
    assert not IndicatorPeriod.objects.exists()
    response = client.post(url, {"actual": "5", "by_sex": "female=4, male=3"})
    assert response.status_code == 400 and b"more than the total" in response.content
    assert not IndicatorPeriod.objects.exists()
    response = client.get(
        reverse("programme:results"), {"country": "BR", "period_from": "2018-05-01", "period_to": "2018-01-01"}
    )
    assert response.status_code == 200 and b"ends before it starts" in response.content


@pytest.mark.django_db
def test_a_computed_figure_links_to_its_source() -> None:
    brazil = make_organization("BR")
    officer = make_user(brazil, roles=("me_officer",))
    make_indicator(source="activities", source_key="practitioners_trained", title="Trained")
    make_indicator(source="statistics", source_key="victims_identified", title="Identified")
    response = sign_in(Client(), officer).get(reverse("programme:results"), {"year": "2018"})
    assert response.status_code == 200
    assert reverse("programme:activities").encode() + b"?country=BR" in response.content
    assert reverse("stats:dashboard").encode() + b"?year_from=2018" in response.content


@pytest.mark.django_db
def test_the_page_shows_breakdowns_and_withheld_counts() -> None:
    from tipsom.programme.testing import make_activity, make_attendance, make_participant
    from tipsom.stats.models import VictimFact

    brazil = make_organization("BR")
    make_attendance(make_activity(brazil), make_participant("BR", sector="police"))
    for number in range(3):
        VictimFact.objects.create(
            country="BR",
            organization=brazil,
            year=2018,
            source_id=number + 1,
            person_cluster=number + 1,
            counted=True,
            identified_on=datetime.date(2018, 3, 1),
            case_type="tip",
        )
    make_indicator(source="activities", source_key="practitioners_trained", title="Trained")
    make_indicator(source="statistics", source_key="victims_identified", title="Identified")
    officer = make_user(brazil, roles=("me_officer",))
    response = sign_in(Client(), officer).get(reverse("programme:results"), {"year": "2018"})
    assert response.status_code == 200
    assert b"Police" in response.content  # the breakdown, with its name
    assert b"&lt;5" in response.content  # three victims: withheld, never shown as 3


@pytest.mark.django_db
def test_evidence_uploaded_on_the_screen_and_the_api_is_downloaded_as_given() -> None:
    officer = make_user(make_organization("BR"), roles=("me_officer",))
    indicator = make_indicator(title="Evidence indicator")
    client = sign_in(Client(), officer)
    url = reverse("programme:results_period_edit", args=[indicator.pk]) + "?country=BR&year=2018"
    upload = SimpleUploadedFile("Lista presença.pdf", b"%PDF-1.4 lista", content_type="text/plain")
    assert client.post(url, {"actual": "4", "evidence": upload}).status_code == 302
    period = IndicatorPeriod.objects.get(indicator=indicator)
    page = client.get(reverse("programme:results"), YEAR)
    assert reverse("programme:results_period_evidence", args=[period.pk]).encode() in page.content
    download = client.get(reverse("programme:results_period_evidence", args=[period.pk]))
    assert download.content == b"%PDF-1.4 lista" and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''Listapresen%C3%A7a.pdf"
    response = client.patch(
        reverse("api:programme-indicator-period", args=[period.pk]),
        encode_multipart(BOUNDARY, {"evidence": SimpleUploadedFile("scan.png", PNG), "version": period.version}),
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code == 200 and response.json()["evidence"] is True
    download = client.get(reverse("programme:results_period_evidence", args=[period.pk]))
    assert download.content == PNG and download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="scan.png"'
