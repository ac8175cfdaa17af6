"""A supervisor's approval or rejection comment is free text about a victim: encrypted at rest like the decision's
basis (decisions/0006-text-columns.md). Existing comments are sealed in place; going back opens them again."""

from django.db import migrations, models

import tipsom.core.fields
from tipsom.core import crypto

TABLES = {"statusdecision": "cases_statusdecision", "closurerequest": "cases_closurerequest"}


def _opened(value: str, context: str) -> str | None:
    """The plain text of a sealed value, or None when the value is plain text."""
    try:
        return crypto.decrypt(value, context=context)
    except crypto.DecryptionError:
        return None


def _convert(apps, schema_editor, *, seal: bool) -> None:
    for model_name, table in TABLES.items():
        model = apps.get_model("cases", model_name)
        context = f"{table}.approval_comment"
        rows = model._base_manager.exclude(approval_comment="").values_list("pk", "approval_comment")
        for pk, value in rows.iterator():
            opened = _opened(value, context)
            if seal and opened is None:
                value = crypto.encrypt(value, context=context)
            elif not seal and opened is not None:
                value = opened
            else:
                continue
            model._base_manager.filter(pk=pk).update(approval_comment=value)


def seal_comments(apps, schema_editor) -> None:
    _convert(apps, schema_editor, seal=True)


def open_comments(apps, schema_editor) -> None:
    _convert(apps, schema_editor, seal=False)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_permissions")]

    operations = [
        # Plain text first, so the stored values can be rewritten sealed, then the encrypted field.
        migrations.AlterField(
            model_name="statusdecision",
            name="approval_comment",
            field=models.TextField(blank=True, default="", verbose_name="approval comment"),
        ),
        migrations.AlterField(
            model_name="closurerequest",
            name="approval_comment",
            field=models.TextField(blank=True, default="", verbose_name="approval comment"),
        ),
        migrations.RunPython(seal_comments, open_comments),
        migrations.AlterField(
            model_name="statusdecision",
            name="approval_comment",
            field=tipsom.core.fields.EncryptedTextField(verbose_name="approval comment"),
        ),
        migrations.AlterField(
            model_name="closurerequest",
            name="approval_comment",
            field=tipsom.core.fields.EncryptedTextField(verbose_name="approval comment"),
        ),
    ]
