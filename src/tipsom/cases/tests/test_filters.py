"""CaseFilterSet, shared by the case list screen and the API: each filter, on SQLite and PostgreSQL alike."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import override_settings

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.cases import services
from tipsom.cases.filters import CaseFilterSet
from tipsom.cases.models import ACTUAL_VICTIM, Case
from tipsom.cases.selectors import case_list
from tipsom.core.queries import json_list_has
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(identifier, home_org, case_data) -> dict[str, Any]:
    """Three Brazilian cases of two NGOs, seen together by the national coordinator."""
    other_org = make_organization("BR")
    other = make_user(other_org, roles=("case_manager",))
    adult = services.case_register(
        actor=identifier,
        organization=home_org,
        **case_data,
        person={
            "names": [{"name": "Ярославна Кравчук"}],
            "citizenships": ["UA"],
            "birth_date": "1990",
            "birth_date_precision": "year",
        },
    )
    child = services.case_register(
        actor=identifier,
        organization=home_org,
        person={"names": [{"name": "Juana Mamani Quispe"}], "citizenships": ["BO", "BR"], "is_presumed_minor": True},
        **{
            **case_data,
            "case_type": "som",
            "identified_on": "2026-05-01",
            "region": "BR-SP",
            "exploitation_types": ["SexualExploitation", "ForcedBegging"],
        },
    )
    old = services.case_register(
        actor=other,
        organization=other_org,
        person={
            "names": [{"name": "Ana Souza"}],
            "citizenships": ["BR"],
            "birth_date": "1985",
            "birth_date_precision": "year",
        },
        **{
            **case_data,
            "case_type": "both",
            "identified_on": "2025-03-03",
            "region": "",
            "exploitation_types": ["ChildLabour", "Other"],
        },
    )
    with override_settings(TIPSOM_CASE_APPROVALS=[]):
        services.case_decide_status(
            actor=other,
            case_id=old.pk,
            status=ACTUAL_VICTIM,
            decided_on="2025-04-01",
            deciding_organization_type="NGO",
            basis="Court ruling.",
        )
        services.case_close(actor=other, case_id=old.pk, reason="services_completed", closed_on="2025-12-01")
    services.case_set_status(actor=identifier, case_id=child.pk, status="FollowUp")
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    return {
        "adult": adult,
        "child": child,
        "old": old,
        "coordinator": coordinator,
        "other_org": other_org,
        "identifier": identifier,
    }


def _filter(cases: dict[str, Any], user: User | None = None, **data: Any) -> set[str]:
    user = user or cases["coordinator"]
    filterset = CaseFilterSet(data=data, queryset=case_list(user=user), request=SimpleNamespace(user=user))
    assert filterset.is_valid(), filterset.errors
    names = {case.pk: name for name, case in cases.items() if isinstance(case, Case)}
    return {names[case.pk] for case in filterset.qs}


def test_no_filter_lists_everything_in_scope(cases):
    assert _filter(cases) == {"adult", "child", "old"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"status": "Active"}, {"adult"}),
        ({"status": "FollowUp"}, {"child"}),
        ({"status": "Closed"}, {"old"}),
        ({"case_type": "tip"}, {"adult"}),
        ({"case_type": "som"}, {"child"}),
        ({"case_type": "both"}, {"old"}),
        ({"trafficking_status": ACTUAL_VICTIM}, {"old"}),
        ({"trafficking_status": "PossibleVictimOfTrafficking"}, {"adult", "child"}),
        ({"exploitation": "ForcedLabour"}, {"adult"}),
        ({"exploitation": "ForcedBegging"}, {"child"}),
        ({"exploitation": "Other"}, {"old"}),
        ({"exploitation": "OrganRemoval"}, set()),
        ({"citizenship": "BO"}, {"child"}),
        ({"citizenship": "BR"}, {"child", "old"}),
        ({"citizenship": "UA"}, {"adult"}),
        ({"citizenship": "NP"}, set()),
        ({"region": "BR-MT"}, {"adult"}),
        ({"region": " br-sp "}, {"child"}),
        ({"identified_from": "2026-01-01"}, {"adult", "child"}),
        ({"identified_to": "2026-05-01"}, {"child", "old"}),
        ({"identified_from": "2026-05-01", "identified_to": "2026-05-01"}, {"child"}),
        ({"is_child": "true"}, {"child"}),
        ({"is_child": "false"}, {"adult", "old"}),
        ({"q": "BR-2026-2"}, {"child"}),  # a case number: the coordinator may look it up
        ({"status": "Active", "exploitation": "SexualExploitation"}, set()),
        ({"is_child": "true", "citizenship": "BO", "exploitation": "SexualExploitation"}, {"child"}),
    ],
)
def test_each_filter(cases, data, expected):
    assert _filter(cases, **data) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Yaroslavna Kravchuk", {"adult"}), ("Juana Mamani Quispe", {"child"}), ("Nobody Here", set())],
)
def test_name_search_by_someone_who_may_reveal_persons(cases, query, expected):
    assert _filter(cases, user=cases["identifier"], q=query) == expected


def test_name_search_needs_the_permission_to_reveal(cases):
    """The national coordinator sees every case but no identity: a name search would confirm that a named person
    is a registered victim, so it is refused (a form error, nothing searched); a case number is not a name."""
    filterset = CaseFilterSet(
        data={"q": "Yaroslavna Kravchuk"},
        queryset=case_list(user=cases["coordinator"]),
        request=SimpleNamespace(user=cases["coordinator"]),
    )
    assert not filterset.is_valid()
    assert "permission to see identities" in filterset.errors["q"][0]
    assert _filter(cases, q="BR-2026-2") == {"child"}


def test_filter_by_organization(cases, home_org):
    assert _filter(cases, organization=home_org.pk) == {"adult", "child"}
    assert _filter(cases, organization=cases["other_org"].pk) == {"old"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "Open"}, "status"),
        ({"exploitation": "Slavery"}, "exploitation"),
        ({"citizenship": "XX"}, "citizenship"),
        ({"identified_from": "yesterday"}, "identified_from"),
        ({"case_type": "all"}, "case_type"),
    ],
)
def test_unknown_filter_values_are_form_errors(cases, data, field):
    filterset = CaseFilterSet(
        data=data, queryset=case_list(user=cases["coordinator"]), request=SimpleNamespace(user=cases["coordinator"])
    )
    assert not filterset.is_valid()
    assert field in filterset.errors


def test_json_list_has_matches_whole_codes_only(cases):
    """On SQLite the list is matched as quoted text: a code never matches inside a longer one, or by case."""
    queryset = Case.objects.all()
    assert set(queryset.filter(json_list_has("exploitation_types", "ForcedLabour"))) == {cases["adult"]}
    assert not queryset.filter(json_list_has("exploitation_types", "Labour")).exists()
    assert not queryset.filter(json_list_has("exploitation_types", "forcedlabour")).exists()
    assert not queryset.filter(json_list_has("exploitation_types", '"ForcedLabour"')).exists()
    assert set(queryset.filter(json_list_has("means_of_control", "DebtBondage"))) == set(Case.objects.all())
