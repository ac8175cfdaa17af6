"""Notification endpoints: the signed-in user's own inbox (any role, or none) and marking one read."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.http import AuthenticatedRequest
from tipsom.notifications import selectors, services
from tipsom.notifications.api.serializers import NotificationSerializer


@extend_schema(tags=["notifications"])
@extend_schema_view(
    list=extend_schema(responses={200: NotificationSerializer(many=True)}),
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your own notifications, newest first, paged by cursor. Nobody else's are ever listed."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = NotificationSerializer
    pagination_class = KeysetPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.notification_list(user=self.request.user)

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={200: NotificationSerializer},
    )
    @action(detail=True, methods=["post"], url_path="read", url_name="read")
    def read(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Mark one of your notifications as read (again: no change). Anyone else's answers 404."""
        notification = services.notification_mark_read(actor=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification).data)
