"""CTDC and synthetic releases from the screen (/stats/releases/): a zip of the file and its report, k checked on
the file, bad parameters refused with nothing released, and who may reach it."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.stats.ctdc.codebook import QUASI_IDENTIFIERS
from tipsom.stats.models import VictimFact


def victims(organization: Organization, count: int) -> None:
    sexes, citizenships = "FFFM", ["BR", "BO", "PY", "VE", "HT"]
    VictimFact.objects.bulk_create(
        [
            VictimFact(
                source_id=n + 1,
                person_cluster=n + 1,
                counted=True,
                country=organization.country,
                organization=organization,
                organization_type=organization.type,
                year=2020 + n % 5,
                identified_on=f"{2020 + n % 5}-03-01",
                case_type="tip",
                sex=sexes[n % 4],
                age=14 + n % 30,
                age_band="",
                is_child=14 + n % 30 < 18,
                citizenship=citizenships[n % 5],
                exploitation_country="BR",
                exploitation_types=["ForcedLabour"] if n % 2 else ["SexualExploitation"],
            )
            for n in range(count)
        ]
    )


def _coordinator(organization: Organization) -> Client:
    return sign_in(Client(), make_user(organization, roles=("national_coordinator",)))


def _zip(response: Any) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.django_db
def test_a_ctdc_file_that_passes_a_k_of_11_check() -> None:
    organization = make_organization("BR")
    victims(organization, 300)
    response = _coordinator(organization).post(reverse("stats:releases"), {"release": "ctdc", "k": "11"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    files = _zip(response)
    name = next(name for name in files if name.endswith(".csv"))
    rows = list(csv.DictReader(io.StringIO(files[name].decode())))
    groups = Counter(tuple(row[column] for column in QUASI_IDENTIFIERS) for row in rows)
    assert rows and min(groups.values()) >= 11
    report = json.loads(files[f"{name}.report.json"])
    assert report["k"] == 11
    assert AuditEvent.objects.filter(action="stats.export.ctdc").count() == 1


@pytest.mark.django_db
def test_a_synthetic_file_with_its_utility_report() -> None:
    organization = make_organization("BR")
    victims(organization, 300)
    response = _coordinator(organization).post(reverse("stats:releases"), {"release": "synthetic", "epsilon": "4"})
    assert response.status_code == 200
    files = _zip(response)
    name = next(name for name in files if name.endswith(".csv"))
    assert files[name].decode().startswith("yearOfRegistration,")
    report = json.loads(files[f"{name}.report.json"])
    assert report["epsilon"] == 4 and "utility" in report
    assert AuditEvent.objects.filter(action="stats.export.synthetic").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"release": "ctdc", "k": "1"}, "k must be at least 2"),
        ({"release": "ctdc", "k": "eleven"}, "whole number"),
        ({"release": "synthetic", "epsilon": "0"}, "greater than 0"),
        ({"release": "synthetic", "epsilon": "1e9"}, "no meaningful privacy"),
        ({"release": "synthetic", "epsilon": "lots"}, "must be a number"),
    ],
)
def test_bad_parameters_are_refused_and_nothing_is_released(data: dict[str, str], message: str) -> None:
    organization = make_organization("BR")
    victims(organization, 120)
    response = _coordinator(organization).post(reverse("stats:releases"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="stats.export").exists()


@pytest.mark.django_db
def test_too_few_victims_for_a_synthetic_release_says_so() -> None:
    organization = make_organization("BR")
    victims(organization, 20)
    response = _coordinator(organization).post(reverse("stats:releases"), {"release": "synthetic", "epsilon": "4"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action__startswith="stats.export").exists()


class TestReleasesPage(AccessCase):
    url_name = "stats:releases"
    permitted_role = "national_coordinator"
    unpermitted_role = "frontline_identifier"
    scope = "national"

    def make_object(self, organization: Organization) -> models.Model | None:
        victims(organization, 12)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.context["victims"] == 12
