"""The registration's person step checks the registry (issue 13, item 4 and done-when 1): a possible match the user
may see is offered ("Use this person"), one held by another organization is named by that organization alone, and
the user can go on with a new person."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tipsom.accounts.testing import make_user
from tipsom.cases.tests.test_views_register_steps import Walk
from tipsom.matching.models import CandidatePair
from tipsom.matching.testing import make_person
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person

pytestmark = pytest.mark.django_db

OLHA = {"name": "Olha Kovalenko", "gender": "Feminine", "citizenships": ["UA"], "birth_date": "1999"}


@pytest.fixture
def police(db: Any) -> Any:
    return make_organization("UA", name="National Police")


@pytest.fixture
def shelter(db: Any) -> Any:
    return make_organization("UA", name="Shelter of Hope")


def test_a_match_held_by_another_organization_is_named_by_it_alone(police: Any, shelter: Any) -> None:
    held = make_person(police, "Ольга Коваленко", birth_date="1999")
    walk = Walk(make_user(shelter, roles=("frontline_identifier",)))
    persons = Person.objects.count()
    walk.post(OLHA)
    assert walk.response.status_code == 200 and walk.step == "person"
    assert "A possible match is held by <strong>National Police</strong>" in walk.html
    assert "Ольга" not in walk.html and f'data-person="{held.pk}"' not in walk.html
    assert 'name="token"' in walk.html and Person.objects.count() == persons
    walk.post({**OLHA, "match_ack": "1"})
    assert walk.step == "screening"  # on with a new person


def test_a_match_the_user_may_see_is_offered_and_used(police: Any) -> None:
    held = make_person(police, "Ольга Коваленко", birth_date="1999")
    walk = Walk(make_user(police, roles=("frontline_identifier",)))
    walk.post(OLHA)
    assert f'data-person="{held.pk}"' in walk.html and "Use this person" in walk.html
    response = walk.post({**OLHA, "use_person": str(held.pk)})
    assert response.status_code == 302 and response["Location"] == f"{reverse('cases:register')}?person={held.pk}"


def test_a_person_of_another_organization_cannot_be_used_by_its_id(police: Any, shelter: Any) -> None:
    held = make_person(police, "Ольга Коваленко", birth_date="1999")
    walk = Walk(make_user(shelter, roles=("frontline_identifier",)))
    response = walk.post({**OLHA, "use_person": str(held.pk)})
    assert response.status_code == 404


def test_no_match_goes_straight_on_and_a_new_namesake_is_queued_for_review(police: Any, shelter: Any) -> None:
    walk = Walk(make_user(shelter, roles=("frontline_identifier",)))
    walk.post({**OLHA, "name": "Iryna Bondarenko"})
    assert walk.step == "screening" and "match-candidates" not in walk.html
    make_person(police, "Ольга Коваленко", birth_date="1999")
    make_person(shelter, "Olha Kovalenko", birth_date="1999")  # through the registry's service: any door
    assert CandidatePair.objects.filter(source=CandidatePair.Source.CHECK).count() == 1
