"""Reads of the quality review: the sample of a period's closed contacts a supervisor reviews (drawn at random, the
same draw again on every visit), the reviews by operator, and the reviews an operator sees of their own contacts.
Nothing here decrypts a caller's value; a review's comments are read only where a review is shown."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.core.fields import encrypted_fields
from tipsom.core.permissions import access_by_id, require_permission, user_can
from tipsom.helpline.models import NON_DATA_TYPES, Contact, ContactReview, ContactStatus
from tipsom.helpline.services.review import REVIEW_CRITERIA

DEFAULT_SHARE = 0.05  # 5 % of each operator's closed contacts of the period ...
DEFAULT_MINIMUM = 2  # ... and at least two of each (when they took that many)
MAX_PER_OPERATOR = 50
LIST_LIMIT = 200


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start, end) of the days from `date_from` to `date_to`, both included, in the current time zone."""
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    return start, end


@dataclass(frozen=True)
class SampleEntry:
    contact: Contact
    review: ContactReview | None


@dataclass
class OperatorSample:
    operator: User | None
    closed: int  # the operator's closed contacts of the period that could be reviewed
    entries: list[SampleEntry] = field(default_factory=list)

    @property
    def reviewed(self) -> int:
        return sum(entry.review is not None for entry in self.entries)


@dataclass(frozen=True)
class ReviewSample:
    date_from: date
    date_to: date
    share: float
    minimum: int
    draw: int
    operators: list[OperatorSample]

    @property
    def size(self) -> int:
        return sum(len(operator.entries) for operator in self.operators)

    @property
    def reviewed(self) -> int:
        return sum(operator.reviewed for operator in self.operators)


def _sample_size(closed: int, share: float, minimum: int) -> int:
    return min(closed, MAX_PER_OPERATOR, max(minimum, math.ceil(closed * share)))


def reviewable_contacts(*, user: User) -> QuerySet[Contact]:
    """The contacts the user may review: closed, about something, of the helpline they supervise, taken by
    someone else."""
    return (
        Contact.objects.restrict(user, "approve")
        .filter(status=ContactStatus.CLOSED, created_by__isnull=False)
        .exclude(contact_type__in=list(NON_DATA_TYPES))
        .exclude(created_by=user)
    )


def review_sample(
    *,
    user: User,
    date_from: date,
    date_to: date,
    share: float = DEFAULT_SHARE,
    minimum: int = DEFAULT_MINIMUM,
    draw: int = 0,
) -> ReviewSample:
    """A random sample of each operator's closed contacts of the period: `share` of them, at least `minimum`
    (at most 50). The draw is seeded by the helpline, the period and `draw`, so the supervisor finds the same sample
    again (and its progress), and asks for another with the next `draw`. Contacts already reviewed stay in it,
    marked. Three queries: the period's (id, operator) pairs, the sampled contacts, their reviews."""
    require_permission(user, "add", ContactReview)
    start, end = period_bounds(date_from, date_to)
    pairs = list(
        reviewable_contacts(user=user)
        .filter(started_at__gte=start, started_at__lt=end)
        .order_by("pk")
        .values_list("pk", "created_by_id")
    )
    by_operator: dict[int, list[int]] = defaultdict(list)
    for pk, operator in pairs:
        by_operator[operator].append(pk)
    rng = random.Random(f"{user.organization_id}:{date_from}:{date_to}:{share}:{minimum}:{draw}")  # noqa: S311
    chosen: dict[int, list[int]] = {}
    for operator in sorted(by_operator):
        ids = by_operator[operator]
        chosen[operator] = sorted(rng.sample(ids, _sample_size(len(ids), share, minimum)))
    wanted = [pk for ids in chosen.values() for pk in ids]
    contacts = {
        contact.pk: contact
        for contact in Contact.objects.filter(pk__in=wanted)
        .select_related("created_by")
        .defer(*[f.name for f in encrypted_fields(Contact)])
    }
    reviews = {
        review.contact_id: review
        for review in ContactReview.objects.filter(contact_id__in=wanted).select_related("created_by").defer("comments")
    }
    operators = [
        OperatorSample(
            operator=contacts[ids[0]].created_by if ids else None,
            closed=len(by_operator[operator]),
            entries=[SampleEntry(contacts[pk], reviews.get(pk)) for pk in ids],
        )
        for operator, ids in chosen.items()
    ]
    operators.sort(key=lambda item: (getattr(item.operator, "full_name", "") or "", getattr(item.operator, "pk", 0)))
    return ReviewSample(date_from, date_to, share, minimum, draw, operators)


@dataclass(frozen=True)
class OperatorReviews:
    """The reviews of one operator's contacts: how many, the mean score, each criterion's share met (of the
    reviews that assessed it), and how many asked for a follow-up."""

    operator: User | None
    reviews: int
    mean_score: float | None
    criteria: dict[str, float | None]
    follow_ups: int

    @property
    def criteria_shares(self) -> list[float | None]:
        """The criteria's shares in the order of REVIEW_CRITERIA (the table's columns)."""
        return [self.criteria.get(code) for code in REVIEW_CRITERIA]


def review_summary(*, user: User, date_from: date, date_to: date) -> list[OperatorReviews]:
    """The reviews of the period (by the reviewed contact's time), by operator, for the helpline's supervisors.
    One query over the reviews (a helpline writes a few hundred a month), one for the operators' names."""
    require_permission(user, "view", ContactReview)
    start, end = period_bounds(date_from, date_to)
    rows = (
        ContactReview.objects.restrict(user, "view")
        .filter(contact__started_at__gte=start, contact__started_at__lt=end)
        .values_list("contact__created_by_id", "score", "criteria", "follow_up_needed")
    )
    grouped: dict[int | None, list[tuple[int | None, dict[str, bool], bool]]] = defaultdict(list)
    for taken_by, score, criteria, follow_up in rows:
        grouped[taken_by].append((score, criteria or {}, follow_up))
    names = {person.pk: person for person in User.objects.filter(pk__in=[pk for pk in grouped if pk])}
    result = []
    for operator, items in grouped.items():
        scores = [score for score, _criteria, _follow in items if score is not None]
        shares: dict[str, float | None] = {}
        for code in REVIEW_CRITERIA:
            assessed = [criteria[code] for _score, criteria, _follow in items if code in criteria]
            shares[code] = sum(assessed) / len(assessed) if assessed else None
        result.append(
            OperatorReviews(
                operator=names.get(operator) if operator else None,
                reviews=len(items),
                mean_score=round(sum(scores) / len(scores), 2) if scores else None,
                criteria=shares,
                follow_ups=sum(follow for _score, _criteria, follow in items),
            )
        )
    result.sort(key=lambda row: (getattr(row.operator, "full_name", "") or "", getattr(row.operator, "pk", 0)))
    return result


def review_list(*, user: User, operator_id: int | None = None) -> QuerySet[ContactReview]:
    """Reviews a user may read, the newest first: a supervisor's helpline's (of one operator's contacts when
    `operator_id` is given); an operator's, those of the contacts they took (the review is about their work)."""
    base = ContactReview.objects.select_related("contact", "created_by", "contact__created_by").order_by("-pk")
    if user_can(user, "view", ContactReview):
        reviews = base.restrict(user, "view")
        if operator_id is not None:
            reviews = reviews.filter(contact__created_by_id=operator_id)
        return reviews
    return own_contact_reviews(user=user)


def own_contact_reviews(*, user: User) -> QuerySet[ContactReview]:
    """The reviews of the contacts the user took, while they may still see their helpline's contacts."""
    if not user_can(user, "view", Contact) or user.organization_id is None:
        return ContactReview.objects.none()
    return (
        ContactReview.objects.filter(contact__created_by=user, owner_organization_id=user.organization_id)
        .select_related("contact", "created_by", "contact__created_by")
        .order_by("-pk")
    )


def access_review_contact(user: User, contact_id: Any) -> tuple[Contact, ContactReview | None]:
    """A contact of the supervisor's helpline with its review, for the review screen; NotFound otherwise."""
    require_permission(user, "add", ContactReview)
    contact = access_by_id(
        Contact, user, contact_id, "approve", queryset=Contact.objects.select_related("created_by", "case")
    )
    review = ContactReview.objects.filter(contact=contact).select_related("created_by").first()
    return contact, review


def review_criteria_labels() -> list[tuple[str, Any]]:
    return list(REVIEW_CRITERIA.items())
