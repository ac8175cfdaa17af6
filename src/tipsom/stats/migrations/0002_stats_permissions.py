from django.db import migrations

from tipsom.accounts.roles import sync_seeded_roles


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial"), ("accounts", "0003_shared_cache_sign_in_limits")]

    operations = [migrations.RunPython(sync_seeded_roles, migrations.RunPython.noop)]
