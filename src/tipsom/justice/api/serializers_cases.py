"""Payloads of the criminal case API (justice/cases, justice/offences, justice/suspects, justice/groups): shapes
only, the services check the rules. Encrypted free text (facts, modus operandi, a group's notes) is masked in every
answer; a suspect's identity is never in an answer but that of the audited reveal."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tipsom.core.api.serializers import StrictInputSerializer
from tipsom.core.fields import EncryptedTextField
from tipsom.core.masking import MASKED
from tipsom.justice.models import ContactType, CriminalCase, CriminalGroup, Offence, OffenceType, Suspect, SuspectRole

VERSION_HELP = _("The `version` you read; a stale one answers 409 and changes nothing.")


class MaskedSerializer(serializers.ModelSerializer):
    """Encrypted fields come out as "••••••" (or "" when empty)."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        for field in instance._meta.concrete_fields:
            if isinstance(field, EncryptedTextField) and field.name in data:
                data[field.name] = MASKED if data[field.name] else ""
        return data


class CriminalCaseListSerializer(serializers.Serializer):
    """One row of the list (built from plain values: no encrypted column is read)."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    file_number = serializers.CharField()
    stage = serializers.CharField()
    offence_type = serializers.CharField()
    investigation_opened_on = serializers.DateField()
    is_transnational = serializers.BooleanField()
    country = serializers.CharField()
    owner_organization = serializers.IntegerField()


class CriminalCaseSerializer(MaskedSerializer):
    class Meta:
        model = CriminalCase
        fields = [
            "id",
            "reference",
            "country",
            "title",
            "file_number",
            "stage",
            "offence_type",
            "owner_organization",
            "investigating_unit",
            "prosecution_office",
            "court",
            "investigation_opened_on",
            "investigation_closed_on",
            "concluded_on",
            "is_transnational",
            "countries_involved",
            "facts",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class CriminalCaseInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    file_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    investigation_opened_on = serializers.CharField()
    investigating_unit = serializers.IntegerField(required=False, allow_null=True)
    prosecution_office = serializers.IntegerField(required=False, allow_null=True)
    court = serializers.IntegerField(required=False, allow_null=True)
    is_transnational = serializers.BooleanField(required=False)
    countries_involved = serializers.ListField(child=serializers.CharField(), required=False)
    facts = serializers.CharField(required=False, allow_blank=True)


class CriminalCaseCreateSerializer(CriminalCaseInputSerializer):
    offence_type = serializers.ChoiceField(choices=OffenceType.choices, required=False, allow_blank=True)


class CriminalCaseUpdateSerializer(CriminalCaseInputSerializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    investigation_opened_on = serializers.CharField(required=False)
    investigation_closed_on = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class OffenceSerializer(MaskedSerializer):
    class Meta:
        model = Offence
        fields = [
            "id",
            "criminal_case",
            "offence_type",
            "provision",
            "date_from",
            "date_to",
            "recorded_on",
            "country",
            "region",
            "places",
            "reporting_unit",
            "exploitation_types",
            "recruitment_methods",
            "means_of_control",
            "modus_operandi",
            "is_transnational",
            "countries_involved",
            "created_at",
        ]
        read_only_fields = fields


class OffenceInputSerializer(StrictInputSerializer):
    offence_type = serializers.CharField(required=False, allow_blank=True)
    provision = serializers.IntegerField(required=False, allow_null=True)
    date_from = serializers.CharField(required=False)
    date_to = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    recorded_on = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(required=False)
    region = serializers.CharField(required=False, allow_blank=True)
    places = serializers.CharField(required=False, allow_blank=True)
    reporting_unit = serializers.IntegerField(required=False, allow_null=True)
    exploitation_types = serializers.ListField(child=serializers.CharField(), required=False)
    recruitment_methods = serializers.ListField(child=serializers.CharField(), required=False)
    means_of_control = serializers.ListField(child=serializers.CharField(), required=False)
    modus_operandi = serializers.CharField(required=False, allow_blank=True)
    is_transnational = serializers.BooleanField(required=False)
    countries_involved = serializers.ListField(child=serializers.CharField(), required=False)


class OffenceCreateSerializer(OffenceInputSerializer):
    criminal_case = serializers.IntegerField()
    date_from = serializers.CharField()


class SuspectSerializer(serializers.ModelSerializer):
    """A suspect with the person's statistical facts; never a name or a birth date."""

    gender = serializers.CharField(source="person.gender", read_only=True)
    birth_year = serializers.IntegerField(source="person.birth_year", read_only=True, allow_null=True)
    citizenships = serializers.ListField(source="person.citizenships", read_only=True, child=serializers.CharField())
    groups: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Suspect
        fields = [
            "id",
            "criminal_case",
            "person",
            "gender",
            "birth_year",
            "citizenships",
            "roles",
            "groups",
            "age_at_offence",
            "contact_type",
            "formal_contact_on",
            "prosecuted_on",
            "convicted_on",
            "sentenced_on",
            "in_custody",
            "created_at",
            "version",
        ]
        read_only_fields = fields


class SuspectInputSerializer(StrictInputSerializer):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=SuspectRole.choices), required=False)
    groups = serializers.ListField(child=serializers.IntegerField(), required=False)
    age_at_offence = serializers.IntegerField(required=False, allow_null=True)
    contact_type = serializers.ChoiceField(choices=ContactType.choices, required=False, allow_blank=True)
    formal_contact_on = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    in_custody = serializers.BooleanField(required=False)


class SuspectCreateSerializer(SuspectInputSerializer):
    criminal_case = serializers.IntegerField()
    person = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("A person of the registry you may see, instead of `names`.")
    )
    names = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("A new person: the primary name first, then aliases."),
    )
    gender = serializers.CharField(required=False, allow_blank=True)
    birth_date = serializers.CharField(required=False, allow_blank=True, help_text=_("A year (1980) or a date."))
    citizenships = serializers.ListField(child=serializers.CharField(), required=False)


class SuspectUpdateSerializer(SuspectInputSerializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class JusticeRevealSerializer(StrictInputSerializer):
    """The reason for a reveal in a criminal case (a defendant's identity, a victim's name or statement)."""

    reason = serializers.CharField(
        max_length=500,
        allow_blank=True,
        help_text=_("Why you need to see it, in words (at least 10 letters); kept in the audit log."),
    )


class SuspectIdentitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    names = serializers.ListField(child=serializers.DictField())
    birth_date = serializers.CharField(allow_blank=True)
    birth_date_precision = serializers.CharField(allow_blank=True)


class GroupSerializer(MaskedSerializer):
    class Meta:
        model = CriminalGroup
        fields = [
            "id",
            "owner_organization",
            "country",
            "name",
            "estimated_size",
            "countries_of_activity",
            "notes",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class GroupInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    estimated_size = serializers.IntegerField(required=False, allow_null=True)
    countries_of_activity = serializers.ListField(child=serializers.CharField(), required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class GroupUpdateSerializer(GroupInputSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
