"""The case API answer reads a leaner query than the case page (no joined owner, organizations or deciders, no
person names), and says exactly the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tipsom.accounts.testing import make_user
from tipsom.cases import selectors
from tipsom.cases.api import serializers
from tipsom.cases.models import CaseOrganization
from tipsom.cases.testing import make_case
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def _answer(case: Any) -> dict[str, Any]:
    return dict(serializers.CaseDetailSerializer(case, context={"reveal": False}).data)


def test_the_api_query_answers_as_the_page_query_does(organization: Any) -> None:
    user = make_user(organization, roles=("case_manager",))
    case = make_case(organization, actor=user, child=True)  # a decision, a child track, a notified agency
    partner = make_organization("BR", name="Clínica Parceira", type="NGO")
    CaseOrganization.objects.create(case=case, organization=partner, reason="partner", added_by=user)
    case.team.add(user)
    page = _answer(selectors.access_case_by_id(user, case.pk))
    with CaptureQueriesContext(connection) as captured:
        api = _answer(selectors.access_case_for_api(user, case.pk))
    assert api == page
    assert api["decisions"] and api["child_protection"] and len(api["organizations"]) >= 1 and api["team"]
    assert not any("people_personname" in q["sql"] for q in captured.captured_queries)
