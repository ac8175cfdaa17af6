"""The API throttles' counters (core.api.throttling): one row per throttle and client, a table without a model
because only one upsert statement reads and writes it. On PostgreSQL the table is UNLOGGED: no write-ahead log to
flush at each request's hit (a crash empties it, and counts start again)."""

from django.db import migrations

COLUMNS = (
    "(key varchar(200) NOT NULL PRIMARY KEY, window_start bigint NOT NULL, hits integer NOT NULL, "
    "previous_hits integer NOT NULL)"
)


def create_table(apps, schema_editor):
    unlogged = "UNLOGGED " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE {unlogged}TABLE tipsom_rate_counter {COLUMNS}")


def drop_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE tipsom_rate_counter")


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [migrations.RunPython(create_table, drop_table)]
