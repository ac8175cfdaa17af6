"""Issue 11 "search that finds" and "lists that scan" on the case and person lists: case numbers in short forms,
part of a name in either script or order through blind-index keys only (nothing decrypted), the hint, the person
list's columns without identities, the coordinator's refusal, sorting, counts and the organization column."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tipsom.accounts.testing import make_user, sign_in
from tipsom.cases import services
from tipsom.cases.models import Case
from tipsom.core import crypto, listing
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def _register(organization: Any, name: str, *, identified_on: str = "2026-10-02", **person: Any) -> Case:
    person = {"names": [{"name": name}], "gender": "Feminine", "citizenships": ["BO"], **person}
    return services.case_register(
        actor=None,
        organization=organization,
        person=person,
        case_type="tip",
        identified_on=identified_on,
        exploitation_types=["ForcedLabour"],
        origin_country="BO",
    )


@pytest.fixture
def world(home_org: Any) -> dict[str, Any]:
    return {
        "rosa": _register(home_org, "Rosa María Quispe Mamani", identified_on="2026-03-01"),
        "olena": _register(home_org, "Олена Коваленко", identified_on="2026-05-01"),
        "fatima": _register(home_org, "فاطمة الزهراء", identified_on="2026-01-15"),
    }


def _found(client: Client, query: str, url: str = "/cases/") -> tuple[int, str]:
    response = client.get(url, {"q": query} if url == "/cases/" else {"name": query})
    return response.status_code, response.content.decode()


def _numbers(html: str) -> set[str]:
    """The case numbers a page lists (the hint's example number aside)."""
    return set(re.findall(r"[A-Z]{2}-\d{4}-\d{6}", html.replace("BR-2026-000063", "")))


SEARCHES = [
    # case numbers in any short form, any case
    ("{number}", "rosa"),
    ("{lower}", "rosa"),
    ("2026-{serial}", "rosa"),
    ("2026-{serial6}", "rosa"),
    ("{serial6}", "rosa"),
    ("BR2026{serial6}", "rosa"),
    # part of a name: a word, the beginning of a word (3 letters or more), any order, either script
    ("rosa", "rosa"),
    ("ROSA", "rosa"),
    ("qui", "rosa"),
    ("Mamani Rosa", "rosa"),
    ("Коваленко", "olena"),
    ("kovalenko", "olena"),  # the Latin transliteration of a Cyrillic name
    ("olen", "olena"),
    ("Ков", "olena"),
    ("الزهراء", "fatima"),
]


@pytest.mark.parametrize(("query", "who"), SEARCHES)
def test_the_case_list_finds(client: Client, case_manager: Any, world: dict[str, Any], query: str, who: str) -> None:
    case = world[who]
    serial = case.case_number.rsplit("-", 1)[1]
    query = query.format(number=case.case_number, lower=case.case_number.lower(), serial=int(serial), serial6=serial)
    status, html = _found(sign_in(client, case_manager), query)
    assert status == 200
    assert _numbers(html) == {case.case_number}, query


@pytest.mark.parametrize("query", ["ros a", "ro", "xyz", "Rosa Kovalenko", "2025-1", "BO-2026-1"])
def test_what_is_not_there_is_not_found_and_gets_a_hint(
    client: Client, case_manager: Any, world: dict[str, Any], query: str
) -> None:
    status, html = _found(sign_in(client, case_manager), query)
    assert status == 200 and _numbers(html) == set()
    assert "No case matches" in html and "Search by case number (2026-63" in html
    assert "list-hint" in html


def test_search_never_decrypts(client: Client, case_manager: Any, world: dict[str, Any], monkeypatch: Any) -> None:
    sign_in(client, case_manager)

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("the registry was decrypted to search it")

    monkeypatch.setattr(crypto, "decrypt", refuse)
    for query in ("rosa", "Mamani Rosa", "kovalenko", "2026-1"):
        status, html = _found(client, query)
        assert status == 200 and _numbers(html)
        status, html = _found(client, query, url="/people/")
        assert status == 200


def test_the_coordinator_may_look_up_numbers_but_not_names(client: Client, world: dict[str, Any]) -> None:
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    sign_in(client, coordinator)
    status, html = _found(client, "rosa")
    assert status == 400 and "permission to see identities" in html and _numbers(html) == set()
    serial = int(world["rosa"].case_number.rsplit("-", 1)[1])
    status, html = _found(client, f"2026-{serial}")
    assert status == 200 and _numbers(html) == {world["rosa"].case_number}
    api = client.get("/api/v1/cases/", {"q": "qui"})
    assert api.status_code == 400 and "q" in api.json()["extra"]["fields"]


def test_the_person_list_tells_persons_apart_without_identities(
    client: Client, case_manager: Any, world: dict[str, Any]
) -> None:
    html = sign_in(client, case_manager).get("/people/").content.decode()
    assert _numbers(html) == {case.case_number for case in world.values()}
    for text in ("Rosa", "Quispe", "Олена", "فاطمة"):
        assert text not in html
    assert "Age range" in html and "Bolivia" in html and "Feminine" in html
    assert "3 results" in html
    found = sign_in(client, case_manager).get("/people/", {"name": "mamani ros"}).content.decode()
    assert _numbers(found) == {world["rosa"].case_number}
    missing = client.get("/people/", {"name": "nobody"}).content.decode()
    assert "No person matches this search." in missing


# --- Sorting, counts, the organization column ----------------------------------------------------------------------
def _order(html: str) -> list[str]:
    return re.findall(r">([A-Z]{2}-\d{4}-\d{6})</a>", html)


def test_sorting_by_a_whitelisted_column(client: Client, case_manager: Any, world: dict[str, Any]) -> None:
    sign_in(client, case_manager)
    by_pk = [world[k].case_number for k in ("fatima", "olena", "rosa")]
    assert _order(client.get("/cases/").content.decode()) == by_pk  # newest registered first
    identified = _order(client.get("/cases/", {"sort": "-identified_on"}).content.decode())
    assert identified == [world[k].case_number for k in ("olena", "rosa", "fatima")]
    ascending = _order(client.get("/cases/", {"sort": "identified_on"}).content.decode())
    assert ascending == identified[::-1]
    assert _order(client.get("/cases/", {"sort": "case_number"}).content.decode()) == sorted(by_pk)
    html = client.get("/cases/", {"sort": "-identified_on"}).content.decode()
    assert 'aria-sort="descending"' in html and "Most recently identified first." in html
    assert 'href="?sort=identified_on"' in html  # the active column's link turns the order round
    assert 'href="?sort=case_number"' in html and "Sort by:" in html  # and the phone's sort links


@pytest.mark.parametrize("sort", ["name", "-person__names__name", "'; drop table", "identified_on,pk", "--pk", ""])
def test_an_unknown_sort_is_ignored(client: Client, case_manager: Any, world: dict[str, Any], sort: str) -> None:
    response = sign_in(client, case_manager).get("/cases/", {"sort": sort})
    assert response.status_code == 200
    assert _order(response.content.decode()) == [world[k].case_number for k in ("fatima", "olena", "rosa")]


def _link(html: str, cursor: str, rel: str) -> str:
    found = re.search(rf'href="(\?[^"]*{cursor}=[^"]*)" rel="{rel}"', html)
    assert found is not None, html
    return found.group(1).replace("&amp;", "&")


def test_paging_keeps_the_sort_and_bad_cursors_are_400(
    client: Client, case_manager: Any, world: dict[str, Any], monkeypatch: Any
) -> None:
    from tipsom.cases.views import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    sign_in(client, case_manager)
    first = client.get("/cases/", {"sort": "identified_on"}).content.decode()
    assert _order(first) == [world["fatima"].case_number, world["rosa"].case_number]
    next_url = _link(first, "before", "next")
    second = client.get("/cases/" + next_url).content.decode()
    assert _order(second) == [world["olena"].case_number]
    prev_url = _link(second, "after", "prev")
    assert _order(client.get("/cases/" + prev_url).content.decode()) == _order(first)
    for bad in ("x", "2026-13-45~1", "2026-01-01~x", "2026-01-01"):
        assert client.get("/cases/", {"sort": "identified_on", "before": bad}).status_code == 400


def test_counts_stop_at_the_cap(client: Client, case_manager: Any, world: dict[str, Any], monkeypatch: Any) -> None:
    sign_in(client, case_manager)
    assert "3 results" in client.get("/cases/").content.decode()
    assert "1 result<" in client.get("/cases/", {"q": "rosa"}).content.decode()
    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    assert "More than 2 results" in client.get("/cases/").content.decode()
    assert listing.capped_count(Case.objects.all(), cap=3) == listing.ListCount(3, False)
    assert listing.capped_count(Case.objects.all(), cap=1) == listing.ListCount(1, True)


def test_the_organization_column_only_for_several_organizations(client: Client, world: dict[str, Any]) -> None:
    other = _register(make_organization("BR", name="Casa Outra"), "Ana Silva")
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    several = sign_in(client, coordinator).get("/cases/").content.decode()
    assert 'data-label="Organization"' in several and "Casa Outra" in several
    one = sign_in(Client(), make_user(other.owner_organization, roles=("case_manager",))).get("/cases/")
    assert 'data-label="Organization"' not in one.content.decode()


def test_permissions_of_a_sorted_searched_list(client: Client, home_org: Any) -> None:
    case = _register(home_org, "Rosa Quispe")
    query = {"q": "rosa", "sort": "identified_on"}
    anonymous = Client().get("/cases/", query)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    operator = make_user(home_org, roles=("me_officer",))
    assert sign_in(Client(), operator).get("/cases/", query).status_code == 404  # no list to see
    assert sign_in(Client(), operator).get("/people/", {"name": "rosa"}).status_code == 404
    outsider = sign_in(Client(), make_user(make_organization("BR"), roles=("case_manager",)))
    for search in ("rosa", case.case_number):
        response = outsider.get("/cases/", {"q": search, "sort": "identified_on"})
        assert response.status_code == 200 and _order(response.content.decode()) == []  # the query is echoed only
    assert case.case_number not in outsider.get("/people/", {"name": "rosa"}).content.decode()
    member = sign_in(Client(), make_user(home_org, roles=("case_manager",)))
    assert case.case_number in member.get("/cases/", query).content.decode()


def test_referral_lists_sort_by_the_answer_due_date(client: Client, home_org: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tipsom.referrals.testing import make_referral

    receiver = make_organization("BR", name="Casa Abrigo")
    cases = [_register(home_org, name) for name in ("Ana Lima", "Bia Reis", "Carla Dias")]
    soon = timezone.now() + timedelta(days=1)
    for case, days in zip(cases, (5, 1, 3), strict=True):
        make_referral(case, home_org, receiver, due_at=soon + timedelta(days=days))
    sign_in(client, make_user(home_org, roles=("case_manager",)))
    newest = client.get("/referrals/sent/").content.decode()
    assert re.findall(r"(BR-2026-\d{6})", newest)[:3] == [c.case_number for c in cases[::-1]]
    assert "3 results" in newest and "Most recently sent first." in newest
    due = client.get("/referrals/sent/", {"sort": "due_at"}).content.decode()
    assert re.findall(r"(BR-2026-\d{6})", due)[:3] == [cases[1].case_number, cases[2].case_number, cases[0].case_number]
    assert "Soonest answer due first." in due and 'aria-sort="ascending"' in due
    for bad in ("state", "-x", "due_at;"):
        assert client.get("/referrals/sent/", {"sort": bad}).status_code == 200
    assert client.get("/referrals/sent/", {"sort": "due_at", "before": "yesterday~1"}).status_code == 400


def test_keyset_paging_on_a_datetime_column(home_org: Any) -> None:
    from datetime import timedelta
    from urllib.parse import parse_qsl

    from django.test import RequestFactory
    from django.utils import timezone

    from tipsom.referrals.models import Referral
    from tipsom.referrals.testing import make_referral

    receiver = make_organization("BR")
    moment = timezone.now()
    for index, name in enumerate(("Ana Lima", "Bia Reis", "Carla Dias", "Dora Melo", "Eva Cruz")):
        make_referral(_register(home_org, name), home_org, receiver, due_at=moment + timedelta(hours=index % 2))
    columns = (listing.SortColumn("due_at", "due_at"),)
    seen: list[int] = []
    url = "?sort=due_at"
    while url:
        request = RequestFactory().get("/", dict(parse_qsl(url[1:])))
        result = listing.list_page(request, Referral.objects.all(), columns, per_page=2)
        seen += [row.pk for row in result.page.items]
        url = result.page.next_url
    expected = list(Referral.objects.order_by("due_at", "pk").values_list("pk", flat=True))
    assert seen == expected  # ties on the date broken by the id, no row twice or lost
