"""The criminal cases API: list filters and cursor paging, create and change (stale versions), offences, suspects
(no identity in any answer but the audited reveal), groups; bad input answers {"code", "message", "extra"} and
saves nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.justice.models import CriminalCase, CriminalGroup, Offence, Suspect
from tipsom.justice.services.cases import criminal_case_create
from tipsom.justice.testing import make_criminal_case, make_provision, make_suspect
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person

pytestmark = pytest.mark.django_db
REASON = "to prepare the hearing of the defendant"
JSON = "application/json"


@pytest.fixture
def office():
    return make_organization("BR")


@pytest.fixture
def prosecutor(office):
    return make_user(office, roles=("prosecutor",))


@pytest.fixture
def api(prosecutor):
    return sign_in(Client(), prosecutor)


@pytest.fixture
def case(prosecutor):
    return criminal_case_create(actor=prosecutor, title="Farm", investigation_opened_on="2025-02-01", facts="Secret")


def test_create_retrieve_and_update(api, office):
    response = api.post(
        reverse("api:justice-case-list"),
        {"title": "Farm in Pará", "investigation_opened_on": "2025-03-01", "offence_type": "tip", "facts": "Secret"},
        JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "BR-CC-2025-000001" and body["facts"] != "Secret" and body["version"] == 1
    url = reverse("api:justice-case-detail", kwargs={"pk": body["id"]})
    assert api.get(url).json()["title"] == "Farm in Pará"
    changed = api.patch(url, {"title": "Farm", "version": 1}, JSON)
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = api.patch(url, {"title": "Stale", "version": 1}, JSON)
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    missing_version = api.patch(url, {"title": "No version"}, JSON)
    assert missing_version.status_code == 400
    unknown = api.patch(url, {"stage": "concluded", "version": 2}, JSON)
    assert unknown.status_code == 400
    assert CriminalCase.objects.get().title == "Farm"


def test_create_bad_input(api):
    response = api.post(
        reverse("api:justice-case-list"),
        {"title": "", "investigation_opened_on": "2025-13-01", "countries_involved": ["XX"]},
        JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert {"title", "investigation_opened_on", "countries_involved"} <= set(body["extra"]["fields"])
    assert not CriminalCase.objects.exists()


def test_list_filters_and_cursor(api, prosecutor, office):
    for number in range(5):
        criminal_case_create(
            actor=prosecutor,
            title=f"Case {number}",
            investigation_opened_on=f"202{number}-01-01",
            offence_type="som" if number % 2 else "tip",
        )
    make_criminal_case(make_organization("BR"))  # another organization's: never listed
    url = reverse("api:justice-case-list")
    body = api.get(url, {"page_size": 2}).json()
    assert [row["title"] for row in body["results"]] == ["Case 4", "Case 3"]
    assert "facts" not in body["results"][0]
    following = api.get(body["next"]).json()
    assert [row["title"] for row in following["results"]] == ["Case 2", "Case 1"]
    assert {row["title"] for row in api.get(url, {"offence_type": "som"}).json()["results"]} == {"Case 1", "Case 3"}
    assert len(api.get(url, {"opened_from": "2023-01-01"}).json()["results"]) == 2
    assert len(api.get(url, {"my_role": "recorded"}).json()["results"]) == 5
    assert api.get(url, {"my_role": "prosecuting"}).json()["results"] == []
    assert api.get(url, {"q": "2024-1"}).json()["results"][0]["title"] == "Case 4"
    assert api.get(url, {"stage": "nonsense"}).status_code == 400
    assert api.get(url, {"cursor": "garbage"}).status_code == 400


def test_offences(api, case):
    url = reverse("api:justice-offence-list")
    provision = make_provision("BR")
    created = api.post(
        url,
        {
            "criminal_case": case.pk,
            "provision": provision.pk,
            "date_from": "2024-10-01",
            "date_to": "2024-12-01",
            "exploitation_types": ["ForcedLabour"],
            "modus_operandi": "Hidden",
        },
        JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["offence_type"] == "tip" and body["modus_operandi"] != "Hidden"
    listed = api.get(url, {"criminal_case": case.pk}).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert api.get(url).status_code == 400  # the criminal case is required
    bad = [
        {"criminal_case": case.pk, "offence_type": "tip", "date_from": "2024-10-01", "date_to": "2024-09-01"},
        {"criminal_case": case.pk, "provision": make_provision("CO").pk, "date_from": "2024-10-01"},
        {"criminal_case": case.pk, "offence_type": "tip", "date_from": "2024-10-01", "recruitment_methods": ["X"]},
    ]
    for payload in bad:
        response = api.post(url, payload, JSON)
        assert response.status_code == 400 and response.json()["extra"]["fields"], response.content
    detail = reverse("api:justice-offence-detail", kwargs={"pk": body["id"]})
    assert api.patch(detail, {"date_to": "2024-01-01"}, JSON).status_code == 400
    assert api.patch(detail, {"places": "Marabá"}, JSON).json()["places"] == "Marabá"
    assert Offence.objects.count() == 1
    assert api.delete(detail).status_code == 204 and not Offence.objects.exists()


def test_suspects_and_reveal(api, case, prosecutor):
    url = reverse("api:justice-suspect-list")
    group = api.post(reverse("api:justice-group-list"), {"name": "Os Gatos", "estimated_size": 5}, JSON).json()
    created = api.post(
        url,
        {
            "criminal_case": case.pk,
            "names": ["João Gato"],
            "gender": "Masculine",
            "birth_date": "1975",
            "citizenships": ["BR"],
            "roles": ["recruiter"],
            "groups": [group["id"]],
        },
        JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert "João" not in created.content.decode()
    assert body["birth_year"] == 1975 and body["gender"] == "Masculine" and body["groups"] == [group["id"]]
    assert "João" not in api.get(url, {"criminal_case": case.pk}).content.decode()
    twice = api.post(url, {"criminal_case": case.pk, "person": body["person"]}, JSON)
    assert twice.status_code == 400 and twice.json()["code"] == "duplicate"
    assert Suspect.objects.count() == 1
    reveal = reverse("api:justice-suspect-reveal", kwargs={"pk": body["id"]})
    refused = api.post(reveal, {"reason": "asdf"}, JSON)
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    shown = api.post(reveal, {"reason": REASON}, JSON)
    assert shown.status_code == 200 and shown.json()["names"][0]["name"] == "João Gato"
    assert AuditEvent.objects.filter(action="justice.suspect.reveal").count() == 1
    detail = reverse("api:justice-suspect-detail", kwargs={"pk": body["id"]})
    stale = api.patch(detail, {"roles": ["smuggler"], "version": 5}, JSON)
    assert stale.status_code == 409
    assert api.patch(detail, {"roles": ["smuggler"], "version": 1}, JSON).json()["roles"] == ["smuggler"]
    assert api.patch(detail, {"age_at_offence": 2.5, "version": 2}, JSON).status_code == 400
    assert api.delete(detail).status_code == 204 and not Suspect.objects.exists()
    assert Person.objects.count() == 1


def test_suspect_bad_input(api, case):
    url = reverse("api:justice-suspect-list")
    for payload in (
        {"criminal_case": case.pk},
        {"criminal_case": case.pk, "names": ["A B"], "roles": ["boss"]},
        {"criminal_case": case.pk, "names": ["A B"], "citizenships": ["XX"]},
        {"criminal_case": case.pk, "names": ["A B"], "contact_type": "arrested"},
    ):
        assert api.post(url, payload, JSON).status_code == 400, payload
    assert not Suspect.objects.exists() and not Person.objects.exists()


def test_other_organizations_records_are_not_found(api):
    other_case = make_criminal_case(make_organization("BR"))
    suspect = make_suspect(other_case)
    for response in (
        api.get(reverse("api:justice-case-detail", kwargs={"pk": other_case.pk})),
        api.patch(reverse("api:justice-case-detail", kwargs={"pk": other_case.pk}), {"version": 1}, JSON),
        api.post(
            reverse("api:justice-offence-list"),
            {"criminal_case": other_case.pk, "offence_type": "tip", "date_from": "2024-01-01"},
            JSON,
        ),
        api.post(reverse("api:justice-suspect-list"), {"criminal_case": other_case.pk, "names": ["X Y"]}, JSON),
        api.post(reverse("api:justice-suspect-reveal", kwargs={"pk": suspect.pk}), {"reason": REASON}, JSON),
        api.get(reverse("api:justice-suspect-list"), {"criminal_case": other_case.pk}),
    ):
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_groups(api):
    url = reverse("api:justice-group-list")
    created = api.post(url, {"name": "Rota", "countries_of_activity": ["BR", "PY"], "notes": "Intel"}, JSON)
    assert created.status_code == 201 and created.json()["notes"] != "Intel"
    assert api.post(url, {"name": "Bad", "estimated_size": -1}, JSON).status_code == 400
    assert api.post(url, {"name": "Bad", "countries_of_activity": ["XX"]}, JSON).status_code == 400
    detail = reverse("api:justice-group-detail", kwargs={"pk": created.json()["id"]})
    assert api.patch(detail, {"estimated_size": 9, "version": 1}, JSON).json()["estimated_size"] == 9
    assert api.patch(detail, {"name": "Stale", "version": 1}, JSON).status_code == 409
    assert [row["name"] for row in api.get(url).json()["results"]] == ["Rota"]
    assert CriminalGroup.objects.count() == 1


def test_list_query_count(api, office, django_assert_max_num_queries):
    for _number in range(40):
        make_criminal_case(office)
    with django_assert_max_num_queries(8):
        assert len(api.get(reverse("api:justice-case-list")).json()["results"]) == 40
