"""Merges: the list of merges (newest first) and the confirmed undo of one, which restores both persons exactly.
Thin: matching.selectors read, matching.services.person_merge_undo decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.core.forms import submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import list_page
from tipsom.core.permissions import require_permission, user_can
from tipsom.matching import selectors
from tipsom.matching.forms import UndoForm
from tipsom.matching.models import PersonMerge
from tipsom.matching.services import person_merge_undo


def moved_summary(merge: PersonMerge) -> int:
    """How many records moved to the survivor (cases, names, history ...): the sum over the tables, never ids."""
    return sum(
        len(ids) for name, ids in (merge.moved or {}).items() if name != "aliased_names" and isinstance(ids, list)
    )


@require_GET
def merge_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", PersonMerge)
    listing = list_page(request, selectors.merge_list(user=request.user))
    rows = [{"merge": merge, "moved": moved_summary(merge)} for merge in listing.page.items]
    context = {
        "listing": listing,
        "page": listing.page,
        "rows": rows,
        "can_undo": user_can(request.user, "change", PersonMerge),
        "order": _("Most recent first."),
    }
    return render(request, "matching/merges.html", context)


@require_http_methods(["GET", "POST"])
def merge_undo_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    merge = selectors.access_merge_by_id(request.user, pk, "change")
    form = UndoForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        submission = submit_form(form, lambda data: person_merge_undo(actor=request.user, merge_id=merge.pk))
        if submission.ok:
            messages.success(
                request,
                _(
                    "The merge is undone: %(survivor)s and %(merged)s are two persons again, each with their own "
                    "records."
                )
                % {"survivor": merge.survivor, "merged": merge.merged},
            )
            return redirect("matching:merges")
        status = submission.status
    context: dict[str, Any] = {"merge": merge, "form": form, "moved": moved_summary(merge)}
    return render(request, "matching/merge_undo.html", context, status=status)
