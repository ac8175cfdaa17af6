"""Case payloads as clients send them: shapes and types only; cases.services checks codes, dates and rules,
and decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tipsom.core.api.serializers import StrictInputSerializer
from tipsom.core.integers import IdField
from tipsom.people.api.serializers import PersonCreateSerializer, StrictNestedSerializer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_VERSION_HELP = _("The case's `version` you read; a stale one answers 409 and changes nothing.")


def _codes(help_text: StrOrPromise) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50, help_text=help_text
    )


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
