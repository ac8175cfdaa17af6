"""Referral endpoints: the inbox and outbox, sending from a case, answering, and the receiver's look at the
shared sections (transfers of case ownership are in transfer.py).

Thin on purpose: serializers check shapes, referrals.services decide, write and audit; reads go through
referrals.selectors. The sending side sees the whole referral record (messages, reasons); the receiver sees its
header only, and the case only through GET {id}/case/ while the referral is live (audited each time)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import ErrorSerializer, StrictInputSerializer, validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.integers import IdField
from tipsom.core.permissions import require_permission
from tipsom.referrals import services
from tipsom.referrals.models import OPEN_STATES, Referral, State
from tipsom.referrals.selectors import referral as selectors

DIGITS = "[0-9]+"
# 403: the user sees the record but is not the side that may do this (the receiver revoking, say).
ANSWER_ERRORS = {
    **error_responses(409),
    403: OpenApiResponse(
        response=ErrorSerializer,
        description="You see this record, but the other side does this (code not_receiver or not_sender).",
    ),
}

_STATE_HELP = _("sent, accepted, declined, in_progress, completed, revoked or expired.")
_CHANNEL_HELP = _("system (on tipsom), letter (an organization not on tipsom), abroad, or from_abroad.")
_URGENCY_HELP = _("emergency, urgent or routine.")
_SERVICE_TYPE_HELP = _("The type of service (referrals.ServiceType), e.g. shelter, medical, legal_aid.")
_VERSION_HELP = _("The referral's `version` you read; a stale one answers 409 and changes nothing.")


def coded(help_text: Any) -> serializers.CharField:
    """A coded field as plain text in the schema: an enum per field would collide in the OpenAPI components
    with other apps' `state` and `status`."""
    return serializers.CharField(read_only=True, help_text=help_text)


# --- Reading ---------------------------------------------------------------------------------------------------
class ReferralPartySerializer(serializers.Serializer):
    """An organization or service a referral names: its id and name only."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ReferralListSerializer(serializers.ModelSerializer):
    """A list row: the referral's coded facts and the case number, never case data or free text."""

    case_number = serializers.SerializerMethodField()
    is_child = serializers.SerializerMethodField()
    channel = coded(_CHANNEL_HELP)
    service_type = coded(_SERVICE_TYPE_HELP)
    urgency = coded(_URGENCY_HELP)
    state = coded(_STATE_HELP)
    from_organization = ReferralPartySerializer(read_only=True, allow_null=True)
    to_organization = ReferralPartySerializer(read_only=True, allow_null=True)
    service = ReferralPartySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "case_number",
            "is_child",
            "channel",
            "service_type",
            "urgency",
            "state",
            "overdue",
            "due_at",
            "sent_at",
            "from_organization",
            "to_organization",
            "service",
            "partner_country",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_case_number(self, referral: Referral) -> str | None:
        return referral.case.case_number if referral.case is not None else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_is_child(self, referral: Referral) -> bool | None:
        return referral.case.is_child if referral.case is not None else None


class ReferralHeaderSerializer(ReferralListSerializer):
    """What the receiving organization sees of a referral: the header, never case data. The case's shared
    sections come from GET {id}/case/ while the referral is accepted or in progress."""

    view = serializers.SerializerMethodField(help_text=_("header: the receiver's view, without case data."))
    sections = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("The sections of the case the sender shares.")
    )
    message = serializers.SerializerMethodField(
        help_text=_("The sender's message, for the receiving organization while the referral is open.")
    )

    class Meta(ReferralListSerializer.Meta):
        fields = [
            "view",
            *ReferralListSerializer.Meta.fields,
            "sections",
            "responded_at",
            "started_at",
            "ended_at",
            "outcome",
            "message",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["header"]))
    def get_view(self, referral: Referral) -> str:
        return "header"

    def get_message(self, referral: Referral) -> str:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        receiving = user is not None and getattr(user, "organization_id", None) == referral.to_organization_id
        return referral.message if receiving and referral.is_open else ""


class ReferralDetailSerializer(ReferralHeaderSerializer):
    """The sending side's view: the whole record, with the message and every reason given."""

    view = serializers.SerializerMethodField(help_text=_("full: the sending side's view of the whole record."))
    recipient = serializers.CharField(read_only=True, help_text=_("By letter or abroad: who receives it."))
    message = serializers.CharField(read_only=True)  # type: ignore[assignment]  # the whole message, for the sender
    consent_override = serializers.CharField(read_only=True, help_text=_("Why it was sent without consent."))
    warning_override = serializers.CharField(read_only=True, help_text=_("Why it was sent despite the warnings."))
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)
    decline_reason = serializers.CharField(read_only=True)
    revoke_reason = serializers.CharField(read_only=True)
    outcome_notes = serializers.CharField(read_only=True)

    class Meta(ReferralHeaderSerializer.Meta):
        fields = [
            *ReferralHeaderSerializer.Meta.fields,
            "case",
            "recipient",
            "message",
            "consent_override",
            "warning_override",
            "warnings",
            "decline_reason",
            "revoke_reason",
            "outcome_notes",
            "delivery",
            "created_by",
            "responded_by",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["full"]))
    def get_view(self, referral: Referral) -> str:
        return "full"


REFERRAL_ANSWER = PolymorphicProxySerializer(
    component_name="ReferralView",
    serializers={"full": ReferralDetailSerializer, "header": ReferralHeaderSerializer},
    resource_type_field_name="view",
)


class RegisteredCaseSerializer(serializers.Serializer):
    """The case registered here from a referral from another country."""

    case = serializers.IntegerField(read_only=True)
    case_number = serializers.CharField(read_only=True)


class ReferralSharedSerializer(serializers.Serializer):
    """The receiver's look at the case: the referral's header and the sections the sender shared."""

    referral = ReferralHeaderSerializer(read_only=True)
    sections = serializers.DictField(
        read_only=True, help_text=_("{section: data} for the shared sections only (profile, identity, ...).")
    )


# --- Writing ---------------------------------------------------------------------------------------------------
class ReferralSendSerializer(StrictInputSerializer):
    case = IdField(help_text=_("The case to refer (you must be able to change it)."))
    channel = serializers.CharField(max_length=12, required=False, help_text=_("system (default), letter or abroad."))
    service = IdField(required=False, allow_null=True, help_text=_("On tipsom: the service id."))
    service_type = serializers.CharField(
        max_length=24, required=False, allow_blank=True, help_text=_("By letter or abroad: the type of service.")
    )
    recipient = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text=_("By letter or abroad: who receives it.")
    )
    partner_country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text=_("Abroad: the other country (ISO 3166-1).")
    )
    urgency = serializers.CharField(max_length=10, required=False, help_text=_URGENCY_HELP)
    sections = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        max_length=10,
        help_text=_("profile, identity, contact, exploitation, needs, plan, child; the profile always goes."),
    )
    message = serializers.CharField(max_length=4000, required=False, allow_blank=True, trim_whitespace=False)
    consent_override = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=_("Without consent: why this is an emergency (at least 10 characters; audited)."),
    )
    warning_override = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text=_("When the service raises warnings (409 referral_warning): why to refer anyway."),
    )


class ReferralVersionSerializer(StrictInputSerializer):
    version = serializers.IntegerField(min_value=1, required=False, help_text=_VERSION_HELP)


class ReferralReasonSerializer(ReferralVersionSerializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True, trim_whitespace=False)


class ReferralCompleteSerializer(ReferralVersionSerializer):
    outcome = serializers.CharField(max_length=16, help_text=_("The outcome of the service delivered."))
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, trim_whitespace=False)
    delivered_on = serializers.DateField(required=False, allow_null=True, help_text=_("Left out: today."))


class ReferralListQuerySerializer(serializers.Serializer):
    box = serializers.ChoiceField(choices=["received", "sent", "all"], required=False, default="all")
    state = serializers.ChoiceField(choices=["", "open", "overdue", *State.values], required=False, default="")


# --- Views -----------------------------------------------------------------------------------------------------
def _answer_schema(request: Any, code: int = 200, **extra: Any) -> dict[str, Any]:
    return {"request": request, "responses": {code: REFERRAL_ANSWER, **ANSWER_ERRORS}, **extra}


_BOX = OpenApiParameter(
    "box",
    str,
    enum=["received", "sent", "all"],
    required=False,
    description="received: sent to your organization; sent: your organization sent; all (default): every "
    "referral you may see.",
)
_STATE = OpenApiParameter(
    "state",
    str,
    enum=["open", "overdue", *State.values],
    required=False,
    description="A state; open: sent, accepted or in progress; overdue: missed its time to answer.",
)


# The list is built from `.values()`, in ReferralListSerializer's shape (which documents it): building model
# instances and running the serializer per row was most of a list request's time (bench/README.md, "Referrals").
_PARTIES = ("from_organization", "to_organization", "service")
_PLAIN = ("id", "channel", "service_type", "urgency", "state", "overdue", "partner_country", "version")
_LIST_COLUMNS = (
    *_PLAIN,
    "case__case_number",
    "case__is_child",
    "due_at",
    "sent_at",
    *(f"{party}_id" for party in _PARTIES),
    *(f"{party}__name" for party in _PARTIES),
)
_DATETIME = serializers.DateTimeField()


def _list_row(row: dict[str, Any]) -> dict[str, Any]:
    data = {name: row[name] for name in _PLAIN}
    data["case_number"] = row["case__case_number"]
    data["is_child"] = row["case__is_child"]
    data["due_at"] = _DATETIME.to_representation(row["due_at"])
    data["sent_at"] = _DATETIME.to_representation(row["sent_at"])
    for party in _PARTIES:
        pk = row[f"{party}_id"]
        data[party] = {"id": pk, "name": row[f"{party}__name"]} if pk is not None else None
    return data


class ReferralKeysetPagination(KeysetPagination):
    ordering = "-id"  # rows are dicts from .values(), keyed by column name


@extend_schema(tags=["referrals"])
@extend_schema_view(list=extend_schema(parameters=[_BOX, _STATE], responses={200: ReferralListSerializer(many=True)}))
class ReferralViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Referrals of cases to services, newest first, paged by cursor. Lists carry no case data."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = ReferralListSerializer
    pagination_class = ReferralKeysetPagination
    filter_backends: list[Any] = []
    lookup_value_regex = DIGITS
    queryset = Referral.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> QuerySet[Referral]:
        user = self.request.user
        query = validated(ReferralListQuerySerializer, self.request.query_params)
        box, state = query["box"], query["state"]
        if box == "received":
            return selectors.referral_inbox(user=user, state=state)
        if box == "sent":
            return selectors.referral_outbox(user=user, state=state)
        queryset = selectors.referral_list(user=user)
        if state == "open":
            return queryset.filter(state__in=OPEN_STATES)
        if state == "overdue":
            return queryset.filter(overdue=True)
        return queryset.filter(state=state) if state else queryset

    def _answer(self, referral: Referral, code: int = status.HTTP_200_OK) -> Response:
        """The sending side gets the whole record, anyone else (the receiver) the header only."""
        full = selectors.referral_is_sender_side(self.request.user, referral)
        serializer = ReferralDetailSerializer if full else ReferralHeaderSerializer
        return Response(serializer(referral, context={"request": self.request}).data, status=code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Referral)
        page = self.paginate_queryset(self.get_queryset().values(*_LIST_COLUMNS).order_by("-id"))
        assert page is not None  # the view has a paginator
        return self.get_paginated_response([_list_row(row) for row in page])

    @extend_schema(**_answer_schema(ReferralSendSerializer, 201))
    def create(self, request: AuthenticatedRequest) -> Response:
        """Refer a case: consent-gated (or an audited emergency override); a service with warnings answers 409
        referral_warning with extra.warnings until `warning_override` says why to refer anyway."""
        require_permission(request.user, "add", Referral)
        data = validated(ReferralSendSerializer, request.data)
        data["case_id"] = data.pop("case")
        if "service" in data:
            data["service_id"] = data.pop("service")
        referral = services.referral_send(actor=request.user, **data)
        return self._answer(referral, status.HTTP_201_CREATED)

    @extend_schema(responses={200: REFERRAL_ANSWER})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._answer(selectors.access_referral_by_id(request.user, pk))

    @extend_schema(responses={200: ReferralSharedSerializer})
    @action(detail=True, methods=["get"], url_path="case", url_name="case")
    def case(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The receiver's look at the shared sections, while the referral is accepted or in progress; audited.
        Anyone else, or at any other time: 404."""
        referral, sections = services.referral_shared_open(actor=request.user, referral_id=pk, via="api")
        return Response(
            {"referral": ReferralHeaderSerializer(referral, context={"request": request}).data, "sections": sections}
        )

    @extend_schema(**_answer_schema(ReferralVersionSerializer))
    @action(detail=True, methods=["post"], url_path="accept", url_name="accept")
    def accept(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The receiver accepts: it sees the shared sections until the referral ends."""
        data = validated(ReferralVersionSerializer, request.data)
        return self._answer(services.referral_accept(actor=request.user, referral_id=pk, **data))

    @extend_schema(**_answer_schema(ReferralReasonSerializer))
    @action(detail=True, methods=["post"], url_path="decline", url_name="decline")
    def decline(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        data = validated(ReferralReasonSerializer, request.data)
        return self._answer(services.referral_decline(actor=request.user, referral_id=pk, **data))

    @extend_schema(**_answer_schema(ReferralVersionSerializer))
    @action(detail=True, methods=["post"], url_path="start", url_name="start")
    def start(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        data = validated(ReferralVersionSerializer, request.data)
        return self._answer(services.referral_start(actor=request.user, referral_id=pk, **data))

    @extend_schema(**_answer_schema(ReferralCompleteSerializer))
    @action(detail=True, methods=["post"], url_path="complete", url_name="complete")
    def complete(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The service was given (or not): recorded on the case as a service delivered; access ends."""
        data = validated(ReferralCompleteSerializer, request.data)
        return self._answer(services.referral_complete(actor=request.user, referral_id=pk, **data))

    @extend_schema(**_answer_schema(ReferralReasonSerializer))
    @action(detail=True, methods=["post"], url_path="revoke", url_name="revoke")
    def revoke(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The sender takes the referral back; the receiver's access ends at once."""
        data = validated(ReferralReasonSerializer, request.data)
        return self._answer(services.referral_revoke(actor=request.user, referral_id=pk, **data))

    @extend_schema(request=None, responses={201: RegisteredCaseSerializer, **ANSWER_ERRORS})
    @action(detail=True, methods=["post"], url_path="register-case", url_name="register-case")
    def register_case(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """A referral from another country, accepted: register the person and a case here from what that country
        shared; completing the referral then records the service on this case."""
        case = services.referral_case_register(actor=request.user, referral_id=pk)
        return Response({"case": case.pk, "case_number": case.case_number}, status=status.HTTP_201_CREATED)
