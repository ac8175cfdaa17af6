"""When two users accept the same referral at the same moment, exactly one succeeds; the other gets a 409 and
nothing of theirs is written."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization
from tipsom.referrals import services
from tipsom.referrals.models import Referral, State
from tipsom.referrals.tests.test_api_referrals import client_for, post, receiver_of, referral_url, send_referral


def _accepts(referral: Referral) -> int:
    return AuditEvent.objects.filter(action="referral.accept", object_id=str(referral.pk)).count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_receivers_accepting_at_once_exactly_one_succeeds() -> None:
    referral = send_referral(make_organization("BR"), make_organization("BR"))
    clients = [client_for(receiver_of(referral)) for _ in range(2)]
    barrier = threading.Barrier(len(clients))
    answers: list[Any] = []
    failures: list[BaseException] = []

    def accept(client: Any) -> None:
        try:
            barrier.wait()
            response = post(client, referral_url(referral, "accept"), {"version": referral.version})
            answers.append((response.status_code, response.json()["code"] if response.status_code != 200 else ""))
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert sorted(status for status, _code in answers) == [200, 409], answers
    # The loser either read the row after the winner committed (stale version) or lost the conditional UPDATE.
    assert [code for status, code in answers if status == 409][0] in ("conflict", "invalid_transition")
    row = Referral.objects.get(pk=referral.pk)
    assert (row.state, row.version) == (State.ACCEPTED, referral.version + 1)
    assert _accepts(referral) == 1


@pytest.mark.django_db
def test_a_second_accept_with_the_same_version_is_refused() -> None:
    referral = send_referral(make_organization("BR"), make_organization("BR"))
    first, second = receiver_of(referral), receiver_of(referral)
    services.referral_accept(actor=first, referral_id=referral.pk, version=referral.version)
    events = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as refused:
        services.referral_accept(actor=second, referral_id=referral.pk, version=referral.version)
    assert refused.value.status_code == 409 and refused.value.code == "conflict"
    assert refused.value.extra == {"current_version": referral.version + 1}
    row = Referral.objects.get(pk=referral.pk)
    assert (row.state, row.version, row.responded_by_id) == (State.ACCEPTED, referral.version + 1, first.pk)
    assert AuditEvent.objects.count() == events and _accepts(referral) == 1
