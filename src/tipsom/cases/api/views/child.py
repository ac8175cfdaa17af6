"""A child's case through the API: the child protection track, its guardian and the notified agency
(cases.services.child)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from tipsom.cases import services
from tipsom.cases.api import serializers
from tipsom.cases.api.views.base import REVEAL_PARAMETER, CaseApiView, write_schema
from tipsom.cases.models import Case, ChildProtection
from tipsom.core.api.serializers import validated
from tipsom.core.errors import NotFound
from tipsom.core.http import AuthenticatedRequest


class ChildTrackViews(CaseApiView):
    """/cases/{id}/child/ and child/notify/."""

    # --- child track ---------------------------------------------------------------------------------------
    def _track(self, case: Case) -> ChildProtection:
        try:
            return case.child_protection
        except ChildProtection.DoesNotExist as exc:
            raise NotFound() from exc

    @extend_schema(parameters=[REVEAL_PARAMETER], responses={200: serializers.ChildProtectionSerializer})
    @action(detail=True, methods=["get"], url_path="child", url_name="child")
    def child(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        track = self._track(self._case(pk))
        reveal = self._reveal(pk, "child")
        return Response(serializers.ChildProtectionSerializer(track, context={"reveal": reveal}).data)

    @extend_schema(**write_schema(serializers.ChildUpdateSerializer, serializers.ChildProtectionSerializer, 200))
    @child.mapping.patch
    def child_change(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.ChildUpdateSerializer, request.data)
        track = services.child_update(actor=request.user, case_id=pk, **data)
        return self._answer(pk, track, serializers.ChildProtectionSerializer, status.HTTP_200_OK)

    @extend_schema(**write_schema(serializers.ChildNotifyInputSerializer, serializers.ChildProtectionSerializer, 200))
    @action(detail=True, methods=["post"], url_path="child/notify", url_name="child-notify")
    def child_notify(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        self._case(pk, "change")
        data = validated(serializers.ChildNotifyInputSerializer, request.data)
        track = services.child_notify(
            actor=request.user, case_id=pk, version=data["version"], organization_id=data["organization"]
        )
        return self._answer(pk, track, serializers.ChildProtectionSerializer, status.HTTP_200_OK)
