"""Matching's services on a real database: keys that follow the registry, the registration check (issue 13,
done-when 1 and 2), merges undone exactly (done-when 3), access requests, review decisions."""

from __future__ import annotations

from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.cases.testing import make_case
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.matching import services
from tipsom.matching.models import AccessRequest, CandidatePair, MatchKey, PersonMerge
from tipsom.matching.selectors import match_check
from tipsom.matching.testing import make_pair, make_person
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person, PersonName
from tipsom.people.selectors import person_list
from tipsom.people.services import person_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(db: Any) -> Any:
    return make_organization("UA", name="National Police")


@pytest.fixture
def shelter(db: Any) -> Any:
    return make_organization("UA", name="Shelter of Hope")


@pytest.fixture
def reviewer(db: Any) -> Any:
    return make_user(make_organization("UA", name="National Committee"), roles=("registry_reviewer",))


def _state(person: Person) -> dict[str, Any]:
    """Everything a merge may touch of a person, to compare before and after an undo."""
    person.refresh_from_db()
    return {
        "fields": {
            name: getattr(person, name)
            for name in ("birth_date", "birth_date_precision", "birth_year", "is_presumed_minor", "merged_into_id")
        },
        "names": sorted(PersonName.objects.filter(person=person).values_list("pk", "kind", "name")),
        "cases": sorted(Case.objects.filter(person=person).values_list("pk", flat=True)),
        "keys": MatchKey.objects.filter(person=person).count(),
    }


def test_keys_are_written_with_the_person_and_follow_a_changed_name(police: Any) -> None:
    person = make_person(police, "Ольга Коваленко", birth_date="1999")
    keys = set(MatchKey.objects.filter(person=person).values_list("key", flat=True))
    assert keys and set(MatchKey.objects.filter(person=person).values_list("birth_year", flat=True)) == {1999}
    assert not any("олга" in key or "kovalenko" in key for key in keys)  # keyed hashes only
    actor = make_user(police, roles=("case_manager",))
    person_update(actor=actor, person_id=person.pk, version=person.version, names=[{"name": "Ірина Бондар"}])
    assert set(MatchKey.objects.filter(person=person).values_list("key", flat=True)).isdisjoint(keys)


def test_second_organization_is_told_who_holds_a_possible_match_without_her_identity(police: Any, shelter: Any) -> None:
    """Done-when 1: "Ольга Коваленко" born 1999 at one organization, "Olha Kovalenko" born 1999 at another."""
    held = make_person(police, "Ольга Коваленко", birth_date="1999")
    worker = make_user(shelter, roles=("frontline_identifier",))
    result = match_check(user=worker, names=["Olha Kovalenko"], birth_date="1999", sex="F")
    assert len(result.candidates) == 1
    candidate = result.candidates[0]
    assert not candidate.visible and candidate.person_id is None and candidate.birth_year is None
    assert candidate.organization_name == "National Police" and candidate.token
    assert not any(part in repr(candidate.reasons).casefold() for part in ("olga", "olha", "kovalenko", "ольга"))
    officer = make_user(police, roles=("case_manager",))
    own = match_check(user=officer, names=["Olha Kovalenko"], birth_date="1999", sex="F").candidates
    assert own[0].visible and own[0].person_id == held.pk and own[0].token == ""


def test_the_same_arabic_name_in_latin_letters_is_proposed_and_another_name_is_not(police: Any) -> None:
    """Done-when 2."""
    mohamed = make_person(police, "محمد عبد الرحمن", birth_date="1990", gender="Masculine")
    officer = make_user(police, roles=("case_manager",))
    same = match_check(user=officer, names=["Mohamed Abdelrahman"], birth_date="1990", sex="M").candidates
    assert [c.person_id for c in same] == [mohamed.pk]
    assert same[0].reasons["levels"]["name"] in ("exact", "canonical")
    other = match_check(user=officer, names=["Mahmoud Abdelrahim"], birth_date="1990", sex="M").candidates
    assert other == []


def test_registering_despite_a_likely_match_puts_the_pair_in_the_review_queue(police: Any, shelter: Any) -> None:
    first = make_person(police, "Ольга Коваленко", birth_date="1999")
    second = make_person(shelter, "Olha Kovalenko", birth_date="1999")
    pair = CandidatePair.objects.get()
    assert {pair.person_low_id, pair.person_high_id} == {first.pk, second.pk}
    assert pair.source == CandidatePair.Source.CHECK and pair.probability >= 0.5
    make_person(shelter, "Iryna Bondar", birth_date="1985")
    assert CandidatePair.objects.count() == 1


def test_merge_moves_everything_and_undo_restores_both_exactly(police: Any, shelter: Any, reviewer: Any) -> None:
    """Done-when 3, at the service level: cases, names and birth data come back as they were."""
    first_case = make_case(
        police,
        person={"names": [{"name": "Ольга Коваленко"}], "birth_date": "1999-03-04", "birth_date_precision": "exact"},
    )
    second_case = make_case(
        shelter,
        person={"names": [{"name": "Olha Kovalenko"}], "birth_date": "1999-04-03", "birth_date_precision": "exact"},
    )
    survivor, merged = first_case.person, second_case.person
    before = {survivor.pk: _state(survivor), merged.pk: _state(merged)}
    with pytest.raises(ApplicationError) as refused:
        services.person_merge(actor=reviewer, survivor_id=survivor.pk, merged_id=merged.pk)
    assert refused.value.code == "merge_choice_required" and "birth_date" in refused.value.extra["fields"]
    assert not PersonMerge.objects.exists()

    record = services.person_merge(actor=reviewer, survivor_id=survivor.pk, merged_id=merged.pk, birth_from="merged")
    survivor.refresh_from_db()
    merged.refresh_from_db()
    assert merged.merged_into_id == survivor.pk and survivor.birth_date == "1999-04-03"
    assert set(Case.objects.filter(person=survivor).values_list("pk", flat=True)) == {first_case.pk, second_case.pk}
    kinds = dict(PersonName.objects.filter(person=survivor).values_list("name", "kind"))
    assert kinds == {"Ольга Коваленко": "primary", "Olha Kovalenko": "alias"}
    assert not person_list(user=reviewer).filter(pk=merged.pk).exists()
    assert AuditEvent.objects.filter(action="person.merge", object_id=str(survivor.pk)).exists()

    services.person_merge_undo(actor=reviewer, merge_id=record.pk)
    assert {survivor.pk: _state(survivor), merged.pk: _state(merged)} == before
    assert AuditEvent.objects.filter(action="person.unmerge").count() == 1
    with pytest.raises(ApplicationError) as again:
        services.person_merge_undo(actor=reviewer, merge_id=record.pk)
    assert again.value.code == "merge_undone"


def test_merges_that_are_refused(police: Any, reviewer: Any) -> None:
    one = make_person(police, "Olha Kovalenko", birth_date="1999")
    two = make_person(police, "Ольга Коваленко", birth_date="1999")
    abroad = make_person(make_organization("BR"), "Olga Kovalenko", birth_date="1999")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"survivor_id": one.pk, "merged_id": one.pk}, "merge_self"),
        ({"survivor_id": one.pk, "merged_id": 10**9}, "not_found"),
        ({"survivor_id": one.pk, "merged_id": "x"}, "not_found"),
    ]
    for arguments, code in cases:
        with pytest.raises(ApplicationError) as refused:
            services.person_merge(actor=reviewer, **arguments)
        assert refused.value.code == code, arguments
    # A person of another country is outside a national reviewer's scope: as if it did not exist.
    with pytest.raises(NotFound):
        services.person_merge(actor=reviewer, survivor_id=one.pk, merged_id=abroad.pk)
    brazilian = make_user(make_organization("BR"), roles=("registry_reviewer",))
    with pytest.raises(NotFound):
        services.person_merge(actor=brazilian, survivor_id=one.pk, merged_id=abroad.pk)
    case_manager = make_user(police, roles=("case_manager",))
    with pytest.raises(ApplicationError):
        services.person_merge(actor=case_manager, survivor_id=one.pk, merged_id=two.pk)
    services.person_merge(actor=reviewer, survivor_id=one.pk, merged_id=two.pk)
    with pytest.raises(ApplicationError) as merged:
        services.person_merge(actor=reviewer, survivor_id=two.pk, merged_id=one.pk)
    assert merged.value.code == "merge_merged"
    assert PersonMerge.objects.count() == 1


def test_an_earlier_merge_is_undone_only_after_a_later_one(police: Any, reviewer: Any) -> None:
    a, b, c = (
        make_person(police, name, birth_date="1999") for name in ("Olha Kovalenko", "Ольга Коваленко", "Olga Kovalenko")
    )
    first = services.person_merge(actor=reviewer, survivor_id=a.pk, merged_id=b.pk)
    second = services.person_merge(actor=reviewer, survivor_id=a.pk, merged_id=c.pk)
    with pytest.raises(ApplicationError) as refused:
        services.person_merge_undo(actor=reviewer, merge_id=first.pk)
    assert refused.value.code == "merge_later"
    services.person_merge_undo(actor=reviewer, merge_id=second.pk)
    services.person_merge_undo(actor=reviewer, merge_id=first.pk)
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_two_suspects_of_one_criminal_case_cannot_be_merged_into_one(police: Any, reviewer: Any) -> None:
    from tipsom.justice.testing import make_criminal_case, make_suspect

    criminal_case = make_criminal_case(police)
    one = make_suspect(criminal_case).person
    two = make_suspect(criminal_case).person
    with pytest.raises(ApplicationError) as refused:
        services.person_merge(actor=reviewer, survivor_id=one.pk, merged_id=two.pk)
    assert refused.value.code == "merge_conflict"
    assert not PersonMerge.objects.exists() and Person.objects.get(pk=two.pk).merged_into_id is None


def test_access_request_is_granted_by_the_holder_and_then_the_person_is_seen(police: Any, shelter: Any) -> None:
    held = make_person(police, "Ольга Коваленко", birth_date="1999")
    worker = make_user(shelter, roles=("frontline_identifier",))
    token = match_check(user=worker, names=["Olha Kovalenko"], birth_date="1999").candidates[0].token
    for bad, code in [("", "invalid"), ("   ", "invalid")]:
        with pytest.raises(ApplicationError) as refused:
            services.access_request_create(actor=worker, token=token, reason=bad)
        assert refused.value.code == code
    with pytest.raises(ApplicationError) as forged:
        services.access_request_create(actor=worker, token=token + "x", reason="She is in our shelter")
    assert forged.value.code == "invalid_token"
    stranger = make_user(shelter, roles=("frontline_identifier",))
    with pytest.raises(ApplicationError):
        services.access_request_create(actor=stranger, token=token, reason="Another user's token")
    assert not AccessRequest.objects.exists()

    request = services.access_request_create(actor=worker, token=token, reason="She is in our shelter")
    with pytest.raises(ApplicationError):
        services.access_request_create(actor=worker, token=token, reason="Twice")
    assert not person_list(user=worker).filter(pk=held.pk).exists()
    with pytest.raises(NotFound):  # the asker cannot answer its own request
        services.access_request_answer(actor=worker, request_id=request.pk, grant=True)
    holder = make_user(police, roles=("case_manager",))
    with pytest.raises(ApplicationError) as past:
        services.access_request_answer(actor=holder, request_id=request.pk, grant=True, until="2000-01-01")
    assert past.value.code == "invalid"
    services.access_request_answer(actor=holder, request_id=request.pk, grant=True, note="Yes")
    assert person_list(user=worker).filter(pk=held.pk).exists()
    assert AuditEvent.objects.filter(action="matching.access_answer").count() == 1
    with pytest.raises(ApplicationError) as answered:
        services.access_request_answer(actor=holder, request_id=request.pk, grant=False)
    assert answered.value.code == "answered"


def test_a_rejected_pair_is_not_proposed_again(police: Any, reviewer: Any) -> None:
    one = make_person(police, "Natalia Kuznetsova", birth_date="1990")
    two = make_person(police, "Natalia Kuznetsova", birth_date="1990-05")
    pair = make_pair(one, two)
    with pytest.raises(ApplicationError):
        services.pair_decide(actor=reviewer, pair_id=pair.pk, decision="maybe")
    services.pair_decide(actor=reviewer, pair_id=pair.pk, decision="rejected", version=pair.version)
    from tipsom.matching.models import DedupeJob

    job = DedupeJob.objects.create(country="UA", threshold=0.9)
    rows = [{"id_l": str(two.pk), "id_r": str(one.pk), "probability": 0.99}]
    counts = services.pairs_store(job=job, pairs=_Rows(rows), clusters={})
    assert counts["pairs_new"] == 0 and counts["pairs_decided_before"] == 1
    assert CandidatePair.objects.get(pk=pair.pk).status == CandidatePair.Status.REJECTED


class _Rows(list):  # what pairs_store reads of a data frame: itertuples
    def itertuples(self, index: bool = False) -> Any:
        from collections import namedtuple

        for row in self:
            yield namedtuple("Row", row.keys())(**row)


def test_the_statistics_count_a_merged_person_once(police: Any, reviewer: Any) -> None:
    """Two suspects of two criminal cases, registered twice by two units, are one person after the merge."""
    import datetime

    from tipsom.justice.selectors.stats import justice_stats
    from tipsom.justice.testing import make_criminal_case, make_suspect

    year = timezone_year()
    contact = datetime.date(year, 2, 1)
    person = {"gender": "Masculine", "citizenships": ["UA"], "birth_date": "1980", "birth_date_precision": "year"}
    one = make_suspect(
        make_criminal_case(police), person={**person, "names": [{"name": "Петро Шевчук"}]}, formal_contact_on=contact
    )
    two = make_suspect(
        make_criminal_case(police), person={**person, "names": [{"name": "Petro Shevchuk"}]}, formal_contact_on=contact
    )
    rapporteur = make_user(police, roles=("national_rapporteur",))

    def contacted() -> Any:
        stats = justice_stats(user=rapporteur, year=year)
        return next(stage for stage in stats.stages if stage.stage == "formal_contact").total.value

    assert contacted() == 2
    record = services.person_merge(actor=reviewer, survivor_id=one.person_id, merged_id=two.person_id)
    assert contacted() == 1
    services.person_merge_undo(actor=reviewer, merge_id=record.pk)
    assert contacted() == 2


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def test_the_merged_record_says_where_its_cases_went(police: Any, reviewer: Any, client: Any) -> None:
    from tipsom.accounts.testing import sign_in

    one = make_person(police, "Olha Kovalenko", birth_date="1999")
    two = make_person(police, "Ольга Коваленко", birth_date="1999")
    services.person_merge(actor=reviewer, survivor_id=one.pk, merged_id=two.pk)
    page = sign_in(client, reviewer).get(f"/people/{two.pk}/")
    assert page.status_code == 200
    assert f"This record was merged into Person {one.pk}" in page.content.decode()


def test_a_typo_in_one_word_is_found_through_the_word_and_the_exact_birth_date(police: Any) -> None:
    """No pair of words is shared ("Kovalenko" / "Kobalenko"), but one word with the birth date (day and month
    swapped) is: the pair is in one block and scored."""
    from tipsom.matching.keys import KIND_DATE, forms_of, keys_of

    held = make_person(police, "Olha Kovalenko", birth_date="1999-03-04")
    assert MatchKey.objects.filter(person=held, kind=KIND_DATE).count() == 4  # 2 words x the date both ways
    query = forms_of(["Olha Kobalenko"])
    shared = {key for kind, key in keys_of(query, "1999-04-03") if kind == KIND_DATE}
    assert shared & set(MatchKey.objects.filter(person=held).values_list("key", flat=True))
    assert not {key for kind, key in keys_of(query, "1999") if kind == KIND_DATE}  # a year alone gives none
    officer = make_user(police, roles=("case_manager",))
    found = match_check(user=officer, names=["Olha Kobalenko"], birth_date="1999-04-03", sex="F").candidates
    assert [candidate.person_id for candidate in found] == [held.pk]
