"""The Cases section that the cases app brings to a person's page (through the registry's `person_sections`): the
person's cases the viewer may see, and no others."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user, sign_in
from tipsom.cases import services
from tipsom.cases.testing import case_actor, make_case
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person

pytestmark = pytest.mark.django_db


def _page(user: User, person: Person) -> str:
    return sign_in(Client(), user).get(reverse("people:detail", kwargs={"pk": person.pk})).content.decode()


def test_the_person_page_lists_the_cases_the_user_may_see() -> None:
    home = make_organization("BR")
    first = make_case(home)
    person = Person.objects.get(pk=first.person_id)
    second = make_case(home, actor=case_actor(first), person_id=person.pk)
    manager = make_user(home, roles=("case_manager",))
    content = _page(manager, person)
    for case in (first, second):
        assert case.case_number in content and reverse("cases:detail", kwargs={"pk": case.pk}) in content


def test_an_agency_on_one_case_sees_the_person_and_that_case_only() -> None:
    """A notified child protection agency reaches the person through the cases app's `person_scopes` entry, and the
    section lists the child's case it was notified of, not the person's other case."""
    home = make_organization("BR")
    agency = make_organization("BR", type="LocalGovernmentOrganisation", functions=["child_protection"])
    shared = make_case(home, child=True)
    other = make_case(home, actor=case_actor(shared), person_id=shared.person_id)
    services.child_notify(actor=case_actor(shared), case_id=shared.pk, organization_id=agency.pk)
    officer = make_user(agency, roles=("child_protection_officer",))
    content = _page(officer, Person.objects.get(pk=shared.person_id))
    assert shared.case_number in content and other.case_number not in content
    stranger = make_user(make_organization("BR"), roles=("case_manager",))
    assert sign_in(Client(), stranger).get(reverse("people:detail", kwargs={"pk": shared.person_id})).status_code == 404
