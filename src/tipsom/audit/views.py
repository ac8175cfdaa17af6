"""The auditor's screen: search the audit log (newest first, keyset pages) and read one event in full; actions in
words and objects by their readable names (tipsom.audit.labels)."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tipsom.audit.filters import AuditEventFilterSet
from tipsom.audit.labels import label_events
from tipsom.audit.models import AuditEvent
from tipsom.audit.selectors import audit_event_list
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.paging import keyset_page
from tipsom.core.permissions import access_by_id, require_permission


@require_GET
def audit_event_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", AuditEvent)
    filterset = AuditEventFilterSet(request.GET, queryset=audit_event_list(user=request.user))
    valid = filterset.is_valid()
    events = filterset.qs if valid else filterset.queryset.none()
    page = keyset_page(request, events.select_related("actor", "organization"), key="sequence")
    label_events(page.items)  # the actions in words, the objects by their names (one query per type)
    context = {"filter": filterset, "page": page, "events": page.items}
    return render(request, "audit/event_list.html", context, status=200 if valid else 400)


@require_GET
def audit_event_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = access_by_id(
        AuditEvent, request.user, pk, "view", queryset=AuditEvent.objects.select_related("actor", "organization")
    )
    label_events([event])
    changes = json.dumps(event.changes, indent=2, sort_keys=True, ensure_ascii=False)
    return render(request, "audit/event_detail.html", {"event": event, "changes": changes})
