"""Victims in the proceedings, relationships, reveals and hearings: the services' rules, refusals and audit.

`victims_world()` builds what the victims tests share: a Brazilian NGO with a victim case and its case manager,
a police unit with an investigator, a prosecution office with a prosecutor, their criminal case, and a national
rapporteur."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.cases.testing import case_actor, make_case
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.justice.models import CriminalCase, Hearing, SuspectVictimRelation, VictimInProceedings
from tipsom.justice.services import victims as services
from tipsom.justice.testing import make_criminal_case, make_suspect
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db
REASON = "to prepare her testimony at the trial hearing"


@dataclass
class World:
    ngo: Organization
    police: Organization
    office: Organization
    victim_case: Case
    case_manager: User
    investigator: User
    prosecutor: User
    rapporteur: User
    criminal_case: CriminalCase

    def link(self, **fields: Any) -> VictimInProceedings:
        values = {"role": "witness", **fields}
        return services.victim_link_add(
            actor=self.prosecutor,
            criminal_case=self.criminal_case,
            case_number=self.victim_case.case_number,
            **values,
        )


def victims_world() -> World:
    ngo = make_organization("BR")
    police = make_organization("BR", type="LawEnforcement")
    office = make_organization("BR", type="LawEnforcement")
    victim_case = make_case(ngo)
    criminal_case = make_criminal_case(police, prosecution_office=office)
    return World(
        ngo=ngo,
        police=police,
        office=office,
        victim_case=victim_case,
        case_manager=case_actor(victim_case),
        investigator=make_user(police, roles=("investigator",)),
        prosecutor=make_user(office, roles=("prosecutor",)),
        rapporteur=make_user(make_organization("BR"), roles=("national_rapporteur",)),
        criminal_case=criminal_case,
    )


@contextmanager
def counting() -> Iterator[list[str]]:
    """The SQL statements run inside the block (a request's too: Django's own query log is reset per request)."""
    statements: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def fields_of(error: Any) -> dict[str, Any]:
    return error.value.extra.get("fields", {})


@pytest.fixture
def world() -> World:
    return victims_world()


# Linking a victim case ----------------------------------------------------------------------------------------


def test_link_by_exact_number_audited_with_the_number(world: World) -> None:
    link = world.link(protection_measures=["video_link", "screen"], statement="She said the farm owner kept her.")
    assert link.case == world.victim_case
    assert link.protection_measures == ["video_link", "screen"]
    event = AuditEvent.objects.get(action="justice.victim.add", object_id=str(link.pk))
    assert event.changes["case_number"] == world.victim_case.case_number
    assert event.changes["statement"] == "[identifying]"
    assert "farm owner" not in str(event.changes)


def test_link_by_short_number(world: World) -> None:
    year, serial = world.victim_case.case_number.split("-")[1:]
    link = services.victim_link_add(
        actor=world.investigator, criminal_case=world.criminal_case, case_number=f"{year}-{int(serial)}", role="witness"
    )
    assert link.case_id == world.victim_case.pk


@pytest.mark.parametrize("number", ["", "63", "not a number", "BR-1999-000001", "x" * 50])
def test_link_refuses_unknown_or_vague_numbers(world: World, number: str) -> None:
    with pytest.raises(ApplicationError) as error:
        services.victim_link_add(
            actor=world.prosecutor, criminal_case=world.criminal_case, case_number=number, role="witness"
        )
    assert "case_number" in fields_of(error)
    assert not VictimInProceedings.objects.exists()


def test_link_refuses_a_case_of_another_country(world: World) -> None:
    foreign = make_case(make_organization("CO"))
    with pytest.raises(ApplicationError) as error:
        services.victim_link_add(
            actor=world.prosecutor,
            criminal_case=world.criminal_case,
            case_number=foreign.case_number,
            role="witness",
        )
    assert "case_number" in fields_of(error)
    assert not VictimInProceedings.objects.exists()


def test_link_once_per_criminal_case(world: World) -> None:
    world.link()
    with pytest.raises(ApplicationError) as error:
        world.link(role="civil_party")
    assert "already linked" in fields_of(error)["case_number"]
    assert VictimInProceedings.objects.count() == 1
    # Another criminal case may link the same victim.
    other = make_criminal_case(world.police, prosecution_office=world.office)
    services.victim_link_add(
        actor=world.prosecutor, criminal_case=other, case_number=world.victim_case.case_number, role="witness"
    )
    assert VictimInProceedings.objects.count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"role": "judge"}, "role"),
        ({"protection_measures": ["invisibility"]}, "protection_measures"),
        ({"protection_measures": "screen"}, "protection_measures"),
        ({"testimony_mode": "telepathy"}, "testimony_mode"),
        ({"compensation_claimed": "-5", "currency": "BRL"}, "compensation_claimed"),
        ({"compensation_received": "abc", "currency": "BRL"}, "compensation_received"),
        ({"compensation_received": "1.234", "currency": "BRL"}, "compensation_received"),
        ({"compensation_claimed": "100"}, "currency"),
        ({"compensation_claimed": "100", "currency": "XYZ"}, "currency"),
        ({"statement": "bad \u202e text"}, "statement"),
    ],
)
def test_link_bad_values_refused(world: World, values: dict[str, Any], field: str) -> None:
    with pytest.raises(ApplicationError) as error:
        world.link(**values)
    assert field in fields_of(error)
    assert not VictimInProceedings.objects.exists()


def test_link_outside_the_case_scope_is_not_found(world: World) -> None:
    stranger = make_user(make_organization("BR", type="LawEnforcement"), roles=("prosecutor",))
    with pytest.raises(NotFound):
        services.victim_link_add(
            actor=stranger,
            criminal_case=world.criminal_case,
            case_number=world.victim_case.case_number,
            role="witness",
        )
    for user in (world.rapporteur, world.case_manager):
        with pytest.raises(NotFound):
            services.victim_link_add(
                actor=user,
                criminal_case=world.criminal_case,
                case_number=world.victim_case.case_number,
                role="witness",
            )
    assert not VictimInProceedings.objects.exists()


def test_update_changes_and_audits_without_the_statement(world: World) -> None:
    link = world.link()
    services.victim_link_update(
        actor=world.investigator,
        victim_link=link.pk,
        version=link.version,
        role="civil_party",
        compensation_claimed="25000",
        compensation_received="0",
        currency="brl",
        statement="A secret account.",
        testimony_mode="video",
    )
    link.refresh_from_db()
    assert (link.role, link.currency, link.testimony_mode) == ("civil_party", "BRL", "video")
    assert link.compensation_claimed == Decimal("25000.00")
    assert link.statement == "A secret account."
    assert link.version == 2
    event = AuditEvent.objects.get(action="justice.victim.update")
    assert event.changes["role"] == ["witness", "civil_party"]
    assert "secret" not in str(event.changes)


def test_update_refusals_change_nothing(world: World) -> None:
    link = world.link()
    with pytest.raises(ApplicationError):
        services.victim_link_update(actor=world.prosecutor, victim_link=link.pk, role="civil_party", colour="red")
    with pytest.raises(ApplicationError) as error:
        services.victim_link_update(actor=world.prosecutor, victim_link=link.pk, compensation_claimed="10")
    assert "currency" in fields_of(error)
    with pytest.raises(ApplicationError) as error:
        services.victim_link_update(actor=world.prosecutor, victim_link=link.pk, version=7, role="civil_party")
    assert error.value.status_code == 409
    with pytest.raises(NotFound):
        services.victim_link_update(actor=world.rapporteur, victim_link=link.pk, role="civil_party")
    link.refresh_from_db()
    assert (link.role, link.compensation_claimed, link.version) == ("witness", None, 1)


# Relationships ------------------------------------------------------------------------------------------------


def test_relation_set_and_replaced(world: World) -> None:
    link = world.link()
    suspect = make_suspect(world.criminal_case)
    services.suspect_victim_relation_set(
        actor=world.prosecutor, suspect=suspect.pk, victim=link.pk, relationship="Acquainted", detail="employer"
    )
    services.suspect_victim_relation_set(
        actor=world.prosecutor, suspect=suspect.pk, victim=link.pk, relationship="Familial"
    )
    relation = SuspectVictimRelation.objects.get()
    assert (relation.relationship, relation.detail) == ("Familial", "")
    assert AuditEvent.objects.filter(action="justice.victim.relation").count() == 2


def test_relation_refusals(world: World) -> None:
    link = world.link()
    other_case = make_criminal_case(world.police, prosecution_office=world.office)
    stranger = make_suspect(other_case)
    suspect = make_suspect(world.criminal_case)
    with pytest.raises(ApplicationError) as error:
        services.suspect_victim_relation_set(
            actor=world.prosecutor, suspect=stranger.pk, victim=link.pk, relationship="Acquainted"
        )
    assert "suspect" in fields_of(error)
    with pytest.raises(ApplicationError) as error:
        services.suspect_victim_relation_set(
            actor=world.prosecutor, suspect=suspect.pk, victim=link.pk, relationship="Uncle"
        )
    assert "relationship" in fields_of(error)
    with pytest.raises(NotFound):
        services.suspect_victim_relation_set(
            actor=world.rapporteur, suspect=suspect.pk, victim=link.pk, relationship="Acquainted"
        )
    assert not SuspectVictimRelation.objects.exists()


# Reveals --------------------------------------------------------------------------------------------------------


def test_identity_reveal_for_the_prosecutor_audited_with_the_reason(world: World) -> None:
    link = world.link()
    identity = services.victim_identity_reveal(actor=world.prosecutor, victim_link=link.pk, reason=REASON)
    assert [row["name"] for row in identity["names"]] == ["Maria Flores Condori"]
    events = AuditEvent.objects.filter(action="reveal", actor=world.prosecutor)
    assert [event.reason for event in events.filter(object_type="justice.victiminproceedings")] == [REASON]
    assert [event.reason for event in events.filter(object_type="people.personname")] == [REASON]
    assert "Maria" not in str(list(events.values_list("changes", flat=True)))


def test_statement_reveal_for_the_investigator(world: World) -> None:
    link = world.link(statement="He took my passport.")
    text = services.victim_statement_reveal(actor=world.investigator, victim_link=link.pk, reason=REASON)
    assert text == "He took my passport."
    event = AuditEvent.objects.get(action="reveal", object_type="justice.victiminproceedings")
    assert event.reason == REASON
    assert event.changes == {"fields": ["statement"]}


def test_reveals_refused_without_a_reason_or_a_right(world: World) -> None:
    link = world.link(statement="He took my passport.")
    with pytest.raises(ApplicationError) as error:
        services.victim_statement_reveal(actor=world.prosecutor, victim_link=link.pk, reason="test")
    assert error.value.code == "reason_required"
    with pytest.raises(ApplicationError):
        services.victim_identity_reveal(actor=world.prosecutor, victim_link=link.pk, reason="")
    liaison = make_user(world.office, roles=("judiciary_liaison",))
    for user in (world.rapporteur, liaison, world.case_manager):
        for reveal in (services.victim_identity_reveal, services.victim_statement_reveal):
            with pytest.raises(NotFound):
                reveal(actor=user, victim_link=link.pk, reason=REASON)
    assert not AuditEvent.objects.filter(action="reveal").exists()


# Hearings -------------------------------------------------------------------------------------------------------


def _soon(days: int = 5) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


def test_hearing_add_update_cancel(world: World) -> None:
    link = world.link()
    court = make_organization("BR", type="Judiciary")
    hearing = services.hearing_add(
        actor=world.prosecutor,
        criminal_case=world.criminal_case,
        kind="trial",
        starts_at=_soon(),
        court=court.pk,
        room="3",
        victims=[link.pk],
    )
    assert list(hearing.victims.all()) == [link]
    added = AuditEvent.objects.get(action="justice.hearing.add")
    assert added.changes["victims"] == [link.pk]
    services.hearing_update(actor=world.investigator, hearing=hearing.pk, room="5", victims=[])
    hearing.refresh_from_db()
    assert hearing.room == "5"
    assert not hearing.victims.exists()
    changed = AuditEvent.objects.get(action="justice.hearing.update")
    assert changed.changes["victims"] == [[link.pk], []]
    services.hearing_cancel(actor=world.prosecutor, hearing=hearing.pk, reason="The court postponed it")
    assert not Hearing.objects.exists()
    assert AuditEvent.objects.get(action="justice.hearing.cancel").reason == "The court postponed it"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"starts_at": ""}, "starts_at"),
        ({"starts_at": "next tuesday"}, "starts_at"),
        ({"court_name": ""}, "court"),
        ({"court": 0}, "court"),
        ({"room": "x" * 61}, "room"),
        ({"victims": "all"}, "victims"),
        ({"victims": [999999]}, "victims"),
    ],
)
def test_hearing_bad_values_refused(world: World, values: dict[str, Any], field: str) -> None:
    data = {"kind": "trial", "starts_at": _soon(), "court_name": "1st Federal Court of Belém", **values}
    with pytest.raises(ApplicationError) as error:
        services.hearing_add(actor=world.prosecutor, criminal_case=world.criminal_case, **data)
    assert field in fields_of(error)
    assert not Hearing.objects.exists()


def test_hearing_refuses_victims_and_courts_of_other_cases(world: World) -> None:
    other = make_criminal_case(world.police, prosecution_office=world.office)
    foreign_link = services.victim_link_add(
        actor=world.prosecutor, criminal_case=other, case_number=world.victim_case.case_number, role="witness"
    )
    foreign_court = make_organization("CO", type="Judiciary")
    with pytest.raises(ApplicationError) as error:
        services.hearing_add(
            actor=world.prosecutor,
            criminal_case=world.criminal_case,
            kind="trial",
            starts_at=_soon(),
            court=foreign_court.pk,
            victims=[foreign_link.pk],
        )
    assert set(fields_of(error)) == {"court", "victims"}
    with pytest.raises(NotFound):
        services.hearing_add(
            actor=world.rapporteur,
            criminal_case=world.criminal_case,
            kind="trial",
            starts_at=_soon(),
            court_name="A court",
        )
    assert not Hearing.objects.exists()


def test_hearing_update_and_cancel_refusals(world: World) -> None:
    hearing = services.hearing_add(
        actor=world.prosecutor, criminal_case=world.criminal_case, kind="trial", starts_at=_soon(), court_name="A"
    )
    with pytest.raises(ApplicationError) as error:
        services.hearing_update(actor=world.prosecutor, hearing=hearing.pk, court_name="")
    assert "court" in fields_of(error)
    with pytest.raises(ApplicationError):
        services.hearing_update(actor=world.prosecutor, hearing=hearing.pk, judge="Someone")
    with pytest.raises(NotFound):
        services.hearing_update(actor=world.rapporteur, hearing=hearing.pk, room="1")
    with pytest.raises(NotFound):
        services.hearing_cancel(actor=world.rapporteur, hearing=hearing.pk)
    hearing.refresh_from_db()
    assert (hearing.court_name, hearing.room) == ("A", "")
