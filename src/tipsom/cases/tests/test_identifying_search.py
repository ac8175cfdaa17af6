"""The case list's `q` searches by case number or by the person's name. A name search tells whether a named
person is a registered victim: only a role that may reveal persons may run one (screen and API alike). The
national coordinator is refused with a clear message; a case number stays open to everyone who sees cases."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.cases import services

pytestmark = pytest.mark.django_db

NAME = "Yaroslavna Kravchuk"
REFUSED = "permission to see identities"


@pytest.fixture
def case(home_org: Any, case_data: dict[str, Any]) -> Any:
    person = {"names": [{"name": NAME}], "citizenships": ["UA"]}
    return services.case_register(actor=None, organization=home_org, person=person, **case_data)


@pytest.fixture
def coordinator(home_org: Any) -> Any:
    return make_user(home_org, roles=("national_coordinator",))


def test_the_screen_refuses_a_coordinators_name_search(coordinator: Any, case: Any) -> None:
    response = sign_in(Client(), coordinator).get(reverse("cases:list"), {"q": NAME})
    content = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in content
    assert case.case_number not in content


def test_the_api_refuses_a_coordinators_name_search(coordinator: Any, case: Any) -> None:
    response = sign_in(Client(), coordinator).get(reverse("api:case-list"), {"q": NAME})
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert case.case_number not in response.content.decode()


def test_the_coordinator_still_finds_a_case_by_its_number(coordinator: Any, case: Any) -> None:
    client = sign_in(Client(), coordinator)
    assert case.case_number in client.get(reverse("cases:list"), {"q": case.case_number}).content.decode()
    api = client.get(reverse("api:case-list"), {"q": case.case_number.lower()})
    assert api.status_code == 200
    assert [row["id"] for row in api.json()["results"]] == [case.pk]


def test_a_case_manager_still_searches_by_name(case_manager: Any, case: Any) -> None:
    client = sign_in(Client(), case_manager)
    page = client.get(reverse("cases:list"), {"q": NAME.lower()})
    assert page.status_code == 200 and case.case_number in page.content.decode()
    api = client.get(reverse("api:case-list"), {"q": NAME})
    assert api.status_code == 200
    assert [row["id"] for row in api.json()["results"]] == [case.pk]
