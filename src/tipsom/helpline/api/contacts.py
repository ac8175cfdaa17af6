"""/api/v1/helpline/contacts/: the helpline's contacts (list, create, retrieve, update), the queue, and the steps
from a contact: reveal the caller, assign, close or reopen, link contacts about one situation, open a case
(promote) or link one, refer. Thin: the payloads are shapes only; helpline.services checks every value (so a bad
one gets the same message here as on the screen) and decides. The caller's values are masked in every answer but
the reveal's, which is audited."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import (
    AsGivenCodesField,
    AsGivenField,
    AsGivenIntegerField,
    StrictInputSerializer,
    text_input,
    validated,
)
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.masking import MASKED
from tipsom.core.permissions import require_permission
from tipsom.core.registry import ApiRoute
from tipsom.helpline import selectors, services
from tipsom.helpline.filters import ContactFilterSet
from tipsom.helpline.models import Contact
from tipsom.helpline.services.contact import REVEALABLE

_COLUMNS = [
    "id",
    "reference",
    "country",
    "owner_organization",
    "channel",
    "direction",
    "started_at",
    "duration_seconds",
    "contact_type",
    "caller_role",
    "language",
    "callback_consent",
    "callback_no_message",
    "subject_age_group",
    "subject_gender",
    "subject_count",
    "region",
    "acts",
    "means_of_control",
    "exploitation_types",
    "industries",
    "recommendation",
    "urgency",
    "status",
    "actions",
    "assigned_to",
    "case",
    "situation",
    "closed_at",
    "created_at",
    "version",
]


class ContactListSerializer(serializers.ModelSerializer):
    """A contact's coded facts; no caller value."""

    class Meta:
        model = Contact
        fields = _COLUMNS
        read_only_fields = fields


class ContactDetailSerializer(ContactListSerializer):
    """One contact: the coded facts, the place and summary (the helpline's own record of what was said), and the
    caller's fields masked ("••••••" when one holds a value, "" when not): POST reveal/ to see them."""

    caller = serializers.SerializerMethodField()
    place = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    case_number = serializers.SerializerMethodField()
    referrals: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(ContactListSerializer.Meta):
        fields = [*_COLUMNS, "caller", "place", "summary", "case_number", "referrals"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_caller(self, contact: Contact) -> dict[str, str]:
        return {name: MASKED if getattr(contact, name) else "" for name in REVEALABLE}

    def get_case_number(self, contact: Contact) -> str:
        return contact.case.case_number if contact.case_id and contact.case is not None else ""


# --- Writing: shapes only, the service checks the values --------------------------------------------------------
@extend_schema_field(OpenApiTypes.DATETIME)
class MomentField(AsGivenField):
    """A date and time, ISO 8601."""


@extend_schema_field(OpenApiTypes.BOOL)
class FlagField(AsGivenField):
    """true or false."""


@extend_schema_field(OpenApiTypes.OBJECT)
class ObjectField(AsGivenField):
    """An object, as the registration takes it."""


@extend_schema_field(serializers.ListField(child=serializers.DictField()))
class ObjectsField(AsGivenField):
    """A list of objects."""


class ContactFieldsSerializer(StrictInputSerializer):
    contact_type = text_input(14, _lazy("victim, tip, information; silent, hang_up, wrong_number, prank."))
    channel = text_input(10, _lazy("phone (default), sms, whatsapp, chat, email, web_form, walk_in, letter."))
    direction = text_input(10, _lazy("incoming (default) or outgoing."))
    started_at = MomentField(required=False, help_text=_lazy("Now when not given."))
    duration_seconds = AsGivenIntegerField(required=False, allow_null=True)
    caller_role = text_input(12, _lazy("self, family, third_party, anonymous (then no caller field is accepted)."))
    language = text_input(3, _lazy("ISO 639-2/3, one of the helpline's languages."))
    caller_name = text_input(300)
    caller_number = text_input(40)
    caller_email = text_input(254)
    callback_consent = FlagField(required=False)
    callback_number = text_input(40, _lazy("The safe number; required with the consent to be contacted back."))
    callback_safe_times = text_input(300)
    callback_code_word = text_input(100)
    callback_no_message = FlagField(required=False)
    subject_age_group = text_input(8, _lazy("child, adult, unknown."))
    subject_gender = text_input(30, _lazy("prs_Gender code."))
    subject_count = AsGivenIntegerField(required=False, allow_null=True)
    region = text_input(10, _lazy("ISO 3166-2."))
    place = text_input(300)
    summary = text_input(4000)
    acts = AsGivenCodesField(
        required=False, help_text=_lazy("recruitment, transportation, transfer, harbouring, receipt.")
    )
    means_of_control = AsGivenCodesField(required=False, help_text=_lazy("vic_MethodsOfControl codes."))
    exploitation_types = AsGivenCodesField(required=False, help_text=_lazy("vic_TypeOfExploitation codes."))
    industries = AsGivenCodesField(required=False, help_text=_lazy("vic_ForcedLabourIndustry codes."))
    urgency = text_input(10, _lazy("emergency (immediate danger), urgent, routine."))
    actions = AsGivenCodesField(required=False, help_text=_lazy("information_given, referred_police."))


class ContactUpdateSerializer(ContactFieldsSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_lazy("The `version` you read; a stale one answers 409 and changes nothing.")
    )


class VersionSerializer(StrictInputSerializer):
    version = serializers.IntegerField(min_value=1, required=False)


class CallerRevealSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=500, help_text=_lazy("Why you need to see the caller's details."))


class AssignSerializer(StrictInputSerializer):
    assignee = AsGivenIntegerField(
        required=True, allow_null=True, help_text=_lazy("A user id of the helpline, or null.")
    )
    version = serializers.IntegerField(min_value=1, required=False)


class LinkSerializer(StrictInputSerializer):
    other = serializers.CharField(max_length=24, help_text=_lazy("Another contact's id or number (HL-2026-000123)."))


class CaseLinkSerializer(StrictInputSerializer):
    case = serializers.CharField(max_length=24, help_text=_lazy("A case's id or number that you may see."))
    version = serializers.IntegerField(min_value=1, required=False)


class PromoteSerializer(StrictInputSerializer):
    person = ObjectField(required=False, help_text=_lazy("A new person, as POST /api/v1/people/ takes it."))
    person_id = AsGivenIntegerField(required=False, allow_null=True, help_text=_lazy("Or a person already registered."))
    case = ObjectField(required=False, help_text=_lazy("Case fields; the contact's type, day, region, categories."))
    screening = ObjectField(required=False, help_text=_lazy("Screening answers; the contact's by default."))
    consents = ObjectsField(
        required=True,
        help_text=_lazy("[{purpose, given, given_by, service_types}]; data_processing given is required."),
    )
    notify_organization_id = AsGivenIntegerField(required=False, allow_null=True)
    version = serializers.IntegerField(min_value=1, required=False)


class ReferSerializer(StrictInputSerializer):
    service_id = AsGivenIntegerField(required=True)
    urgency = text_input(10)
    sections = AsGivenCodesField(required=False)
    message = text_input(4000)
    consent = ObjectField(required=False, allow_null=True, help_text=_lazy("{given_by, recorded_on, service_types}"))
    consent_override = text_input(1000)
    warning_override = text_input(1000)


class CaseAnswerSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    case_number = serializers.CharField()
    contact = ContactDetailSerializer()


class ReferAnswerSerializer(serializers.Serializer):
    referral = serializers.IntegerField()
    contact = ContactDetailSerializer()


class QueuePagination(KeysetPagination):
    ordering = ("queue_rank", "pk")  # type: ignore[assignment]


# --- Views --------------------------------------------------------------------------------------------------------
@extend_schema(tags=["helpline"])
@extend_schema_view(list=extend_schema(summary="Helpline contacts"))
class ContactViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The contacts of your helpline, newest first, paged by cursor; filters: reference, status, contact_type,
    channel, urgency, assigned (me, nobody), date_from, date_to."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = ContactListSerializer
    filterset_class = ContactFilterSet
    pagination_class = KeysetPagination
    lookup_value_regex = r"[0-9]+"
    queryset = Contact.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> Any:
        return selectors.contact_list(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", Contact)
        return super().list(request, *args, **kwargs)

    def _detail(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        contact = selectors.access_contact_by_id(self.request.user, pk)
        return Response(ContactDetailSerializer(contact).data, status=code)

    @extend_schema(responses={200: ContactDetailSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._detail(pk)

    @extend_schema(request=ContactFieldsSerializer, responses={201: ContactDetailSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Record a contact for your helpline (its number is given: HL-2026-000123)."""
        require_permission(request.user, "add", Contact)
        data = validated(ContactFieldsSerializer, request.data)
        contact = services.contact_create(actor=request.user, **data)
        return self._detail(contact.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ContactUpdateSerializer, responses={200: ContactDetailSerializer, **error_responses(409)})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Change the fields given; the contact's rules apply to the result."""
        selectors.access_contact_by_id(request.user, pk, "change")
        data = validated(ContactUpdateSerializer, request.data)
        version = data.pop("version")
        services.contact_update(actor=request.user, contact_id=pk, version=version, **data)
        return self._detail(pk)

    @extend_schema(request=ContactUpdateSerializer, responses={200: ContactDetailSerializer, **error_responses(409)})
    def update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """As PATCH: the fields given change, the others stay."""
        return self.partial_update(request, pk)

    @extend_schema(summary="The queue", responses={200: ContactListSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="queue", url_name="queue", pagination_class=QueuePagination)
    def queue(self, request: AuthenticatedRequest) -> Response:
        """Your helpline's open contacts, immediate danger first, then the oldest."""
        require_permission(request.user, "view", Contact)
        page = self.paginate_queryset(selectors.contact_queue(user=request.user))
        return self.get_paginated_response(ContactListSerializer(page, many=True).data)

    @extend_schema(request=CallerRevealSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], url_path="reveal", url_name="reveal")
    def reveal(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The caller's details, after an audited reveal with your reason."""
        selectors.access_contact_by_id(request.user, pk, "reveal")
        data = validated(CallerRevealSerializer, request.data)
        return Response(services.contact_caller_reveal(actor=request.user, contact_id=pk, reason=data["reason"]))

    @extend_schema(request=AssignSerializer, responses={200: ContactDetailSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"], url_path="assign", url_name="assign")
    def assign(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Give the contact to an operator (null: to nobody); to someone else than yourself, a supervisor's."""
        selectors.access_contact_by_id(request.user, pk, "change")
        data = validated(AssignSerializer, request.data)
        services.contact_assign(
            actor=request.user, contact_id=pk, assignee_id=data["assignee"], version=data.get("version")
        )
        return self._detail(pk)

    @extend_schema(request=VersionSerializer, responses={200: ContactDetailSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        selectors.access_contact_by_id(request.user, pk, "change")
        data = validated(VersionSerializer, request.data)
        services.contact_close(actor=request.user, contact_id=pk, version=data.get("version"))
        return self._detail(pk)

    @extend_schema(request=VersionSerializer, responses={200: ContactDetailSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"], url_path="reopen", url_name="reopen")
    def reopen(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        selectors.access_contact_by_id(request.user, pk, "change")
        data = validated(VersionSerializer, request.data)
        services.contact_reopen(actor=request.user, contact_id=pk, version=data.get("version"))
        return self._detail(pk)

    @extend_schema(request=LinkSerializer, responses={200: ContactDetailSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"], url_path="link", url_name="link")
    def link(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Link the contact with another about the same situation."""
        selectors.access_contact_by_id(request.user, pk, "change")
        data = validated(LinkSerializer, request.data)
        services.contact_situation_link(actor=request.user, contact_id=pk, other=data["other"])
        return self._detail(pk)

    @extend_schema(request=CaseLinkSerializer, responses={200: ContactDetailSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"], url_path="link-case", url_name="link-case")
    def link_case(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Link the contact to a case already registered that you may see."""
        selectors.access_contact_by_id(request.user, pk, "change")
        data = validated(CaseLinkSerializer, request.data)
        services.contact_case_link(actor=request.user, contact_id=pk, case=data["case"], version=data.get("version"))
        return self._detail(pk)

    @extend_schema(request=PromoteSerializer, responses={201: CaseAnswerSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"], url_path="promote", url_name="promote")
    def promote(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Register the person and a victim case from the contact, with the consents given (the consent to
        process the person's data is required), through the ordinary registration and its checks."""
        selectors.access_contact_by_id(request.user, pk, "change")
        data = validated(PromoteSerializer, request.data)
        case = services.contact_case_open(actor=request.user, contact_id=pk, **data)
        contact = selectors.access_contact_by_id(request.user, pk)
        answer = {"case": case.pk, "case_number": case.case_number, "contact": ContactDetailSerializer(contact).data}
        return Response(answer, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReferSerializer, responses={201: ReferAnswerSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"], url_path="refer", url_name="refer")
    def refer(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Refer the person of the contact's case to a service of the directory (consent-gated as every
        referral; `consent` records it in the same step)."""
        selectors.access_contact_by_id(request.user, pk, "change")
        data = validated(ReferSerializer, request.data)
        referral = services.contact_refer(actor=request.user, contact_id=pk, **data)
        contact = selectors.access_contact_by_id(request.user, pk)
        answer = {"referral": referral.pk, "contact": ContactDetailSerializer(contact).data}
        return Response(answer, status=status.HTTP_201_CREATED)


routes = [ApiRoute("helpline/contacts", ContactViewSet, "helpline-contact")]
paths: list[Any] = []
