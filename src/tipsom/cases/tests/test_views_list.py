"""The case list and the approvals queue: who sees what, filters, search, masking, paging and query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.cases import services
from tipsom.cases.models import ACTUAL_VICTIM, Case
from tipsom.cases.views import lists
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db

NAME = "Juana Mamani Quispe"


def _register(organization: Any, *, name: str = NAME, citizenships: tuple[str, ...] = ("BO",), **case: Any) -> Case:
    """A case registered by a frontline identifier of `organization` (no actor: the fixture is not a screen)."""
    fields: dict[str, Any] = {
        "case_type": "tip",
        "identified_on": "2026-10-02",
        "exploitation_types": ["ForcedLabour"],
        "origin_country": "BO",
    }
    fields.update(case)
    person = {"names": [{"name": name}], "gender": "Feminine", "citizenships": list(citizenships)}
    return services.case_register(actor=None, organization=organization, person=person, **fields)


# --- Access -------------------------------------------------------------------------------------------------------
class TestCaseList(AccessCase):
    url_name = "cases:list"
    permitted_role = "case_manager"
    scope = "organization"

    def make_object(self, organization: Any) -> None:
        self.case = _register(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert self.case.case_number in content
        assert "Forced labour" in content and "Bolivia" in content
        assert NAME not in content and "Juana" not in content  # names are never in the list

    def test_other_organization_sees_no_case_number(self, home_org: Any) -> None:
        self.make_object(home_org)
        user = make_user(make_organization("BR"), roles=(self.permitted_role,))
        response = sign_in(Client(), user).get(reverse(self.url_name))
        assert response.status_code == 200
        assert self.case.case_number not in response.content.decode()


class TestApprovals(AccessCase):
    url_name = "cases:approvals"
    permitted_role = "case_supervisor"
    unpermitted_role = "case_manager"  # may work on cases, may not approve them
    scope = "organization"

    def make_object(self, organization: Any) -> None:
        self.case = _register(organization)
        identifier = make_user(organization, roles=("frontline_identifier",))
        services.case_decide_status(
            actor=identifier,
            case_id=self.case.pk,
            status=ACTUAL_VICTIM,
            decided_on="2026-10-06",
            deciding_organization_type="Police",
            basis="Labour inspection report.",
        )
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        content = response.content.decode()
        assert self.case.case_number in content
        assert reverse("cases:detail", kwargs={"pk": self.case.pk}) in content
        assert "Actual victim" in content or "ActualVictim" in content


# --- The list -----------------------------------------------------------------------------------------------------
@pytest.fixture
def manager(home_org: Any) -> Any:
    return make_user(home_org, roles=("case_manager",))


def _get(user: User, **params: Any) -> Any:
    return sign_in(Client(), user).get(reverse("cases:list"), params)


def test_filters_narrow_the_list(manager, home_org):
    forced_labour = _register(home_org, region="BR-MT")
    sexual = _register(
        home_org, name="Olena Kovalenko", citizenships=("UA",), exploitation_types=["SexualExploitation"]
    )
    som = _register(home_org, name="Amadou Diallo", citizenships=("NE",), case_type="som", exploitation_types=[])

    def numbers(**params: Any) -> set[str]:
        content = _get(manager, **params).content.decode()
        return {case.case_number for case in (forced_labour, sexual, som) if case.case_number in content}

    assert numbers() == {forced_labour.case_number, sexual.case_number, som.case_number}
    assert numbers(exploitation="SexualExploitation") == {sexual.case_number}
    assert numbers(citizenship="UA") == {sexual.case_number}
    assert numbers(case_type="som") == {som.case_number}
    assert numbers(region="BR-MT") == {forced_labour.case_number}
    assert numbers(organization=home_org.pk) == {forced_labour.case_number, sexual.case_number, som.case_number}
    assert numbers(identified_from="2026-10-03") == set()


def test_search_by_case_number_and_by_name_never_shows_the_name(manager, home_org):
    juana = _register(home_org)
    other = _register(home_org, name="Olena Kovalenko")
    by_number = _get(manager, q=juana.case_number).content.decode()
    assert juana.case_number in by_number and other.case_number not in by_number
    by_name = _get(manager, q="quispe mamani juana").content.decode()  # word order and case do not matter
    assert juana.case_number in by_name and other.case_number not in by_name
    assert "Quispe" not in by_name and "Juana" not in by_name


def test_the_child_filter_and_badge(manager, home_org):
    child = _register(home_org, name="Ana Flores")
    adult = _register(home_org, name="Rosa Flores")
    Case.objects.filter(pk=child.pk).update(is_child=True)
    content = _get(manager, is_child="true").content.decode()
    assert child.case_number in content and adult.case_number not in content
    assert "badge" in content and "child" in content


def test_a_bad_filter_answers_400_with_no_rows(manager, home_org):
    case = _register(home_org)
    response = _get(manager, identified_from="not-a-date")
    assert response.status_code == 400
    assert case.case_number not in response.content.decode()


def test_the_register_button_shows_only_to_those_who_may_add(manager, home_org):
    assert reverse("cases:register") in _get(manager).content.decode()
    coordinator = make_user(home_org, roles=("national_coordinator",))
    response = _get(coordinator)
    assert response.status_code == 200 and reverse("cases:register") not in response.content.decode()


def test_keyset_paging_walks_the_list(manager, home_org, monkeypatch):
    cases = [_register(home_org, name=f"Person Number{index}") for index in range(3)]
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    first = _get(manager).content.decode()
    assert cases[2].case_number in first and cases[1].case_number in first
    assert cases[0].case_number not in first and f"?before={cases[1].pk}" in first
    second = _get(manager, before=cases[1].pk).content.decode()
    assert cases[0].case_number in second and cases[1].case_number not in second
    assert f"?after={cases[0].pk}" in second


def test_query_count_does_not_grow_with_rows(manager, home_org, django_assert_max_num_queries):
    client = sign_in(Client(), manager)
    _register(home_org)
    client.get(reverse("cases:list"))  # warm caches (session, grants, content types)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("cases:list")).status_code == 200
    for index in range(15):
        _register(home_org, name=f"Person Number{index}", citizenships=("BO", "PE"))
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(reverse("cases:list"))
    assert response.content.decode().count("/cases/") >= 16
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_approvals_queue_is_404_for_a_case_manager(manager):
    response = sign_in(Client(), manager).get(reverse("cases:approvals"))
    assert response.status_code == 404
