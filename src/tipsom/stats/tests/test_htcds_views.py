"""The HTCDS export screen and API: who reaches them, the download, and the refusals (nothing exported)."""

from __future__ import annotations

import io
import json
from typing import Any, ClassVar

import pytest
import pyzipper  # type: ignore[import-untyped]
from django.db import models
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.cases.testing import ADULT_PERSON, make_case
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.stats.htcds import JSON_NAME

PASSWORD = "a long enough passphrase"
FORM = {"password": PASSWORD, "password_confirmation": PASSWORD}
NAME = ADULT_PERSON["names"][0]["name"]


def decrypted(content: bytes) -> dict[str, Any]:
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(PASSWORD.encode())
        return json.loads(archive.read(JSON_NAME))


def case_numbers(response: Any) -> set[str]:
    return {record["tipsom_CaseNumber"] for record in decrypted(response.content)["records"]}


def exports() -> int:
    return AuditEvent.objects.filter(action="stats.export.htcds").count()


class HtcdsAccess(AccessCase):
    """A screen without a single record: the home organization's case is made alongside; the permitted user's
    archive holds it, another organization's user's does not."""

    permitted_role = "case_supervisor"
    unpermitted_role = "investigator"
    scope = "organization"
    case: ClassVar[Case | None] = None

    def make_object(self, organization: Organization) -> models.Model | None:
        type(self).case = make_case(organization)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        if self.method == "post":
            assert response["Content-Type"] == "application/zip"
            assert response["Content-Disposition"].startswith("attachment;")
            assert self.case is not None and case_numbers(response) == {self.case.case_number}

    def test_other_organization(self, home_org: Organization) -> None:
        super().test_other_organization(home_org)
        if self.method == "post":
            client = self._client_for(make_user(make_organization("BR"), roles=(self.permitted_role,)))
            response = self.request(client, None)
            assert case_numbers(response) == set()


class TestHtcdsScreen(HtcdsAccess):
    url_name = "stats:htcds-export"


class TestHtcdsScreenDownload(HtcdsAccess):
    url_name = "stats:htcds-export"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any]:
        return dict(FORM)


class TestHtcdsApi(HtcdsAccess):
    url_name = "api:stats-htcds"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any]:
        return {"password": PASSWORD}


@pytest.fixture
def home(db: Any) -> Organization:
    return make_organization("BR")


def client_of(organization: Organization, role: str) -> Client:
    return sign_in(Client(), make_user(organization, roles=(role,)))


def test_identities_box_only_for_those_who_may(home: Organization) -> None:
    url = reverse("stats:htcds-export")
    assert b'name="include_identities"' in client_of(home, "case_supervisor").get(url).content
    assert b'name="include_identities"' not in client_of(home, "case_manager").get(url).content
    assert b'name="include_identities"' not in client_of(home, "national_coordinator").get(url).content


def test_screen_download_with_identities(home: Organization) -> None:
    make_case(home)
    url = reverse("stats:htcds-export")
    response = client_of(home, "case_supervisor").post(url, {**FORM, "include_identities": "on"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert NAME.split()[0] == decrypted(response.content)["records"][0]["prs_FirstName"]
    plain = client_of(home, "case_supervisor").post(url, FORM)
    assert NAME.split()[0].encode() not in json.dumps(decrypted(plain.content)).encode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password": "short", "password_confirmation": "short"}, "password", "12 characters"),
        ({"password": PASSWORD, "password_confirmation": PASSWORD + "!"}, "password_confirmation", "differ"),
        ({**FORM, "year_from": "2026", "year_to": "2024"}, "year_to", "cannot come before"),
        ({**FORM, "status": "Open"}, "status", "Select a valid choice"),
    ],
)
def test_screen_bad_input_says_why_and_exports_nothing(
    home: Organization, data: dict[str, str], field: str, message: str
) -> None:
    make_case(home)
    response = client_of(home, "case_supervisor").post(reverse("stats:htcds-export"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert PASSWORD.encode() not in response.content  # a password is never sent back
    assert exports() == 0


def test_screen_refuses_identities_to_a_forged_form(home: Organization) -> None:
    """A case manager has no box, but a hand-made POST with it is refused, never answered without identities."""
    make_case(home)
    response = client_of(home, "case_manager").post(reverse("stats:htcds-export"), {**FORM, "include_identities": "on"})
    assert response.status_code == 403
    assert "does not allow exporting identities" in response.content.decode()
    assert exports() == 0


def test_api_refusals(home: Organization) -> None:
    make_case(home)
    url = reverse("api:stats-htcds")
    manager = client_of(home, "case_manager")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"password": "short"}, 400, "password_too_short"),
        ({"password": PASSWORD, "include_identities": True}, 403, "identities_forbidden"),
        ({"password": PASSWORD, "filters": {"year_from": 2026, "year_to": 2024}}, 400, "invalid"),
        ({"password": PASSWORD, "filters": {"colour": "red"}}, 400, "invalid"),
        ({"password": PASSWORD, "format": "7z"}, 400, "invalid"),
    ]
    for body, status, code in cases:
        response = manager.post(url, body, content_type="application/json")
        assert response.status_code == status, (body, response.content)
        assert response.json()["code"] == code, (body, response.json())
        assert PASSWORD not in response.content.decode()
    assert exports() == 0


def test_api_export_with_identities_and_filters(home: Organization) -> None:
    old = make_case(home, identified_on="2023-04-04")
    make_case(home, identified_on="2026-01-01")
    response = client_of(home, "case_supervisor").post(
        reverse("api:stats-htcds"),
        {"password": PASSWORD, "include_identities": True, "filters": {"year_to": 2024}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    document = decrypted(response.content)
    assert [r["tipsom_CaseNumber"] for r in document["records"]] == [old.case_number]
    assert document["records"][0]["prs_Birthdate"] == ADULT_PERSON["birth_date"]
    event = AuditEvent.objects.get(action="stats.export.htcds")
    assert event.changes["records"] == 1
    assert event.changes["parameters"]["filters"] == {"year_to": 2024}
    assert event.changes["parameters"]["identities"] is True
