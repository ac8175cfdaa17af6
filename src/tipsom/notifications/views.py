"""The inbox: the signed-in user's own notifications, and marking them read (with HTMX, in place)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.paging import PAGE_SIZE, keyset_page
from tipsom.notifications import kinds, selectors, services
from tipsom.notifications.models import Notification


def _item(notification: Notification) -> dict[str, Any]:
    return {"notification": notification, "message": kinds.render(notification)}


@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Everybody signed in has an inbox of their own: no role or permission is asked for.
    page = keyset_page(request, selectors.notification_list(user=request.user), "pk", per_page=PAGE_SIZE)
    context = {
        "page": page,
        "items": [_item(notification) for notification in page.items],
        "unread": selectors.notification_unread_count(user=request.user),
    }
    return render(request, "notifications/inbox.html", context)


@require_POST
def mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = services.notification_mark_read(actor=request.user, notification_id=pk)
    if request.htmx:
        return render(request, "notifications/partials/item.html", {"item": _item(notification)})
    return redirect("notifications:inbox")


@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=request.user)
    if request.htmx:
        # The whole list and the menu's count change: htmx reloads the page.
        return HttpResponse(status=204, headers={"HX-Redirect": reverse("notifications:inbox")})
    message = ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
    messages.success(request, message % {"count": count})
    return redirect("notifications:inbox")
