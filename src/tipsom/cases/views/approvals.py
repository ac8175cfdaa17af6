"""The supervisors' approvals: the queue (each row opens the review of that decision or closure) and the review
page, a form in two steps: choose approve or reject (a comment is required to reject), then confirm. Nothing is
written before the confirmation, and bad input (no choice, a rejection without a comment, a record no longer
waiting) changes nothing and says why.

The case page keeps its own compact review buttons; they post to the same addresses without the `step` field and
are answered by cases.views.case_actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tipsom.cases import selectors, services
from tipsom.cases.models import Case, ClosureRequest, StatusDecision
from tipsom.core.errors import NotFound
from tipsom.core.forms import submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission

APPROVALS_LIMIT = 200
# The hidden field of the review page's form; its absence means a post from the case page's compact buttons.
STEP_FIELD = "step"


@require_GET
def approval_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "approve", Case)
    pending = selectors.pending_approvals(user=request.user)
    now = timezone.now()
    decisions = list(
        pending["decisions"]
        .select_related("case__owner_organization", "created_by")
        .order_by("created_at", "pk")[:APPROVALS_LIMIT]
    )
    closures = list(
        pending["closures"]
        .select_related("case__owner_organization", "created_by")
        .order_by("created_at", "pk")[:APPROVALS_LIMIT]
    )
    context = {
        # Oldest first: the longest waiting are handled first.
        "decisions": [_row(decision, "decision_review", now) for decision in decisions],
        "closures": [_row(closure, "closure_review", now) for closure in closures],
        "limit": APPROVALS_LIMIT,
    }
    return render(request, "cases/approvals.html", context)


def _row(record: Any, url_name: str, now: Any) -> dict[str, Any]:
    item = "decision_id" if url_name == "decision_review" else "request_id"
    return {
        "record": record,
        "review_url": reverse(f"cases:{url_name}", kwargs={"pk": record.case_id, item: record.pk}),
        "waiting_days": (now - record.created_at).days,
    }


class ReviewPageForm(forms.Form):
    """The review page's form: a choice (radio buttons) and a comment. The step (`choose`, then `confirm`) is a
    hidden field of the page, outside the form, so that a refused confirmation always asks again."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Your answer"),
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose approve or reject.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required to reject: say what is missing or wrong."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why you reject it: the person who asked will read your comment."))
        return data


@dataclass(frozen=True)
class Kind:
    """What is reviewed: a status decision or a closure request."""

    model: type[StatusDecision] | type[ClosureRequest]
    title: Any
    service: Callable[..., Any]
    item: str
    tab: str


DECISION = Kind(
    StatusDecision,
    gettext_lazy("Review the status decision"),
    lambda actor, pk, approve, comment: services.decision_review(
        actor=actor, decision_id=pk, approve=approve, comment=comment
    ),
    "decision_id",
    "identification",
)
CLOSURE = Kind(
    ClosureRequest,
    gettext_lazy("Review the closure"),
    lambda actor, pk, approve, comment: services.closure_review(
        actor=actor, request_id=pk, approve=approve, comment=comment
    ),
    "request_id",
    "overview",
)


def is_review_page_post(request: AuthenticatedHttpRequest) -> bool:
    return request.method == "POST" and STEP_FIELD in request.POST


def decision_review_page(request: AuthenticatedHttpRequest, pk: int, decision_id: int) -> HttpResponse:
    return _review_page(request, pk, decision_id, DECISION)


def closure_review_page(request: AuthenticatedHttpRequest, pk: int, request_id: int) -> HttpResponse:
    return _review_page(request, pk, request_id, CLOSURE)


def _review_page(request: AuthenticatedHttpRequest, pk: int, item_id: int, kind: Kind) -> HttpResponse:
    case = selectors.access_case_by_id(request.user, pk, "approve")
    record = kind.model.objects.filter(case=case, pk=item_id).select_related("created_by", "approved_by").first()
    if record is None:
        raise NotFound()
    waiting = record.approval == StatusDecision.Approval.PENDING
    own = record.created_by_id == request.user.pk
    form = ReviewPageForm(request.POST if request.method == "POST" else None)
    step, status = "choose", 200
    if request.method == "POST" and (own or not waiting):
        status = 409
    elif request.method == "POST":
        if "back" in request.POST:
            form = ReviewPageForm(initial=request.POST.dict())
        elif not form.is_valid():
            status = 400
        elif request.POST.get(STEP_FIELD) != "confirm":
            step = "confirm"
        else:
            submission = submit_form(
                form,
                lambda data: kind.service(request.user, record.pk, data["decision"] == "approve", data["comment"]),
            )
            if submission.ok:
                messages.success(request, _("Your review was saved."))
                return redirect("cases:approvals")
            status = submission.status
    context = {
        "case": case,
        "record": record,
        "kind": kind,
        "title": kind.title,
        "is_decision": kind is DECISION,
        "form": form,
        "step": step,
        "waiting": waiting,
        "own": own,
        "approve": form.is_bound and form.is_valid() and form.cleaned_data["decision"] == "approve",
        "case_url": f"{reverse('cases:detail', kwargs={'pk': case.pk})}?tab={kind.tab}",
        "waiting_days": (timezone.now() - record.created_at).days,
    }
    return render(request, "cases/review.html", context, status=status)
