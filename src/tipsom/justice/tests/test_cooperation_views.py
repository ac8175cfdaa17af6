"""The Cooperation tab and its forms, /api/v1/justice/cooperation/, and who may reach them (every URL and the
model justice.cooperationrequest: anonymous, unpermitted, other organization, permitted)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import AccessCase, sign_in
from tipsom.justice.models import CooperationRequest
from tipsom.justice.services.cooperation import cooperation_request_create
from tipsom.justice.testing import make_criminal_case
from tipsom.justice.tests.test_victims_services import World, counting, victims_world
from tipsom.organizations.models import Organization


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def make_request(organization: Organization, **fields: Any) -> CooperationRequest:
    values = {
        "kind": "mla",
        "direction": "outgoing",
        "countries": ["PY"],
        "authority": "Paraguay central authority",
        "status": "sent",
        "sent_on": days(-40),
        "deadline": days(-3),
        **fields,
    }
    return CooperationRequest.objects.create(criminal_case=make_criminal_case(organization), **values)


@pytest.fixture
def world(db: Any) -> World:
    return victims_world()


def create(world: World, **values: Any) -> CooperationRequest:
    data = {
        "kind": "mla",
        "direction": "outgoing",
        "countries": ["PY"],
        "authority": "Ministry of Justice of Paraguay",
        "status": "sent",
        "sent_on": days(-30),
        "deadline": days(-2),
        **values,
    }
    return cooperation_request_create(actor=world.prosecutor, criminal_case=world.criminal_case, **data)


def tab(world: World) -> str:
    return reverse("justice:cooperation", kwargs={"pk": world.criminal_case.pk})


# --- Screens -----------------------------------------------------------------------------------------------------
def test_tab_flags_overdue_requests(world: World) -> None:
    late = create(world)
    create(world, deadline=days(10))
    response = sign_in(Client(), world.investigator).get(tab(world))
    assert response.status_code == 200
    assert b'data-overdue-count="1"' in response.content
    assert f'data-cooperation="{late.pk}" class="table-danger" data-overdue'.encode() in response.content


def test_forms_refuse_bad_input_and_save_good(world: World) -> None:
    client = sign_in(Client(), world.prosecutor)
    address = reverse("justice:cooperation_add", kwargs={"pk": world.criminal_case.pk})
    base = {"kind": "mla", "direction": "outgoing", "countries": ["PY"], "authority": "Paraguay", "status": "draft"}
    for bad, message in (
        ({"countries": ["BR"]}, b"not the case"),
        ({"status": "sent", "sent_on": days(-2), "deadline": days(-5)}, b"deadline cannot be before"),
        ({"status": "answered", "sent_on": days(-5)}, b"date of the answer"),
        ({"sent_on": days(-5), "answered_on": days(-9)}, b"cannot come before"),
        ({"kind": "jit", "starts_on": days(5), "ends_on": days(1)}, b"cannot end before"),
        ({"authority": ""}, b"required"),
    ):
        response = client.post(address, {**base, **bad})
        assert response.status_code == 400, bad
        assert message in response.content, (bad, response.content[-3000:])
    assert not CooperationRequest.objects.exists()
    assert (
        client.post(address, {**base, "status": "sent", "sent_on": days(-1), "deadline": days(30)}).status_code == 302
    )
    request = CooperationRequest.objects.get()
    edit = reverse("justice:cooperation_edit", kwargs={"pk": world.criminal_case.pk, "request_id": request.pk})
    assert client.get(edit).status_code == 200
    stale = client.post(edit, {**base, "status": "in_progress", "sent_on": days(-1), "version": 4})
    assert stale.status_code == 409
    saved = client.post(edit, {**base, "status": "in_progress", "sent_on": days(-1), "version": 1})
    assert saved.status_code == 302
    answer = reverse("justice:cooperation_answer", kwargs={"pk": world.criminal_case.pk, "request_id": request.pk})
    assert client.get(answer).status_code == 200
    early = client.post(answer, {"status": "answered", "answered_on": days(-3), "version": 2})
    assert early.status_code == 400
    assert client.post(answer, {"status": "refused", "answered_on": days(0), "version": 2}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.answered_on) == ("refused", days(0))


# --- API ---------------------------------------------------------------------------------------------------------
def test_api_create_update_answer_and_overdue_filter(world: World) -> None:
    client = sign_in(Client(), world.prosecutor)
    listing = reverse("api:justice-cooperation-list")
    payload = {
        "criminal_case": world.criminal_case.pk,
        "kind": "extradition",
        "direction": "incoming",
        "countries": ["AR"],
        "authority": "Argentine embassy",
        "status": "sent",
        "sent_on": str(days(-20)),
        "deadline": str(days(-1)),
    }
    for bad, field in (
        ({"countries": ["BR"]}, "countries"),
        ({"deadline": str(days(-30))}, "deadline"),
        ({"kind": "favour"}, "kind"),
        ({"sent_on": "yesterday"}, "sent_on"),
        ({"extra": 1}, "extra"),
    ):
        response = client.post(listing, {**payload, **bad}, content_type="application/json")
        assert response.status_code == 400, bad
        assert field in response.json()["extra"]["fields"], response.json()
    assert not CooperationRequest.objects.exists()
    created = client.post(listing, payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["is_overdue"] is True
    pk = created.json()["id"]
    assert [row["id"] for row in client.get(listing, {"overdue": "true"}).json()["results"]] == [pk]
    detail = reverse("api:justice-cooperation-detail", kwargs={"pk": pk})
    refused = client.patch(detail, {"status": "answered"}, content_type="application/json")
    assert refused.status_code == 400 and "answered_on" in refused.json()["extra"]["fields"]
    good = client.patch(detail, {"deadline": str(days(40)), "version": 1}, content_type="application/json")
    assert good.status_code == 200 and good.json()["is_overdue"] is False
    answer = reverse("api:justice-cooperation-answer", kwargs={"pk": pk})
    answered = client.post(answer, {"answered_on": str(days(0))}, content_type="application/json")
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert client.get(listing, {"overdue": "true"}).json()["results"] == []


def test_api_list_costs_the_same_at_any_size(world: World) -> None:
    client = sign_in(Client(), world.prosecutor)
    create(world)
    with counting() as few:
        assert client.get(reverse("api:justice-cooperation-list")).status_code == 200
    for _ in range(5):
        create(world)
    with counting() as many:
        response = client.get(reverse("api:justice-cooperation-list"))
    assert len(many) <= len(few) and len(response.json()["results"]) == 6


# --- Access ------------------------------------------------------------------------------------------------------
class _OnRequest(AccessCase):
    permitted_role = "prosecutor"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_request(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert isinstance(obj, CooperationRequest)
        return {"pk": obj.criminal_case_id, "request_id": obj.pk}


class TestCooperationTab(_OnRequest):
    url_name = "justice:cooperation"
    model = CooperationRequest

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert isinstance(obj, CooperationRequest)
        return {"pk": obj.criminal_case_id}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"Paraguay central authority" in response.content and b"data-overdue-count" in response.content


class TestCooperationTabNational(TestCooperationTab):
    permitted_role = "national_rapporteur"
    scope = "national"


class TestCooperationAdd(TestCooperationTab):
    url_name = "justice:cooperation_add"
    permitted_role = "investigator"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        pass


class TestCooperationAddPost(TestCooperationAdd):
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"kind": "jit", "direction": "outgoing", "countries": ["AR"], "authority": "Eurojust", "status": "draft"}


class TestCooperationEdit(_OnRequest):
    url_name = "justice:cooperation_edit"


class TestCooperationEditPost(_OnRequest):
    url_name = "justice:cooperation_edit"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {
            "kind": "mla",
            "direction": "outgoing",
            "countries": ["PY"],
            "authority": "Paraguay",
            "status": "in_progress",
            "sent_on": days(-40),
            "deadline": days(5),
            "version": 1,
        }


class TestCooperationAnswer(_OnRequest):
    url_name = "justice:cooperation_answer"


class TestCooperationAnswerPost(_OnRequest):
    url_name = "justice:cooperation_answer"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"status": "answered", "answered_on": days(-1), "version": 1}


class TestCooperationApiList(AccessCase):
    url_name = "api:justice-cooperation-list"
    permitted_role = "investigator"

    def make_object(self, organization: Organization) -> models.Model | None:
        make_request(organization)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert len(response.json()["results"]) == 1


class TestCooperationApiListNational(TestCooperationApiList):
    permitted_role = "national_rapporteur"
    scope = "national"


class TestCooperationApiCreate(AccessCase):
    url_name = "api:justice-cooperation-list"
    permitted_role = "prosecutor"
    method = "post"
    permitted_status = 201

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_criminal_case(organization)

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        assert obj is not None
        return {"criminal_case": obj.pk, "kind": "mla", "direction": "incoming", "countries": ["CO"], "authority": "X"}


class _ApiRequest(AccessCase):
    permitted_role = "prosecutor"

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_request(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}


class TestCooperationApiDetail(_ApiRequest):
    url_name = "api:justice-cooperation-detail"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["is_overdue"] is True


class TestCooperationApiPatch(_ApiRequest):
    url_name = "api:justice-cooperation-detail"
    method = "patch"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"subject": "Phone records"}


class TestCooperationApiAnswer(_ApiRequest):
    url_name = "api:justice-cooperation-answer"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"answered_on": str(days(0)), "status": "refused"}
