"""Registering and changing persons: validation, optimistic locking, audit without identifying values."""

import json

import pytest
from django.db import connection
from django.utils import timezone

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person, PersonContact, PersonDocument, PersonName
from tipsom.people.services import person_create, person_update

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Person, PersonName, PersonContact, PersonDocument, AuditEvent))


def test_create_stores_names_keys_and_statistics(case_manager, home_org, person_data):
    person = person_create(actor=case_manager, organization=home_org, **person_data)

    person.refresh_from_db()
    assert person.created_by == case_manager
    assert person.owner_organization == home_org
    assert person.citizenships == ["BR", "BO"]
    assert person.languages == ["por", "spa"]
    assert (person.birth_date, person.birth_date_precision, person.birth_year) == ("2009-05-14", "exact", 2009)
    primary, alias = person.names.all()
    assert alias.kind == "alias" and alias.name == "Cida"
    assert primary.name == "Maria Aparecida Souza" and primary.name_latin == "Maria Aparecida Souza"
    assert primary.script == "Latn" and len(primary.key_exact) == 40 and len(primary.key_latin) == 40
    assert person.contacts.get().value == "+5565988112233"
    document = person.documents.get()
    assert (document.number, document.issuing_country, len(document.key_number)) == ("MG-12.345.678", "BR", 40)


def test_transliteration_is_computed_when_no_latin_form_is_given(home_org):
    person = person_create(
        actor=None,
        organization=home_org,
        names=[{"name": "Мария Соуза"}, {"name": "सीता शर्मा", "kind": "alias", "name_latin": "Sita Sharma"}],
    )
    cyrillic, devanagari = person.names.all()
    assert (cyrillic.script, cyrillic.name_latin) == ("Cyrl", "Mariya Souza")
    assert (devanagari.script, devanagari.name_latin) == ("Deva", "Sita Sharma")


def test_audit_events_hold_no_identifying_value(case_manager, home_org, person_data):
    person = person_create(actor=case_manager, organization=home_org, **person_data)
    person_update(
        actor=case_manager,
        person_id=person.pk,
        version=1,
        names=[{"name": "Maria Souza Lima"}],
        birth_date="2009-05",
        birth_date_precision="year_month",
    )

    events = list(AuditEvent.objects.filter(object_type="people.person").order_by("sequence"))
    assert [e.action for e in events] == ["person.create", "person.update"]
    assert events[0].changes["birth_date"] == "[identifying]"
    assert events[0].changes["names"] == {"count": 2, "values": "[identifying]"}
    assert "birth_year" not in events[1].changes  # still 2009
    assert events[1].changes["birth_date_precision"] == ["exact", "year_month"]
    text = json.dumps([e.changes for e in events], ensure_ascii=False)
    for secret in ("Maria", "Souza", "Cida", "2009-05", "5565988112233", "12.345.678"):
        assert secret not in text


def test_update_changes_fields_and_bumps_the_version(case_manager, home_org, person_data):
    person = person_create(actor=case_manager, organization=home_org, **person_data)
    updated = person_update(actor=case_manager, person_id=person.pk, version=1, gender="NonSpecifiedUnknown")
    assert (updated.version, updated.gender) == (2, "NonSpecifiedUnknown")
    # Nothing new: no version bump, no audit event.
    events = AuditEvent.objects.count()
    same = person_update(actor=case_manager, person_id=person.pk, version=2, gender="NonSpecifiedUnknown")
    assert same.version == 2 and AuditEvent.objects.count() == events


def test_update_replaces_a_collection(case_manager, home_org, person_data):
    person = person_create(actor=case_manager, organization=home_org, **person_data)
    person_update(actor=case_manager, person_id=person.pk, version=1, contacts=[])
    assert not person.contacts.exists()
    assert person.documents.count() == 1  # untouched: not given


def test_stale_version_is_a_conflict_and_writes_nothing(case_manager, home_org, person_data):
    person = person_create(actor=case_manager, organization=home_org, **person_data)
    person_update(actor=case_manager, person_id=person.pk, version=1, education="UpperSecondaryEducation")
    before = _counts()

    with pytest.raises(Conflict) as caught:
        person_update(actor=case_manager, person_id=person.pk, version=1, gender="Masculine", names=[{"name": "X Y"}])

    assert caught.value.status_code == 409 and caught.value.extra == {"current_version": 2}
    person.refresh_from_db()
    assert person.gender == "Feminine" and person.names.count() == 2
    assert _counts() == before


BAD_INPUTS = [
    ({"names": []}, "names"),
    ({"names": [{"name": "Maria\x00Souza"}]}, "names.0.name"),
    ({"names": [{"name": "Maria\nSouza"}]}, "names.0.name"),
    ({"names": [{"name": "Maria", "name_latin": "Мария"}]}, "names.0.name_latin"),
    ({"names": [{"name": "   "}]}, "names.0.name"),
    ({"names": [{"name": "A"}, {"name": "B", "kind": "primary"}]}, "names"),
    ({"names": [{"name": "A", "kind": "nickname"}]}, "names.0.kind"),
    ({"gender": "Female"}, "gender"),
    ({"education": "College"}, "education"),
    ({"citizenships": ["XX"]}, "citizenships"),
    ({"citizenships": "BR"}, "citizenships"),
    ({"languages": ["xx"]}, "languages"),
    ({"birth_date": "2999-01-01", "birth_date_precision": "exact"}, "birth_date"),
    ({"birth_date": "2999", "birth_date_precision": "year"}, "birth_date"),
    ({"birth_date": "1990-03", "birth_date_precision": "exact"}, "birth_date"),
    ({"birth_date": "1990-02-30", "birth_date_precision": "exact"}, "birth_date"),
    ({"birth_date": "1990-13", "birth_date_precision": "year_month"}, "birth_date"),
    ({"birth_date": "1990-03-17", "birth_date_precision": "year"}, "birth_date"),
    ({"birth_date": "1990", "birth_date_precision": "roughly"}, "birth_date_precision"),
    ({"birth_date": "1990", "birth_date_precision": ""}, "birth_date_precision"),
    ({"contacts": [{"kind": "fax", "value": "1"}]}, "contacts.0.kind"),
    ({"contacts": [{"kind": "phone", "value": ""}]}, "contacts.0.value"),
    ({"documents": [{"doc_type": "passport", "number": "P1", "issuing_country": "ZZ"}]}, "documents.0.issuing_country"),
    ({"documents": [{"doc_type": "visa", "number": "P1"}]}, "documents.0.doc_type"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INPUTS)
def test_bad_input_is_refused_and_nothing_is_written(case_manager, home_org, person_data, change, field):
    before = _counts()
    with pytest.raises(ApplicationError) as caught:
        person_create(actor=case_manager, organization=home_org, **{**person_data, **change})
    assert caught.value.code == "invalid"
    assert field in caught.value.extra["fields"], caught.value.extra
    assert _counts() == before


def test_every_bad_field_is_named_at_once(case_manager, home_org):
    with pytest.raises(ApplicationError) as caught:
        person_create(
            actor=case_manager, organization=home_org, names=[{"name": "A\x07"}], gender="?", citizenships=["??"]
        )
    assert set(caught.value.extra["fields"]) == {"names.0.name", "gender", "citizenships"}


def test_bad_input_on_update_changes_nothing(case_manager, home_org, person_data):
    person = person_create(actor=case_manager, organization=home_org, **person_data)
    with pytest.raises(ApplicationError):
        person_update(actor=case_manager, person_id=person.pk, version=1, gender="Masculine", languages=["zz"])
    person.refresh_from_db()
    assert (person.version, person.gender) == (1, "Feminine")


def test_a_year_in_progress_is_not_the_future(home_org):
    this_year = str(timezone.localdate().year)
    person = person_create(
        actor=None, organization=home_org, names=["Bebê"], birth_date=this_year, birth_date_precision="estimated"
    )
    assert person.birth_year == int(this_year)


def test_update_of_the_date_alone_keeps_its_precision(case_manager, home_org, person_data):
    person = person_create(actor=case_manager, organization=home_org, **person_data)
    person = person_update(actor=case_manager, person_id=person.pk, version=1, birth_date="2008-01-02")
    assert (person.birth_date_precision, person.birth_year) == ("exact", 2008)


def test_create_needs_permission_and_scope(home_org, person_data):
    helpline = make_user(home_org, roles=("me_officer",))
    with pytest.raises(NotFound):
        person_create(actor=helpline, organization=home_org, **person_data)
    elsewhere = make_user(make_organization("BR"), roles=("case_manager",))
    with pytest.raises(NotFound):
        person_create(actor=elsewhere, organization=home_org, **person_data)
    coordinator = make_user(home_org, roles=("national_coordinator",))
    with pytest.raises(NotFound):
        person_create(actor=coordinator, organization=home_org, **person_data)
    assert not Person.objects.exists()


def test_names_are_encrypted_in_the_table(home_org):
    person_create(actor=None, organization=home_org, names=[{"name": "Zuleica Pereira"}])
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, name_latin FROM people_personname")
        stored = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in stored)
