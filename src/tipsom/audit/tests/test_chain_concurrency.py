"""Audited writes from several threads at once (PostgreSQL only: SQLite has a single writer): none waits for the
others on a chain head, none is lost, and the linker chains every committed event exactly once, also one whose
transaction commits after events with higher ids were chained."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from tipsom.audit.models import AuditEvent
from tipsom.audit.selectors import audit_chain_verify
from tipsom.audit.services import audit_chain_link, audit_record

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()


def test_concurrent_writers_and_linkers_chain_every_committed_event_once() -> None:
    writers, per_writer = 6, 25
    barrier = threading.Barrier(writers + 1)
    failures: list[BaseException] = []
    committed: list[int] = [audit_record(actor=None, action="test.before").pk]
    audit_chain_link(gap_wait=timedelta(0))  # the chain's tail: from here the linker follows the ids

    def write(number: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                try:
                    with transaction.atomic():
                        event = audit_record(actor=None, action="test.concurrent", object_id=f"{number}-{i}")
                        if i % 5 == 4:
                            raise RuntimeError("rolled back")  # leaves a gap in the ids
                    committed.append(event.pk)
                except RuntimeError:
                    pass
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    def link() -> None:  # a linker running while the writers write (gaps may still be open transactions)
        try:
            barrier.wait()
            for _ in range(10):
                audit_chain_link(gap_wait=timedelta(seconds=30))
        except BaseException as error:  # noqa: BLE001
            failures.append(error)
        finally:
            connection.close()

    _run([threading.Thread(target=write, args=(n,)) for n in range(writers)] + [threading.Thread(target=link)])
    assert not failures
    assert len(committed) == 1 + writers * per_writer * 4 // 5
    audit_chain_link(gap_wait=timedelta(0))  # the gaps left are rollbacks: pass them
    rows = list(AuditEvent.objects.order_by("position").values_list("id", "position"))
    assert sorted(pk for pk, _ in rows) == sorted(committed)
    assert [position for _, position in rows] == list(range(1, len(committed) + 1))
    report = audit_chain_verify()
    assert report.intact and report.checked == len(committed) and report.pending == 0


def test_an_event_committed_after_higher_ids_were_chained_is_chained_later_not_lost() -> None:
    holding = threading.Event()
    release = threading.Event()
    failures: list[BaseException] = []
    late: list[Any] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                late.append(audit_record(actor=None, action="test.slow"))
                holding.set()
                assert release.wait(timeout=30)
        except BaseException as error:  # noqa: BLE001
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert holding.wait(timeout=30)
    quick = audit_record(actor=None, action="test.quick")  # a higher id, committed first
    assert quick.pk > late[0].pk
    # A young gap: the linker waits for the open transaction.
    assert audit_chain_link(gap_wait=timedelta(seconds=30)).linked == 0
    # The gap is taken for a rollback (as after the gap wait): the quick event is chained first.
    assert audit_chain_link(gap_wait=timedelta(0)).linked == 1
    release.set()
    thread.join(timeout=30)
    assert not failures
    result = audit_chain_link(gap_wait=timedelta(seconds=30))
    assert (result.linked, result.position) == (1, 2)
    assert list(AuditEvent.objects.order_by("position").values_list("id", flat=True)) == [quick.pk, late[0].pk]
    assert audit_chain_verify().intact


def test_the_linker_waits_for_an_open_transaction_and_keeps_append_order() -> None:
    holding = threading.Event()
    release = threading.Event()
    failures: list[BaseException] = []
    late: list[Any] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                late.append(audit_record(actor=None, action="test.slow"))
                holding.set()
                assert release.wait(timeout=30)
        except BaseException as error:  # noqa: BLE001
            failures.append(error)
        finally:
            connection.close()

    first = audit_record(actor=None, action="test.first")
    assert audit_chain_link(gap_wait=timedelta(0)).linked == 1
    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert holding.wait(timeout=30)
    after = audit_record(actor=None, action="test.after")
    assert audit_chain_link(gap_wait=timedelta(seconds=30)).linked == 0  # the gap before `after` is young
    release.set()
    thread.join(timeout=30)
    assert not failures
    assert audit_chain_link(gap_wait=timedelta(seconds=30)).linked == 2
    ids = list(AuditEvent.objects.order_by("position").values_list("id", flat=True))
    assert ids == [first.pk, late[0].pk, after.pk]
    assert audit_chain_verify().intact
