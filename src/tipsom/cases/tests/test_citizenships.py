"""The case's copy of its person's citizenships (Case.citizenships) is the person's, whatever writes the case or
the person, so the case list's citizenship filter (which reads the copy) answers as a join with the person would."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tipsom.accounts.services import api_token_create
from tipsom.accounts.testing import make_user
from tipsom.cases.models import Case
from tipsom.cases.testing import make_case
from tipsom.core.queries import json_list_has
from tipsom.people.models import Person
from tipsom.people.services import person_update

pytestmark = pytest.mark.django_db


def _stored(case: Case) -> list[str]:
    return Case.objects.values_list("citizenships", flat=True).get(pk=case.pk)


def _listed(token: str, citizenship: str) -> set[int]:
    response = Client(HTTP_AUTHORIZATION=f"Token {token}").get(f"/api/v1/cases/?citizenship={citizenship}")
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_a_registered_case_copies_its_persons_citizenships(organization: Any) -> None:
    case = make_case(organization, person={"names": [{"name": "Ana Lima"}], "citizenships": ["BO", "PE"]})
    assert _stored(case) == ["BO", "PE"] == Person.objects.get(pk=case.person_id).citizenships


def test_a_changed_person_changes_every_case_of_theirs(organization: Any) -> None:
    user = make_user(organization, roles=("case_manager",))
    first = make_case(organization, actor=user)
    second = Case.objects.create(
        person=first.person,
        owner_organization=organization,
        country="BR",
        case_number="BR-X-1",
        case_type="tip",
        identified_on=first.identified_on,
        status="Closed",
    )
    _, token = api_token_create(actor=user)
    assert _listed(token, "BO") == {first.pk, second.pk} and _listed(token, "PY") == set()

    person = Person.objects.get(pk=first.person_id)
    person_update(actor=user, person_id=person.pk, version=person.version, citizenships=["PY"])

    assert _stored(first) == _stored(second) == ["PY"]
    assert _listed(token, "PY") == {first.pk, second.pk} and _listed(token, "BO") == set()


def test_a_case_given_another_person_takes_theirs(organization: Any) -> None:
    case = make_case(organization)
    other = make_case(organization, person={"names": [{"name": "Rosa Quispe"}], "citizenships": ["PE"]}).person
    case.person = other
    case.save(update_fields=["person"])
    assert _stored(case) == ["PE"]


def test_cases_written_in_bulk_copy_their_persons(organization: Any) -> None:
    template = make_case(organization, person={"names": [{"name": "Luz Mamani"}], "citizenships": ["AR"]})
    copies = [
        Case(
            person=template.person,
            owner_organization=organization,
            country="BR",
            case_number=f"BR-B-{n}",
            case_type="tip",
            identified_on=template.identified_on,
        )
        for n in range(3)
    ]
    Case.objects.bulk_create(copies)
    assert (
        list(Case.objects.filter(case_number__startswith="BR-B-").values_list("citizenships", flat=True))
        == [["AR"]] * 3
    )


def test_the_migration_fills_existing_cases_from_their_person(organization: Any) -> None:
    from importlib import import_module

    fill = import_module("tipsom.cases.migrations.0004_case_citizenships")._fill
    case = make_case(organization, person={"names": [{"name": "Eva Choque"}], "citizenships": ["CL", "BO"]})
    Case.objects.filter(pk=case.pk).update(citizenships=[])

    class Editor:  # the one method of a schema editor the step uses (a real one cannot open inside a test)
        def execute(self, sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

    fill(None, Editor())
    assert _stored(case) == ["CL", "BO"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_postgresql_indexes_the_copy_for_the_filter(organization: Any) -> None:
    make_case(organization)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_citizenships_gin'")
        assert "gin (citizenships jsonb_path_ops)" in cursor.fetchone()[0]
        cursor.execute("SET enable_seqscan = off")
        sql, params = Case.objects.filter(json_list_has("citizenships", "BO")).values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        assert "case_citizenships_gin" in " ".join(row[0] for row in cursor.fetchall())
