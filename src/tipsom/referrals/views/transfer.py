"""Transfer screens: asking from the case page, the list of incoming and outgoing transfers, and one transfer
with its answers (accept, decline with a response, cancel)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tipsom.accounts.models import User
from tipsom.cases.views.case_context import ActionForm, CasePage
from tipsom.core.forms import submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission, user_can
from tipsom.referrals.forms import referral as f
from tipsom.referrals.models import Transfer
from tipsom.referrals.selectors.referral import access_transfer_by_id, transfer_list
from tipsom.referrals.services import transfer as services
from tipsom.referrals.views.case_tab import case_act, transfer_action

LIST_LIMIT = 200


@require_POST
def case_transfer_request_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def call(page: CasePage, action: ActionForm) -> Transfer:
        data = action.form.cleaned_data
        return services.transfer_request(
            actor=request.user,
            case_id=page.case.pk,
            to_organization_id=data["to_organization"],
            reason=data["reason"],
        )

    return case_act(request, pk, transfer_action, call, _("The transfer was asked for; the organization answers it."))


@require_GET
def transfer_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Transfer)
    organization = request.user.organization_id
    transfers = transfer_list(user=request.user).order_by("-requested_at", "-pk")
    context = {
        "incoming": list(transfers.filter(to_organization_id=organization)[:LIST_LIMIT]),
        "outgoing": list(transfers.filter(from_organization_id=organization)[:LIST_LIMIT]),
        "limit": LIST_LIMIT,
    }
    return render(request, "referrals/transfers.html", context)


def _transfer_forms(user: User, transfer: Transfer) -> dict[str, forms.Form]:
    if transfer.status != Transfer.Status.REQUESTED or not user_can(user, "change", Transfer):
        return {}
    if user.organization_id == transfer.to_organization_id:
        return {"accept": forms.Form(), "decline": f.TransferDeclineForm(auto_id="decline-%s")}
    if user.organization_id == transfer.from_organization_id:
        return {"cancel": forms.Form()}
    return {}


def _render_detail(
    request: AuthenticatedHttpRequest, transfer: Transfer, errors: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "transfer": transfer,
        "forms": {**_transfer_forms(user, transfer), **(errors or {})},
        "is_receiver": user.organization_id == transfer.to_organization_id,
    }
    return render(request, "referrals/transfer_detail.html", context, status=status)


@require_GET
def transfer_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, access_transfer_by_id(request.user, pk))


def _transfer_act(
    request: AuthenticatedHttpRequest,
    pk: int,
    name: str,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    access_transfer_by_id(request.user, pk)
    submission = submit_form(form, call)
    if submission.ok:
        messages.success(request, done)
        return redirect("referrals:transfer_detail", pk=pk)
    return _render_detail(request, access_transfer_by_id(request.user, pk), {name: form}, submission.status)


@require_POST
def transfer_accept_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transfer_act(
        request,
        pk,
        "accept",
        forms.Form(request.POST),
        lambda data: services.transfer_accept(actor=request.user, transfer_id=pk),
        _("The case is now your organization's."),
    )


@require_POST
def transfer_decline_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = f.TransferDeclineForm(request.POST, auto_id="decline-%s")
    return _transfer_act(
        request,
        pk,
        "decline",
        form,
        lambda data: services.transfer_decline(actor=request.user, transfer_id=pk, response=data["response"]),
        _("The transfer was declined."),
    )


@require_POST
def transfer_cancel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transfer_act(
        request,
        pk,
        "cancel",
        forms.Form(request.POST),
        lambda data: services.transfer_cancel(actor=request.user, transfer_id=pk),
        _("The transfer was cancelled."),
    )
