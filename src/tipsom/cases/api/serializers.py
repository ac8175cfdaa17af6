"""Case payloads: shapes and types only; cases.services checks codes, dates and rules, and decides.

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
from tipsom.core.api.serializers import StrictInputSerializer
from tipsom.core.fields import EncryptedTextField
from tipsom.core.integers import IdField
from tipsom.core.masking import MASKED
from tipsom.people.api.serializers import PersonCreateSerializer, StrictNestedSerializer
from tipsom.people.models import Person

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_VERSION_HELP = _("The case's `version` you read; a stale one answers 409 and changes nothing.")


def _codes(help_text: StrOrPromise) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50, help_text=help_text
    )


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


# --- Reading -------------------------------------------------------------------------------------------------
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
            "id", "case_number", "country", "owner_organization", "case_type", "status", "trafficking_status",
            "identified_on", "region", "origin_country", "destination_country", "exploitation_types", "is_child",
            "person", "version",
        ]  # fmt: skip
        read_only_fields = fields


class StatusDecisionSerializer(CasePartSerializer):
    status = _coded(_TRAFFICKING_STATUS)

    class Meta:
        model = StatusDecision
        fields = _part_fields(
            "status", "decided_on", "deciding_organization_type", "basis", "approval", "approved_by", "approved_at",
            "approval_comment",
        )  # fmt: skip
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
            "notified_organization", "notified_at", "guardian_name", "guardian_organization", "guardian_appointed_on",
            "has_guardian", "best_interests", "best_interests_completed_on", "family_tracing", "age_assessment",
            "updated_at", "case_version",
        ]  # fmt: skip
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
            *CaseListSerializer.Meta.fields, "closure_reason", "closed_on", "transit_countries", "industries",
            "sex_exploitation_types", "means_of_control", "recruitment_methods", "relationship_to_recruiter",
            "recruitment_websites", "exploitation_websites", "vulnerabilities", "case_owner", "team",
            "organizations", "decisions", "closure_requests", "events", "child_protection", "created_at",
            "updated_at",
        ]  # fmt: skip
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
        fields = _part_fields("screened_on", "acts", "means", "purposes", "som_vulnerabilities", "recommendation",
                              "notes")  # fmt: skip
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


# --- Writing -------------------------------------------------------------------------------------------------
class VersionedInputSerializer(StrictInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_VERSION_HELP)


class ScreeningInputSerializer(StrictNestedSerializer):
    screened_on = serializers.DateField(required=False, help_text=_("Left out: the day of identification."))
    acts = _codes(_("recruitment, transportation, transfer, harbouring, receipt."))
    means = _codes(_("HTCDS vic_MethodsOfControl codes."))
    purposes = _codes(_("HTCDS vic_TypeOfExploitation codes."))
    som_vulnerabilities = _codes(_("Vulnerabilities of a smuggled migrant."))
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, trim_whitespace=False)


class CaseFieldsMixin(serializers.Serializer):
    """The case facts case_register and case_update take; the service checks every code."""

    case_type = serializers.CharField(max_length=4, required=False, help_text=_("tip, som or both."))
    identified_on = serializers.DateField(required=False)
    region = serializers.CharField(max_length=10, required=False, allow_blank=True, help_text=_("ISO 3166-2."))
    origin_country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    transit_countries = _codes(_("ISO 3166-1 alpha-2 codes."))
    destination_country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    case_owner = IdField(required=False, allow_null=True, help_text=_("A user id."))
    exploitation_types = _codes(_("HTCDS vic_TypeOfExploitation codes."))
    industries = _codes(_("HTCDS vic_ForcedLabourIndustry codes."))
    sex_exploitation_types = _codes(_("HTCDS vic_TypeOfSexExploitation codes."))
    means_of_control = _codes(_("HTCDS vic_MethodsOfControl codes."))
    recruitment_methods = _codes(_("HTCDS vic_MethodOfRecruitment codes."))
    relationship_to_recruiter = _codes(_("HTCDS vic_RelationshipToTrafficker codes."))
    recruitment_websites = _codes(_("HTCDS vic_RecruitmentWebsitesAndApps codes."))
    exploitation_websites = _codes(_("HTCDS vic_ExploitationWebsitesAndApps codes."))
    vulnerabilities = _codes(_("HTCDS vic_Vulnerabilities codes."))


class CaseCreateSerializer(StrictInputSerializer, CaseFieldsMixin):
    person = PersonCreateSerializer(required=False, help_text=_("A new person; or give person_id."))
    person_id = IdField(required=False, help_text=_("A person already in the registry."))
    screening = ScreeningInputSerializer(required=False, help_text=_("The identification interview, if held."))


class CaseUpdateSerializer(VersionedInputSerializer, CaseFieldsMixin):
    pass


class DecisionInputSerializer(VersionedInputSerializer):
    status = serializers.CharField(max_length=40, help_text=_("HTCDS vic_TraffickingStatus code."))
    decided_on = serializers.DateField()
    deciding_organization_type = serializers.CharField(
        max_length=40, help_text=_("HTCDS vic_TraffickingStatusDecisionMakingOrg code.")
    )
    basis = serializers.CharField(max_length=4000, required=False, allow_blank=True, trim_whitespace=False)


class ReviewInputSerializer(StrictInputSerializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text=_("Required to reject.")
    )


class CloseInputSerializer(VersionedInputSerializer):
    status = serializers.CharField(max_length=20, required=False, help_text=_("Closed (default) or ClosedReferred."))
    reason = serializers.CharField(max_length=20)
    closed_on = serializers.DateField()


class StatusInputSerializer(VersionedInputSerializer):
    status = serializers.CharField(max_length=20, help_text=_("Active or FollowUp (reopens a closed case)."))


class TeamInputSerializer(VersionedInputSerializer):
    users = serializers.ListField(child=IdField(), max_length=100, help_text=_("User ids."))


class ConsentInputSerializer(VersionedInputSerializer):
    purpose = serializers.CharField(max_length=20)
    given = serializers.BooleanField()
    recorded_on = serializers.DateField()
    given_by = serializers.CharField(max_length=10, help_text=_("person, guardian or parent."))
    service_types = _codes(_("For referral: HTCDS spl_Type codes the person agreed to share with."))


class EventInputSerializer(VersionedInputSerializer):
    event_type = serializers.CharField(max_length=20, help_text=_("HTCDS hte_Type code."))
    country = serializers.CharField(max_length=2)
    place = serializers.CharField(max_length=300, required=False, allow_blank=True, trim_whitespace=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)


class AssessmentInputSerializer(VersionedInputSerializer):
    kind = serializers.CharField(max_length=20)
    assessed_on = serializers.DateField()
    level = serializers.CharField(max_length=8)
    needs = _codes(_("HTCDS spl_Type codes."))
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, trim_whitespace=False)


class PlanItemInputSerializer(VersionedInputSerializer):
    support_type = serializers.CharField(max_length=40, help_text=_("HTCDS spl_Type code."))
    goal = serializers.CharField(max_length=1000, required=False, allow_blank=True, trim_whitespace=False)
    target_date = serializers.DateField(required=False, allow_null=True)


class PlanStatusInputSerializer(VersionedInputSerializer):
    status = serializers.CharField(max_length=12, help_text=_("planned, in_progress, done or cancelled."))


class ServiceInputSerializer(VersionedInputSerializer):
    support_type = serializers.CharField(max_length=40, help_text=_("HTCDS spl_Type code."))
    delivered_on = serializers.DateField()
    provider = IdField(help_text=_("An organization id of the case's country."))
    outcome = serializers.CharField(max_length=16)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, trim_whitespace=False)


class TaskInputSerializer(VersionedInputSerializer):
    title = serializers.CharField(max_length=300, trim_whitespace=False)
    due_on = serializers.DateField()
    assigned_to = IdField(required=False, allow_null=True, help_text=_("A user id."))


class JournalInputSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=4000, trim_whitespace=False)


class AttachmentInputSerializer(StrictInputSerializer):
    file = serializers.FileField(help_text=_("PDF, JPEG or PNG (as the deployment allows); its bytes decide."))


class ChildUpdateSerializer(VersionedInputSerializer):
    guardian_name = serializers.CharField(max_length=300, required=False, allow_blank=True, trim_whitespace=False)
    guardian_organization = IdField(required=False, allow_null=True)
    guardian_appointed_on = serializers.DateField(required=False, allow_null=True)
    best_interests = serializers.CharField(max_length=12, required=False)
    best_interests_completed_on = serializers.DateField(required=False, allow_null=True)
    family_tracing = serializers.CharField(max_length=24, required=False)
    age_assessment = serializers.CharField(max_length=12, required=False)


class ChildNotifyInputSerializer(VersionedInputSerializer):
    organization = IdField(help_text=_("The child protection agency's organization id."))
