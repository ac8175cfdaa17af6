"""Access requests: an organization asks the one holding a possible match for access to that person; the holder
answers (grant until a date, or refuse, with a note). The lists received and sent, a request's page with the answer
form, and the form that asks (from the registration's check). Thin: matching.services decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.core.forms import submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import list_page
from tipsom.core.permissions import require_permission, user_can
from tipsom.matching import selectors
from tipsom.matching.forms import AccessAnswerForm, AccessRequestForm
from tipsom.matching.models import AccessRequest
from tipsom.matching.services import access_request_answer, access_request_create
from tipsom.people.selectors import person_list

BOX_RECEIVED = "received"
BOX_SENT = "sent"


@require_GET
def request_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Requests received by the user's organization (to answer) or sent by it (`?box=sent`), newest first."""
    require_permission(request.user, "view", AccessRequest)
    box = BOX_SENT if request.GET.get("box") == BOX_SENT else BOX_RECEIVED
    requests = selectors.access_request_list(user=request.user)
    side = "requesting_organization_id" if box == BOX_SENT else "holding_organization_id"
    listing = list_page(request, requests.filter(**{side: request.user.organization_id}))
    context = {
        "box": box,
        "listing": listing,
        "page": listing.page,
        "rows": listing.page.items,
        "waiting": selectors.access_request_inbox(user=request.user).count(),
        "order": _("Most recent first."),
    }
    return render(request, "matching/requests.html", context)


def _page_context(request: AuthenticatedHttpRequest, access: AccessRequest, form: Any) -> dict[str, Any]:
    holder = access.holding_organization_id == request.user.organization_id
    pending = access.status == AccessRequest.Status.PENDING
    return {
        "access": access,
        "is_holder": holder,
        "can_answer": holder and pending and user_can(request.user, "change", AccessRequest),
        # The person's page only for who may see it: the holder, and the asker once access is granted.
        "person_visible": person_list(user=request.user).filter(pk=access.person_id).exists(),
        "form": form,
    }


@require_http_methods(["GET", "POST"])
def request_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A request's page: who asks, why, and the answer; the holding organization answers here (POST)."""
    access = selectors.access_request_by_id(request.user, pk)
    form = AccessAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        submission = submit_form(
            form,
            lambda data: access_request_answer(
                actor=request.user, request_id=access.pk, grant=data["grant"], note=data["note"], until=data["until"]
            ),
        )
        if submission.ok and submission.result is not None:
            said = (
                _("Access granted: %(organization)s now sees this person.")
                if submission.result.status == AccessRequest.Status.GRANTED
                else _("The request is refused; %(organization)s is told.")
            )
            messages.success(request, said % {"organization": access.requesting_organization.name})
            return redirect("matching:access_request", pk=access.pk)
        status = submission.status
    return render(request, "matching/request.html", _page_context(request, access, form), status=status)


def safe_next(request: AuthenticatedHttpRequest, target: str) -> str:
    """`target` when it is a page of this site, else ""."""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


@require_http_methods(["GET", "POST"])
def request_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for access to a possible match (named by the check's token). From matching/_candidates.html it posts
    here and comes back to `next`; a refusal (no reason, an expired token) shows this form with the error."""
    require_permission(request.user, "add", AccessRequest)
    data = request.POST if request.method == "POST" else None
    form = AccessRequestForm(data, initial={"token": request.GET.get("token", ""), "next": request.GET.get("next", "")})
    status = 200
    if request.method == "POST":
        submission = submit_form(
            form, lambda clean: access_request_create(actor=request.user, token=clean["token"], reason=clean["reason"])
        )
        if submission.ok and submission.result is not None:
            access = submission.result
            messages.success(
                request,
                _("Your request was sent to %(organization)s. You will be told of its answer.")
                % {"organization": access.holding_organization.name},
            )
            return redirect(
                safe_next(request, form.cleaned_data.get("next", ""))
                or reverse("matching:access_request", kwargs={"pk": access.pk})
            )
        status = submission.status
    back = safe_next(request, (data or request.GET).get("next", ""))
    return render(request, "matching/request_form.html", {"form": form, "back": back}, status=status)
