"""Matching's API: the interactive check (issue 13, done-when 1 and 2) and its bad input (never a 500, nothing
written), the review queue without names, decisions, merge and exact undo, the jobs' progress, access requests from
the check's token to the holder's answer, and the OpenAPI document."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.matching.models import AccessRequest, CandidatePair, DedupeJob, PersonMerge
from tipsom.matching.testing import make_pair, make_person
from tipsom.matching.tests.test_access import OLGA, OLHA, review_pair
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person, PersonName

pytestmark = pytest.mark.django_db
MATCH = reverse("api:person-match")
PAIRS = reverse("api:matching-pair-list")
MERGES = reverse("api:matching-merge-list")
REQUESTS = reverse("api:matching-access-request-list")


@pytest.fixture
def police(db: Any) -> Any:
    return make_organization("UA", name="National Police of Ukraine")


@pytest.fixture
def shelter(db: Any) -> Any:
    return make_organization("UA", name="Shelter of Hope")


@pytest.fixture
def reviewer(db: Any) -> Any:
    return make_user(make_organization("UA", name="National Committee"), roles=("registry_reviewer",))


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def _written() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        PersonMerge.objects.count(),
        PersonMerge.objects.filter(undone_at__isnull=False).count(),
        AccessRequest.objects.count(),
        AccessRequest.objects.exclude(status=AccessRequest.Status.PENDING).count(),
        CandidatePair.objects.exclude(status=CandidatePair.Status.PROPOSED).count(),
        AuditEvent.objects.count(),
    )


# --- The interactive check ------------------------------------------------------------------------------------------
def test_done_when_1_the_second_organization_learns_only_who_holds_her(police: Any, shelter: Any) -> None:
    held = make_person(police, OLGA, birth_date="1999")
    worker = _client(make_user(shelter, roles=("frontline_identifier",)))
    response = _post(worker, MATCH, {"names": [OLHA], "birth_date": "1999", "sex": "F", "citizenships": ["UA"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["candidates"]) == 1
    candidate = body["candidates"][0]
    assert candidate["visible"] is False and candidate["person"] is None and candidate["token"]
    assert candidate["organization"] == {"id": police.pk, "name": "National Police of Ukraine"}
    assert candidate["probability"] > 0.5 and candidate["reasons"]["levels"]["birth_date"] == "year"
    text = response.content.decode()
    for secret in (OLGA, "Olga", "olga", "kovalenko", f"/persons/{held.pk}/"):
        assert secret not in text, secret

    officer = _client(make_user(police, roles=("case_manager",)))
    own = _post(officer, MATCH, {"given_name": "Olha", "family_name": "Kovalenko", "birth_date": "1999-05"}).json()
    person = own["candidates"][0]["person"]
    assert own["candidates"][0]["visible"] and person["id"] == held.pk and person["birth_year"] == 1999
    assert person["url"].endswith(reverse("api:person-detail", kwargs={"pk": held.pk}))
    assert own["candidates"][0]["token"] == ""


def test_done_when_2_the_arabic_name_in_latin_letters_is_a_candidate_and_another_name_is_not(police: Any) -> None:
    mohamed = make_person(police, "محمد عبد الرحمن", birth_date="1990", gender="Masculine")
    officer = _client(make_user(police, roles=("case_manager",)))
    same = _post(officer, MATCH, {"names": ["Mohamed Abdelrahman"], "birth_date": "1990", "sex": "M"}).json()
    assert [c["person"]["id"] for c in same["candidates"]] == [mohamed.pk]
    other = _post(officer, MATCH, {"names": ["Mahmoud Abdelrahim"], "birth_date": "1990", "sex": "M"}).json()
    assert other["candidates"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "names"),
        ({"names": []}, "names"),
        ({"names": ["", "   "]}, "names"),
        ({"names": "Olha Kovalenko"}, "names"),
        ({"names": ["O" * 10_000]}, "names.0"),
        ({"names": ["Olha", "Kova\u0007lenko"]}, "names.1"),
        ({"names": ["\u202eoknelavoK ahlO"]}, "names.0"),
        ({"given_name": "Olha\u2066"}, "given_name"),
        ({"names": [OLHA], "birth_date": "2999-01-01"}, "birth_date"),
        ({"names": [OLHA], "birth_date": "1999-02-30"}, "birth_date"),
        ({"names": [OLHA], "birth_date": "1999-13"}, "birth_date"),
        ({"names": [OLHA], "birth_date": "yesterday"}, "birth_date"),
        ({"names": [OLHA], "citizenships": "UA"}, "citizenships"),
        ({"names": [OLHA], "citizenships": ["ZZ"]}, "citizenships"),
        ({"names": [OLHA], "citizenships": [{"code": "UA"}]}, "citizenships.0"),
        ({"names": [OLHA], "sex": "X"}, "sex"),
        ({"names": [OLHA], "surname": "Kovalenko"}, "surname"),
        ({"names": [["Olha"]]}, "names.0"),
    ],
)
def test_bad_input_to_the_check_is_a_400_naming_the_field(police: Any, body: dict[str, Any], field: str) -> None:
    make_person(police, OLGA, birth_date="1999")
    client = _client(make_user(police, roles=("case_manager",)))
    before = _written()
    response = _post(client, MATCH, body)
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["code"] == "invalid" and field in answer["extra"]["fields"], answer
    assert _written() == before


@pytest.mark.parametrize("name", ["!!! ...", "😀😀 🙂", "—", "\u200b\u200b"])
def test_a_name_without_letters_is_checked_as_nothing_with_a_warning(police: Any, name: str) -> None:
    make_person(police, OLGA, birth_date="1999")
    client = _client(make_user(police, roles=("case_manager",)))
    response = _post(client, MATCH, {"names": [name], "birth_date": "1999"})
    assert response.status_code == 200, response.content
    assert response.json() == {"candidates": [], "warnings": ["no_name"]}


def test_a_name_mixing_scripts_or_a_malformed_body_is_never_a_500(police: Any) -> None:
    make_person(police, OLGA, birth_date="1999")
    client = _client(make_user(police, roles=("case_manager",)))
    mixed = _post(client, MATCH, {"names": ["Ольга Kovalenko"], "birth_date": "1999"})
    assert mixed.status_code == 200 and isinstance(mixed.json()["warnings"], list)
    assert client.post(MATCH, "{not json", content_type="application/json").status_code == 400
    assert _post(client, MATCH, ["Olha"]).status_code == 400
    assert client.get(MATCH).status_code == 405  # the path is the check's, not a person's (persons/<pk>/)


# --- The review queue -----------------------------------------------------------------------------------------------
def test_the_queue_lists_proposed_pairs_by_score_without_names(police: Any, reviewer: Any) -> None:
    likely = review_pair(police)
    CandidatePair.objects.filter(pk=likely.pk).update(
        reasons={
            "levels": {"name": "canonical", "birth_date": "year"},
            "name": ["same_canonical:olga", "same_canonical:kovalenko"],
            "given_name_l": OLGA,  # what a batch job's columns could hold: never passed on
        }
    )
    less = make_pair(
        make_person(police, "Natalia Kuznetsova", birth_date="1990"),
        make_person(police, "Natalia Kovaleva", birth_date="1990"),
        probability=0.6,
    )
    make_pair(
        make_person(police, "Iryna Bondar", birth_date="1985"),
        make_person(police, "Iryna Bondarenko", birth_date="1985"),
        status=CandidatePair.Status.REJECTED,
    )
    client = _client(reviewer)
    response = client.get(PAIRS)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [likely.pk, less.pk]
    first = rows[0]
    assert first["reasons"]["name"] == ["same_canonical"] and "given_name_l" not in first["reasons"]
    assert first["reason_words"][:2] == [
        "Name: the same names in another script or spelling (one part may be missing)",
        "Birth date: same year",
    ]
    assert first["person_low"]["organization"]["name"] == "National Police of Ukraine"
    text = response.content.decode()
    for name in (OLGA, OLHA, "olga", "Kuznetsova", "Kovaleva"):
        assert name not in text, name
    assert len(client.get(PAIRS, {"status": "any"}).json()["results"]) == 3
    assert [r["status"] for r in client.get(PAIRS, {"status": "rejected"}).json()["results"]] == ["rejected"]
    bad = client.get(PAIRS, {"status": "maybe"})
    assert bad.status_code == 400 and "status" in bad.json()["extra"]["fields"]


def test_deciding_a_pair_by_the_api(police: Any, reviewer: Any) -> None:
    pair = review_pair(police)
    client = _client(reviewer)
    url = reverse("api:matching-pair-decide", kwargs={"pk": pair.pk})
    before = _written()
    for body, status in [
        ({"decision": "maybe", "version": pair.version}, 400),
        ({"decision": "confirmed"}, 400),
        ({"decision": "confirmed", "version": 0}, 400),
        ({"decision": "confirmed", "version": pair.version, "note": "x"}, 400),
        ({"decision": "confirmed", "version": pair.version + 1}, 409),
    ]:
        assert _post(client, url, body).status_code == status, body
        assert _written() == before
    answer = _post(client, url, {"decision": "rejected", "version": pair.version}).json()
    assert answer["status"] == "rejected" and answer["version"] == pair.version + 1


# --- Merges ---------------------------------------------------------------------------------------------------------
def test_merge_and_undo_by_the_api(police: Any, shelter: Any, reviewer: Any) -> None:
    olga = make_person(police, OLGA, birth_date="1999-03-04")
    olha = make_person(shelter, OLHA, birth_date="1999-04-03")
    pair = make_pair(olga, olha)
    client = _client(reviewer)
    before = _written()
    for body, code in [
        ({"survivor": olga.pk, "merged": olga.pk}, "merge_self"),
        ({"survivor": olga.pk, "merged": olha.pk, "birth_from": "both"}, "invalid"),
        ({"survivor": olga.pk}, "invalid"),
        ({"survivor": "x", "merged": olha.pk}, "invalid"),
    ]:
        response = _post(client, MERGES, body)
        assert response.status_code == 400 and response.json()["code"] == code, (body, response.content)
        assert _written() == before
    refused = _post(client, MERGES, {"survivor": olga.pk, "merged": olha.pk, "pair": pair.pk})
    answer = refused.json()
    assert refused.status_code == 400 and answer["code"] == "merge_choice_required"
    assert "birth_from" in answer["extra"]["fields"] and "birth_date" in answer["extra"]["differing"]
    assert _written() == before

    created = _post(client, MERGES, {"survivor": olga.pk, "merged": olha.pk, "pair": pair.pk, "birth_from": "merged"})
    assert created.status_code == 201, created.content
    merge = created.json()
    assert merge["birth_data_taken"] is True and merge["moved"]["people.personname.person"] == 1
    assert [row["id"] for row in client.get(MERGES).json()["results"]] == [merge["id"]]
    olga.refresh_from_db()
    assert olga.birth_date == "1999-04-03"

    undo = reverse("api:matching-merge-undo", kwargs={"pk": merge["id"]})
    undone = _post(client, undo, {})
    assert undone.status_code == 200 and undone.json()["undone_at"]
    olga.refresh_from_db()
    olha.refresh_from_db()
    assert olga.birth_date == "1999-03-04" and olha.merged_into_id is None
    assert list(PersonName.objects.filter(person=olha).values_list("name", "kind")) == [(OLHA, "primary")]
    again = _post(client, undo, {})
    assert again.status_code == 400 and again.json()["code"] == "merge_undone"


# --- Jobs -----------------------------------------------------------------------------------------------------------
def test_the_jobs_progress(reviewer: Any) -> None:
    job = DedupeJob.objects.create(country="UA", threshold=0.9, step="predicting", done=30, total=120)
    DedupeJob.objects.create(country="BR", threshold=0.9)
    client = _client(reviewer)
    rows = client.get(reverse("api:matching-job-list")).json()["results"]
    assert [(r["id"], r["status"], r["step"], r["done"], r["total"]) for r in rows] == [
        (job.pk, "running", "predicting", 30, 120)
    ]
    assert client.get(reverse("api:matching-job-detail", kwargs={"pk": job.pk})).json()["done"] == 30


# --- Access requests ------------------------------------------------------------------------------------------------
def test_an_access_request_from_the_checks_token_to_the_holders_answer(police: Any, shelter: Any) -> None:
    held = make_person(police, OLGA, birth_date="1999")
    worker_user = make_user(shelter, roles=("frontline_identifier",))
    worker = _client(worker_user)
    token = _post(worker, MATCH, {"names": [OLHA], "birth_date": "1999"}).json()["candidates"][0]["token"]
    before = _written()
    for body, status, code in [
        ({"token": token, "reason": ""}, 400, "invalid"),
        ({"token": token, "reason": "x" * 1001}, 400, "invalid"),
        ({"token": token + "x", "reason": "She is here"}, 400, "invalid_token"),
        ({"token": token}, 400, "invalid"),
        ({"token": token, "reason": "She is here", "person": held.pk}, 400, "invalid"),
    ]:
        response = _post(worker, REQUESTS, body)
        assert response.status_code == status and response.json()["code"] == code, (body, response.content)
        assert _written() == before
    stranger = _client(make_user(shelter, roles=("frontline_identifier",)))
    assert _post(stranger, REQUESTS, {"token": token, "reason": "Not my token"}).status_code == 400

    created = _post(worker, REQUESTS, {"token": token, "reason": "She is in our shelter."})
    assert created.status_code == 201
    access = created.json()
    assert access["person"] is None and access["status"] == "pending"
    assert _post(worker, REQUESTS, {"token": token, "reason": "Again"}).status_code == 409
    answer = reverse("api:matching-access-request-answer", kwargs={"pk": access["id"]})
    assert _post(worker, answer, {"grant": True}).status_code == 404  # the asker does not answer

    holder = _client(make_user(police, roles=("case_manager",)))
    received = holder.get(REQUESTS, {"box": "received"}).json()["results"]
    assert [(r["id"], r["person"]) for r in received] == [(access["id"], held.pk)]
    assert holder.get(REQUESTS, {"box": "sent"}).json()["results"] == []
    assert holder.get(REQUESTS, {"box": "all"}).status_code == 400
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    before = _written()
    for body in ({"grant": "perhaps"}, {"grant": True, "until": yesterday}, {"grant": True, "until": "2030-02-30"}, {}):
        response = _post(holder, answer, body)
        assert response.status_code == 400, (body, response.content)
        assert _written() == before
    until = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    granted = _post(holder, answer, {"grant": True, "until": until, "note": "For the referral."})
    assert granted.status_code == 200 and granted.json()["grant_until"] == until
    mine = worker.get(REQUESTS, {"box": "sent"}).json()["results"]
    assert [(r["status"], r["person"]) for r in mine] == [("granted", held.pk)]
    assert worker.get(reverse("api:person-detail", kwargs={"pk": held.pk})).status_code == 200
    assert _post(holder, answer, {"grant": False}).json()["code"] == "answered"
    assert worker_user.pk == AccessRequest.objects.get().requested_by_id


# --- The OpenAPI document -------------------------------------------------------------------------------------------
def test_the_openapi_document_describes_the_matching_endpoints(db: Any) -> None:
    schema = Client().get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/persons/match/",
        "/api/v1/matching/pairs/",
        "/api/v1/matching/pairs/{id}/decide/",
        "/api/v1/matching/merges/",
        "/api/v1/matching/merges/{id}/undo/",
        "/api/v1/matching/jobs/",
        "/api/v1/matching/access-requests/",
        "/api/v1/matching/access-requests/{id}/answer/",
    ):
        assert path in paths, path
    check = paths["/api/v1/persons/match/"]["post"]
    assert {"200", "400", "401", "404"} <= set(check["responses"])
    assert "no_name" in check["description"]
