"""The justice facts on hand-built data: a person once per stage and year (two cases, three charges), the counted
row's categories, the same totals as justice.selectors.stats for a national user; charges, a conviction, its
removal, an offence removed and a merge of two registrations followed by refresh; rebuild, check and a tampered
row; offences and smuggling incidents."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tipsom.accounts.testing import make_user
from tipsom.justice.models import Charge, CourtDecision, OffenceType, Outcome, SmugglingIncident
from tipsom.justice.selectors.stats import justice_stats
from tipsom.justice.services import process
from tipsom.justice.services.cases import offence_add, offence_remove
from tipsom.justice.services.incidents import incident_update
from tipsom.justice.testing import make_criminal_case, make_incident, make_offence, make_provision, make_suspect
from tipsom.matching.services import person_merge
from tipsom.organizations.testing import make_organization
from tipsom.stats.facts import engine
from tipsom.stats.facts.justice import minor_in
from tipsom.stats.facts.victims import SEX_OF_GENDER
from tipsom.stats.models import IncidentFact, JusticeFact, OffenceFact

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = 2026
KINDS = ["justice", "offences", "incidents"]


def _person(gender: str, citizenships: list[str], birth: str | None = None) -> dict[str, Any]:
    return {
        "gender": gender,
        "citizenships": citizenships,
        "birth_date": birth or "",
        "birth_date_precision": "year" if birth else "",
    }


def _charge(suspect: Any, provision: Any, charged_on: datetime.date, **fields: Any) -> Charge:
    return Charge.objects.create(
        criminal_case=suspect.criminal_case,
        suspect=suspect,
        provision=provision,
        offence_type=provision.offence_type,
        charged_on=charged_on,
        **fields,
    )


def persons(stage: str, year: int = YEAR) -> int:
    return JusticeFact.objects.filter(stage=stage, year=year, counted=True).count()


def persons_by_type(stage: str, year: int = YEAR) -> dict[str, int]:
    clusters: dict[str, set[int]] = defaultdict(set)
    for offence_type, cluster in JusticeFact.objects.filter(stage=stage, year=year).values_list(
        "offence_type", "person_cluster"
    ):
        clusters[offence_type].add(cluster)
    return {key: len(value) for key, value in clusters.items()}


@pytest.fixture
def world() -> dict[str, Any]:
    """The dataset of justice.tests.test_stats_selectors: three cases of Brazil, four persons, five defendants."""
    unit, other = make_organization("BR"), make_organization("BR")
    tip, som = make_provision("BR"), make_provision("BR", offence_type=OffenceType.SOM, iccs_code="08051")
    fraud = make_provision("BR", offence_type=OffenceType.DOCUMENT_FRAUD, iccs_code="")
    case1 = make_criminal_case(unit, offence_type=OffenceType.TIP)
    case2 = make_criminal_case(unit, offence_type=OffenceType.TIP)
    case3 = make_criminal_case(other, offence_type=OffenceType.SOM)
    # P1: a Brazilian man born in 1980, a defendant of cases 1 and 2 in the same year.
    p1 = make_suspect(case1, person=_person("Masculine", ["BR"], "1980"), formal_contact_on=D(YEAR, 2, 1))
    p1b = make_suspect(case2, person=p1.person, formal_contact_on=D(YEAR, 5, 1))
    # P2: a girl born in 2010 (16 in 2026), Brazilian and Bolivian.
    p2 = make_suspect(case1, person=_person("Feminine", ["BR", "BO"], "2010"), formal_contact_on=D(YEAR, 3, 1))
    # P3: a Paraguayan man of unknown birth year, 30 at the time of the offence.
    p3 = make_suspect(case3, person=_person("Masculine", ["PY"]), age_at_offence=30, formal_contact_on=D(YEAR, 4, 1))
    # P4: formal contact the year before, nothing known of age or citizenship.
    p4 = make_suspect(case1, person=_person("Feminine", []), formal_contact_on=D(YEAR - 1, 12, 31))
    # P1 charged with trafficking in both cases and with smuggling: one person prosecuted. His conviction was
    # overturned on appeal (no convicted_on).
    overturned = _charge(p1, tip, D(YEAR, 6, 1), outcome=Outcome.ACQUITTED)
    first = CourtDecision.objects.create(
        criminal_case=case1,
        charge=overturned,
        suspect=p1,
        level="first_instance",
        decided_on=D(YEAR, 8, 1),
        outcome=Outcome.CONVICTED,
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
    _charge(p1b, tip, D(YEAR, 7, 1))
    _charge(p1, som, D(YEAR, 6, 1))
    # P2 convicted of trafficking; P3 charged with smuggling, convicted of document fraud.
    _charge(p2, tip, D(YEAR, 6, 1), outcome=Outcome.CONVICTED, convicted_on=D(YEAR, 10, 1), convicted_type="tip")
    _charge(
        p3,
        som,
        D(YEAR, 5, 1),
        outcome=Outcome.CONVICTED_OTHER,
        convicted_on=D(YEAR, 9, 1),
        convicted_type="document_fraud",
    )
    assert fraud.offence_type == "document_fraud"
    make_offence(case1, recorded_on=D(YEAR, 1, 15), exploitation_types=["ForcedLabour"], region="BR-PA")
    make_offence(case1, recorded_on=D(YEAR, 2, 1), exploitation_types=["ForcedLabour", "SexualExploitation"])
    make_offence(case3, offence_type=OffenceType.SOM, recorded_on=D(YEAR, 3, 1), is_transnational=True)
    make_offence(case2, recorded_on=D(YEAR - 1, 11, 1))
    for number, (day, counts) in enumerate(
        [
            (D(YEAR, 6, 14), {"migrants_total": 40, "dead": 12, "missing": 3, "injured": 4, "survivors": 25}),
            (D(YEAR - 1, 6, 14), {"migrants_total": 10, "dead": 1, "missing": 0, "injured": 0, "survivors": 9}),
        ],
        start=1,
    ):
        SmugglingIncident.objects.create(
            owner_organization=unit,
            country="BR",
            reference=f"BR-SI-{day.year}-{number:06d}",
            occurred_on=day,
            location_type="sea",
            incident_country="BR",
            region="BR-RJ",
            **counts,
        )
    rapporteur = make_user(make_organization("BR"), roles=("national_rapporteur",))
    return {"unit": unit, "p1": p1, "p1b": p1b, "p2": p2, "p3": p3, "p4": p4, "rapporteur": rapporteur}


def test_a_person_counts_once_per_stage_and_year(world: dict[str, Any]) -> None:
    engine.rebuild(KINDS)
    # P1: 3 rows (contact tip, prosecuted tip and som) and 2 in case 2; P2: 3; P3: 3; P4: 1.
    assert JusticeFact.objects.count() == 12
    assert (persons("formal_contact"), persons("prosecuted"), persons("convicted")) == (3, 3, 2)
    assert persons("formal_contact", YEAR - 1) == 1
    assert persons_by_type("formal_contact") == {"tip": 2, "som": 1}
    assert persons_by_type("prosecuted") == {"tip": 2, "som": 2}  # P1 once under each type
    assert persons_by_type("convicted") == {"tip": 1, "document_fraud": 1}  # P1's conviction was overturned
    # P1's two defendants share his person: the first row of the first defendant is the one counted.
    p1 = JusticeFact.objects.filter(stage="prosecuted", person_cluster=world["p1"].person_id)
    assert sorted(p1.values_list("source_id", "offence_type", "counted")) == sorted(
        [(world["p1"].pk, "som", True), (world["p1"].pk, "tip", False), (world["p1b"].pk, "tip", False)]
    )
    counted = sorted(
        JusticeFact.objects.filter(counted=True, stage="formal_contact").values_list(
            "year", "sex", "minor", "citizenship", "organization_id"
        )
    )
    assert counted == [
        (YEAR - 1, "F", None, "ZZ", world["unit"].pk),  # P4: nothing known
        (YEAR, "F", True, "BR", world["unit"].pk),  # P2: 16, her first citizenship
        (YEAR, "M", False, "BR", world["unit"].pk),  # P1
        (YEAR, "M", False, "PY", world["p3"].criminal_case.owner_organization_id),  # P3: 30 at the offence
    ]


def test_the_facts_give_the_justice_statistics_of_a_national_user(world: dict[str, Any]) -> None:
    engine.rebuild(KINDS)
    stats = justice_stats(user=world["rapporteur"], year=YEAR)
    assert stats.national
    for stage in stats.stages:
        assert stage.total.value == persons(stage.stage), stage.stage
        assert {row.key: row.count.value for row in stage.by_offence_type} == persons_by_type(stage.stage)
        counted = JusticeFact.objects.filter(stage=stage.stage, year=YEAR, counted=True)
        by_sex = {SEX_OF_GENDER.get(row.key, "U"): row.count.value for row in stage.by_sex}
        assert by_sex == {sex: counted.filter(sex=sex).count() for sex in set(counted.values_list("sex", flat=True))}
        ages = {"adult": False, "child": True, "unknown": None}
        by_age = {row.key: row.count.value for row in stage.by_age}
        assert by_age == {key: counted.filter(minor=ages[key]).count() for key in by_age}
    offences = OffenceFact.objects.filter(year=YEAR)
    assert stats.offences_total.value == offences.count() == 3
    assert {row.key: row.count.value for row in stats.offences_by_type} == {"tip": 2, "som": 1}
    incidents = IncidentFact.objects.filter(year=YEAR)
    assert stats.incidents["incidents"].value == incidents.count() == 1
    fact = incidents.get()
    assert (fact.migrants, fact.dead, fact.missing, fact.injured) == (40, 12, 3, 4)
    assert [stats.incidents[name].value for name in ("migrants", "dead", "missing", "injured")] == [40, 12, 3, 4]


def test_offences_and_incidents_facts(world: dict[str, Any]) -> None:
    engine.rebuild(KINDS)
    assert sorted(
        OffenceFact.objects.values_list("year", "offence_type", "exploitation_form", "region", "is_transnational")
    ) == [
        (YEAR - 1, "tip", "unknown", "", False),
        (YEAR, "som", "unknown", "", True),
        (YEAR, "tip", "labour", "BR-PA", False),
        (YEAR, "tip", "mixed", "", False),
    ]
    assert sorted(IncidentFact.objects.values_list("year", "migrants", "dead", "region", "location_type")) == [
        (YEAR - 1, 10, 1, "BR-RJ", "sea"),
        (YEAR, 40, 12, "BR-RJ", "sea"),
    ]


def test_rebuild_and_check_and_a_tampered_row(world: dict[str, Any]) -> None:
    call_command("stats", "rebuild")
    call_command("stats", "check")
    assert all(result.ok for result in engine.check(KINDS))
    # The counted row of P2's conviction says adult.
    JusticeFact.objects.filter(source_id=world["p2"].pk, stage="convicted").update(minor=False)
    OffenceFact.objects.filter(year=YEAR - 1).delete()
    IncidentFact.objects.filter(year=YEAR).update(dead=11)
    with pytest.raises(CommandError, match="do not agree"):
        call_command("stats", "check")
    results = {result.kind: result for result in engine.check(KINDS)}
    assert results["justice"].different == [world["p2"].pk]
    assert len(results["offences"].missing) == 1 and not results["offences"].different
    assert len(results["incidents"].different) == 1
    # A second row counted for one person.
    JusticeFact.objects.filter(source_id=world["p1b"].pk, stage="formal_contact").update(counted=True)
    assert sorted(engine.check(["justice"])[0].different) == sorted([world["p1b"].pk, world["p2"].pk])


@pytest.fixture
def court(db: Any) -> dict[str, Any]:
    organization = make_organization("BR")
    cases = [make_criminal_case(organization), make_criminal_case(organization)]
    for case in cases:
        make_offence(case, date_from=D(2024, 12, 1))
    one = make_suspect(cases[0], person=_person("Masculine", ["BR"], "2009"))
    return {
        "organization": organization,
        "prosecutor": make_user(organization, roles=("prosecutor",)),
        "liaison": make_user(organization, roles=("judiciary_liaison",)),
        "tip": make_provision("BR"),
        "cases": cases,
        "one": one,
        "two": make_suspect(cases[1], person=one.person),
    }


def test_charges_and_a_conviction_recorded_then_removed_are_followed(court: dict[str, Any]) -> None:
    engine.rebuild(KINDS)
    assert not JusticeFact.objects.exists()
    prosecutor, liaison = court["prosecutor"], court["liaison"]
    first = process.charge_add(actor=prosecutor, suspect=court["one"], provision=court["tip"], charged_on="2025-03-03")
    process.charge_add(actor=prosecutor, suspect=court["two"], provision=court["tip"], charged_on="2025-07-01")
    engine.refresh(KINDS)
    # Charged in two cases in 2025: one person prosecuted, a minor (16 in 2025).
    assert JusticeFact.objects.filter(stage="prosecuted").count() == 2
    assert persons("prosecuted", 2025) == 1
    assert JusticeFact.objects.get(counted=True).minor is True
    decision = process.decision_record(
        actor=liaison,
        criminal_case=first.criminal_case_id,
        charge=first,
        level="first_instance",
        decided_on="2026-01-15",
        outcome="convicted",
        court_name="1ª Vara Federal de Marabá",
    )
    engine.refresh(KINDS)
    convicted = JusticeFact.objects.get(stage="convicted")
    # Born in 2009: 17 in the year of the conviction.
    assert (convicted.year, convicted.offence_type, convicted.counted, convicted.minor) == (2026, "tip", True, True)
    assert all(result.ok for result in engine.check(KINDS))
    process.decision_remove(actor=liaison, decision=decision.pk, reason="Recorded on the wrong charge.")
    engine.refresh(KINDS)
    assert not JusticeFact.objects.filter(stage="convicted").exists()
    assert persons("prosecuted", 2025) == 1
    assert all(result.ok for result in engine.check(KINDS))


def test_an_offence_removed_changes_the_case_type_of_the_formal_contact(court: dict[str, Any]) -> None:
    prosecutor = court["prosecutor"]
    case = court["cases"][0]
    engine.rebuild(KINDS)
    process.suspect_formal_contact(
        actor=prosecutor, suspect=court["one"], contact_type="arrested", formal_contact_on="2025-02-01"
    )
    engine.refresh(KINDS)
    assert list(JusticeFact.objects.values_list("stage", "offence_type")) == [("formal_contact", "tip")]
    # The case's first offence goes: the case takes its next offence's type.
    first = case.offences.order_by("pk").first()
    offence_add(actor=prosecutor, criminal_case_id=case.pk, offence_type="som", date_from="2024-12-01")
    offence_remove(actor=prosecutor, offence_id=first.pk)
    engine.refresh(KINDS)
    assert list(JusticeFact.objects.values_list("stage", "offence_type")) == [("formal_contact", "som")]
    # The offence added through the services is in the facts; the one removed is not.
    assert sorted(
        OffenceFact.objects.filter(source_id__in=case.offences.values("pk")).values_list("offence_type", "year")
    ) == [("som", timezone.localdate().year)]
    assert not OffenceFact.objects.filter(source_id=first.pk).exists()
    assert all(result.ok for result in engine.check(KINDS))


def test_two_registrations_of_one_person_merged_count_once(court: dict[str, Any]) -> None:
    organization = court["organization"]
    a = make_suspect(court["cases"][0], person=_person("Masculine", ["BR"], "1985"), formal_contact_on=D(2025, 2, 1))
    b = make_suspect(court["cases"][1], person=_person("Masculine", ["BR"], "1985"), formal_contact_on=D(2025, 6, 1))
    engine.rebuild(KINDS)
    assert persons("formal_contact", 2025) == 2
    reviewer = make_user(organization, roles=("registry_reviewer",))
    person_merge(actor=reviewer, survivor_id=a.person_id, merged_id=b.person_id)
    engine.refresh(KINDS)
    assert persons("formal_contact", 2025) == 1
    assert set(JusticeFact.objects.values_list("person_cluster", flat=True)) == {a.person_id}
    assert all(result.ok for result in engine.check(KINDS))


def test_an_incident_changed_is_followed(court: dict[str, Any]) -> None:
    investigator = make_user(court["organization"], roles=("investigator",))
    engine.rebuild(KINDS)
    incident = make_incident(court["organization"], actor=investigator)
    engine.refresh(KINDS)
    fact = IncidentFact.objects.get()
    assert (fact.year, fact.migrants, fact.dead, fact.missing, fact.injured) == (2026, 40, 12, 3, 4)
    incident_update(actor=investigator, incident_id=incident.pk, version=1, injured=5)
    engine.refresh(KINDS)
    assert IncidentFact.objects.get().injured == 5
    assert all(result.ok for result in engine.check(KINDS))


@pytest.mark.parametrize(
    ("year", "birth_year", "age", "minor"),
    [
        (2026, 2009, None, True),  # 17 in 2026
        (2026, 2009, 40, True),  # the birth year wins over the age at the offence
        (2026, 2008, 10, False),  # 18 in 2026
        (2026, None, 17, True),
        (2026, None, None, None),
    ],
)
def test_minor_in_the_stage_year(year: int, birth_year: int | None, age: int | None, minor: bool | None) -> None:
    assert minor_in(year, birth_year, age) is minor
