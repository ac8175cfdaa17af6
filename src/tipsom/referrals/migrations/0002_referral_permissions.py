"""Gives the referral and service-directory permissions (accounts/data/roles.json) to the roles that use them."""

from django.db import migrations

from tipsom.accounts.roles import sync_seeded_roles


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial"), ("cases", "0002_case_permissions")]

    operations = [migrations.RunPython(sync_seeded_roles, migrations.RunPython.noop)]
