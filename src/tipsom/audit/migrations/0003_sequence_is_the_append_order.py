"""The audit chain without a lock, part 2: `sequence` becomes the append order (a stored column generated from the
autoincrement id, so writers need no lock to number an event), and the locked head row goes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_without_lock")]

    operations = [
        migrations.RemoveIndex(model_name="auditevent", name="audit_audit_organiz_dd545f_idx"),
        migrations.RemoveField(model_name="auditevent", name="sequence"),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.GeneratedField(
                db_persist=True, expression=models.F("id"), output_field=models.BigIntegerField(), unique=True
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["organization", "sequence"], name="audit_audit_organiz_dd545f_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("position__isnull", True)), fields=["id"], name="audit_event_unchained"
            ),
        ),
        migrations.DeleteModel(name="AuditChainHead"),
    ]
