"""Whether an organization is on another organization's case is looked up once per request, and a change of a case
team is seen at once, in the same request too."""

from __future__ import annotations

from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.cases.models import Case, CaseOrganization, case_team_scope
from tipsom.cases.testing import make_case
from tipsom.core.context import action_context
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def _visible(organization: Any) -> set[int]:
    return set(Case.objects.filter(case_team_scope(organization.pk)).values_list("pk", flat=True))


def test_one_look_up_per_request(organization: Any, django_assert_num_queries: Any) -> None:
    partner = make_organization("BR", name="Conselho Tutelar", type="ChildProtection")
    with action_context(channel="web"):
        with django_assert_num_queries(1):
            case_team_scope(partner.pk)
            case_team_scope(partner.pk)
            case_team_scope(partner.pk)
    with action_context(channel="api"), django_assert_num_queries(1):
        case_team_scope(partner.pk)  # a new request looks again
    with django_assert_num_queries(2):  # outside a request (a command, a shell): nothing is remembered
        case_team_scope(partner.pk)
        case_team_scope(partner.pk)


@pytest.mark.parametrize("how", ["create", "bulk_create"])
def test_an_organization_added_to_a_team_sees_the_case_in_the_same_request(organization: Any, how: str) -> None:
    case = make_case(organization)
    partner = make_organization("BR", name="Conselho Tutelar", type="ChildProtection")
    user = make_user(organization)
    with action_context(channel="web"):
        assert case.pk not in _visible(partner)
        if how == "create":
            CaseOrganization.objects.create(case=case, organization=partner, reason="partner", added_by=user)
        else:
            CaseOrganization.objects.bulk_create([CaseOrganization(case=case, organization=partner, reason="partner")])
        assert case.pk in _visible(partner)


def test_an_organization_taken_off_a_team_no_longer_sees_the_case(organization: Any) -> None:
    case = make_case(organization)
    partner = make_organization("BR", name="Conselho Tutelar", type="ChildProtection")
    link = CaseOrganization.objects.create(case=case, organization=partner, reason="partner")
    with action_context(channel="web"):
        assert case.pk in _visible(partner)
        link.delete()
        assert case.pk not in _visible(partner)
