"""The auditor's screen: who may search the log, what the search finds, keyset pages, one event in full."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase, make_user, organization_of, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.audit.services import audit_record
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization


def _event(organization: Organization, action: str = "case.update", **fields: Any) -> AuditEvent:
    actor = fields.pop("actor", None) or make_user(organization, username=f"actor{AuditEvent.objects.count()}")
    return audit_record(
        actor=actor,
        action=action,
        organization=organization,
        object_type=fields.pop("object_type", "cases.case"),
        object_id=fields.pop("object_id", 7),
        changes=fields.pop("changes", {"status": ["open", "closed"]}),
        **fields,
    )


# --- Access ---------------------------------------------------------------------------------------------------
class TestAuditEventList(AccessCase):
    url_name = "audit:event_list"
    permitted_role = "auditor"
    scope = "national"

    def make_object(self, organization: Organization) -> None:
        _event(organization, action="case.visible_to_auditor")
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert "case.visible_to_auditor" in content
        brazilian = Organization.objects.filter(country="BR").first()
        assert brazilian is not None and brazilian.name in content


class TestAuditEventDetail(AccessCase):
    url_name = "audit:event_detail"
    permitted_role = "auditor"
    scope = "national"
    model = AuditEvent

    def make_object(self, organization: Organization) -> AuditEvent:
        return _event(organization, changes={"status": ["open", "closed"], "note": "ção"}, reason="court order 12")

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert obj.hash in content and "Not chained yet" in content
        assert "court order 12" in content
        assert "&quot;note&quot;: &quot;ção&quot;" in content  # pretty-printed JSON, not escaped to \u


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["case_manager", "system_administrator", "national_coordinator"])
def test_only_auditors_open_the_log(role: str):
    organization = make_organization("BR")
    event = _event(organization)
    client = sign_in(Client(), make_user(organization, roles=(role,)))
    assert client.get(reverse("audit:event_list")).status_code == 404
    assert client.get(reverse("audit:event_detail", kwargs={"pk": event.pk})).status_code == 404


# --- Search -------------------------------------------------------------------------------------------------------
@pytest.fixture
def auditor(db: Any) -> User:
    return make_user(make_organization("BR", name="Controladoria"), roles=("auditor",))


def _sequences(client: Client, **params: Any) -> list[int]:
    response = client.get(reverse("audit:event_list"), params)
    assert response.status_code == 200, response.content[:500]
    return [event.sequence for event in response.context["events"]]


def test_search_by_user_object_action_and_date(auditor: User):
    organization = organization_of(auditor)
    maria = make_user(organization, username="maria.silva")
    by_maria = _event(organization, actor=maria, action="user.update", object_type="accounts.user", object_id=42)
    other = _event(organization, action="organization.update", object_type="organizations.organization")
    failed = audit_record(actor=None, action="auth.login_failed", organization=organization, actor_label="maria.silva")
    client = sign_in(Client(), auditor)
    assert _sequences(client, user="MARIA.SILVA") == [failed.sequence, by_maria.sequence]
    assert _sequences(client, object_type="accounts.user", object_id="42") == [by_maria.sequence]
    assert _sequences(client, action="organization.update") == [other.sequence]
    assert _sequences(client, action="user.") == [by_maria.sequence]
    today = timezone.localdate()
    assert len(_sequences(client, date_from=today.isoformat(), date_to=today.isoformat())) == 3
    assert _sequences(client, date_to=(today - timedelta(days=1)).isoformat()) == []
    assert _sequences(client, date_from=(today + timedelta(days=1)).isoformat()) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2024-13-45"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2024-05-02", "date_to": "2024-05-01"}, "date_to"),
    ],
)
def test_bad_dates_are_a_form_error_not_a_crash(auditor: User, params: dict[str, str], field: str):
    _event(organization_of(auditor))
    response = sign_in(Client(), auditor).get(reverse("audit:event_list"), params)
    assert response.status_code == 400
    assert field in response.context["filter"].form.errors
    assert response.context["events"] == []
    assert 'class="invalid-feedback' in response.content.decode() or "errorlist" in response.content.decode()


def test_events_of_another_country_are_not_listed_or_shown(auditor: User):
    abroad = _event(make_organization("CO", name="Defensoría Bogotá"), action="case.abroad")
    client = sign_in(Client(), auditor)
    assert abroad.sequence not in _sequences(client)
    assert "case.abroad" not in client.get(reverse("audit:event_list")).content.decode()
    assert client.get(reverse("audit:event_detail", kwargs={"pk": abroad.pk})).status_code == 404


# --- Keyset pages -------------------------------------------------------------------------------------------------
def test_keyset_pages_walk_newest_first_and_back(auditor: User):
    actor = make_user(auditor.organization)
    events = [_event(organization_of(auditor), actor=actor, action=f"test.e{n}") for n in range(120)]
    newest_first = sorted((e.sequence for e in events), reverse=True)
    client = sign_in(Client(), auditor)
    url = reverse("audit:event_list")
    first = client.get(url, {"action": "test."})
    page1 = [e.sequence for e in first.context["events"]]
    assert page1 == newest_first[:50]
    assert first.context["page"].prev_url == ""
    next_url = first.context["page"].next_url
    assert f"before={page1[-1]}" in next_url and "action=test." in next_url
    second = client.get(url + next_url)
    assert [e.sequence for e in second.context["events"]] == newest_first[50:100]
    third = client.get(url + second.context["page"].next_url)
    assert [e.sequence for e in third.context["events"]] == newest_first[100:]
    assert third.context["page"].next_url == ""
    back = client.get(url + third.context["page"].prev_url)
    assert [e.sequence for e in back.context["events"]] == newest_first[50:100]
    assert back.context["page"].next_url and back.context["page"].prev_url


def test_a_bad_page_link_answers_400(auditor: User):
    response = sign_in(Client(), auditor).get(reverse("audit:event_list"), {"before": "abc"})
    assert response.status_code == 400
    assert "The page link is not valid." in response.content.decode()


def test_list_does_not_query_per_row(auditor: User, django_assert_max_num_queries: Any):
    actors = [make_user(auditor.organization) for _ in range(3)]
    others = [make_organization("BR") for _ in range(3)]
    for number in range(30):
        _event(others[number % 3], actor=actors[number % 3], action=f"test.q{number}")
    client = sign_in(Client(), auditor)
    client.get(reverse("audit:event_list"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("audit:event_list"))
    assert len(response.context["events"]) == 30
    assert all(org.name in response.content.decode() for org in others)
