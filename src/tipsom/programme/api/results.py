"""The programme API of the results framework: /api/v1/programme/results/?country=&from=&to= (the framework table
of a country and period, as the screen shows it: withheld counts null with their mark), the framework's results
and indicators (read; written by the programme manager), baselines, and the indicator values per country and
period with their review (save, submit, approve, return). Thin: the payloads are shapes only;
programme.services.results checks every value."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.api.serializers import AsGivenField, StrictInputSerializer, validated
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import access_by_id, require_permission
from tipsom.programme.models import Indicator, IndicatorPeriod, ResultNode
from tipsom.programme.selectors import results as selectors
from tipsom.programme.services import results as services


# --- Reading ------------------------------------------------------------------------------------------------------
class ProgrammeResultNodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResultNode
        fields = ["id", *services.NODE_FIELDS]
        read_only_fields = fields


class ProgrammeIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", *services.INDICATOR_FIELDS]
        read_only_fields = fields


class ProgrammeResultsRowSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.source
    source_key = serializers.CharField(allow_blank=True)
    measure = serializers.CharField()
    factor = serializers.IntegerField()
    baseline_year = serializers.IntegerField(allow_null=True)
    baseline_value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    numerator = serializers.DecimalField(
        max_digits=20, decimal_places=4, allow_null=True, help_text=_lazy("null: not entered, or withheld.")
    )
    denominator = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    actual = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    progress = serializers.DecimalField(
        max_digits=20,
        decimal_places=1,
        allow_null=True,
        # xgettext:no-python-format
        help_text=_lazy("The actual as a % of the target."),
    )
    status = serializers.CharField()
    locked = serializers.BooleanField()
    period = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    computed = serializers.BooleanField(help_text=_lazy("Computed now (not entered, not frozen at approval)."))
    withheld = serializers.BooleanField(help_text=_lazy("A small count of persons: not published."))
    marks = serializers.DictField(child=serializers.CharField(), help_text=_lazy("“<5” or “..” of a withheld figure."))
    disaggregated = serializers.DictField(
        child=serializers.DictField(), help_text=_lazy("By dimension: a number, or “<5” / “..” where withheld.")
    )
    link = serializers.CharField(allow_blank=True)


class ProgrammeResultsNodeSerializer(serializers.Serializer):
    node = ProgrammeResultNodeSerializer()
    depth = serializers.IntegerField()
    indicators = ProgrammeResultsRowSerializer(many=True)


class ProgrammeResultsTableSerializer(serializers.Serializer):
    country = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    rows = ProgrammeResultsNodeSerializer(many=True)


def row_json(item: selectors.IndicatorRow) -> dict[str, Any]:
    indicator = item.indicator
    return {
        "indicator": indicator.pk,
        "code": indicator.code,
        "title": indicator.title,
        "source": indicator.source,
        "source_key": indicator.source_key,
        "measure": indicator.measure,
        "factor": indicator.factor,
        "baseline_year": item.baseline_year,
        "baseline_value": item.baseline_value,
        "target": item.target,
        "numerator": item.numerator,
        "denominator": item.denominator,
        "actual": item.actual,
        "progress": item.progress,
        "status": item.status,
        "locked": item.locked,
        "period": item.period.pk if item.period else None,
        "version": item.period.version if item.period else None,
        "computed": item.computed,
        "withheld": item.withheld,
        "marks": item.marks,
        "disaggregated": item.disaggregated,
        "link": item.link,
    }


class ProgrammeResultsQuerySerializer(serializers.Serializer):
    country = serializers.CharField(max_length=2)
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)
    period_from = serializers.DateField(required=False, help_text=_lazy("With period_to, instead of a year."))
    period_to = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("period_from"), attrs.get("period_to")
        if (start is None) != (end is None):
            raise serializers.ValidationError({"period_to": [_lazy("Give both ends of the period, or a year.")]})
        if start and end and end < start:
            raise serializers.ValidationError({"period_to": [_lazy("The period ends before it starts.")]})
        return attrs


def _period(query: dict[str, Any]) -> tuple[date, date]:
    if query.get("period_from"):
        return query["period_from"], query["period_to"]
    year = query.get("year") or timezone.localdate().year
    return date(year, 1, 1), date(year, 12, 31)


class ProgrammeResultsView(APIView):
    """The framework of a country for a period (a year by default): each result and its indicators' baseline,
    target, actual and breakdowns."""

    request: AuthenticatedRequest

    @extend_schema(
        tags=["programme"],
        parameters=[
            ProgrammeResultsQuerySerializer,
            OpenApiParameter("from", OpenApiTypes.DATE, description="Alias of period_from."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Alias of period_to."),
        ],
        responses={200: ProgrammeResultsTableSerializer},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "view", IndicatorPeriod)
        params = request.query_params.dict()
        for alias, name in (("from", "period_from"), ("to", "period_to")):
            if alias in params:
                params[name] = params.pop(alias)
        query = validated(ProgrammeResultsQuerySerializer, params)
        start, end = _period(query)
        table = selectors.framework_table(
            user=request.user, country=str(query["country"]).upper(), period_start=start, period_end=end
        )
        payload = {
            "country": table.country,
            "period_start": table.period_start,
            "period_end": table.period_end,
            "rows": [
                {"node": row.node, "depth": row.depth, "indicators": [row_json(item) for item in row.indicators]}
                for row in table.rows
            ],
        }
        return Response(ProgrammeResultsTableSerializer(payload).data)


# --- Writing ------------------------------------------------------------------------------------------------------
class ProgrammeResultNodeInputSerializer(StrictInputSerializer):
    level = AsGivenField(required=False)
    parent = AsGivenField(required=False, allow_null=True)  # type: ignore[assignment]  # a field, not Field.parent
    code = AsGivenField(required=False)
    title = AsGivenField(required=False)
    description = AsGivenField(required=False)
    pillar = AsGivenField(required=False, allow_null=True)
    position = AsGivenField(required=False)


class ProgrammeIndicatorInputSerializer(StrictInputSerializer):
    node = AsGivenField(required=False)
    code = AsGivenField(required=False)
    title = AsGivenField(required=False)
    description = AsGivenField(required=False)
    measure = AsGivenField(required=False)
    unit = AsGivenField(required=False)
    ascending = AsGivenField(required=False)
    numerator_label = AsGivenField(required=False)
    denominator_label = AsGivenField(required=False)
    factor = AsGivenField(required=False)
    source = AsGivenField(required=False)  # type: ignore[assignment]  # a declared field, not Field.source
    source_key = AsGivenField(required=False)
    disaggregations = AsGivenField(required=False)
    position = AsGivenField(required=False)


class ProgrammeResultNodesView(APIView):
    request: AuthenticatedRequest

    @extend_schema(tags=["programme"], responses={200: ProgrammeResultNodeSerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "view", ResultNode)
        nodes = ResultNode.objects.restrict(request.user, "view")
        return Response(ProgrammeResultNodeSerializer(nodes, many=True).data)

    @extend_schema(
        tags=["programme"], request=ProgrammeResultNodeInputSerializer, responses={201: ProgrammeResultNodeSerializer}
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", ResultNode)
        data = validated(ProgrammeResultNodeInputSerializer, request.data)
        node = services.result_node_create(actor=request.user, data=data)
        return Response(ProgrammeResultNodeSerializer(node).data, status=status.HTTP_201_CREATED)


class ProgrammeResultNodeView(APIView):
    request: AuthenticatedRequest

    @extend_schema(tags=["programme"], responses={200: ProgrammeResultNodeSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(ProgrammeResultNodeSerializer(access_by_id(ResultNode, request.user, pk, "view")).data)

    @extend_schema(
        tags=["programme"], request=ProgrammeResultNodeInputSerializer, responses={200: ProgrammeResultNodeSerializer}
    )
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        data = validated(ProgrammeResultNodeInputSerializer, request.data)
        node = services.result_node_update(actor=request.user, node_id=pk, data=data)
        return Response(ProgrammeResultNodeSerializer(node).data)


class ProgrammeIndicatorsView(APIView):
    request: AuthenticatedRequest

    @extend_schema(tags=["programme"], responses={200: ProgrammeIndicatorSerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "view", Indicator)
        indicators = Indicator.objects.restrict(request.user, "view")
        return Response(ProgrammeIndicatorSerializer(indicators, many=True).data)

    @extend_schema(
        tags=["programme"], request=ProgrammeIndicatorInputSerializer, responses={201: ProgrammeIndicatorSerializer}
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", Indicator)
        data = validated(ProgrammeIndicatorInputSerializer, request.data)
        indicator = services.indicator_create(actor=request.user, data=data)
        return Response(ProgrammeIndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)


class ProgrammeIndicatorView(APIView):
    request: AuthenticatedRequest

    @extend_schema(tags=["programme"], responses={200: ProgrammeIndicatorSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(ProgrammeIndicatorSerializer(access_by_id(Indicator, request.user, pk, "view")).data)

    @extend_schema(
        tags=["programme"], request=ProgrammeIndicatorInputSerializer, responses={200: ProgrammeIndicatorSerializer}
    )
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        data = validated(ProgrammeIndicatorInputSerializer, request.data)
        indicator = services.indicator_update(actor=request.user, indicator_id=pk, data=data)
        return Response(ProgrammeIndicatorSerializer(indicator).data)


class ProgrammeBaselineInputSerializer(StrictInputSerializer):
    indicator = serializers.IntegerField()
    country = serializers.CharField(max_length=2)
    year = AsGivenField()
    value = AsGivenField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ProgrammeBaselineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    indicator = serializers.IntegerField(source="indicator_id")
    country = serializers.CharField()
    year = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=16, decimal_places=4)
    comment = serializers.CharField()


class ProgrammeBaselinesView(APIView):
    """Set an indicator's baseline in a country (replacing the one before)."""

    request: AuthenticatedRequest

    @extend_schema(
        tags=["programme"], request=ProgrammeBaselineInputSerializer, responses={200: ProgrammeBaselineSerializer}
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        from tipsom.programme.models import IndicatorBaseline

        require_permission(request.user, "change", IndicatorBaseline)
        data = validated(ProgrammeBaselineInputSerializer, request.data)
        baseline = services.baseline_set(
            actor=request.user,
            indicator_id=data["indicator"],
            country=data["country"],
            year=data["year"],
            value=data["value"],
            comment=data.get("comment", ""),
        )
        return Response(ProgrammeBaselineSerializer(baseline).data)


class ProgrammeIndicatorPeriodSerializer(serializers.Serializer):
    """An indicator's value for a country and period; the figures as they may be shown (a computed indicator's
    computed now, or frozen at approval; a small count of persons withheld)."""

    id = serializers.IntegerField()
    indicator = serializers.IntegerField(source="indicator_id")
    country = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    target = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    numerator = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    actual = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    disaggregated = serializers.DictField(child=serializers.DictField())
    withheld = serializers.BooleanField()
    comment = serializers.CharField()
    evidence = serializers.BooleanField(help_text=_lazy("Whether evidence is attached."))
    status = serializers.CharField()
    locked = serializers.BooleanField()
    review_comment = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


def period_json(period: IndicatorPeriod) -> dict[str, Any]:
    row = selectors.indicator_row(
        period.indicator, period.country, period.period_start, period.period_end, period, None
    )
    return {
        "id": period.pk,
        "indicator_id": period.indicator_id,
        "country": period.country,
        "period_start": period.period_start,
        "period_end": period.period_end,
        "target": period.target,
        "numerator": row.numerator,
        "denominator": row.denominator,
        "actual": row.actual,
        "disaggregated": row.disaggregated,
        "withheld": row.withheld,
        "comment": period.comment,
        "evidence": bool(period.evidence_sha256),
        "status": period.status,
        "locked": period.locked,
        "review_comment": period.review_comment,
        "submitted_at": period.submitted_at,
        "reviewed_at": period.reviewed_at,
        "version": period.version,
    }


class ProgrammeIndicatorPeriodFieldsSerializer(StrictInputSerializer):
    target = AsGivenField(required=False, allow_null=True)
    numerator = AsGivenField(required=False, allow_null=True)
    denominator = AsGivenField(required=False, allow_null=True)
    actual = AsGivenField(required=False, allow_null=True)
    disaggregated = AsGivenField(required=False, allow_null=True)
    comment = AsGivenField(required=False)
    evidence = serializers.FileField(required=False, help_text=_lazy("PDF, XLSX, DOCX, PNG or JPEG (multipart)."))
    version = serializers.IntegerField(required=False, help_text=_lazy("The version read; a stale one is 409."))


class ProgrammeIndicatorPeriodInputSerializer(ProgrammeIndicatorPeriodFieldsSerializer):
    indicator = serializers.IntegerField()
    country = serializers.CharField(max_length=2)
    period_start = AsGivenField()
    period_end = AsGivenField()


PERIOD_DATA = ("target", "numerator", "denominator", "actual", "disaggregated", "comment", "evidence")
PARSERS = [JSONParser, MultiPartParser, FormParser]


class ProgrammeIndicatorPeriodsView(APIView):
    """Save an indicator's target and value for a country and period (created, or the draft or returned value
    changed)."""

    request: AuthenticatedRequest
    parser_classes = PARSERS

    @extend_schema(
        tags=["programme"],
        request=ProgrammeIndicatorPeriodInputSerializer,
        responses={200: ProgrammeIndicatorPeriodSerializer},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "change", IndicatorPeriod)
        data = validated(ProgrammeIndicatorPeriodInputSerializer, request.data)
        period = services.indicator_period_save(
            actor=request.user,
            indicator_id=data["indicator"],
            country=data["country"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            data={name: data[name] for name in PERIOD_DATA if name in data},
            version=data.get("version"),
        )
        return Response(ProgrammeIndicatorPeriodSerializer(period_json(period)).data)


class ProgrammeIndicatorPeriodView(APIView):
    request: AuthenticatedRequest
    parser_classes = PARSERS

    @extend_schema(tags=["programme"], responses={200: ProgrammeIndicatorPeriodSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        period = access_by_id(IndicatorPeriod, request.user, pk, "view")
        return Response(ProgrammeIndicatorPeriodSerializer(period_json(period)).data)

    @extend_schema(
        tags=["programme"],
        request=ProgrammeIndicatorPeriodFieldsSerializer,
        responses={200: ProgrammeIndicatorPeriodSerializer},
    )
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        period = access_by_id(IndicatorPeriod, request.user, pk, "change")
        data = validated(ProgrammeIndicatorPeriodFieldsSerializer, request.data)
        saved = services.indicator_period_save(
            actor=request.user,
            indicator_id=period.indicator_id,
            country=period.country,
            period_start=period.period_start,
            period_end=period.period_end,
            data={name: data[name] for name in PERIOD_DATA if name in data},
            version=data.get("version"),
        )
        return Response(ProgrammeIndicatorPeriodSerializer(period_json(saved)).data)


class ProgrammeReviewSerializer(StrictInputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ProgrammeIndicatorPeriodSubmitView(APIView):
    request: AuthenticatedRequest

    @extend_schema(tags=["programme"], request=None, responses={200: ProgrammeIndicatorPeriodSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        period = services.indicator_period_submit(actor=request.user, period_id=pk)
        return Response(ProgrammeIndicatorPeriodSerializer(period_json(period)).data)


class ProgrammeIndicatorPeriodReviewView(APIView):
    """The coordinator's review of a submitted period: approve (a comment is optional) or return for revision
    (with a comment)."""

    request: AuthenticatedRequest
    approve = True  # as_view(approve=False) for the return

    @extend_schema(
        tags=["programme"], request=ProgrammeReviewSerializer, responses={200: ProgrammeIndicatorPeriodSerializer}
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        comment = validated(ProgrammeReviewSerializer, request.data).get("comment", "")
        review = services.indicator_period_approve if self.approve else services.indicator_period_return
        period = review(actor=request.user, period_id=pk, comment=comment)
        return Response(ProgrammeIndicatorPeriodSerializer(period_json(period)).data)


paths = [
    path("programme/results/", ProgrammeResultsView.as_view(), name="programme-results"),
    path("programme/result-nodes/", ProgrammeResultNodesView.as_view(), name="programme-result-nodes"),
    path("programme/result-nodes/<int:pk>/", ProgrammeResultNodeView.as_view(), name="programme-result-node"),
    path("programme/indicators/", ProgrammeIndicatorsView.as_view(), name="programme-indicators"),
    path("programme/indicators/<int:pk>/", ProgrammeIndicatorView.as_view(), name="programme-indicator"),
    path("programme/indicator-baselines/", ProgrammeBaselinesView.as_view(), name="programme-indicator-baselines"),
    path("programme/indicator-periods/", ProgrammeIndicatorPeriodsView.as_view(), name="programme-indicator-periods"),
    path(
        "programme/indicator-periods/<int:pk>/",
        ProgrammeIndicatorPeriodView.as_view(),
        name="programme-indicator-period",
    ),
    path(
        "programme/indicator-periods/<int:pk>/submit/",
        ProgrammeIndicatorPeriodSubmitView.as_view(),
        name="programme-indicator-period-submit",
    ),
    path(
        "programme/indicator-periods/<int:pk>/approve/",
        ProgrammeIndicatorPeriodReviewView.as_view(approve=True),
        name="programme-indicator-period-approve",
    ),
    path(
        "programme/indicator-periods/<int:pk>/return/",
        ProgrammeIndicatorPeriodReviewView.as_view(approve=False),
        name="programme-indicator-period-return",
    ),
]
