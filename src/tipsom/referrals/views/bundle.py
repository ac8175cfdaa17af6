"""Transnational bundles on screen: the sender downloads a referral abroad as a bundle; a receiving organization
uploads a bundle from another country's tipsom and gets it as a referral to answer."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tipsom.core.errors import NotFound
from tipsom.core.forms import submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission
from tipsom.referrals.forms.bundle import BundleExportForm, BundleImportForm
from tipsom.referrals.models import Channel, Referral
from tipsom.referrals.selectors.referral import access_referral_by_id, referral_is_sender_side
from tipsom.referrals.services.bundle import referral_bundle_export, referral_bundle_import


@never_cache
@require_http_methods(["GET", "POST"])
def bundle_export_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: how long the bundle stays valid; POST: the bundle as a file download."""
    referral = access_referral_by_id(request.user, pk)
    if referral.channel != Channel.ABROAD or not referral_is_sender_side(request.user, referral):
        raise NotFound()
    form = BundleExportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        submission = submit_form(
            form, lambda data: referral_bundle_export(actor=request.user, referral_id=pk, valid_days=data["valid_days"])
        )
        if submission.ok and submission.result is not None:
            response = HttpResponse(submission.result, content_type="application/json")
            response["Content-Disposition"] = content_disposition_header(True, f"referral-{pk}.tipsom-bundle")
            response["X-Content-Type-Options"] = "nosniff"
            return response
        status = submission.status
    return render(request, "referrals/bundle_export.html", {"referral": referral, "form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def bundle_import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a bundle received from another country; a refusal says why and nothing is saved."""
    require_permission(request.user, "add", Referral)
    form = BundleImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        submission = submit_form(form, lambda data: referral_bundle_import(actor=request.user, content=data["bundle"]))
        if submission.ok and submission.result is not None:
            messages.success(request, _("The referral from abroad was imported: review it and answer."))
            return redirect(reverse("referrals:detail", kwargs={"pk": submission.result.pk}))
        status = submission.status
    return render(request, "referrals/bundle_import.html", {"form": form}, status=status)
