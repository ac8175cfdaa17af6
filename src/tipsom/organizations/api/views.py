"""Organization endpoints: the directory within the user's scope; registering and changing organizations."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission
from tipsom.organizations import selectors, services
from tipsom.organizations.api import serializers
from tipsom.organizations.filters import OrganizationFilterSet
from tipsom.organizations.models import Organization

_WRITE_ERRORS = error_responses(409)


@extend_schema(tags=["organizations"])
@extend_schema_view(list=extend_schema(responses={200: serializers.OrganizationListSerializer(many=True)}))
class OrganizationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Organizations the user may see. Deleting is not offered: deactivate with is_active=false."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = serializers.OrganizationListSerializer
    filterset_class = OrganizationFilterSet

    def get_queryset(self) -> Any:
        return selectors.organization_list(user=self.request.user)

    def _detail(self, organization: Organization, status_code: int = status.HTTP_200_OK) -> Response:
        # The confidential street address goes only to those who may change this very organization.
        may_change = (
            selectors.organization_list(user=self.request.user, action="change").filter(pk=organization.pk).exists()
        )
        context = {**self.get_serializer_context(), "show_street_address": may_change}
        return Response(
            serializers.OrganizationDetailSerializer(organization, context=context).data, status=status_code
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Organization)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: serializers.OrganizationDetailSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._detail(selectors.access_organization_by_id(request.user, pk))

    @extend_schema(
        request=serializers.OrganizationCreateSerializer,
        responses={201: serializers.OrganizationDetailSerializer, **_WRITE_ERRORS},
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", Organization)
        data = validated(serializers.OrganizationCreateSerializer, request.data)
        organization = services.organization_create(actor=request.user, **data)
        return self._detail(organization, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.OrganizationUpdateSerializer,
        responses={200: serializers.OrganizationDetailSerializer, **_WRITE_ERRORS},
    )
    def update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._change(request, pk, partial=False)

    @extend_schema(
        request=serializers.OrganizationUpdateSerializer,
        responses={200: serializers.OrganizationDetailSerializer, **_WRITE_ERRORS},
    )
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._change(request, pk, partial=True)

    def _change(self, request: AuthenticatedRequest, pk: str | None, *, partial: bool) -> Response:
        selectors.access_organization_by_id(request.user, pk, "change")
        data = validated(serializers.OrganizationUpdateSerializer, request.data, partial=partial)
        version = data.pop("version")
        organization = services.organization_update(actor=request.user, organization_id=pk, version=version, **data)
        return self._detail(organization)
