"""The programme's reference numbering (services/references.py), shared by activities and grants."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Activity, Grant
from tipsom.programme.services.references import reference_next
from tipsom.programme.testing import make_activity, make_grant

pytestmark = pytest.mark.django_db


def test_numbering_is_per_kind_country_and_year_and_padded() -> None:
    office = make_organization(country="CO")
    with transaction.atomic():
        assert reference_next(Activity, kind="ACT", country="CO", year=2018, digits=6) == "CO-ACT-2018-000001"
    make_activity(office, reference="CO-ACT-2018-000041")
    make_activity(office, reference="CO-ACT-2017-000900")
    with transaction.atomic():
        assert reference_next(Activity, kind="ACT", country="CO", year=2018, digits=6) == "CO-ACT-2018-000042"
        assert reference_next(Activity, kind="ACT", country="BR", year=2018, digits=6) == "BR-ACT-2018-000001"
        assert reference_next(Grant, kind="GR", country="CO", year=2018, digits=4) == "CO-GR-2018-0001"


def test_a_number_that_outgrew_its_padding_still_counts_as_the_highest() -> None:
    office = make_organization(country="CO")
    grantee = make_organization(country="CO")
    make_grant(office, grantee, reference="CO-GR-2020-9999")
    make_grant(office, grantee, reference="CO-GR-2020-10000")
    with transaction.atomic():
        assert reference_next(Grant, kind="GR", country="CO", year=2020, digits=4) == "CO-GR-2020-10001"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_second_writer_waits_for_the_first_grant_reference_to_be_saved() -> None:
    """B asks for the next grant reference while A holds one it has not saved yet: B waits on the lock until A
    commits, then gets the number after A's (without the lock both would take 0001)."""
    office = make_organization(country="CO")
    grantee = make_organization(country="CO")
    taken = threading.Event()
    references: dict[str, str] = {}
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                references["a"] = reference_next(Grant, kind="GR", country="CO", year=2020, digits=4)
                taken.set()
                # Hold the lock until B is seen waiting for it (bounded: 10 s), then save.
                for _ in range(1000):
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                        if cursor.fetchone()[0]:
                            break
                    threading.Event().wait(0.01)
                make_grant(office, grantee, reference=references["a"])
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            taken.set()
            connection.close()

    def second() -> None:
        try:
            taken.wait(10)
            with transaction.atomic():
                references["b"] = reference_next(Grant, kind="GR", country="CO", year=2020, digits=4)
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert references == {"a": "CO-GR-2020-0001", "b": "CO-GR-2020-0002"}
