"""The navigation bar marks the screen the user is on: a case's Referrals tab is under Cases, not Referrals."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tipsom.accounts.testing import sign_in
from tipsom.cases.testing import case_actor, make_case
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def _current(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link active" href="([^"]+)" aria-current="page">', html)


def test_the_case_referrals_tab_is_under_cases() -> None:
    case = make_case(make_organization("BR"))
    client = sign_in(Client(), case_actor(case))
    assert _current(client.get(f"/cases/{case.pk}/referrals/").content.decode()) == ["/cases/"]
    assert _current(client.get("/referrals/").content.decode()) == ["/referrals/"]
    assert _current(client.get("/").content.decode()) == []
