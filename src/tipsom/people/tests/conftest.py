"""Fixtures for the person registry tests: organizations, users with the seeded roles, a valid person payload."""

from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.organizations.testing import make_organization


@pytest.fixture
def home_org(db: Any) -> Any:
    return make_organization("BR")


@pytest.fixture
def case_manager(home_org: Any) -> Any:
    return make_user(home_org, roles=("case_manager",))


@pytest.fixture
def person_data() -> dict[str, Any]:
    return {
        "names": [{"name": "Maria Aparecida Souza"}, {"name": "Cida", "kind": "alias"}],
        "gender": "Feminine",
        "citizenships": ["br", "BO"],
        "languages": ["pt", "spa"],
        "education": "PrimaryEducation",
        "birth_date": "2009-05-14",
        "birth_date_precision": "exact",
        "contacts": [{"kind": "phone", "value": "+5565988112233"}],
        "documents": [{"doc_type": "national_id", "number": "MG-12.345.678", "issuing_country": "BR"}],
        "is_presumed_minor": False,
    }
