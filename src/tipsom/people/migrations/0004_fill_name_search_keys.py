"""Writes the search keys (people.PersonNameKey) of the names registered before they existed: every word and every
beginning of a word of each name, as keyed hashes. Needs the keyring, as any reading of the registry does."""

from typing import Any

from django.db import migrations

BATCH = 500


def fill_keys(apps: Any, schema_editor: Any) -> None:
    from tipsom.people.keys import name_search_keys

    person_name = apps.get_model("people", "PersonName")
    person_name_key = apps.get_model("people", "PersonNameKey")
    done = set(person_name_key.objects.values_list("name_id", flat=True).distinct())
    rows = []
    for name in person_name.objects.order_by("pk").iterator(chunk_size=BATCH):
        if name.pk in done:
            continue
        for kind, key in sorted(name_search_keys(name.name, name.name_latin)):
            rows.append(person_name_key(person_id=name.person_id, name_id=name.pk, kind=kind, key=key))
        if len(rows) >= BATCH * 20:
            person_name_key.objects.bulk_create(rows, batch_size=1000)
            rows = []
    person_name_key.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("people", "0003_name_search_keys")]

    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop)]
