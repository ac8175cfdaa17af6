"""Administration of users and the roles list: screens for those who may change users, 404 for everyone else."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.accounts import selectors, services
from tipsom.accounts.filters import UserFilterSet
from tipsom.accounts.forms.users import RevealForm, UserCreateForm, UserEditForm
from tipsom.accounts.models import ObjectPermission, User
from tipsom.audit.models import AuditEvent
from tipsom.audit.reveal import identifying_reveal
from tipsom.audit.selectors import audit_event_list
from tipsom.core.forms import edit_view, submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.masking import mask
from tipsom.core.paging import numbered_page
from tipsom.core.permissions import access_by_id, require_permission, user_can

RECENT_EVENTS = 10


@require_GET
def user_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "change", User)
    filterset = UserFilterSet(
        request.GET, queryset=selectors.user_list(user=request.user, action="change"), request=request
    )
    valid = filterset.is_valid()
    queryset = filterset.qs if valid else filterset.queryset.none()
    page = numbered_page(request, queryset.order_by("username"))
    context = {"filter": filterset, "page": page, "users": page.items}
    return render(request, "accounts/users_list.html", context, status=200 if valid else 400)


@require_http_methods(["GET", "POST"])
def user_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", User)
    form = UserCreateForm(request.POST or None, actor=request.user)
    return edit_view(
        request,
        form=form,
        save=lambda data: services.user_create(
            actor=request.user,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            organization=data["organization"],
            roles=list(data["roles"]),
            password=data["password"],
        ),
        template="accounts/users_form.html",
        context={"target": None},
        success_message=_("The user was created."),
        success_url=lambda user: reverse("accounts:user_detail", args=[user.pk]),
    )


@require_GET
def user_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.access_user_by_id(request.user, pk, "change")
    return render(request, "accounts/users_detail.html", _detail_context(request, target))


def _detail_context(request: AuthenticatedHttpRequest, target: User) -> dict[str, Any]:
    viewer = request.user
    can_view_audit = user_can(viewer, "view", AuditEvent)
    events: list[AuditEvent] = []
    if can_view_audit:
        about_target = audit_event_list(user=viewer).filter(object_type="accounts.user", object_id=str(target.pk))
        events = list(about_target[:RECENT_EVENTS])
    return {
        "target": target,
        "roles": list(target.roles.all()),
        "language": dict(settings.LANGUAGES).get(target.preferred_language, target.preferred_language),
        "phone_masked": mask(target.phone),
        "can_reveal": bool(target.phone)
        and selectors.user_list(user=viewer, action="reveal").filter(pk=target.pk).exists(),
        "reveal_form": RevealForm(),
        "has_second_factor": services.totp_device_for(target) is not None,
        "requires_second_factor": services.user_requires_2fa(target),
        "can_view_audit": can_view_audit,
        "events": events,
    }


@require_http_methods(["GET", "POST"])
def user_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = selectors.access_user_by_id(request.user, pk, "change")
    form = UserEditForm(request.POST or None, actor=request.user, initial=UserEditForm.initial_for(target))
    return edit_view(
        request,
        form=form,
        save=lambda data: services.user_update(
            actor=request.user, user_id=target.pk, data=form.service_data(), roles=list(data["roles"])
        ),
        template="accounts/users_form.html",
        context={"target": target},
        success_message=_("The user was saved."),
        success_url=reverse("accounts:user_detail", args=[target.pk]),
    )


@require_POST
def user_reset_2fa_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    services.user_reset_2fa(actor=request.user, user_id=pk)
    messages.success(request, _("Two-factor authentication was reset. The user enrols again at the next sign-in."))
    return redirect("accounts:user_detail", pk=pk)


@never_cache
@require_POST
def user_reveal_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the phone once, after the viewer says why. The reason is audited; the value never is."""
    target = access_by_id(User, request.user, pk, "reveal", queryset=User.objects.select_related("organization"))
    form = RevealForm(request.POST)
    submission = submit_form(
        form,
        lambda data: identifying_reveal(actor=request.user, target=target, fields=["phone"], reason=data["reason"]),
    )
    context = {"target": target, "form": form, "revealed": submission.result}
    if request.htmx:
        # HTMX swaps only successful answers, so a missing reason comes back as 200 with the form and its error.
        return render(request, "accounts/users_reveal_partial.html", context)
    return render(request, "accounts/users_reveal.html", context, status=submission.status)


@require_GET
def role_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "change", User)
    roles = [
        {"role": role, "permissions": [_permission_row(permission) for permission in role.permissions.all()]}
        for role in selectors.role_list()
    ]
    return render(request, "accounts/roles_list.html", {"roles": roles})


def _permission_row(permission: ObjectPermission) -> dict[str, Any]:
    return {
        "name": permission.name,
        "description": permission.display_description,
        "object_types": [_object_type_label(label) for label in permission.object_types],
        "actions": permission.actions,
        "scope": permission.get_scope_display(),
        "enabled": permission.enabled,
    }


def _object_type_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except (LookupError, ValueError):
        return label
