"""Person payloads: shapes and types only; people.services checks codes, dates and text, and decides."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tipsom.core.api.serializers import StrictInputSerializer
from tipsom.people.models import Person

IDENTITY_PARTS = ("names", "birth_date", "contacts", "documents")


class StrictNestedSerializer(serializers.Serializer):
    """Refuses unknown keys inside a nested object too (StrictInputSerializer only sees the top level)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                message = StrictInputSerializer.unknown_field_message
                raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)


# --- Reading: statistical fields only ------------------------------------------------------------------------
class PersonSerializer(serializers.ModelSerializer):
    """A person as lists and normal reads show them: statistical fields, never a name, date, contact or document."""

    identity_masked = serializers.SerializerMethodField(
        help_text=_("Always true: names, birth date, contacts and documents are withheld; POST reveal/ to see them.")
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "owner_organization",
            "gender",
            "citizenships",
            "languages",
            "education",
            "birth_year",
            "birth_date_precision",
            "is_presumed_minor",
            "identity_masked",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_identity_masked(self, person: Person) -> bool:
        return True


class PersonNameSerializer(StrictNestedSerializer):
    kind = serializers.CharField(max_length=10, required=False, help_text=_("primary (exactly one) or alias."))
    name = serializers.CharField(max_length=300, trim_whitespace=False, help_text=_("In the person's own script."))
    name_latin = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("Latin transliteration; left out, it is made from the name."),
    )
    script = serializers.CharField(read_only=True, help_text=_("ISO 15924 code, detected from the name."))


class PersonContactSerializer(StrictNestedSerializer):
    kind = serializers.CharField(max_length=10, help_text=_("phone, email, address or other."))
    value = serializers.CharField(max_length=300, trim_whitespace=False)


class PersonDocumentSerializer(StrictNestedSerializer):
    doc_type = serializers.CharField(max_length=20, help_text=_("passport, national_id, birth_certificate, ..."))
    number = serializers.CharField(max_length=300, trim_whitespace=False)
    issuing_country = serializers.CharField(max_length=2, required=False, allow_blank=True)


class PersonFieldsMixin(serializers.Serializer):
    """The person_create / person_update fields. Codes are checked by the service, which names each bad field."""

    gender = serializers.CharField(max_length=30, required=False, help_text=_("HTCDS prs_Gender code."))
    citizenships = serializers.ListField(
        child=serializers.CharField(max_length=2),
        required=False,
        max_length=10,
        help_text=_("ISO 3166-1 alpha-2 codes."),
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, max_length=20, help_text=_("ISO 639 codes.")
    )
    education = serializers.CharField(
        max_length=40, required=False, help_text=_("HTCDS prs_HighestLevelOfEducation code.")
    )
    birth_date = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text=_("YYYY-MM-DD, YYYY-MM or YYYY (identifying).")
    )
    birth_date_precision = serializers.CharField(
        max_length=12, required=False, allow_blank=True, help_text=_("exact, year_month, year or estimated.")
    )
    is_presumed_minor = serializers.BooleanField(required=False)
    contacts = PersonContactSerializer(many=True, required=False)
    documents = PersonDocumentSerializer(many=True, required=False)


class PersonCreateSerializer(StrictNestedSerializer, PersonFieldsMixin):
    """A new person, as sent inside a case registration."""

    names = PersonNameSerializer(many=True, allow_empty=False)


class PersonUpdateSerializer(StrictInputSerializer, PersonFieldsMixin):
    names = PersonNameSerializer(
        many=True, required=False, allow_empty=False, help_text=_("Given: replaces all the person's names.")
    )
    version = serializers.IntegerField(
        min_value=1, help_text=_("The `version` you read; a stale one answers 409 and changes nothing.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Required on PATCH too: a change without it could silently overwrite someone else's.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": [serializers.Field.default_error_messages["required"]]})
        return super().validate(attrs)


# --- Revealing -----------------------------------------------------------------------------------------------
class RevealSerializer(StrictInputSerializer):
    reason = serializers.CharField(
        max_length=500,
        allow_blank=True,
        help_text=_("Why you need to see the identity, in words (at least 10 letters); kept in the audit log."),
    )
    # DRF's metaclass moves declared fields out of the class: this does not replace Serializer.fields.
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.ChoiceField(choices=IDENTITY_PARTS),
        required=False,
        allow_empty=False,
        help_text=_("Which parts to reveal; left out, all of them."),
    )


class PersonIdentitySerializer(serializers.Serializer):
    """A revealed identity: only the parts asked for are present."""

    id = serializers.IntegerField()
    names = PersonNameSerializer(many=True, required=False)
    birth_date = serializers.CharField(required=False)
    birth_date_precision = serializers.CharField(required=False)
    contacts = PersonContactSerializer(many=True, required=False)
    documents = PersonDocumentSerializer(many=True, required=False)
