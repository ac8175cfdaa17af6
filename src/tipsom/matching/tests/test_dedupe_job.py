"""The deduplication job over a country's registry (`tipsom match dedupe --country`): pairs and clusters in the
review queue, progress kept on the job, decided pairs left as they are, incremental runs, audited."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.matching import services
from tipsom.matching.models import CandidatePair, DedupeJob
from tipsom.matching.testing import make_person
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Ольга Коваленко", "1999-03-04", "Feminine"),
    ("Olha Kovalenko", "1999-03-04", "Feminine"),
    ("Ірина Бондаренко", "1985-07-21", "Feminine"),
    ("Petro Shevchuk", "1978-11-02", "Masculine"),
    ("Андрій Мельник", "1990-01-15", "Masculine"),
    ("Oksana Tkachenko", "2001-09-30", "Feminine"),
    ("Mykola Kravchenko", "1969-05-05", "Masculine"),
    ("Світлана Бойко", "1995-12-12", "Feminine"),
]


@pytest.fixture
def registry(db: Any, settings: Any) -> dict[str, Any]:
    settings.TIPSOM_MATCH_REVIEW_THRESHOLD = 1.1  # no pair from the registration: the job is what is measured here
    police, shelter = make_organization("UA", name="Police"), make_organization("UA", name="Shelter")
    persons = [
        make_person(police if index % 2 == 0 else shelter, name, birth_date=birth, gender=gender)
        for index, (name, birth, gender) in enumerate(PEOPLE)
    ]
    make_person(make_organization("BY"), "Olga Kovalenko", birth_date="1999-03-04")  # another country: not compared
    return {"persons": persons}


def test_the_command_puts_the_registry_duplicates_in_the_review_queue(registry: dict[str, Any]) -> None:
    olha, olga = registry["persons"][:2]
    assert not CandidatePair.objects.exists()
    out, err = io.StringIO(), io.StringIO()
    call_command("match", "dedupe", "--country", "ua", stdout=out, stderr=err)
    job = DedupeJob.objects.get()
    assert job.status == DedupeJob.Status.DONE and job.country == "UA" and job.counts["persons"] == 8
    assert job.done == job.total and job.finished_at is not None
    pairs = list(CandidatePair.objects.all())
    assert [(pair.person_low_id, pair.person_high_id) for pair in pairs] == [(olha.pk, olga.pk)]
    assert pairs[0].job == job and pairs[0].cluster is not None and pairs[0].cluster.size == 2
    assert pairs[0].probability >= 0.5 and pairs[0].reasons
    assert "%" in err.getvalue()  # the progress bar
    assert AuditEvent.objects.filter(action="matching.dedupe", object_id=str(job.pk)).exists()

    # A pair the reviewer called different is not proposed again by the next job.
    reviewer = make_user(make_organization("UA"), roles=("registry_reviewer",))
    services.pair_decide(actor=reviewer, pair_id=pairs[0].pk, decision="rejected", version=pairs[0].version)
    call_command("match", "dedupe", "--country", "UA", stdout=io.StringIO(), stderr=io.StringIO())
    assert CandidatePair.objects.get().status == CandidatePair.Status.REJECTED
    assert DedupeJob.objects.latest("started_at").counts["pairs_decided_before"] == 1


def test_an_incremental_job_compares_the_new_persons_with_the_rest(registry: dict[str, Any]) -> None:
    call_command("match", "dedupe", "--country", "UA", stdout=io.StringIO(), stderr=io.StringIO())
    CandidatePair.objects.all().delete()
    newcomer = make_person(make_organization("UA"), "Irina Bondarenko", birth_date="1985-07-21")
    call_command("match", "dedupe", "--country", "UA", "--incremental", stdout=io.StringIO(), stderr=io.StringIO())
    job = DedupeJob.objects.latest("started_at")
    assert job.mode == DedupeJob.Mode.INCREMENTAL
    pairs = {(pair.person_low_id, pair.person_high_id) for pair in CandidatePair.objects.all()}
    iryna = registry["persons"][2]
    assert pairs == {(iryna.pk, newcomer.pk)}  # Olha's pair, old on both sides, is not looked at again


def test_the_command_refuses_what_it_cannot_do(registry: dict[str, Any]) -> None:
    from django.core.management.base import CommandError

    for arguments in (["dedupe"], ["dedupe", "--country", "UA", "--threshold", "2"]):
        with pytest.raises((CommandError, SystemExit)):
            call_command("match", *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert not DedupeJob.objects.exists()
