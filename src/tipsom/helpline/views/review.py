"""The quality review: a supervisor's sample of a period's closed contacts with the reviews done so far and the
reviews by operator; one contact to review (its facts, the caller masked, the scoring form); the reviews, which
an operator sees of their own contacts. Thin: selectors_review reads, helpline.services.review decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.accounts.models import User
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.masking import MASKED
from tipsom.core.paging import PAGE_SIZE
from tipsom.core.permissions import require_permission, user_can
from tipsom.helpline import selectors_review as reads
from tipsom.helpline.forms_quality import ReviewForm, ReviewPeriodForm
from tipsom.helpline.models import Contact, ContactReview
from tipsom.helpline.services import review as services
from tipsom.helpline.services.contact import REVEALABLE
from tipsom.helpline.views.contacts import contact_facts, field_label

REVIEWS_SHOWN = 100


@require_GET
def review_sample_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The sample of the period (the last 30 days by default) and the period's reviews by operator."""
    require_permission(request.user, "add", ContactReview)
    form = ReviewPeriodForm(request.GET or None, initial=ReviewPeriodForm.initial_values())
    if form.is_bound and not form.is_valid():
        return render(request, "helpline/review/sample.html", {"form": form}, status=400)
    values = form.cleaned_data if form.is_bound else ReviewPeriodForm.initial_values()
    if not form.is_bound:
        form = ReviewPeriodForm(initial=values)
    sample = reads.review_sample(
        user=request.user,
        date_from=values["date_from"],
        date_to=values["date_to"],
        share=values["share"] / 100,
        minimum=values["minimum"],
        draw=values.get("draw") or 0,
    )
    query = request.GET.copy()
    query["draw"] = str(sample.draw + 1)
    for name in ("date_from", "date_to", "share", "minimum"):
        query.setdefault(name, str(values[name]))
    context = {
        "form": form,
        "sample": sample,
        "summary": reads.review_summary(user=request.user, date_from=values["date_from"], date_to=values["date_to"]),
        "criteria": reads.review_criteria_labels(),
        "redraw_url": f"{reverse('helpline:reviews')}?{query.urlencode()}",
    }
    return render(request, "helpline/review/sample.html", context)


def _contact_context(
    request: AuthenticatedHttpRequest, contact: Contact, review: ContactReview | None, form: ReviewForm
) -> dict[str, Any]:
    held = [name for name in REVEALABLE if getattr(contact, name)]
    may_write = review is None or review.created_by_id == request.user.pk
    return {
        "contact": contact,
        "review": review,
        "facts": contact_facts(contact),
        "masked": [(field_label(name), MASKED) for name in held],
        "form": form if may_write else None,
        "own_contact": contact.created_by_id == request.user.pk,
    }


@require_http_methods(["GET", "POST"])
def review_contact_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One contact to review: what was recorded (the caller masked: the contact page reveals it, audited) and
    the review form, or the review written (its author may correct it)."""
    contact, review = reads.access_review_contact(request.user, pk)
    if request.method != "POST":
        form = ReviewForm(initial=ReviewForm.initial_for(review)) if review else ReviewForm()
        return render(request, "helpline/review/contact.html", _contact_context(request, contact, review, form))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        context = _contact_context(request, contact, review, form)
        return render(request, "helpline/review/contact.html", context, status=400)
    try:
        if review is None:
            services.contact_review_create(actor=request.user, contact_id=contact.pk, **form.review_data())
        else:
            services.contact_review_update(
                actor=request.user, review_id=review.pk, version=request.POST.get("version"), **form.review_data()
            )
    except NotFound:
        raise
    except ApplicationError as error:
        form_add_application_error(form, error)
        context = _contact_context(request, contact, review, form)
        return render(request, "helpline/review/contact.html", context, status=error.status_code)
    messages.success(request, _("The review was saved."))
    return redirect("helpline:review_contact", pk=contact.pk)


@require_GET
def review_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Reviews, the newest first: a supervisor's helpline's (of one operator with ?operator=), or an operator's
    own contacts'."""
    user = request.user
    supervisor = user_can(user, "view", ContactReview)
    if not supervisor and not user_can(user, "view", Contact):
        raise NotFound()
    operator_id = check.pk_of(request.GET.get("operator")) or None if supervisor else None
    operator = None
    if operator_id is not None:
        operator = User.objects.filter(pk=operator_id, organization_id=user.organization_id).first()
    reviews = list(reads.review_list(user=user, operator_id=operator_id)[:REVIEWS_SHOWN])
    context = {
        "reviews": reviews,
        "supervisor": supervisor,
        "operator": operator,
        "criteria": reads.review_criteria_labels(),
        "more": len(reviews) >= REVIEWS_SHOWN,
        "page_size": PAGE_SIZE,
    }
    return render(request, "helpline/review/list.html", context)
