"""Reads of field submissions and of the published field forms, narrowed to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tipsom.accounts.models import User
from tipsom.core.permissions import access_by_id, user_can
from tipsom.intake.models import FieldForm, Submission

BADGE_CAP = 999  # the badge counts at most this many (one bounded query on every page)


def submission_list(*, user: User, status: str | None = Submission.Status.PENDING) -> QuerySet[Submission]:
    """The submissions of the user's scope (their organization's, for an identifier), waiting ones by default."""
    submissions = Submission.objects.restrict(user, "view").select_related("owner_organization", "case")
    return submissions.filter(status=status) if status else submissions


def access_submission(user: User, submission_id: Any, action: str = "view") -> Submission:
    return access_by_id(
        Submission,
        user,
        submission_id,
        action,
        queryset=Submission.objects.select_related("owner_organization", "case", "reviewed_by"),
    )


def pending_count(user: User) -> int | None:
    """The menu's count beside "Field submissions": those waiting for a decision the user may take."""
    if not user_can(user, "change", Submission):
        return None
    waiting = Submission.objects.restrict(user, "change").filter(status=Submission.Status.PENDING)
    return waiting.order_by().values("pk")[:BADGE_CAP].count() or None


def field_form_current(country: str) -> FieldForm | None:
    """The form published last for the country: the version submissions must be of."""
    return FieldForm.objects.filter(country=country.upper()).order_by("-published_at", "-pk").first()


def field_form_of(*, form_id: str, version: str) -> FieldForm | None:
    return FieldForm.objects.filter(form_id=form_id, version=version).first()
