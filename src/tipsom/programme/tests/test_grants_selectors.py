"""Reading grants: the summary's money and reports, the victims assisted counted from the services delivered (a
merged person once, a small count shown "<5"), the scope of the list, and one query for any number of grants."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tipsom.accounts.testing import make_user
from tipsom.cases.testing import make_case
from tipsom.core import disclosure
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person
from tipsom.programme.models.choices import TransactionType
from tipsom.programme.selectors.grants import (
    count_published,
    grant_list,
    grant_summaries,
    grant_summary,
    grant_transactions,
    victims_published,
)
from tipsom.programme.services.grants import (
    grant_report_approve,
    grant_report_submit,
    tranche_release,
    transaction_record,
)
from tipsom.programme.testing import make_grant
from tipsom.programme.testing_grants import GrantPeople, make_grant_people, make_service_delivery

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def people() -> GrantPeople:
    return make_grant_people()


def _money(people: GrantPeople) -> None:
    grant = people.grant
    tranche_release(actor=people.coordinator, tranche_id=grant.tranches.get(number=1).pk, released_on=D(2019, 1, 5))
    for kind, day, amount, actor in [
        (TransactionType.COMMITMENT, D(2019, 1, 1), "30000", people.officer),
        (TransactionType.DISBURSEMENT, D(2019, 1, 10), "8000", people.officer),
        (TransactionType.EXPENDITURE, D(2019, 2, 1), "2500", people.partner),
        (TransactionType.EXPENDITURE, D(2019, 3, 1), "1500", people.partner),
    ]:
        transaction_record(actor=actor, grant_id=grant.pk, transaction_type=kind, date=day, amount=Decimal(amount))


def test_summary_counts_money_and_reports(people: GrantPeople) -> None:
    _money(people)
    report = people.grant.reports.get(number=1)
    grant_report_submit(actor=people.partner, report_id=report.pk, narrative="Done.")
    summary = grant_summary(people.grant)
    assert summary.committed == Decimal("30000")
    assert summary.released == Decimal("10000")
    assert summary.disbursed == Decimal("8000")
    assert summary.spent == Decimal("4000")
    assert summary.balance == Decimal("2000")
    # Report 1 is submitted; reports 2 and 3 (due in 2019) are open and past due.
    assert summary.overdue_reports == 2
    assert summary.next_report_due == people.grant.reports.get(number=2).due_on
    grant_report_approve(actor=people.coordinator, report_id=report.pk)
    assert grant_summary(people.grant).overdue_reports == 2


def test_running_totals(people: GrantPeople) -> None:
    _money(people)
    rows = grant_transactions(user=people.officer, grant=people.grant)
    assert [(row.committed, row.disbursed, row.spent) for row in rows] == [
        (Decimal("30000"), 0, 0),
        (Decimal("30000"), Decimal("8000"), 0),
        (Decimal("30000"), Decimal("8000"), Decimal("2500")),
        (Decimal("30000"), Decimal("8000"), Decimal("4000")),
    ]


def test_victims_assisted_count_cases_and_persons_during_the_grant(people: GrantPeople) -> None:
    cases = [make_case(people.ngo, child=index < 2) for index in range(7)]
    for case in cases:
        make_service_delivery(case, people.ngo, D(2019, 5, 1))
    make_service_delivery(cases[0], people.ngo, D(2019, 6, 1))  # the same case twice: once
    make_service_delivery(make_case(people.ngo), people.ngo, D(2020, 2, 1))  # after the grant
    make_service_delivery(make_case(people.ngo), people.office, D(2019, 5, 1))  # another provider
    # The person of case 6 was merged into the person of case 5: one person.
    Person.objects.filter(pk=cases[6].person_id).update(merged_into_id=cases[5].person_id)
    summary = grant_summary(people.grant)
    assert (summary.victims_cases, summary.victims_persons) == (7, 6)
    shown = victims_published(people.grant)
    assert (shown.cases, shown.persons) == ("7", "6")
    # 2 children is small; the 5 adults beside the total of 7 would give it back: withheld as well.
    assert (shown.children, shown.adults) == ("<5", "..")


def test_a_small_number_of_victims_shows_under_five(people: GrantPeople) -> None:
    make_service_delivery(make_case(people.ngo), people.ngo, D(2019, 5, 1))
    shown = victims_published(people.grant)
    assert shown.cases == "<5" and shown.persons == "<5"
    assert grant_summary(people.grant).victims_cases == 1


@pytest.mark.parametrize("threshold", [5, 10])
def test_a_lone_count_is_shown_as_disclosure_protects_it(settings: Any, threshold: int) -> None:
    settings.TIPSOM_SMALL_CELL = threshold
    for value in (0, 1, threshold - 1, threshold, 40):
        assert count_published(value) == disclosure.protect({"n": value}).display("n")
    assert count_published(1) == f"<{threshold}"


def test_list_scope_and_filters(people: GrantPeople) -> None:
    other_ngo = make_organization("BR", type="NGO")
    other = make_grant(people.office, other_ngo, start_date=D(2021, 1, 1), end_date=D(2021, 12, 31))
    other.reports.update(due_on=D(2099, 1, 1))  # nothing overdue
    abroad = make_grant(make_organization("CO"), make_organization("CO", type="NGO"))
    assert set(grant_list(user=people.partner)) == {people.grant}
    assert set(grant_list(user=people.officer)) == {people.grant, other}
    manager = make_user(make_organization("CO"), roles=("programme_manager",))
    assert set(grant_list(user=manager)) == {people.grant, other, abroad}
    assert set(grant_list(user=manager, country="CO")) == {abroad}
    assert set(grant_list(user=people.officer, year=2021)) == {other}
    assert set(grant_list(user=people.officer, grantee=other_ngo.pk)) == {other}
    assert set(grant_list(user=people.officer, overdue=True)) == {people.grant}
    assert set(grant_list(user=people.officer, overdue=False)) == {other}
    assert list(grant_list(user=make_user(people.office, roles=("frontline_identifier",)))) == []


def test_summaries_take_one_query_for_any_number_of_grants(people: GrantPeople) -> None:
    _money(people)
    for _index in range(4):
        make_grant(people.office, people.ngo)
    with CaptureQueriesContext(connection) as queries:
        summaries = grant_summaries(user=people.officer, country="BR", start=D(2019, 1, 1), end=D(2019, 12, 31))
    assert len(summaries) == 5
    assert len([query for query in queries if "programme_grant" in query["sql"]]) == 1
    assert {summary.grant.pk: summary.disbursed for summary in summaries}[people.grant.pk] == Decimal("8000")
    assert grant_summaries(user=people.officer, country="BR", start=D(2020, 1, 1), end=None) == []
