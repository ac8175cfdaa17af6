"""Load the legal provisions of the GLO.ACT countries (justice/data/provisions.json) with the loader that
`tipsom justice provisions` uses. Reversing leaves the rows: charges may name them."""

from typing import Any

from django.db import migrations


def load_provisions(apps: Any, schema_editor: Any) -> None:
    from tipsom.justice.services.provisions import provisions_load, seed_rows

    provisions_load(apps.get_model("justice", "LegalProvision"), seed_rows(), update=False)


class Migration(migrations.Migration):
    dependencies = [("justice", "0002_justice_permissions")]

    operations = [migrations.RunPython(load_provisions, migrations.RunPython.noop)]
