"""GET /api/v1/referrals/stats/: the referral statistics of the screen /referrals/stats/, as JSON."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.http import AuthenticatedRequest
from tipsom.core.integers import IdField
from tipsom.core.permissions import require_permission
from tipsom.referrals.models import Channel, Referral, ServiceType, Urgency
from tipsom.referrals.selectors.stats import COUNTS, StatsFilters, referral_stats


class StatsQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, help_text=gettext_lazy("Sent on or after (default: 364 days before date_to).")
    )
    date_to = serializers.DateField(required=False, help_text=gettext_lazy("Sent on or before (default: today)."))
    service_type = serializers.ChoiceField(choices=ServiceType.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    organization = IdField(required=False, help_text=gettext_lazy("Only referrals to this receiving organization."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("This field is not accepted here.")] for name in unknown})
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": [_("The end of the period cannot come before its start.")]})
        return attrs

    def filters(self) -> StatsFilters:
        default = StatsFilters.default()
        data = self.validated_data
        end = data.get("date_to") or default.date_to
        return StatsFilters(
            date_from=data.get("date_from") or min(default.date_from, end),
            date_to=end,
            service_type=data.get("service_type", ""),
            urgency=data.get("urgency", ""),
            channel=data.get("channel", ""),
            organization_id=data.get("organization"),
        )


class StatsRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=gettext_lazy("Service type code, ISO 3166-2 region, or organization id."))
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label (DRF's metaclass)
    total = serializers.IntegerField(allow_null=True)
    answered = serializers.IntegerField(allow_null=True)
    accepted = serializers.IntegerField(allow_null=True)
    declined = serializers.IntegerField(allow_null=True)
    completed = serializers.IntegerField(allow_null=True)
    expired = serializers.IntegerField(allow_null=True)
    overdue = serializers.IntegerField(allow_null=True)
    acceptance_rate = serializers.FloatField(allow_null=True)
    overdue_share = serializers.FloatField(allow_null=True)
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)
    suppressed = serializers.ListField(
        child=serializers.ChoiceField(choices=COUNTS),
        help_text=gettext_lazy(
            "Counts withheld (null): below the small-cell threshold, or complements that would give one back."
        ),
    )
    small = serializers.ListField(
        child=serializers.CharField(),  # names from `suppressed` (one enum for both: the schema names it once)
        help_text=gettext_lazy("The withheld counts that are below the small-cell threshold ('<5'; the others '..')."),
    )


class StatsFiltersSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    service_type = serializers.CharField()
    urgency = serializers.CharField()
    channel = serializers.CharField()
    organization_id = serializers.IntegerField(allow_null=True)


class ReferralStatsSerializer(serializers.Serializer):
    filters = StatsFiltersSerializer()
    national = serializers.BooleanField(
        help_text=gettext_lazy("The country's referrals: the region breakdown goes through disclosure control.")
    )
    small_cell = serializers.IntegerField()
    summary = StatsRowSerializer()
    by_service_type = StatsRowSerializer(many=True)
    by_region = StatsRowSerializer(many=True)
    by_organization = StatsRowSerializer(many=True)
    regions_withheld = serializers.BooleanField(
        help_text=gettext_lazy("No region breakdown could be published without giving a small count back.")
    )


class ReferralStatsView(APIView):
    """Counts, acceptance, overdue share and time to answer of the referrals you may see, overall and by type of
    service, region of the case and receiving organization."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(
        tags=["referrals"],
        parameters=[StatsQuerySerializer],
        responses={200: ReferralStatsSerializer},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "view", Referral)
        query = StatsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        stats = referral_stats(user=request.user, filters=query.filters())
        return Response(ReferralStatsSerializer(stats).data)
