"""Grant screens: the list (money, next report due, overdue, victims assisted), recording and changing a grant,
the grant's page (tranches and their release, reports and their review, transactions with running totals, victims
assisted), a report's submission and document, a transaction. Thin: selectors read, programme.services.grants
decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import edit_view, form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.paging import numbered_page
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.programme.forms.grants import (
    GrantFilterForm,
    GrantForm,
    GrantReportReviewForm,
    GrantReportSubmitForm,
    GrantTransactionForm,
    TrancheReleaseForm,
    reads_every_country,
)
from tipsom.programme.models import Grant, GrantReport, GrantTransaction, Tranche
from tipsom.programme.selectors import grants as selectors
from tipsom.programme.services import grants as services


@require_GET
def grant_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Grant)
    form = GrantFilterForm(request.GET or None, user=request.user)
    valid = not form.is_bound or form.is_valid()
    filters = form.filters() if form.is_bound and valid else {}
    grants = selectors.grant_list(user=request.user, **filters) if valid else Grant.objects.none()
    page = numbered_page(request, grants)
    rows = [
        {"summary": selectors.summary_of(grant), "victims": selectors.count_published(grant.victims_cases)}
        for grant in page.items
    ]
    organization = request.user.organization
    context = {
        "section": "grants",
        "form": form,
        "page": page,
        "rows": rows,
        "show_country": reads_every_country(request.user),
        "can_add": organization is not None and scope_allows_organization(request.user, "add", Grant, organization),
    }
    return render(request, "programme/grants/list.html", context, status=200 if valid else 400)


def _grant_form_page(
    request: AuthenticatedHttpRequest, form: GrantForm, grant: Grant | None, save: Any
) -> HttpResponse:
    return edit_view(
        request,
        form=form,
        save=save,
        template="programme/grants/form.html",
        success_message=_("The grant was saved."),
        success_url=lambda saved: reverse("programme:grant", args=[saved.pk]),
        context={"section": "grants", "grant": grant},
    )


@require_http_methods(["GET", "POST"])
def grant_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization = request.user.organization
    if organization is None or not scope_allows_organization(request.user, "add", Grant, organization):
        raise NotFound()
    form = GrantForm(request.POST or None, user=request.user, country=organization.country)

    def save(_data: dict[str, Any]) -> Grant:
        tranches, reports = form.schedule() or ([], [])
        return services.grant_create(
            actor=request.user, organization=organization, data=form.service_data(), tranches=tranches, reports=reports
        )

    return _grant_form_page(request, form, None, save)


@require_http_methods(["GET", "POST"])
def grant_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_detail(user=request.user, grant_id=pk, action="change")
    form = GrantForm(
        request.POST or None,
        user=request.user,
        country=grant.country,
        grant=grant,
        initial=GrantForm.initial_for(grant),
    )

    def save(data: dict[str, Any]) -> Grant:
        values = form.service_data()
        schedule = form.schedule()
        if schedule is not None:
            values["tranches"], values["reports"] = schedule
        return services.grant_update(actor=request.user, grant_id=grant.pk, version=data.get("version"), data=values)

    return _grant_form_page(request, form, grant, save)


def _grant_page(request: AuthenticatedHttpRequest, grant: Grant, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    tranches = selectors.grant_tranches(user=user, grant=grant)
    reports = selectors.grant_reports(user=user, grant=grant)
    statuses = {report.number: report.status for report in reports}
    can_release = Tranche.objects.restrict(user, "approve").filter(grant=grant).exists()
    manager = Grant.objects.restrict(user, "change").filter(pk=grant.pk).exists()
    context = {
        "section": "grants",
        "grant": grant,
        "summary": selectors.summary_of(grant),
        "tranches": [
            {"tranche": tranche, "block": services.tranche_release_block(tranche, statuses)} for tranche in tranches
        ],
        "reports": [{"report": report, "overdue": selectors.report_is_overdue(report)} for report in reports],
        "transactions": selectors.grant_transactions(user=user, grant=grant),
        "victims": selectors.victims_published(grant),
        "can_release": can_release,
        "can_review": GrantReport.objects.restrict(user, "approve").filter(grant=grant).exists(),
        "can_submit": GrantReport.objects.restrict(user, "change").filter(grant=grant).exists(),
        "can_record": services.grant_allows(user, "add", GrantTransaction, grant),
        "can_edit": manager,
        "release_form": forms.get("release_form") or TrancheReleaseForm(),
        "review_form": forms.get("review_form") or GrantReportReviewForm(),
    }
    return render(request, "programme/grants/detail.html", context, status=status)


@require_GET
def grant_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _grant_page(request, selectors.grant_detail(user=request.user, grant_id=pk))


def _refused(request: AuthenticatedHttpRequest, error: ApplicationError) -> None:
    fields = error.extra.get("fields") or {}
    details = " ".join(str(message) for message in fields.values() if str(message) != error.message)
    messages.error(request, f"{error.message} {details}".strip())


@require_POST
def tranche_release_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    tranche = access_by_id(Tranche, request.user, pk, "approve")
    form = TrancheReleaseForm(request.POST)
    if form.is_valid():
        try:
            services.tranche_release(
                actor=request.user, tranche_id=tranche.pk, released_on=form.cleaned_data["released_on"]
            )
        except NotFound:
            raise
        except ApplicationError as error:
            _refused(request, error)
            grant = selectors.grant_detail(user=request.user, grant_id=tranche.grant_id)
            return _grant_page(request, grant, status=error.status_code)
        messages.success(request, _("Tranche %(number)d was released.") % {"number": tranche.number})
    else:
        messages.error(request, _("Enter a valid date (YYYY-MM-DD)."))
    return redirect(reverse("programme:grant", args=[tranche.grant_id]) + "#tranches")


def _review(request: AuthenticatedHttpRequest, pk: int, approve: bool) -> HttpResponse:
    report = access_by_id(GrantReport, request.user, pk, "approve")
    form = GrantReportReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if approve:
            services.grant_report_approve(actor=request.user, report_id=report.pk, comment=comment)
            messages.success(request, _("Report %(number)d was approved.") % {"number": report.number})
        else:
            services.grant_report_return(actor=request.user, report_id=report.pk, comment=comment)
            messages.success(request, _("Report %(number)d was returned.") % {"number": report.number})
    except NotFound:
        raise
    except ApplicationError as error:
        _refused(request, error)
        grant = selectors.grant_detail(user=request.user, grant_id=report.grant_id)
        return _grant_page(request, grant, status=error.status_code)
    return redirect(reverse("programme:grant", args=[report.grant_id]) + "#reports")


@require_POST
def grant_report_approve_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, approve=True)


@require_POST
def grant_report_return_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, approve=False)


@require_http_methods(["GET", "POST"])
def grant_report_submit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reports = GrantReport.objects.select_related("grant").defer("document_content")
    report = access_by_id(GrantReport, request.user, pk, "change", queryset=reports)
    form = GrantReportSubmitForm(request.POST or None, request.FILES or None, initial={"narrative": report.narrative})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.grant_report_submit(
                    actor=request.user,
                    report_id=report.pk,
                    narrative=form.cleaned_data["narrative"],
                    document=form.cleaned_data.get("document"),
                )
            except NotFound:
                raise
            except ApplicationError as error:
                form_add_application_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Report %(number)d was submitted for review.") % {"number": report.number})
                return redirect(reverse("programme:grant", args=[report.grant_id]) + "#reports")
        else:
            status = 400
    context = {"section": "grants", "form": form, "report": report, "grant": report.grant}
    return render(request, "programme/grants/report_form.html", context, status=status)


@never_cache
@require_GET
def grant_report_document_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The report's document decrypted, to whoever may see the report; the service audits every download."""
    report, content = services.grant_report_document_open(actor=request.user, report_id=pk)
    response = HttpResponse(content, content_type=report.document_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, report.document_name or "report")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_http_methods(["GET", "POST"])
def grant_transaction_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_detail(user=request.user, grant_id=pk)
    if not services.grant_allows(request.user, "add", GrantTransaction, grant):
        raise NotFound()
    manager = Grant.objects.restrict(request.user, "change").filter(pk=grant.pk).exists()
    tranches = selectors.grant_tranches(user=request.user, grant=grant)
    form = GrantTransactionForm(request.POST or None, grant=grant, tranches=tranches, manager=manager)

    def save(data: dict[str, Any]) -> GrantTransaction:
        return services.transaction_record(
            actor=request.user,
            grant_id=grant.pk,
            transaction_type=data["transaction_type"],
            date=data["date"],
            amount=data["amount"],
            tranche_id=data.get("tranche"),
            description=data.get("description") or "",
        )

    return edit_view(
        request,
        form=form,
        save=save,
        template="programme/grants/transaction_form.html",
        success_message=_("The transaction was recorded."),
        success_url=reverse("programme:grant", args=[grant.pk]) + "#transactions",
        context={"section": "grants", "grant": grant},
    )
