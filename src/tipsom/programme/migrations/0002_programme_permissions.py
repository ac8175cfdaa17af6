from django.db import migrations

from tipsom.accounts.roles import sync_seeded_roles


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_global_scope"),
        ("programme", "0001_initial"),
        ("stats", "0005_victimfact_identified_by"),
    ]

    operations = [migrations.RunPython(sync_seeded_roles, migrations.RunPython.noop)]
