"""The victims cube (stats.facts.cube) follows the counted victim facts: after a refresh, a change, a merge that
moves the counted flag, a case leaving the facts, and a rebuild it equals a fresh aggregation of the facts (and the
numbers known by hand); `tipsom stats check` finds a cube that was tampered with; the dashboard and GLOTIP read it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tipsom.accounts.testing import make_user
from tipsom.cases.services import case_update
from tipsom.cases.testing import ADULT_PERSON, case_actor, make_case
from tipsom.matching.services import person_merge
from tipsom.organizations.testing import make_organization
from tipsom.stats.exports import Scope
from tipsom.stats.facts import engine
from tipsom.stats.facts.cube import (
    aggregated,
    cube_apply,
    cube_differences,
    cube_keys,
    cube_rebuild,
    deltas,
    stored,
)
from tipsom.stats.glotip import glotip_counts
from tipsom.stats.models import VictimCount, VictimFact
from tipsom.stats.selectors.dashboard import DashboardFilters, victims_by_form, victims_by_year

pytestmark = pytest.mark.django_db


def _refresh() -> None:
    engine.refresh(["victims"])


def counts(dimension: str, **filters: Any) -> dict[str, int]:
    """The cube's victims of one dimension by value (summed over every other key)."""
    out: dict[str, int] = {}
    for value, n in VictimCount.objects.filter(dimension=dimension, **filters).values_list("value", "n"):
        out[value] = out.get(value, 0) + n
    return out


def in_step() -> None:
    assert stored() == aggregated()
    assert cube_differences() == []
    assert not VictimCount.objects.filter(n__lte=0).exists()


def test_the_cube_follows_registrations_a_change_and_a_merge() -> None:
    police = make_organization("BR", type="LawEnforcement")
    shelter = make_organization("BR", type="NGO")
    first = make_case(police, identified_on="2025-03-01", exploitation_types=["ForcedLabour"])
    second = make_case(
        shelter, identified_on="2025-06-01", exploitation_types=["SexualExploitation"], person=dict(ADULT_PERSON)
    )
    _refresh()
    in_step()
    # Two women from Bolivia (ADULT_PERSON), one labour (police), one sexual (shelter), both exploited in Brazil.
    assert counts("total") == {"": 2}
    assert counts("form") == {"labour": 1, "sexual": 1}
    assert counts("form", organization_type="NGO") == {"sexual": 1}
    assert counts("citizenship") == {"BO": 2}
    assert counts("flow") == {"BO>BR": 2}
    assert counts("total", sex="F", age_group="A") == {"": 2}

    # A change: the police case becomes begging; the labour row goes (no row left at 0).
    case_update(actor=case_actor(first), case_id=first.pk, version=first.version, exploitation_types=["ForcedBegging"])
    _refresh()
    in_step()
    assert counts("form") == {"begging": 1, "sexual": 1}

    # A merge: one person; the first case of the year is counted, carrying both agencies' forms (begging and
    # sexual exploitation: another form); the shelter's registration is no longer counted.
    reviewer = make_user(police, roles=("registry_reviewer",))
    person_merge(actor=reviewer, survivor_id=first.person_id, merged_id=second.person_id)
    _refresh()
    in_step()
    counted = VictimFact.objects.get(counted=True)
    assert counted.source_id == first.pk
    assert counts("total") == {"": 1}
    assert counts("form") == {"other": 1}
    assert counts("total", organization_type="NGO") == {}
    assert all(result.ok for result in engine.check(["victims"]))


def test_a_case_that_leaves_the_facts_leaves_the_cube() -> None:
    organization = make_organization("BR")
    case = make_case(organization, identified_on="2025-04-02")
    _refresh()
    assert counts("total") == {"": 1}
    type(case).objects.filter(pk=case.pk).update(trafficking_status="NotAVictimOfTrafficking")
    engine.write_sources(engine.kinds(["victims"])[0], [case.pk])
    assert VictimCount.objects.count() == 0


def test_rebuild_builds_the_cube_again_and_check_finds_a_tampered_one(capsys: pytest.CaptureFixture[str]) -> None:
    organization = make_organization("BR")
    for day in ("2024-01-05", "2025-02-06", "2025-03-07"):
        make_case(organization, identified_on=day, person=dict(ADULT_PERSON))
    _refresh()
    refreshed = stored()
    # One person (ADULT_PERSON each time, not merged: three persons) in 2024 and two in 2025.
    assert counts("total", year=2024) == {"": 1} and counts("total", year=2025) == {"": 2}
    VictimCount.objects.all().delete()
    call_command("stats", "rebuild", "--kind", "victims")
    assert stored() == refreshed
    call_command("stats", "check", "--kind", "victims")

    # Tampered: one count changed, one row added at 0. Check reports both and the command fails.
    row = VictimCount.objects.filter(dimension="form").first()
    assert row is not None
    VictimCount.objects.filter(pk=row.pk).update(n=row.n + 1)
    VictimCount.objects.create(
        country="BR", year=2025, case_type="tip", dimension="citizenship", value="PY", region="", n=0
    )
    results = engine.check(["victims"])
    assert not results[0].ok
    assert not (results[0].missing or results[0].extra or results[0].different)  # the facts themselves agree
    assert len(results[0].summary) == 2
    capsys.readouterr()
    with pytest.raises(CommandError, match="do not agree"):
        call_command("stats", "check", "--kind", "victims")
    out = capsys.readouterr().out
    assert "value='PY'" in out and "the cube has 0, the facts give 0" in out
    cube_rebuild()
    assert cube_differences() == []


def fact(**fields: Any) -> dict[str, Any]:
    row = {
        "counted": True,
        "country": "BR",
        "year": 2025,
        "region": "BR-SP",
        "organization_type": "NGO",
        "case_type": "tip",
        "is_child": False,
        "sex": "F",
        "age": 30,
        "citizenship": "BO",
        "origin_country": "BO",
        "exploitation_country": "BR",
        "exploitation_form": "sexual",
    }
    row.update(fields)
    return row


def test_the_keys_of_a_fact() -> None:
    keys = {key[1]: key for key in cube_keys(fact(age=16))}
    base = ("BR", 2025, "BR-SP", "NGO", "tip", False)
    assert keys["total"] == ("BR", "total", *base[1:], "F", "C", "")  # 16: under 18
    assert keys["form"] == ("BR", "form", *base[1:], "F", "C", "sexual")
    assert keys["citizenship"] == ("BR", "citizenship", *base[1:], "", "", "BO")
    assert keys["flow"] == ("BR", "flow", *base[1:], "", "", "BO>BR")
    assert {key[1]: key[8] for key in cube_keys(fact(age=None))}["total"] == "U"
    assert {key[1]: key[8] for key in cube_keys(fact(age=None, is_child=True))}["total"] == "C"
    assert {key[1]: key[8] for key in cube_keys(fact(age=18))}["form"] == "A"


def test_deltas_count_only_counted_rows_and_cancel_what_does_not_move() -> None:
    # The counted flag moves between two rows with the same keys: nothing changes.
    assert deltas([fact(), fact(counted=False)], [fact(counted=False), fact()]) == {}
    # A row that is not counted changes nothing.
    assert deltas([fact(counted=False)], [fact(counted=False, sex="M")]) == {}
    # The form changes: the form key moves, the others stay.
    change = deltas([fact()], [fact(exploitation_form="labour")])
    assert sorted((key[1], key[9], n) for key, n in change.items()) == [("form", "labour", 1), ("form", "sexual", -1)]


def test_cube_apply_adds_takes_away_and_deletes_what_reaches_zero() -> None:
    cube_apply([], [fact(), fact(), fact(citizenship="PY")])
    assert counts("citizenship") == {"BO": 2, "PY": 1}
    assert counts("total") == {"": 3}
    cube_apply([fact(citizenship="PY")], [])
    assert counts("citizenship") == {"BO": 2}
    assert not VictimCount.objects.filter(value="PY").exists()
    # One changed fact: the upserts and the deletion of what reached zero are two statements (in a savepoint).
    with CaptureQueriesContext(connection) as queries:
        cube_apply([fact()], [fact(exploitation_form="begging")])
    assert len(queries) <= 4, [q["sql"][:60] for q in queries]
    assert counts("form") == {"sexual": 1, "begging": 1}


def test_the_dashboard_and_glotip_read_what_the_engine_keeps() -> None:
    """Facts through the engine only (no cube_rebuild): 2 women (sexual) and 1 man (labour) in 2025."""
    organization = make_organization("BR", type="NGO")
    man = {**ADULT_PERSON, "gender": "Masculine", "names": [{"name": "Jorge Benítez"}]}
    make_case(organization, identified_on="2025-05-02", exploitation_types=["SexualExploitation"])
    make_case(
        organization, identified_on="2025-05-03", exploitation_types=["SexualExploitation"], person=dict(ADULT_PERSON)
    )
    make_case(organization, identified_on="2025-05-04", exploitation_types=["ForcedLabour"], person=man)
    scope = Scope(country="BR")
    filters = DashboardFilters(year_from=2025, year_to=2025)
    assert victims_by_year(scope, filters).counts == {("2025", "victims"): 3}
    assert victims_by_form(scope, filters).counts == {("sexual", "victims"): 2, ("labour", "victims"): 1}
    figures = glotip_counts(scope, year=2025).counts
    victims = "Detected trafficking victims"
    assert figures[(victims, "Total", "Total", "Total", "Total")] == 3
    assert figures[(victims, "Total", "Total", "Female", "18 years or over")] == 2
    assert figures[(victims, "by form of exploitation", "Forced labour", "Male", "18 years or over")] == 1
    assert figures[(victims, "by citizenship", "Bolivia (Plurinational State of)", "Total", "Total")] == 3
    in_step()


def test_a_fact_built_by_hand_is_not_in_the_cube_until_it_is_rebuilt() -> None:
    organization = make_organization("BR", type="NGO")
    VictimFact.objects.create(
        country="BR",
        organization=organization,
        year=2025,
        source_id=1,
        person_cluster=1,
        counted=True,
        identified_on=date(2025, 3, 1),
        case_type="tip",
    )
    assert cube_differences() != []
    cube_rebuild("BR")
    in_step()
    assert counts("form") == {"unknown": 1}
