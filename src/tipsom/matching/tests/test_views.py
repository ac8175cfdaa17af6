"""Matching's screens: the review queue and a pair (names masked, an audited reveal), decisions, a merge through
the screen and its undo restoring both persons exactly (issue 13, done-when 3), the choice of birth data, the jobs'
progress, access requests asked from the registration's candidates and answered, home widgets, audit words and the
reasons in words. Bad input to each form saves nothing."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.labels import label_events
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.cases.testing import make_case
from tipsom.core.labels import audit_action_label
from tipsom.core.registry import registry
from tipsom.matching.models import AccessRequest, CandidatePair, DedupeJob, PersonMerge
from tipsom.matching.selectors import candidate_token, match_check
from tipsom.matching.testing import make_pair, make_person
from tipsom.matching.tests.test_access import OLGA, OLHA, access_request, review_pair
from tipsom.matching.wording import public_reasons, reason_words
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person, PersonName

pytestmark = pytest.mark.django_db
QUEUE = reverse("matching:queue")


@pytest.fixture
def police(db: Any) -> Any:
    return make_organization("UA", name="National Police of Ukraine")


@pytest.fixture
def shelter(db: Any) -> Any:
    return make_organization("UA", name="Shelter of Hope")


@pytest.fixture
def committee(db: Any) -> Any:
    return make_organization("UA", name="National Committee")


@pytest.fixture
def reviewer(committee: Any) -> Any:
    return make_user(committee, roles=("registry_reviewer",), full_name="Iryna Reviewer")


@pytest.fixture
def client(reviewer: Any) -> Client:
    return sign_in(Client(), reviewer)


def _counts() -> tuple[int, ...]:
    return (
        PersonMerge.objects.count(),
        PersonMerge.objects.filter(undone_at__isnull=False).count(),
        AccessRequest.objects.count(),
        AccessRequest.objects.exclude(status=AccessRequest.Status.PENDING).count(),
        CandidatePair.objects.exclude(status=CandidatePair.Status.PROPOSED).count(),
        AuditEvent.objects.count(),
    )


def _state(person: Person) -> dict[str, Any]:
    """Everything a merge may touch of a person, to compare before and after an undo."""
    person.refresh_from_db()
    return {
        "fields": {
            name: getattr(person, name)
            for name in ("birth_date", "birth_date_precision", "birth_year", "is_presumed_minor", "merged_into_id")
        },
        "names": sorted(PersonName.objects.filter(person=person).values_list("pk", "kind", "name", "name_latin")),
        "cases": sorted(Case.objects.filter(person=person).values_list("pk", flat=True)),
    }


# --- The queue and a pair -------------------------------------------------------------------------------------------
def test_the_queue_lists_pairs_by_score_with_reasons_in_words_and_no_name(client: Client, police: Any) -> None:
    likely = review_pair(police)
    unlikely = make_pair(
        make_person(police, "Natalia Kuznetsova", birth_date="1990"),
        make_person(police, "Natalia Kovaleva", birth_date="1991"),
        probability=0.42,
        reasons={"levels": {"name": "similar", "birth_date": "year_pm1"}, "name": ["family_similar"]},
    )
    rejected = make_pair(
        make_person(police, "Iryna Bondar", birth_date="1985"),
        make_person(police, "Iryna Bondarenko", birth_date="1985"),
        probability=0.6,
        status=CandidatePair.Status.REJECTED,
    )
    response = client.get(QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    order = [int(pk) for pk in re.findall(r'data-pair="(\d+)"', html)]
    assert order == [likely.pk, unlikely.pk]  # the most likely first; a rejected pair is not to review
    assert "Birth date: one year apart" in html and "Family name: similar" in html
    for name in (OLGA, OLHA, "Kuznetsova", "Kovaleva"):
        assert name not in html
    assert [
        int(pk) for pk in re.findall(r'data-pair="(\d+)"', client.get(QUEUE, {"status": "rejected"}).content.decode())
    ] == [rejected.pk]
    assert len(re.findall(r'data-pair="', client.get(QUEUE, {"status": "any"}).content.decode())) == 3
    assert client.get(QUEUE, {"status": "maybe"}).status_code == 400


def test_the_pair_page_masks_both_persons_until_an_audited_reveal(client: Client, police: Any, shelter: Any) -> None:
    left = make_person(police, OLGA, birth_date="1999", citizenships=["UA"])
    right = make_person(shelter, OLHA, birth_date="1999")
    pair = make_pair(left, right)
    make_case(police, person_id=left.pk)
    html = client.get(reverse("matching:pair", kwargs={"pk": pair.pk})).content.decode()
    assert OLGA not in html and OLHA not in html
    assert "National Police of Ukraine" in html and "Shelter of Hope" in html and "Ukraine" in html
    assert html.count('class="reveal-form"') == 2 and f'hx-target="#identity-reveal-{left.pk}"' in html
    assert "Same person" in html and "Different persons" in html and 'name="survivor"' in html

    reveal = reverse("people:reveal", kwargs={"pk": left.pk})
    refused = client.post(reveal, {"reason": ""}, HTTP_HX_REQUEST="true")
    assert OLGA not in refused.content.decode()
    shown = client.post(reveal, {"reason": "Reviewing a possible duplicate"}, HTTP_HX_REQUEST="true")
    assert OLGA in shown.content.decode() and OLHA not in shown.content.decode()
    assert AuditEvent.objects.filter(action="reveal", object_type="people.person", object_id=str(left.pk)).exists()


def test_deciding_a_pair_and_refusals_that_save_nothing(client: Client, police: Any) -> None:
    pair = review_pair(police)
    url = reverse("matching:pair_decide", kwargs={"pk": pair.pk})
    before = _counts()
    for body, status in [
        ({"decision": "maybe", "version": pair.version}, 400),
        ({"decision": "confirmed"}, 400),
        ({"decision": "confirmed", "version": pair.version + 5}, 409),
    ]:
        response = client.post(url, body)
        assert response.status_code == status, body
        assert _counts() == before
    assert "Open the current version" in response.content.decode()
    response = client.post(url, {"decision": "rejected", "version": pair.version})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.REJECTED and pair.decided_by is not None
    assert AuditEvent.objects.filter(action="matching.pair_decide", object_id=str(pair.pk)).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "This pair will not be proposed again." in page


# --- Merge and undo through the screens (done-when 3) ---------------------------------------------------------------
def test_merge_and_undo_through_the_screens_restore_both_persons_exactly(
    client: Client, police: Any, shelter: Any
) -> None:
    first_case = make_case(
        police, person={"names": [{"name": OLGA}], "birth_date": "1999", "birth_date_precision": "year"}
    )
    second_case = make_case(
        shelter, person={"names": [{"name": OLHA}], "birth_date": "1999", "birth_date_precision": "year"}
    )
    olga, olha = first_case.person, second_case.person
    pair = make_pair(olga, olha)
    before = {olga.pk: _state(olga), olha.pk: _state(olha)}

    response = client.post(reverse("matching:pair_merge", kwargs={"pk": pair.pk}), {"survivor": olga.pk})
    assert response.status_code == 302 and response["Location"] == reverse("matching:merges")
    merge = PersonMerge.objects.get()
    assert (merge.survivor_id, merge.merged_id, merge.pair_id) == (olga.pk, olha.pk, pair.pk)
    assert set(Case.objects.filter(person=olga).values_list("pk", flat=True)) == {first_case.pk, second_case.pk}
    assert dict(PersonName.objects.filter(person=olga).values_list("name", "kind")) == {OLGA: "primary", OLHA: "alias"}
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.MERGED

    merges = client.get(reverse("matching:merges")).content.decode()
    assert f'data-merge="{merge.pk}"' in merges and "In force" in merges and OLHA not in merges
    undo = reverse("matching:merge_undo", kwargs={"pk": merge.pk})
    confirm = client.get(undo).content.decode()
    assert "Undo the merge" in confirm and "records that moved" in confirm
    assert PersonMerge.objects.get().undone_at is None  # the page only asks
    response = client.post(undo)
    assert response.status_code == 302
    assert {olga.pk: _state(olga), olha.pk: _state(olha)} == before
    assert "Undone" in client.get(reverse("matching:merges")).content.decode()
    assert client.post(undo).status_code == 400  # already undone: refused, nothing changes
    assert {olga.pk: _state(olga), olha.pk: _state(olha)} == before


def test_merging_persons_whose_birth_data_differ_asks_whose_to_keep(client: Client, police: Any, shelter: Any) -> None:
    olga = make_person(police, OLGA, birth_date="1999-03-04")
    olha = make_person(shelter, OLHA, birth_date="1999-04-03", is_presumed_minor=False)
    pair = make_pair(olga, olha)
    url = reverse("matching:pair_merge", kwargs={"pk": pair.pk})
    before = _counts()
    response = client.post(url, {"survivor": olga.pk})
    html = response.content.decode()
    assert response.status_code == 400 and _counts() == before
    assert 'name="birth_from"' in html and 'type="radio"' in html
    assert "Birth date" in html and "1999-03-04" not in html and "1999-04-03" not in html  # masked
    assert client.post(url, {"survivor": 10**9}).status_code == 400 and _counts() == before

    response = client.post(url, {"survivor": olga.pk, "birth_from": "merged", "differing": ["birth_date"]})
    assert response.status_code == 302
    olga.refresh_from_db()
    assert olga.birth_date == "1999-04-03"
    merge = PersonMerge.objects.get()
    client.post(reverse("matching:merge_undo", kwargs={"pk": merge.pk}))
    olga.refresh_from_db()
    assert olga.birth_date == "1999-03-04" and olga.birth_date_precision == "exact"


def test_a_merged_pair_offers_no_decision(client: Client, police: Any, reviewer: Any) -> None:
    from tipsom.matching.services import person_merge

    pair = review_pair(police)
    person_merge(actor=reviewer, survivor_id=pair.person_low_id, merged_id=pair.person_high_id, pair_id=pair.pk)
    html = client.get(reverse("matching:pair", kwargs={"pk": pair.pk})).content.decode()
    assert 'name="decision"' not in html and 'name="survivor"' not in html and "Merges of this pair" in html
    before = _counts()
    response = client.post(
        reverse("matching:pair_decide", kwargs={"pk": pair.pk}), {"decision": "rejected", "version": 99}
    )
    assert response.status_code in (400, 409) and _counts() == before


# --- Jobs -----------------------------------------------------------------------------------------------------------
def test_a_running_job_shows_its_progress_and_polls_every_two_seconds(client: Client) -> None:
    running = DedupeJob.objects.create(country="UA", threshold=0.9, step="predicting", done=250, total=1000)
    html = client.get(reverse("matching:jobs")).content.decode()
    assert 'hx-trigger="every 2s"' in html and "Scoring the pairs" in html
    assert f'data-job="{running.pk}"' in html and 'max="1000" value="250"' in html
    partial = client.get(reverse("matching:jobs"), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="matching-jobs"') and "<html" not in partial
    DedupeJob.objects.filter(pk=running.pk).update(
        status=DedupeJob.Status.DONE, step="done", done=1000, counts={"persons": 1000, "pairs_new": 7, "clusters": 3}
    )
    html = client.get(reverse("matching:jobs")).content.decode()
    assert "hx-trigger" not in html and "New pairs to review" in html and "Finished" in html
    other = DedupeJob.objects.create(country="BR", threshold=0.9)
    assert f'data-job="{other.pk}"' not in client.get(reverse("matching:jobs")).content.decode()


# --- Access requests ------------------------------------------------------------------------------------------------
def test_the_candidates_template_shows_visible_and_hidden_matches(police: Any, shelter: Any) -> None:
    """Done-when 1 on the screen: the second organization learns who holds a possible match, not who she is."""
    held = make_person(police, OLGA, birth_date="1999")
    worker = make_user(shelter, roles=("frontline_identifier",))
    check = match_check(user=worker, names=[OLHA], birth_date="1999", sex="F")
    html = render_to_string("matching/_candidates.html", {"check": check, "next": "/cases/register/?step=person"})
    assert "A possible match is held by <strong>National Police of Ukraine</strong>" in html
    assert (
        OLGA not in html and "use_person" not in html and reverse("people:detail", kwargs={"pk": held.pk}) not in html
    )
    assert 'name="token"' in html and 'name="next" value="/cases/register/?step=person"' in html
    assert "match_ack=1" in html  # a link without a form id

    officer = make_user(police, roles=("case_manager",))
    own = match_check(user=officer, names=[OLHA], birth_date="1999", sex="F")
    html = render_to_string("matching/_candidates.html", {"check": own, "next": "/x/", "form_id": "register-form"})
    assert f'name="use_person" value="{held.pk}"' in html and 'form="register-form"' in html
    assert 'name="match_ack" value="1"' in html and "Name: the same, in any script" in html
    assert 'name="token"' not in html


def test_asking_for_access_from_the_candidates_and_answering(police: Any, shelter: Any) -> None:
    held = make_person(police, OLGA, birth_date="1999")
    worker = make_user(shelter, roles=("frontline_identifier",), full_name="Oksana Worker")
    asker = sign_in(Client(), worker)
    token = match_check(user=worker, names=[OLHA], birth_date="1999").candidates[0].token
    create = reverse("matching:access_request_create")
    before = _counts()
    for body in (
        {"token": token, "reason": "", "next": "/cases/register/"},
        {"token": token, "reason": "\u202eevil", "next": "/cases/register/"},
        {"token": token + "x", "reason": "She is here", "next": "/cases/register/"},
        {"reason": "No token"},
    ):
        response = asker.post(create, body)
        assert response.status_code == 400, body
        assert _counts() == before
    assert "Say why your organization needs" in asker.post(create, {"token": token, "reason": ""}).content.decode()

    response = asker.post(create, {"token": token, "reason": "She is in our shelter.", "next": "https://evil.example/"})
    access = AccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "matching:access_request", kwargs={"pk": access.pk}
    )
    assert (access.person_id, access.holding_organization_id, access.requesting_organization_id) == (
        held.pk,
        police.pk,
        shelter.pk,
    )
    page = asker.get(response["Location"]).content.decode()
    assert "Not shared with your organization." in page and 'class="answer-form"' not in page
    assert asker.post(response["Location"], {"grant": "yes"}).status_code == 404  # the asker cannot answer

    holder = sign_in(Client(), make_user(police, roles=("case_manager",)))
    inbox = holder.get(reverse("matching:access_requests")).content.decode()
    assert f'data-request="{access.pk}"' in inbox and "Shelter of Hope" in inbox
    assert (
        f'data-request="{access.pk}"'
        not in holder.get(reverse("matching:access_requests"), {"box": "sent"}).content.decode()
    )
    url = reverse("matching:access_request", kwargs={"pk": access.pk})
    before = _counts()
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    for body in ({"grant": "maybe"}, {"grant": "yes", "until": yesterday}, {"grant": "yes", "until": "31/12/2030"}):
        assert holder.post(url, body).status_code == 400, body
        assert _counts() == before
    until = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = holder.post(url, {"grant": "yes", "until": until, "note": "For the referral."})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.status == AccessRequest.Status.GRANTED and str(access.grant_until) == until
    page = asker.get(url).content.decode()
    assert f'href="{reverse("people:detail", kwargs={"pk": held.pk})}"' in page and "For the referral." in page
    assert holder.post(url, {"grant": "no"}).status_code == 400  # already answered


def test_the_holders_home_page_and_menu_show_requests_to_answer(police: Any) -> None:
    access = access_request(police)
    holder = sign_in(Client(), make_user(police, roles=("case_manager",)))
    html = holder.get(reverse("home")).content.decode()
    assert 'data-widget="matching_access_requests"' in html and f'data-request="{access.pk}"' in html
    nav = re.search(r'href="/matching/requests/">Access requests <span class="badge[^"]*">(\d+)', html)
    assert nav is not None and nav.group(1) == "1"
    asker = sign_in(Client(), access.requested_by)
    assert 'data-widget="matching_access_requests"' not in asker.get(reverse("home")).content.decode()


def test_the_reviewers_home_page_counts_the_pairs_to_review(client: Client, police: Any) -> None:
    review_pair(police)
    html = client.get(reverse("home")).content.decode()
    assert 'data-widget="matching_duplicates"' in html and "1 pair waits for your review." in html
    assert f'href="{QUEUE}"' in html


# --- Audit words ----------------------------------------------------------------------------------------------------
def test_the_audit_screen_names_matching_records_and_actions(client: Client, police: Any, reviewer: Any) -> None:
    pair = review_pair(police)
    client.post(
        reverse("matching:pair_decide", kwargs={"pk": pair.pk}), {"decision": "confirmed", "version": pair.version}
    )
    access = access_request(police)
    events = list(AuditEvent.objects.filter(action__in=["matching.pair_decide", "matching.access_request"]))
    label_events(events)
    labels = {
        event.action: tuple(getattr(event, name) for name in ("action_label", "object_label", "object_url"))
        for event in events
    }
    assert labels["matching.pair_decide"] == (
        "Possible duplicate decided",
        f"Pair {pair.pk}",
        reverse("matching:pair", kwargs={"pk": pair.pk}),
    )
    assert labels["matching.access_request"][1:] == (
        f"Access request {access.pk}",
        reverse("matching:access_request", kwargs={"pk": access.pk}),
    )
    assert audit_action_label("person.merge") == "Persons merged"
    assert audit_action_label("matching.dedupe") == "Deduplication job run"
    finder = registry["audit_object_labels"]["matching.candidatepair"].find
    assert finder(f"pair {pair.pk}") == [str(pair.pk)] and finder(str(pair.pk)) == [] and finder("Merge 1") == []


# --- Lists cost the same whatever their length -------------------------------------------------------------------
def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_lists_read_a_fixed_number_of_queries(client: Client, police: Any, reviewer: Any) -> None:
    from tipsom.matching.services import person_merge

    def grow() -> None:
        pair = make_pair(
            make_person(police, "Natalia Kuznetsova", birth_date="1990"),
            make_person(police, "Natalia Kuznetsova", birth_date="1990"),
        )
        person_merge(actor=reviewer, survivor_id=pair.person_low_id, merged_id=pair.person_high_id)
        make_pair(make_person(police, "Iryna Bondar", birth_date="1985"), make_person(police, "Iryna Bondar"))
        access_request(police)

    grow()
    holder = sign_in(Client(), make_user(police, roles=("case_manager",)))
    urls = [(client, QUEUE), (client, reverse("matching:merges")), (holder, reverse("matching:access_requests"))]
    urls += [(client, reverse("api:matching-pair-list")), (holder, reverse("api:matching-access-request-list"))]
    first = [_queries(who, url) for who, url in urls]
    for _round in range(3):
        grow()
    assert [_queries(who, url) for who, url in urls] == first


# --- Reasons in words -----------------------------------------------------------------------------------------------
def test_reasons_in_words_from_the_check_and_from_a_batch_job() -> None:
    check = {
        "levels": {"name": "canonical", "birth_date": "year", "sex": "same", "citizenship": "null"},
        "weights": {"name": 7.9, "birth_date": 2.6},
        "name": ["scripts:Cyrl-Latn", "same_canonical:olga", "same_canonical:kovalenko", "dropped:patronymic"],
    }
    assert reason_words(check) == [
        "Name: the same names in another script or spelling (one part may be missing)",
        "Birth date: same year",
        "Sex: the same",
        "The names are written in two scripts: Cyrillic and Latin.",
        "Name parts are known to be one name in other scripts or spellings (as Olha and Ольга).",
        "One name has a part the other lacks: Patronymic.",
    ]
    batch = {"match_weight": 12.3, "name": "core", "birth_date": "year_conflict", "sex": "null", "weight_name": 8.1}
    assert reason_words(batch) == [
        "Name: the same without a patronymic, middle name or second family name",
        "Birth date: same year, another month",
    ]
    assert reason_words({"gamma_name": 3, "tf_name": 0.2, "name_l": "Olga", "levels": "x"}) == []
    assert reason_words(None) == [] and reason_words({"name": ["same_canonical:olga", "banana"]}) == [
        "Name parts are known to be one name in other scripts or spellings (as Olha and Ольга)."
    ]
    shown = public_reasons({**check, "given_name_l": "Ольга", "match_weight": 12.3})
    assert "olga" not in repr(shown).casefold() and "Ольга" not in repr(shown)
    assert shown["name"] == ["scripts", "same_canonical", "dropped"] and shown["match_weight"] == 12.3


def test_the_ask_form_of_the_candidates_posts_to_a_working_view(police: Any, shelter: Any) -> None:
    """The form of matching/_candidates.html, filled in as a user would, creates the request and comes back."""
    make_person(police, OLGA, birth_date="1999")
    worker = make_user(shelter, roles=("frontline_identifier",))
    check = match_check(user=worker, names=[OLHA], birth_date="1999")
    request = RequestFactory().get("/cases/register/")
    request.user = worker
    html = render_to_string("matching/_candidates.html", {"check": check, "next": "/cases/register/"}, request=request)
    form = re.search(r'<form method="post" action="([^"]+)".*?</form>', html, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="(token|next)" value="([^"]*)"', form.group(0)))
    response = sign_in(Client(), worker).post(form.group(1), {**fields, "reason": "She came to our shelter."})
    assert response.status_code == 302 and response["Location"] == "/cases/register/"
    assert AccessRequest.objects.filter(requested_by=worker).count() == 1
    assert candidate_token(user=worker, person_id=1)  # tokens are per user: another user's would be refused
