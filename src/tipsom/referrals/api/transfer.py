"""Transfer endpoints: asking another organization of the country to take over a case, and its answer.

Thin on purpose: referrals.services.transfer decides, writes and audits; reads go through referrals.selectors.
The reason and the response are shown to the two organizations concerned only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.serializers import StrictInputSerializer, validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.integers import IdField
from tipsom.core.permissions import require_permission
from tipsom.referrals import services
from tipsom.referrals.api.referral import ANSWER_ERRORS, DIGITS, ReferralPartySerializer, coded
from tipsom.referrals.models import Transfer
from tipsom.referrals.selectors import referral as selectors


# --- Reading ---------------------------------------------------------------------------------------------------
class TransferListSerializer(serializers.ModelSerializer):
    """A transfer row: who asks whom to take which case, and where it stands; no free text."""

    case_number = serializers.CharField(source="case.case_number", read_only=True)
    status = coded(_("requested, accepted, declined or cancelled."))
    from_organization = ReferralPartySerializer(read_only=True)
    to_organization = ReferralPartySerializer(read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "case",
            "case_number",
            "from_organization",
            "to_organization",
            "status",
            "requested_at",
            "responded_at",
            "version",
        ]
        read_only_fields = fields


class TransferDetailSerializer(TransferListSerializer):
    """One transfer; its reason and response are shown to the two organizations concerned only."""

    reason = serializers.SerializerMethodField()
    response = serializers.SerializerMethodField()

    class Meta(TransferListSerializer.Meta):
        fields = [*TransferListSerializer.Meta.fields, "reason", "response", "requested_by", "responded_by"]
        read_only_fields = fields

    def _party(self, transfer: Transfer) -> bool:
        organization_id = self.context.get("organization_id")
        return organization_id in (transfer.from_organization_id, transfer.to_organization_id)

    @extend_schema_field(serializers.CharField(help_text=_("Empty unless your organization asks or is asked.")))
    def get_reason(self, transfer: Transfer) -> str:
        return transfer.reason if self._party(transfer) else ""

    @extend_schema_field(serializers.CharField(help_text=_("Empty unless your organization asks or is asked.")))
    def get_response(self, transfer: Transfer) -> str:
        return transfer.response if self._party(transfer) else ""


# --- Writing ---------------------------------------------------------------------------------------------------
class TransferCreateSerializer(StrictInputSerializer):
    case = IdField(help_text=_("The case to hand over (your organization owns it)."))
    to_organization = IdField(help_text=_("An active organization of the case's country."))
    reason = serializers.CharField(max_length=1000, allow_blank=True, trim_whitespace=False)


class TransferDeclineSerializer(StrictInputSerializer):
    response = serializers.CharField(max_length=1000, allow_blank=True, trim_whitespace=False)


class TransferListQuerySerializer(serializers.Serializer):
    box = serializers.ChoiceField(choices=["received", "all"], required=False, default="all")


# --- Views -----------------------------------------------------------------------------------------------------
_TRANSFER_BOX = OpenApiParameter(
    "box",
    str,
    enum=["received", "all"],
    required=False,
    description="received: transfers asked of your organization; all (default): every transfer you may see.",
)
_TRANSFER_ANSWER = {200: TransferDetailSerializer, **ANSWER_ERRORS}


@extend_schema(tags=["referrals"])
@extend_schema_view(list=extend_schema(parameters=[_TRANSFER_BOX], responses={200: TransferListSerializer(many=True)}))
class TransferViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Transfers of case ownership to another organization, newest first, paged by cursor."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = TransferListSerializer
    pagination_class = KeysetPagination
    filter_backends: list[Any] = []
    lookup_value_regex = DIGITS
    queryset = Transfer.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> QuerySet[Transfer]:
        box = validated(TransferListQuerySerializer, self.request.query_params)["box"]
        if box == "received":
            return selectors.transfer_inbox(user=self.request.user)
        return selectors.transfer_list(user=self.request.user)

    def _answer(self, transfer: Transfer, code: int = status.HTTP_200_OK) -> Response:
        context = {"organization_id": self.request.user.organization_id}
        return Response(TransferDetailSerializer(transfer, context=context).data, status=code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Transfer)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TransferCreateSerializer, responses={201: TransferDetailSerializer, **ANSWER_ERRORS})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Ask another organization of the country to take over a case your organization owns."""
        require_permission(request.user, "add", Transfer)
        data = validated(TransferCreateSerializer, request.data)
        transfer = services.transfer_request(
            actor=request.user, case_id=data["case"], to_organization_id=data["to_organization"], reason=data["reason"]
        )
        return self._answer(transfer, status.HTTP_201_CREATED)

    @extend_schema(responses={200: TransferDetailSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._answer(selectors.access_transfer_by_id(request.user, pk))

    @extend_schema(request=None, responses=_TRANSFER_ANSWER)
    @action(detail=True, methods=["post"], url_path="accept", url_name="accept")
    def accept(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The organization asked takes the case (and its person) over."""
        return self._answer(services.transfer_accept(actor=request.user, transfer_id=pk))

    @extend_schema(request=TransferDeclineSerializer, responses=_TRANSFER_ANSWER)
    @action(detail=True, methods=["post"], url_path="decline", url_name="decline")
    def decline(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        data = validated(TransferDeclineSerializer, request.data)
        return self._answer(services.transfer_decline(actor=request.user, transfer_id=pk, response=data["response"]))

    @extend_schema(request=None, responses=_TRANSFER_ANSWER)
    @action(detail=True, methods=["post"], url_path="cancel", url_name="cancel")
    def cancel(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The asking organization withdraws its request."""
        return self._answer(services.transfer_cancel(actor=request.user, transfer_id=pk))
