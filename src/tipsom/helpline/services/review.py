"""Quality review of helpline contacts: a supervisor scores a closed contact of the sample (1 to 5), ticks the
criteria it met and comments. Each checks permission and audits in its transaction, never the comments (free text
that may name people: encrypted).

The rules: a review is of a closed contact about something (a silent or hang-up contact has nothing to review),
of the reviewer's own helpline, taken by someone else (nobody reviews their own contact); one review per contact,
which its author may correct."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipsom.accounts.models import User
from tipsom.audit.services import REDACTED, audit_record
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.helpline.models import Contact, ContactReview
from tipsom.helpline.services.contact import access_contact

# What a supervisor checks in a contact (the keys of ContactReview.criteria): met, not met, or not applicable
# (left out).
REVIEW_CRITERIA: dict[str, Any] = {
    "greeting": gettext_lazy("Greeting and introduction"),
    "screening": gettext_lazy("Screening questions asked"),
    "safety": gettext_lazy("Safety checked"),
    "referral": gettext_lazy("Correct referral or action"),
    "record": gettext_lazy("Record complete"),
}
SCORES = range(1, 6)
COMMENTS_MAX = 2000


def _criteria(errors: check.Errors, value: Any) -> dict[str, bool]:
    """{criterion: met} for the criteria assessed; not applicable ones are left out (None or absent)."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        errors["criteria"] = _("Give the criteria as {criterion: true or false}.")
        return {}
    unknown = sorted(set(value) - set(REVIEW_CRITERIA))
    if unknown:
        errors["criteria"] = _("Unknown criteria: %(codes)s.") % {"codes": ", ".join(map(str, unknown))[:200]}
        return {}
    clean: dict[str, bool] = {}
    for code in REVIEW_CRITERIA:
        met = value.get(code)
        if met is None:
            continue
        if not isinstance(met, bool):
            errors["criteria"] = _("Say for each criterion true (met), false (not met) or nothing (not applicable).")
            return {}
        clean[code] = met
    return clean


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    errors = check.Errors()
    score = check.whole_number(errors, "score", data.get("score"), minimum=1, maximum=5)
    if score is None and "score" not in errors:
        errors["score"] = _("Give a score from 1 to 5.")
    clean = {
        "score": score,
        "criteria": _criteria(errors, data.get("criteria")),
        "comments": check.text(errors, "comments", data.get("comments"), max_length=COMMENTS_MAX),
        "follow_up_needed": bool(data.get("follow_up_needed") or False),
    }
    if not isinstance(data.get("follow_up_needed", False), bool):
        errors["follow_up_needed"] = _("Give true or false.")
    errors.raise_if_any()
    return clean


def _audit(actor: User, action: str, review: ContactReview, clean: dict[str, Any]) -> None:
    changes = {
        "contact": review.contact_id,
        "score": clean["score"],
        "criteria": clean["criteria"],
        "follow_up_needed": clean["follow_up_needed"],
        "comments": REDACTED if clean["comments"] else "",
    }
    audit_record(actor=actor, action=action, target=review, organization=review.owner_organization_id, changes=changes)


def require_reviewable(actor: User, contact: Contact) -> None:
    """The contact can be reviewed by the actor: closed, about something, taken by someone else."""
    if not contact.is_data:
        raise ApplicationError(
            "non_data_contact", _("A silent, hang-up, wrong-number or prank contact is counted, not reviewed.")
        )
    if contact.is_open:
        raise ApplicationError("contact_open", _("Review a contact once it is closed."))
    if contact.created_by_id == actor.pk:
        raise ApplicationError("own_contact", _("Nobody reviews a contact they took themselves."), status=403)


@transaction.atomic
def contact_review_create(
    *,
    actor: User,
    contact_id: Any,
    score: Any,
    criteria: dict[str, Any] | None = None,
    comments: str = "",
    follow_up_needed: bool = False,
) -> ContactReview:
    """Review a closed contact of the actor's helpline: a score from 1 to 5, the criteria met or not (REVIEW_CRITERIA),
    comments, and whether the operator needs a follow-up. One review per contact."""
    require_permission(actor, "add", ContactReview)
    contact = access_contact(actor, contact_id, "view")  # locked: two supervisors do not review it at once
    if not scope_allows_organization(actor, "add", ContactReview, contact.owner_organization):
        raise NotFound()
    require_reviewable(actor, contact)
    existing = ContactReview.objects.filter(contact=contact).values_list("pk", flat=True).first()
    if existing is not None:
        raise Conflict(_("This contact was already reviewed."), {"review": existing})
    clean = _fields({"score": score, "criteria": criteria, "comments": comments, "follow_up_needed": follow_up_needed})
    review = ContactReview.objects.create(
        contact=contact,
        owner_organization_id=contact.owner_organization_id,
        country=contact.country,
        created_by=actor,
        **clean,
    )
    _audit(actor, "helpline.review.create", review, clean)
    return review


@transaction.atomic
def contact_review_update(*, actor: User, review_id: Any, version: Any = None, **fields: Any) -> ContactReview:
    """Correct a review: its author only. The fields not given keep their value."""
    review = access_by_id(ContactReview, actor, review_id, "change", queryset=ContactReview.objects.select_for_update())
    if review.created_by_id != actor.pk:
        raise ApplicationError("forbidden", _("Only the supervisor who wrote a review corrects it."), status=403)
    check.check_version(review, version, _("Someone else changed this review after you opened it."))
    check.reject_unknown(fields, ("score", "criteria", "comments", "follow_up_needed"))
    current = {
        "score": review.score,
        "criteria": review.criteria,
        "comments": review.comments,
        "follow_up_needed": review.follow_up_needed,
    }
    clean = _fields({**current, **fields})
    if check.model_update(review, clean):
        _audit(actor, "helpline.review.update", review, clean)
    return review
