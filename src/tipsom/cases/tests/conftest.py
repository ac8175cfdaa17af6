"""Fixtures for the case tests: a Brazilian NGO and its staff, a child protection agency, a case payload."""

from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.cases.services import case_register
from tipsom.organizations.testing import make_organization


@pytest.fixture
def home_org(db: Any) -> Any:
    return make_organization("BR", region="BR-MT")


@pytest.fixture
def cp_agency(db: Any) -> Any:
    return make_organization("BR", type="LocalGovernmentOrganisation", functions=["child_protection"])


@pytest.fixture
def identifier(home_org: Any) -> Any:
    return make_user(home_org, roles=("frontline_identifier",))


@pytest.fixture
def case_manager(home_org: Any) -> Any:
    return make_user(home_org, roles=("case_manager",))


@pytest.fixture
def supervisor(home_org: Any) -> Any:
    return make_user(home_org, roles=("case_supervisor",))


@pytest.fixture
def cp_officer(cp_agency: Any) -> Any:
    return make_user(cp_agency, roles=("child_protection_officer",))


@pytest.fixture
def child_person() -> dict[str, Any]:
    """A Bolivian girl of about 15 whose exact birth date is not known."""
    return {
        "names": [{"name": "Juana Mamani Quispe"}],
        "gender": "Feminine",
        "citizenships": ["BO"],
        "languages": ["spa", "que"],
        "birth_date": "2011",
        "birth_date_precision": "estimated",
    }


@pytest.fixture
def case_data() -> dict[str, Any]:
    return {
        "case_type": "tip",
        "identified_on": "2026-10-02",
        "region": "BR-MT",
        "origin_country": "BO",
        "destination_country": "BR",
        "exploitation_types": ["ForcedLabour"],
        "industries": ["C_Manufacturing"],
        "means_of_control": ["DebtBondage", "WithholdsDocuments"],
        "recruitment_methods": ["ThroughFriendsOrSocialEvents"],
    }


@pytest.fixture
def child_case(identifier: Any, home_org: Any, child_person: Any, case_data: Any) -> Any:
    return case_register(actor=identifier, organization=home_org, person=child_person, **case_data)
