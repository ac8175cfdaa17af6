"""Audit endpoints: searching the log (read-only) for those allowed to view it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from tipsom.audit.api.filters import AuditEventApiFilterSet
from tipsom.audit.api.serializers import AuditEventSerializer
from tipsom.audit.models import AuditEvent
from tipsom.audit.selectors import audit_event_list
from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission


class AuditEventPagination(KeysetPagination):
    """Newest first along the chain: `sequence` is unique and indexed, so every page is one index range."""

    ordering = "-sequence"


@extend_schema(tags=["audit"])
@extend_schema_view(
    list=extend_schema(responses={200: AuditEventSerializer(many=True)}),
    retrieve=extend_schema(responses={200: AuditEventSerializer}),
)
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventApiFilterSet
    pagination_class = AuditEventPagination

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Without the permission the log does not exist for this user (404, like any record out of scope).
        require_permission(request.user, "view", AuditEvent)

    def get_queryset(self) -> Any:
        return audit_event_list(user=self.request.user)
