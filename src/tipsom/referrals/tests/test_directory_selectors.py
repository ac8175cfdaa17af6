"""Directory reads: search filters (region and nationwide, eligibility, free places), pathway suggestions for a
child and a foreign adult, the warnings of a referral to a service, and query counts that do not grow."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.cases.testing import make_case
from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization
from tipsom.referrals.selectors.directory import (
    WARNING_MESSAGES,
    case_profile,
    pathway_suggestions,
    service_search,
    service_warnings,
    warning_messages,
)
from tipsom.referrals.testing import make_service
from tipsom.referrals.tests.directory_helpers import make_pathway

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Any:
    return make_organization("BR")


@pytest.fixture
def viewer(org: Any) -> Any:
    return make_user(org, roles=("me_officer",))  # sees the directory, nothing else


def _names(user: User, **filters: Any) -> set[str]:
    return {service.name for service in service_search(user=user, filters=filters)}


# --- Search ---------------------------------------------------------------------------------------------------
@pytest.fixture
def directory(org: Any) -> dict[str, Any]:
    other = make_organization("BR")
    return {
        "nationwide": make_service(org, name="Nationwide shelter", capacity_total=5, capacity_available=2),
        "sp": make_service(org, name="SP shelter", regions=["BR-SP"], capacity_total=5, capacity_available=0),
        "rj": make_service(other, name="RJ legal", service_type="legal_aid", regions=["BR-RJ"], languages=["es"]),
        "girls": make_service(org, name="Girls home", sexes=["Feminine"], age_min=12, age_max=17, serves_som=False),
        "adults": make_service(other, name="Adult men", sexes=["Masculine"], age_min=18, serves_tip=False),
        "closed": make_service(org, name="Closed shelter", is_active=False),
        "abroad": make_service(make_organization("CO"), name="Bogotá shelter"),
    }


ALL_ACTIVE_BR = {"Nationwide shelter", "SP shelter", "RJ legal", "Girls home", "Adult men"}


def test_search_stays_in_the_country_and_hides_inactive(viewer: Any, directory: Any) -> None:
    assert _names(viewer) == ALL_ACTIVE_BR
    assert _names(viewer, include_inactive="true") == ALL_ACTIVE_BR | {"Closed shelter"}


def test_search_by_need_name_and_organization(viewer: Any, directory: Any) -> None:
    assert _names(viewer, need="legal_aid") == {"RJ legal"}
    assert _names(viewer, q="SHELTER") == {"Nationwide shelter", "SP shelter"}
    assert _names(viewer, organization=directory["rj"].organization_id) == {"RJ legal", "Adult men"}


def test_region_means_nationwide_or_listed(viewer: Any, directory: Any) -> None:
    assert _names(viewer, region="BR-SP") == ALL_ACTIVE_BR - {"RJ legal"}
    assert _names(viewer, region="br-rj") == ALL_ACTIVE_BR - {"SP shelter"}
    # "BR-S" is not BR-SP: codes are matched whole.
    assert _names(viewer, region="BR-S") == ALL_ACTIVE_BR - {"RJ legal", "SP shelter"}


def test_eligibility_filters(viewer: Any, directory: Any) -> None:
    assert _names(viewer, sex="Feminine") == ALL_ACTIVE_BR - {"Adult men"}
    assert _names(viewer, age=15) == ALL_ACTIVE_BR - {"Adult men"}
    assert _names(viewer, age=40) == ALL_ACTIVE_BR - {"Girls home"}
    assert _names(viewer, case_type="som") == ALL_ACTIVE_BR - {"Girls home"}
    assert _names(viewer, case_type="tip") == ALL_ACTIVE_BR - {"Adult men"}
    combined = _names(viewer, sex="Feminine", age=15, case_type="tip", region="BR-RJ")
    assert combined == {"Nationwide shelter", "Girls home", "RJ legal"}
    assert _names(viewer, language="es") == {"RJ legal"}


def test_free_places_keeps_services_not_counted(viewer: Any, directory: Any) -> None:
    # Only SP shelter reports itself full; services not counted in places stay.
    assert _names(viewer, free_places="true") == ALL_ACTIVE_BR - {"SP shelter"}


def test_bad_filters_are_refused(viewer: Any, directory: Any) -> None:
    with pytest.raises(ApplicationError) as raised:
        service_search(user=viewer, filters={"need": "spa", "age": "old"})
    assert set(raised.value.extra["fields"]) == {"need", "age"}


def test_no_permission_sees_nothing(org: Any, directory: Any) -> None:
    assert _names(make_user(org, roles=())) == set()


# --- Pathway suggestions ----------------------------------------------------------------------------------------
@pytest.fixture
def pathways() -> None:
    make_pathway(
        name="Foreign adults",
        child="no",
        foreign="yes",
        service_types=["interpretation", "consular", "return_reintegration"],
        priority=20,
    )
    make_pathway(name="Child victims", child="yes", service_types=["child_protection", "shelter"], priority=10)
    make_pathway(name="Every victim", service_types=["psychosocial", "shelter"], priority=50)
    make_pathway(name="Sexual exploitation", exploitation_types=["SexualExploitation"], service_types=["medical"])
    make_pathway(name="Smuggled migrants", case_types=["som"], service_types=["legal_aid"])
    make_pathway(name="Retired", service_types=["education"], is_active=False)
    make_pathway("CO", name="Colombia", service_types=["livelihood"])


def _types(suggestions: list[dict[str, Any]]) -> list[str]:
    return [entry["service_type"] for entry in suggestions]


def test_child_gets_child_protection_first(org: Any, viewer: Any, pathways: None) -> None:
    case = make_case(org, child=True, region="BR-SP")
    assert case.is_child
    full = make_service(org, name="CP full", service_type="child_protection", capacity_total=3, capacity_available=0)
    uncounted = make_service(org, name="CP uncounted", service_type="child_protection")
    free = [
        make_service(org, name=f"CP free {n}", service_type="child_protection", capacity_total=3, capacity_available=1)
        for n in range(2)
    ]
    make_service(org, name="CP adults", service_type="child_protection", age_min=18)
    make_service(org, name="CP boys", service_type="child_protection", sexes=["Masculine"])
    make_service(org, name="CP Rio", service_type="child_protection", regions=["BR-RJ"])
    make_service(org, name="CP som", service_type="child_protection", serves_tip=False)
    make_service(org, name="CP closed", service_type="child_protection", is_active=False)
    make_service(make_organization("CO"), name="CP Bogotá", service_type="child_protection")
    girls = make_service(org, name="Girls shelter", sexes=["Feminine"], age_min=10, age_max=17, regions=["BR-SP"])

    suggestions = pathway_suggestions(user=viewer, case=case)
    assert _types(suggestions) == ["child_protection", "shelter", "psychosocial"]
    child_protection, shelter, psychosocial = suggestions
    assert child_protection["reason"] == "Child victims" and child_protection["label"] == "Child protection"
    # Free places first, then not counted; three at most, so the full one is left out.
    assert [service.pk for service in child_protection["services"]] == [free[0].pk, free[1].pk, uncounted.pk]
    assert full not in child_protection["services"]
    assert shelter["pathways"] == ["Child victims", "Every victim"] and shelter["services"] == [girls]
    assert psychosocial["reason"] == "Every victim" and psychosocial["services"] == []


def test_foreign_adult_gets_interpretation_consular_and_return(org: Any, viewer: Any, pathways: None) -> None:
    case = make_case(org, region="BR-SP")  # a Bolivian woman in Brazil
    profile = case_profile(case)
    assert profile.is_foreign and not profile.is_child and profile.sex == "Feminine"
    interpreters = make_service(org, name="Interpreters", service_type="interpretation", languages=["es", "qu"])
    make_service(org, name="Girls shelter", sexes=["Feminine"], age_max=17)
    suggestions = pathway_suggestions(user=viewer, case=case)
    assert _types(suggestions) == ["interpretation", "consular", "return_reintegration", "psychosocial", "shelter"]
    assert suggestions[0]["services"] == [interpreters] and suggestions[0]["reason"] == "Foreign adults"
    assert suggestions[4]["services"] == []  # the only shelter takes children


def test_a_person_without_citizenship_is_not_foreign(org: Any, viewer: Any, pathways: None) -> None:
    case = make_case(org)
    case.person.citizenships = []
    case.person.save()
    assert not case_profile(case).is_foreign
    assert _types(pathway_suggestions(user=viewer, case=case)) == ["psychosocial", "shelter"]
    case.person.citizenships = ["BR", "BO"]
    case.person.save()
    assert not case_profile(case).is_foreign


def test_exploitation_and_case_type_select_pathways(org: Any, viewer: Any, pathways: None) -> None:
    case = make_case(org, case_type="both", exploitation_types=["SexualExploitation"])
    types = _types(pathway_suggestions(user=viewer, case=case))
    assert "medical" in types and "legal_aid" in types and "education" not in types and "livelihood" not in types


def test_suggestion_queries_do_not_grow(org: Any, viewer: Any, pathways: None) -> None:
    case = make_case(org, child=True)
    make_service(org, service_type="child_protection")
    pathway_suggestions(user=viewer, case=case)  # the user's permissions are read once, then kept
    with CaptureQueriesContext(connection) as few:
        pathway_suggestions(user=viewer, case=case)
    for number in range(10):
        make_pathway(name=f"Extra {number}", service_types=["medical", "education", "child_protection"])
        make_service(org, service_type="medical")
        make_service(org, service_type="child_protection", capacity_total=2, capacity_available=1)
    with CaptureQueriesContext(connection) as many:
        suggestions = pathway_suggestions(user=viewer, case=case)
    assert len(many) == len(few)
    assert all(len(entry["services"]) <= 3 for entry in suggestions)


# --- Warnings ---------------------------------------------------------------------------------------------------
def test_service_warnings(org: Any) -> None:
    child = make_case(org, child=True, region="BR-SP")
    fine = make_service(org, sexes=["Feminine"], age_max=17, regions=["BR-SP"], capacity_total=2, capacity_available=1)
    assert service_warnings(fine, child) == []
    wrong = make_service(
        org,
        sexes=["Masculine"],
        age_min=18,
        regions=["BR-RJ"],
        serves_tip=False,
        capacity_total=2,
        capacity_available=0,
        is_active=False,
    )
    codes = service_warnings(wrong, child)
    assert codes == ["inactive", "no_places", "sex", "age", "case_type", "region"]
    assert warning_messages(codes) == [str(WARNING_MESSAGES[code]) for code in codes]
    assert set(WARNING_MESSAGES) == set(codes)


def test_unknown_facts_raise_no_warning(org: Any) -> None:
    case = make_case(org)  # no region recorded
    case.person.gender = "NonSpecifiedUnknown"
    case.person.save()
    service = make_service(org, sexes=["Masculine"], regions=["BR-RJ"])
    assert service_warnings(service, case) == []
