"""Smuggling incidents through the services: recording, changing, every rule and bad input (nothing saved), the
links to the criminal case, its suspects and victim cases, and the audit."""

from __future__ import annotations

from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases.testing import make_case
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.justice.models import IncidentMigrants, SmugglingIncident
from tipsom.justice.services.incidents import incident_create, incident_update
from tipsom.justice.testing import INCIDENT_AT_SEA, make_criminal_case, make_incident, make_suspect
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def police() -> Any:
    return make_organization("BR", name="Polícia Federal", type="Police", functions=["police"])


@pytest.fixture
def investigator(police: Any) -> Any:
    return make_user(police, roles=("investigator",))


def _data(**fields: Any) -> dict[str, Any]:
    return {**INCIDENT_AT_SEA, "incident_country": "BR", **fields}


def _refused(actor: Any, **fields: Any) -> dict[str, str]:
    """The field errors of a refused create; nothing was written."""
    before = (SmugglingIncident.objects.count(), IncidentMigrants.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApplicationError) as caught:
        incident_create(actor=actor, **_data(**fields))
    assert caught.value.code == "invalid"
    after = (SmugglingIncident.objects.count(), IncidentMigrants.objects.count(), AuditEvent.objects.count())
    assert after == before
    return caught.value.extra["fields"]


def test_a_smuggling_incident_with_deaths_at_sea(investigator: Any, police: Any) -> None:
    incident = make_incident(police, actor=investigator)
    assert incident.reference == "BR-SI-2026-000001"
    assert (incident.location_type, incident.dead, incident.missing, incident.survivors) == ("sea", 12, 3, 25)
    assert incident.owner_organization == police and incident.country == "BR"
    assert incident.aggravating_circumstances == ["death", "danger_to_life"]
    assert sorted(incident.migrant_counts.values_list("count", flat=True)) == [8, 10, 22]
    assert str(incident.latitude) == "33.50000"
    event = AuditEvent.objects.get(action="justice.incident.create")
    assert event.object_id == str(incident.pk)
    assert event.changes["dead"] == 12 and event.changes["migrants"]
    assert make_incident(police, actor=investigator).reference == "BR-SI-2026-000002"


def test_death_is_added_when_someone_died(investigator: Any) -> None:
    incident = incident_create(actor=investigator, **_data(aggravating_circumstances=["children"]))
    assert incident.aggravating_circumstances == ["death", "children"]


@pytest.mark.parametrize("value", [-1, 2.5, "ten", True, "2.5", "-3", None, [], {}])
def test_a_negative_or_non_integer_count_of_migrants_is_refused(investigator: Any, value: Any) -> None:
    fields = _refused(investigator, migrants_total=value, migrants=[])
    assert "migrants_total" in fields


@pytest.mark.parametrize("name", ["dead", "missing", "injured", "survivors"])
@pytest.mark.parametrize("value", [-1, 1.5, "many", False])
def test_every_count_is_a_whole_number(investigator: Any, name: str, value: Any) -> None:
    assert "whole number" in _refused(investigator, **{name: value})[name]


def test_zero_migrants_and_an_absurd_number_are_refused(investigator: Any) -> None:
    assert "1 or more" in _refused(investigator, migrants_total=0, migrants=[])["migrants_total"]
    assert "at most" in _refused(investigator, migrants_total=10**9, migrants=[])["migrants_total"]


def test_dead_plus_survivors_more_than_the_migrants_involved(investigator: Any) -> None:
    fields = _refused(investigator, migrants_total=30, dead=12, missing=0, survivors=25, migrants=[])
    assert fields["survivors"] == "Dead plus survivors (37) are more than the migrants involved (30)."


def test_dead_missing_and_survivors_more_than_the_migrants_involved(investigator: Any) -> None:
    fields = _refused(investigator, migrants_total=38, dead=12, missing=3, survivors=25, migrants=[])
    assert "Dead, missing and survivors together (40)" in fields["missing"]


def test_more_injured_than_survivors(investigator: Any) -> None:
    assert "injured" in _refused(investigator, injured=26)


def test_the_breakdown_adds_up_to_the_migrants_involved(investigator: Any) -> None:
    rows = [{"sex": "male", "age_group": "adult", "citizenship": "NG", "count": 39}]
    assert "add up to 39 migrants, not the 40" in _refused(investigator, migrants=rows)["migrants"]


def test_the_breakdown_has_no_combination_twice(investigator: Any) -> None:
    rows = [
        {"sex": "male", "age_group": "adult", "citizenship": "NG", "count": 20},
        {"sex": "male", "age_group": "adult", "citizenship": "NG", "count": 20},
    ]
    assert "given twice" in _refused(investigator, migrants=rows)["migrants"]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"sex": "x", "age_group": "adult", "citizenship": "NG", "count": 40}, "migrants.0.sex"),
        ({"sex": "male", "age_group": "old", "citizenship": "NG", "count": 40}, "migrants.0.age_group"),
        ({"sex": "male", "age_group": "adult", "citizenship": "XX", "count": 40}, "migrants.0.citizenship"),
        ({"sex": "male", "age_group": "adult", "citizenship": "NG", "count": -40}, "migrants.0.count"),
        ({"sex": "male", "age_group": "adult", "citizenship": "NG", "count": 0}, "migrants.0.count"),
        ({"sex": "male", "age_group": "adult", "count": 40, "name": "Ali"}, "migrants.0"),
        ("forty", "migrants.0"),
    ],
)
def test_a_bad_breakdown_row(investigator: Any, row: Any, field: str) -> None:
    assert field in _refused(investigator, migrants=[row])


def test_the_breakdown_is_a_list(investigator: Any) -> None:
    assert "migrants" in _refused(investigator, migrants="40 men")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"latitude": "91"}, "latitude"),
        ({"latitude": "-90.5"}, "latitude"),
        ({"longitude": "180.1"}, "longitude"),
        ({"longitude": "east"}, "longitude"),
        ({"latitude": "NaN"}, "latitude"),
        ({"latitude": True}, "latitude"),
        ({"latitude": None}, "latitude"),
        ({"longitude": ""}, "longitude"),
    ],
)
def test_coordinates(investigator: Any, fields: dict[str, Any], field: str) -> None:
    assert field in _refused(investigator, **fields)


def test_no_coordinates_at_all_is_fine(investigator: Any) -> None:
    incident = incident_create(actor=investigator, **_data(latitude=None, longitude=""))
    assert incident.latitude is None and incident.longitude is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"incident_country": "XX"}, "incident_country"),
        ({"incident_country": ""}, "incident_country"),
        ({"origin_countries": ["NG", "ZZ"]}, "origin_countries"),
        ({"origin_countries": "NG"}, "origin_countries"),
        ({"transit_countries": ["Libya"]}, "transit_countries"),
        ({"destination_country": "ITA"}, "destination_country"),
        ({"region": "BR-XX"}, "region"),
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"occurred_on": "14/06/2026"}, "occurred_on"),
        ({"location_type": "space"}, "location_type"),
        ({"transport_mode": "rocket"}, "transport_mode"),
        ({"cause_of_death": "old_age"}, "cause_of_death"),
        ({"aggravating_circumstances": ["cruelty"]}, "aggravating_circumstances"),
        ({"aggravating_circumstances": "death"}, "aggravating_circumstances"),
        ({"fee_per_migrant": "-1"}, "fee_per_migrant"),
        ({"fee_per_migrant": "a lot"}, "fee_per_migrant"),
        ({"fee_currency": ""}, "fee_currency"),
        ({"fee_currency": "EURO"}, "fee_currency"),
        ({"fee_per_migrant": None, "fee_currency": "EUR"}, "fee_per_migrant"),
        ({"place": "Sea\u202eaes"}, "place"),
        ({"route": "x" * 101}, "route"),
    ],
)
def test_bad_fields(investigator: Any, fields: dict[str, Any], field: str) -> None:
    assert field in _refused(investigator, **fields)


def test_death_as_a_circumstance_needs_the_dead(investigator: Any) -> None:
    fields = _refused(
        investigator, dead=0, cause_of_death="", aggravating_circumstances=["death"], migrants_total=40, missing=0
    )
    assert "No one died" in fields["aggravating_circumstances"]


def test_a_cause_of_death_needs_dead_or_missing(investigator: Any) -> None:
    fields = _refused(investigator, dead=0, missing=0, aggravating_circumstances=[], cause_of_death="drowning")
    assert "cause_of_death" in fields


def test_required_fields_and_unknown_ones(investigator: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        incident_create(actor=investigator, dead=1)
    assert set(caught.value.extra["fields"]) >= {"occurred_on", "location_type", "incident_country", "migrants_total"}
    with pytest.raises(ApplicationError) as caught:
        incident_create(actor=investigator, **_data(victim_name="Ali"))
    assert "victim_name" in caught.value.extra["fields"]
    assert not SmugglingIncident.objects.exists()


def test_only_who_may_add_incidents(police: Any) -> None:
    for role in ("case_manager", "national_rapporteur", "judiciary_liaison"):
        with pytest.raises(NotFound):
            incident_create(actor=make_user(police, roles=(role,)), **_data())
    prosecutor = make_user(police, roles=("prosecutor",))
    assert incident_create(actor=prosecutor, **_data()).owner_organization == police


# --- links ----------------------------------------------------------------------------------------------------------
def test_links_to_the_criminal_case_its_suspects_and_victim_cases(investigator: Any, police: Any) -> None:
    criminal_case = make_criminal_case(police)
    suspect = make_suspect(criminal_case)
    som_case = make_case(make_organization("BR"), case_type="som")
    incident = incident_create(
        actor=investigator,
        **_data(criminal_case=criminal_case.pk, smugglers=[suspect.pk], cases=[som_case.case_number.lower()]),
    )
    assert incident.criminal_case == criminal_case
    assert list(incident.smugglers.all()) == [suspect]
    assert list(incident.cases.all()) == [som_case]
    changes = AuditEvent.objects.get(action="justice.incident.create").changes
    assert changes["cases"] == [som_case.case_number] and changes["smugglers"] == [suspect.pk]


def test_bad_links(investigator: Any, police: Any) -> None:
    criminal_case = make_criminal_case(police)
    other_case = make_criminal_case(police)
    outsider = make_suspect(other_case)
    foreign = make_criminal_case(make_organization("CO"))
    unseen = make_criminal_case(make_organization("BR"))
    tip_case = make_case(make_organization("BR"), case_type="tip")
    co_case = make_case(make_organization("CO"), case_type="som")
    assert "criminal_case" in _refused(investigator, criminal_case=unseen.pk)
    assert "criminal_case" in _refused(investigator, criminal_case=10**12)
    assert "criminal_case" in _refused(investigator, criminal_case=foreign.pk)
    assert "smugglers" in _refused(investigator, criminal_case=criminal_case.pk, smugglers=[outsider.pk])
    assert "smugglers" in _refused(investigator, smugglers=[outsider.pk])
    assert "smugglers" in _refused(investigator, criminal_case=criminal_case.pk, smugglers=["x"])
    assert "Only cases of smuggled migrants" in _refused(investigator, cases=[tip_case.case_number])["cases"]
    assert "No case of this country" in _refused(investigator, cases=[co_case.case_number])["cases"]
    assert "cases" in _refused(investigator, cases="BR-2026-000001")


# --- update ---------------------------------------------------------------------------------------------------------
def test_update_changes_only_what_is_given_and_moves_the_version(investigator: Any, police: Any) -> None:
    incident = make_incident(police, actor=investigator)
    updated = incident_update(actor=investigator, incident_id=incident.pk, version=1, place="Lampedusa", injured=5)
    assert (updated.place, updated.injured, updated.version) == ("Lampedusa", 5, 2)
    event = AuditEvent.objects.get(action="justice.incident.update")
    assert event.changes == {"place": ["Off the coast, 30 nautical miles", "Lampedusa"], "injured": [4, 5]}
    with pytest.raises(Conflict):
        incident_update(actor=investigator, incident_id=incident.pk, version=1, place="Elsewhere")
    assert SmugglingIncident.objects.get(pk=incident.pk).place == "Lampedusa"


def test_update_applies_the_rules_to_the_whole_incident(investigator: Any, police: Any) -> None:
    incident = make_incident(police, actor=investigator)
    for fields, field in (
        ({"survivors": 29}, "survivors"),  # 12 dead + 29 survivors > 40
        ({"dead": -1}, "dead"),
        ({"migrants_total": 39}, "migrants_total"),  # the groups still add up to 40
        ({"injured": 26}, "injured"),
        ({"dead": 0, "missing": 0, "cause_of_death": ""}, "aggravating_circumstances"),
        ({"latitude": None}, "latitude"),
        ({"migrants": [{"sex": "male", "age_group": "adult", "citizenship": "NG", "count": 41}]}, "migrants"),
    ):
        with pytest.raises(ApplicationError) as caught:
            incident_update(actor=investigator, incident_id=incident.pk, version=1, **fields)
        assert field in caught.value.extra["fields"], (fields, caught.value.extra)
    incident.refresh_from_db()
    assert (incident.version, incident.dead, incident.survivors, incident.migrant_counts.count()) == (1, 12, 25, 3)
    assert not AuditEvent.objects.filter(action="justice.incident.update").exists()


def test_update_replaces_the_breakdown_and_links(investigator: Any, police: Any) -> None:
    incident = make_incident(police, actor=investigator)
    criminal_case = make_criminal_case(police)
    suspect = make_suspect(criminal_case)
    rows = [{"sex": "unknown", "age_group": "unknown", "citizenship": "", "count": 40}]
    incident_update(
        actor=investigator,
        incident_id=incident.pk,
        version=1,
        migrants=rows,
        criminal_case=criminal_case.pk,
        smugglers=[suspect.pk],
    )
    incident.refresh_from_db()
    assert incident.version == 2 and list(incident.migrant_counts.values_list("count", flat=True)) == [40]
    # Leaving the criminal case keeps its suspects as smugglers: refused until they are changed too.
    with pytest.raises(ApplicationError) as caught:
        incident_update(actor=investigator, incident_id=incident.pk, version=2, criminal_case=None)
    assert "smugglers" in caught.value.extra["fields"]
    incident_update(actor=investigator, incident_id=incident.pk, version=2, criminal_case=None, smugglers=[])
    incident.refresh_from_db()
    assert incident.criminal_case is None and not incident.smugglers.exists()


def test_update_outside_the_organization_is_not_found(investigator: Any, police: Any) -> None:
    incident = make_incident(police, actor=investigator)
    for user in (
        make_user(make_organization("BR"), roles=("investigator",)),
        make_user(police, roles=("national_rapporteur",)),
    ):
        with pytest.raises(NotFound):
            incident_update(actor=user, incident_id=incident.pk, version=1, place="x")
