"""A search by name or document number tells whether a named person is in the victim registry: only a role that
may reveal persons may run one (screen and API alike); the national coordinator, who sees the registry's
statistics but no identity, is refused with a clear message and learns nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.people.services import person_create

pytestmark = pytest.mark.django_db

REFUSED = "permission to see identities"
SEARCHES = [{"name": "Maria Aparecida Souza"}, {"document": "MG-12.345.678"}]


@pytest.fixture
def maria(home_org: Any, person_data: dict[str, Any]) -> Any:
    return person_create(actor=None, organization=home_org, **person_data)


@pytest.fixture
def coordinator(home_org: Any) -> Any:
    return make_user(home_org, roles=("national_coordinator",))


@pytest.mark.parametrize("search", SEARCHES)
def test_the_screen_refuses_a_coordinators_identifying_search(coordinator: Any, maria: Any, search: Any) -> None:
    response = sign_in(Client(), coordinator).get(reverse("people:list"), search)
    content = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in content
    assert reverse("people:detail", kwargs={"pk": maria.pk}) not in content  # nothing tells whether she is there


@pytest.mark.parametrize("search", SEARCHES)
def test_the_api_refuses_a_coordinators_identifying_search(coordinator: Any, maria: Any, search: Any) -> None:
    response = sign_in(Client(), coordinator).get(reverse("api:person-list"), search)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert f'"id":{maria.pk}' not in response.content.decode().replace(" ", "")


def test_the_coordinator_still_lists_and_filters_statistical_fields(coordinator: Any, maria: Any) -> None:
    response = sign_in(Client(), coordinator).get(reverse("api:person-list"), {"citizenship": "BO"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [maria.pk]


@pytest.mark.parametrize("search", SEARCHES)
def test_a_case_manager_still_searches(case_manager: Any, maria: Any, search: Any) -> None:
    client = sign_in(Client(), case_manager)
    page = client.get(reverse("people:list"), search)
    assert page.status_code == 200
    assert reverse("people:detail", kwargs={"pk": maria.pk}) in page.content.decode()
    api = client.get(reverse("api:person-list"), search)
    assert api.status_code == 200
    assert [row["id"] for row in api.json()["results"]] == [maria.pk]
