"""Organization payloads: shapes and types only; organizations.services applies the rules."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from tipsom.core.api.serializers import StrictInputSerializer
from tipsom.organizations.models import Organization, OrganizationFunction, OrganizationType


class OrganizationListSerializer(serializers.ModelSerializer):
    """What a directory row shows: never the (confidential) street address."""

    class Meta:
        model = Organization
        fields = ["id", "code", "name", "type", "functions", "country", "region", "city", "is_active", "version"]
        read_only_fields = fields


@extend_schema_serializer(component_name="OrganizationDetail")
class OrganizationDetailSerializer(serializers.ModelSerializer):
    """One organization. `street_address` is present only for users who may change the organization."""

    street_address = serializers.CharField(
        required=False,
        help_text=_("Confidential (a shelter's address): returned only to users who may change the organization."),
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "name",
            "type",
            "functions",
            "country",
            "region",
            "city",
            "street_address",
            "postal_code",
            "phone",
            "email",
            "website",
            "is_active",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Organization) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("show_street_address", False):
            data.pop("street_address", None)
        return data


class OrganizationInputSerializer(StrictInputSerializer):
    """Fields a client may send to create or change an organization."""

    name = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=OrganizationType.choices)
    country = serializers.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2 code, such as BR."))
    functions = serializers.ListField(
        child=serializers.ChoiceField(choices=OrganizationFunction.choices), required=False, max_length=20
    )
    region = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text=_("ISO 3166-2 code, such as BR-SP.")
    )
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    street_address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text=_("International format (E.164): +551199998888.")
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class OrganizationCreateSerializer(OrganizationInputSerializer):
    code = serializers.SlugField(
        max_length=60, required=False, allow_blank=True, help_text=_("Left out: made from the country and name.")
    )


class OrganizationUpdateSerializer(OrganizationInputSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The `version` you read; a stale one answers 409 and changes nothing.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Required on PATCH too: a change without it could silently overwrite someone else's.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": [serializers.Field.default_error_messages["required"]]})
        return super().validate(attrs)
