"""The audit log: written in the caller's transaction, append-only, hash-chained, verifiable."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent, AuditLogIsAppendOnly
from tipsom.audit.selectors import audit_chain_verify
from tipsom.audit.services import audit_record
from tipsom.core.context import action_context
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def _events(count: int, actor=None) -> list[AuditEvent]:
    return [audit_record(actor=actor, action="test.event", object_type="x.y", object_id=i) for i in range(count)]


def test_events_link_into_a_chain():
    events = _events(3)
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash
    assert [e.sequence for e in events] == [1, 2, 3]
    assert audit_chain_verify().intact


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
    assert audit_chain_verify().intact


def test_no_code_path_edits_or_deletes_events():
    (event,) = _events(1)
    event.reason = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_row_changed_by_hand_is_named():
    _events(5)
    _sql("UPDATE audit_auditevent SET reason = %s WHERE sequence = %s", ["covered up", 3])
    report = audit_chain_verify()
    assert not report.intact and report.broken_sequence == 3
    assert "altered" in report.problem


def test_a_row_deleted_by_hand_is_named():
    _events(5)
    _sql("DELETE FROM audit_auditevent WHERE sequence = %s", [2])
    report = audit_chain_verify()
    assert report.broken_sequence == 2 and "missing" in report.problem


def test_the_newest_rows_deleted_by_hand_are_detected():
    _events(4)
    _sql("DELETE FROM audit_auditevent WHERE sequence >= %s", [3])
    report = audit_chain_verify()
    assert not report.intact and report.broken_sequence == 3


def test_a_rehashed_forgery_still_breaks_the_next_link():
    events = _events(3)
    forged = events[1]
    forged.reason = "forged"
    _sql("UPDATE audit_auditevent SET reason = %s, hash = %s WHERE sequence = %s", ["forged", forged.compute_hash(), 2])
    report = audit_chain_verify()
    assert report.broken_sequence == 3 and "link" in report.problem


def test_verify_command_exit_codes(capsys):
    _events(3)
    call_command("audit", "verify")
    assert "intact: 3 events" in capsys.readouterr().out
    _sql("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["x", 2])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert "#2" in capsys.readouterr().err


def test_identifying_values_never_reach_the_log():
    from tipsom.accounts.models import Role
    from tipsom.accounts.services import user_create

    organization = make_organization("BR")
    user = user_create(
        actor=None, username="ana", full_name="Ana Teste", password="a long enough passphrase 42",
        organization=organization, roles=list(Role.objects.filter(slug="case_manager")), phone="+5565911112222",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert "911112222" not in str(event.changes)
    assert event.changes["phone"] == "[identifying]"
    assert event.channel in {"process", "command", "web", "api"}
