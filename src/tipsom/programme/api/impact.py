"""The programme API: impact of training on detection (/api/v1/programme/impact/?activities=..&before=..&after=..
&unit=..) and an awareness campaign's effect (/api/v1/programme/campaigns/<pk>/effect/?months=..), as the screens
show them (programme.selectors.impact): a withheld count is null, with its display ("<5" or "..") beside it."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission
from tipsom.programme.models import Activity
from tipsom.programme.selectors.impact import (
    DEFAULT_MONTHS,
    MAX_MONTHS,
    MIN_MONTHS,
    UNITS,
    CampaignEffect,
    ImpactResult,
    MonthRow,
    campaign_effect,
    check_months,
    impact_analysis,
    parse_activity_ids,
)

RANGE = f"{MIN_MONTHS}-{MAX_MONTHS}, default {DEFAULT_MONTHS}"


class MonthRowSerializer(serializers.Serializer):
    month = serializers.DateField()
    phase = serializers.CharField()
    values = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    displays = serializers.DictField(child=serializers.CharField())


class ImpactActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    start_date = serializers.DateField()


class ImpactCohortSerializer(serializers.Serializer):
    month = serializers.DateField()
    units = serializers.IntegerField()
    effect = serializers.FloatField(allow_null=True)


class ImpactSerializer(serializers.Serializer):
    country = serializers.CharField()
    unit = serializers.CharField()
    activities = ImpactActivitySerializer(many=True)
    months_before = serializers.IntegerField()
    months_after = serializers.IntegerField()
    treated = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("The trained units."))
    comparison = serializers.ListField(child=serializers.CharField())
    months = serializers.ListField(child=serializers.DateField())
    treated_series = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text=gettext_lazy("Cases identified per trained unit and month; null: withheld."),
    )
    comparison_series = serializers.ListField(child=serializers.FloatField(allow_null=True))
    training_dates = serializers.ListField(child=serializers.DateField())
    counts = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField(allow_null=True)),
        help_text=gettext_lazy("treated/comparison x before/after/total; null: withheld."),
    )
    count_displays = serializers.DictField(child=serializers.DictField(child=serializers.CharField()))
    estimate = serializers.FloatField(allow_null=True, help_text=gettext_lazy("Cases per unit and month."))
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    pre_trend = serializers.FloatField(allow_null=True)
    pre_trend_ci = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    pre_trend_flag = serializers.BooleanField()
    withheld = serializers.BooleanField()
    cohorts = ImpactCohortSerializer(many=True)
    rows = MonthRowSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())
    method = serializers.CharField()
    caveat = serializers.CharField()


class CampaignEffectSerializer(serializers.Serializer):
    activity_id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    country = serializers.CharField()
    regions = serializers.ListField(child=serializers.CharField())
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    months = serializers.ListField(child=serializers.DateField())
    phases = serializers.ListField(child=serializers.CharField())
    contacts_series = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    identifications_series = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    totals = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField(allow_null=True)))
    total_displays = serializers.DictField(child=serializers.DictField(child=serializers.CharField()))
    monthly_means = serializers.DictField(child=serializers.DictField(child=serializers.FloatField(allow_null=True)))
    phase_months = serializers.DictField(child=serializers.IntegerField())
    rows = MonthRowSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())
    caveat = serializers.CharField()


def _rows(rows: list[MonthRow]) -> list[dict[str, Any]]:
    return [{"month": r.month, "phase": r.phase, "values": r.values, "displays": r.displays} for r in rows]


def impact_json(result: ImpactResult) -> dict[str, Any]:
    names: list[str] = [str(name) for name in ImpactSerializer().fields]
    data: dict[str, Any] = {name: getattr(result, name) for name in names if name != "rows"}
    data["pre_trend_ci"] = list(result.pre_trend_ci) if result.pre_trend_ci is not None else None
    data["rows"] = _rows(result.rows)
    return dict(ImpactSerializer(data).data)


def campaign_json(effect: CampaignEffect) -> dict[str, Any]:
    names: list[str] = [str(name) for name in CampaignEffectSerializer().fields]
    data: dict[str, Any] = {name: getattr(effect, name) for name in names if name != "rows"}
    data["rows"] = _rows(effect.rows)
    return dict(CampaignEffectSerializer(data).data)


class ImpactView(APIView):
    """Cases identified by the units a group of learning activities trained, before and after, against untrained
    units, with a difference-in-differences estimate and its 95% interval."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(
        tags=["programme"],
        parameters=[
            OpenApiParameter("activities", str, required=True, description="Activity ids, comma-separated."),
            OpenApiParameter(
                "before", int, description=f"Months before ({MIN_MONTHS}-{MAX_MONTHS}, {DEFAULT_MONTHS})."
            ),
            OpenApiParameter("after", int, description=f"Months after ({MIN_MONTHS}-{MAX_MONTHS}, {DEFAULT_MONTHS})."),
            OpenApiParameter("unit", str, enum=list(UNITS), description="region (default), organization or user."),
        ],
        responses={200: ImpactSerializer},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "view", Activity)
        params = request.query_params
        result = impact_analysis(
            user=request.user,
            activity_ids=parse_activity_ids(params.getlist("activities")),
            months_before=check_months(params.get("before", DEFAULT_MONTHS), "before"),
            months_after=check_months(params.get("after", DEFAULT_MONTHS), "after"),
            unit=params.get("unit", "region"),
        )
        return Response(impact_json(result))


class CampaignEffectView(APIView):
    """Helpline contacts and identifications per month before, during and after an awareness campaign."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(
        tags=["programme"],
        parameters=[
            OpenApiParameter(
                "months", int, description=f"Months before and after ({MIN_MONTHS}-{MAX_MONTHS}; default: its length)."
            )
        ],
        responses={200: CampaignEffectSerializer},
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        raw = str(request.query_params.get("months", "")).strip()
        months = check_months(raw, "months") if raw else None
        effect = campaign_effect(user=request.user, activity_id=pk, months_around=months)
        return Response(campaign_json(effect))


paths = [
    path("programme/impact/", ImpactView.as_view(), name="programme-impact"),
    path("programme/campaigns/<int:pk>/effect/", CampaignEffectView.as_view(), name="programme-campaign-effect"),
]
