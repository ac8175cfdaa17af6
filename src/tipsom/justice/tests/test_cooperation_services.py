"""International cooperation requests: the services' rules between dates and status, refusals, audit, and the
overdue selector."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.justice.models import CooperationRequest
from tipsom.justice.selectors.cooperation import cooperation_overdue
from tipsom.justice.services import cooperation as services
from tipsom.justice.tests.test_victims_services import World, victims_world
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


BASE: dict[str, Any] = {
    "kind": "mla",
    "direction": "outgoing",
    "countries": ["PY"],
    "authority": "Ministry of Justice of Paraguay",
    "subject": "Bank records of the recruiting agency",
}


@pytest.fixture
def world() -> World:
    return victims_world()


def create(world: World, **values: Any) -> CooperationRequest:
    return services.cooperation_request_create(
        actor=world.prosecutor, criminal_case=world.criminal_case, **{**BASE, **values}
    )


def test_create_update_answer_audited(world: World) -> None:
    request = create(world, status="sent", sent_on=days(-30), deadline=days(30), countries=["py", "AR"])
    assert request.countries == ["PY", "AR"]
    assert AuditEvent.objects.get(action="justice.cooperation.create").changes["countries"] == ["PY", "AR"]
    services.cooperation_request_update(
        actor=world.investigator, cooperation_request=request.pk, version=1, status="in_progress"
    )
    services.cooperation_request_answer(actor=world.prosecutor, cooperation_request=request.pk, answered_on=days(-1))
    request.refresh_from_db()
    assert (request.status, request.answered_on, request.version) == (
        "answered",
        timezone.localdate() - datetime.timedelta(days=1),
        3,
    )
    changes = [event.changes for event in AuditEvent.objects.filter(action="justice.cooperation.update").order_by("pk")]
    assert changes[0]["status"] == ["sent", "in_progress"]
    assert changes[1]["status"] == ["in_progress", "answered"]


def test_jit_with_a_period(world: World) -> None:
    request = create(
        world,
        kind="jit",
        countries=["PY", "AR"],
        status="in_progress",
        sent_on=days(-10),
        starts_on=days(-5),
        ends_on=days(300),
    )
    assert request.ends_on is not None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "letter"}, "kind"),
        ({"direction": "sideways"}, "direction"),
        ({"status": "lost"}, "status"),
        ({"countries": ["XX"]}, "countries"),
        ({"countries": "PY"}, "countries"),
        ({"countries": []}, "countries"),
        ({"countries": ["BR"]}, "countries"),
        ({"countries": ["PY", "BR"]}, "countries"),
        ({"authority": ""}, "authority"),
        ({"subject": "x" * 301}, "subject"),
        ({"sent_on": "2026-13-01"}, "sent_on"),
        ({"sent_on": days(3)}, "sent_on"),
        ({"status": "sent"}, "sent_on"),
        ({"sent_on": days(-5), "deadline": days(-10)}, "deadline"),
        ({"sent_on": days(-5), "answered_on": days(-10)}, "answered_on"),
        ({"answered_on": days(-1)}, "sent_on"),
        ({"status": "answered", "sent_on": days(-5)}, "answered_on"),
        ({"kind": "jit", "starts_on": days(10), "ends_on": days(5)}, "ends_on"),
        ({"kind": "mla", "starts_on": days(1)}, "starts_on"),
    ],
)
def test_bad_requests_refused(world: World, values: dict[str, Any], field: str) -> None:
    with pytest.raises(ApplicationError) as error:
        create(world, **values)
    assert field in error.value.extra["fields"], error.value.extra
    assert not CooperationRequest.objects.exists()


def test_update_and_answer_refusals_change_nothing(world: World) -> None:
    request = create(world, status="sent", sent_on=days(-20), deadline=days(10))
    attempts: list[dict[str, Any]] = [
        {"deadline": days(-30)},
        {"status": "answered"},
        {"answered_on": days(-25)},
        {"countries": ["BR"]},
        {"colour": "red"},
    ]
    for values in attempts:
        with pytest.raises(ApplicationError):
            services.cooperation_request_update(actor=world.prosecutor, cooperation_request=request.pk, **values)
    with pytest.raises(ApplicationError) as error:
        services.cooperation_request_answer(actor=world.prosecutor, cooperation_request=request.pk, answered_on="")
    assert "answered_on" in error.value.extra["fields"]
    with pytest.raises(ApplicationError) as error:
        services.cooperation_request_answer(
            actor=world.prosecutor, cooperation_request=request.pk, answered_on=days(-1), status="sent"
        )
    assert "status" in error.value.extra["fields"]
    with pytest.raises(ApplicationError) as error:
        services.cooperation_request_update(
            actor=world.prosecutor, cooperation_request=request.pk, version=9, status="withdrawn"
        )
    assert error.value.status_code == 409
    request.refresh_from_db()
    assert (request.status, request.version, request.answered_on) == ("sent", 1, None)
    assert not AuditEvent.objects.filter(action="justice.cooperation.update").exists()


def test_out_of_scope_is_not_found(world: World) -> None:
    request = create(world)
    stranger = make_user(make_organization("BR", type="LawEnforcement"), roles=("prosecutor",))
    for user in (stranger, world.rapporteur, world.case_manager):
        with pytest.raises(NotFound):
            create(world.__class__(**{**world.__dict__, "prosecutor": user}))
        with pytest.raises(NotFound):
            services.cooperation_request_update(actor=user, cooperation_request=request.pk, subject="x")
    assert CooperationRequest.objects.count() == 1


def test_overdue_of_my_cases(world: World) -> None:
    late = create(world, status="sent", sent_on=days(-40), deadline=days(-2))
    create(world, status="sent", sent_on=days(-40), deadline=days(5))  # not yet due
    create(world, status="answered", sent_on=days(-40), deadline=days(-2), answered_on=days(-3))  # answered
    create(world, status="draft", deadline=None)
    assert late.is_overdue()
    assert [r.pk for r in cooperation_overdue(user=world.prosecutor)] == [late.pk]
    assert [r.pk for r in cooperation_overdue(user=world.investigator)] == [late.pk]
    assert cooperation_overdue(user=world.case_manager) == []
    stranger = make_user(make_organization("BR", type="LawEnforcement"), roles=("prosecutor",))
    assert cooperation_overdue(user=stranger) == []


def test_overdue_query_count(world: World, django_assert_max_num_queries: Any) -> None:
    for _ in range(5):
        create(world, status="sent", sent_on=days(-40), deadline=days(-2))
    world.prosecutor.refresh_from_db()
    with django_assert_max_num_queries(3):
        rows = cooperation_overdue(user=world.prosecutor)
        assert [row.criminal_case.reference for row in rows] == [world.criminal_case.reference] * 5
