"""The case page's actions: each POST parses one form and calls one service as the signed-in user.

With HTMX a success answers the refreshed tab (its forms carry the case's new version) and a refusal answers the
form with its errors, retargeted onto itself, with the refusal's status (400, or 409 for a stale version). Without
HTMX a success redirects to the page and a refusal renders the page with the form and its errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.accounts.models import User
from tipsom.cases import services
from tipsom.cases.selectors import access_case_by_id, case_attachments
from tipsom.cases.views import approvals
from tipsom.cases.views.case_context import SPECS, CasePage, action_form
from tipsom.cases.views.case_page import DEFAULT_TAB, render_page, render_tab
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import submit_form
from tipsom.core.http import AuthenticatedHttpRequest

Call = Callable[[CasePage, Any, dict[str, Any]], Any]


def _act(
    request: AuthenticatedHttpRequest,
    pk: int,
    name: str,
    call: Call,
    *,
    permission: str = "change",
    item: Any = None,
    item_ok: Callable[[CasePage], bool] | None = None,
) -> HttpResponse:
    page = CasePage(request, access_case_by_id(request.user, pk, permission))
    if item_ok is not None and not item_ok(page):
        raise NotFound()
    spec = SPECS[name]
    submitted = action_form(page, name, item=item, data=request.POST, files=request.FILES)
    submission = submit_form(submitted.form, lambda data: call(page, submitted.form, data))
    if submission.ok:
        done = str(spec.done)
        fresh = CasePage(request, access_case_by_id(request.user, pk))
        tab = spec.tab if spec.tab in dict(fresh.tabs) else DEFAULT_TAB
        if request.htmx:
            return render_tab(request, fresh, tab, notice=done)
        messages.success(request, done)
        return redirect(f"{reverse('cases:detail', kwargs={'pk': pk})}?tab={tab}")
    if request.htmx:
        context = {"action": submitted, "case": page.case}
        response = render(request, "cases/partials/action_form.html", context, status=submission.status)
        response["HX-Retarget"] = f"#{submitted.form_id}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render_page(request, page, spec.tab, errors=submitted, status=submission.status)


def _version(data: dict[str, Any]) -> int:
    return data["version"]


def _optional(value: str) -> int | None:
    return int(value) if value else None


# The case itself ----------------------------------------------------------------------------------------------


@require_POST
def case_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "edit",
        lambda page, form, data: services.case_update(
            actor=request.user, case_id=page.case.pk, version=_version(data), **form.service_data()
        ),
    )


@require_POST
def case_team_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "team",
        lambda page, form, data: services.case_team_set(
            actor=request.user,
            case_id=page.case.pk,
            version=_version(data),
            user_ids=[int(user_id) for user_id in data["team"]],
        ),
    )


@require_POST
def case_set_status_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "set_status",
        lambda page, form, data: services.case_set_status(
            actor=request.user, case_id=page.case.pk, version=_version(data), status=data["status"]
        ),
    )


@require_POST
def case_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "close",
        lambda page, form, data: services.case_close(
            actor=request.user,
            case_id=page.case.pk,
            version=_version(data),
            status=data["status"],
            reason=data["reason"],
            closed_on=data["closed_on"],
        ),
    )


@require_http_methods(["GET", "POST"])
def case_closure_review_view(request: AuthenticatedHttpRequest, pk: int, request_id: int) -> HttpResponse:
    # The review page (opened from the approvals list) asks and confirms; the case page's buttons post here too.
    if request.method == "GET" or approvals.is_review_page_post(request):
        return approvals.closure_review_page(request, pk, request_id)
    return _act(
        request,
        pk,
        "closure_review",
        lambda page, form, data: services.closure_review(
            actor=request.user, request_id=request_id, approve=data["decision"] == "approve", comment=data["comment"]
        ),
        permission="approve",
        item=request_id,
        item_ok=lambda page: any(closure.pk == request_id for closure in page.closure_requests),
    )


# Identification -------------------------------------------------------------------------------------------------


@require_POST
def case_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "decide",
        lambda page, form, data: services.case_decide_status(
            actor=request.user,
            case_id=page.case.pk,
            version=_version(data),
            status=data["status"],
            decided_on=data["decided_on"],
            deciding_organization_type=data["deciding_organization_type"],
            basis=data["basis"],
        ),
    )


@require_http_methods(["GET", "POST"])
def case_decision_review_view(request: AuthenticatedHttpRequest, pk: int, decision_id: int) -> HttpResponse:
    # The review page (opened from the approvals list) asks and confirms; the case page's buttons post here too.
    if request.method == "GET" or approvals.is_review_page_post(request):
        return approvals.decision_review_page(request, pk, decision_id)
    return _act(
        request,
        pk,
        "decision_review",
        lambda page, form, data: services.decision_review(
            actor=request.user, decision_id=decision_id, approve=data["decision"] == "approve", comment=data["comment"]
        ),
        permission="approve",
        item=decision_id,
        item_ok=lambda page: any(decision.pk == decision_id for decision in page.decisions),
    )


@require_POST
def case_event_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "event",
        lambda page, form, data: services.event_add(
            actor=request.user,
            case_id=page.case.pk,
            version=_version(data),
            event_type=data["event_type"],
            country=data["country"],
            place=data["place"],
            start_date=data["start_date"],
            end_date=data["end_date"],
        ),
    )


# Consent and case work --------------------------------------------------------------------------------------------


@require_POST
def case_consent_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "consent",
        lambda page, form, data: services.consent_record(
            actor=request.user, case_id=page.case.pk, version=_version(data), **form.service_data()
        ),
    )


@require_POST
def case_assessment_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "assessment",
        lambda page, form, data: services.assessment_add(
            actor=request.user,
            case_id=page.case.pk,
            version=_version(data),
            kind=data["kind"],
            assessed_on=data["assessed_on"],
            level=data["level"],
            needs=data["needs"],
            notes=data["notes"],
        ),
    )


@require_POST
def case_plan_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "plan",
        lambda page, form, data: services.plan_item_add(
            actor=request.user,
            case_id=page.case.pk,
            version=_version(data),
            support_type=data["support_type"],
            goal=data["goal"],
            target_date=data["target_date"],
        ),
    )


@require_POST
def case_plan_status_view(request: AuthenticatedHttpRequest, pk: int, item_id: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "plan_status",
        lambda page, form, data: services.plan_item_set_status(
            actor=request.user, item_id=item_id, version=_version(data), status=data["status"]
        ),
        item=item_id,
        item_ok=lambda page: page.case.plan_items.filter(pk=item_id).exists(),
    )


@require_POST
def case_service_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "service",
        lambda page, form, data: services.service_add(
            actor=request.user,
            case_id=page.case.pk,
            version=_version(data),
            support_type=data["support_type"],
            delivered_on=data["delivered_on"],
            provider_id=_optional(data["provider"]),
            outcome=data["outcome"],
            notes=data["notes"],
        ),
    )


@require_POST
def case_task_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "task",
        lambda page, form, data: services.task_add(
            actor=request.user,
            case_id=page.case.pk,
            version=_version(data),
            title=data["title"],
            due_on=data["due_on"],
            assigned_to_id=_optional(data["assigned_to"]),
        ),
    )


@require_POST
def case_task_done_view(request: AuthenticatedHttpRequest, pk: int, task_id: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "task_done",
        lambda page, form, data: services.task_complete(actor=request.user, task_id=task_id, version=_version(data)),
        item=task_id,
        item_ok=lambda page: page.case.tasks.filter(pk=task_id).exists(),
    )


@require_POST
def case_journal_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Adds a note. There is no edit: a correction is a new note."""
    return _act(
        request,
        pk,
        "journal",
        lambda page, form, data: services.journal_add(actor=request.user, case_id=page.case.pk, text=data["text"]),
    )


# Attachments ----------------------------------------------------------------------------------------------------


def _attach(page: CasePage, form: forms.Form, data: dict[str, Any], actor: User) -> Any:
    upload = data["file"]
    try:
        return services.attachment_add(actor=actor, case_id=page.case.pk, filename=upload.name, content=upload.read())
    except NotFound:
        raise
    except ApplicationError as error:
        # The form has one field for the file; a refused name is said there too.
        fields = error.extra.get("fields") or {}
        if "filename" in fields:
            fields.setdefault("file", fields.pop("filename"))
        raise


@require_POST
def case_attachment_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "attachment", lambda page, form, data: _attach(page, form, data, request.user))


@never_cache
@require_GET
def case_attachment_download_view(request: AuthenticatedHttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """The decrypted file, for the case's team; every download is audited by the service."""
    case = access_case_by_id(request.user, pk)
    if not case_attachments(case).filter(pk=attachment_id).exists():
        raise NotFound()
    attachment, content = services.attachment_open(actor=request.user, attachment_id=attachment_id)
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# The child track --------------------------------------------------------------------------------------------------


@require_POST
def case_child_notify_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "child_notify",
        lambda page, form, data: services.child_notify(
            actor=request.user,
            case_id=page.case.pk,
            version=_version(data),
            organization_id=_optional(data["organization"]),
        ),
    )


@require_POST
def case_child_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "child",
        lambda page, form, data: services.child_update(
            actor=request.user, case_id=page.case.pk, version=_version(data), **form.service_data()
        ),
    )
