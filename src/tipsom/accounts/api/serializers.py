"""Account payloads: sign-in, one's own account, users and roles. Shapes and types only; services decide."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tipsom.accounts.models import ObjectPermission, Role, User
from tipsom.core.api.serializers import StrictInputSerializer
from tipsom.organizations.models import Organization
from tipsom.organizations.selectors import organization_list


# --- Signing in ---------------------------------------------------------------------------------------------
class TokenObtainSerializer(StrictInputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text=_("The 6-digit code from the authenticator app, for accounts that use two-factor sign-in."),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send as `Authorization: Token <token>`. Shown only once."))
    expiry = serializers.DateTimeField(allow_null=True)


class OrganizationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "code", "name", "country"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    organization = OrganizationSummarySerializer(read_only=True)
    roles: serializers.SlugRelatedField[Role] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    requires_2fa = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "organization", "roles", "preferred_language", "requires_2fa"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_requires_2fa(self, user: User) -> bool:
        return bool(self.context.get("requires_2fa", False))


# --- Users --------------------------------------------------------------------------------------------------
class UserSerializer(serializers.ModelSerializer):
    """A colleague as others see them. The (encrypted) phone number is never returned, only whether there is one."""

    organization = OrganizationSummarySerializer(read_only=True)
    roles: serializers.SlugRelatedField[Role] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    has_phone = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "organization",
            "roles",
            "is_active",
            "has_phone",
            "preferred_language",
            "date_joined",
            "last_login",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_phone(self, user: User) -> bool:
        return bool(user.phone)


@extend_schema_field(OpenApiTypes.INT)
class VisibleOrganizationField(serializers.PrimaryKeyRelatedField):
    """An organization id, resolved only among those the requesting user can see."""

    def get_queryset(self) -> Any:
        user = getattr(self.context.get("request"), "user", None)
        return organization_list(user=user) if user is not None else Organization.objects.none()


_LANGUAGE_CHOICES = [("", _("As the browser asks")), *settings.LANGUAGES]


class UserInputSerializer(StrictInputSerializer):
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("Stored encrypted; never returned (see has_phone)."),
    )
    organization = VisibleOrganizationField()
    roles = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Role.objects.all(), required=False)
    preferred_language = serializers.ChoiceField(choices=_LANGUAGE_CHOICES, required=False, allow_blank=True)


class UserCreateSerializer(UserInputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )


class UserUpdateSerializer(UserInputSerializer):
    is_active = serializers.BooleanField(required=False)


# --- Roles --------------------------------------------------------------------------------------------------
class PermissionSerializer(serializers.ModelSerializer):
    object_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    actions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ObjectPermission
        fields = ["name", "description", "object_types", "actions", "scope", "enabled"]
        read_only_fields = fields


class RoleSerializer(serializers.ModelSerializer):
    permissions = PermissionSerializer(many=True, read_only=True)

    class Meta:
        model = Role
        fields = ["slug", "name", "description", "requires_2fa", "permissions"]
        read_only_fields = fields
