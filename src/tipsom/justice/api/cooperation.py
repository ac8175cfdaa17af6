"""Justice API: international cooperation. /api/v1/justice/cooperation/ (list, create, partial update, answer):
mutual legal assistance and extradition requests and joint investigation teams of the criminal cases you may see,
each with its overdue flag. justice.services.cooperation decides, writes and audits."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import StrictInputSerializer, validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.integers import IdField
from tipsom.core.permissions import require_permission
from tipsom.core.registry import ApiRoute
from tipsom.justice.models import CooperationRequest, CriminalCase
from tipsom.justice.selectors import cooperation as selectors
from tipsom.justice.services import cooperation as services

DIGITS = r"\d+"
WRITE_ERRORS = error_responses(409)


class CooperationSerializer(serializers.ModelSerializer):
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = CooperationRequest
        fields = [
            "id",
            "criminal_case",
            "kind",
            "direction",
            "countries",
            "authority",
            "subject",
            "status",
            "sent_on",
            "deadline",
            "answered_on",
            "starts_on",
            "ends_on",
            "is_overdue",
            "version",
        ]
        read_only_fields = fields

    def get_is_overdue(self, request: CooperationRequest) -> bool:
        return request.is_overdue()


class CooperationChangeSerializer(StrictInputSerializer):
    kind = serializers.CharField(required=False, max_length=30, help_text=_("mla, extradition or jit."))
    direction = serializers.CharField(required=False, max_length=30, help_text=_("outgoing or incoming."))
    countries = serializers.ListField(child=serializers.CharField(max_length=10), required=False)
    authority = serializers.CharField(required=False, allow_blank=True, max_length=400)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=600)
    status = serializers.CharField(required=False, max_length=30)
    sent_on = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    answered_on = serializers.DateField(required=False, allow_null=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)


class CooperationCreateSerializer(CooperationChangeSerializer):
    criminal_case = IdField()
    kind = serializers.CharField(max_length=30, help_text=_("mla, extradition or jit."))
    direction = serializers.CharField(max_length=30, help_text=_("outgoing or incoming."))
    countries = serializers.ListField(child=serializers.CharField(max_length=10))
    authority = serializers.CharField(allow_blank=True, max_length=400)
    version = None  # type: ignore[assignment]


class CooperationAnswerSerializer(StrictInputSerializer):
    answered_on = serializers.DateField(allow_null=True)
    status = serializers.CharField(required=False, max_length=30, help_text=_("answered (default) or refused."))
    version = serializers.IntegerField(required=False, min_value=1)


class CaseQuerySerializer(serializers.Serializer):
    criminal_case = IdField(required=False)
    overdue = serializers.BooleanField(required=False, default=False)


_FILTERS = [
    OpenApiParameter("criminal_case", int, required=False, description="Only this criminal case's."),
    OpenApiParameter("overdue", bool, required=False, description="Only the requests past their deadline."),
]


@extend_schema(tags=["justice"])
@extend_schema_view(list=extend_schema(parameters=_FILTERS, responses={200: CooperationSerializer(many=True)}))
class CooperationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The cooperation requests of the criminal cases you may see, newest first, paged by cursor."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = CooperationSerializer
    pagination_class = KeysetPagination
    filter_backends: list[Any] = []
    lookup_value_regex = DIGITS
    queryset = CooperationRequest.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> QuerySet[CooperationRequest]:
        from django.utils import timezone

        query = validated(CaseQuerySerializer, self.request.query_params)
        rows = selectors.cooperation_list(user=self.request.user, criminal_case=query.get("criminal_case"))
        return selectors.overdue_filter(rows, timezone.localdate()) if query["overdue"] else rows

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", CriminalCase)
        return super().list(request, *args, **kwargs)

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        found = selectors.access_cooperation_request(self.request.user, pk)
        return Response(CooperationSerializer(found).data, status=code)

    @extend_schema(responses={200: CooperationSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._answer(pk)

    @extend_schema(request=CooperationCreateSerializer, responses={201: CooperationSerializer, **WRITE_ERRORS})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Record a request for mutual legal assistance or extradition, or a joint investigation team."""
        data = validated(CooperationCreateSerializer, request.data)
        created = services.cooperation_request_create(actor=request.user, **data)
        return self._answer(created.pk, status.HTTP_201_CREATED)

    @extend_schema(request=CooperationChangeSerializer, responses={200: CooperationSerializer, **WRITE_ERRORS})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        data = validated(CooperationChangeSerializer, request.data)
        services.cooperation_request_update(actor=request.user, cooperation_request=pk, **data)
        return self._answer(pk)

    @extend_schema(request=CooperationAnswerSerializer, responses={200: CooperationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="answer", url_name="answer")
    def answer(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Record the answer (answered or refused) and its date."""
        data = validated(CooperationAnswerSerializer, request.data)
        services.cooperation_request_answer(actor=request.user, cooperation_request=pk, **data)
        return self._answer(pk)


routes = [ApiRoute("justice/cooperation", CooperationViewSet, "justice-cooperation")]
paths: list[Any] = []
