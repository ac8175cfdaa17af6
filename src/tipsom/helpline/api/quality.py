"""The helpline API's blocked numbers and statistics, on /api/v1/helpline/...: the blocks in force (numbers masked),
blocking a number, lifting a block, and the check a telephony or chat integration makes when a contact comes in
(is this number blocked? The contact is recorded all the same); the statistics of the screen /helpline/stats/ as
JSON (withheld counts are null). Thin: helpline.services.blocks decides; selectors_stats counts."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core import validation as check
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import StrictInputSerializer, validated
from tipsom.core.errors import ApplicationError
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.integers import IdField
from tipsom.core.masking import mask
from tipsom.core.permissions import require_permission
from tipsom.core.registry import ApiRoute
from tipsom.helpline.api.contacts import VersionSerializer
from tipsom.helpline.models import BlockedNumber
from tipsom.helpline.numbers import MAX_NUMBER, number_clean, number_index
from tipsom.helpline.selectors import number_blocked
from tipsom.helpline.selectors_blocks import LIST_LIMIT, blocks_in_force
from tipsom.helpline.selectors_stats import (
    MAX_DAYS,
    Cell,
    HelplineStats,
    StatsFilters,
    helpline_stats,
    stats_scope,
)
from tipsom.helpline.services import blocks as services


# --- Blocked numbers ----------------------------------------------------------------------------------------------
class BlockSerializer(serializers.ModelSerializer):
    """A block; the number masked (its last two digits), never its written reason."""

    number = serializers.SerializerMethodField()
    has_note = serializers.SerializerMethodField()

    class Meta:
        model = BlockedNumber
        fields = ["id", "number", "reason", "has_note", "until", "lifted_at", "created_by", "created_at", "version"]
        read_only_fields = fields

    def get_number(self, block: BlockedNumber) -> str:
        return mask(block.number)

    def get_has_note(self, block: BlockedNumber) -> bool:
        return bool(block.note)


class BlockInputSerializer(StrictInputSerializer):
    number = serializers.CharField(max_length=MAX_NUMBER, help_text=gettext_lazy("As written: 0300 1234567, +92..."))
    reason = serializers.CharField(max_length=10, help_text=gettext_lazy("abuse, prank, threats, spam, other."))
    duration = serializers.CharField(
        max_length=4, required=False, help_text=gettext_lazy("24h (default); a supervisor: 7d, 30d, 90d, 1y, 5y.")
    )
    note = serializers.CharField(
        max_length=services.NOTE_MAX,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Why, in words: required for a block longer than 24 hours."),
    )


class CheckSerializer(StrictInputSerializer):
    number = serializers.CharField(max_length=MAX_NUMBER)


class CheckAnswerSerializer(serializers.Serializer):
    blocked = serializers.BooleanField()
    until = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


@extend_schema(tags=["helpline"])
@extend_schema_view(list=extend_schema(summary="Numbers blocked at your helpline"))
class BlockedNumberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The blocks in force at your helpline, those ending first on top (numbers masked)."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = BlockSerializer
    pagination_class = None
    lookup_value_regex = r"[0-9]+"
    queryset = BlockedNumber.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> Any:
        return blocks_in_force(user=self.request.user)[:LIST_LIMIT]

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", BlockedNumber)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=BlockInputSerializer, responses={201: BlockSerializer, **error_responses(409)})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Block a number from now: 24 hours, or longer by a supervisor with the reason in words."""
        require_permission(request.user, "add", BlockedNumber)
        data = validated(BlockInputSerializer, request.data)
        block = services.number_block(actor=request.user, **data)
        return Response(BlockSerializer(block).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VersionSerializer, responses={200: BlockSerializer, **error_responses(409)})
    @action(detail=True, methods=["post"], url_path="lift", url_name="lift")
    def lift(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Lift a block before its end (a supervisor)."""
        services.access_block(request.user, pk)
        data = validated(VersionSerializer, request.data)
        block = services.number_unblock(actor=request.user, block_id=pk, version=data.get("version"))
        return Response(BlockSerializer(block).data)

    @extend_schema(request=CheckSerializer, responses={200: CheckAnswerSerializer})
    @action(detail=False, methods=["post"], url_path="check", url_name="check")
    def check(self, request: AuthenticatedRequest) -> Response:
        """Whether a number is blocked at your helpline now (for a channel integration, as a contact comes in):
        the contact is recorded all the same, flagged."""
        require_permission(request.user, "view", BlockedNumber)
        data = validated(CheckSerializer, request.data)
        errors = check.Errors()
        number = number_clean(errors, "number", data["number"])
        errors.raise_if_any()
        organization = request.user.organization
        if organization is None:
            raise ApplicationError("invalid", _("Your account belongs to no helpline."))
        block = number_blocked(organization_id=organization.pk, index=number_index(number, organization.country))
        answer = {"blocked": block is not None, "until": block.until if block else None, "reason": ""}
        if block is not None:
            answer["reason"] = block.reason
        return Response(CheckAnswerSerializer(answer).data)


# --- Statistics ---------------------------------------------------------------------------------------------------
class StatsQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text=gettext_lazy("Default: the first day, 5 months ago."))
    date_to = serializers.DateField(required=False, help_text=gettext_lazy("Default: today."))
    organization = IdField(required=False, help_text=gettext_lazy("A national viewer: one helpline of the country."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("This field is not accepted here.")] for name in unknown})
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": [_("The end of the period cannot come before its start.")]})
        if start and end and (end - start).days > MAX_DAYS:
            raise serializers.ValidationError({"date_from": [_("Choose a period of three years at most.")]})
        return attrs

    def filters(self) -> StatsFilters:
        default = StatsFilters.default()
        data = self.validated_data
        end = data.get("date_to") or default.date_to
        return StatsFilters(
            date_from=data.get("date_from") or min(default.date_from, end),
            date_to=end,
            organization_id=data.get("organization"),
        )


class HelplineStatsRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    count = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("null: withheld (see mark)."))
    mark = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy(
            "For a withheld count: '<5' below the small-cell threshold, '..' withheld so that none can be worked out."
        ),
    )
    share = serializers.FloatField(allow_null=True)


class StatsTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    total = serializers.IntegerField(allow_null=True)
    adds_up = serializers.BooleanField()
    rows = HelplineStatsRowSerializer(many=True)


class HelplineStatsSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    national = serializers.BooleanField()
    small_cell = serializers.IntegerField()
    total = serializers.IntegerField(allow_null=True)
    outcomes = HelplineStatsRowSerializer(many=True)
    tables = StatsTableSerializer(many=True)
    weekday_hour = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(allow_null=True)),
        help_text=gettext_lazy("7 rows (Monday first) of 24 hours."),
    )


def _mark(cell: Cell) -> str | None:
    return cell.mark if cell.value is None else None


def stats_json(stats: HelplineStats) -> dict[str, Any]:
    def rows(items: list[Any]) -> list[dict[str, Any]]:
        return [
            {"key": r.key, "label": r.label, "count": r.count.value, "mark": _mark(r.count), "share": r.share}
            for r in items
        ]

    return {
        "date_from": stats.filters.date_from,
        "date_to": stats.filters.date_to,
        "national": stats.national,
        "small_cell": stats.small_cell,
        "total": stats.total.value,
        "outcomes": rows(stats.outcomes),
        "tables": [
            {"key": t.key, "title": t.title, "total": t.total.value, "adds_up": t.adds_up, "rows": rows(t.rows)}
            for t in [*stats.tables, stats.callbacks]
        ],
        "weekday_hour": [[cell.value for cell in row.cells] for row in stats.heat],
    }


class HelplineStatsView(APIView):
    """The helpline statistics of the period: your helpline's (a supervisor), or the country's helplines (the
    national coordinator); small counts and the counts that would give them back are null."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(tags=["helpline"], parameters=[StatsQuerySerializer], responses={200: HelplineStatsSerializer})
    def get(self, request: AuthenticatedRequest) -> Response:
        stats_scope(request.user)  # NotFound for anyone who sees no helpline statistics
        query = StatsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        stats = helpline_stats(user=request.user, filters=query.filters())
        return Response(HelplineStatsSerializer(stats_json(stats)).data)


routes = [ApiRoute("helpline/blocked-numbers", BlockedNumberViewSet, "helpline-blocked-number")]
paths = [path("helpline/stats/", HelplineStatsView.as_view(), name="helpline-stats")]
