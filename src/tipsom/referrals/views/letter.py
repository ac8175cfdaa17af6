"""The printable referral letter: a PDF for the sender's side of a referral (audited by the service)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.referrals.letter import referral_letter


@never_cache
@require_GET
def referral_letter_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral, content = referral_letter(actor=request.user, referral_id=pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"referral-{referral.pk}-letter.pdf") or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response
