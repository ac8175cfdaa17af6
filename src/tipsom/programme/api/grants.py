"""/api/v1/programme/grants/: grants (list with the screen's filters and each grant's money and reporting state,
create with its tranches and reporting periods; one grant: read, partial update with its version), a tranche's
release, a report's submission and review, and a grant's transactions (list with running totals, record one).
Thin: the payloads are shapes only; programme.services.grants checks every value and decides."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import (
    AsGivenDateField,
    AsGivenDecimalField,
    AsGivenField,
    AsGivenIntegerField,
    StrictInputSerializer,
    text_input,
    validated,
)
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import access_by_id, require_permission
from tipsom.programme.forms.grants import GrantFilterForm
from tipsom.programme.models import Grant, GrantReport, GrantTransaction, Tranche
from tipsom.programme.selectors import grants as selectors
from tipsom.programme.services import grants as services


# --- Reading ------------------------------------------------------------------------------------------------------
class GrantTrancheSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tranche
        fields = ["id", "number", "amount", "planned_on", "released_on"]
        read_only_fields = fields


class GrantReportSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = GrantReport
        fields = [
            "id",
            "number",
            "period_start",
            "period_end",
            "due_on",
            "status",
            "submitted_on",
            "narrative",
            "has_document",
            "document_type",
            "document_size",
            "reviewed_at",
            "review_comment",
            "overdue",
            "version",
        ]
        read_only_fields = fields

    def get_overdue(self, report: GrantReport) -> bool:
        return selectors.report_is_overdue(report)

    def get_has_document(self, report: GrantReport) -> bool:
        return report.has_document


class GrantTransactionSerializer(serializers.ModelSerializer):
    tranche_number = serializers.SerializerMethodField()

    class Meta:
        model = GrantTransaction
        fields = ["id", "transaction_type", "date", "amount", "tranche", "tranche_number", "description"]
        read_only_fields = fields

    def get_tranche_number(self, record: GrantTransaction) -> int | None:
        return record.tranche.number if record.tranche else None


class GrantTransactionRowSerializer(serializers.Serializer):
    transaction = GrantTransactionSerializer(source="record")
    committed = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_lazy("Running total."))
    disbursed = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_lazy("Running total."))
    spent = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_lazy("Running total."))


_GRANT_COLUMNS = [
    "id",
    "reference",
    "country",
    "owner_organization",
    "title",
    "grantee",
    "grantee_name",
    "currency",
    "amount",
    "start_date",
    "end_date",
    "activity",
    "version",
]


class GrantListSerializer(serializers.ModelSerializer):
    """A grant with its money and reporting state. `victims_cases` and `victims_persons` are shown as they may be
    published: a small count is "<5"."""

    grantee_name = serializers.CharField(source="grantee.name", read_only=True)
    released = serializers.DecimalField(source="released_total", max_digits=16, decimal_places=2, read_only=True)
    disbursed = serializers.DecimalField(source="disbursed_total", max_digits=16, decimal_places=2, read_only=True)
    spent = serializers.DecimalField(source="spent_total", max_digits=16, decimal_places=2, read_only=True)
    next_report_due = serializers.DateField(read_only=True, allow_null=True)
    overdue_reports = serializers.IntegerField(read_only=True)
    victims_cases = serializers.SerializerMethodField()
    victims_persons = serializers.SerializerMethodField()

    class Meta:
        model = Grant
        fields = [
            *_GRANT_COLUMNS,
            "released",
            "disbursed",
            "spent",
            "next_report_due",
            "overdue_reports",
            "victims_cases",
            "victims_persons",
        ]
        read_only_fields = fields

    def get_victims_cases(self, grant: Grant) -> str:
        return selectors.count_published(grant.victims_cases)  # type: ignore[attr-defined]

    def get_victims_persons(self, grant: Grant) -> str:
        return selectors.count_published(grant.victims_persons)  # type: ignore[attr-defined]


class GrantDetailSerializer(GrantListSerializer):
    tranches = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()

    class Meta(GrantListSerializer.Meta):
        fields = [*GrantListSerializer.Meta.fields, "purpose", "tranches", "reports"]
        read_only_fields = fields

    @extend_schema_field(GrantTrancheSerializer(many=True))
    def get_tranches(self, grant: Grant) -> Any:
        return GrantTrancheSerializer(grant.tranches.all(), many=True).data

    @extend_schema_field(GrantReportSerializer(many=True))
    def get_reports(self, grant: Grant) -> Any:
        return GrantReportSerializer(grant.reports.all(), many=True).data


# --- Writing: shapes only, the service checks the values ----------------------------------------------------------
@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "number": {"type": "integer"},
                "amount": {"type": "string", "format": "decimal"},
                "planned_on": {"type": "string", "format": "date"},
            },
        },
    }
)
class GrantTranchesField(AsGivenField):
    """The tranches: {number (default: the position), amount, planned_on}; they add up to the grant."""


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "number": {"type": "integer"},
                "period_start": {"type": "string", "format": "date"},
                "period_end": {"type": "string", "format": "date"},
                "due_on": {"type": "string", "format": "date"},
            },
        },
    }
)
class GrantReportsField(AsGivenField):
    """The reporting periods: {number, period_start, period_end, due_on}; one for every tranche but the last."""


class GrantFieldsSerializer(StrictInputSerializer):
    title = text_input(300)
    purpose = text_input(4000)
    grantee = AsGivenIntegerField(required=False, help_text=_lazy("An NGO-like organization of the country (id)."))
    currency = text_input(3)
    amount = AsGivenDecimalField(required=False)
    start_date = AsGivenDateField(required=False)
    end_date = AsGivenDateField(required=False)
    activity = AsGivenIntegerField(required=False, allow_null=True)
    tranches = GrantTranchesField(required=False)
    reports = GrantReportsField(required=False)


class GrantUpdateSerializer(GrantFieldsSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_lazy("The `version` you read; a stale one answers 409 and changes nothing.")
    )


class GrantReleaseSerializer(StrictInputSerializer):
    released_on = AsGivenDateField(required=False, allow_null=True, help_text=_lazy("Default: today."))


class GrantReportSubmitSerializer(StrictInputSerializer):
    narrative = serializers.CharField(allow_blank=True, trim_whitespace=False)
    document = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_lazy("The document (PDF, XLSX, DOCX, PNG or JPEG) in base64."),
    )


class GrantReviewSerializer(StrictInputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class GrantTransactionFieldsSerializer(StrictInputSerializer):
    transaction_type = serializers.CharField(help_text=_lazy("IATI: 2 commitment, 3 disbursement, 4 expenditure."))
    date = AsGivenDateField()
    amount = AsGivenDecimalField()
    tranche = AsGivenIntegerField(required=False, allow_null=True)
    description = text_input(500)


class GrantFilterQuerySerializer(serializers.Serializer):
    """The filters (for the schema; GrantFilterForm checks them)."""

    country = serializers.CharField(required=False, help_text=_lazy("For who reads every country."))
    grantee = serializers.IntegerField(required=False)
    year = serializers.IntegerField(required=False)
    overdue = serializers.ChoiceField(choices=["yes", "no"], required=False)


# --- Views --------------------------------------------------------------------------------------------------------
def _detail(user: Any, pk: Any, code: int = status.HTTP_200_OK) -> Response:
    grant = selectors.grant_detail(user=user, grant_id=pk)
    return Response(GrantDetailSerializer(grant).data, status=code)


@extend_schema(tags=["programme"])
class GrantListView(APIView):
    """Grants the user may see (a grantee: its own), most recently recorded first, paged by cursor."""

    request: AuthenticatedRequest  # past IsAuthenticated
    pagination_class = KeysetPagination  # so that the schema describes the page (next, previous, results)

    @extend_schema(parameters=[GrantFilterQuerySerializer], responses={200: GrantListSerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "view", Grant)
        query = {
            name: request.query_params[name]
            for name in ("country", "grantee", "year", "overdue")
            if name in request.query_params
        }
        form = GrantFilterForm(query, user=request.user)
        if not form.is_valid():
            raise ApplicationError("invalid", _("Some fields are not valid."), {"fields": dict(form.errors)})
        grants = selectors.grant_list(user=request.user, **form.filters()).order_by("-pk")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(grants, request, view=self)
        return paginator.get_paginated_response(GrantListSerializer(page, many=True).data)

    @extend_schema(request=GrantFieldsSerializer, responses={201: GrantDetailSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        """Record a grant managed by your organization, with its tranches and reporting periods."""
        require_permission(request.user, "add", Grant)
        organization = request.user.organization
        if organization is None:
            raise NotFound()
        data = validated(GrantFieldsSerializer, request.data)
        tranches = data.pop("tranches", [])
        reports = data.pop("reports", [])
        grant = services.grant_create(
            actor=request.user, organization=organization, data=data, tranches=tranches, reports=reports
        )
        return _detail(request.user, grant.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["programme"])
class GrantDetailView(APIView):
    request: AuthenticatedRequest

    @extend_schema(responses={200: GrantDetailSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return _detail(request.user, pk)

    @extend_schema(request=GrantUpdateSerializer, responses={200: GrantDetailSerializer, **error_responses(409)})
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        """Change the fields given; `tranches` and `reports` replace the schedule (only before any money moved)."""
        selectors.grant_detail(user=request.user, grant_id=pk, action="change")
        data = validated(GrantUpdateSerializer, request.data)
        version = data.pop("version")
        services.grant_update(actor=request.user, grant_id=pk, version=version, data=data)
        return _detail(request.user, pk)


@extend_schema(tags=["programme"])
class GrantTransactionsView(APIView):
    request: AuthenticatedRequest

    @extend_schema(responses={200: GrantTransactionRowSerializer(many=True)})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The grant's transactions, oldest first, each with the running totals after it."""
        grant = selectors.grant_detail(user=request.user, grant_id=pk)
        rows = selectors.grant_transactions(user=request.user, grant=grant)
        return Response(GrantTransactionRowSerializer(rows, many=True).data)

    @extend_schema(request=GrantTransactionFieldsSerializer, responses={201: GrantTransactionSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """Record a transaction: the programme's officer a commitment or a disbursement (within the released
        tranches), the grantee its expenditure (within what was disbursed)."""
        grant = selectors.grant_detail(user=request.user, grant_id=pk)
        data = validated(GrantTransactionFieldsSerializer, request.data)
        record = services.transaction_record(
            actor=request.user,
            grant_id=grant.pk,
            transaction_type=data["transaction_type"],
            date=data["date"],
            amount=data["amount"],
            tranche_id=data.get("tranche") or None,
            description=data.get("description", ""),
        )
        return Response(GrantTransactionSerializer(record).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["programme"])
class GrantTrancheReleaseView(APIView):
    request: AuthenticatedRequest

    @extend_schema(request=GrantReleaseSerializer, responses={200: GrantTrancheSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """Release a tranche (the coordinator); a tranche after the first once the report before it is approved."""
        access_by_id(Tranche, request.user, pk, "approve")
        data = validated(GrantReleaseSerializer, request.data)
        tranche = services.tranche_release(actor=request.user, tranche_id=pk, released_on=data.get("released_on"))
        return Response(GrantTrancheSerializer(tranche).data)


def _document(value: str) -> bytes | None:
    if not value:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        message = _("Give the document in base64.")
        raise ApplicationError("invalid", message, {"fields": {"document": message}}) from exc


@extend_schema(tags=["programme"])
class GrantReportSubmitView(APIView):
    request: AuthenticatedRequest

    @extend_schema(request=GrantReportSubmitSerializer, responses={200: GrantReportSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """The grantee submits its report for review (a draft, or one returned)."""
        access_by_id(GrantReport, request.user, pk, "change")
        data = validated(GrantReportSubmitSerializer, request.data)
        report = services.grant_report_submit(
            actor=request.user, report_id=pk, narrative=data["narrative"], document=_document(data.get("document", ""))
        )
        return Response(GrantReportSerializer(report).data)


@extend_schema(tags=["programme"])
class GrantReportReviewView(APIView):
    """The coordinator's review of a submitted report: approve (a comment is optional) or return for revision
    (with a comment)."""

    request: AuthenticatedRequest
    approve = True

    @extend_schema(request=GrantReviewSerializer, responses={200: GrantReportSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        access_by_id(GrantReport, request.user, pk, "approve")
        comment = validated(GrantReviewSerializer, request.data).get("comment", "")
        review = services.grant_report_approve if self.approve else services.grant_report_return
        report = review(actor=request.user, report_id=pk, comment=comment)
        return Response(GrantReportSerializer(report).data)


paths: list[Any] = [
    path("programme/grants/", GrantListView.as_view(), name="programme-grants"),
    path("programme/grants/<int:pk>/", GrantDetailView.as_view(), name="programme-grant"),
    path(
        "programme/grants/<int:pk>/transactions/", GrantTransactionsView.as_view(), name="programme-grant-transactions"
    ),
    path("programme/tranches/<int:pk>/release/", GrantTrancheReleaseView.as_view(), name="programme-tranche-release"),
    path(
        "programme/grant-reports/<int:pk>/submit/",
        GrantReportSubmitView.as_view(),
        name="programme-grant-report-submit",
    ),
    path(
        "programme/grant-reports/<int:pk>/approve/",
        GrantReportReviewView.as_view(approve=True),
        name="programme-grant-report-approve",
    ),
    path(
        "programme/grant-reports/<int:pk>/return/",
        GrantReportReviewView.as_view(approve=False),
        name="programme-grant-report-return",
    ),
]
