from django.db import migrations

from tipsom.accounts.roles import sync_seeded_roles


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial"), ("justice", "0002_justice_permissions")]

    operations = [migrations.RunPython(sync_seeded_roles, migrations.RunPython.noop)]
