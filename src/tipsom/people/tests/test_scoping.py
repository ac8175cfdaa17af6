"""Who reaches which person: the owner organization, the country's coordinator, and nobody else."""

import pytest

from tipsom.accounts.testing import make_user
from tipsom.core.errors import NotFound
from tipsom.organizations.testing import make_organization
from tipsom.people.selectors import access_person_by_id, person_list
from tipsom.people.services import person_create, person_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(home_org):
    colombian_org = make_organization("CO")
    return {
        "home": person_create(actor=None, organization=home_org, names=["Ana Lima"]),
        "same_country": person_create(actor=None, organization=make_organization("BR"), names=["Rosa Dias"]),
        "abroad": person_create(actor=None, organization=colombian_org, names=["Luz Mora"]),
    }


def test_case_manager_reaches_only_their_organization(case_manager, people):
    assert list(person_list(user=case_manager)) == [people["home"]]
    assert access_person_by_id(case_manager, people["home"].pk, "reveal") == people["home"]
    for other in ("same_country", "abroad"):
        with pytest.raises(NotFound):
            access_person_by_id(case_manager, people[other].pk)
        with pytest.raises(NotFound):
            person_update(actor=case_manager, person_id=people[other].pk, version=1, gender="Masculine")


def test_national_coordinator_sees_only_their_country_and_changes_nothing(home_org, people):
    coordinator = make_user(home_org, roles=("national_coordinator",))
    assert set(person_list(user=coordinator)) == {people["home"], people["same_country"]}
    with pytest.raises(NotFound):
        access_person_by_id(coordinator, people["abroad"].pk)
    with pytest.raises(NotFound):
        person_update(actor=coordinator, person_id=people["home"].pk, version=1, gender="Masculine")


def test_roles_without_the_registry_see_nobody(home_org, people):
    for role in ("me_officer", "investigator", "me_officer"):
        user = make_user(home_org, roles=(role,))
        assert not person_list(user=user).exists()
        with pytest.raises(NotFound):
            access_person_by_id(user, people["home"].pk)


def test_a_missing_or_malformed_id_is_not_found(case_manager):
    for pk in (999999, "not-a-number"):
        with pytest.raises(NotFound):
            access_person_by_id(case_manager, pk)
