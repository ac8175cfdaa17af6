"""The audit chain without a lock (docs/decisions/0004-audit-chain.md), part 1: the new columns, the signed heads,
and the events written under the head-row lock carried into the new chain.

Every existing event keeps its hash (version 1: it covered the event's number and the previous event's hash) and
its number becomes its chain position; its chain hash is SHA-256(previous chain hash || its hash), as the linker
computes it for new events. Nothing is re-hashed, so an event changed before the upgrade still fails
`tipsom audit verify` afterwards. The old head row becomes an unsigned "legacy" head at the position it recorded,
so a tail removed before the upgrade is still detected; `tipsom audit chain` signs the first real head.
"""

import hashlib

from django.db import migrations, models
from django.utils import timezone

GENESIS_HASH = "0" * 64
BATCH = 2000


def _link(previous: str, event_hash: str) -> str:
    return hashlib.sha256(bytes.fromhex(previous) + bytes.fromhex(event_hash)).hexdigest()


def chain_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditHead = apps.get_model("audit", "AuditHead")
    old_head = AuditChainHead.objects.filter(id=1).first()
    chain = GENESIS_HASH
    chain_at_head = GENESIS_HASH if old_head is None or old_head.sequence == 0 else ""
    last = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(sequence__gt=last).order_by("sequence").only("id", "sequence", "hash")[:BATCH]
        )
        if not batch:
            break
        for event in batch:
            try:
                chain = _link(chain, event.hash)
            except ValueError:  # a hash that is not hex was put there by hand: the chain breaks here
                chain = hashlib.sha256((chain + event.hash).encode()).hexdigest()
            event.position, event.version, event.chain_hash = event.sequence, 1, chain
            if old_head is not None and event.sequence == old_head.sequence and event.hash == old_head.hash:
                chain_at_head = chain
        AuditEvent.objects.bulk_update(batch, ["position", "version", "chain_hash"])
        last = batch[-1].sequence
    if old_head is not None and old_head.sequence > 0:
        # Empty chain hash when the old head did not match its event: verify then reports the chain as broken.
        AuditHead.objects.create(
            position=old_head.sequence, chain_hash=chain_at_head, signed_at=timezone.now(), key_id="legacy"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveBigIntegerField(db_index=True)),
                ("chain_hash", models.CharField(max_length=64)),
                ("signed_at", models.DateTimeField()),
                ("key_id", models.CharField(max_length=20)),
                ("signature", models.CharField(blank=True, max_length=64)),
            ],
            options={"verbose_name": "signed audit chain head", "ordering": ["-id"]},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="position",
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="version",
            field=models.PositiveSmallIntegerField(default=2, editable=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop, elidable=False),
    ]
