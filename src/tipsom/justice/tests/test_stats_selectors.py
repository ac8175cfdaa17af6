"""The year's justice statistics on hand-built data: exact counts in each breakdown, a person counted once per
stage, an overturned conviction not counted, a smuggling incident with deaths at sea, and small counts withheld
from an organization's users but not from national ones."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.core.disclosure import sums
from tipsom.core.errors import NotFound
from tipsom.justice.models import Charge, CourtDecision, OffenceType, Outcome, SmugglingIncident
from tipsom.justice.selectors.stats import Cell, JusticeStats, disclosed, justice_stats
from tipsom.justice.testing import make_criminal_case, make_offence, make_provision, make_suspect
from tipsom.organizations.testing import make_organization

D = datetime.date
YEAR = 2026


def _person(gender: str, citizenships: list[str], birth: str | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"gender": gender, "citizenships": citizenships, "birth_date": birth or ""}
    fields["birth_date_precision"] = "year" if birth else ""
    return fields


def charge(suspect: Any, provision: Any, charged_on: datetime.date, **fields: Any) -> Charge:
    return Charge.objects.create(
        criminal_case=suspect.criminal_case,
        suspect=suspect,
        provision=provision,
        offence_type=provision.offence_type,
        charged_on=charged_on,
        **fields,
    )


def incident(organization: Any, occurred_on: datetime.date, number: int, **counts: Any) -> SmugglingIncident:
    return SmugglingIncident.objects.create(
        owner_organization=organization,
        country=organization.country,
        reference=f"{organization.country}-SI-{occurred_on.year}-{number:06d}",
        occurred_on=occurred_on,
        location_type="sea",
        incident_country=organization.country,
        **counts,
    )


def rows(items: list[Any]) -> dict[str, int | None]:
    return {row.key: row.count.value for row in items}


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """Two organizations of Brazil: a police unit (cases 1 and 2) and another (case 3)."""
    unit, other = make_organization("BR"), make_organization("BR")
    tip, som = make_provision("BR"), make_provision("BR", offence_type=OffenceType.SOM, iccs_code="08051")
    fraud = make_provision("BR", offence_type=OffenceType.DOCUMENT_FRAUD, iccs_code="")
    case1 = make_criminal_case(unit, offence_type=OffenceType.TIP)
    case2 = make_criminal_case(unit, offence_type=OffenceType.TIP)
    case3 = make_criminal_case(other, offence_type=OffenceType.SOM)
    # P1: a Brazilian man born in 1980, suspect in cases 1 and 2 in the same year.
    p1 = make_suspect(case1, person=_person("Masculine", ["BR"], "1980"), formal_contact_on=D(YEAR, 2, 1))
    p1b = make_suspect(case2, person=p1.person, formal_contact_on=D(YEAR, 5, 1))
    # P2: a girl born in 2010 (16 in 2026), Brazilian and Bolivian.
    p2 = make_suspect(case1, person=_person("Feminine", ["BR", "BO"], "2010"), formal_contact_on=D(YEAR, 3, 1))
    # P3: a Paraguayan man of unknown birth year, 30 at the time of the offence.
    p3 = make_suspect(case3, person=_person("Masculine", ["PY"]), age_at_offence=30, formal_contact_on=D(YEAR, 4, 1))
    # P4: contact the year before: not counted in 2026.
    make_suspect(case1, person=_person("Feminine", []), formal_contact_on=D(YEAR - 1, 12, 31))

    # P1 charged under art. 149-A in both cases and under the smuggling article: one person prosecuted.
    overturned = charge(p1, tip, D(YEAR, 6, 1), outcome=Outcome.ACQUITTED)
    first = CourtDecision.objects.create(
        criminal_case=case1,
        charge=overturned,
        suspect=p1,
        level="first_instance",
        decided_on=D(YEAR, 8, 1),
        outcome=Outcome.CONVICTED,
        prison_months=60,
    )
    CourtDecision.objects.create(
        criminal_case=case1,
        charge=overturned,
        suspect=p1,
        level="appeal",
        appeal_of=first,
        decided_on=D(YEAR, 11, 1),
        outcome=Outcome.ACQUITTED,
    )
    charge(p1b, tip, D(YEAR, 7, 1))
    charge(p1, som, D(YEAR, 6, 1))
    # P2 charged and convicted of trafficking; P3 charged with smuggling, convicted of document fraud.
    charge(p2, tip, D(YEAR, 6, 1), outcome=Outcome.CONVICTED, convicted_on=D(YEAR, 10, 1), convicted_type="tip")
    charge(
        p3,
        som,
        D(YEAR, 5, 1),
        outcome=Outcome.CONVICTED_OTHER,
        convicted_on=D(YEAR, 9, 1),
        convicted_type=fraud.offence_type,
    )

    make_offence(case1, recorded_on=D(YEAR, 1, 15))
    make_offence(case1, recorded_on=D(YEAR, 2, 1))
    make_offence(case3, offence_type=OffenceType.SOM, recorded_on=D(YEAR, 3, 1))
    make_offence(case2, recorded_on=D(YEAR - 1, 11, 1))

    incident(unit, D(YEAR, 6, 14), 1, migrants_total=40, dead=12, missing=3, injured=4, survivors=25)
    incident(unit, D(YEAR - 1, 6, 14), 2, migrants_total=10, dead=1, missing=0, injured=0, survivors=9)
    rapporteur = make_user(make_organization("BR"), roles=("national_rapporteur",))
    investigator = make_user(unit, roles=("investigator",))
    return {"unit": unit, "rapporteur": rapporteur, "investigator": investigator, "case1": case1}


def _stage(stats: JusticeStats, name: str) -> Any:
    return next(stage for stage in stats.stages if stage.stage == name)


def test_national_counts_in_each_breakdown(world: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(9):  # grants, the country probes, three stages, offences, incidents
        stats = justice_stats(user=world["rapporteur"], year=YEAR)
    assert stats.national
    contact = _stage(stats, "formal_contact")
    assert contact.total == Cell(3)  # P1 once although a suspect in two cases this year; P4 was last year
    assert rows(contact.by_sex) == {"Masculine": 2, "Feminine": 1}
    assert rows(contact.by_age) == {"adult": 2, "child": 1}  # P3 an adult by his age at the offence
    assert rows(contact.by_citizenship) == {"BR": 2, "BO": 1, "PY": 1}  # P2 under both her citizenships
    assert rows(contact.by_offence_type) == {"tip": 2, "som": 1}

    prosecuted = _stage(stats, "prosecuted")
    assert prosecuted.total == Cell(3)  # P1 charged three times: one person
    assert rows(prosecuted.by_offence_type) == {"tip": 2, "som": 2}  # P1 once under each type
    assert rows(prosecuted.by_sex) == {"Masculine": 2, "Feminine": 1}

    convicted = _stage(stats, "convicted")
    assert convicted.total == Cell(2)  # P1's conviction was overturned on appeal: not counted
    assert rows(convicted.by_offence_type) == {"tip": 1, "document_fraud": 1}  # P3 of the lesser offence
    assert rows(convicted.by_age) == {"child": 1, "adult": 1}
    assert rows(convicted.by_citizenship) == {"BR": 1, "BO": 1, "PY": 1}

    assert stats.offences_total == Cell(3)
    assert rows(stats.offences_by_type) == {"tip": 2, "som": 1}
    assert {name: cell.value for name, cell in stats.incidents.items()} == {
        "incidents": 1,
        "migrants": 40,
        "dead": 12,
        "missing": 3,
        "injured": 4,
        "survivors": 25,
    }


def test_another_countrys_records_are_not_counted(world: dict[str, Any]) -> None:
    """With a Colombian case recorded too, the Brazilian counts filter on the case's country and stay the same."""
    colombian = make_criminal_case(make_organization("CO"))
    make_suspect(colombian, person=_person("Masculine", ["CO"], "1970"), formal_contact_on=D(YEAR, 2, 1))
    make_offence(colombian, recorded_on=D(YEAR, 2, 1))
    stats = justice_stats(user=world["rapporteur"], year=YEAR)
    assert _stage(stats, "formal_contact").total == Cell(3)
    assert "CO" not in rows(_stage(stats, "formal_contact").by_citizenship)
    assert stats.offences_total == Cell(3)


def test_organization_scope_sees_its_cases_with_small_counts_withheld(world: dict[str, Any]) -> None:
    stats = justice_stats(user=world["investigator"], year=YEAR)
    assert not stats.national
    contact = _stage(stats, "formal_contact")
    # Cases 1 and 2 only (case 3 is the other organization's): P1 and P2, two persons, shown as "<5".
    assert contact.total.withheld and str(contact.total) == "<5"
    assert rows(contact.by_sex) == {"Masculine": None, "Feminine": None}
    assert "PY" not in rows(contact.by_citizenship)
    # The deaths at sea of the unit's own incident: 12 shown; 3 missing and 4 injured withheld.
    assert stats.incidents["dead"] == Cell(12)
    assert stats.incidents["missing"].withheld and stats.incidents["injured"].withheld
    assert stats.as_json()["som_incidents"]["missing"] == "<5"


def test_a_withheld_cell_cannot_be_recovered_by_subtraction(world: dict[str, Any]) -> None:
    """Six men and one woman in formal contact: the organization sees the total, neither sex; the nation all."""
    case = world["case1"]
    for _number in range(5):
        make_suspect(case, person=_person("Masculine", ["BR"], "1990"), formal_contact_on=D(YEAR + 1, 2, 1))
    make_suspect(case, person=_person("Masculine", ["BR"], "1991"), formal_contact_on=D(YEAR + 1, 3, 1))
    make_suspect(case, person=_person("Feminine", ["BR"], "1992"), formal_contact_on=D(YEAR + 1, 3, 1))

    local = _stage(justice_stats(user=world["investigator"], year=YEAR + 1), "formal_contact")
    assert local.total == Cell(7)
    assert rows(local.by_sex) == {"Masculine": None, "Feminine": None}
    assert rows(local.by_citizenship) == {"BR": 7}
    national = _stage(justice_stats(user=world["rapporteur"], year=YEAR + 1), "formal_contact")
    assert rows(national.by_sex) == {"Masculine": 6, "Feminine": 1}


def _withheld(counts: dict[str, int]) -> set[str]:
    cells: dict[Any, int] = {"total": sum(counts.values()), **counts}
    shown = disclosed(cells, [sums("total", list(counts))], protect_cells=True)
    return {key for key, cell in shown.items() if cell.withheld}


def test_one_breakdown_through_disclosure_control() -> None:
    """The rule of the old suppress_breakdown, now core.disclosure's: the same patterns, but that a lone small
    count's total is "<5" itself rather than withheld with it (a "<5" total over one "<5" part says nothing more)."""
    assert _withheld({"a": 12, "b": 3, "c": 7}) == {"b", "c"}
    assert _withheld({"a": 12, "b": 3, "c": 4}) == {"b", "c"}
    assert _withheld({"a": 12, "b": 0}) == set()
    assert _withheld({"a": 20, "b": 0, "c": 2}) == {"a", "c"}
    assert _withheld({"a": 3}) == {"a", "total"}
    shown = disclosed({"total": 23, "a": 20, "b": 3}, [], protect_cells=True)
    assert (str(shown["b"]), str(shown["a"])) == ("<5", "20")  # no relation given: nothing to work out
    assert str(disclosed({"a": 3}, [], protect_cells=False)["a"]) == "3"


def test_a_release_protects_a_national_users_counts(world: dict[str, Any]) -> None:
    screen = justice_stats(user=world["rapporteur"], year=YEAR)
    release = justice_stats(user=world["rapporteur"], year=YEAR, release=True)
    assert not screen.protected and release.protected and release.national
    assert _stage(screen, "formal_contact").total == Cell(3)
    assert _stage(release, "formal_contact").total == Cell(None, "<5")
    # The dead (12) stay; the missing (3) and the injured (4) are "<5": the dead, missing and survivors are
    # within the migrants (12 + missing + 25 <= 40), so the missing are 1 to 3, never one value.
    assert release.incidents["dead"] == Cell(12) and str(release.incidents["missing"]) == "<5"
    assert release.as_json()["som_incidents"]["injured"] == "<5"


def test_no_justice_view_is_not_found(world: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        justice_stats(user=make_user(world["unit"], roles=("me_officer",)), year=YEAR)


def test_another_country_sees_nothing_of_brazil(world: dict[str, Any]) -> None:
    stats = justice_stats(user=make_user(make_organization("CO"), roles=("national_rapporteur",)), year=YEAR)
    assert all(stage.total == Cell(0) for stage in stats.stages)
    assert stats.offences_total == Cell(0) and stats.incidents["dead"] == Cell(0)
