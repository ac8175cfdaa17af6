"""Case reads: who sees which case, search by number and by name without decrypting, pending approvals."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.cases import services
from tipsom.cases.models import ACTUAL_VICTIM, Case
from tipsom.cases.selectors import (
    access_case_by_id,
    case_attachments,
    case_journal,
    case_list,
    case_search,
    pending_approvals,
)
from tipsom.cases.tests.test_services_validation import PDF
from tipsom.core.errors import NotFound
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db

# Encrypted columns a list or a search must never read: reading them means decrypting them.
ENCRYPTED_COLUMNS = re.compile(
    r'(people_personname"|U\d+)\."name(_latin)?"|"birth_date"|"street_address"|"accounts_user"\."phone"'
)


def _register(actor: User, organization: Any, case_data: dict[str, Any], name: str, **changes: Any) -> Case:
    person = {"names": [{"name": name}], "birth_date": "1990", "birth_date_precision": "year"}
    return services.case_register(actor=actor, organization=organization, person=person, **{**case_data, **changes})


@pytest.fixture
def world(identifier, home_org, case_data, cp_agency) -> dict[str, Any]:
    """Cases of the home NGO (one a presumed child's, notified to the agency), another Brazilian NGO, a Bolivian."""
    other_org = make_organization("BR")
    other = make_user(other_org, roles=("case_manager",))
    bolivian_org = make_organization("BO")
    bolivian = make_user(bolivian_org, roles=("case_manager",))
    home = _register(identifier, home_org, case_data, "Ярославна Кравчук")
    presumed_child = {"names": [{"name": "فاطمة الزهراء"}], "is_presumed_minor": True}
    child = services.case_register(actor=identifier, organization=home_org, person=presumed_child, **case_data)
    services.child_notify(actor=identifier, case_id=child.pk, organization_id=cp_agency.pk)
    return {
        "home": home,
        "child": child,
        "other": _register(other, other_org, case_data, "Juana Mamani Quispe", region=""),
        "bolivian": _register(bolivian, bolivian_org, case_data, "Juana Mamani Quispe", region=""),
        "other_user": other,
        "bolivian_user": bolivian,
    }


def test_case_list_scope(world, identifier, cp_officer):
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    operator = make_user(identifier.organization, roles=("me_officer",))
    assert set(case_list(user=identifier)) == {world["home"], world["child"]}
    assert set(case_list(user=cp_officer)) == {world["child"]}  # an organization on the case's team
    assert set(case_list(user=world["other_user"])) == {world["other"]}
    assert set(case_list(user=world["bolivian_user"])) == {world["bolivian"]}
    assert set(case_list(user=coordinator)) == {world["home"], world["child"], world["other"]}  # country only
    assert not case_list(user=operator).exists()
    for user in (operator, world["other_user"], world["bolivian_user"]):
        with pytest.raises(NotFound):
            access_case_by_id(user, world["home"].pk)
    assert access_case_by_id(coordinator, world["home"].pk) == world["home"]
    with pytest.raises(NotFound):
        access_case_by_id(coordinator, world["home"].pk, "reveal")  # coordinators see no identities
    with pytest.raises(NotFound):
        access_case_by_id(identifier, "not-a-number")


def test_search_by_case_number(world, identifier):
    cases = case_list(user=identifier)
    number = world["home"].case_number
    assert number == "BR-2026-000001"
    short_forms = ("2026-1", "2026-000001", "2026/1", "BR2026000001", "br 2026 1", "1", "000001", "#1")
    for query in (number, number.lower(), f"  {number} ", "BR-2026-1", "br-2026-0001", *short_forms):
        assert list(case_search(cases, query)) == [world["home"]], query
    assert not case_search(cases, "BO-2026-000001").exists()  # another country's number
    assert not case_search(case_list(user=world["other_user"]), number).exists()  # out of scope
    assert set(case_search(cases, "")) == {world["home"], world["child"]}


@pytest.mark.parametrize(
    ("query", "case"),
    [
        ("Ярославна Кравчук", "home"),
        ("кравчук ЯРОСЛАВНА", "home"),  # word order and case do not matter
        ("Yaroslavna Kravchuk", "home"),  # the Latin transliteration finds the Cyrillic name
        ("kravchuk yaroslavna", "home"),
        ("فاطمة الزهراء", "child"),
        ("Juana Mamani Quispe", "other"),
        ("Juana Mamani Quispe", "bolivian"),
    ],
)
def test_search_by_name_in_any_script(world, query, case):
    coordinator = make_user(make_organization(world[case].country), roles=("national_coordinator",))
    assert world[case] in case_search(case_list(user=coordinator), query)


def test_name_search_is_scoped(world, identifier):
    cases = case_list(user=identifier)
    assert list(case_search(cases, "Yaroslavna")) == [world["home"]]  # one word of the name
    assert list(case_search(cases, "krav")) == [world["home"]]  # the beginning of a word
    assert not case_search(cases, "Yaroslavna Petrenko").exists()  # every word must be there
    assert not case_search(cases, "ya").exists()  # a beginning has 3 letters or more
    assert not case_search(cases, "Juana Mamani Quispe").exists()  # that person's case is another NGO's
    assert not case_search(cases, "!!!").exists()


def test_the_list_and_the_name_search_never_read_encrypted_columns(world, identifier):
    with CaptureQueriesContext(connection) as queries:
        rows = list(case_search(case_list(user=identifier), "Yaroslavna Kravchuk"))
        assert [(row.person.citizenships, row.owner_organization.name) for row in rows] == [
            ([], identifier.organization.name)
        ]
        listed = list(case_list(user=identifier))
        assert len(listed) == 2
    assert queries.captured_queries
    for query in queries.captured_queries:
        sql = query["sql"]
        assert not ENCRYPTED_COLUMNS.search(sql), sql
    assert "people_personnamekey" in " ".join(query["sql"] for query in queries.captured_queries)


def test_journal_and_attachments(world, identifier):
    case = world["home"]
    first = services.journal_add(actor=identifier, case_id=case.pk, text="First note")
    second = services.journal_add(actor=identifier, case_id=case.pk, text="Second note")
    services.journal_add(actor=identifier, case_id=world["child"].pk, text="Another case")
    assert list(case_journal(case)) == [second, first]
    services.attachment_add(actor=identifier, case_id=case.pk, filename="scan.pdf", content=PDF)
    (attachment,) = case_attachments(case)
    assert "content" in attachment.get_deferred_fields()
    assert (attachment.filename, attachment.content_type, attachment.size) == ("scan.pdf", "application/pdf", len(PDF))


def test_pending_approvals(world, identifier, supervisor, case_manager):
    decision = services.case_decide_status(
        actor=identifier,
        case_id=world["home"].pk,
        status=ACTUAL_VICTIM,
        decided_on="2026-10-06",
        deciding_organization_type="NGO",
        basis="Interview.",
    )
    other_supervisor = make_user(world["other"].owner_organization, roles=("case_supervisor",))
    services.case_decide_status(
        actor=world["other_user"],
        case_id=world["other"].pk,
        status=ACTUAL_VICTIM,
        decided_on="2026-10-06",
        deciding_organization_type="NGO",
        basis="Interview.",
    )
    request = services.case_close(actor=identifier, case_id=world["home"].pk, reason="declined", closed_on="2026-11-01")
    pending = pending_approvals(user=supervisor)
    assert list(pending["decisions"]) == [decision]
    assert list(pending["closures"]) == [request]
    assert [d.case for d in pending_approvals(user=other_supervisor)["decisions"]] == [world["other"]]
    for user in (case_manager, identifier):
        nothing = pending_approvals(user=user)
        assert not nothing["decisions"].exists() and not nothing["closures"].exists()
    services.decision_review(actor=supervisor, decision_id=decision.pk, approve=True)
    assert not pending_approvals(user=supervisor)["decisions"].exists()
