"""Serializer pieces every app's API shares: strict payloads and the one error shape, for the schema."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def validated(serializer: type[serializers.Serializer], data: Any, **kwargs: Any) -> dict[str, Any]:
    """`data` (a request's body or query parameters) as `serializer` validates it; invalid, a 400 that names the
    fields (core.api.errors)."""
    payload = serializer(data=data, **kwargs)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


def text_input(max_length: int, help_text: Any = "", *, trim_whitespace: bool = False) -> serializers.CharField:
    """An optional text of a payload, blank allowed, kept as sent by default (the service applies the text rule,
    core.validation, and trims)."""
    return serializers.CharField(
        max_length=max_length,
        required=False,
        allow_blank=True,
        trim_whitespace=trim_whitespace,
        help_text=help_text,
    )


@extend_schema_field(OpenApiTypes.ANY)
class AsGivenField(serializers.Field):
    """A value handed to the service as the client sent it, so that the service checks it and names the field in
    its own message on a bad one (a serializer only shapes the payload). Subclass it with @extend_schema_field
    for a value of a known type; these below are the common ones."""

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(OpenApiTypes.DATE)
class AsGivenDateField(AsGivenField):
    """A date, YYYY-MM-DD."""


@extend_schema_field(OpenApiTypes.INT)
class AsGivenIntegerField(AsGivenField):
    """A whole number, or a record's id (or null where the field allows it)."""


@extend_schema_field(OpenApiTypes.DECIMAL)
class AsGivenDecimalField(AsGivenField):
    """A decimal number (an amount), as a JSON number or a string."""


@extend_schema_field(serializers.ListField(child=serializers.CharField(max_length=60)))
class AsGivenCodesField(AsGivenField):
    """A list of codes."""


@extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
class AsGivenIdsField(AsGivenField):
    """A list of record ids."""


class StrictInputSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a misspelt field is an error rather than a silent no-op."""

    unknown_field_message = _("This field is not accepted here.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        initial = self.initial_data if isinstance(self.initial_data, dict) else {}
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(initial) - writable)
        if unknown:
            raise serializers.ValidationError({name: [self.unknown_field_message] for name in unknown})
        return super().validate(attrs)


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "Invalid fields: each field's name (a dotted path inside nested objects and lists, "
                'such as "person.names.0.name"; "non_field_errors" for the request as a whole) maps to its '
                "messages.",
            },
            "wait_seconds": {"type": "integer", "nullable": True, "description": "429: when to try again."},
        },
        "additionalProperties": True,
    }
)
class ErrorExtraField(serializers.DictField):
    """The details of an error; other keys than these may be present (current_version, warnings, limit, ...)."""


class ErrorSerializer(serializers.Serializer):
    """{"code", "message", "extra"}: the body of every 4xx answer (documentation only)."""

    code = serializers.CharField(help_text=_("Stable, for programs: not_found, invalid, conflict, ..."))
    message = serializers.CharField(help_text=_("Translated, for people."))
    extra = ErrorExtraField(help_text=_("Details; `fields` maps invalid fields to their messages."))
