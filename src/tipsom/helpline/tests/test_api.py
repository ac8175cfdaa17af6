"""/api/v1/helpline/contacts/: masked caller fields, the queue's order, cursor paging, the service's messages for
bad input, promotion to a case and referral; and the anonymous web tip that holds no caller data anywhere in the
database (done-when 2 of issue 14: a raw scan of the stored database)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import sign_in
from tipsom.audit.models import AuditEvent
from tipsom.core.testing import database_bytes
from tipsom.helpline.models import Contact
from tipsom.helpline.testing import BRICK_KILN_CALL, make_contact, make_helpline, make_operator
from tipsom.organizations.testing import make_organization
from tipsom.referrals.testing import make_service


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def test_the_api_masks_the_caller_and_reveals_with_a_reason(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    client = _client(operator)
    detail = client.get(reverse("api:helpline-contact-detail", kwargs={"pk": contact.pk})).json()
    assert detail["caller"]["caller_name"] == "••••••" and detail["caller"]["caller_email"] == ""
    assert "محمد اسلم" not in str(detail) and detail["recommendation"] == "likely_child_victim"
    listed = client.get(reverse("api:helpline-contact-list")).json()["results"]
    assert listed[0]["reference"] == contact.reference and "caller" not in listed[0]
    url = reverse("api:helpline-contact-reveal", kwargs={"pk": contact.pk})
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 400
    revealed = client.post(url, {"reason": "to call the father back"}, content_type="application/json").json()
    assert revealed["caller_name"] == "محمد اسلم"


def test_the_api_queue_is_ordered_by_urgency_then_age(operator):
    routine = make_contact(actor=operator)
    danger = make_contact(actor=operator, urgency="emergency")
    urgent = make_contact(actor=operator, urgency="urgent")
    rows = _client(operator).get(reverse("api:helpline-contact-queue")).json()["results"]
    assert [row["id"] for row in rows] == [danger.pk, urgent.pk, routine.pk]


def test_the_api_list_pages_by_cursor_and_filters(operator):
    for _ in range(5):
        make_contact(actor=operator)
    make_contact(actor=operator, contact_type="prank", caller_role="")
    client = _client(operator)
    first = client.get(reverse("api:helpline-contact-list"), {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert {r["id"] for r in second["results"]}.isdisjoint({r["id"] for r in first["results"]})
    pranks = client.get(reverse("api:helpline-contact-list"), {"contact_type": "prank"}).json()["results"]
    assert len(pranks) == 1
    assert client.get(reverse("api:helpline-contact-list"), {"urgency": "soon"}).status_code == 400


def test_the_api_gives_the_service_s_messages_and_writes_nothing(operator):
    client = _client(operator)
    url = reverse("api:helpline-contact-list")
    response = client.post(
        url, {"contact_type": "tip", "caller_role": "anonymous", "caller_name": "Zé"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "caller_name" in body["extra"]["fields"]
    response = client.post(url, {"contact_type": "tip", "nickname": "x"}, content_type="application/json")
    assert response.status_code == 400 and "nickname" in response.json()["extra"]["fields"]
    assert not Contact.objects.exists()


def test_the_api_update_needs_the_version(operator):
    contact = make_contact(actor=operator)
    client = _client(operator)
    url = reverse("api:helpline-contact-detail", kwargs={"pk": contact.pk})
    assert client.patch(url, {"urgency": "urgent"}, content_type="application/json").status_code == 400
    stale = client.patch(url, {"urgency": "urgent", "version": 9}, content_type="application/json")
    assert stale.status_code == 409
    done = client.put(url, {"urgency": "urgent", "version": 1}, content_type="application/json")
    assert done.status_code == 200 and done.json()["urgency"] == "urgent" and done.json()["version"] == 2


def test_promote_and_refer_through_the_api(operator):
    contact = make_contact(actor=operator, **BRICK_KILN_CALL)
    client = _client(operator)
    promoted = client.post(
        reverse("api:helpline-contact-promote", kwargs={"pk": contact.pk}),
        {
            "person": {"names": [{"name": "عمران اسلم"}], "gender": "Masculine", "is_presumed_minor": True},
            "consents": [
                {"purpose": "data_processing", "given": True, "given_by": "guardian"},
                {"purpose": "referral", "given": True, "given_by": "guardian", "service_types": ["SocialCare"]},
            ],
        },
        content_type="application/json",
    )
    assert promoted.status_code == 201, promoted.content
    assert promoted.json()["contact"]["case_number"] == promoted.json()["case_number"]
    service = make_service(make_organization("PK", functions=["child_protection"]), "child_protection")
    referred = client.post(
        reverse("api:helpline-contact-refer", kwargs={"pk": contact.pk}),
        {"service_id": service.pk},
        content_type="application/json",
    )
    assert referred.status_code == 201, referred.content
    assert referred.json()["contact"]["referrals"] == [referred.json()["referral"]]


def test_another_helpline_gets_404_from_every_step(operator):
    contact = make_contact(actor=operator)
    stranger = _client(make_operator(make_helpline("PK")))
    for name, method in [("detail", "get"), ("reveal", "post"), ("close", "post"), ("promote", "post")]:
        url = reverse(f"api:helpline-contact-{name}", kwargs={"pk": contact.pk})
        response = getattr(stranger, method)(url, {}, content_type="application/json")
        assert response.status_code == 404, (name, response.status_code)


# Done-when 2 of issue 14: an anonymous web tip holds no caller data anywhere in the database.
TIP_SECRETS = ["Farhan Qureshi", "farhan.tipster@example.org", "+923451234987", "0345 1234987", "Kestrelwing"]


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_web_tip_holds_no_caller_data_anywhere(tmp_path):
    helpline = make_helpline("PK", name="Visible Helpline")
    operator = make_operator(helpline)
    client = _client(operator)
    url = reverse("api:helpline-contact-list")
    tip = {
        "contact_type": "tip",
        "channel": "web_form",
        "caller_role": "anonymous",
        "summary": "Women kept in a house behind the Ravi textile mill",
        "exploitation_types": ["SexualExploitation"],
    }
    # The caller's details, however given, are refused: nothing of them is written, not even in the audit log.
    for extra in (
        {"caller_name": TIP_SECRETS[0]},
        {"caller_email": TIP_SECRETS[1]},
        {"caller_number": TIP_SECRETS[2]},
        {"callback_consent": True, "callback_number": TIP_SECRETS[3], "callback_code_word": TIP_SECRETS[4]},
    ):
        assert client.post(url, {**tip, **extra}, content_type="application/json").status_code == 400
    # On the screen, what was typed before choosing "anonymous" is dropped, not sent.
    screen = client.post(
        reverse("helpline:create"),
        {
            "contact_type": "tip",
            "channel": "web_form",
            "direction": "incoming",
            "started_at": "2026-01-05T10:00",
            "caller_role": "anonymous",
            "caller_name": TIP_SECRETS[0],
            "caller_email": TIP_SECRETS[1],
            "caller_number": TIP_SECRETS[2],
            "callback_consent": "on",
            "callback_number": TIP_SECRETS[3],
            "callback_code_word": TIP_SECRETS[4],
            "urgency": "routine",
        },
    )
    assert screen.status_code == 302
    assert client.post(url, tip, content_type="application/json").status_code == 201
    assert Contact.objects.filter(caller_role="anonymous").count() == 2
    assert all(c.caller_number_index == "" for c in Contact.objects.all())
    assert AuditEvent.objects.filter(action="helpline.contact.create").count() == 2

    raw = database_bytes(tmp_path)

    assert b"Visible Helpline" in raw, "the scan must see plain columns, or it proves nothing"
    for secret in TIP_SECRETS:
        assert secret.encode() not in raw, secret
    assert b"Ravi textile" not in raw  # the tip itself is encrypted too
