"""Audit API: only auditors reach it, within their country; filters, keyset order, bad dates; nothing edits it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase, make_user, organization_of, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.audit.services import audit_record
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization


def _event(organization: Organization, action: str = "test.happened", **fields: Any) -> AuditEvent:
    return audit_record(actor=None, action=action, organization=organization, **fields)


class TestAuditEventListApi(AccessCase):
    url_name = "api:audit-event-list"
    permitted_role = "auditor"
    scope = "national"

    def make_object(self, organization: Organization) -> None:
        _event(
            organization,
            action="test.listed",
            object_type="organizations.organization",
            object_id=organization.pk,
            actor_label=organization.name,
        )

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert "test.listed" in [row["action"] for row in response.json()["results"]]


class TestAuditEventDetailApi(AccessCase):
    url_name = "api:audit-event-detail"
    permitted_role = "auditor"
    scope = "national"
    model = AuditEvent

    def make_object(self, organization: Organization) -> AuditEvent:
        return _event(organization, object_type="organizations.organization", object_id=organization.pk)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert (body["sequence"], body["hash"], body["version"]) == (obj.sequence, obj.hash, 2)
        assert (body["position"], body["chain_hash"]) == (None, "")  # appended, not chained yet


@pytest.fixture
def auditor(db: Any) -> User:
    return make_user(make_organization("BR"), roles=("auditor",))


def _list(client: Client, **params: Any) -> Any:
    return client.get(reverse("api:audit-event-list"), params)


def test_filters_by_actor_action_object_and_time(auditor: User) -> None:
    home = organization_of(auditor)
    clerk = make_user(home, username="clerk.one")
    audit_record(actor=clerk, action="organization.update", target=home)
    audit_record(actor=None, action="auth.login_failed", organization=home, actor_label="clerk.one")
    _event(home, action="organization.create", object_type="organizations.organization", object_id="77")
    client = sign_in(Client(), auditor)

    def actions(**params: Any) -> list[str]:
        response = _list(client, **params)
        assert response.status_code == 200, response.content
        return [row["action"] for row in response.json()["results"]]

    assert actions(actor="CLERK.ONE") == ["auth.login_failed", "organization.update"]
    assert actions(action="organization.create") == ["organization.create"]
    assert actions(action="organization.") == ["organization.create", "organization.update"]
    assert actions(object_type="organizations.organization", object_id="77") == ["organization.create"]
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert actions(created_after=future) == []
    assert len(actions(created_before=future, actor="clerk.one")) == 2
    assert actions(created_after="2000-01-01", action="organization.create") == ["organization.create"]


@pytest.mark.parametrize(
    "params",
    [
        {"created_after": "yesterday"},
        {"created_before": "2024-13-45"},
        {"created_after": "2024-05-02T00:00:00Z", "created_before": "2024-05-01T00:00:00Z"},
    ],
)
def test_invalid_dates_are_400_with_the_error_shape(auditor: User, params: dict[str, str]) -> None:
    response = _list(sign_in(Client(), auditor), **params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["extra"]["fields"]) & {"created_after", "created_before"}


def test_newest_first_in_keyset_pages(auditor: User) -> None:
    for number in range(5):
        _event(organization_of(auditor), action=f"test.{number}")
    client = sign_in(Client(), auditor)
    first = _list(client, page_size=3).json()
    second = client.get(first["next"]).json()
    sequences = [row["sequence"] for row in first["results"] + second["results"]]
    assert sequences == sorted(sequences, reverse=True)
    assert len(set(sequences)) == len(sequences) >= 5


def test_other_countries_events_are_not_listed(auditor: User) -> None:
    _event(make_organization("CO"), action="test.elsewhere")
    _event(organization_of(auditor), action="test.here")
    actions = [row["action"] for row in _list(sign_in(Client(), auditor)).json()["results"]]
    assert "test.here" in actions and "test.elsewhere" not in actions


def test_the_log_cannot_be_written_through_the_api(auditor: User) -> None:
    event = _event(organization_of(auditor))
    client = sign_in(Client(), auditor)
    count = AuditEvent.objects.count()
    detail = reverse("api:audit-event-detail", kwargs={"pk": event.pk})
    listing = reverse("api:audit-event-list")
    assert client.post(listing, {"action": "x"}, content_type="application/json").status_code == 405
    assert client.patch(detail, {"action": "x"}, content_type="application/json").status_code == 405
    assert client.delete(detail).status_code == 405
    assert AuditEvent.objects.count() == count
    event.refresh_from_db()
    assert event.action == "test.happened"


def test_event_list_queries_do_not_grow_with_the_rows(auditor: User, django_assert_num_queries: Any) -> None:
    client = sign_in(Client(), auditor)
    client.get(reverse("api:audit-event-list"))  # warm the session
    for _ in range(3):
        audit_record(actor=auditor, action="test.few")
    with CaptureQueriesContext(connection) as few:
        assert _list(client).status_code == 200
    for _ in range(6):
        audit_record(actor=make_user(auditor.organization), action="test.more")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(_list(client).json()["results"]) >= 9
