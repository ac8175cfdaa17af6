"""The audit screen in words: actions as words, objects by readable names linked to their pages (case numbers
through the registry that cases fill), and searching by words (action, user, object). Who may open the screen is
tested in test_views.py (the same views)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.labels import action_label, actions_matching
from tipsom.audit.models import AuditEvent
from tipsom.cases.testing import make_case
from tipsom.core.registry import registry
from tipsom.organizations.testing import make_organization


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    organization = make_organization("BR", name="Rede Livre")
    maria = make_user(organization, roles=("case_manager",), username="maria.s", full_name="Maria Souza")
    case = make_case(organization, actor=maria)
    other = make_case(organization)
    auditor = make_user(make_organization("BR", name="Controladoria"), roles=("auditor",))
    return {"case": case, "other": other, "maria": maria, "auditor": auditor, "organization": organization}


def _page(world: dict[str, Any], **params: str) -> tuple[str, list[AuditEvent]]:
    response = sign_in(Client(), world["auditor"]).get(reverse("audit:event_list"), params)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode(), list(response.context["events"])


def test_actions_read_as_words_and_unknown_ones_stay_readable() -> None:
    assert action_label("case.create") == "Case registered"
    assert action_label("reveal") == "Identifying data revealed"
    assert action_label("justice.hearing_set") == "Justice: hearing set"
    assert "case.status_decision_review" in actions_matching("decision reviewed")


def test_cases_register_their_labels() -> None:
    assert "cases.case" in registry["audit_object_labels"]
    assert "referrals.referral" in registry["audit_object_labels"]


def test_the_list_names_the_case_and_the_user_and_says_the_action(world: dict[str, Any]) -> None:
    content, events = _page(world)
    case = world["case"]
    assert f'<a href="{reverse("cases:detail", kwargs={"pk": case.pk})}">{case.case_number}</a>' in content
    assert "Case registered" in content and "Maria Souza" in content
    assert any(getattr(event, "object_label", None) == case.case_number for event in events)


def test_one_event_in_full_names_its_object(world: dict[str, Any]) -> None:
    event = AuditEvent.objects.filter(action="case.create", object_id=str(world["case"].pk)).get()
    response = sign_in(Client(), world["auditor"]).get(reverse("audit:event_detail", kwargs={"pk": event.pk}))
    content = response.content.decode()
    assert world["case"].case_number in content and "Case registered" in content


def _cases_in(events: list[AuditEvent]) -> set[str]:
    return {event.object_id for event in events if event.object_type == "cases.case"}


def test_search_by_words(world: dict[str, Any]) -> None:
    case, other = world["case"], world["other"]
    year, serial = case.case_number.split("-")[1:]
    for params in (
        {"q": case.case_number},
        {"q": case.case_number.lower()},
        {"object": case.case_number},
        {"object": f"{year}-{int(serial)}"},
    ):
        _content, events = _page(world, **params)
        assert _cases_in(events) == {str(case.pk)}, params
    _content, events = _page(world, q="Maria")
    assert events and all(event.actor_id == world["maria"].pk for event in events)
    _content, events = _page(world, user="souza")
    assert events and all(event.actor_id == world["maria"].pk for event in events)
    _content, events = _page(world, action="case registered")
    assert {event.action for event in events} == {"case.create"}
    assert _cases_in(events) == {str(case.pk), str(other.pk)}
    _content, events = _page(world, q="registered")
    assert "case.create" in {event.action for event in events}
    _content, events = _page(world, action="case.create")  # the code still works
    assert {event.action for event in events} == {"case.create"}


def test_words_that_match_nothing_find_nothing(world: dict[str, Any]) -> None:
    content, events = _page(world, q="no such thing anywhere")
    assert events == [] and "No event matches." in content
    _content, events = _page(world, object="XX-1999-000001")
    assert events == []
