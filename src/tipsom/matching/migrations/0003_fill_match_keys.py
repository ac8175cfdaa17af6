"""Writes the match keys (matching.MatchKey) of the persons registered before matching existed. Needs the keyring,
as any reading of the registry does. Later changes of the normal forms are applied by `tipsom match reindex`."""

from typing import Any

from django.db import migrations

BATCH = 500


def fill_keys(apps: Any, schema_editor: Any) -> None:
    from tipsom.matching.keys import forms_of, keys_of

    person = apps.get_model("people", "Person")
    person_name = apps.get_model("people", "PersonName")
    match_key = apps.get_model("matching", "MatchKey")
    texts: dict[int, list[str]] = {}
    for name in person_name.objects.order_by("pk").iterator(chunk_size=BATCH):
        texts.setdefault(name.person_id, []).extend(filter(None, [name.name, name.name_latin]))
    years = dict(person.objects.values_list("pk", "birth_year"))
    births = {pk: birth for pk, birth in person.objects.values_list("pk", "birth_date") if birth}
    rows = []
    for person_id, names in texts.items():
        for kind, key in keys_of(forms_of(names), births.get(person_id, "")):
            rows.append(match_key(person_id=person_id, kind=kind, key=key, birth_year=years.get(person_id)))
        if len(rows) >= BATCH * 20:
            match_key.objects.bulk_create(rows, batch_size=1000)
            rows = []
    match_key.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_matching_permissions"), ("people", "0005_person_merged_into")]

    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop)]
