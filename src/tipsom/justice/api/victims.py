"""Justice API: victims in the proceedings and hearings. /api/v1/justice/victims/ (list, create, partial update,
relationships, and the audited reveals of a victim's names and statement as POSTs with a reason) and
/api/v1/justice/hearings/ (list, create, partial update, cancel).

Thin on purpose: justice.services.victims decides, writes and audits; reads go through justice.selectors.victims.
A victim is shown by the victim case number, sex and birth year: never a name or a statement without a reveal."""

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
from tipsom.justice.api.serializers_cases import JusticeRevealSerializer
from tipsom.justice.models import CriminalCase, Hearing, SuspectVictimRelation, VictimInProceedings
from tipsom.justice.selectors import victims as selectors
from tipsom.justice.services import victims as services

DIGITS = r"\d+"
WRITE_ERRORS = error_responses(409)
_CASE_FILTER = OpenApiParameter("criminal_case", int, required=False, description="Only this criminal case's.")


# --- Reading ---------------------------------------------------------------------------------------------------
class RelationSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuspectVictimRelation
        fields = ["id", "suspect", "victim", "relationship", "detail"]
        read_only_fields = fields


class VictimSerializer(serializers.ModelSerializer):
    """A victim in the proceedings: the victim case number, the person's sex and birth year, role, protection,
    testimony and compensation. No name, no statement."""

    case_number = serializers.CharField(source="case.case_number", read_only=True)
    sex = serializers.CharField(source="case.person.gender", read_only=True)
    birth_year = serializers.IntegerField(source="case.person.birth_year", read_only=True, allow_null=True)

    class Meta:
        model = VictimInProceedings
        fields = [
            "id",
            "criminal_case",
            "case_number",
            "sex",
            "birth_year",
            "role",
            "protection_measures",
            "testimony_mode",
            "compensation_claimed",
            "compensation_received",
            "currency",
            "version",
        ]
        read_only_fields = fields


class HearingSerializer(serializers.ModelSerializer):
    victims = serializers.SerializerMethodField()

    class Meta:
        model = Hearing
        fields = ["id", "criminal_case", "kind", "starts_at", "court", "court_name", "room", "victims", "note"]
        read_only_fields = fields

    def get_victims(self, hearing: Hearing) -> list[int]:
        return [link.pk for link in hearing.victims.all()]


class VictimIdentitySerializer(serializers.Serializer):
    case_number = serializers.CharField()
    names = serializers.ListField(child=serializers.DictField(), help_text=_("The victim's names (name, kind)."))


class StatementSerializer(serializers.Serializer):
    statement = serializers.CharField()


# --- Writing ---------------------------------------------------------------------------------------------------
def _amount() -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=30, help_text=_("An amount from 0, e.g. 1500.00.")
    )


class VictimChangeSerializer(StrictInputSerializer):
    role = serializers.CharField(required=False, max_length=30, help_text=_("witness, injured_party, civil_party..."))
    protection_measures = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    testimony_mode = serializers.CharField(required=False, max_length=30)
    compensation_claimed = _amount()
    compensation_received = _amount()
    currency = serializers.CharField(required=False, allow_blank=True, max_length=10)
    statement = serializers.CharField(required=False, allow_blank=True, max_length=8000, trim_whitespace=False)
    version = serializers.IntegerField(required=False, min_value=1)


class VictimCreateSerializer(VictimChangeSerializer):
    criminal_case = IdField()
    case_number = serializers.CharField(max_length=60, help_text=_("The victim case number, e.g. BR-2026-000063."))
    role = serializers.CharField(max_length=30)
    version = None  # type: ignore[assignment]


class RelationInputSerializer(StrictInputSerializer):
    suspect = IdField()
    relationship = serializers.CharField(max_length=40, help_text=_("HTCDS vic_RelationshipToTrafficker code."))
    detail = serializers.CharField(required=False, allow_blank=True, max_length=200)


class HearingChangeSerializer(StrictInputSerializer):
    kind = serializers.CharField(required=False, max_length=30)
    starts_at = serializers.DateTimeField(required=False)
    court = IdField(required=False, allow_null=True)
    court_name = serializers.CharField(required=False, allow_blank=True, max_length=400)
    room = serializers.CharField(required=False, allow_blank=True, max_length=200)
    victims = serializers.ListField(child=IdField(), required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=600)


class HearingCreateSerializer(HearingChangeSerializer):
    criminal_case = IdField()
    kind = serializers.CharField(max_length=30)
    starts_at = serializers.DateTimeField()


class HearingCancelSerializer(StrictInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=600)


class CaseQuerySerializer(serializers.Serializer):
    criminal_case = IdField(required=False)


# --- Views -----------------------------------------------------------------------------------------------------
class _Listed(mixins.ListModelMixin, viewsets.GenericViewSet):
    request: AuthenticatedRequest  # past IsAuthenticated

    pagination_class = KeysetPagination
    filter_backends: list[Any] = []
    lookup_value_regex = DIGITS

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", CriminalCase)
        return super().list(request, *args, **kwargs)

    def _criminal_case(self) -> int | None:
        return validated(CaseQuerySerializer, self.request.query_params).get("criminal_case")


@extend_schema(tags=["justice"])
@extend_schema_view(list=extend_schema(parameters=[_CASE_FILTER], responses={200: VictimSerializer(many=True)}))
class VictimViewSet(_Listed):
    """The victims in the proceedings of the criminal cases you may see, newest first, paged by cursor."""

    serializer_class = VictimSerializer
    queryset = VictimInProceedings.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> QuerySet[VictimInProceedings]:
        return selectors.victim_list(user=self.request.user, criminal_case=self._criminal_case())

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(VictimSerializer(selectors.access_victim_link(self.request.user, pk)).data, status=code)

    @extend_schema(responses={200: VictimSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._answer(pk)

    @extend_schema(request=VictimCreateSerializer, responses={201: VictimSerializer, **WRITE_ERRORS})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Link a victim case, named by its number (in the criminal case's country), to a criminal case."""
        data = validated(VictimCreateSerializer, request.data)
        link = services.victim_link_add(actor=request.user, **data)
        return self._answer(link.pk, status.HTTP_201_CREATED)

    @extend_schema(request=VictimChangeSerializer, responses={200: VictimSerializer, **WRITE_ERRORS})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Change the victim's role, protection, testimony, compensation or statement (the fields given)."""
        data = validated(VictimChangeSerializer, request.data)
        services.victim_link_update(actor=request.user, victim_link=pk, **data)
        return self._answer(pk)

    @extend_schema(request=RelationInputSerializer, responses={200: RelationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="relations", url_name="relations")
    def relations(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Set how a defendant of the case is related to this victim (replaces an earlier one)."""
        data = validated(RelationInputSerializer, request.data)
        relation = services.suspect_victim_relation_set(actor=request.user, victim=pk, **data)
        return Response(RelationSerializer(relation).data)

    @extend_schema(request=JusticeRevealSerializer, responses={200: VictimIdentitySerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="reveal-identity", url_name="reveal-identity")
    def reveal_identity(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The victim's names, for the case's investigators and prosecutors; audited with the reason."""
        data = validated(JusticeRevealSerializer, request.data)
        identity = services.victim_identity_reveal(actor=request.user, victim_link=pk, reason=data["reason"])
        response = Response(identity)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=JusticeRevealSerializer, responses={200: StatementSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="reveal-statement", url_name="reveal-statement")
    def reveal_statement(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The victim's statement, for the case's investigators and prosecutors; audited with the reason."""
        data = validated(JusticeRevealSerializer, request.data)
        text = services.victim_statement_reveal(actor=request.user, victim_link=pk, reason=data["reason"])
        response = Response({"statement": text})
        response["Cache-Control"] = "no-store"
        return response


@extend_schema(tags=["justice"])
@extend_schema_view(list=extend_schema(parameters=[_CASE_FILTER], responses={200: HearingSerializer(many=True)}))
class HearingViewSet(_Listed):
    """The hearings of the criminal cases you may see, newest first, paged by cursor."""

    serializer_class = HearingSerializer
    queryset = Hearing.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> QuerySet[Hearing]:
        return selectors.hearing_list(user=self.request.user, criminal_case=self._criminal_case())

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(HearingSerializer(selectors.access_hearing(self.request.user, pk)).data, status=code)

    @extend_schema(responses={200: HearingSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._answer(pk)

    @extend_schema(request=HearingCreateSerializer, responses={201: HearingSerializer, **WRITE_ERRORS})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Record a hearing of a criminal case, with the victims of the case summoned."""
        data = validated(HearingCreateSerializer, request.data)
        hearing = services.hearing_add(actor=request.user, **data)
        return self._answer(hearing.pk, status.HTTP_201_CREATED)

    @extend_schema(request=HearingChangeSerializer, responses={200: HearingSerializer, **WRITE_ERRORS})
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        data = validated(HearingChangeSerializer, request.data)
        services.hearing_update(actor=request.user, hearing=pk, **data)
        return self._answer(pk)

    @extend_schema(request=HearingCancelSerializer, responses={204: None, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="cancel", url_name="cancel")
    def cancel(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Cancel a hearing (it leaves the case; the audit log keeps it and the reason)."""
        data = validated(HearingCancelSerializer, request.data)
        services.hearing_cancel(actor=request.user, hearing=pk, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)


routes = [
    ApiRoute("justice/victims", VictimViewSet, "justice-victim"),
    ApiRoute("justice/hearings", HearingViewSet, "justice-hearing"),
]
paths: list[Any] = []
