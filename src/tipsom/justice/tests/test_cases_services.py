"""Services of the criminal case, its offences, its suspects and organised criminal groups: each rule and each bad
input (refused with a clear error, nothing saved), permissions and the audit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.justice.models import CaseStage, Charge, CriminalCase, CriminalGroup, Offence, Suspect
from tipsom.justice.services.cases import (
    criminal_case_create,
    criminal_case_update,
    offence_add,
    offence_remove,
    offence_update,
)
from tipsom.justice.services.common import reference_next
from tipsom.justice.services.suspects import (
    criminal_group_create,
    criminal_group_update,
    suspect_add,
    suspect_identity_reveal,
    suspect_remove,
    suspect_update,
)
from tipsom.justice.testing import make_criminal_case, make_offence, make_provision, make_suspect
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person

pytestmark = pytest.mark.django_db
REASON = "to prepare the hearing of the defendant"


@pytest.fixture
def office():
    return make_organization("BR")


@pytest.fixture
def prosecutor(office):
    return make_user(office, roles=("prosecutor",))


@pytest.fixture
def case(prosecutor):
    return criminal_case_create(
        actor=prosecutor, title="Forced labour on a farm in Pará", investigation_opened_on="2025-02-01"
    )


def fields_of(error: pytest.ExceptionInfo[ApplicationError]) -> dict:
    return error.value.extra.get("fields", {})


# --- the criminal case -------------------------------------------------------------------------------------------
def test_create_numbers_the_case_and_audits(prosecutor, office):
    unit = make_organization("BR")
    case = criminal_case_create(
        actor=prosecutor,
        title="Forced labour",
        file_number="IP 123/2025",
        investigation_opened_on="2025-02-01",
        investigating_unit=unit.pk,
        is_transnational=True,
        countries_involved=["PY", "bo"],
        facts="The workers were held by Fulano de Tal",
        offence_type="tip",
    )
    assert case.owner_organization == office and case.country == "BR"
    assert case.reference == "BR-CC-2025-000001"
    assert case.investigating_unit == unit and case.countries_involved == ["PY", "BO"]
    assert case.stage == CaseStage.INVESTIGATION and case.offence_type == "tip"
    second = criminal_case_create(actor=prosecutor, title="Another", investigation_opened_on="2025-03-01")
    assert second.reference == "BR-CC-2025-000002"
    event = AuditEvent.objects.get(action="justice.case.create", object_id=str(case.pk))
    assert event.changes["facts"] == "[identifying]" and "Fulano" not in str(event.changes)


def test_reference_counter_per_country_year_kind():
    assert reference_next("BR", 2026, "CC") == "BR-CC-2026-000001"
    assert reference_next("BR", 2026, "SI") == "BR-SI-2026-000001"
    assert reference_next("BR", 2026, "CC") == "BR-CC-2026-000002"
    assert reference_next("CO", 2026, "CC") == "CO-CC-2026-000001"


def test_create_refuses_bad_input_and_saves_nothing(prosecutor):
    other_country = make_organization("CO")
    with pytest.raises(ApplicationError) as error:
        criminal_case_create(
            actor=prosecutor,
            title="",
            investigation_opened_on="2999-01-01",
            court=other_country.pk,
            countries_involved=["XX"],
            offence_type="murder",
            is_transnational="perhaps",
        )
    assert set(fields_of(error)) == {
        "title",
        "investigation_opened_on",
        "court",
        "countries_involved",
        "offence_type",
        "is_transnational",
    }
    assert not CriminalCase.objects.exists()


def test_create_needs_the_permission(office):
    for role in ("case_manager", "national_rapporteur", "judiciary_liaison"):
        user = make_user(office, roles=(role,))
        with pytest.raises(NotFound):
            criminal_case_create(actor=user, title="x", investigation_opened_on="2025-01-01")
    assert not CriminalCase.objects.exists()


def test_create_for_another_organization_is_refused(prosecutor):
    with pytest.raises(NotFound):
        criminal_case_create(
            actor=prosecutor,
            organization=make_organization("BR"),
            title="x",
            investigation_opened_on="2025-01-01",
        )


def test_update_with_version_and_rules(prosecutor, case):
    updated = criminal_case_update(
        actor=prosecutor, criminal_case_id=case.pk, version=case.version, title="New title", file_number="F-1"
    )
    assert updated.title == "New title" and updated.version == 2
    with pytest.raises(Conflict):
        criminal_case_update(actor=prosecutor, criminal_case_id=case.pk, version=1, title="Stale")
    with pytest.raises(ApplicationError) as error:
        criminal_case_update(
            actor=prosecutor, criminal_case_id=case.pk, version=2, investigation_closed_on="2024-12-31"
        )
    assert "investigation_closed_on" in fields_of(error)
    with pytest.raises(ApplicationError):
        criminal_case_update(actor=prosecutor, criminal_case_id=case.pk, version=2, stage="concluded")
    case.refresh_from_db()
    assert case.title == "New title" and case.investigation_closed_on is None and case.version == 2
    assert AuditEvent.objects.filter(action="justice.case.update", object_id=str(case.pk)).count() == 1


def test_another_organizations_case_is_not_found(case):
    stranger = make_user(make_organization("BR"), roles=("prosecutor",))
    with pytest.raises(NotFound):
        criminal_case_update(actor=stranger, criminal_case_id=case.pk, version=1, title="Mine now")
    with pytest.raises(NotFound):
        offence_add(actor=stranger, criminal_case_id=case.pk, offence_type="tip", date_from="2025-01-01")
    with pytest.raises(NotFound):
        suspect_add(actor=stranger, criminal_case_id=case.pk, names=["Someone"])
    assert not case.offences.exists() and not case.suspects.exists()


def test_the_prosecution_office_named_on_a_case_works_on_it(prosecutor, case):
    police = make_organization("BR")
    investigator = make_user(police, roles=("investigator",))
    police_case = criminal_case_create(actor=investigator, title="Raid", investigation_opened_on="2025-01-05")
    with pytest.raises(NotFound):
        criminal_case_update(actor=prosecutor, criminal_case_id=police_case.pk, version=1, title="x")
    criminal_case_update(
        actor=investigator,
        criminal_case_id=police_case.pk,
        version=1,
        prosecution_office=prosecutor.organization_id,
    )
    offence = offence_add(actor=prosecutor, criminal_case_id=police_case.pk, offence_type="tip", date_from="2024-12-01")
    suspect = suspect_add(actor=prosecutor, criminal_case_id=police_case.pk, names=["Defendant One"])
    # The new person belongs to the case's organization (the police unit), not to the prosecution office.
    assert suspect.person.owner_organization == police and offence.criminal_case == police_case


def test_a_concluded_case_is_read_only(prosecutor, case):
    CriminalCase.objects.filter(pk=case.pk).update(stage=CaseStage.CONCLUDED)
    with pytest.raises(ApplicationError) as error:
        criminal_case_update(actor=prosecutor, criminal_case_id=case.pk, version=1, title="Late")
    assert error.value.code == "closed"
    with pytest.raises(ApplicationError):
        offence_add(actor=prosecutor, criminal_case_id=case.pk, offence_type="tip", date_from="2025-01-01")


# --- offences ------------------------------------------------------------------------------------------------
def test_offence_add_with_codes_and_provision(prosecutor, case):
    provision = make_provision("BR")
    offence = offence_add(
        actor=prosecutor,
        criminal_case_id=case.pk,
        provision=provision.pk,
        date_from="2024-11-01",
        date_to="2024-12-31",
        recorded_on="2025-01-10",
        places="Marabá",
        exploitation_types=["ForcedLabour"],
        recruitment_methods=["AtWork"],
        means_of_control=["DebtBondage"],
        modus_operandi="Recruited by a gato",
        countries_involved=["PY"],
    )
    assert offence.offence_type == "tip"  # the provision's type when none is given
    assert offence.country == "BR"
    case.refresh_from_db()
    assert case.offence_type == "tip"
    event = AuditEvent.objects.get(action="justice.offence.add", object_id=str(offence.pk))
    assert event.changes["modus_operandi"] == "[identifying]"


def test_offence_recorded_today_when_not_given(prosecutor, case):
    offence = offence_add(actor=prosecutor, criminal_case_id=case.pk, offence_type="som", date_from="2025-01-01")
    assert offence.recorded_on == timezone.localdate()


def test_the_case_takes_the_first_offences_type(prosecutor, case):
    first = offence_add(actor=prosecutor, criminal_case_id=case.pk, offence_type="som", date_from="2025-01-01")
    offence_add(actor=prosecutor, criminal_case_id=case.pk, offence_type="tip", date_from="2024-01-01")
    case.refresh_from_db()
    assert case.offence_type == "som"
    offence_update(actor=prosecutor, offence_id=first.pk, offence_type="corruption")
    case.refresh_from_db()
    assert case.offence_type == "corruption"
    offence_remove(actor=prosecutor, offence_id=first.pk)
    case.refresh_from_db()
    assert case.offence_type == "tip"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date_from": "2025-01-10", "date_to": "2025-01-01"}, "date_to"),
        ({"provision": "other-country"}, "provision"),
        ({"exploitation_types": ["Slavery", "NotACode"]}, "exploitation_types"),
        ({"recruitment_methods": ["Bogus"]}, "recruitment_methods"),
        ({"means_of_control": "DebtBondage"}, "means_of_control"),
        ({"country": "XX"}, "country"),
        ({"region": "ZZ-99"}, "region"),
        ({"offence_type": "jaywalking"}, "offence_type"),
        ({"offence_type": ""}, "offence_type"),
        ({"date_from": "2025-02-30"}, "date_from"),
        ({"recorded_on": "2024-01-01"}, "recorded_on"),
        ({"reporting_unit": "other-country"}, "reporting_unit"),
        ({"countries_involved": ["XX"]}, "countries_involved"),
    ],
)
def test_offence_bad_input_is_refused(prosecutor, case, data, field):
    if data.get("provision") == "other-country":
        data["provision"] = make_provision("CO").pk
    if data.get("reporting_unit") == "other-country":
        data["reporting_unit"] = make_organization("CO").pk
    payload = {"offence_type": "tip", "date_from": "2024-12-01", **data}
    with pytest.raises(ApplicationError) as error:
        offence_add(actor=prosecutor, criminal_case_id=case.pk, **payload)
    assert field in fields_of(error), error.value.extra
    assert not Offence.objects.exists()


def test_offence_provision_of_another_country_says_so(prosecutor, case):
    with pytest.raises(ApplicationError) as error:
        offence_add(
            actor=prosecutor,
            criminal_case_id=case.pk,
            provision=make_provision("CO").pk,
            date_from="2024-12-01",
        )
    assert "another country" in fields_of(error)["provision"]


def test_offence_update_keeps_the_dates_in_order(prosecutor, case):
    offence = offence_add(
        actor=prosecutor, criminal_case_id=case.pk, offence_type="tip", date_from="2024-01-01", date_to="2024-02-01"
    )
    with pytest.raises(ApplicationError) as error:
        offence_update(actor=prosecutor, offence_id=offence.pk, date_from="2024-03-01")
    assert "date_from" in fields_of(error)
    offence.refresh_from_db()
    assert offence.date_from == datetime.date(2024, 1, 1)


def test_offence_named_by_a_charge_stays(prosecutor, case):
    offence = make_offence(case)
    suspect = make_suspect(case)
    Charge.objects.create(
        criminal_case=case,
        suspect=suspect,
        provision=make_provision("BR"),
        offence=offence,
        offence_type="tip",
        charged_on=datetime.date(2025, 2, 1),
    )
    with pytest.raises(ApplicationError) as error:
        offence_remove(actor=prosecutor, offence_id=offence.pk)
    assert error.value.code == "has_charges"
    assert Offence.objects.filter(pk=offence.pk).exists()


def test_unknown_fields_are_refused(prosecutor, case):
    with pytest.raises(ApplicationError):
        offence_add(actor=prosecutor, criminal_case_id=case.pk, offence_type="tip", date_from="2025-01-01", x=1)


# --- suspects --------------------------------------------------------------------------------------------------
def test_suspect_add_registers_a_person(prosecutor, case, office):
    group = criminal_group_create(actor=prosecutor, name="Os Gatos", countries_of_activity=["BR"])
    suspect = suspect_add(
        actor=prosecutor,
        criminal_case_id=case.pk,
        names=["João Gato", "Gato"],
        gender="Masculine",
        birth_date="1975",
        citizenships=["BR"],
        roles=["recruiter", "exploiter"],
        groups=[group.pk],
        age_at_offence=49,
        in_custody=True,
    )
    person = suspect.person
    assert person.owner_organization == office and person.birth_year == 1975 and person.citizenships == ["BR"]
    assert [n.name for n in person.names.all()] == ["João Gato", "Gato"]
    assert suspect.roles == ["recruiter", "exploiter"] and list(suspect.groups.all()) == [group]
    event = AuditEvent.objects.get(action="justice.suspect.add", object_id=str(suspect.pk))
    assert "João" not in str(event.changes) and "Gato" not in str(event.changes)
    assert AuditEvent.objects.filter(action="person.create", object_id=str(person.pk)).exists()


def test_suspect_formal_contact_goes_through_the_process_rules(prosecutor, case):
    make_offence(case, date_from=datetime.date(2024, 12, 1))
    suspect = suspect_add(
        actor=prosecutor,
        criminal_case_id=case.pk,
        names=["Arrested Person"],
        contact_type="arrested",
        formal_contact_on="2025-02-03",
    )
    assert suspect.contact_type == "arrested" and suspect.formal_contact_on == datetime.date(2025, 2, 3)
    with pytest.raises(ApplicationError) as error:
        suspect_add(
            actor=prosecutor,
            criminal_case_id=case.pk,
            names=["Too Early"],
            contact_type="arrested",
            formal_contact_on="2024-01-01",
        )
    assert "formal_contact_on" in fields_of(error)
    with pytest.raises(ApplicationError) as error:
        suspect_add(actor=prosecutor, criminal_case_id=case.pk, names=["Half"], contact_type="arrested")
    assert "formal_contact_on" in fields_of(error)
    assert case.suspects.count() == 1
    assert Person.objects.count() == 1


def test_a_defendant_added_twice_is_refused(prosecutor, case):
    first = suspect_add(actor=prosecutor, criminal_case_id=case.pk, names=["Maria Twice"])
    with pytest.raises(ApplicationError) as error:
        suspect_add(actor=prosecutor, criminal_case_id=case.pk, person=first.person_id, roles=["recruiter"])
    assert error.value.code == "duplicate"
    assert "already a suspect" in error.value.message
    assert case.suspects.count() == 1


def test_an_existing_person_may_be_a_suspect_of_another_case(prosecutor, case):
    first = suspect_add(actor=prosecutor, criminal_case_id=case.pk, names=["Repeat Offender"])
    other = criminal_case_create(actor=prosecutor, title="Second", investigation_opened_on="2025-05-01")
    second = suspect_add(actor=prosecutor, criminal_case_id=other.pk, person=first.person_id)
    assert second.person_id == first.person_id


def test_a_person_the_actor_cannot_see_is_not_found(prosecutor, case):
    stranger_case = make_criminal_case(make_organization("BR"), reference="BR-CC-1999-000001")
    hidden = make_suspect(stranger_case).person
    with pytest.raises(NotFound):
        suspect_add(actor=prosecutor, criminal_case_id=case.pk, person=hidden.pk)
    assert not case.suspects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"names": []}, "names"),
        ({"roles": ["boss"]}, "roles"),
        ({"age_at_offence": "12.5"}, "age_at_offence"),
        ({"age_at_offence": -3}, "age_at_offence"),
        ({"groups": [999999]}, "groups"),
        ({"citizenships": ["XX"]}, "citizenships"),
        ({"gender": "Robot"}, "gender"),
        ({"birth_date": "2999"}, "birth_date"),
        ({"contact_type": "kidnapped", "formal_contact_on": "2025-02-01"}, "contact_type"),
    ],
)
def test_suspect_bad_input_is_refused(prosecutor, case, data, field):
    payload = {"names": ["Bad Input"], **data}
    with pytest.raises(ApplicationError) as error:
        suspect_add(actor=prosecutor, criminal_case_id=case.pk, **payload)
    assert field in fields_of(error), error.value.extra
    assert not Suspect.objects.exists()
    assert not Person.objects.exists()


def test_a_group_of_another_country_is_refused(prosecutor, case):
    foreign = CriminalGroup.objects.create(owner_organization=make_organization("CO"), country="CO", name="Foreign")
    with pytest.raises(ApplicationError) as error:
        suspect_add(actor=prosecutor, criminal_case_id=case.pk, names=["X Y"], groups=[foreign.pk])
    assert "groups" in fields_of(error)


def test_suspect_update_and_remove(prosecutor, case):
    suspect = suspect_add(actor=prosecutor, criminal_case_id=case.pk, names=["To Change"])
    group = criminal_group_create(actor=prosecutor, name="Group")
    suspect = suspect_update(
        actor=prosecutor, suspect_id=suspect.pk, version=suspect.version, roles=["smuggler"], groups=[group.pk]
    )
    assert suspect.roles == ["smuggler"] and list(suspect.groups.all()) == [group]
    with pytest.raises(Conflict):
        suspect_update(actor=prosecutor, suspect_id=suspect.pk, version=1, in_custody=True)
    event = AuditEvent.objects.get(action="justice.suspect.update", object_id=str(suspect.pk))
    assert event.changes["groups"] == [[], [group.pk]]
    suspect_remove(actor=prosecutor, suspect_id=suspect.pk)
    assert not Suspect.objects.filter(pk=suspect.pk).exists()
    assert Person.objects.filter(pk=suspect.person_id).exists()  # the registry keeps the person
    assert AuditEvent.objects.filter(action="justice.suspect.remove", object_id=str(suspect.pk)).exists()


def test_a_charged_defendant_stays(prosecutor, case):
    suspect = make_suspect(case)
    Charge.objects.create(
        criminal_case=case,
        suspect=suspect,
        provision=make_provision("BR"),
        offence_type="tip",
        charged_on=datetime.date(2025, 2, 1),
    )
    with pytest.raises(ApplicationError) as error:
        suspect_remove(actor=prosecutor, suspect_id=suspect.pk)
    assert error.value.code == "has_charges"
    assert Suspect.objects.filter(pk=suspect.pk).exists()


def test_identity_reveal_is_audited_with_the_reason(prosecutor, case):
    suspect = suspect_add(actor=prosecutor, criminal_case_id=case.pk, names=["Hidden Name"], birth_date="1980")
    identity = suspect_identity_reveal(actor=prosecutor, suspect_id=suspect.pk, reason=REASON)
    assert identity["names"][0]["name"] == "Hidden Name" and identity["birth_date"] == "1980"
    reveals = AuditEvent.objects.filter(action="reveal", object_type="people.personname")
    assert [event.reason for event in reveals] == [REASON]
    noted = AuditEvent.objects.get(action="justice.suspect.reveal", object_id=str(suspect.pk))
    assert noted.reason == REASON and noted.actor == prosecutor
    assert "Hidden" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_identity_reveal_needs_a_reason_and_the_right(prosecutor, case, office):
    suspect = suspect_add(actor=prosecutor, criminal_case_id=case.pk, names=["Hidden Name"])
    with pytest.raises(ApplicationError) as error:
        suspect_identity_reveal(actor=prosecutor, suspect_id=suspect.pk, reason="test")
    assert error.value.code == "reason_required"
    rapporteur = make_user(make_organization("BR"), roles=("national_rapporteur",))
    liaison = make_user(office, roles=("judiciary_liaison",))
    for user in (rapporteur, liaison, make_user(make_organization("BR"), roles=("prosecutor",))):
        with pytest.raises(NotFound):
            suspect_identity_reveal(actor=user, suspect_id=suspect.pk, reason=REASON)
    assert not AuditEvent.objects.filter(action="reveal").exists()


# --- groups --------------------------------------------------------------------------------------------------
def test_group_create_and_update(prosecutor, office):
    group = criminal_group_create(
        actor=prosecutor, name="Red Route", estimated_size=12, countries_of_activity=["BR", "PY"], notes="Intel"
    )
    assert group.owner_organization == office and group.country == "BR"
    group = criminal_group_update(actor=prosecutor, group_id=group.pk, version=1, estimated_size="15")
    assert group.estimated_size == 15 and group.version == 2
    with pytest.raises(Conflict):
        criminal_group_update(actor=prosecutor, group_id=group.pk, version=1, name="Stale")
    stranger = make_user(make_organization("BR"), roles=("prosecutor",))
    with pytest.raises(NotFound):
        criminal_group_update(actor=stranger, group_id=group.pk, version=2, name="Mine")
    event = AuditEvent.objects.get(action="justice.group.create", object_id=str(group.pk))
    assert event.changes["notes"] == "[identifying]"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"estimated_size": "2.5"}, "estimated_size"),
        ({"estimated_size": 0}, "estimated_size"),
        ({"countries_of_activity": ["XX"]}, "countries_of_activity"),
    ],
)
def test_group_bad_input(prosecutor, data, field):
    with pytest.raises(ApplicationError) as error:
        criminal_group_create(actor=prosecutor, **{"name": "G", **data})
    assert field in fields_of(error)
    assert not CriminalGroup.objects.exists()
