"""Blocked numbers: the helpline's blocks in force and those that ended lately (numbers masked), blocking a number
(typed, or the one a contact came from, unseen), lifting a block early, and the audited reveal of a blocked
number. Thin: helpline.services.blocks decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission, user_can
from tipsom.helpline import selectors
from tipsom.helpline.forms_quality import BlockForm, BlockRevealForm
from tipsom.helpline.models import BlockedNumber
from tipsom.helpline.selectors_blocks import block_rows, blocks_ended, blocks_in_force
from tipsom.helpline.services import blocks as services


def _context(request: AuthenticatedHttpRequest, **forms: Any) -> dict[str, Any]:
    user = request.user
    longer = services.may_block_longer(user)
    context: dict[str, Any] = {
        "in_force": block_rows(blocks_in_force(user=user)),
        "ended": block_rows(blocks_ended(user=user)),
        "can_lift": user_can(user, "approve", BlockedNumber),
        "can_reveal": user_can(user, "reveal", BlockedNumber),
        "longer": longer,
        "revealed": forms.pop("revealed", None),
        "revealed_block": forms.pop("revealed_block", None),
    }
    if user_can(user, "add", BlockedNumber):
        context["block_form"] = forms.get("block_form") or BlockForm(longer=longer)
    if context["can_reveal"]:
        context["reveal_form"] = forms.get("reveal_form") or BlockRevealForm()
        context["reveal_form_for"] = forms.get("reveal_form_for")
    return context


def _page(request: AuthenticatedHttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    return render(request, "helpline/blocks/list.html", _context(request, **forms), status=status)


@require_GET
def blocks_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", BlockedNumber)
    return _page(request)


def _until(block: BlockedNumber) -> str:
    return date_format(timezone.localtime(block.until), "SHORT_DATETIME_FORMAT")


@require_POST
def block_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", BlockedNumber)
    form = BlockForm(request.POST, longer=services.may_block_longer(request.user))
    if not form.is_valid():
        return _page(request, 400, block_form=form)
    try:
        block = services.number_block(
            actor=request.user,
            number=form.cleaned_data["number"],
            reason=form.cleaned_data["reason"],
            duration=form.cleaned_data["duration"],
            note=form.cleaned_data.get("note", ""),
        )
    except NotFound:
        raise
    except ApplicationError as error:
        form_add_application_error(form, error)
        return _page(request, error.status_code, block_form=form)
    messages.success(request, _("The number is blocked until %(until)s.") % {"until": _until(block)})
    return redirect("helpline:blocks")


@require_POST
def contact_block_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Block the number a contact came from (the contact page's button): back to the contact page."""
    contact = selectors.access_contact_by_id(request.user, pk)
    require_permission(request.user, "add", BlockedNumber)
    form = BlockForm(request.POST, longer=services.may_block_longer(request.user), with_number=False)
    back = reverse("helpline:detail", kwargs={"pk": contact.pk}) + "#blocked-number"
    if not form.is_valid():
        messages.error(request, _("Choose the reason and how long the number is blocked."))
        return redirect(back)
    try:
        block = services.contact_number_block(
            actor=request.user,
            contact_id=contact.pk,
            reason=form.cleaned_data["reason"],
            duration=form.cleaned_data["duration"],
            note=form.cleaned_data.get("note", ""),
        )
    except NotFound:
        raise
    except ApplicationError as error:
        fields = error.extra.get("fields") or {}
        messages.error(request, " ".join([error.message, *map(str, fields.values())]))
        return redirect(back)
    messages.success(request, _("The caller's number is blocked until %(until)s.") % {"until": _until(block)})
    return redirect(back)


@require_POST
def block_lift_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    services.access_block(request.user, pk)
    try:
        services.number_unblock(actor=request.user, block_id=pk, version=request.POST.get("version"))
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("helpline:blocks")
    messages.success(request, _("The block was lifted."))
    return redirect("helpline:blocks")


@require_POST
def block_reveal_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The blocked number and the written reason, after an audited reveal; shown on this answer only."""
    block = services.access_block(request.user, pk, "reveal")
    form = BlockRevealForm(request.POST)
    if not form.is_valid():
        return _page(request, 400, reveal_form=form, reveal_form_for=block.pk)
    try:
        values = services.block_reveal(actor=request.user, block_id=block.pk, reason=form.cleaned_data["reason"])
    except NotFound:
        raise
    except ApplicationError as error:
        form_add_application_error(form, error)
        return _page(request, error.status_code, reveal_form=form, reveal_form_for=block.pk)
    return _page(request, revealed=values, revealed_block=block.pk)
