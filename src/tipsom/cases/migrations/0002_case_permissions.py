"""Gives the case permissions (accounts/data/roles.json) to the roles that work on cases; adds the supervisor."""

from django.db import migrations

from tipsom.accounts.roles import sync_seeded_roles


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("people", "0002_person_permissions")]

    operations = [migrations.RunPython(sync_seeded_roles, migrations.RunPython.noop)]
