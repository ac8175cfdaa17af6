from django.db import migrations

from tipsom.accounts.roles import sync_seeded_roles


class Migration(migrations.Migration):
    """stats.view.national covers the victims cube (stats.victimcount) too."""

    dependencies = [("stats", "0003_victim_count")]

    operations = [migrations.RunPython(sync_seeded_roles, migrations.RunPython.noop)]
