"""The quality review: every rule and refusal of reviewing a contact (closed, about something, of the helpline,
taken by someone else, once; corrected by its author), the sample (each operator's share and minimum, the same draw
again, another on asking; never the supervisor's own, an open, a non-data or another helpline's contact), the
reviews by operator, and what an operator sees of the reviews of their own contacts; the screens."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.helpline import selectors_review as reads
from tipsom.helpline.models import Contact, ContactReview
from tipsom.helpline.services import contact_close
from tipsom.helpline.services import review as services
from tipsom.helpline.testing import make_contact, make_helpline, make_operator, make_supervisor

COMMENTS = "Asked about the debt, but not whether the boy is safe tonight."
GOOD = {"greeting": True, "screening": True, "safety": False}


def _closed(operator: Any, **fields: Any) -> Contact:
    contact = make_contact(actor=operator, **fields)
    return contact_close(actor=operator, contact_id=contact.pk)


def _name(item: Any) -> str:
    return getattr(item.operator, "full_name", "")


def _review(supervisor: Any, contact: Contact, **fields: Any) -> ContactReview:
    data: dict[str, Any] = {"score": 4, "criteria": GOOD, "comments": COMMENTS, **fields}
    return services.contact_review_create(actor=supervisor, contact_id=contact.pk, **data)


# --- Reviewing ----------------------------------------------------------------------------------------------------
def test_a_supervisor_reviews_a_closed_contact(operator, supervisor):
    contact = _closed(operator)
    review = _review(supervisor, contact, follow_up_needed=True)
    assert (review.score, review.criteria, review.follow_up_needed) == (4, GOOD, True)
    assert review.owner_organization_id == operator.organization_id and review.created_by == supervisor
    assert ContactReview.objects.get(pk=review.pk).comments == COMMENTS
    event = AuditEvent.objects.get(action="helpline.review.create")
    assert event.changes == {
        "contact": contact.pk,
        "score": 4,
        "criteria": GOOD,
        "follow_up_needed": True,
        "comments": "[identifying]",
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"score": None}, "score"),
        ({"score": 0}, "score"),
        ({"score": 6}, "score"),
        ({"score": "four"}, "score"),
        ({"criteria": {"kindness": True}}, "criteria"),
        ({"criteria": {"greeting": "yes"}}, "criteria"),
        ({"criteria": ["greeting"]}, "criteria"),
        ({"comments": "x" * 2001}, "comments"),
        ({"follow_up_needed": "maybe"}, "follow_up_needed"),
    ],
)
def test_bad_input_is_refused_with_its_field(operator, supervisor, fields, field):
    contact = _closed(operator)
    with pytest.raises(ApplicationError) as caught:
        _review(supervisor, contact, **fields)
    assert field in caught.value.extra["fields"]
    assert not ContactReview.objects.exists() and not AuditEvent.objects.filter(action__startswith="helpline.review")


def test_what_cannot_be_reviewed(operator, supervisor, helpline):
    open_contact = make_contact(actor=operator)
    silent = make_contact(actor=operator, contact_type="silent", caller_role="")  # closed at once
    own = _closed(supervisor)
    for contact, code in ((open_contact, "contact_open"), (silent, "non_data_contact"), (own, "own_contact")):
        with pytest.raises(ApplicationError) as caught:
            _review(supervisor, contact)
        assert caught.value.code == code
    elsewhere = _closed(make_operator(make_helpline("PK")))
    with pytest.raises(NotFound):
        _review(supervisor, elsewhere)
    assert not ContactReview.objects.exists()


def test_who_may_not_review(operator, helpline):
    contact = _closed(operator)
    for user in (operator, make_user(helpline, roles=("me_officer",)), make_user(helpline)):
        with pytest.raises(NotFound):
            _review(user, contact)
    assert not ContactReview.objects.exists()


def test_one_review_per_contact_corrected_by_its_author(operator, supervisor, helpline):
    contact = _closed(operator)
    review = _review(supervisor, contact)
    other = make_supervisor(helpline)
    with pytest.raises(Conflict) as caught:
        _review(other, contact)
    assert caught.value.extra == {"review": review.pk}
    with pytest.raises(ApplicationError) as refused:
        services.contact_review_update(actor=other, review_id=review.pk, score=1)
    assert refused.value.status_code == 403
    with pytest.raises(Conflict):
        services.contact_review_update(actor=supervisor, review_id=review.pk, version=review.version + 1, score=1)
    with pytest.raises(ApplicationError):
        services.contact_review_update(actor=supervisor, review_id=review.pk, colour="red")
    corrected = services.contact_review_update(actor=supervisor, review_id=review.pk, version=review.version, score=2)
    assert (corrected.score, corrected.criteria, corrected.comments) == (2, GOOD, COMMENTS)
    assert corrected.version == review.version + 1
    assert AuditEvent.objects.get(action="helpline.review.update").changes["score"] == 2


# --- The sample ---------------------------------------------------------------------------------------------------
@pytest.fixture
def month(helpline, supervisor):
    """Three operators' closed contacts of the last days: 30, 10 and 1, with contacts that never count."""
    operators = [make_operator(helpline, full_name=f"Operator {n}") for n in ("A", "B", "C")]
    now = timezone.now()
    for operator, count in zip(operators, (30, 10, 1), strict=True):
        for n in range(count):
            _closed(operator, started_at=now - datetime.timedelta(days=n % 20, hours=1))
    make_contact(actor=operators[0])  # open
    make_contact(actor=operators[0], contact_type="hang_up", caller_role="")  # non-data
    _closed(supervisor)  # the supervisor's own
    _closed(operators[0], started_at=now - datetime.timedelta(days=60))  # before the period
    _closed(make_operator(make_helpline("PK")))  # another helpline's
    return operators


def _sample(supervisor: Any, **kwargs: Any) -> reads.ReviewSample:
    today = timezone.localdate()
    return reads.review_sample(user=supervisor, date_from=today - datetime.timedelta(days=29), date_to=today, **kwargs)


def test_the_sample_takes_a_share_of_each_operator_with_a_minimum(supervisor, month):
    sample = _sample(supervisor)
    by_name = {_name(group): group for group in sample.operators}
    assert set(by_name) == {"Operator A", "Operator B", "Operator C"}
    assert [(by_name[n].closed, len(by_name[n].entries)) for n in sorted(by_name)] == [(30, 2), (10, 2), (1, 1)]
    sampled = [entry.contact for group in sample.operators for entry in group.entries]
    assert all(c.status == "closed" and c.is_data and c.created_by_id != supervisor.pk for c in sampled)
    assert {c.owner_organization_id for c in sampled} == {supervisor.organization_id}
    bigger = _sample(supervisor, share=0.5, minimum=0)
    assert [len(g.entries) for g in sorted(bigger.operators, key=lambda g: _name(g))] == [15, 5, 1]


def test_the_same_draw_comes_back_and_another_on_asking(supervisor, month):
    first = [e.contact.pk for g in _sample(supervisor, share=0.3).operators for e in g.entries]
    assert first == [e.contact.pk for g in _sample(supervisor, share=0.3).operators for e in g.entries]
    others = [[e.contact.pk for g in _sample(supervisor, share=0.3, draw=n).operators for e in g.entries]
              for n in range(1, 4)]  # fmt: skip
    assert any(other != first for other in others)


def test_reviews_show_in_the_sample_and_by_operator(supervisor, month):
    sample = _sample(supervisor, share=1.0)
    group = next(g for g in sample.operators if _name(g) == "Operator B")
    for entry, score in zip(group.entries[:4], (5, 4, 3, 2), strict=True):
        criteria = {"greeting": True, "safety": score > 3}
        _review(supervisor, entry.contact, score=score, criteria=criteria, follow_up_needed=score < 3)
    again = _sample(supervisor, share=1.0)
    assert again.reviewed == 4 and again.size == 41
    today = timezone.localdate()
    [row] = reads.review_summary(user=supervisor, date_from=today - datetime.timedelta(days=29), date_to=today)
    assert _name(row) == "Operator B" and row.reviews == 4 and row.mean_score == 3.5
    assert row.criteria["greeting"] == 1.0 and row.criteria["safety"] == 0.5 and row.criteria["record"] is None
    assert row.follow_ups == 1
    assert row.criteria_shares == [1.0, None, 0.5, None, None]


def test_an_operator_sees_the_reviews_of_their_own_contacts_only(helpline, supervisor, operator):
    mine = _review(supervisor, _closed(operator))
    colleague = make_operator(helpline)
    _review(supervisor, _closed(colleague))
    assert list(reads.review_list(user=operator)) == [mine]
    assert len(reads.review_list(user=supervisor)) == 2
    assert list(reads.review_list(user=supervisor, operator_id=operator.pk)) == [mine]
    assert not reads.review_list(user=make_user(helpline, roles=("me_officer",))).exists()


# --- Screens ------------------------------------------------------------------------------------------------------
def test_the_review_screens(supervisor, operator, month):
    client = sign_in(Client(), supervisor)
    page = client.get(reverse("helpline:reviews"))
    assert page.status_code == 200 and page.content.count(b"data-sampled=") == 5
    contact = _sample(supervisor).operators[0].entries[0].contact
    url = reverse("helpline:review_contact", kwargs={"pk": contact.pk})
    screen = client.get(url)
    assert screen.status_code == 200 and b'name="criterion_safety"' in screen.content
    refused = client.post(url, {"score": "9"})
    assert refused.status_code == 400 and not ContactReview.objects.exists()
    done = client.post(url, {"score": "3", "criterion_greeting": "yes", "criterion_safety": "no", "comments": COMMENTS})
    assert done.status_code == 302
    review = ContactReview.objects.get()
    assert review.criteria == {"greeting": True, "safety": False} and review.score == 3
    correction = {"score": "4", "version": review.version, "criterion_greeting": "yes", "comments": COMMENTS}
    corrected = client.post(url, correction)
    assert corrected.status_code == 302 and ContactReview.objects.get().score == 4
    bad_period = client.get(reverse("helpline:reviews"), {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert bad_period.status_code == 400
    # The operator whose contact it was reads it among the reviews of their contacts.
    operator_page = sign_in(Client(), User.objects.get(pk=contact.created_by_id)).get(reverse("helpline:review_list"))
    assert operator_page.status_code == 200 and COMMENTS.encode() in operator_page.content
    other_page = sign_in(Client(), operator).get(reverse("helpline:review_list"))
    assert COMMENTS.encode() not in other_page.content


def test_an_operator_cannot_open_the_review_screens(operator):
    client = sign_in(Client(), operator)
    assert client.get(reverse("helpline:reviews")).status_code == 404
    contact = _closed(make_operator(operator.organization))
    assert client.get(reverse("helpline:review_contact", kwargs={"pk": contact.pk})).status_code == 404
