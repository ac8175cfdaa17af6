"""The navigation bar (tipsom.core.context_processors.navigation): the first work entries in the bar, the others
under "More", one current entry, and the account menu holding the organisation, the language and sign-out."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.core.context_processors import PRIMARY_ENTRIES
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db

EVERY_ROLE = ("system_administrator", "national_coordinator", "case_supervisor", "case_manager", "auditor")


def _context(user: Any, path: str = "/") -> Any:
    response = sign_in(Client(), user).get(path)
    assert response.status_code == 200
    return response


def test_many_entries_go_under_more_and_one_is_current() -> None:
    user = make_user(make_organization("BR", name="Rede Livre"), roles=EVERY_ROLE)
    response = _context(user, reverse("cases:approvals"))
    primary, more = response.context["nav_primary"], response.context["nav_more"]
    assert len(primary) == PRIMARY_ENTRIES and more
    assert [e["url"] for e in primary + more] == [e["url"] for e in response.context["work"]]
    current = [e["url"] for e in response.context["menu"] if e["active"]]
    assert current == [reverse("cases:approvals")]  # not Cases as well, though /cases/approvals/ is under /cases/
    html = response.content.decode()
    assert 'id="nav-more"' in html and html.count('aria-current="page"') == 1


def test_few_entries_need_no_more() -> None:
    user = make_user(make_organization("BR"), roles=("auditor",))
    response = _context(user)
    assert response.context["nav_more"] == [] and 'id="nav-more"' not in response.content.decode()


def test_the_account_menu_holds_the_organisation_the_language_and_sign_out() -> None:
    user = make_user(make_organization("BR", name="Rede Livre"), roles=("case_manager",), full_name="Rita Alves")
    html = _context(user).content.decode()
    menu = re.search(r'<div class="dropdown-menu dropdown-menu-end account-menu".*?</div>\s*</li>', html, re.S)
    assert menu is not None
    block = menu.group(0)
    assert "Rita Alves" in block and "Rede Livre" in block
    assert 'id="language-select"' in block and 'action="/accounts/logout/"' in block
    assert f'href="{reverse("accounts:profile")}"' in block


def test_signed_out_the_language_switcher_is_in_the_bar() -> None:
    html = Client().get(reverse("accounts:login")).content.decode()
    assert 'id="language-select"' in html and "account-menu" not in html
