"""The shared cache's table (API throttles and sign-in counters, seen by every worker process), created here so
that `tipsom migrate` suffices; the per-user failure columns it replaces go (accounts.lockout counts per username
and client address, whether or not the user exists)."""

from django.core.management import call_command
from django.db import migrations

SHARED_CACHE_TABLE = "tipsom_shared_cache"  # settings.CACHES["shared"]["LOCATION"]


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", SHARED_CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(SHARED_CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_seed_roles")]

    operations = [
        migrations.RunPython(create_cache_table, drop_cache_table),
        migrations.RemoveField(model_name="user", name="failed_login_count"),
        migrations.RemoveField(model_name="user", name="last_failed_login"),
        migrations.RemoveField(model_name="user", name="locked_until"),
    ]
