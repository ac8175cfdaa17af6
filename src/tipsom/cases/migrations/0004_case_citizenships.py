"""A copy of the person's citizenships on each case, so that the case list filters on them without joining every
person (issue 10). Existing cases are filled from their person in one statement."""

from django.db import migrations, models


def _fill(apps, schema_editor) -> None:
    schema_editor.execute(
        "UPDATE cases_case SET citizenships = "
        "(SELECT people_person.citizenships FROM people_person WHERE people_person.id = cases_case.person_id)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_encrypt_approval_comment"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="citizenships",
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name="citizenships"),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
    ]
