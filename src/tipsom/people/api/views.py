"""Person endpoints: the registry within the user's scope, statistical fields only; identities by audited reveal."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission
from tipsom.people import selectors, services
from tipsom.people.api import serializers
from tipsom.people.filters import PersonFilterSet
from tipsom.people.models import Person

_WRITE_ERRORS = error_responses(409)


@extend_schema(tags=["persons"])
@extend_schema_view(
    list=extend_schema(responses={200: serializers.PersonSerializer(many=True)}),
)
class PersonViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Persons the user may see. Persons are registered with their first case (POST /api/v1/cases/)."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = serializers.PersonSerializer
    filterset_class = PersonFilterSet

    def get_queryset(self) -> Any:
        # A row shows no name: the prefetch of names that the selector offers other readers is dropped.
        return selectors.person_list(user=self.request.user).prefetch_related(None)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Person)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: serializers.PersonSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return Response(self.get_serializer(selectors.access_person_by_id(request.user, pk)).data)

    @extend_schema(
        request=serializers.PersonUpdateSerializer, responses={200: serializers.PersonSerializer, **_WRITE_ERRORS}
    )
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        selectors.access_person_by_id(request.user, pk, "change")
        data = validated(serializers.PersonUpdateSerializer, request.data, partial=True)
        version = data.pop("version")
        person = services.person_update(actor=request.user, person_id=pk, version=version, **data)
        return Response(self.get_serializer(person).data)

    @extend_schema(
        request=serializers.RevealSerializer,
        responses={200: serializers.PersonIdentitySerializer},
        description="The identifying parts asked for, for users who may reveal the person. The reason is "
        "required and every revealed record is written to the audit log with it.",
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        person = selectors.access_person_by_id(request.user, pk, "reveal")
        payload = validated(serializers.RevealSerializer, request.data)
        parts = payload.get("fields") or list(serializers.IDENTITY_PARTS)
        identity = services.person_identity_reveal(
            actor=request.user, person=person, parts=parts, reason=payload["reason"]
        )
        return Response(serializers.PersonIdentitySerializer(identity).data)
