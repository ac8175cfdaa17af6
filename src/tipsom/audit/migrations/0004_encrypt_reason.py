"""An audit event's reason is free text that may name people (why an identity was revealed, why consent was
overridden, why a case moves): encrypted at rest (decisions/0006-text-columns.md). The events' hashes cover the
plain text, so sealing the stored value changes no hash; going back opens the values again."""

from django.db import migrations

import tipsom.audit.models
from tipsom.core import crypto

CONTEXT = "audit_auditevent.reason"


def _opened(value: str) -> str | None:
    """The plain text of a sealed value, or None when the value is plain text."""
    try:
        return crypto.decrypt(value, context=CONTEXT)
    except crypto.DecryptionError:
        return None


def _convert(apps, schema_editor, *, seal: bool) -> None:
    # The historical model has a plain manager: the append-only guard of AuditEventQuerySet is the live model's.
    events = apps.get_model("audit", "AuditEvent")._base_manager
    for pk, value in events.exclude(reason="").values_list("pk", "reason").iterator():
        opened = _opened(value)
        if seal and opened is None:
            events.filter(pk=pk).update(reason=crypto.encrypt(value, context=CONTEXT))
        elif not seal and opened is not None:
            events.filter(pk=pk).update(reason=opened)


def seal_reasons(apps, schema_editor) -> None:
    _convert(apps, schema_editor, seal=True)


def open_reasons(apps, schema_editor) -> None:
    _convert(apps, schema_editor, seal=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_sequence_is_the_append_order")]

    operations = [
        migrations.RunPython(seal_reasons, open_reasons),
        migrations.AlterField(
            model_name="auditevent",
            name="reason",
            field=tipsom.audit.models.SealedReasonField(),
        ),
    ]
