"""The name search keys (people.PersonNameKey): written with every name, by the services and by bulk writes,
rewritten when a name changes, refilled by the migration and by `tipsom people reindex`; keyed hashes only."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from tipsom.audit.models import AuditEvent
from tipsom.people.keys import MIN_PREFIX, name_search_keys, query_word_keys
from tipsom.people.models import PersonName, PersonNameKey
from tipsom.people.selectors import person_search_by_name
from tipsom.people.services import person_create, person_update

pytestmark = pytest.mark.django_db


def test_keys_of_a_name_are_hashes_of_words_and_beginnings() -> None:
    keys = name_search_keys("Rosa Quispe")
    words = {key for kind, key in keys if kind == "word"}
    prefixes = {key for kind, key in keys if kind == "prefix"}
    assert len(words) == 2  # rosa, quispe (the Latin form is the same)
    assert len(prefixes) == 1 + 3  # ros; qui, quis, quisp
    assert all(len(key) == 40 and "rosa" not in key for _kind, key in keys)
    assert name_search_keys("Quispe Rosa") == keys  # order does not matter
    assert query_word_keys("ro") and len(query_word_keys("ro")[0]) == 1  # too short to be a beginning
    assert MIN_PREFIX == 3


def test_services_write_and_rewrite_the_keys(case_manager: Any, home_org: Any) -> None:
    person = person_create(
        actor=None, organization=home_org, names=["Rosa Quispe", {"name": "Rosita", "kind": "alias"}]
    )
    assert PersonNameKey.objects.filter(person=person).count() == len(name_search_keys("Rosa Quispe")) + len(
        name_search_keys("Rosita")
    )
    assert list(person_search_by_name(user=case_manager, query="rosit")) == [person]
    person_update(actor=case_manager, person_id=person.pk, version=person.version, names=["Maria Lima"])
    assert list(person_search_by_name(user=case_manager, query="rosa")) == []
    assert list(person_search_by_name(user=case_manager, query="lim")) == [person]
    assert not PersonNameKey.objects.exclude(name__in=PersonName.objects.all()).exists()  # none left behind


def test_reindex_and_the_migration_refill_missing_keys(case_manager: Any, home_org: Any) -> None:
    person = person_create(actor=None, organization=home_org, names=["Олена Коваленко"])
    PersonNameKey.objects.all().delete()
    assert list(person_search_by_name(user=case_manager, query="kovalenko")) == []
    migration = importlib.import_module("tipsom.people.migrations.0004_fill_name_search_keys")
    migration.fill_keys(apps, None)
    assert list(person_search_by_name(user=case_manager, query="kovalenko")) == [person]
    before = PersonNameKey.objects.count()
    migration.fill_keys(apps, None)  # names that have keys are left alone
    assert PersonNameKey.objects.count() == before
    PersonNameKey.objects.all().delete()
    call_command("people", "reindex")
    assert PersonNameKey.objects.count() == before
    assert list(person_search_by_name(user=case_manager, query="Олена")) == [person]
    event = AuditEvent.objects.filter(action="person.reindex").get()
    assert event.changes == {"names": 1, "keys": before}


def test_bulk_written_names_get_their_keys(case_manager: Any, home_org: Any) -> None:
    # A bulk import (cases_bulk_import) writes names with bulk_create: the manager writes their keys too.
    person = person_create(actor=None, organization=home_org, names=["Ana"])
    PersonName.objects.bulk_create([PersonName(person=person, kind="alias", name="Wilma Condori", name_latin="")])
    assert list(person_search_by_name(user=case_manager, query="condo")) == [person]
