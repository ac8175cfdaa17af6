from django.db import migrations

from tipsom.accounts.roles import sync_seeded_roles


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(sync_seeded_roles, migrations.RunPython.noop)]
