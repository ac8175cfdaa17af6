"""Gives the person-registry permissions (accounts/data/roles.json) to the roles that work with victims."""

from django.db import migrations

from tipsom.accounts.roles import sync_seeded_roles


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("accounts", "0002_seed_roles")]

    operations = [migrations.RunPython(sync_seeded_roles, migrations.RunPython.noop)]
