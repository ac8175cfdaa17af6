"""The audit log: appended in the caller's transaction without a lock, chained and signed by the linker, and
verifiable: a changed, removed, reordered or truncated event, a rewritten chain and a forged head are all named,
and so is a linker that lags. Runs on SQLite and on PostgreSQL (TIPSOM_TEST_DATABASE_URL)."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from tipsom.accounts.testing import make_user
from tipsom.audit.models import GENESIS_HASH, UNREADABLE, AuditEvent, AuditHead, AuditLogIsAppendOnly, chain_link
from tipsom.audit.selectors import audit_chain_verify
from tipsom.audit.services import audit_chain_link, audit_record
from tipsom.core import crypto
from tipsom.core.context import action_context
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db
NO_WAIT = timedelta(0)


REASON_CONTEXT = "audit_auditevent.reason"  # the column an encrypted reason is bound to


def _events(count: int, actor=None) -> list[AuditEvent]:
    return [audit_record(actor=actor, action="test.event", object_type="x.y", object_id=i) for i in range(count)]


def _link(**kwargs):
    return audit_chain_link(gap_wait=kwargs.pop("gap_wait", NO_WAIT), **kwargs)


def _chained(count: int) -> list[AuditEvent]:
    _events(count)
    _link()
    return list(AuditEvent.objects.order_by("position"))


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_appending_takes_no_chain_state_and_the_linker_chains_in_append_order():
    events = _events(3)
    assert [e.sequence for e in events] == [e.pk for e in events] == sorted(e.pk for e in events)
    for event in events:
        event.refresh_from_db()
        assert (event.position, event.chain_hash, event.prev_hash, event.version) == (None, "", "", 2)
        assert event.hash == hashlib.sha256(event.canonical_payload()).hexdigest()
    assert audit_chain_verify().pending == 3

    result = _link()
    assert (result.linked, result.position, result.waiting) == (3, 3, 0)
    chained = list(AuditEvent.objects.order_by("position"))
    assert [e.pk for e in chained] == [e.pk for e in events]
    assert [e.position for e in chained] == [1, 2, 3]
    assert chained[0].chain_hash == chain_link(GENESIS_HASH, chained[0].hash)
    assert chained[2].chain_hash == chain_link(chained[1].chain_hash, chained[2].hash)
    head = AuditHead.objects.get()
    assert (head.position, head.chain_hash) == (3, chained[2].chain_hash) and head.signature_holds()
    report = audit_chain_verify()
    assert report.intact and (report.checked, report.heads, report.pending) == (3, 1, 0)
    assert not report.lagging


def test_the_linker_continues_the_chain_and_only_signs_when_something_changed():
    _chained(2)
    now = timezone.now()
    assert _link(now=now).head is None  # nothing new, newest head recent: no new head
    _events(2)
    result = _link()
    assert (result.linked, result.position) == (2, 4) and result.head is not None
    assert list(AuditHead.objects.order_by("id").values_list("position", flat=True)) == [2, 4]
    later = now + timedelta(hours=1)
    heartbeat = _link(now=later).head  # a quiet log still gets a fresh head
    assert heartbeat is not None and heartbeat.position == 4 and heartbeat.signed_at == later
    assert audit_chain_verify(now=later).intact


def test_event_records_context_actor_and_organization():
    user = make_user(make_organization("BR"))
    with action_context(request_id="req-12345678", ip="10.1.2.3", channel="api"):
        event = audit_record(actor=user, action="thing.do", target=user, changes={"a": 1}, reason="because")
    event.refresh_from_db()
    assert (event.actor, event.organization_id, event.request_id, event.ip, event.channel) == (
        user,
        user.organization_id,
        "req-12345678",
        "10.1.2.3",
        "api",
    )
    assert (event.object_type, event.object_id, event.reason) == ("accounts.user", str(user.pk), "because")


def test_event_rolls_back_with_the_change():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.event")
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == 0
    assert _link().linked == 0
    assert audit_chain_verify().intact


def test_no_code_path_edits_or_deletes_events_or_heads():
    (event,) = _chained(1)
    event.reason = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    head = AuditHead.objects.get()
    with pytest.raises(AuditLogIsAppendOnly):
        head.save()
    with pytest.raises(AuditLogIsAppendOnly):
        head.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditHead.objects.update(position=0)
    with pytest.raises(AuditLogIsAppendOnly):
        AuditHead.objects.all().delete()


# --- The linker and gaps ------------------------------------------------------------------------------------
def test_the_linker_waits_at_a_young_gap_and_passes_it_once_it_is_old():
    _chained(2)
    waiting = _events(3)
    # The first waiting id is missing, as if its transaction were still open (or had rolled back).
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [waiting[0].pk])
    written = waiting[1].created_at
    result = _link(gap_wait=timedelta(seconds=30), now=written + timedelta(seconds=5))
    assert (result.linked, result.position, result.waiting) == (0, 2, 2)
    result = _link(gap_wait=timedelta(seconds=30), now=written + timedelta(seconds=31))
    assert (result.linked, result.position, result.waiting) == (2, 4, 0)
    assert list(AuditEvent.objects.order_by("position").values_list("id", flat=True))[2:] == [
        waiting[1].pk,
        waiting[2].pk,
    ]
    assert audit_chain_verify(now=written + timedelta(seconds=31)).intact


def test_an_event_changed_before_it_was_chained_is_named_before_and_after_linking():
    events = _events(3)
    _sql("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["slipped in", events[1].pk])
    report = audit_chain_verify()
    assert not report.intact and "not chained yet" in report.problem and str(events[1].pk) in report.problem
    # The linker chains the hash the writer stored: the change stays visible, and the chain does not stall on it.
    result = _link()
    assert (result.linked, result.waiting) == (3, 0)
    report = audit_chain_verify()
    assert not report.intact and report.broken_sequence == 2 and "altered" in report.problem


# --- Tampering with chained events --------------------------------------------------------------------------
def test_a_row_changed_by_hand_is_named():
    _chained(5)
    _sql("UPDATE audit_auditevent SET reason = %s WHERE position = %s", ["covered up", 3])
    report = audit_chain_verify()
    assert not report.intact and report.broken_sequence == 3
    assert "altered" in report.problem


def test_a_sealed_reason_replaced_by_hand_is_named_not_a_crash():
    """Without the keyring a forger can only write a value that does not open: it reads as unreadable text, which
    no hash covers, so the event is named as altered (and the reasons stay sealed in the database)."""
    events = _chained(3)
    _sql("UPDATE audit_auditevent SET reason = %s WHERE position = %s", ["enc1:k0:garbage", 2])
    assert AuditEvent.objects.get(pk=events[1].pk).reason.startswith(UNREADABLE)
    report = audit_chain_verify()
    assert not report.intact and report.broken_sequence == 2 and "altered" in report.problem


def test_a_row_deleted_by_hand_is_named():
    _chained(5)
    _sql("DELETE FROM audit_auditevent WHERE position = %s", [2])
    report = audit_chain_verify()
    assert report.broken_sequence == 2 and "missing" in report.problem


def test_rows_reordered_by_hand_are_named():
    _chained(5)
    _sql("UPDATE audit_auditevent SET position = 100 WHERE position = 2", [])
    _sql("UPDATE audit_auditevent SET position = 2 WHERE position = 3", [])
    _sql("UPDATE audit_auditevent SET position = 3 WHERE position = 100", [])
    report = audit_chain_verify()
    assert report.broken_sequence == 2 and "does not link" in report.problem


def test_a_rehashed_forgery_breaks_its_link():
    events = _chained(3)
    forged = events[1]
    forged.reason = "forged"
    # The forger holds the keyring too: the reason is sealed as the application would (decisions/0006).
    _sql(
        "UPDATE audit_auditevent SET reason = %s, hash = %s WHERE position = %s",
        [crypto.encrypt("forged", context=REASON_CONTEXT), forged.compute_hash(), 2],
    )
    report = audit_chain_verify()
    assert report.broken_sequence == 2 and "link" in report.problem


def test_a_rewritten_chain_is_caught_by_the_signed_head():
    """Whoever can write to the database can recompute every hash, but cannot sign a head without the keyring."""
    events = _chained(4)
    chain = events[0].chain_hash
    for event in events[1:]:
        event.reason = "rewritten"
        event.hash = event.compute_hash()
        chain = chain_link(chain, event.hash)
        _sql(
            "UPDATE audit_auditevent SET reason = %s, hash = %s, chain_hash = %s WHERE id = %s",
            [crypto.encrypt("rewritten", context=REASON_CONTEXT), event.hash, chain, event.pk],
        )
    report = audit_chain_verify()
    assert not report.intact and report.broken_sequence == 1 and "rewritten" in report.problem
    assert "#4" in report.problem


def test_a_forged_head_is_named():
    _chained(3)
    head = AuditHead.objects.get()
    _sql("UPDATE audit_audithead SET position = 2 WHERE id = %s", [head.pk])
    report = audit_chain_verify()
    assert report.broken_sequence == 2 and "wrong signature" in report.problem


def test_the_newest_rows_deleted_by_hand_are_detected():
    _chained(4)
    _sql("DELETE FROM audit_auditevent WHERE position >= %s", [3])
    report = audit_chain_verify()
    assert not report.intact and report.broken_sequence == 3 and "removed" in report.problem


def test_newest_rows_deleted_with_their_heads_show_as_a_stale_head():
    _chained(2)
    first_head = AuditHead.objects.get()
    _events(2)
    _link()
    _sql("DELETE FROM audit_auditevent WHERE position >= %s", [3])
    _sql("DELETE FROM audit_audithead WHERE id <> %s", [first_head.pk])
    assert audit_chain_verify().intact  # what is left is consistent ...
    later = first_head.signed_at + timedelta(seconds=301)
    with override_settings(TIPSOM_AUDIT_CHAIN_MAX_LAG=300):
        report = audit_chain_verify(now=later)
    assert report.lagging and report.head_age == timedelta(seconds=301)  # ... but its newest head is too old


# --- The unchained window and the command -------------------------------------------------------------------
@override_settings(TIPSOM_AUDIT_CHAIN_MAX_LAG=300)
def test_verify_reports_the_unchained_window():
    _chained(2)
    waiting = _events(3)
    report = audit_chain_verify(now=waiting[0].created_at + timedelta(seconds=60))
    assert report.intact and (report.checked, report.pending) == (2, 3)
    assert report.oldest_pending_at == waiting[0].created_at
    assert report.pending_age == timedelta(seconds=60) and not report.lagging
    report = audit_chain_verify(now=waiting[0].created_at + timedelta(seconds=301))
    assert report.intact and report.lagging


@override_settings(TIPSOM_AUDIT_CHAIN_GAP_WAIT=0, TIPSOM_AUDIT_CHAIN_MAX_LAG=300)
def test_verify_command_exit_codes(capsys):
    _events(3)
    call_command("audit", "chain")
    assert "Chained 3 events" in capsys.readouterr().out
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "intact: 3 events verified against 1 signed heads" in out and "no events waiting to be chained" in out

    waiting = _events(2)
    old = waiting[0].created_at - timedelta(seconds=400)
    _sql("UPDATE audit_auditevent SET created_at = %s WHERE id = %s", [old, waiting[0].pk])
    _sql("UPDATE audit_auditevent SET hash = %s WHERE id = %s", [_rehashed(waiting[0].pk), waiting[0].pk])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "lags: 2 events not chained yet, the oldest 40" in captured.err
    assert "Chained 2 events" in captured.out  # then it chained them
    call_command("audit", "verify", "--no-link")
    assert "intact: 5 events" in capsys.readouterr().out

    _sql("UPDATE audit_auditevent SET action = %s WHERE position = %s", ["x", 2])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert "#2" in capsys.readouterr().err


def _rehashed(pk: int) -> str:
    return AuditEvent.objects.get(pk=pk).compute_hash()


def test_identifying_values_never_reach_the_log():
    from tipsom.accounts.models import Role
    from tipsom.accounts.services import user_create

    organization = make_organization("BR")
    user = user_create(
        actor=None,
        username="ana",
        full_name="Ana Teste",
        password="a long enough passphrase 42",
        organization=organization,
        roles=list(Role.objects.filter(slug="case_manager")),
        phone="+5565911112222",
    )
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert "911112222" not in str(event.changes)
    assert event.changes["phone"] == "[identifying]"
    assert event.channel in {"process", "command", "web", "api"}


# --- Events written under the head-row lock (before migration 0002) ------------------------------------------
def _legacy_payload(values: dict) -> bytes:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@pytest.mark.django_db(transaction=True)
def test_events_of_the_locked_design_verify_after_the_migration():
    """Migrate back to the locked design, write its events the way its code did, migrate forward: they verify,
    keep their hashes, and a change made to one before the upgrade is still found."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0001_initial")])
    try:
        old_apps = executor.loader.project_state([("audit", "0001_initial")]).apps
        OldEvent = old_apps.get_model("audit", "AuditEvent")
        OldHead = old_apps.get_model("audit", "AuditChainHead")
        prev = GENESIS_HASH
        written = timezone.now()
        for sequence in range(1, 5):
            values = {
                "sequence": sequence,
                "created_at": written.isoformat(timespec="microseconds"),
                "actor": None,
                "actor_label": "system:command",
                "organization": None,
                "action": "old.event",
                "object_type": "x.y",
                "object_id": str(sequence),
                "changes": {"n": sequence},
                "reason": "",
                "request_id": "",
                "channel": "command",
                "ip": None,
                "prev_hash": prev,
            }
            digest = hashlib.sha256(_legacy_payload(values)).hexdigest()
            OldEvent.objects.create(
                sequence=sequence,
                created_at=written,
                actor_label="system:command",
                action="old.event",
                object_type="x.y",
                object_id=str(sequence),
                changes={"n": sequence},
                channel="command",
                prev_hash=prev,
                hash=digest,
            )
            prev = digest
        OldHead.objects.create(id=1, sequence=4, hash=prev)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        events = list(AuditEvent.objects.order_by("position"))
        assert [(e.position, e.version) for e in events] == [(1, 1), (2, 1), (3, 1), (4, 1)]
        assert events[-1].hash == prev
        legacy_head = AuditHead.objects.get()
        assert (legacy_head.key_id, legacy_head.position, legacy_head.chain_hash) == (
            "legacy",
            4,
            events[-1].chain_hash,
        )
        report = audit_chain_verify(now=written)
        assert report.intact and (report.checked, report.heads) == (4, 1)

        audit_record(actor=None, action="new.event")  # the new design carries on from the old chain
        result = _link()
        assert (result.linked, result.position) == (1, 5)
        assert audit_chain_verify().intact

        _sql("UPDATE audit_auditevent SET reason = %s WHERE position = %s", ["changed", 2])
        report = audit_chain_verify()
        assert report.broken_sequence == 2 and "altered" in report.problem
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_tail_removed_before_the_migration_is_still_detected():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0001_initial")])
    try:
        old_apps = executor.loader.project_state([("audit", "0001_initial")]).apps
        OldEvent = old_apps.get_model("audit", "AuditEvent")
        OldHead = old_apps.get_model("audit", "AuditChainHead")
        written = timezone.now()
        values = {
            "sequence": 1,
            "created_at": written.isoformat(timespec="microseconds"),
            "actor": None,
            "actor_label": "x",
            "organization": None,
            "action": "old.event",
            "object_type": "",
            "object_id": "",
            "changes": {},
            "reason": "",
            "request_id": "",
            "channel": "",
            "ip": None,
            "prev_hash": GENESIS_HASH,
        }
        digest = hashlib.sha256(_legacy_payload(values)).hexdigest()
        OldEvent.objects.create(
            sequence=1, created_at=written, actor_label="x", action="old.event", prev_hash=GENESIS_HASH, hash=digest
        )
        OldHead.objects.create(id=1, sequence=2, hash="f" * 64)  # event #2 was deleted before the upgrade
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        report = audit_chain_verify(now=written)
        assert not report.intact and report.broken_sequence == 2 and "removed" in report.problem
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
