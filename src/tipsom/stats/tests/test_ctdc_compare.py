"""Compare with CTDC (/stats/ctdc/): who reaches it, the upload (a new file, the same file again, a file that is not
CSV), and the numbers: the country's counts protected, its shares withheld with them, CTDC's shares as published."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.stats.ctdc.importer import ctdc_import
from tipsom.stats.exports import Scope
from tipsom.stats.models import ExternalDataset, ExternalRecord, VictimFact
from tipsom.stats.selectors.comparison import ctdc_comparison_tables

SMALL = Path(__file__).parent / "data" / "ctdc_small.csv"
DEMO_SAMPLE = Path(__file__).resolve().parents[4] / "demo" / "ctdc-global-sample.csv"


def victims(organization: Organization, count: int, **fields: Any) -> None:
    start = VictimFact.objects.count() + 1
    VictimFact.objects.bulk_create(
        [
            VictimFact(
                source_id=start + n,
                person_cluster=start + n,
                counted=True,
                country=organization.country,
                organization=organization,
                organization_type=organization.type,
                year=2024,
                identified_on="2024-05-01",
                case_type="tip",
                **fields,
            )
            for n in range(count)
        ]
    )


def cells(table: Any) -> dict[str, list[str]]:
    return {row.key: [cell.display for cell in row.cells] for row in table.all_rows()}


@pytest.mark.django_db
def test_the_country_beside_the_ctdc_data_with_small_counts_withheld() -> None:
    organization = make_organization("BR")
    victims(organization, 12, sex="F", exploitation_form="sexual", is_child=False)
    victims(organization, 6, sex="M", exploitation_form="labour", is_child=True)
    victims(organization, 2, sex="M", exploitation_form="begging", is_child=False)
    dataset = ctdc_import(actor=None, country="BR", path=SMALL)
    comparison = ctdc_comparison_tables(Scope(country="BR"), dataset)
    sex, age, form = comparison.tables
    records = ExternalRecord.objects.filter(dataset=dataset)
    females = records.filter(gender="Female").count()
    assert cells(sex)["F"][:2] == ["12", f"{100 * 12 / 20:.1f} %"]
    assert cells(sex)["M"][:2] == ["8", "40.0 %"]
    assert cells(sex)["F"][2] == f"{100 * females / records.count():.1f} %"
    assert cells(sex)["total"][0] == "20"
    assert cells(age)["minor"][:2] == ["6", "30.0 %"] and cells(age)["adult"][:2] == ["14", "70.0 %"]
    # Two victims of begging: "<5", and its share withheld with it (and what would give it back).
    forms = cells(form)
    assert forms["other"][:2] == ["<5", ".."]
    published = [row.cells[0] for row in form.all_rows()]
    assert all(cell.value is None or cell.value == 0 or cell.value >= 5 for cell in published)
    assert "2" not in [value for row in forms.values() for value in row[:1]]
    assert comparison.national_total.display == "20"
    # Colombia has no victim here and the CTDC file none exploited there: "–" (nothing to share), not withheld "..".
    elsewhere = ctdc_comparison_tables(Scope(country="CO"), dataset)
    assert elsewhere.external_here_records == 0
    assert {row[1] for row in cells(elsewhere.tables[0]).values()} == {"–"}
    assert {row[3] for row in cells(elsewhere.tables[0]).values()} == {"–"}


@pytest.mark.django_db
def test_the_demo_sample_file_imports_whole() -> None:
    dataset = ctdc_import(actor=None, country="BR", path=DEMO_SAMPLE)
    assert dataset.rows_read == dataset.rows_imported == 4000
    assert dataset.malformed == []


@pytest.mark.django_db
def test_upload_once_then_again_then_a_file_that_is_not_csv() -> None:
    organization = make_organization("BR")
    user = make_user(organization, roles=("national_coordinator",))
    client = sign_in(Client(), user)
    url = reverse("stats:ctdc")
    content = SMALL.read_bytes()
    response = client.post(url, {"file": SimpleUploadedFile("ctdc.csv", content), "name": "CTDC 2021"}, follow=True)
    assert response.status_code == 200
    dataset = ExternalDataset.objects.get()
    assert dataset.name == "CTDC 2021" and dataset.rows_imported == 5
    assert "5 of 6 rows imported; 1 malformed rows skipped." in response.content.decode()
    assert "Line 6" in response.content.decode()
    again = client.post(url, {"file": SimpleUploadedFile("copy.csv", content)}, follow=True)
    assert "imported already" in again.content.decode()
    assert ExternalDataset.objects.count() == 1
    binary = client.post(url, {"file": SimpleUploadedFile("ctdc.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4)})
    assert binary.status_code == 400
    assert (
        ExternalDataset.objects.count() == 1 and ExternalRecord.objects.filter(dataset__name="ctdc.xlsx").count() == 0
    )


@pytest.mark.django_db
def test_a_rapporteur_compares_but_may_not_import() -> None:
    organization = make_organization("BR")
    ctdc_import(actor=None, country="BR", path=SMALL)
    client = sign_in(Client(), make_user(organization, roles=("national_rapporteur",)))
    page = client.get(reverse("stats:ctdc"))
    assert page.status_code == 200 and page.context["form"] is None and page.context["comparison"] is not None
    refused = client.post(reverse("stats:ctdc"), {"file": SimpleUploadedFile("ctdc.csv", SMALL.read_bytes())})
    assert refused.status_code == 404
    assert ExternalDataset.objects.count() == 1


@pytest.mark.django_db
def test_a_dataset_of_another_country_is_not_found() -> None:
    dataset = ctdc_import(actor=None, country="CO", path=SMALL)
    organization = make_organization("BR")
    client = sign_in(Client(), make_user(organization, roles=("national_coordinator",)))
    assert client.get(reverse("stats:ctdc"), {"dataset": dataset.pk}).status_code == 404
    assert client.get(reverse("stats:ctdc"), {"dataset": "x"}).status_code == 404


class TestComparePage(AccessCase):
    url_name = "stats:ctdc"
    permitted_role = "national_coordinator"
    unpermitted_role = "frontline_identifier"
    scope = "national"
    model = ExternalDataset

    def make_object(self, organization: Organization) -> models.Model | None:
        victims(organization, 9, sex="F")
        return ctdc_import(actor=None, country=organization.country, path=SMALL)

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"dataset": obj.pk if obj is not None else ""}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.context["chosen"] == obj
        assert response.context["comparison"].national_total.display == "9"


class TestCompareDownload(AccessCase):
    url_name = "stats:ctdc"
    permitted_role = "national_coordinator"
    unpermitted_role = "frontline_identifier"
    scope = "national"
    model = VictimFact
    expected: ClassVar[str] = "Female,9,100,"

    def make_object(self, organization: Organization) -> models.Model | None:
        victims(organization, 9, sex="F")
        return ctdc_import(actor=None, country=organization.country, path=SMALL)

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"panel": "ctdc-sex", "format": "csv", "dataset": obj.pk if obj is not None else ""}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response["Content-Type"].startswith("text/csv")
        assert self.expected in response.content.decode()
