"""The victim facts follow their sources: registration, change, a merge of two registrations of one person, a case
decided "not a victim"; rebuild gives what refresh gives; check finds a fact that disagrees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases.services import case_update
from tipsom.cases.testing import ADULT_PERSON, case_actor, make_case
from tipsom.matching.services import person_merge
from tipsom.organizations.testing import make_organization
from tipsom.stats.facts import engine
from tipsom.stats.facts.victims import age_band, exploitation_form
from tipsom.stats.models import FactState, VictimFact

pytestmark = pytest.mark.django_db


def _refresh() -> None:
    engine.refresh(["victims"])


def test_a_registered_case_becomes_one_counted_fact() -> None:
    organization = make_organization("BR", type="LawEnforcement")
    case = make_case(
        organization, identified_on="2025-04-02", exploitation_types=["SexualExploitation", "ForcedLabour"]
    )
    _refresh()
    fact = VictimFact.objects.get()
    assert fact.source_id == case.pk
    assert fact.counted is True
    assert (fact.year, fact.sex, fact.citizenship, fact.country) == (2025, "F", "BO", "BR")
    assert fact.age == 35 and fact.age_band == "30--38"
    assert fact.exploitation_form == "mixed"
    assert fact.organization_type == "LawEnforcement"
    assert fact.exploitation_country == "BR" and fact.origin_country == "BO"
    assert fact.data_source == "case_management"


def test_a_change_is_followed_and_the_watermark_moves(monkeypatch: pytest.MonkeyPatch) -> None:
    organization = make_organization("BR")
    case = make_case(organization, identified_on="2025-04-02")
    _refresh()
    case_update(actor=case_actor(case), case_id=case.pk, version=case.version, exploitation_types=["ForcedBegging"])
    _refresh()
    # Younger than SETTLE: read again by the next refresh, the watermark stays before it.
    state = FactState.objects.get(kind="victims")
    newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert newest is not None and state.watermark < newest
    monkeypatch.setattr(engine, "SETTLE", timedelta(0))
    _refresh()
    assert VictimFact.objects.get().exploitation_form == "begging"
    state = FactState.objects.get(kind="victims")
    assert state.watermark == AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert all(result.ok for result in engine.check(["victims"]))


def test_a_person_registered_by_two_agencies_and_merged_counts_once() -> None:
    police = make_organization("BR", type="LawEnforcement")
    shelter = make_organization("BR", type="NGO")
    first = make_case(police, identified_on="2025-03-01", exploitation_types=["ForcedLabour"])
    second = make_case(
        shelter, identified_on="2025-06-01", exploitation_types=["SexualExploitation"], person=dict(ADULT_PERSON)
    )
    _refresh()
    assert VictimFact.objects.filter(counted=True).count() == 2
    reviewer = make_user(police, roles=("registry_reviewer",))
    person_merge(actor=reviewer, survivor_id=first.person_id, merged_id=second.person_id)
    _refresh()
    counted = VictimFact.objects.filter(counted=True)
    assert counted.count() == 1
    victim = counted.get()
    # The first case of the year is counted, with what both agencies recorded.
    assert victim.source_id == first.pk
    assert victim.exploitation_types == ["ForcedLabour", "SexualExploitation"]
    assert victim.exploitation_form == "mixed"
    assert VictimFact.objects.count() == 2
    assert all(result.ok for result in engine.check(["victims"]))


def test_rebuild_gives_what_refresh_gives_and_check_finds_a_difference() -> None:
    organization = make_organization("BR")
    for day in ("2024-01-05", "2025-02-06", "2025-03-07"):
        make_case(organization, identified_on=day, person=dict(ADULT_PERSON))
    _refresh()
    refreshed = sorted(VictimFact.objects.values_list("source_id", "year", "counted", "sex"))
    call_command("stats", "rebuild")
    assert sorted(VictimFact.objects.values_list("source_id", "year", "counted", "sex")) == refreshed
    call_command("stats", "check")
    VictimFact.objects.filter(year=2024).update(sex="M")
    with pytest.raises(CommandError, match="do not agree"):
        call_command("stats", "check")
    VictimFact.objects.filter(year=2025).delete()
    results = engine.check(["victims"])
    assert len(results[0].missing) == 2 and len(results[0].different) == 1


def test_a_case_decided_not_a_victim_leaves_the_facts() -> None:
    organization = make_organization("BR")
    case = make_case(organization)
    _refresh()
    assert VictimFact.objects.count() == 1
    type(case).objects.filter(pk=case.pk).update(trafficking_status="NotAVictimOfTrafficking")
    engine.write_sources(engine.kinds(["victims"])[0], [case.pk])
    assert VictimFact.objects.count() == 0


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("stats", "check", "--kind", "nothing")


@pytest.mark.parametrize(
    ("types", "form"),
    [
        ([], "unknown"),
        (["SexualExploitation"], "sexual"),
        (["ForcedLabour", "Servitude"], "labour"),
        (["ForcedLabour", "SexualExploitation", "ForcedBegging"], "mixed"),
        (["ForcedBegging", "ForcedCriminality"], "other"),
        (["Surrogacy"], "other"),
        (["OrganRemoval"], "organs"),
    ],
)
def test_glotip_forms(types: list[str], form: str) -> None:
    assert exploitation_form(types) == form


@pytest.mark.parametrize(
    ("age", "band"), [(None, ""), (0, "0--8"), (8, "0--8"), (9, "9--17"), (17, "9--17"), (18, "18--20"), (48, "48+")]
)
def test_age_bands(age: int | None, band: str) -> None:
    assert age_band(age) == band


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_enqueues_one_background_refresh() -> None:
    from django_tasks_db.models import DBTaskResult

    from tipsom.stats.tasks import refresh_facts

    organization = make_organization("BR")
    before = DBTaskResult.objects.filter(task_path__endswith="refresh_facts").count()
    make_case(organization)  # one transaction writing several audit events
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_facts")
    assert queued.count() == before + 1
    assert not VictimFact.objects.exists()
    refresh_facts.call()
    assert VictimFact.objects.filter(counted=True).count() == 1


def test_a_smuggled_migrant_later_found_trafficked_the_same_year_counts_under_both() -> None:
    organization = make_organization("BR")
    first = make_case(organization, identified_on="2025-02-01", case_type="som")
    make_case(organization, identified_on="2025-08-01", case_type="tip", person_id=first.person_id)
    _refresh()
    counted = VictimFact.objects.get(counted=True)
    assert counted.source_id == first.pk and counted.case_type == "both"
    assert all(result.ok for result in engine.check(["victims"]))
