"""The payloads of the activities API: what an activity and a follow-up action read like, and the shapes of what a
client sends (the values are checked by programme.services.activities, so a bad one gets the same message as on
the screen). Names start with Programme/Activity so they do not collide in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tipsom.core.api.serializers import (
    AsGivenCodesField,
    AsGivenDateField,
    AsGivenDecimalField,
    AsGivenField,
    AsGivenIdsField,
    AsGivenIntegerField,
    StrictInputSerializer,
    text_input,
)
from tipsom.programme.models import Activity, FollowUpAction
from tipsom.programme.selectors.activities import is_overdue, participant_counts
from tipsom.programme.services.activities import ACTIVITY_FIELDS, FOLLOW_UP_FIELDS

# What an activity reads like: its identity, the fields the service takes (in its order), the version.
ACTIVITY_COLUMNS = ["id", "reference", "country", "owner_organization", *ACTIVITY_FIELDS, "version"]


class ActivityListSerializer(serializers.ModelSerializer):
    """An activity as recorded (no field of it names a person)."""

    class Meta:
        model = Activity
        fields = ACTIVITY_COLUMNS
        read_only_fields = fields


class ActivityParticipantCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    other = serializers.IntegerField()
    by_sector = serializers.DictField(child=serializers.IntegerField())
    from_roster = serializers.BooleanField(
        help_text=_lazy("true: counted from the roster; false: the counts recorded.")
    )


class ActivityDetailSerializer(ActivityListSerializer):
    """One activity with its implementing organizations and who took part."""

    implementing_organizations: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    participant_counts = serializers.SerializerMethodField()

    class Meta(ActivityListSerializer.Meta):
        fields = [*ACTIVITY_COLUMNS, "implementing_organizations", "participant_counts"]
        read_only_fields = fields

    @extend_schema_field(ActivityParticipantCountsSerializer)
    def get_participant_counts(self, activity: Activity) -> dict[str, Any]:
        counts = participant_counts(activity)
        return ActivityParticipantCountsSerializer(counts).data


@extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
class ActivitySectorCountsField(AsGivenField):
    """{sector code: participants}."""


class ActivityFieldsSerializer(StrictInputSerializer):
    owner_organization = serializers.IntegerField(
        required=False,
        help_text=_lazy(
            "Create only: the reporting organization (yours by default; a national M&E officer may "
            "name one of the country's)."
        ),
    )
    kind = text_input(24, _lazy("training, workshop, meeting, conference, campaign, technical_assistance, ..."))
    title = text_input(300)
    description = text_input(10_000)
    pillar = AsGivenIntegerField(required=False, help_text=_lazy("1 to 6."))
    four_ps = AsGivenCodesField(required=False, help_text=_lazy("prevention, protection, prosecution, partnership."))
    start_date = AsGivenDateField(required=False, help_text=_lazy("Required to record an activity."))
    end_date = AsGivenDateField(required=False, allow_null=True, help_text=_lazy("The start date when empty."))
    regions = AsGivenCodesField(required=False, help_text=_lazy("ISO 3166-2 codes of the activity's country."))
    places = text_input(500)
    implementing_organizations = AsGivenIdsField(required=False, help_text=_lazy("Organizations of the country."))
    partners = text_input(500)
    topics = AsGivenCodesField(required=False)
    target_groups = AsGivenCodesField(required=False, help_text=_lazy("Sector codes."))
    currency = text_input(3, _lazy("ISO 4217."))
    budget = AsGivenDecimalField(required=False, allow_null=True)
    cost = AsGivenDecimalField(required=False, allow_null=True)
    participants_total = AsGivenIntegerField(required=False, allow_null=True)
    participants_women = AsGivenIntegerField(required=False, allow_null=True)
    participants_men = AsGivenIntegerField(required=False, allow_null=True)
    participants_by_sector = ActivitySectorCountsField(required=False)
    channels = AsGivenCodesField(required=False, help_text=_lazy("Awareness campaigns only."))
    people_reached = AsGivenIntegerField(required=False, allow_null=True, help_text=_lazy("Awareness campaigns only."))
    materials = text_input(10_000, _lazy("Awareness campaigns only."))
    materials_count = AsGivenIntegerField(required=False, allow_null=True, help_text=_lazy("Awareness campaigns only."))
    countries = AsGivenCodesField(required=False, help_text=_lazy("Meetings, conferences and study visits only."))
    agreements = text_input(10_000, _lazy("Meetings, conferences and study visits only."))


class ActivityUpdateSerializer(ActivityFieldsSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_lazy("The `version` you read; a stale one answers 409 and changes nothing.")
    )


class ProgrammeFollowUpSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpAction
        fields = ["id", "activity", *FOLLOW_UP_FIELDS, "overdue"]
        read_only_fields = fields

    def get_overdue(self, action: FollowUpAction) -> bool:
        return is_overdue(action)


class ProgrammeFollowUpFieldsSerializer(StrictInputSerializer):
    description = text_input(4000)
    owner_name = text_input(200)
    owner_country = text_input(2, _lazy("ISO 3166-1 alpha-2."))
    due_on = AsGivenDateField(required=False, help_text=_lazy("Required to add an action."))
    status = text_input(10, _lazy("open, done or dropped."))
    done_on = AsGivenDateField(required=False, allow_null=True, help_text=_lazy("Today when done and not given."))
