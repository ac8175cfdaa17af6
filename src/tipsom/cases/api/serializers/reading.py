"""Case payloads as the API answers them: shapes only, never a rule.

Identifying free text (screening notes, decision basis, places, assessment notes, plan goals, service notes,
task titles, journal text, attachment file names, the guardian's name) is masked in every answer unless the
request carries an `X-Reveal-Reason` header and the user may reveal the case: then it is shown and the reveal is
audited with that reason (see cases.services.case_text_reveal)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tipsom.cases.models import (
    Assessment,
    Attachment,
    Case,
    CaseOrganization,
    ChildProtection,
    ClosureRequest,
    Consent,
    JournalEntry,
    Screening,
    ServiceDelivery,
    StatusDecision,
    SupportPlanItem,
    Task,
    TraffickingEvent,
)
from tipsom.core.fields import EncryptedTextField
from tipsom.core.masking import MASKED
from tipsom.people.models import Person

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class MaskedModelSerializer(serializers.ModelSerializer):
    """Encrypted (identifying) fields come out as "••••••" (or "" when empty) unless context["reveal"] is set."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("reveal", False):
            for field in instance._meta.concrete_fields:
                if isinstance(field, EncryptedTextField) and field.name in data:
                    data[field.name] = MASKED if data[field.name] else ""
        return data


class CaseVersionMixin(serializers.Serializer):
    """A write answer carries the case's new version, to send with the next write; a read has none (null)."""

    case_version = serializers.SerializerMethodField(
        help_text=_("The case's version after this write; null when the part is read, not written.")
    )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_case_version(self, instance: Any) -> int | None:
        return self.context.get("case_version")


class CasePartSerializer(CaseVersionMixin, MaskedModelSerializer):
    """Every part of a case names who wrote it and when."""


def _coded(help_text: StrOrPromise) -> serializers.CharField:
    """A coded field as plain text in the schema: the same code lists recur under one name (status, reason),
    and one enum per code list would collide in the OpenAPI components."""
    return serializers.CharField(read_only=True, help_text=help_text)


_CASE_STATUS = _("HTCDS cas_Status: Active, FollowUp, Closed or ClosedReferred.")
_TRAFFICKING_STATUS = _("HTCDS vic_TraffickingStatus code.")
_CLOSURE_REASON = _("services_completed, referred, declined, lost_contact, returned, not_a_victim, deceased, other.")


def _part_fields(*names: str) -> list[str]:
    return ["id", *names, "created_by", "created_at", "case_version"]


class PersonSummarySerializer(serializers.ModelSerializer):
    """The statistical facts of the case's person; never a name."""

    class Meta:
        model = Person
        fields = ["id", "gender", "citizenships", "birth_year", "is_presumed_minor"]
        read_only_fields = fields


class CaseListSerializer(serializers.ModelSerializer):
    """A list row: coded fields and the person's statistical facts, no identifying value."""

    person = PersonSummarySerializer(read_only=True)
    status = _coded(_CASE_STATUS)
    trafficking_status = _coded(_TRAFFICKING_STATUS)

    class Meta:
        model = Case
        fields = [
            "id",
            "case_number",
            "country",
            "owner_organization",
            "case_type",
            "status",
            "trafficking_status",
            "identified_on",
            "region",
            "origin_country",
            "destination_country",
            "exploitation_types",
            "is_child",
            "person",
            "version",
        ]
        read_only_fields = fields


class StatusDecisionSerializer(CasePartSerializer):
    status = _coded(_TRAFFICKING_STATUS)

    class Meta:
        model = StatusDecision
        fields = _part_fields(
            "status",
            "decided_on",
            "deciding_organization_type",
            "basis",
            "approval",
            "approved_by",
            "approved_at",
            "approval_comment",
        )
        read_only_fields = fields


class ClosureRequestSerializer(CasePartSerializer):
    status = _coded(_CASE_STATUS)
    reason = _coded(_CLOSURE_REASON)

    class Meta:
        model = ClosureRequest
        fields = _part_fields(
            "status", "reason", "closed_on", "approval", "approved_by", "approved_at", "approval_comment"
        )
        read_only_fields = fields


class TraffickingEventSerializer(CasePartSerializer):
    class Meta:
        model = TraffickingEvent
        fields = _part_fields("event_type", "country", "place", "start_date", "end_date")
        read_only_fields = fields


class ChildProtectionSerializer(CaseVersionMixin, MaskedModelSerializer):
    has_guardian = serializers.BooleanField(read_only=True)

    class Meta:
        model = ChildProtection
        fields = [
            "notified_organization",
            "notified_at",
            "guardian_name",
            "guardian_organization",
            "guardian_appointed_on",
            "has_guardian",
            "best_interests",
            "best_interests_completed_on",
            "family_tracing",
            "age_assessment",
            "updated_at",
            "case_version",
        ]
        read_only_fields = fields


class CaseOrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseOrganization
        fields = ["organization", "reason", "added_at"]
        read_only_fields = fields


class CaseDetailSerializer(CaseListSerializer):
    """One case: its facts, decisions, closures, events, team and child track. Free text is masked (see module)."""

    closure_reason = _coded(_CLOSURE_REASON)
    decisions = StatusDecisionSerializer(many=True, read_only=True)
    closure_requests = ClosureRequestSerializer(many=True, read_only=True)
    events = TraffickingEventSerializer(many=True, read_only=True)
    organizations = CaseOrganizationSerializer(many=True, read_only=True)
    child_protection = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            *CaseListSerializer.Meta.fields,
            "closure_reason",
            "closed_on",
            "transit_countries",
            "industries",
            "sex_exploitation_types",
            "means_of_control",
            "recruitment_methods",
            "relationship_to_recruiter",
            "recruitment_websites",
            "exploitation_websites",
            "vulnerabilities",
            "case_owner",
            "team",
            "organizations",
            "decisions",
            "closure_requests",
            "events",
            "child_protection",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ChildProtectionSerializer(allow_null=True))
    def get_child_protection(self, case: Case) -> dict[str, Any] | None:
        try:
            track = case.child_protection
        except ChildProtection.DoesNotExist:
            return None
        # The guardian's name stays masked here; GET child/ with a reveal reason shows it.
        return ChildProtectionSerializer(track, context={"reveal": False}).data


class ScreeningSerializer(CasePartSerializer):
    class Meta:
        model = Screening
        fields = _part_fields(
            "screened_on", "acts", "means", "purposes", "som_vulnerabilities", "recommendation", "notes"
        )
        read_only_fields = fields


class ConsentSerializer(CasePartSerializer):
    class Meta:
        model = Consent
        fields = _part_fields("purpose", "given", "recorded_on", "given_by", "service_types")
        read_only_fields = fields


class ConsentOverviewSerializer(serializers.Serializer):
    current = serializers.DictField(
        child=ConsentSerializer(allow_null=True), help_text=_("The consent in force per purpose (null: never asked).")
    )
    history = ConsentSerializer(many=True, help_text=_("Every consent given or withdrawn, newest first."))
    case_version = serializers.IntegerField()


class AssessmentSerializer(CasePartSerializer):
    class Meta:
        model = Assessment
        fields = _part_fields("kind", "assessed_on", "level", "needs", "notes")
        read_only_fields = fields


class SupportPlanItemSerializer(CasePartSerializer):
    class Meta:
        model = SupportPlanItem
        fields = _part_fields("support_type", "goal", "target_date", "status")
        read_only_fields = fields


class ServiceDeliverySerializer(CasePartSerializer):
    class Meta:
        model = ServiceDelivery
        fields = _part_fields("support_type", "delivered_on", "provider", "outcome", "notes")
        read_only_fields = fields


class TaskSerializer(CasePartSerializer):
    class Meta:
        model = Task
        fields = _part_fields("title", "due_on", "assigned_to", "done_at")
        read_only_fields = fields


class JournalEntrySerializer(CasePartSerializer):
    class Meta:
        model = JournalEntry
        fields = _part_fields("text")
        read_only_fields = fields


class AttachmentSerializer(CasePartSerializer):
    class Meta:
        model = Attachment
        fields = _part_fields("filename", "content_type", "size", "sha256")
        read_only_fields = fields
