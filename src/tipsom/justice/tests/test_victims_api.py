"""/api/v1/justice/victims/ and /api/v1/justice/hearings/: writes through the services, refusals that change
nothing, reveals as POSTs with a reason, the same scope as the screens, and list query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.testing import make_case
from tipsom.justice.models import Hearing, SuspectVictimRelation, VictimInProceedings
from tipsom.justice.testing import make_suspect
from tipsom.justice.tests.test_victims_services import REASON, World, counting, victims_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return victims_world()


def api(user: Any) -> Client:
    return sign_in(Client(), user)


def post(client: Client, name: str, data: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(reverse(name, kwargs=kwargs or None), data, content_type="application/json")


def patch(client: Client, name: str, data: dict[str, Any], pk: int) -> Any:
    return client.patch(reverse(name, kwargs={"pk": pk}), data, content_type="application/json")


def soon(days: int = 3) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


def test_victim_create_update_list_and_no_name(world: World) -> None:
    client = api(world.prosecutor)
    created = post(
        client,
        "api:justice-victim-list",
        {
            "criminal_case": world.criminal_case.pk,
            "case_number": world.victim_case.case_number,
            "role": "witness",
            "protection_measures": ["video_link"],
            "statement": "He kept my passport.",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["case_number"] == world.victim_case.case_number
    assert body["sex"] == "Feminine" and body["birth_year"] == 1990
    assert "statement" not in body
    changed = patch(
        client,
        "api:justice-victim-detail",
        {"compensation_claimed": "1000.50", "currency": "BRL", "version": 1},
        body["id"],
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["compensation_claimed"] == "1000.50"
    listed = client.get(reverse("api:justice-victim-list"), {"criminal_case": world.criminal_case.pk})
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    assert b"Maria" not in listed.content and b"passport" not in listed.content


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"case_number": "63"}, "case_number"),
        ({"case_number": "BR-1999-000001"}, "case_number"),
        ({"role": "judge"}, "role"),
        ({"protection_measures": ["magic"]}, "protection_measures"),
        ({"compensation_claimed": "-1", "currency": "BRL"}, "compensation_claimed"),
        ({"compensation_claimed": 5}, "currency"),
        ({"colour": "red"}, "colour"),
        ({"criminal_case": "abc"}, "criminal_case"),
    ],
)
def test_victim_create_refusals(world: World, data: dict[str, Any], field: str) -> None:
    payload = {
        "criminal_case": world.criminal_case.pk,
        "case_number": world.victim_case.case_number,
        "role": "witness",
        **data,
    }
    response = post(api(world.prosecutor), "api:justice-victim-list", payload)
    assert response.status_code == 400, response.content
    assert field in response.json()["extra"]["fields"]
    assert not VictimInProceedings.objects.exists()


def test_victim_scope_and_reveals(world: World) -> None:
    link = world.link(statement="He kept my passport.")
    rapporteur = api(world.rapporteur)
    assert rapporteur.get(reverse("api:justice-victim-detail", kwargs={"pk": link.pk})).status_code == 200
    for name in ("api:justice-victim-reveal-identity", "api:justice-victim-reveal-statement"):
        assert post(rapporteur, name, {"reason": REASON}, pk=link.pk).status_code == 404
    assert patch(rapporteur, "api:justice-victim-detail", {"role": "civil_party"}, link.pk).status_code == 404
    assert (
        post(api(world.case_manager), "api:justice-victim-reveal-identity", {"reason": REASON}, pk=link.pk).status_code
        == 404
    )
    prosecutor = api(world.prosecutor)
    refused = post(prosecutor, "api:justice-victim-reveal-statement", {"reason": "asdf"}, pk=link.pk)
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    assert not AuditEvent.objects.filter(action="reveal").exists()
    identity = post(prosecutor, "api:justice-victim-reveal-identity", {"reason": REASON}, pk=link.pk)
    assert identity.status_code == 200
    assert identity.json()["names"][0]["name"] == "Maria Flores Condori"
    statement = post(prosecutor, "api:justice-victim-reveal-statement", {"reason": REASON}, pk=link.pk)
    assert statement.json() == {"statement": "He kept my passport."}


def test_relations_through_the_api(world: World) -> None:
    link = world.link()
    suspect = make_suspect(world.criminal_case)
    client = api(world.investigator)
    bad = post(client, "api:justice-victim-relations", {"suspect": suspect.pk, "relationship": "Boss"}, pk=link.pk)
    assert bad.status_code == 400 and "relationship" in bad.json()["extra"]["fields"]
    assert not SuspectVictimRelation.objects.exists()
    good = post(client, "api:justice-victim-relations", {"suspect": suspect.pk, "relationship": "Familial"}, pk=link.pk)
    assert good.status_code == 200 and good.json()["relationship"] == "Familial"


def test_hearings_through_the_api(world: World) -> None:
    link = world.link()
    client = api(world.prosecutor)
    base = {"criminal_case": world.criminal_case.pk, "kind": "trial", "starts_at": soon(), "court_name": "Court"}
    for bad, field in (
        ({"kind": "party"}, "kind"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"court_name": ""}, "court"),
        ({"victims": [999999]}, "victims"),
    ):
        response = post(client, "api:justice-hearing-list", {**base, **bad})
        assert response.status_code == 400, bad
        assert field in response.json()["extra"]["fields"], response.json()
    assert not Hearing.objects.exists()
    created = post(client, "api:justice-hearing-list", {**base, "victims": [link.pk]})
    assert created.status_code == 201 and created.json()["victims"] == [link.pk]
    pk = created.json()["id"]
    changed = patch(client, "api:justice-hearing-detail", {"room": "4", "victims": []}, pk)
    assert changed.status_code == 200 and changed.json()["victims"] == []
    assert post(api(world.rapporteur), "api:justice-hearing-cancel", {}, pk=pk).status_code == 404
    cancelled = post(client, "api:justice-hearing-cancel", {"reason": "Postponed"}, pk=pk)
    assert cancelled.status_code == 204 and not Hearing.objects.exists()


def test_lists_cost_the_same_at_any_size(world: World) -> None:
    client = api(world.prosecutor)
    world.link()
    base = {"criminal_case": world.criminal_case.pk, "kind": "trial", "starts_at": soon(), "court_name": "C"}
    post(client, "api:justice-hearing-list", base)
    with counting() as few:
        assert client.get(reverse("api:justice-victim-list")).status_code == 200
        assert client.get(reverse("api:justice-hearing-list")).status_code == 200
    assert len(few) <= 20, few
    for _ in range(4):
        extra = make_case(world.ngo)
        post(
            client,
            "api:justice-victim-list",
            {"criminal_case": world.criminal_case.pk, "case_number": extra.case_number, "role": "witness"},
        )
        post(client, "api:justice-hearing-list", base)
    with counting() as many:
        victims = client.get(reverse("api:justice-victim-list"))
        hearings = client.get(reverse("api:justice-hearing-list"))
    assert len(many) <= len(few), many
    assert len(victims.json()["results"]) == 5 and len(hearings.json()["results"]) == 5
