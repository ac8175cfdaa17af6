"""The criminal case's brief tab (the anonymised brief on screen and its summary form) and the brief's JSON and PDF
downloads. Thin: each calls services.brief."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import edit_view
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.validation import MAX_TEXT
from tipsom.justice.pdf import brief_pdf, brief_sections
from tipsom.justice.selectors.cases import criminal_case_can
from tipsom.justice.services.brief import brief_build, brief_export, criminal_case_brief_summary_set
from tipsom.justice.views.case_page import case_for_page, case_page_context


class BriefSummaryForm(forms.Form):
    brief_summary = forms.CharField(
        label=gettext_lazy("Anonymised summary of the facts"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "What happened, in a few paragraphs, naming no one: write “Defendant 1” or “the victim”. It is checked "
            "against the names of the case's defendants and victims."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


@never_cache
@require_http_methods(["GET", "POST"])
def brief_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The brief tab: the brief of a concluded case (or why there is none yet), and the summary form for users who
    may change the case."""
    criminal_case = case_for_page(request, pk, "export")
    may_write = criminal_case_can(request.user, criminal_case, "change")
    if request.method == "POST" and not may_write:
        raise NotFound()
    form = BriefSummaryForm(
        request.POST if request.method == "POST" else None,
        initial={"brief_summary": criminal_case.brief_summary, "version": criminal_case.version},
    )
    context: dict[str, Any] = {**case_page_context(request, criminal_case, "brief"), "may_write": may_write}
    if request.method == "GET":
        try:
            context["sections"] = brief_sections(brief_build(actor=request.user, criminal_case=criminal_case))
        except NotFound:
            raise
        except ApplicationError as error:
            context["brief_error"] = error
    return edit_view(
        request,
        form=form,
        save=lambda data: criminal_case_brief_summary_set(
            actor=request.user,
            criminal_case=criminal_case.pk,
            brief_summary=data["brief_summary"],
            version=data["version"],
        ),
        template="justice/tabs/brief.html",
        success_message=_("Summary saved."),
        success_url=reverse("justice:brief", kwargs={"pk": criminal_case.pk}),
        context=context,
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_GET
def brief_json_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    brief = brief_export(actor=request.user, criminal_case=pk, export_format="json")
    content = json.dumps(brief, ensure_ascii=False, indent=2).encode()
    return _download(content, "application/json", f"case-brief-{brief['reference']}.json")


@never_cache
@require_GET
def brief_pdf_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    brief = brief_export(actor=request.user, criminal_case=pk, export_format="pdf")
    return _download(brief_pdf(brief), "application/pdf", f"case-brief-{brief['reference']}.pdf")
