"""Justice API: the criminal process. /api/v1/justice/charges/ (list, create, withdraw), /api/v1/justice/decisions/
(list, create, appeals included, remove one recorded by mistake) and /api/v1/justice/cases/<id>/funnel/.

Thin on purpose: justice.services.process decides, writes and audits; reads go through justice.selectors.process.
Restricted like the screens: charges by the case's permissions, decisions by the court decisions' ones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import StrictInputSerializer, validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.integers import IdField
from tipsom.core.permissions import require_permission
from tipsom.core.registry import ApiRoute
from tipsom.justice.models import Charge, CourtDecision, CriminalCase, DecisionLevel, Outcome
from tipsom.justice.selectors import process as selectors
from tipsom.justice.services import process as services

DIGITS = r"\d+"
WRITE_ERRORS = error_responses(409)


# --- Reading ---------------------------------------------------------------------------------------------------
class ChargeSerializer(serializers.ModelSerializer):
    """A charge: who (the defendant's id, never a name), under which provision, when, and where it stands."""

    provision_label = serializers.CharField(source="provision.__str__", read_only=True)

    class Meta:
        model = Charge
        fields = [
            "id",
            "criminal_case",
            "suspect",
            "provision",
            "provision_label",
            "offence",
            "offence_type",
            "charged_on",
            "withdrawn_on",
            "outcome",
            "convicted_on",
            "convicted_type",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    """A court decision on one charge, with its sentence; `appeal_of` names the decision it replaced."""

    class Meta:
        model = CourtDecision
        fields = [
            "id",
            "criminal_case",
            "charge",
            "suspect",
            "level",
            "appeal_of",
            "court",
            "court_name",
            "decided_on",
            "outcome",
            "convicted_provision",
            "prison_months",
            "prison_suspended",
            "fine_amount",
            "currency",
            "confiscated_assets",
            "confiscated_assets_value",
            "compensation_ordered",
            "is_final",
        ]
        read_only_fields = fields


class FunnelRowSerializer(serializers.Serializer):
    suspect = serializers.IntegerField(help_text=_("The defendant's id."))
    contact_type = serializers.CharField(help_text=_("suspected, arrested or cautioned; empty if not recorded."))
    formal_contact_on = serializers.DateField(allow_null=True)
    prosecuted_on = serializers.DateField(allow_null=True)
    convicted_on = serializers.DateField(allow_null=True)
    sentenced_on = serializers.DateField(allow_null=True)
    days_to_prosecution = serializers.IntegerField(allow_null=True)
    days_to_conviction = serializers.IntegerField(allow_null=True)
    days_to_sentence = serializers.IntegerField(allow_null=True)


class FunnelTotalsSerializer(serializers.Serializer):
    defendants = serializers.IntegerField()
    formal_contact = serializers.IntegerField()
    prosecuted = serializers.IntegerField()
    convicted = serializers.IntegerField()
    sentenced = serializers.IntegerField()


class FunnelSerializer(serializers.Serializer):
    criminal_case = serializers.IntegerField()
    reference = serializers.CharField()
    totals = FunnelTotalsSerializer()
    defendants = FunnelRowSerializer(many=True)


# --- Writing ---------------------------------------------------------------------------------------------------
class ChargeCreateSerializer(StrictInputSerializer):
    suspect = IdField(help_text=_("The defendant charged."))
    provision = IdField(required=False, allow_null=True, help_text=_("A legal provision of the case's country."))
    charged_on = serializers.DateField()
    offence = IdField(required=False, allow_null=True, help_text=_("An offence of the case (optional)."))


class ChargeWithdrawSerializer(StrictInputSerializer):
    withdrawn_on = serializers.DateField()


class DecisionCreateSerializer(StrictInputSerializer):
    criminal_case = IdField()
    charge = IdField(required=False, allow_null=True)
    level = serializers.ChoiceField(choices=DecisionLevel.choices)
    appeal_of = IdField(required=False, allow_null=True, help_text=_("The decision an appeal replaces."))
    decided_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    court = IdField(required=False, allow_null=True)
    court_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    convicted_provision = IdField(
        required=False, allow_null=True, help_text=_("Convicted of another offence: the provision applied.")
    )
    prison_months = serializers.IntegerField(required=False, allow_null=True)
    prison_suspended = serializers.BooleanField(required=False, default=False)
    fine_amount = serializers.DecimalField(max_digits=16, decimal_places=4, required=False, allow_null=True)
    currency = serializers.CharField(required=False, allow_blank=True, max_length=3)
    confiscated_assets = serializers.CharField(required=False, allow_blank=True, max_length=300)
    confiscated_assets_value = serializers.DecimalField(
        max_digits=16, decimal_places=4, required=False, allow_null=True
    )
    compensation_ordered = serializers.DecimalField(max_digits=16, decimal_places=4, required=False, allow_null=True)
    is_final = serializers.BooleanField(required=False, default=False)


class DecisionRemoveSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, help_text=_("Why it was recorded by mistake."))


class ChargeQuerySerializer(serializers.Serializer):
    criminal_case = IdField(required=False)


class DecisionQuerySerializer(serializers.Serializer):
    criminal_case = IdField(required=False)
    charge = IdField(required=False)


# --- Views -----------------------------------------------------------------------------------------------------
_CASE_FILTER = OpenApiParameter("criminal_case", int, required=False, description="Only this criminal case's.")
_CHARGE_FILTER = OpenApiParameter("charge", int, required=False, description="Only this charge's.")


@extend_schema(tags=["justice"])
@extend_schema_view(list=extend_schema(parameters=[_CASE_FILTER], responses={200: ChargeSerializer(many=True)}))
class ChargeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The charges of the criminal cases you may see, newest first, paged by cursor."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = ChargeSerializer
    pagination_class = KeysetPagination
    filter_backends: list[Any] = []
    lookup_value_regex = DIGITS
    queryset = Charge.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> QuerySet[Charge]:
        query = validated(ChargeQuerySerializer, self.request.query_params)
        return selectors.charge_list(self.request.user, query.get("criminal_case"))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", CriminalCase)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ChargeCreateSerializer, responses={201: ChargeSerializer, **WRITE_ERRORS})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Charge a defendant under a legal provision of the case's country."""
        data = validated(ChargeCreateSerializer, request.data)
        charge = services.charge_add(
            actor=request.user,
            suspect=data["suspect"],
            provision=data.get("provision"),
            charged_on=data["charged_on"],
            offence=data.get("offence"),
        )
        return Response(ChargeSerializer(charge).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChargeWithdrawSerializer, responses={200: ChargeSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="withdraw", url_name="withdraw")
    def withdraw(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The prosecution withdraws a charge no court has decided yet."""
        data = validated(ChargeWithdrawSerializer, request.data)
        charge = services.charge_withdraw(actor=request.user, charge=pk, withdrawn_on=data["withdrawn_on"])
        return Response(ChargeSerializer(charge).data)


@extend_schema(tags=["justice"])
@extend_schema_view(
    list=extend_schema(parameters=[_CASE_FILTER, _CHARGE_FILTER], responses={200: DecisionSerializer(many=True)})
)
class DecisionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The court decisions you may see, newest first, paged by cursor."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = DecisionSerializer
    pagination_class = KeysetPagination
    filter_backends: list[Any] = []
    lookup_value_regex = DIGITS
    queryset = CourtDecision.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> QuerySet[CourtDecision]:
        query = validated(DecisionQuerySerializer, self.request.query_params)
        return selectors.decision_list(self.request.user, query.get("criminal_case"), query.get("charge"))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", CourtDecision)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DecisionCreateSerializer, responses={201: DecisionSerializer, **WRITE_ERRORS})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Record a court decision on a charge: at first instance, or on appeal of the standing decision
        (`appeal_of`). A sentence only with a conviction."""
        data = validated(DecisionCreateSerializer, request.data)
        decision = services.decision_record(actor=request.user, **{**data, "charge": data.get("charge")})
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionRemoveSerializer, responses={204: None, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="remove", url_name="remove")
    def remove(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Remove a decision recorded by mistake: the standing one of its charge, with a reason (audited)."""
        data = validated(DecisionRemoveSerializer, request.data)
        services.decision_remove(actor=request.user, decision=pk, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class FunnelView(APIView):
    """GET /api/v1/justice/cases/<id>/funnel/: each defendant's stages (formal contact, prosecuted, convicted,
    sentenced) with the days between them, and how many reached each stage."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(tags=["justice"], responses={200: FunnelSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        funnel = selectors.case_funnel(request.user, pk)
        body = {
            "criminal_case": funnel.criminal_case.pk,
            "reference": funnel.criminal_case.reference,
            "totals": funnel.totals,
            "defendants": [row.as_dict() for row in funnel.rows],
        }
        return Response(FunnelSerializer(body).data)


routes: list[ApiRoute] = [
    ApiRoute("justice/charges", ChargeViewSet, "justice-charge"),
    ApiRoute("justice/decisions", DecisionViewSet, "justice-decision"),
]
paths: list[Any] = [path("justice/cases/<int:pk>/funnel/", FunnelView.as_view(), name="justice-case-funnel")]
