"""Directory writes: every bad input is refused with the field named and changes nothing (no row, no audit
event); good input is written, versioned and audited; the SLA reads the country's row or the default."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.organizations.testing import make_organization
from tipsom.referrals.models import Pathway, ResponseTime, Service
from tipsom.referrals.services.directory import (
    pathway_create,
    pathway_update,
    response_hours,
    response_time_set,
    service_capacity_set,
    service_create,
    service_update,
)
from tipsom.referrals.testing import make_service
from tipsom.referrals.tests.directory_helpers import counts, make_pathway

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {
    "service_type": "shelter",
    "name": "Casa Esperança",
    "sexes": ["Feminine"],
    "age_min": 12,
    "age_max": 17,
    "regions": ["BR-SP", "BR-RJ"],
    "languages": ["pt", "es"],
    "capacity_total": 10,
    "capacity_available": 3,
    "phone": "+55 11 99998888",
    "email": "abrigo@example.org",
}


@pytest.fixture
def org() -> Any:
    return make_organization("BR")


@pytest.fixture
def manager(org: Any) -> Any:
    return make_user(org, roles=("case_manager",))


@pytest.fixture
def admin() -> Any:
    return make_user(make_organization("BR"), roles=("national_coordinator",))


def _refused(call: Any, field: str | None = None, code: str = "invalid") -> ApplicationError:
    before = counts()
    with pytest.raises(ApplicationError) as raised:
        call()
    assert raised.value.code == code, raised.value.as_dict()
    if field is not None:
        assert field in raised.value.extra["fields"], raised.value.extra
    assert counts() == before
    return raised.value


# --- service_create -------------------------------------------------------------------------------------------
def test_create_writes_normalises_and_audits(manager: Any, org: Any) -> None:
    service = service_create(actor=manager, organization_id=org.pk, **GOOD)
    assert service.country == "BR" and service.phone == "+551199998888"
    assert service.capacity_updated_at is not None and service.version == 1
    event = AuditEvent.objects.get(action="service.create")
    assert event.object_id == str(service.pk) and event.changes["regions"] == ["BR-SP", "BR-RJ"]
    assert "Casa" not in str(event.changes.get("phone", ""))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service_type", "spa"),
        ("sexes", ["Female"]),
        ("sexes", "Feminine"),
        ("regions", ["CO-ANT"]),
        ("regions", ["SP"]),
        ("languages", ["por"]),
        ("languages", ["xx"]),
        ("age_min", -1),
        ("age_max", 121),
        ("age_min", "twelve"),
        ("capacity_total", -5),
        ("phone", "11 9999-8888"),
        ("email", "not-an-email"),
        ("name", ""),
        ("name", "x" * 201),
        ("name", "Casa\u202eabrigo"),
        ("name", "Casa\x00"),
        ("name", "Casa\nAbrigo"),
        ("serves_tip", "yes"),
    ],
)
def test_create_refuses_bad_field(manager: Any, org: Any, field: str, value: Any) -> None:
    _refused(lambda: service_create(actor=manager, organization_id=org.pk, **{**GOOD, field: value}), field)


def test_create_refuses_rules_across_fields(manager: Any, org: Any) -> None:
    _refused(
        lambda: service_create(actor=manager, organization_id=org.pk, **{**GOOD, "age_min": 18, "age_max": 12}),
        "age_max",
    )
    _refused(
        lambda: service_create(
            actor=manager, organization_id=org.pk, **{**GOOD, "capacity_total": 2, "capacity_available": 3}
        ),
        "capacity_available",
    )
    _refused(
        lambda: service_create(
            actor=manager, organization_id=org.pk, **{**GOOD, "serves_tip": False, "serves_som": False}
        ),
        "serves_tip",
    )
    _refused(lambda: service_create(actor=manager, organization_id=org.pk, **GOOD, colour="red"), "colour")


def test_create_for_another_organization_is_not_found(manager: Any) -> None:
    neighbour = make_organization("BR")
    before = counts()
    with pytest.raises(NotFound):
        service_create(actor=manager, organization_id=neighbour.pk, **GOOD)
    with pytest.raises(NotFound):
        service_create(actor=manager, organization_id=999999, **GOOD)
    assert counts() == before


def test_admin_lists_for_any_organization_of_the_country_only(admin: Any) -> None:
    neighbour = make_organization("BR")
    assert service_create(actor=admin, organization_id=neighbour.pk, **GOOD).organization_id == neighbour.pk
    abroad = make_organization("CO")
    before = counts()
    with pytest.raises(NotFound):
        service_create(actor=admin, organization_id=abroad.pk, **{**GOOD, "regions": []})
    assert counts() == before


def test_unpermitted_role_cannot_create(org: Any) -> None:
    operator = make_user(org, roles=("me_officer",))
    before = counts()
    with pytest.raises(NotFound):
        service_create(actor=operator, organization_id=org.pk, **GOOD)
    assert counts() == before


# --- service_update and capacity ------------------------------------------------------------------------------
def test_update_versions_and_audits(manager: Any, org: Any) -> None:
    service = make_service(org, capacity_total=5, capacity_available=5)
    updated = service_update(actor=manager, service_id=service.pk, version=1, name="Casa Nova", capacity_available=2)
    assert updated.version == 2 and updated.capacity_available == 2 and updated.capacity_updated_at is not None
    event = AuditEvent.objects.get(action="service.update")
    assert event.changes["name"] == ["Casa Abrigo", "Casa Nova"]
    # Nothing changed: nothing written, no event.
    service_update(actor=manager, service_id=service.pk, version=2, name="Casa Nova")
    assert Service.objects.get(pk=service.pk).version == 2
    assert AuditEvent.objects.filter(action="service.update").count() == 1


def test_update_stale_version_is_409_and_writes_nothing(manager: Any, org: Any) -> None:
    service = make_service(org)
    error = _refused(
        lambda: service_update(actor=manager, service_id=service.pk, version=0, name="Other"), code="conflict"
    )
    assert error.status_code == 409
    assert Service.objects.get(pk=service.pk).name == "Casa Abrigo"


def test_update_checks_the_stored_values_too(manager: Any, org: Any) -> None:
    service = make_service(org, age_min=10, age_max=17, capacity_total=4, capacity_available=1)
    _refused(lambda: service_update(actor=manager, service_id=service.pk, version=1, age_min=18), "age_max")
    _refused(
        lambda: service_update(actor=manager, service_id=service.pk, version=1, capacity_total=0), "capacity_available"
    )
    _refused(lambda: service_update(actor=manager, service_id=service.pk, version=1, regions=["AR-B"]), "regions")


def test_update_of_another_organizations_service_is_not_found(manager: Any) -> None:
    service = make_service(make_organization("BR"))
    before = counts()
    with pytest.raises(NotFound):
        service_update(actor=manager, service_id=service.pk, version=1, name="Mine now")
    assert counts() == before


def test_capacity_quick_update(manager: Any, org: Any) -> None:
    service = make_service(org, capacity_total=10, capacity_available=10)
    updated = service_capacity_set(actor=manager, service_id=service.pk, available=0)
    assert updated.capacity_available == 0 and updated.is_full and updated.capacity_updated_at is not None
    updated = service_capacity_set(actor=manager, service_id=service.pk, available=12, total=12, version=2)
    assert (updated.capacity_available, updated.capacity_total, updated.version) == (12, 12, 3)
    event = AuditEvent.objects.filter(action="service.capacity").latest("sequence")
    assert event.changes["capacity_available"] == [0, 12]


def test_capacity_refusals(manager: Any, org: Any) -> None:
    service = make_service(org, capacity_total=10, capacity_available=4)
    _refused(lambda: service_capacity_set(actor=manager, service_id=service.pk, available=11), "available")
    _refused(lambda: service_capacity_set(actor=manager, service_id=service.pk, available=-1), "available")
    _refused(lambda: service_capacity_set(actor=manager, service_id=service.pk, available=None), "available")
    _refused(lambda: service_capacity_set(actor=manager, service_id=service.pk, available=1, total="x"), "total")
    _refused(
        lambda: service_capacity_set(actor=manager, service_id=service.pk, available=3, version=7), code="conflict"
    )
    uncounted = make_service(org)
    _refused(lambda: service_capacity_set(actor=manager, service_id=uncounted.pk, available=3), "total")
    assert Service.objects.get(pk=service.pk).capacity_available == 4


# --- Pathways -------------------------------------------------------------------------------------------------
def test_pathway_create_update_deactivate(admin: Any) -> None:
    pathway = pathway_create(
        actor=admin, name="Child victims", child="yes", service_types=["child_protection", "shelter"], priority=10
    )
    assert pathway.country == "BR" and pathway.service_types == ["child_protection", "shelter"]
    pathway = pathway_update(actor=admin, pathway_id=pathway.pk, version=1, is_active=False)
    assert not pathway.is_active and pathway.version == 2
    events = AuditEvent.objects.filter(action__startswith="pathway.").order_by("sequence")
    assert list(events.values_list("action", flat=True)) == ["pathway.create", "pathway.deactivate"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service_types", []),
        ("service_types", ["spa"]),
        ("case_types", ["trafficking"]),
        ("exploitation_types", ["Slavery"]),
        ("child", "maybe"),
        ("priority", -1),
        ("name", ""),
    ],
)
def test_pathway_refuses_bad_field(admin: Any, field: str, value: Any) -> None:
    data = {"name": "Adults", "service_types": ["psychosocial"], field: value}
    _refused(lambda: pathway_create(actor=admin, **data), field)


def test_pathway_stale_and_foreign_and_unpermitted(admin: Any, manager: Any) -> None:
    pathway = make_pathway()
    _refused(lambda: pathway_update(actor=admin, pathway_id=pathway.pk, version=5, name="x"), code="conflict")
    colombian = make_user(make_organization("CO"), roles=("national_coordinator",))
    for actor in (colombian, manager):
        before = counts()
        with pytest.raises(NotFound):
            pathway_update(actor=actor, pathway_id=pathway.pk, version=1, name="Taken")
        assert counts() == before
    with pytest.raises(NotFound):
        pathway_create(actor=manager, name="Mine", service_types=["shelter"])
    assert Pathway.objects.get(pk=pathway.pk).name == "Every victim"


# --- Response times -------------------------------------------------------------------------------------------
@override_settings(TIPSOM_REFERRAL_RESPONSE_HOURS={"emergency": 2, "urgent": 24, "routine": 120})
def test_response_hours_default_then_country(admin: Any) -> None:
    assert response_hours("BR", "urgent") == 24
    response_time_set(actor=admin, country="BR", urgency="urgent", hours=12)
    assert response_hours("BR", "urgent") == 12
    assert response_hours("CO", "urgent") == 24
    event = AuditEvent.objects.get(action="response_time.set")
    assert event.changes["hours"] == [24, 12] and event.changes["urgency"] == "urgent"
    response_time_set(actor=admin, country="BR", urgency="urgent", hours=8)
    assert ResponseTime.objects.get(country="BR", urgency="urgent").hours == 8


def test_response_time_refusals(admin: Any, manager: Any) -> None:
    _refused(lambda: response_time_set(actor=admin, country="BR", urgency="soon", hours=5), "urgency")
    _refused(lambda: response_time_set(actor=admin, country="BR", urgency="urgent", hours=0), "hours")
    _refused(lambda: response_time_set(actor=admin, country="BR", urgency="urgent", hours="x"), "hours")
    for actor, country in ((admin, "CO"), (manager, "BR")):
        before = counts()
        with pytest.raises(NotFound):
            response_time_set(actor=actor, country=country, urgency="urgent", hours=5)
        assert counts() == before
